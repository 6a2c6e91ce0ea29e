//! Rate limits: a port, so a shared (Redis) adapter can replace the in-process one for several
//! instances without touching the channels.

mod local;

use std::time::Duration;

use async_trait::async_trait;

pub use local::LocalRateLimiter;

/// The outcome of one check, with what the IETF `RateLimit-*` headers need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Until the quota is whole again.
    pub reset: Duration,
    /// Set when refused: how long until one more request would pass.
    pub retry_after: Option<Duration>,
}

#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request against `key` and says whether it may proceed.
    async fn check(&self, key: &str) -> RateDecision;
    /// Forgets idle keys so memory stays bounded.
    async fn shrink(&self);
}
