//! The character classes the sanitizer acts on, shared with [`super::is_safe`] so that the rules
//! and the invariant cannot drift apart.

/// Path separators, including glyphs that render like a slash and could fool a reader or a
/// later normalisation step into seeing a directory.
pub(super) fn is_separator(c: char) -> bool {
    matches!(
        c,
        '/' | '\\'
            | '\u{2215}' // DIVISION SLASH
            | '\u{2044}' // FRACTION SLASH
            | '\u{FF0F}' // FULLWIDTH SOLIDUS
            | '\u{FF3C}' // FULLWIDTH REVERSE SOLIDUS
            | '\u{29F8}' // BIG SOLIDUS
            | '\u{29F9}' // BIG REVERSE SOLIDUS
            | '\u{FE68}' // SMALL REVERSE SOLIDUS
            | '\u{2571}' // BOX DRAWINGS LIGHT DIAGONAL UPPER RIGHT TO LOWER LEFT
            | '\u{2572}' // BOX DRAWINGS LIGHT DIAGONAL UPPER LEFT TO LOWER RIGHT
    )
}

/// Characters dropped outright: controls break headers and logs, bidi controls make
/// "invoice\u{202E}fdp.exe" display as "invoiceexe.pdf", and invisible characters make two
/// different names look identical.
pub(super) fn is_removed(c: char) -> bool {
    c.is_control() // Cc: C0 (NUL, TAB, CR, LF...), DEL and C1
        || matches!(
            c,
            // bidi marks, embeddings, overrides and isolates
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // zero-width and otherwise invisible
            | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            | '\u{180E}' | '\u{2061}'..='\u{2064}' | '\u{206A}'..='\u{206F}'
            // line breaks that are not Cc but still split a log line
            | '\u{2028}' | '\u{2029}'
            // interlinear annotation and tag characters: hidden text smuggled past a reader
            | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'
        )
}

/// Characters replaced with '_': Windows forbids them in names (and '"' ends a quoted header
/// value), or they imitate a dot well enough to fake "..".
pub(super) fn is_replaced(c: char) -> bool {
    matches!(
        c,
        '<' | '>'
            | ':'
            | '"'
            | '|'
            | '?'
            | '*'
            | '\u{2024}' // ONE DOT LEADER
            | '\u{2025}' // TWO DOT LEADER
            | '\u{2026}' // HORIZONTAL ELLIPSIS
            | '\u{FE52}' // SMALL FULL STOP
            | '\u{FF0E}' // FULLWIDTH FULL STOP
    )
}

/// Whitespace trimmed from the edges; Unicode-wide so that an ideographic space cannot pad a
/// name into looking like something else, or hide a device name from Windows' own trimming.
pub(super) fn is_edge_space(c: char) -> bool {
    c.is_whitespace()
}
