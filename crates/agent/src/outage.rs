//! How a background loop rides out an outage of what it depends on (the database, mostly): it
//! backs off instead of hammering a server that is down, and says so once when the outage begins
//! and once when it ends, instead of once per attempt. An error that is not an outage (a bug, bad
//! data) is still logged every time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::{Error, ErrorCode};

/// One loop's (or one group of loops') view of an outage. Shared by reference between the
/// workers of one pool, so they log it once between them.
#[derive(Debug)]
pub struct Outage {
    task: &'static str,
    base: Duration,
    max: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// When the current outage was first noticed.
    since: Option<Instant>,
    /// Failed attempts in a row.
    failures: u32,
}

impl Outage {
    /// `task` names the loop in the log; waits grow from `base`, doubling, up to `max`.
    pub fn new(task: &'static str, base: Duration, max: Duration) -> Self {
        Self { task, base, max: max.max(base), state: Mutex::default() }
    }

    /// Records a failed attempt; returns how long to wait before the next one.
    pub fn failed(&self, err: &Error) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.failures = state.failures.saturating_add(1);
        if err.code() != ErrorCode::Unavailable {
            tracing::warn!(task = self.task, error = %err, "background task failed");
        } else if state.since.is_none() {
            state.since = Some(Instant::now());
            // The whole cause, once; the attempts that follow only count.
            tracing::warn!(task = self.task, error = %err, "a backing service is unavailable; backing off, and quiet until it is back");
        } else {
            tracing::debug!(task = self.task, failures = state.failures, error = %err, "still unavailable");
        }
        self.delay(state.failures)
    }

    /// Records a successful attempt; the first one after an outage says how long it lasted.
    pub fn succeeded(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(since) = state.since.take() {
            tracing::info!(
                task = self.task,
                failed_attempts = state.failures,
                outage_ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX),
                "the backing service is available again; resuming"
            );
        }
        state.failures = 0;
    }

    /// Whether an outage is under way (noticed and not yet over).
    pub fn ongoing(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).since.is_some()
    }

    /// `base · 2^(failures-1)`, capped at `max`, plus up to a tenth more at random so the loops
    /// of several instances do not retry in step.
    fn delay(&self, failures: u32) -> Duration {
        let doubled = self.base.saturating_mul(1u32 << failures.saturating_sub(1).min(16));
        let delay = doubled.min(self.max);
        delay + delay.mul_f64(rand::random::<f64>() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down() -> Error {
        Error::unavailable(std::io::Error::other("connection refused"))
    }

    #[test]
    fn waits_double_up_to_the_cap_and_start_over_after_a_success() {
        let outage = Outage::new("test", Duration::from_millis(100), Duration::from_secs(1));
        let waits: Vec<Duration> = (0..6).map(|_| outage.failed(&down())).collect();
        let floors = [100, 200, 400, 800, 1000, 1000].map(Duration::from_millis);
        for (wait, floor) in waits.iter().zip(floors) {
            assert!(*wait >= floor && *wait <= floor + floor / 10, "{wait:?} for {floor:?}");
        }
        assert!(outage.ongoing());
        outage.succeeded();
        assert!(!outage.ongoing());
        assert!(outage.failed(&down()) < Duration::from_millis(111), "back to the first step");
    }

    #[test]
    fn an_error_that_is_not_an_outage_backs_off_without_starting_one() {
        let outage = Outage::new("test", Duration::from_millis(10), Duration::from_millis(50));
        outage.failed(&Error::internal(std::io::Error::other("a bug")));
        assert!(!outage.ongoing());
        outage.failed(&down());
        assert!(outage.ongoing());
    }
}
