//! Rate limits: a port, so a shared (Redis) adapter can replace the in-process one for several
//! instances without touching the channels.

mod local;
mod penalty;
mod shared;

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

pub use local::LocalRateLimiter;
pub use penalty::PenaltyBox;
pub use shared::SharedRateLimiter;

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
    /// Refused because the shared counter is unreachable and the limits fail closed: the answer
    /// is `unavailable`, not `rate_limited`, and the caller is not to blame for it.
    pub unavailable: bool,
}

/// Whose budget a request counts against: an authenticated principal's, or else its address's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKey {
    Principal(Uuid),
    Address(IpAddr),
}

impl LimitKey {
    /// An address's key. IPv6 clients usually hold a whole /64, so they are counted per /64 (and
    /// IPv4-mapped IPv6 as the IPv4 address): rotating addresses inside a prefix buys nothing.
    pub fn address(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => LimitKey::Address(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => LimitKey::Address(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    LimitKey::Address(IpAddr::V6(prefix.into()))
                }
            },
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_share_their_64_prefix_and_mapped_ipv4_is_ipv4() {
        let a = LimitKey::address("2001:db8:1:2::1".parse().unwrap());
        let b = LimitKey::address("2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap());
        let c = LimitKey::address("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            LimitKey::address("::ffff:192.0.2.7".parse().unwrap()),
            LimitKey::address("192.0.2.7".parse().unwrap())
        );
    }
}
