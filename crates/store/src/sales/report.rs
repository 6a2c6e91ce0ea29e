//! The sales report's shape, whatever the SQL dialect.

use domain::sales::SalesGroup;
use domain::sales::limits::MAX_REPORT_GROUPS;
use domain::{Error, Result};

use crate::SalesReportQuery;

/// The group key's SQL expression and the ORDER BY over the result columns (`key`, `amount`):
/// by key for days, by amount (largest first, then key) otherwise. `day_key` is the backend's
/// `YYYY-MM-DD` text of the `day` column. Refuses a range that ends before it starts.
pub(crate) fn grouping(q: &SalesReportQuery, day_key: &'static str) -> Result<(&'static str, &'static str)> {
    if q.from > q.to {
        return Err(Error::validation("the report's start is after its end"));
    }
    Ok(match q.group {
        SalesGroup::Day => (day_key, "key"),
        SalesGroup::Customer => ("customer", "amount DESC, key"),
        SalesGroup::Item => ("sku", "amount DESC, key"),
        SalesGroup::Salesperson => ("COALESCE(salesperson, '')", "amount DESC, key"),
    })
}

/// How many groups to return, as bound.
pub(crate) fn limit(q: &SalesReportQuery) -> i64 {
    i64::from(q.limit.clamp(1, MAX_REPORT_GROUPS))
}
