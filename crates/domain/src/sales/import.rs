//! What every all-or-nothing import shares: the row cap, row-numbered errors, the summary.

use serde::Serialize;

use crate::sales::limits::MAX_IMPORT_ROWS;
use crate::{Error, ErrorCode, Result};

/// The outcome of an import that was written, wholly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub rows: u64,
    /// The catalog version after a catalog or stock import; `None` for other imports.
    pub catalog_version: Option<u64>,
}

/// Refuses an empty import and one beyond [`MAX_IMPORT_ROWS`].
pub fn check_import_size(rows: usize) -> Result<()> {
    if rows == 0 {
        return Err(Error::validation("the import has no rows"));
    }
    if rows > MAX_IMPORT_ROWS {
        return Err(Error::new(
            ErrorCode::PayloadTooLarge,
            format!("an import may have at most {MAX_IMPORT_ROWS} rows; this one has {rows}"),
        ));
    }
    Ok(())
}

/// Names the (1-based) data row an error came from, keeping its code.
pub fn at_row(index: usize, err: Error) -> Error {
    Error::new(err.code(), format!("row {}: {}", index + 1, err.detail()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_outside_the_bounds_are_refused() {
        assert_eq!(check_import_size(0).unwrap_err().code(), ErrorCode::Validation);
        assert!(check_import_size(MAX_IMPORT_ROWS).is_ok());
        assert_eq!(check_import_size(MAX_IMPORT_ROWS + 1).unwrap_err().code(), ErrorCode::PayloadTooLarge);
        let err = at_row(4, Error::validation("sku: must not be empty"));
        assert_eq!((err.code(), err.detail()), (ErrorCode::Validation, "row 5: sku: must not be empty"));
    }
}
