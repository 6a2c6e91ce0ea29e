//! Text rules shared by every sales input: trimmed one-line fields with caps, and the one normal
//! form of customer wording used for mapping lookups.

use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// The normal form of a customer's wording ("Aqua  600ML" and "aqua 600ml" are one mapping):
/// NFKC (full-width and compatibility forms folded), lower-cased, trimmed, inner whitespace
/// collapsed to single spaces. The app and every store use this one function.
pub fn normalize_wording(raw: &str) -> String {
    let lowered = raw.nfkc().collect::<String>().to_lowercase();
    // Lower-casing can leave text that is no longer NFKC; fold again so the result is stable.
    let folded: String = lowered.nfkc().collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A required one-line field: trimmed, not empty, at most `max` characters, no control characters.
pub(crate) fn required(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::validation(format!("{field}: must not be empty")));
    }
    checked(field, value, max)
}

/// An optional one-line field: blank means absent; otherwise as [`required`].
pub(crate) fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => checked(field, v, max).map(Some),
    }
}

fn checked(field: &str, value: &str, max: usize) -> Result<String> {
    if value.chars().count() > max {
        return Err(Error::validation(format!("{field}: at most {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(format!("{field}: must not contain control characters")));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wording_is_folded_to_one_form() {
        assert_eq!(normalize_wording("  Aqua\t 600ML \n 2  DUS "), "aqua 600ml 2 dus");
        // Full-width letters and digits, and the ideographic space, fold to ASCII.
        assert_eq!(normalize_wording("ＡＱＵＡ\u{3000}６００ml"), "aqua 600ml");
        assert_eq!(normalize_wording("雪碧 330  一箱"), "雪碧 330 一箱");
        assert_eq!(normalize_wording("   "), "");
    }

    #[test]
    fn fields_are_trimmed_and_capped() {
        assert_eq!(required("sku", "  A-1 ", 64).unwrap(), "A-1");
        assert_eq!(required("sku", " ", 64).unwrap_err().code(), crate::ErrorCode::Validation);
        assert!(required("sku", &"x".repeat(65), 64).unwrap_err().detail().contains("64"));
        assert!(required("sku", "a\u{0}b", 64).is_err());
        assert_eq!(optional("brand", Some("  "), 10).unwrap(), None);
        assert_eq!(optional("brand", Some(" Aqua "), 10).unwrap().as_deref(), Some("Aqua"));
    }

    proptest! {
        #[test]
        fn normalising_twice_changes_nothing(raw in "\\PC{0,40}") {
            let once = normalize_wording(&raw);
            prop_assert_eq!(normalize_wording(&once), once.clone());
            prop_assert_eq!(once.trim(), once.as_str());
            prop_assert!(!once.contains("  "));
        }
    }
}
