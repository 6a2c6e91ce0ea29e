//! What one client may cost: frames per second on a socket, and sockets per principal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Frames per second a client may send on average.
pub(crate) const FRAMES_PER_SECOND: f64 = 20.0;
/// Frames a client may send at once (a reconnecting client re-subscribing to its runs).
pub(crate) const FRAME_BURST: f64 = 40.0;

/// A token bucket per connection; in-process because a connection lives on one instance.
pub(crate) struct TokenBucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: f64, burst: f64) -> Self {
        Self { tokens: burst, rate, burst, last: Instant::now() }
    }

    /// Takes one token at `now`; false when the client is over its rate.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Open sockets per principal on this instance. The cap is per instance (a principal could hold
/// five on each), which bounds what one credential can pin on any single process.
#[derive(Default)]
pub(crate) struct ConnectionSlots {
    open: Mutex<HashMap<Uuid, usize>>,
}

/// One open socket; gives its slot back when dropped, however the connection ends.
pub(crate) struct Slot {
    slots: Arc<ConnectionSlots>,
    principal: Uuid,
}

impl ConnectionSlots {
    pub fn acquire(self: &Arc<Self>, principal: Uuid, cap: usize) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(principal).or_default();
        if *count >= cap {
            return None;
        }
        *count += 1;
        Some(Slot { slots: self.clone(), principal })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.principal) {
            *count -= 1;
            if *count == 0 {
                // No entry per principal that ever connected: the map stays as small as the load.
                open.remove(&self.principal);
            }
        }
    }
}

/// How long a socket may stay silent (no frame, no pong) before it is considered dead.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How often the server pings, so a live but quiet client always has something to answer.
pub(crate) const PING_EVERY: Duration = Duration::from_secs(20);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(FRAMES_PER_SECOND, FRAME_BURST);
        assert!((0..40).all(|_| bucket.take(start)), "the whole burst passes");
        assert!(!bucket.take(start), "the 41st frame at once does not");
        let later = start + Duration::from_millis(100);
        assert!(bucket.take(later) && bucket.take(later), "0.1 s refills two tokens");
        assert!(!bucket.take(later));
    }

    #[test]
    fn slots_are_capped_per_principal_and_returned_on_drop() {
        let slots = Arc::new(ConnectionSlots::default());
        let (ana, sam) = (Uuid::now_v7(), Uuid::now_v7());
        let held: Vec<Slot> = (0..5).map(|_| slots.acquire(ana, 5).unwrap()).collect();
        assert!(slots.acquire(ana, 5).is_none());
        assert!(slots.acquire(sam, 5).is_some(), "another principal is not affected");
        drop(held);
        assert!(slots.acquire(ana, 5).is_some());
        assert!(slots.open.lock().unwrap().is_empty(), "nothing is kept for principals without sockets");
    }
}
