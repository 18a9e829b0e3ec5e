//! A small time-limited cache for answers many citizens ask for at once (availability,
//! directorates). Staleness is bounded by the time to live; booking itself always checks the
//! database, so a stale "places left" can never book a full slot.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Values kept for a fixed time.
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// A cache whose entries live `ttl`.
    pub fn new(ttl: Duration) -> TtlCache<K, V> {
        TtlCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value, if still fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    /// Stores a value; drops expired entries when the cache grows.
    pub fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > 4096 {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Forgets everything (after a change this instance made itself).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Locks that let one request fill a missing entry while the others asking for the same key
/// wait for it, instead of all computing it at once when it expires (keys share 16 locks).
pub struct FillLocks([tokio::sync::Mutex<()>; 16]);

impl Default for FillLocks {
    fn default() -> FillLocks {
        FillLocks(std::array::from_fn(|_| tokio::sync::Mutex::new(())))
    }
}

impl FillLocks {
    /// The lock for a key.
    pub fn for_key<K: Hash>(&self, key: &K) -> &tokio::sync::Mutex<()> {
        use std::hash::{BuildHasher, RandomState};
        static HASHER: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
        let hash = HASHER.get_or_init(RandomState::new).hash_one(key);
        &self.0[(hash % 16) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_until_its_time_is_up() {
        let cache = TtlCache::new(Duration::from_millis(50));
        cache.put("days", 7);
        assert_eq!(cache.get(&"days"), Some(7));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&"days"), None);
    }

    #[test]
    fn clearing_forgets_everything() {
        let cache = TtlCache::new(Duration::from_secs(60));
        cache.put(1, "a");
        cache.clear();
        assert_eq!(cache.get(&1), None);
    }
}
