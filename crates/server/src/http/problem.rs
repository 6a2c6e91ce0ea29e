//! RFC 9457 problem documents: the only shape an error ever takes on the wire.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorCode};
use serde::Serialize;

use super::context::current_request_id;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A domain error on its way out through HTTP.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError(err)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    request_id: String,
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest | ErrorCode::MalformedJson => StatusCode::BAD_REQUEST,
        ErrorCode::InvalidBody | ErrorCode::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Unauthorized | ErrorCode::InvalidCredentials => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        ErrorCode::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::RateLimited | ErrorCode::LoginLocked | ErrorCode::LlmBudgetExhausted => {
            StatusCode::TOO_MANY_REQUESTS
        }
        ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        ErrorCode::Overloaded | ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
        ErrorCode::QuotaBytesExceeded => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::QuotaCountExceeded
        | ErrorCode::ApprovalArgumentsChanged
        | ErrorCode::ApprovalUsed
        | ErrorCode::ApprovalExpired => StatusCode::CONFLICT,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The code a bare status stands for, when something below us answered without a problem body.
pub fn code_of(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        408 => ErrorCode::RequestTimeout,
        409 => ErrorCode::Conflict,
        412 => ErrorCode::PreconditionFailed,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::InvalidBody,
        428 => ErrorCode::PreconditionRequired,
        429 => ErrorCode::RateLimited,
        503 => ErrorCode::Unavailable,
        507 => ErrorCode::InsufficientStorage,
        400..=499 => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    }
}

/// Builds the problem response for `code` with a client-safe `detail`.
pub fn problem(code: ErrorCode, detail: &str) -> Response {
    let status = status_of(code);
    let body = Problem {
        kind: format!("/problems/{}", code.as_str()),
        title: code.title(),
        status: status.as_u16(),
        detail,
        code: code.as_str(),
        request_id: current_request_id(),
    };
    let json = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], json).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = self.0;
        if err.code().is_internal() || err.code() == ErrorCode::Unavailable {
            // The whole cause chain goes to the log under the request id; the client gets none of it.
            tracing::error!(request_id = %current_request_id(), code = err.code().as_str(), error = %err, "request failed");
        } else {
            tracing::debug!(request_id = %current_request_id(), code = err.code().as_str(), error = %err, "request refused");
        }
        let mut response = problem(err.code(), err.detail());
        if let Some(after) = err.retry_after() {
            let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            if let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
