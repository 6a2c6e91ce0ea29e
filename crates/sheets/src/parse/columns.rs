//! Finding the columns a file type needs in the header row, by name or alias.

use crate::error::SheetError;
use crate::text::{excerpt, normalize_header};

/// A column a parser reads: its documented name, the other names it goes by, and whether a file
/// without it is refused.
pub(super) struct Spec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

pub(super) const fn required(name: &'static str) -> Spec {
    Spec { name, aliases: &[], required: true }
}

pub(super) const fn optional(name: &'static str) -> Spec {
    Spec { name, aliases: &[], required: false }
}

/// Where each spec's column is, and its header as the user wrote it (for messages).
#[derive(Debug)]
pub(super) struct Located {
    pub index: Vec<Option<usize>>,
    pub labels: Vec<String>,
}

/// Matches `headers` against `specs`; missing required columns and a needed column given twice
/// are file-level errors.
pub(super) fn locate(headers: &[String], specs: &[Spec]) -> Result<Located, SheetError> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut index = Vec::with_capacity(specs.len());
    let mut labels = Vec::with_capacity(specs.len());
    let mut missing = Vec::new();
    for spec in specs {
        let mut hits = normalized.iter().enumerate().filter(|(_, h)| matches(spec, h)).map(|(i, _)| i);
        let first = hits.next();
        if let (Some(_), Some(_)) = (first, hits.next()) {
            return Err(SheetError::DuplicateColumn { name: spec.name.to_owned() });
        }
        if first.is_none() && spec.required {
            missing.push(spec.name.to_owned());
        }
        labels.push(first.and_then(|i| headers.get(i)).map_or_else(|| spec.name.to_owned(), |h| excerpt(h)));
        index.push(first);
    }
    if !missing.is_empty() {
        let found = headers.iter().filter(|h| !h.trim().is_empty()).map(|h| excerpt(h)).collect();
        return Err(SheetError::MissingColumns { missing, found });
    }
    Ok(Located { index, labels })
}

pub(super) fn matches(spec: &Spec, normalized_header: &str) -> bool {
    spec.name == normalized_header || spec.aliases.contains(&normalized_header)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [Spec; 3] = [required("sku"), required("name"), optional("brand")];

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_match_ignoring_case_and_spaces() {
        let found = locate(&headers(&[" Name ", "BRAND", "x", "Sku"]), &SPECS).unwrap();
        assert_eq!(found.index, vec![Some(3), Some(0), Some(1)]);
        assert_eq!(found.labels, vec!["Sku", "Name", "BRAND"]);
    }

    #[test]
    fn missing_required_columns_name_what_was_found() {
        let err = locate(&headers(&["code", "", "Name"]), &SPECS).unwrap_err();
        assert_eq!(
            err,
            SheetError::MissingColumns { missing: vec!["sku".into()], found: vec!["code".into(), "Name".into()] }
        );
    }

    #[test]
    fn a_needed_column_twice_is_refused() {
        let err = locate(&headers(&["sku", "name", "SKU "]), &SPECS).unwrap_err();
        assert_eq!(err, SheetError::DuplicateColumn { name: "sku".into() });
    }
}
