//! Retrying transient failures: exponential backoff with full jitter, so many callers recovering
//! from the same outage do not return in lock-step; a provider's `Retry-After` overrides it.

use std::time::Duration;

use rand::Rng as _;

use super::config::OpenAiConfig;
use crate::llm::LlmError;

/// One failed attempt, with the wait the provider asked for, if it asked.
#[derive(Debug)]
pub(super) struct Failed {
    pub error: LlmError,
    pub retry_after: Option<Duration>,
}

impl From<LlmError> for Failed {
    fn from(error: LlmError) -> Self {
        Self { error, retry_after: None }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct RetryPolicy {
    max_attempts: u32,
    base: Duration,
    max: Duration,
}

impl RetryPolicy {
    pub fn from_config(config: &OpenAiConfig) -> Self {
        Self { max_attempts: config.max_attempts.max(1), base: config.backoff_base, max: config.backoff_max }
    }

    /// The wait before retry number `retry` (0 for the first retry).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max);
        }
        let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        let ceiling = self.base.saturating_mul(factor).min(self.max);
        let ceiling_nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=ceiling_nanos))
    }

    /// Runs `attempt` until it succeeds, fails permanently, or the attempts are used up; the last
    /// error is the call's error. (A plain closure returning a future rather than an async closure:
    /// the latter's future cannot yet be proven `Send`, which `async_trait` requires.)
    pub async fn run<T, F>(&self, mut attempt: impl FnMut() -> F) -> Result<T, LlmError>
    where
        F: Future<Output = Result<T, Failed>>,
    {
        let mut made = 0;
        loop {
            let failed = match attempt().await {
                Ok(value) => return Ok(value),
                Err(failed) => failed,
            };
            made += 1;
            if !failed.error.is_transient() || made >= self.max_attempts {
                return Err(failed.error);
            }
            let wait = self.delay(made - 1, failed.retry_after);
            tracing::info!(
                attempt = made,
                code = failed.error.code(),
                wait_ms = wait.as_millis(),
                "retrying the language model"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max_attempts: u32) -> RetryPolicy {
        RetryPolicy { max_attempts, base: Duration::from_millis(100), max: Duration::from_millis(1000) }
    }

    #[test]
    fn backoff_stays_under_the_doubling_ceiling_and_the_cap() {
        let policy = policy(3);
        for _ in 0..200 {
            assert!(policy.delay(0, None) <= Duration::from_millis(100));
            assert!(policy.delay(2, None) <= Duration::from_millis(400));
            assert!(policy.delay(10, None) <= Duration::from_millis(1000));
            assert!(policy.delay(u32::MAX, None) <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let policy = policy(3);
        assert_eq!(policy.delay(0, Some(Duration::from_millis(700))), Duration::from_millis(700));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(60))), Duration::from_millis(1000));
    }

    #[tokio::test]
    async fn a_permanent_failure_is_not_retried() {
        let mut calls = 0;
        let result: Result<(), _> = policy(5)
            .run(|| {
                calls += 1;
                async { Err(LlmError::Rejected { status: 400 }.into()) }
            })
            .await;
        assert_eq!(result, Err(LlmError::Rejected { status: 400 }));
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn zero_attempts_still_makes_one() {
        let mut calls = 0;
        let result: Result<(), _> = policy(0)
            .run(|| {
                calls += 1;
                async { Err(LlmError::Unavailable.into()) }
            })
            .await;
        assert_eq!(result, Err(LlmError::Unavailable));
        assert_eq!(calls, 1);
    }
}
