//! The penalty box: an address that has used up its budget for failed authentication is refused
//! outright for the rest of its wait, before any credential is looked up, so a flood of made-up
//! keys cannot turn into a flood of database queries. In-process on purpose: it is a cache of
//! the limiter's verdict, not a limit of its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::LimitKey;

const CAPACITY: usize = 100_000;

#[derive(Default)]
pub struct PenaltyBox {
    until: Mutex<HashMap<LimitKey, Instant>>,
}

impl PenaltyBox {
    /// How long `key` is still refused, if at all.
    pub fn remaining(&self, key: LimitKey) -> Option<Duration> {
        let map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        let until = *map.get(&key)?;
        until.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }

    pub fn penalise(&self, key: LimitKey, for_: Duration) {
        let mut map = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CAPACITY {
            let now = Instant::now();
            map.retain(|_, until| *until > now);
            if map.len() >= CAPACITY {
                // Still full of live entries: forget the oldest half rather than grow.
                let mut entries: Vec<_> = map.iter().map(|(k, v)| (*k, *v)).collect();
                entries.sort_by_key(|(_, v)| *v);
                for (k, _) in entries.into_iter().take(CAPACITY / 2) {
                    map.remove(&k);
                }
            }
        }
        map.insert(key, Instant::now() + for_);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_penalty_lasts_its_time_and_then_lapses() {
        let boxed = PenaltyBox::default();
        let key = LimitKey::address("198.51.100.1".parse().unwrap());
        assert_eq!(boxed.remaining(key), None);
        boxed.penalise(key, Duration::from_millis(50));
        assert!(boxed.remaining(key).is_some());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(boxed.remaining(key), None);
    }
}
