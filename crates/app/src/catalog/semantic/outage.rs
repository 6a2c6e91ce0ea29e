//! An embeddings endpoint that fails is reported once, counted every time, and left alone for a
//! while: every search would otherwise wait for it and log the same failure again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::EmbedError;

/// How long searches stay lexical after a failure before the endpoint is tried again.
pub const RETRY_AFTER: Duration = Duration::from_secs(15);

#[derive(Default)]
pub struct Outage {
    /// Set while the endpoint is failing: when it may be tried again.
    retry_at: Mutex<Option<Instant>>,
}

impl Outage {
    fn state(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.retry_at.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a search may call the endpoint now. Once a pause is over, one search tries it
    /// and the others stay lexical until that trial succeeds (or another pause begins): a slow
    /// endpoint is not hit by every search at once.
    pub fn admit(&self) -> bool {
        let mut state = self.state();
        match *state {
            None => true,
            Some(at) if Instant::now() >= at => {
                *state = Some(Instant::now() + RETRY_AFTER);
                true
            }
            Some(_) => false,
        }
    }

    /// Counts the failure; the first of an outage is logged as a warning with its cause.
    pub fn failed(&self, err: &EmbedError) {
        let kind = match err {
            EmbedError::Timeout(_) => "timeout",
            EmbedError::Transport(_) => "transport",
            EmbedError::Status { .. } => "status",
            EmbedError::BadBody(_) => "bad_body",
        };
        metrics::counter!("embeddings_errors_total", "kind" => kind).increment(1);
        let mut state = self.state();
        if state.is_none() {
            tracing::warn!(error = %err, retry_in_s = RETRY_AFTER.as_secs(), "semantic re-ranking is off until the embeddings endpoint answers; searches stay lexical");
        } else {
            tracing::debug!(error = %err, "the embeddings endpoint is still failing");
        }
        *state = Some(Instant::now() + RETRY_AFTER);
    }

    pub fn succeeded(&self) {
        if self.state().take().is_some() {
            tracing::info!("the embeddings endpoint answers again; semantic re-ranking is back");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_pauses_calls_and_a_success_ends_the_outage() {
        let outage = Outage::default();
        assert!(outage.admit());
        outage.failed(&EmbedError::Timeout(Duration::from_secs(5)));
        assert!(!outage.admit(), "no call during the pause");
        *outage.state() = Some(Instant::now());
        assert!(outage.admit(), "tried again once it is over");
        assert!(!outage.admit(), "by one search while that trial runs");
        outage.succeeded();
        assert!(outage.admit() && outage.admit(), "and by all once it answers");
        assert!(outage.state().is_none());
    }
}
