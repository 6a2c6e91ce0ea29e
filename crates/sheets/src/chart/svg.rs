//! Text for SVG: shortened for the layout, then escaped for XML.

/// At most `max` characters, "…" when cut; characters XML 1.0 forbids become spaces.
pub(super) fn label(s: &str, max: usize) -> String {
    let mut out: String =
        s.trim().chars().take(max).map(|c| if is_xml_char(c) && !c.is_control() { c } else { ' ' }).collect();
    if s.trim().chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// A Rust `char` is never a surrogate; of the rest, XML 1.0 forbids these two (and controls).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Escapes the five XML specials; safe in text content and in double- or single-quoted attributes.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_shortens() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(label("abcdef", 3), "abc…");
        assert_eq!(label(" a\u{0}b\u{7}c\n ", 10), "a b c");
    }
}
