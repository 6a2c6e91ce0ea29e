//! The shared limiter: GCRA counted in Redis by one Lua script, so every instance draws from the
//! same quota and a request is counted exactly once (the script runs atomically, on Redis's
//! clock, so instances whose clocks drift still agree).
//!
//! While Redis is unreachable the fail mode decides: `open` counts on this instance's own
//! limiter (a limit still holds, per instance), `closed` refuses with `unavailable`.

use std::time::Duration;

use async_trait::async_trait;
use config::RedisFailMode;

use super::{LimitKey, LocalRateLimiter, RateDecision, RateLimiter};
use crate::coord::RedisLink;

const KEY_PREFIX: &str = "agent-team:rl:";

/// KEYS[1]: the key. ARGV[1]: microseconds per request (the emission interval), ARGV[2]: the
/// burst (the whole quota). Returns {allowed, remaining or wait µs, reset µs}. Microseconds keep
/// quotas that do not divide a minute exact; `%d` keeps the 16-digit stamps out of Lua's
/// scientific notation.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return {0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((now - allow_at) / interval), new_tat - now}
";

pub struct SharedRateLimiter {
    link: RedisLink,
    script: redis::Script,
    limit: u32,
    interval_us: u64,
    fallback: LocalRateLimiter,
    fail_mode: RedisFailMode,
}

impl SharedRateLimiter {
    pub fn per_minute(link: RedisLink, limit: u32, fail_mode: RedisFailMode) -> Self {
        let limit = limit.max(1);
        Self {
            link,
            script: redis::Script::new(GCRA),
            limit,
            interval_us: (60_000_000 / u64::from(limit)).max(1),
            fallback: LocalRateLimiter::per_minute(limit),
            fail_mode,
        }
    }

    async fn shared(&self, key: LimitKey) -> Option<RateDecision> {
        if !self.link.is_up() {
            return None;
        }
        let mut conn = self.link.connection();
        let outcome = self
            .script
            .key(format!("{KEY_PREFIX}{key}"))
            .arg(self.interval_us)
            .arg(self.limit)
            .invoke_async::<(u8, u64, u64)>(&mut conn)
            .await;
        let (allowed, value, reset) = self.link.record("rate_limit", outcome)?;
        let reset = Duration::from_micros(reset);
        Some(if allowed == 1 {
            let remaining = u32::try_from(value).unwrap_or(u32::MAX).min(self.limit);
            RateDecision { allowed: true, limit: self.limit, remaining, reset, retry_after: None, unavailable: false }
        } else {
            let wait = Duration::from_micros(value);
            RateDecision {
                allowed: false,
                limit: self.limit,
                remaining: 0,
                reset,
                retry_after: Some(wait),
                unavailable: false,
            }
        })
    }
}

#[async_trait]
impl RateLimiter for SharedRateLimiter {
    async fn check(&self, key: LimitKey) -> RateDecision {
        if let Some(decision) = self.shared(key).await {
            return decision;
        }
        metrics::counter!("rate_limit_fallback_total", "mode" => self.fail_mode.as_str()).increment(1);
        match self.fail_mode {
            RedisFailMode::Open => self.fallback.check(key).await,
            RedisFailMode::Closed => RateDecision {
                allowed: false,
                limit: self.limit,
                remaining: 0,
                reset: Duration::from_secs(1),
                retry_after: Some(Duration::from_secs(1)),
                unavailable: true,
            },
        }
    }

    async fn shrink(&self) {
        // Redis forgets idle keys by itself (each carries its own expiry).
        self.fallback.shrink().await;
    }
}
