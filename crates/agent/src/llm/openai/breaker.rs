//! The circuit breaker. After `threshold` consecutive failed calls the provider is left alone for
//! `cooldown`: callers fail at once instead of queueing behind a dead server. Then one trial call
//! is let through; its outcome closes or re-opens the circuit.
//!
//! Rejections (4xx) are the request's fault, not the provider's, so they neither count as failures
//! nor prove health.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::llm::LlmError;

pub(super) struct Breaker {
    threshold: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    failures: u32,
    /// Set while open; once it has passed the circuit is half-open.
    open_until: Option<Instant>,
    trial_in_flight: bool,
}

/// Leave to make one call. Settle it with its outcome; dropping it unsettled (the caller gave up)
/// counts as nothing, but frees the trial slot.
pub(super) struct Permit {
    breaker: Arc<Breaker>,
    trial: bool,
    settled: bool,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Arc<Self> {
        Arc::new(Self { threshold, cooldown, state: Mutex::new(State::default()) })
    }

    pub fn admit(self: &Arc<Self>) -> Result<Permit, LlmError> {
        self.admit_at(Instant::now())
    }

    fn admit_at(self: &Arc<Self>, now: Instant) -> Result<Permit, LlmError> {
        let mut state = self.lock();
        let trial = match state.open_until {
            None => false,
            Some(until) if now < until => return Err(LlmError::CircuitOpen),
            Some(_) if state.trial_in_flight => return Err(LlmError::CircuitOpen),
            Some(_) => {
                state.trial_in_flight = true;
                true
            }
        };
        Ok(Permit { breaker: Arc::clone(self), trial, settled: false })
    }

    /// The state is a few plain fields, consistent after every statement, so a panic elsewhere
    /// while it was held leaves nothing to repair.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn succeeded(&self, trial: bool) {
        let mut state = self.lock();
        if state.open_until.is_some() {
            tracing::info!(trial, "the language model answers again; circuit closed");
        }
        *state = State::default();
    }

    fn failed_at(&self, trial: bool, error: &LlmError, now: Instant) {
        let mut state = self.lock();
        if trial {
            state.trial_in_flight = false;
        }
        if !counts(error) {
            return;
        }
        state.failures = state.failures.saturating_add(1);
        // A straggler that was admitted before the circuit opened does not extend the cooldown.
        let opens = if trial { true } else { state.open_until.is_none() && self.trips(state.failures) };
        if opens {
            state.open_until = Some(now + self.cooldown);
            tracing::warn!(
                failures = state.failures,
                cooldown_ms = self.cooldown.as_millis(),
                "the language model keeps failing; circuit opened"
            );
        }
    }

    fn trips(&self, failures: u32) -> bool {
        self.threshold > 0 && failures >= self.threshold
    }

    fn abandoned(&self, trial: bool) {
        if trial {
            self.lock().trial_in_flight = false;
        }
    }
}

fn counts(error: &LlmError) -> bool {
    matches!(error, LlmError::Timeout | LlmError::Unavailable | LlmError::RateLimited { .. } | LlmError::BadResponse)
}

impl Permit {
    pub fn settle<T>(self, outcome: &Result<T, LlmError>) {
        match outcome {
            Ok(_) => self.succeeded(),
            Err(error) => self.failed(error),
        }
    }

    pub fn succeeded(mut self) {
        self.settled = true;
        self.breaker.succeeded(self.trial);
    }

    pub fn failed(mut self, error: &LlmError) {
        self.settled = true;
        self.breaker.failed_at(self.trial, error, Instant::now());
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.settled {
            self.breaker.abandoned(self.trial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOLDOWN: Duration = Duration::from_secs(30);

    fn after_cooldown() -> Instant {
        Instant::now() + COOLDOWN + Duration::from_millis(1)
    }

    fn opened(threshold: u32) -> Arc<Breaker> {
        let breaker = Breaker::new(threshold, COOLDOWN);
        for _ in 0..threshold {
            breaker.admit().expect("closed").failed(&LlmError::Unavailable);
        }
        breaker
    }

    #[test]
    fn opens_after_the_threshold_of_consecutive_failures() {
        let breaker = Breaker::new(2, COOLDOWN);
        breaker.admit().expect("closed").failed(&LlmError::Timeout);
        assert!(breaker.admit().is_ok(), "one failure is below the threshold");
        assert!(matches!(opened(2).admit(), Err(LlmError::CircuitOpen)));
    }

    #[test]
    fn a_success_resets_the_count() {
        let breaker = Breaker::new(2, COOLDOWN);
        breaker.admit().expect("closed").failed(&LlmError::Timeout);
        breaker.admit().expect("closed").succeeded();
        breaker.admit().expect("closed").failed(&LlmError::Timeout);
        assert!(breaker.admit().is_ok());
    }

    #[test]
    fn rejections_do_not_count() {
        let breaker = Breaker::new(1, COOLDOWN);
        breaker.admit().expect("closed").failed(&LlmError::Rejected { status: 400 });
        assert!(breaker.admit().is_ok());
    }

    #[test]
    fn after_the_cooldown_exactly_one_trial_is_let_through() {
        let breaker = opened(1);
        let later = after_cooldown();
        let trial = breaker.admit_at(later).expect("trial");
        assert!(matches!(breaker.admit_at(later), Err(LlmError::CircuitOpen)), "only one trial at a time");
        trial.succeeded();
        assert!(breaker.admit().is_ok(), "a successful trial closes the circuit");
    }

    #[test]
    fn a_failed_trial_reopens_for_another_cooldown() {
        let breaker = opened(1);
        breaker.admit_at(after_cooldown()).expect("trial").failed(&LlmError::Unavailable);
        assert!(matches!(breaker.admit(), Err(LlmError::CircuitOpen)));
        let much_later = Instant::now() + COOLDOWN / 2;
        assert!(matches!(breaker.admit_at(much_later), Err(LlmError::CircuitOpen)));
    }

    #[test]
    fn an_abandoned_trial_frees_the_slot() {
        let breaker = opened(1);
        let later = after_cooldown();
        drop(breaker.admit_at(later).expect("trial"));
        assert!(breaker.admit_at(later).is_ok());
    }

    #[test]
    fn a_zero_threshold_never_opens() {
        let breaker = Breaker::new(0, COOLDOWN);
        for _ in 0..10 {
            breaker.admit().expect("closed").failed(&LlmError::Unavailable);
        }
        assert!(breaker.admit().is_ok());
    }
}
