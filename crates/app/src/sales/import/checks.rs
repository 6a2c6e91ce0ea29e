//! References a row makes to what must already exist: prices and sales name catalog items, sales
//! name customers. Checked here, per distinct key, so a bad reference is a row error (and
//! `--partial` can leave just that row out) instead of failing the whole write.

use std::collections::HashMap;

use domain::Result;
use sheets::RowError;
use store::Store;

use super::convert::{Converted, error};
use super::{Progress, ProgressSink};

/// Checks every reference; rows that fail are moved into the errors.
pub async fn check(store: &dyn Store, converted: &mut Converted, progress: ProgressSink<'_>) -> Result<()> {
    let mut known = Known::default();
    match converted {
        Converted::Catalog { .. } | Converted::Customers { .. } => Ok(()),
        Converted::Prices { rows, errors } => {
            let total = rows.len() as u64;
            let mut kept = Vec::with_capacity(rows.len());
            for (i, (row, price)) in std::mem::take(rows).into_iter().enumerate() {
                report(progress, i, total);
                match known.item(store, &price.sku).await? {
                    true => kept.push((row, price)),
                    false => errors.push(unknown_sku(row)),
                }
            }
            *rows = kept;
            Ok(())
        }
        Converted::Sales { rows, errors } => {
            let total = rows.len() as u64;
            let mut kept = Vec::with_capacity(rows.len());
            for (i, (row, line)) in std::mem::take(rows).into_iter().enumerate() {
                report(progress, i, total);
                let customer = known.customer(store, &line.customer).await?;
                let item = known.item(store, &line.sku).await?;
                match (customer, item) {
                    (true, true) => kept.push((row, line)),
                    (false, _) => errors.push(error(row, Some("customer"), "no such customer; import customers first")),
                    (true, false) => errors.push(unknown_sku(row)),
                }
            }
            *rows = kept;
            Ok(())
        }
    }
}

fn unknown_sku(row: usize) -> RowError {
    error(row, Some("sku"), "no such item in the catalog; import the catalog first")
}

/// Reports every few hundred rows: often enough for a smooth bar, rarely enough to cost nothing.
fn report(progress: ProgressSink<'_>, i: usize, total: u64) {
    if i.is_multiple_of(256) || i as u64 + 1 == total {
        progress(Progress { stage: "checking references", done: i as u64 + 1, total });
    }
}

/// Answers already looked up, so each distinct SKU or customer costs one query.
#[derive(Default)]
struct Known {
    items: HashMap<String, bool>,
    customers: HashMap<String, bool>,
}

impl Known {
    async fn item(&mut self, store: &dyn Store, sku: &str) -> Result<bool> {
        if let Some(&exists) = self.items.get(sku) {
            return Ok(exists);
        }
        let exists = store.item(sku).await?.is_some();
        self.items.insert(sku.to_owned(), exists);
        Ok(exists)
    }

    async fn customer(&mut self, store: &dyn Store, code: &str) -> Result<bool> {
        if let Some(&exists) = self.customers.get(code) {
            return Ok(exists);
        }
        let exists = store.customer(code).await?.is_some();
        self.customers.insert(code.to_owned(), exists);
        Ok(exists)
    }
}
