//! Query strings and path segments of the sales routes, read defensively: the whole query string
//! is capped, unknown or repeated parameters are refused, and every value is checked with an
//! error that names the parameter (422), never a serde message.

use std::str::FromStr as _;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use chrono::NaiveDate;
use domain::{Error, ErrorCode, Result};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::http::problem::ApiError;

/// Longest query string any sales route reads.
const MAX_QUERY_BYTES: usize = 4096;
/// Longest decimal string accepted (28 significant digits, a sign and a point fit).
const MAX_DECIMAL_CHARS: usize = 40;

/// The query string as `T` (a struct of optional strings with `deny_unknown_fields`).
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
            return Err(ApiError(Error::validation(format!(
                "the query string is longer than {MAX_QUERY_BYTES} bytes"
            ))));
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(_) => Err(ApiError(Error::validation(
                "the query has an unknown, repeated or malformed parameter; see the API description",
            ))),
        }
    }
}

/// A present, non-blank text value of at most `max` characters, without control characters.
pub fn text(name: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(Error::validation(format!("{name}: 1 to {max} characters, no control characters")));
    }
    Ok(Some(value.to_owned()))
}

pub fn required_text(name: &str, value: Option<&str>, max: usize) -> Result<String> {
    text(name, value, max)?.ok_or_else(|| Error::validation(format!("{name}: is required")))
}

/// `YYYY-MM-DD`.
pub fn date(name: &str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.len() != 10 {
        return Err(Error::validation(format!("{name}: a date as YYYY-MM-DD")));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| Error::validation(format!("{name}: a date as YYYY-MM-DD")))
}

pub fn required_date(name: &str, value: Option<&str>) -> Result<NaiveDate> {
    date(name, value)?.ok_or_else(|| Error::validation(format!("{name}: is required (YYYY-MM-DD)")))
}

/// A whole number within `1..=max`; `default` when absent.
pub fn limit(value: Option<&str>, default: u32, max: u32) -> Result<u32> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Error::validation(format!("limit: a whole number from 1 to {max}"))),
    }
}

/// An exact decimal sent as a JSON string ("3500.50"); numbers are refused because a JSON
/// number may already have lost digits on the client.
pub fn decimal(name: &str, value: &serde_json::Value) -> Result<Decimal> {
    let invalid = || Error::validation(format!("{name}: a decimal number written as a string, such as \"3500.50\""));
    let text = value.as_str().map(str::trim).ok_or_else(invalid)?;
    let plain = !text.is_empty()
        && text.len() <= MAX_DECIMAL_CHARS
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    if !plain {
        return Err(invalid());
    }
    Decimal::from_str(text).map_err(|_| invalid())
}

/// A version from `If-Match` (`"7"`, as our ETags are written). Anything else can match no
/// version, so it is stale by definition.
pub fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<u64>> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let stale = || Error::new(ErrorCode::PreconditionFailed, "If-Match does not name the current version");
    let text = value.to_str().map_err(|_| stale())?.trim();
    let inner = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    inner.parse::<u64>().map(Some).map_err(|_| stale())
}

/// The strong ETag of a versioned row.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_must_be_plain_strings() {
        assert_eq!(decimal("amount", &json!("3500.50")).unwrap().to_string(), "3500.50");
        for bad in [json!(3500), json!("1e5"), json!(""), json!("12,5"), json!("9".repeat(60)), json!(null)] {
            let err = decimal("amount", &bad).unwrap_err();
            assert!(err.detail().starts_with("amount:"), "{bad}");
        }
    }

    #[test]
    fn if_match_reads_our_etags_only() {
        let mut h = axum::http::HeaderMap::new();
        assert_eq!(if_match(&h).unwrap(), None);
        h.insert(axum::http::header::IF_MATCH, etag(7).parse().unwrap());
        assert_eq!(if_match(&h).unwrap(), Some(7));
        h.insert(axum::http::header::IF_MATCH, "*".parse().unwrap());
        assert_eq!(if_match(&h).unwrap_err().code(), ErrorCode::PreconditionFailed);
    }

    #[test]
    fn limits_and_dates_name_the_parameter() {
        assert_eq!(limit(None, 100, 1000).unwrap(), 100);
        assert!(limit(Some("0"), 100, 1000).unwrap_err().detail().starts_with("limit"));
        assert!(limit(Some("1001"), 100, 1000).is_err());
        assert!(date("from", Some("2026-13-01")).unwrap_err().detail().starts_with("from"));
        assert_eq!(date("from", Some(" ")).unwrap(), None);
    }
}
