//! File-level failures: the whole upload is refused. Row-level problems are [`crate::RowError`]s.
//! Every message is meant for the person who uploaded the file: no type names, no internals,
//! and at most a short excerpt of their own text.

use domain::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is larger than {max_mb} MB")]
    TooLarge { max_mb: usize },
    #[error("this kind of file cannot be imported; upload a .csv, .xlsx or .xls file")]
    UnsupportedKind,
    #[error(
        "the file is not UTF-8 text (first bad character in row {row}); save it as \"CSV UTF-8\" or as .xlsx and upload again"
    )]
    NotUtf8 { row: usize },
    #[error("the file could not be read: {reason}")]
    Unreadable { reason: &'static str },
    #[error("the file has no rows")]
    Empty,
    #[error("the file has a header row but no data rows")]
    HeaderOnly,
    #[error("the file has more than {max} data rows")]
    TooManyRows { max: usize },
    #[error("the spreadsheet is too large to import ({what}); split it into smaller files")]
    TooBig { what: &'static str },
    #[error("missing required column(s): {}; columns found: {}", .missing.join(", "), found_list(.found))]
    MissingColumns { missing: Vec<String>, found: Vec<String> },
    #[error("column \"{name}\" appears more than once in the header row")]
    DuplicateColumn { name: String },
}

/// The header as the user wrote it, shortened: a hostile header row must not flood the message.
fn found_list(found: &[String]) -> String {
    const SHOWN: usize = 20;
    if found.is_empty() {
        return "none".to_owned();
    }
    let mut out = found.iter().take(SHOWN).map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", ");
    if found.len() > SHOWN {
        out.push_str(&format!(" and {} more", found.len() - SHOWN));
    }
    out
}

impl From<SheetError> for domain::Error {
    fn from(err: SheetError) -> Self {
        let code = match err {
            SheetError::TooLarge { .. } | SheetError::TooManyRows { .. } | SheetError::TooBig { .. } => {
                ErrorCode::PayloadTooLarge
            }
            SheetError::UnsupportedKind => ErrorCode::UnsupportedMediaType,
            _ => ErrorCode::Validation,
        };
        domain::Error::new(code, err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_columns_names_both_sides_and_caps_the_list() {
        let found: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        let msg = SheetError::MissingColumns { missing: vec!["sku".into(), "unit".into()], found }.to_string();
        assert!(msg.contains("sku, unit"), "{msg}");
        assert!(msg.contains("\"c0\"") && msg.contains("\"c19\"") && !msg.contains("\"c20\""), "{msg}");
        assert!(msg.contains("and 10 more"), "{msg}");
    }

    #[test]
    fn maps_onto_the_api_error_codes() {
        let e: domain::Error = SheetError::TooManyRows { max: 5 }.into();
        assert_eq!(e.code(), ErrorCode::PayloadTooLarge);
        let e: domain::Error = SheetError::HeaderOnly.into();
        assert_eq!(e.code(), ErrorCode::Validation);
        assert_eq!(e.detail(), "the file has a header row but no data rows");
        let e: domain::Error = SheetError::UnsupportedKind.into();
        assert_eq!(e.code(), ErrorCode::UnsupportedMediaType);
    }
}
