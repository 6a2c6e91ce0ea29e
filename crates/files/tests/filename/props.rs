//! Properties over arbitrary input: whatever arrives, the output is safe and stable.

use files::filename::{MAX_NAME_BYTES, content_disposition, is_safe, sanitize, sanitize_bytes};
use proptest::prelude::*;

/// Characters the rules single out, mixed with arbitrary ones, so that random strings hit the
/// interesting cases far more often than uniform sampling would.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            '/',
            '\\',
            '.',
            ' ',
            '\0',
            '\r',
            '\n',
            '"',
            ':',
            '<',
            '*',
            '?',
            '|',
            '%',
            'C',
            'O',
            'N',
            'n',
            'u',
            'l',
            '1',
            '\u{301}',
            '\u{338}',
            '\u{200B}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{2215}',
            '\u{FF0F}',
            '\u{2024}',
            '\u{FF0E}',
            '\u{3000}',
            '\u{A0}',
            '\u{E9}',
            '订',
            '📦',
            '\u{1160}',
            '\u{E0041}',
        ]),
    ]
}

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..300).prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_bytes_sanitize_to_a_safe_name(raw in prop::collection::vec(any::<u8>(), 0..600)) {
        let name = sanitize_bytes(&raw);
        prop_assert!(is_safe(&name), "{:?} -> {:?}", raw, name);
        prop_assert!(name.len() <= MAX_NAME_BYTES);
    }

    #[test]
    fn sanitize_is_idempotent_on_any_bytes(raw in prop::collection::vec(any::<u8>(), 0..600)) {
        let once = sanitize_bytes(&raw);
        prop_assert_eq!(sanitize(&once), once);
    }

    #[test]
    fn any_tricky_string_sanitizes_to_a_safe_stable_name(raw in tricky_string()) {
        let once = sanitize(&raw);
        prop_assert!(is_safe(&once), "{:?} -> {:?}", raw, once);
        prop_assert_eq!(sanitize(&once), once);
    }

    #[test]
    fn content_disposition_is_always_visible_ascii(raw in tricky_string()) {
        let header = content_disposition(&raw);
        prop_assert!(header.bytes().all(|b| (0x20..0x7F).contains(&b)), "{:?}", header);
        prop_assert_eq!(header.matches('"').count(), 2);
    }
}
