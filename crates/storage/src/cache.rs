//! A small in-process cache of values read on almost every call and rarely changed (a
//! municipality by its slug, a municipality's catalogue codes). An entry is served for at most
//! its time to live, then read again: another API instance's change shows here within that time;
//! this process's own changes evict the entry at once. Misses are not remembered (an unknown slug
//! always reads the database), and the cache holds at most `capacity` entries.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(crate) struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<K, (V, Instant)>>,
    /// Counts evictions: a value read from the database before an eviction (a write) may be
    /// older than that write, and is not kept (see [`TtlCache::put_if_current`]).
    evictions: AtomicU64,
}

/// When a value was read, as far as evictions go: from [`TtlCache::generation`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Generation(u64);

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        Self { ttl, capacity, entries: RwLock::new(HashMap::new()), evictions: AtomicU64::new(0) }
    }

    /// Take before reading a value from the database, give to [`TtlCache::put_if_current`].
    pub(crate) fn generation(&self) -> Generation {
        Generation(self.evictions.load(Ordering::Acquire))
    }

    /// Keeps `value` unless an eviction happened since `read_at`: a reader that missed the cache,
    /// read the row, then lost the race to a writer's commit and eviction, would otherwise keep
    /// the old row for a whole time to live.
    pub(crate) fn put_if_current(&self, key: K, value: V, read_at: Generation) {
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.evictions.load(Ordering::Acquire) == read_at.0 {
            Self::insert(&mut entries, self.ttl, self.capacity, key, value);
        }
    }

    /// The value under `key`, if it was read less than the time to live ago.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|(_, at)| at.elapsed() < self.ttl).map(|(value, _)| value.clone())
    }

    #[cfg(test)]
    pub(crate) fn put(&self, key: K, value: V) {
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        Self::insert(&mut entries, self.ttl, self.capacity, key, value);
    }

    fn insert(entries: &mut HashMap<K, (V, Instant)>, ttl: Duration, capacity: usize, key: K, value: V) {
        if ttl.is_zero() {
            return;
        }
        if entries.len() >= capacity && !entries.contains_key(&key) {
            // Expired entries go first; if none has, the cache starts over (rare: the capacity is
            // far above the number of municipalities a deployment serves).
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= capacity {
                entries.clear();
            }
        }
        entries.insert(key, (value, Instant::now()));
    }

    pub(crate) fn evict<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let mut entries = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.evictions.fetch_add(1, Ordering::AcqRel);
        entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::TtlCache;
    use std::time::Duration;

    #[test]
    fn an_entry_is_served_until_evicted_and_a_zero_ttl_caches_nothing() {
        let cache = TtlCache::new(Duration::from_secs(60), 2);
        cache.put("a".to_owned(), 1);
        assert_eq!(cache.get("a"), Some(1));
        cache.evict("a");
        assert_eq!(cache.get("a"), None);
        let off = TtlCache::new(Duration::ZERO, 2);
        off.put("a".to_owned(), 1);
        assert_eq!(off.get("a"), None);
    }

    #[test]
    fn a_value_read_before_an_eviction_is_not_kept() {
        let cache = TtlCache::new(Duration::from_secs(60), 2);
        let read_at = cache.generation();
        cache.evict("a");
        cache.put_if_current("a".to_owned(), "old", read_at);
        assert_eq!(cache.get("a"), None, "read before the write: not kept");
        cache.put_if_current("a".to_owned(), "new", cache.generation());
        assert_eq!(cache.get("a"), Some("new"));
    }

    #[test]
    fn an_entry_expires_after_its_time_to_live() {
        let cache = TtlCache::new(Duration::from_millis(1), 2);
        cache.put("a".to_owned(), 1);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = TtlCache::new(Duration::from_secs(60), 2);
        for key in ["a", "b", "c", "d"] {
            cache.put(key.to_owned(), 0);
        }
        assert!(cache.entries.read().map(|e| e.len()).unwrap_or(0) <= 2);
        assert_eq!(cache.get("d"), Some(0));
    }
}
