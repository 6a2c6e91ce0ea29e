//! Numbers, exactly. The one rule for numbers written as text:
//!
//! - `.` is the decimal point: `12500`, `12500.50`, `-3`, `0.25`.
//! - `,` is accepted only as a thousands separator in groups of exactly three digits:
//!   `1,250,000` and `12,500.50`.
//! - Indonesian spellings are refused, not guessed: `12.500,50`, `1.250.000` and `12500,5` are
//!   per-row errors asking for `12500.50`, because `12.500` alone cannot be told apart from
//!   twelve and a half.
//! - A single `.` followed by exactly three digits (`12.500`, `1.000`) is refused for the same
//!   reason, in every column: to an Indonesian user it is twelve thousand five hundred. Write
//!   `12.5` (or `12500`).
//! - No exponents, currency symbols or inner spaces.
//!
//! Numeric spreadsheet cells arrive as binary floats; they become the decimal that prints as the
//! float's shortest round-trip form (what the spreadsheet shows at full precision), never a
//! float-rounded neighbour.

use std::fmt;

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not a number at all.
    NotANumber,
    /// Uses `,` or several `.` in a way the rule above does not accept.
    Separators,
    /// Written like `12.500`.
    AmbiguousThousands,
    /// More digits than an exact decimal holds.
    TooManyDigits,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::NotANumber => "is not a number",
            NumberError::Separators => {
                "uses separators that are not accepted; write the number with '.' for decimals and no thousands dots, e.g. 12500.50"
            }
            NumberError::AmbiguousThousands => {
                "is ambiguous (thousands dot or three decimals?); write 12500 or 12.5 instead of 12.500"
            }
            NumberError::TooManyDigits => "has too many digits",
        })
    }
}

/// Parses `text` by the rule in the module docs.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, NumberError> {
    let text = text.trim();
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let frac_ok = frac_part.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let plain_int = int_part.bytes().all(|b| b.is_ascii_digit());
    let grouped = !plain_int && is_comma_grouped(int_part);
    if !frac_ok || !(plain_int || grouped) || (int_part.is_empty() && frac_part.is_none()) {
        // Anything with a separator in it is most likely a locale spelling: say so.
        return Err(
            if body.contains([',', '.']) && body.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') {
                NumberError::Separators
            } else {
                NumberError::NotANumber
            },
        );
    }
    if !grouped && frac_part.is_some_and(|f| f.len() == 3) {
        return Err(NumberError::AmbiguousThousands);
    }
    let mut canonical = String::with_capacity(text.len() + 1);
    if negative {
        canonical.push('-');
    }
    canonical.extend(int_part.chars().filter(|c| *c != ','));
    if canonical.is_empty() || canonical == "-" {
        canonical.push('0');
    }
    if let Some(f) = frac_part {
        canonical.push('.');
        canonical.push_str(f);
    }
    let value = Decimal::from_str_exact(&canonical).map_err(|_| NumberError::TooManyDigits)?;
    Ok(if value.is_zero() { Decimal::ZERO } else { value })
}

/// `1,250,000`: one to three digits, then one or more groups of `,` and three digits.
fn is_comma_grouped(s: &str) -> bool {
    let mut groups = s.split(',');
    let head_ok = groups.next().is_some_and(|h| (1..=3).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_digit()));
    let mut tail = groups.peekable();
    head_ok && tail.peek().is_some() && tail.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A spreadsheet float as the decimal of its shortest round-trip form; `None` for NaN, the
/// infinities and magnitudes beyond 28 digits.
pub(crate) fn decimal_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest form that round-trips, never in exponent notation.
    let d = Decimal::from_str_exact(&value.to_string()).ok()?;
    Some(if d.is_zero() { Decimal::ZERO } else { d })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn plain_decimals_are_exact() {
        assert_eq!(parse_decimal("12500"), Ok(dec("12500")));
        assert_eq!(parse_decimal(" 12500.50 "), Ok(dec("12500.50")));
        assert_eq!(parse_decimal("-3"), Ok(dec("-3")));
        assert_eq!(parse_decimal("+0.25"), Ok(dec("0.25")));
        assert_eq!(parse_decimal(".5"), Ok(dec("0.5")));
        assert_eq!(parse_decimal("0.1").map(|d| d + dec("0.2")), Ok(dec("0.3")));
    }

    #[test]
    fn english_thousands_commas_are_accepted_in_strict_groups() {
        assert_eq!(parse_decimal("1,250,000"), Ok(dec("1250000")));
        assert_eq!(parse_decimal("12,500.50"), Ok(dec("12500.50")));
        for bad in ["1,25,000", "12,5", "1,2500", ",500", "1,,500"] {
            assert_eq!(parse_decimal(bad), Err(NumberError::Separators), "{bad}");
        }
    }

    #[test]
    fn indonesian_spellings_are_refused_not_guessed() {
        for bad in ["12.500,50", "1.250.000", "12500,5", "1.250.000,00"] {
            assert_eq!(parse_decimal(bad), Err(NumberError::Separators), "{bad}");
        }
        // A single dot and three digits: a thousands dot in all likelihood.
        assert_eq!(parse_decimal("12.500"), Err(NumberError::AmbiguousThousands));
        assert_eq!(parse_decimal("1.000"), Err(NumberError::AmbiguousThousands));
        assert_eq!(parse_decimal("12.5"), Ok(dec("12.5")));
        assert_eq!(parse_decimal("12.5000"), Ok(dec("12.5")));
        assert_eq!(parse_decimal("12,500.500"), Ok(dec("12500.5")));
    }

    #[test]
    fn junk_is_not_a_number() {
        for bad in ["", "-", "abc", "1e5", "Rp 5000", "5 000", "12.", "NaN", "inf", "--1", "0x10", "١٢"] {
            assert!(parse_decimal(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_decimal("99999999999999999999999999999999"), Err(NumberError::TooManyDigits));
    }

    #[test]
    fn floats_become_their_shortest_decimal() {
        assert_eq!(decimal_from_f64(12500.5), Some(dec("12500.5")));
        assert_eq!(decimal_from_f64(0.1), Some(dec("0.1")));
        assert_eq!(decimal_from_f64(0.1 + 0.2), Some(dec("0.30000000000000004")));
        assert_eq!(decimal_from_f64(-0.0), Some(Decimal::ZERO));
        assert_eq!(decimal_from_f64(1e15), Some(dec("1000000000000000")));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            assert_eq!(decimal_from_f64(bad), None, "{bad}");
        }
    }
}
