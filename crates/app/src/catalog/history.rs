//! A customer's purchases, as the matcher's prior for the lines that customer orders.
//!
//! The matcher breaks ties the line cannot break ("rave lemon 350ml", "aqua 2 dus") toward what
//! the customer usually buys (see `matching::History`). This reads the customer's sales of the
//! last [`HISTORY_DAYS`] once per order, not per line; it is kept by SKU, not by the matcher's
//! positions, so a catalog rebuilt in the middle of an order still reads it right.

use std::sync::{Arc, Mutex, Weak};

use chrono::{Days, NaiveDate};
use domain::Result;
use matching::{History, Matcher};
use store::Store;

/// How far back purchases count.
pub const HISTORY_DAYS: u64 = 365;

/// `(sku, sales lines)` of one customer, most bought first; empty for a customer without sales.
/// Resolved against a matcher once and reused for every line searched with that matcher.
#[derive(Debug, Clone, Default)]
pub struct CustomerHistory {
    counts: Arc<Vec<(String, u32)>>,
    resolved: Arc<Mutex<Option<Resolved>>>,
}

/// The history resolved against one matcher (held weakly: a replaced catalog is not kept alive).
#[derive(Debug)]
struct Resolved {
    matcher: Weak<Matcher>,
    history: Arc<History>,
}

impl CustomerHistory {
    pub async fn load(store: &dyn Store, customer: &str, today: NaiveDate) -> Result<CustomerHistory> {
        let since = today.checked_sub_days(Days::new(HISTORY_DAYS)).unwrap_or(NaiveDate::MIN);
        let limit = u32::try_from(matching::MAX_HISTORY).unwrap_or(u32::MAX);
        let counts = store.customer_history(customer, since, limit).await?;
        Ok(CustomerHistory { counts: Arc::new(counts), resolved: Arc::default() })
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The matcher's view of this history, resolved once per matcher (a catalog rebuilt in the
    /// middle of an order resolves it again).
    pub(super) fn for_matcher(&self, matcher: &Arc<Matcher>) -> Arc<History> {
        let mut resolved = self.resolved.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = resolved.as_ref().filter(|r| r.matcher.upgrade().is_some_and(|m| Arc::ptr_eq(&m, matcher))) {
            return r.history.clone();
        }
        let history = Arc::new(matcher.history(self.counts.iter().map(|(sku, n)| (sku.as_str(), *n))));
        *resolved = Some(Resolved { matcher: Arc::downgrade(matcher), history: history.clone() });
        history
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use matching::CatalogEntry;

    fn matcher(skus: &[&str]) -> Arc<Matcher> {
        let entry = |sku: &&str| CatalogEntry {
            sku: (*sku).to_owned(),
            name: format!("Item {sku}"),
            brand: None,
            category: None,
            unit: "pcs".into(),
            barcode: None,
            aliases: Vec::new(),
        };
        Arc::new(Matcher::build(skus.iter().map(entry).collect()).unwrap())
    }

    #[test]
    fn a_history_is_resolved_once_per_matcher() {
        let counts = vec![("A".to_owned(), 3), ("B".to_owned(), 1)];
        let history = CustomerHistory { counts: Arc::new(counts), resolved: Arc::default() };
        let first = matcher(&["A", "B"]);
        let once = history.for_matcher(&first);
        assert!(Arc::ptr_eq(&once, &history.for_matcher(&first)), "reused for the same matcher");
        assert_eq!(once.len(), 2);
        let rebuilt = matcher(&["A"]);
        let again = history.for_matcher(&rebuilt);
        assert!(!Arc::ptr_eq(&once, &again), "resolved again for a new catalog");
        assert_eq!(again.len(), 1, "B is not in the new catalog");
    }
}
