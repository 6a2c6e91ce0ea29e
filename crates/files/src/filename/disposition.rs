//! The `Content-Disposition` header for serving an upload back (RFC 6266).
//!
//! Old clients read only `filename="…"`, so it gets a plain-ASCII stand-in; current clients
//! prefer `filename*` (RFC 5987), which carries the real UTF-8 name percent-encoded.

use std::fmt::Write as _;

use super::sanitize;

/// A `Content-Disposition` header value: `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987 percent-encoded>` (RFC 6266).
///
/// The name is sanitized first (a no-op for an already sanitized one), so any string is
/// acceptable. The ASCII fallback replaces every non-ASCII or unsafe char with '_' and never
/// contains '"', '\\', CR, LF or control chars.
pub fn content_disposition(name: &str) -> String {
    let name = sanitize(name);
    let mut out = String::with_capacity(name.len() * 4 + 48);
    out.push_str("attachment; filename=\"");
    out.extend(name.chars().map(ascii_fallback));
    out.push_str("\"; filename*=UTF-8''");
    for byte in name.bytes() {
        if is_attr_char(byte) {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Keeps printable ASCII that no header parser or browser treats specially. '%' goes because
/// some clients percent-decode `filename=`, ';' and ',' because naive parsers split on them.
fn ascii_fallback(c: char) -> char {
    let kept = c.is_ascii_alphanumeric() || " !#$&'()+-.=@[]^_`{}~".contains(c);
    if kept { c } else { '_' }
}

/// RFC 5987 `attr-char`: the bytes allowed unencoded in an `ext-value`.
fn is_attr_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte)
}
