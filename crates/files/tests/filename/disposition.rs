//! The `Content-Disposition` value: a safe ASCII fallback plus the exact UTF-8 name (RFC 6266,
//! RFC 5987).

use files::filename::content_disposition;

/// The part between `filename="` and the closing quote.
fn fallback(header: &str) -> &str {
    let start = header.find("filename=\"").map(|i| i + 10).unwrap_or_default();
    let end = header.find("\"; filename*=").unwrap_or(header.len());
    &header[start..end]
}

/// The part after `filename*=UTF-8''`.
fn extended(header: &str) -> &str {
    header.split_once("filename*=UTF-8''").map(|(_, v)| v).unwrap_or_default()
}

#[test]
fn header_value_has_the_rfc6266_shape() {
    assert_eq!(content_disposition("order.xlsx"), "attachment; filename=\"order.xlsx\"; filename*=UTF-8''order.xlsx");
}

#[test]
fn filename_star_percent_encodes_utf8_per_rfc5987() {
    assert_eq!(
        content_disposition("订单 1.xlsx"),
        "attachment; filename=\"__ 1.xlsx\"; filename*=UTF-8''%E8%AE%A2%E5%8D%95%201.xlsx"
    );
    assert_eq!(extended(&content_disposition("Café.csv")), "Caf%C3%A9.csv");
}

#[test]
fn attr_chars_are_not_encoded_and_everything_else_is() {
    // '|' is an attr-char too, but the sanitizer has already turned it into '_'.
    let name = "a!#$&+-.^_`~z";
    assert_eq!(extended(&content_disposition(name)), name);
    assert_eq!(
        extended(&content_disposition("a%b'c(d)e,f;g=h@i[j]k{l}m")),
        "a%25b%27c%28d%29e%2Cf%3Bg%3Dh%40i%5Bj%5Dk%7Bl%7Dm"
    );
}

#[test]
fn fallback_replaces_each_non_ascii_char_with_one_underscore() {
    assert_eq!(fallback(&content_disposition("雪碧 订单.xlsx")), "__ __.xlsx");
    assert_eq!(fallback(&content_disposition("📦.pdf")), "_.pdf");
}

#[test]
fn quotes_and_line_breaks_never_reach_the_header() {
    for hostile in ["a\"\r\nSet-Cookie: x=y", "\"; filename=evil.exe", "a\\\"b", "x\u{85}y\u{2028}z", "a%0d%0ab;c,d"] {
        let header = content_disposition(hostile);
        let fallback = fallback(&header);
        for forbidden in ['"', '\\', '\r', '\n', '%', ';', ','] {
            assert!(!fallback.contains(forbidden), "{hostile:?} -> {header:?}");
        }
        assert!(header.bytes().all(|b| (0x20..0x7F).contains(&b)), "{header:?}");
        assert_eq!(header.matches('"').count(), 2, "{header:?}");
    }
}

#[test]
fn the_name_is_sanitized_first() {
    assert_eq!(content_disposition("../../etc/passwd"), "attachment; filename=\"passwd\"; filename*=UTF-8''passwd");
    assert_eq!(content_disposition(""), "attachment; filename=\"upload\"; filename*=UTF-8''upload");
}
