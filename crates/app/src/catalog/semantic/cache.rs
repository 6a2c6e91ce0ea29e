//! Recent query vectors: sales staff search the same few words again and again, and each embedding
//! costs a round trip. Bounded in entries and in age; the oldest entry makes room.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const CAPACITY: usize = 1024;
pub const TTL: Duration = Duration::from_secs(600);

/// A query's vector and when it was embedded.
type Entry = (Instant, Arc<Vec<f32>>);

pub struct QueryCache {
    entries: Mutex<HashMap<String, Entry>>,
    capacity: usize,
    ttl: Duration,
}

impl Default for QueryCache {
    fn default() -> Self {
        Self::new(CAPACITY, TTL)
    }
}

impl QueryCache {
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity: capacity.max(1), ttl }
    }

    pub fn get(&self, query: &str) -> Option<Arc<Vec<f32>>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(query) {
            Some((at, vector)) if at.elapsed() < self.ttl => Some(vector.clone()),
            Some(_) => {
                entries.remove(query);
                None
            }
            None => None,
        }
    }

    pub fn put(&self, query: &str, vector: Arc<Vec<f32>>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(query) {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            // Still full: the oldest goes (a scan of at most `capacity` entries, rare).
            if entries.len() >= self.capacity
                && let Some(oldest) = entries.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(query.to_owned(), (Instant::now(), vector));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_in_entries_the_oldest_leaving_first() {
        let cache = QueryCache::new(2, TTL);
        cache.put("a", Arc::new(vec![1.0]));
        std::thread::sleep(Duration::from_millis(2));
        cache.put("b", Arc::new(vec![2.0]));
        cache.put("c", Arc::new(vec![3.0]));
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a").is_none(), "the oldest made room");
        assert_eq!(cache.get("c").as_deref(), Some(&vec![3.0]));
        cache.put("c", Arc::new(vec![4.0]));
        assert_eq!((cache.len(), cache.get("c").as_deref()), (2, Some(&vec![4.0])), "replaced in place");
    }

    #[test]
    fn entries_expire() {
        let cache = QueryCache::new(8, Duration::from_millis(1));
        cache.put("a", Arc::new(vec![1.0]));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.get("a").is_none());
        assert_eq!(cache.len(), 0);
    }
}
