//! Turning what went wrong on the wire into an `LlmError`, and logging the provider's own words
//! where they arrive: they help an operator, but never travel further than the log.

use std::time::Duration;

use reqwest::Response;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::retry::Failed;
use crate::llm::LlmError;

/// Provider text in the log is cut here: enough to diagnose, too little to dump a whole prompt.
const DETAIL_CHARS: usize = 500;
/// How much of an error body is read at all; the rest is left unread.
const ERROR_BODY_BYTES: usize = 4096;

/// The first `DETAIL_CHARS` characters, cut on a character boundary.
pub(super) fn truncate(text: &str) -> &str {
    match text.char_indices().nth(DETAIL_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The request never got a complete answer: the connection failed, was cut, or took too long.
/// Logged without the URL: some providers take the key in it (`?api-key=`, `user:key@`).
pub(super) fn transport(err: reqwest::Error) -> LlmError {
    let error = if err.is_timeout() { LlmError::Timeout } else { LlmError::Unavailable };
    let err = err.without_url();
    tracing::warn!(error = %err, code = error.code(), "could not reach the language model");
    error
}

/// Passes a successful response through; otherwise reads (a bounded part of) the body for the log.
pub(super) async fn check_status(resp: Response) -> Result<Response, Failed> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let retry_after = retry_after(resp.headers());
    let error = from_status(status.as_u16(), retry_after);
    let detail = error_body(resp).await;
    tracing::warn!(
        status = status.as_u16(),
        code = error.code(),
        detail = %truncate(&detail),
        "the language model answered with an error"
    );
    Err(Failed { error, retry_after })
}

fn from_status(status: u16, retry_after: Option<Duration>) -> LlmError {
    match status {
        429 => LlmError::RateLimited { retry_after },
        500..=599 => LlmError::Unavailable,
        400..=499 => LlmError::Rejected { status },
        // An unfollowed redirect or an informational status is not an answer we can use.
        _ => LlmError::BadResponse,
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not used by model providers and is ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

async fn error_body(mut resp: Response) -> String {
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_BYTES {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn truncation_keeps_whole_characters() {
        let long = "é".repeat(DETAIL_CHARS + 10);
        assert_eq!(truncate(&long).chars().count(), DETAIL_CHARS);
        assert_eq!(truncate("short"), "short");
    }

    #[test]
    fn statuses_map_to_our_errors() {
        assert_eq!(from_status(429, None), LlmError::RateLimited { retry_after: None });
        assert_eq!(from_status(500, None), LlmError::Unavailable);
        assert_eq!(from_status(503, None), LlmError::Unavailable);
        assert_eq!(from_status(400, None), LlmError::Rejected { status: 400 });
        assert_eq!(from_status(401, None), LlmError::Rejected { status: 401 });
        assert_eq!(from_status(304, None), LlmError::BadResponse);
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_nonsense_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("0.5"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(500)));
        for bad in ["-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            headers.insert(RETRY_AFTER, HeaderValue::from_static(bad));
            assert_eq!(retry_after(&headers), None, "{bad}");
        }
    }
}
