//! The sales-domain rules both adapters share, free of SQL: what an import writes (rows cleaned,
//! checked and in stored units), which write a price change is, and what each change puts in the
//! audit log. An adapter only moves these values in and out of its database.

pub(crate) mod audit;
pub(crate) mod oos;
pub(crate) mod prepare;
pub(crate) mod price;
pub(crate) mod report;

/// A page size as bound: within `1..=MAX_PAGE`.
pub(crate) fn page(limit: u32) -> i64 {
    i64::from(domain::sales::limits::page_size(limit))
}
