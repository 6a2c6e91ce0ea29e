//! The in-process limiter: governor's keyed GCRA, one quota per minute, burst of the full quota.

use std::num::NonZeroU32;
use std::time::Duration;

use async_trait::async_trait;
use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter as Governor};

use super::{LimitKey, RateDecision, RateLimiter};

type Keyed = Governor<LimitKey, DefaultKeyedStateStore<LimitKey>, DefaultClock, StateInformationMiddleware>;

pub struct LocalRateLimiter {
    limiter: Keyed,
    clock: DefaultClock,
    limit: u32,
}

impl LocalRateLimiter {
    pub fn per_minute(limit: u32) -> Self {
        let limit = limit.max(1);
        let quota = Quota::per_minute(NonZeroU32::new(limit).expect("limit is at least 1"));
        let clock = DefaultClock::default();
        Self {
            limiter: Governor::dashmap_with_clock(quota, clock.clone()).with_middleware::<StateInformationMiddleware>(),
            clock,
            limit,
        }
    }

    /// Seconds for `cells` requests to be replenished.
    fn refill(&self, cells: u32) -> Duration {
        let millis = u64::from(cells) * 60_000 / u64::from(self.limit);
        Duration::from_millis(millis)
    }
}

#[async_trait]
impl RateLimiter for LocalRateLimiter {
    async fn check(&self, key: LimitKey) -> RateDecision {
        match self.limiter.check_key(&key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                RateDecision {
                    allowed: true,
                    limit: self.limit,
                    remaining,
                    reset: self.refill(self.limit - remaining.min(self.limit)),
                    retry_after: None,
                    unavailable: false,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                RateDecision {
                    allowed: false,
                    limit: self.limit,
                    remaining: 0,
                    reset: self.refill(self.limit),
                    retry_after: Some(wait),
                    unavailable: false,
                }
            }
        }
    }

    async fn shrink(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> LimitKey {
        LimitKey::Address(std::net::IpAddr::from([10, 0, 0, n]))
    }

    #[tokio::test]
    async fn the_quota_is_counted_per_key_then_refused_with_a_wait() {
        let limiter = LocalRateLimiter::per_minute(3);
        for expected_remaining in [2, 1, 0] {
            let d = limiter.check(key(1)).await;
            assert!(d.allowed);
            assert_eq!(d.remaining, expected_remaining);
            assert_eq!(d.limit, 3);
        }
        let refused = limiter.check(key(1)).await;
        assert!(!refused.allowed);
        let wait = refused.retry_after.expect("a refusal says when to retry");
        assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limiter.check(key(2)).await.allowed, "keys are independent");
        assert!(limiter.check(LimitKey::Principal(uuid::Uuid::nil())).await.allowed);
    }
}
