//! How a model call fails, in our words. The provider's own error text can echo prompts, keys or
//! internal hostnames, so it is never carried here: adapters log it (truncated) where it arrives.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    #[error("the language model timed out")]
    Timeout,
    #[error("the language model is rate limiting requests")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the language model is unavailable")]
    Unavailable,
    #[error("the language model is failing; calls are paused for a while")]
    CircuitOpen,
    #[error("the language model sent a response that could not be understood")]
    BadResponse,
    #[error("the language model rejected the request (status {status})")]
    Rejected { status: u16 },
}

impl LlmError {
    /// Stable, machine-readable codes; never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            LlmError::Timeout => "llm_timeout",
            LlmError::RateLimited { .. } => "llm_rate_limited",
            LlmError::Unavailable => "llm_unavailable",
            LlmError::CircuitOpen => "llm_circuit_open",
            LlmError::BadResponse => "llm_bad_response",
            LlmError::Rejected { .. } => "llm_rejected",
        }
    }

    /// Whether another attempt might succeed: the provider was overloaded or unreachable,
    /// not telling us the request itself is wrong.
    pub fn is_transient(&self) -> bool {
        matches!(self, LlmError::Timeout | LlmError::RateLimited { .. } | LlmError::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_prefixed_snake_case_and_distinct() {
        let all = [
            LlmError::Timeout,
            LlmError::RateLimited { retry_after: None },
            LlmError::Unavailable,
            LlmError::CircuitOpen,
            LlmError::BadResponse,
            LlmError::Rejected { status: 400 },
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(LlmError::code).collect();
        assert_eq!(codes.len(), all.len());
        for code in codes {
            assert!(code.starts_with("llm_"));
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }

    #[test]
    fn only_overload_and_reachability_failures_are_transient() {
        assert!(LlmError::Timeout.is_transient());
        assert!(LlmError::RateLimited { retry_after: None }.is_transient());
        assert!(LlmError::Unavailable.is_transient());
        assert!(!LlmError::BadResponse.is_transient());
        assert!(!LlmError::Rejected { status: 401 }.is_transient());
        assert!(!LlmError::CircuitOpen.is_transient());
    }
}
