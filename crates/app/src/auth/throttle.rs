//! Login throttling: failures are counted per submitted username and per client IP in the store
//! (so every instance sees them). Past a threshold, answers are slowed; past a higher one, the key
//! is locked for a while. Keys use the submitted name whether or not such a user exists, so the
//! answers never reveal which names are real.

use std::net::IpAddr;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub user_lock_after: u32,
    pub ip_lock_after: u32,
    pub lock_for: Duration,
    pub slow_after: u32,
    pub slow_step: Duration,
    pub slow_max: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            user_lock_after: 5,
            ip_lock_after: 30,
            lock_for: Duration::from_secs(15 * 60),
            slow_after: 2,
            slow_step: Duration::from_millis(250),
            slow_max: Duration::from_secs(2),
        }
    }
}

impl ThrottlePolicy {
    /// How long to hold a failed answer, given the failures counted so far.
    pub fn delay(&self, failures: u32) -> Duration {
        let over = failures.saturating_sub(self.slow_after);
        self.slow_step.saturating_mul(over).min(self.slow_max)
    }
}

pub(crate) fn user_key(username: &str) -> String {
    // Bounded so a huge username cannot bloat the table; the prefix keeps user and ip keys apart.
    let name: String = username.trim().to_lowercase().chars().take(128).collect();
    format!("user:{name}")
}

pub(crate) fn ip_key(ip: IpAddr) -> String {
    // IPv6 clients usually own a whole /64; counting per address would let them rotate freely.
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return format!("ip:{v4}");
            }
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_slow_down_gradually_and_are_capped() {
        let p = ThrottlePolicy::default();
        assert_eq!(p.delay(1), Duration::ZERO);
        assert_eq!(p.delay(2), Duration::ZERO);
        assert_eq!(p.delay(3), Duration::from_millis(250));
        assert_eq!(p.delay(4), Duration::from_millis(500));
        assert_eq!(p.delay(1000), Duration::from_secs(2));
    }

    #[test]
    fn keys_fold_case_and_ipv6_prefixes() {
        assert_eq!(user_key(" Ana "), user_key("ana"));
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(ip_key(a), ip_key(b));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(ip_key(mapped), "ip:10.0.0.1");
    }
}
