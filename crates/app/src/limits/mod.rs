//! Rate limits: a port, so a shared (Redis) adapter can replace the in-process one for several
//! instances without touching the channels.

mod local;

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

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

/// Whose budget a request counts against: an authenticated principal's, or else its address's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKey {
    Principal(Uuid),
    Address(IpAddr),
}

/// The textual form, for shared adapters that key by string.
impl fmt::Display for LimitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitKey::Principal(id) => write!(f, "p:{id}"),
            LimitKey::Address(ip) => write!(f, "ip:{ip}"),
        }
    }
}

#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request against `key` and says whether it may proceed.
    async fn check(&self, key: LimitKey) -> RateDecision;
    /// Forgets idle keys so memory stays bounded.
    async fn shrink(&self);
}
