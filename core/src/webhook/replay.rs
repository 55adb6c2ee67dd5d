//! A bounded, thread-safe cache of webhook ids seen within the tolerance window (replay protection).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

/// Default capacity of [`ReplayCache::default`].
pub const DEFAULT_REPLAY_CAPACITY: usize = 10_000;

/// Remembers the ids of verified webhooks until the tolerance window of their timestamp has passed, so a
/// second delivery of the same id is refused with `WEBHOOK_REPLAYED`.
///
/// * [`verify`](super::verify) records an id until `signed timestamp + tolerance`: after that a replay of
///   the original message fails the timestamp check anyway, so keeping the id would only use memory.
/// * Bounded: when `capacity` live entries are held, inserting a new id evicts the entry closest to expiry.
///   Size the capacity for the number of webhooks you receive per tolerance window (10 000 by default).
/// * Thread-safe; share it between requests with an `Arc`. Check-and-insert is atomic, so two concurrent
///   deliveries of the same id cannot both pass.
/// * Only ids of events that verified completely are recorded. If your handler then fails and you want the
///   sender's retry (same id) to be accepted, call [`ReplayCache::forget`].
pub struct ReplayCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_id: HashMap<String, (i64, u64)>,
    by_expiry: BTreeMap<(i64, u64), String>,
    seq: u64,
}

impl Inner {
    fn purge(&mut self, now_unix: i64) {
        while let Some(entry) = self.by_expiry.first_entry() {
            if entry.key().0 >= now_unix {
                break;
            }
            let id = entry.remove();
            self.by_id.remove(&id);
        }
    }

    fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(key) => {
                self.by_expiry.remove(&key);
                true
            }
            None => false,
        }
    }
}

impl ReplayCache {
    /// A cache holding at most `capacity` ids (at least 1).
    pub fn new(capacity: usize) -> Self {
        ReplayCache { capacity: capacity.max(1), inner: Mutex::new(Inner::default()) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records `id` until `expires_at_unix` (inclusive) unless it is already live. Returns `true` when the id
    /// was new (the caller may proceed), `false` when it was seen and has not expired (a replay).
    pub fn check_and_insert(&self, id: &str, now_unix: i64, expires_at_unix: i64) -> bool {
        let mut inner = self.lock();
        inner.purge(now_unix);
        if inner.by_id.contains_key(id) {
            return false;
        }
        while inner.by_id.len() >= self.capacity {
            let Some((_, oldest)) = inner.by_expiry.pop_first() else { break };
            inner.by_id.remove(&oldest);
        }
        inner.seq += 1;
        let key = (expires_at_unix, inner.seq);
        inner.by_id.insert(id.to_string(), key);
        inner.by_expiry.insert(key, id.to_string());
        true
    }

    /// Whether `id` is recorded and not expired at `now_unix`.
    pub fn contains(&self, id: &str, now_unix: i64) -> bool {
        self.lock().by_id.get(id).is_some_and(|(exp, _)| *exp >= now_unix)
    }

    /// Removes `id`, so its next delivery is accepted (for instance after your handler failed and the
    /// sender retries). Returns whether it was recorded.
    pub fn forget(&self, id: &str) -> bool {
        self.lock().remove(id)
    }

    /// Number of ids held (including expired ones not yet purged).
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// True when no id is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The maximum number of ids held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Forgets every id.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.by_id.clear();
        inner.by_expiry.clear();
    }
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache::new(DEFAULT_REPLAY_CAPACITY)
    }
}

impl std::fmt::Debug for ReplayCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayCache").field("capacity", &self.capacity).field("len", &self.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn seen_ids_are_refused_until_they_expire() {
        let c = ReplayCache::new(10);
        assert!(c.check_and_insert("a", 100, 400));
        assert!(!c.check_and_insert("a", 200, 500));
        assert!(!c.check_and_insert("a", 400, 700), "live through its expiry second");
        assert!(c.contains("a", 400));
        assert!(!c.contains("a", 401));
        assert!(c.check_and_insert("a", 401, 701), "expired entries are purged");
        assert_eq!(c.len(), 1);
        assert!(c.forget("a"));
        assert!(!c.forget("a"));
        assert!(c.check_and_insert("a", 401, 701));
        c.clear();
        assert!(c.is_empty());
    }

    #[test]
    fn bounded_by_evicting_the_entry_closest_to_expiry() {
        let c = ReplayCache::new(2);
        assert!(c.check_and_insert("late", 0, 900));
        assert!(c.check_and_insert("early", 0, 300));
        assert!(c.check_and_insert("new", 0, 600));
        assert_eq!(c.len(), 2);
        assert!(!c.contains("early", 0));
        assert!(c.contains("late", 0) && c.contains("new", 0));
        assert_eq!(ReplayCache::new(0).capacity(), 1);
    }

    #[test]
    fn concurrent_deliveries_of_one_id_pass_once() {
        let c = Arc::new(ReplayCache::new(100));
        let wins: usize = (0..8)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || c.check_and_insert("same", 0, 300) as usize)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(wins, 1);
    }

    #[test]
    fn ids_with_the_same_expiry_are_each_kept_and_purged() {
        let c = ReplayCache::new(10);
        assert!(c.check_and_insert("a", 0, 300));
        assert!(c.check_and_insert("b", 0, 300));
        assert!(!c.is_empty());
        assert!(!c.check_and_insert("a", 300, 600) && !c.check_and_insert("b", 300, 600));
        assert!(c.check_and_insert("a", 301, 600) && c.check_and_insert("b", 301, 600), "both purged");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn capacity_and_debug() {
        let c = ReplayCache::new(3);
        assert_eq!(c.capacity(), 3);
        assert_eq!(ReplayCache::default().capacity(), DEFAULT_REPLAY_CAPACITY);
        assert!(c.check_and_insert("a", 0, 1));
        assert_eq!(format!("{c:?}"), "ReplayCache { capacity: 3, len: 1 }");
    }
}
