//! A customer's purchases, as the matcher's prior for the lines that customer orders.
//!
//! The matcher breaks ties the line cannot break ("rave lemon 350ml", "aqua 2 dus") toward what
//! the customer usually buys (see `matching::History`). This reads the customer's sales of the
//! last [`HISTORY_DAYS`] once per order, not per line; it is kept by SKU, not by the matcher's
//! positions, so a catalog rebuilt in the middle of an order still reads it right.

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use domain::Result;
use store::Store;

/// How far back purchases count.
pub const HISTORY_DAYS: u64 = 365;

/// `(sku, sales lines)` of one customer, most bought first; empty for a customer without sales.
#[derive(Debug, Clone, Default)]
pub struct CustomerHistory(Arc<Vec<(String, u32)>>);

impl CustomerHistory {
    pub async fn load(store: &dyn Store, customer: &str, today: NaiveDate) -> Result<CustomerHistory> {
        let since = today.checked_sub_days(Days::new(HISTORY_DAYS)).unwrap_or(NaiveDate::MIN);
        let limit = u32::try_from(matching::MAX_HISTORY).unwrap_or(u32::MAX);
        Ok(CustomerHistory(Arc::new(store.customer_history(customer, since, limit).await?)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn for_matcher(&self, matcher: &matching::Matcher) -> matching::History {
        matcher.history(self.0.iter().map(|(sku, n)| (sku.as_str(), *n)))
    }
}
