//! The error vocabulary. Two strings per error, never mixed up:
//! `detail` is safe to show a client; `source` holds the internal cause for the log only.

use std::fmt;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable, machine-readable error codes. Clients branch on `as_str()`; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadRequest,
    MalformedJson,
    InvalidBody,
    Validation,
    Unauthorized,
    InvalidCredentials,
    LoginLocked,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    RequestTimeout,
    Overloaded,
    Unavailable,
    InsufficientStorage,
    QuotaBytesExceeded,
    QuotaCountExceeded,
    LlmBudgetExhausted,
    /// An approval names arguments other than those of the proposed change.
    ApprovalArgumentsChanged,
    /// The approval was already decided (approved and applied, or declined).
    ApprovalUsed,
    ApprovalExpired,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::Validation => "validation_failed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::LoginLocked => "login_locked",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PreconditionFailed => "precondition_failed",
            ErrorCode::PreconditionRequired => "precondition_required",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::InsufficientStorage => "insufficient_storage",
            ErrorCode::QuotaBytesExceeded => "quota_bytes_exceeded",
            ErrorCode::QuotaCountExceeded => "quota_count_exceeded",
            ErrorCode::LlmBudgetExhausted => "llm_budget_exhausted",
            ErrorCode::ApprovalArgumentsChanged => "approval_arguments_changed",
            ErrorCode::ApprovalUsed => "approval_used",
            ErrorCode::ApprovalExpired => "approval_expired",
            ErrorCode::Internal => "internal",
        }
    }

    /// A short human title, the same for every occurrence of the code.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::MalformedJson => "Malformed JSON",
            ErrorCode::InvalidBody => "Invalid request body",
            ErrorCode::Validation => "Validation failed",
            ErrorCode::Unauthorized => "Unauthorized",
            ErrorCode::InvalidCredentials => "Invalid credentials",
            ErrorCode::LoginLocked => "Too many failed logins",
            ErrorCode::Forbidden => "Forbidden",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::PreconditionFailed => "Precondition failed",
            ErrorCode::PreconditionRequired => "Precondition required",
            ErrorCode::PayloadTooLarge => "Payload too large",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::RequestTimeout => "Request timeout",
            ErrorCode::Overloaded => "Service overloaded",
            ErrorCode::Unavailable => "Service unavailable",
            ErrorCode::InsufficientStorage => "Insufficient storage",
            ErrorCode::QuotaBytesExceeded => "Storage quota exceeded",
            ErrorCode::QuotaCountExceeded => "Upload count quota exceeded",
            ErrorCode::LlmBudgetExhausted => "Daily language-model budget spent",
            ErrorCode::ApprovalArgumentsChanged => "Approval does not match the proposed change",
            ErrorCode::ApprovalUsed => "Approval already decided",
            ErrorCode::ApprovalExpired => "Approval expired",
            ErrorCode::Internal => "Internal error",
        }
    }

    /// Whether the fault is ours rather than the caller's: logged at error level with the cause.
    pub fn is_internal(self) -> bool {
        matches!(self, ErrorCode::Internal | ErrorCode::InsufficientStorage)
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

pub struct Error {
    code: ErrorCode,
    detail: String,
    retry_after: Option<Duration>,
    source: Option<Source>,
}

impl Error {
    /// An error whose `detail` the client may read. Keep it free of paths, SQL and type names.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), retry_after: None, source: None }
    }

    /// An internal failure: the client sees only that something went wrong, the log sees `source`.
    pub fn internal(source: impl Into<Source>) -> Self {
        Self::new(ErrorCode::Internal, "an internal error occurred").with_source(source)
    }

    /// A dependency (database, object store) is not answering; the client may retry.
    pub fn unavailable(source: impl Into<Source>) -> Self {
        Self::new(ErrorCode::Unavailable, "a backing service is unavailable; try again shortly").with_source(source)
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "authentication is required")
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn validation(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, detail)
    }

    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// What the client may read.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The whole cause chain, for the log only.
    pub fn cause_chain(&self) -> String {
        let mut out = String::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> =
            self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(err) = next {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&err.to_string());
            next = err.source();
        }
        out
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.code.as_str())
            .field("detail", &self.detail)
            .field("cause", &self.cause_chain())
            .finish()
    }
}

/// Display is for logs: it includes the cause chain.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)?;
        let chain = self.cause_chain();
        if !chain.is_empty() {
            write!(f, " (cause: {chain})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Inner;
    impl fmt::Display for Inner {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("SELECT * FROM users failed at /srv/db.rs")
        }
    }
    impl std::error::Error for Inner {}

    #[test]
    fn internal_detail_never_carries_the_cause() {
        let err = Error::internal(Inner);
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(!err.detail().contains("SELECT"));
        assert!(err.cause_chain().contains("SELECT"), "the log keeps the cause");
        assert!(err.to_string().contains("/srv/db.rs"));
    }

    #[test]
    fn codes_are_snake_case_and_distinct() {
        use std::collections::HashSet;
        let all = [
            ErrorCode::BadRequest,
            ErrorCode::MalformedJson,
            ErrorCode::InvalidBody,
            ErrorCode::Validation,
            ErrorCode::Unauthorized,
            ErrorCode::InvalidCredentials,
            ErrorCode::LoginLocked,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Conflict,
            ErrorCode::PreconditionFailed,
            ErrorCode::PreconditionRequired,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::RateLimited,
            ErrorCode::RequestTimeout,
            ErrorCode::Overloaded,
            ErrorCode::Unavailable,
            ErrorCode::InsufficientStorage,
            ErrorCode::QuotaBytesExceeded,
            ErrorCode::QuotaCountExceeded,
            ErrorCode::LlmBudgetExhausted,
            ErrorCode::Internal,
        ];
        let set: HashSet<_> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(set.len(), all.len());
        for code in set {
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}
