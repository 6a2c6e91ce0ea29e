//! What a price change may do, given the row as it is (read under the write lock or row lock).

use domain::sales::DEFAULT_PRICE_LIST;
use domain::{Error, ErrorCode, Result};

/// The write a permitted price change makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PriceWrite {
    /// The row exists at the expected version: change it and bump the version.
    Update,
    /// Neither row nor version: create the row at version 1 (its item must exist).
    Insert,
}

/// Decides a change from the row's current version (`None`: no row) and the version the caller
/// last saw (`None`: it believes there is no row).
pub(crate) fn decide(current: Option<u64>, expected: Option<u64>) -> Result<PriceWrite> {
    match (current, expected) {
        (Some(cur), Some(expected)) if cur == expected => Ok(PriceWrite::Update),
        (Some(cur), Some(expected)) => Err(Error::new(
            ErrorCode::PreconditionFailed,
            format!("the price changed meanwhile: it is at version {cur}, not {expected}"),
        )),
        (Some(cur), None) => Err(exists_already(cur)),
        (None, Some(_)) => Err(Error::not_found("price")),
        (None, None) => Ok(PriceWrite::Insert),
    }
}

/// The list a customer is priced from, given its row's `price_list` (`None`: no such customer).
pub(crate) fn customer_list(found: Option<Option<String>>) -> Result<String> {
    let list = found.ok_or_else(|| Error::not_found("customer"))?;
    Ok(list.unwrap_or_else(|| DEFAULT_PRICE_LIST.to_owned()))
}

/// A row exists that the caller did not name a version for.
fn exists_already(version: u64) -> Error {
    Error::new(
        ErrorCode::PreconditionRequired,
        format!("this price exists (version {version}); send its version to change it"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_of_the_version_check() {
        assert_eq!(decide(Some(2), Some(2)).unwrap(), PriceWrite::Update);
        assert_eq!(decide(None, None).unwrap(), PriceWrite::Insert);
        assert_eq!(decide(Some(3), Some(2)).unwrap_err().code(), ErrorCode::PreconditionFailed);
        assert_eq!(decide(Some(3), None).unwrap_err().code(), ErrorCode::PreconditionRequired);
        assert_eq!(decide(None, Some(1)).unwrap_err().code(), ErrorCode::NotFound);
    }
}
