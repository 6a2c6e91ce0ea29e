//! The outermost middleware: gives every request an id, catches panics, turns any bare error
//! response from below (axum's 404/405, a 413 from a body limit, a 408 from the timeout) into a
//! problem document, and writes one access-log line and the HTTP metrics.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use domain::ErrorCode;
use futures::FutureExt as _;
use uuid::Uuid;

use super::problem::{PROBLEM_JSON, code_of, problem};

pub const REQUEST_ID: &str = "x-request-id";

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being served on this task ("" outside a request).
pub fn current_request_id() -> String {
    CURRENT_REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// What inner layers learned about the request, carried out on the response for the access log.
#[derive(Clone, Debug)]
pub struct Served {
    pub principal_id: Option<Uuid>,
}

/// A client's own request id is echoed only when it is short and plain, so it cannot inject
/// anything into logs or headers.
fn sane_request_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = (8..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    ok.then(|| s.to_owned())
}

/// The response headers every answer carries, set here (outermost) so that even the answer to a
/// caught panic has them.
#[derive(Clone, Copy)]
pub struct Hardening {
    pub hsts: bool,
}

const FIXED: [(HeaderName, &str); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    // The API serves data, never documents: nothing may load, frame or run from it.
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
    (header::CACHE_CONTROL, "no-store"),
];

fn harden(response: &mut Response, hardening: Hardening) {
    let headers = response.headers_mut();
    for (name, value) in FIXED {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if hardening.hsts {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
}

pub async fn request_context(State(hardening): State<Hardening>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id =
        req.headers().get(REQUEST_ID).and_then(sane_request_id).unwrap_or_else(|| Uuid::now_v7().to_string());
    let method = req.method().clone();
    // Cheap to clone (shared); the raw URI is never logged, only the matched template.
    let route = req.extensions().get::<MatchedPath>().cloned();

    let response = CURRENT_REQUEST_ID
        .scope(request_id.clone(), async move {
            let outcome = AssertUnwindSafe(next.run(req)).catch_unwind().await;
            let response = match outcome {
                Ok(response) => response,
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "non-string panic payload".into());
                    tracing::error!(request_id = %current_request_id(), panic = %message, "handler panicked");
                    problem(ErrorCode::Internal, "an internal error occurred")
                }
            };
            normalize(response)
        })
        .await;

    let mut response = response;
    harden(&mut response, hardening);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let status = response.status().as_u16();
    let principal =
        response.extensions().get::<Served>().and_then(|s| s.principal_id).map(|id| id.to_string()).unwrap_or_default();
    let latency = started.elapsed();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    tracing::info!(
        target: "http",
        %request_id,
        method = %method,
        route = %route,
        status,
        latency_ms = latency.as_secs_f64() * 1000.0,
        principal = %principal,
        "request"
    );
    super::metrics::record(&method, route, status, latency);
    response
}

/// Error responses without a problem body (from axum or tower layers) get one, keeping their
/// status and headers (`Allow` on 405, `Retry-After`, rate-limit headers).
fn normalize(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return response;
    }
    let code = code_of(status);
    let detail = match code {
        ErrorCode::NotFound => "no such resource",
        ErrorCode::MethodNotAllowed => "this method is not allowed on this resource",
        ErrorCode::PayloadTooLarge => "the request body is too large",
        ErrorCode::RequestTimeout => "the request took too long",
        ErrorCode::UnsupportedMediaType => "unsupported content type",
        ErrorCode::Internal => "an internal error occurred",
        _ => "the request could not be processed",
    };
    let (mut parts, _) = response.into_parts();
    let fresh = problem(code, detail);
    let (fresh_parts, body) = fresh.into_parts();
    parts.status = fresh_parts.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Response::from_parts(parts, Body::new(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_request_ids_are_echoed() {
        let ok = HeaderValue::from_static("abc-123_DEF.456");
        assert_eq!(sane_request_id(&ok).as_deref(), Some("abc-123_DEF.456"));
        for bad in ["short", "has space in it", "new\u{7f}line-0000", &"x".repeat(65), "<script>alert(1)</script>"] {
            if let Ok(v) = HeaderValue::from_str(bad) {
                assert_eq!(sane_request_id(&v), None, "{bad}");
            }
        }
    }
}
