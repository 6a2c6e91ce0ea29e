//! Unicode folding: compatibility forms and case disappear before anything else looks at the text.

use unicode_normalization::UnicodeNormalization;

/// Longest input, in characters, that any part of the matcher looks at; the rest is ignored.
///
/// An order line is a few words; a cap keeps a hostile or pasted-in paragraph from costing time.
pub const MAX_INPUT_CHARS: usize = 256;

/// NFKC (full-width digits and letters become ASCII, ligatures split, `㎖` becomes `ml`), then
/// lowercase. Input beyond [`MAX_INPUT_CHARS`] is dropped first, so the cost is bounded.
pub fn fold(text: &str) -> String {
    let capped: String = text.chars().take(MAX_INPUT_CHARS).collect();
    capped.nfkc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold_to_ascii_lowercase() {
        assert_eq!(fold("ＡＱＵＡ ６００ＭＬ"), "aqua 600ml");
    }

    #[test]
    fn compatibility_unit_signs_become_letters() {
        assert_eq!(fold("600㎖"), "600ml");
        assert_eq!(fold("2㎏"), "2kg");
    }

    #[test]
    fn input_is_capped() {
        let long = "a".repeat(MAX_INPUT_CHARS * 3);
        assert_eq!(fold(&long).chars().count(), MAX_INPUT_CHARS);
    }
}
