//! The length cap. Truncation keeps a short extension so that "a very long order sheet ….xlsx"
//! is still recognisably a spreadsheet once cut.

use super::MAX_NAME_BYTES;

/// Longest extension (after the dot, in bytes) worth preserving; longer "extensions" are just
/// text after a dot.
const MAX_KEPT_EXTENSION_BYTES: usize = 10;

/// Cuts `name` to at most [`MAX_NAME_BYTES`] bytes on a char boundary, truncating the stem
/// rather than the extension when there is a short one.
pub(super) fn cap(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    if let Some(dot) = name.rfind('.') {
        let extension = &name[dot..]; // includes the dot
        let extension_bytes = extension.len() - 1;
        if dot > 0 && (1..=MAX_KEPT_EXTENSION_BYTES).contains(&extension_bytes) {
            let stem = &name[..dot];
            let cut = stem.floor_char_boundary(MAX_NAME_BYTES - extension.len());
            return format!("{}{extension}", &stem[..cut]);
        }
    }
    name[..name.floor_char_boundary(MAX_NAME_BYTES)].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_untouched() {
        assert_eq!(cap("order.xlsx"), "order.xlsx");
    }

    #[test]
    fn long_names_keep_a_short_extension() {
        let long = format!("{}.xlsx", "a".repeat(500));
        let capped = cap(&long);
        assert_eq!(capped.len(), MAX_NAME_BYTES);
        assert!(capped.ends_with("aaa.xlsx"));
    }

    #[test]
    fn a_long_extension_is_not_worth_keeping() {
        let long = format!("{}.{}", "a".repeat(500), "b".repeat(11));
        let capped = cap(&long);
        assert_eq!(capped, "a".repeat(MAX_NAME_BYTES));
    }

    #[test]
    fn cuts_fall_on_char_boundaries() {
        // A one- or two-byte char first, so three-byte CJK chars straddle the cut point.
        let long = format!("é{}.xlsx", "订".repeat(100));
        let capped = cap(&long);
        assert_eq!(capped, format!("é{}.xlsx", "订".repeat(64)));
        let bare = format!("a{}", "单".repeat(100));
        assert_eq!(cap(&bare), format!("a{}", "单".repeat(66)));
    }
}
