//! Finding customers by code or name, for pickers (the web page's "which customer?").

use std::sync::Arc;

use domain::sales::Customer;
use domain::{Principal, Result, Role};
use store::Store;

/// Customers read per page while searching, and at most this many in all: a directory larger
/// than that is searched by its first entries only (codes sort them; say so to the caller).
const PAGE: u32 = 500;
const SCAN_LIMIT: usize = 50_000;

#[derive(Clone)]
pub struct CustomerService {
    store: Arc<dyn Store>,
}

impl CustomerService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Customers whose code or name contains `query` (case-insensitively), in code order; all
    /// of them (up to `limit`) when the query is empty.
    pub async fn search(&self, caller: &Principal, query: &str, limit: usize) -> Result<Vec<Customer>> {
        caller.require(Role::Staff)?;
        self.matching(query, limit).await
    }

    /// The customer people mean by `wording` ("untuk Toko Maju"): the one whose code or name is
    /// it (any case, any spacing), else the only one whose code or name contains it; None when
    /// none or several fit, so a vague name never picks a customer by chance.
    pub async fn named(&self, wording: &str) -> Result<Option<Customer>> {
        let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let wanted = fold(wording);
        if wanted.is_empty() {
            return Ok(None);
        }
        let found = self.matching(&wanted, 50).await?;
        let exact: Vec<&Customer> =
            found.iter().filter(|c| fold(&c.code) == wanted || fold(&c.name) == wanted).collect();
        let only = |list: Vec<&Customer>| if list.len() == 1 { list.first().map(|c| (*c).clone()) } else { None };
        if !exact.is_empty() {
            return Ok(only(exact));
        }
        Ok(only(found.iter().collect()))
    }

    async fn matching(&self, query: &str, limit: usize) -> Result<Vec<Customer>> {
        let needle = query.trim().to_lowercase();
        let mut found = Vec::new();
        let (mut after, mut scanned) = (None::<String>, 0usize);
        while found.len() < limit && scanned < SCAN_LIMIT {
            let page = self.store.customers_after(after.as_deref(), PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.code.clone());
            scanned += page.len();
            let full = page.len() == PAGE as usize;
            found.extend(page.into_iter().filter(|c| {
                needle.is_empty() || c.code.to_lowercase().contains(&needle) || c.name.to_lowercase().contains(&needle)
            }));
            if !full {
                break;
            }
        }
        found.truncate(limit);
        Ok(found)
    }
}
