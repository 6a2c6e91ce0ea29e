//! What every backend does before an import touches the database: clean each row (caps, trims),
//! refuse duplicate keys within the file, and name the first bad row. Pure, so adapters share it.

use std::collections::HashMap;

use domain::sales::{at_row, check_import_size};
use domain::{Error, Result};

/// Every row cleaned, or the first row's error; refuses empty and oversized imports.
pub(crate) fn clean_all<T>(rows: &[T], clean: impl Fn(&T) -> Result<T>) -> Result<Vec<T>> {
    check_import_size(rows.len())?;
    rows.iter().enumerate().map(|(i, row)| clean(row).map_err(|e| at_row(i, e))).collect()
}

/// Refuses the import when a key occurs twice, naming both rows: which one should win is the
/// file owner's call, not ours.
pub(crate) fn refuse_duplicates<'a>(what: &str, keys: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, key) in keys.enumerate() {
        if let Some(first) = seen.insert(key, i) {
            return Err(at_row(
                i,
                Error::validation(format!("{what} {key:?} appears twice in the import (first in row {})", first + 1)),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_occurrence_is_named() {
        let err = refuse_duplicates("sku", ["A", "B", "A"].into_iter()).unwrap_err();
        assert_eq!(err.detail(), "row 3: sku \"A\" appears twice in the import (first in row 1)");
        assert!(refuse_duplicates("sku", ["A", "B"].into_iter()).is_ok());
    }

    #[test]
    fn the_first_bad_row_is_named() {
        let rows = ["ok".to_owned(), String::new(), String::new()];
        let err = clean_all(&rows, |r| if r.is_empty() { Err(Error::validation("empty")) } else { Ok(r.clone()) })
            .unwrap_err();
        assert_eq!(err.detail(), "row 2: empty");
    }
}
