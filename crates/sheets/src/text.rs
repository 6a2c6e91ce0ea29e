//! Quoting user text back to the user: short, single-line, and never the whole of a hostile cell.

/// How many characters of a cell an error message may quote.
const EXCERPT_CHARS: usize = 24;

/// A short, printable prefix of `s` for messages, with "…" when something was cut.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.trim().chars();
    for c in chars.by_ref().take(EXCERPT_CHARS) {
        // Control and bidi-control characters could break a log line or reorder the message.
        out.push(if c.is_control() || is_bidi_control(c) { ' ' } else { c });
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Header names as matched: case-insensitive, surrounding spaces ignored, inner runs of
/// white space folded (exports often write "Nama  Barang").
pub(crate) fn normalize_header(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_long_text_and_blanks_controls() {
        let long = "x".repeat(1000);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt("a\nb\u{202E}c"), "a b c");
        assert_eq!(excerpt("  short  "), "short");
    }

    #[test]
    fn headers_fold_case_and_space() {
        assert_eq!(normalize_header("  Nama   Barang "), "nama barang");
        assert_eq!(normalize_header("SKU"), "sku");
        assert_eq!(normalize_header("品名"), "品名");
    }
}
