//! In-memory rate limiting by key (an address, an account): a fixed number of events per window.
//! Per process: behind several instances, put the limit in the reverse proxy as well.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most keys a throttle remembers, so that made-up account names cannot grow the process.
const MAX_KEYS: usize = 100_000;

#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    capacity: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    by_key: HashMap<String, (Instant, u32)>,
    /// The size at which finished windows are next swept away: twice what the last sweep left,
    /// so that sweeping costs a constant per event however many windows are running.
    sweep_at: usize,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self::with_capacity(limit, window, MAX_KEYS)
    }

    fn with_capacity(limit: u32, window: Duration, capacity: usize) -> Self {
        let counts = Counts { by_key: HashMap::new(), sweep_at: capacity.min(1_000) };
        Self { limit, window, capacity, counts: Mutex::new(counts) }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Err(retry_after)` when `key` has used up its window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        match self.counts().by_key.get(key) {
            Some((start, count)) if now.duration_since(*start) < self.window && *count >= self.limit => {
                Err(self.window.saturating_sub(now.duration_since(*start)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut counts = self.counts();
        if counts.by_key.len() >= counts.sweep_at && !counts.by_key.contains_key(key) {
            self.sweep(&mut counts, now);
        }
        let entry = counts.by_key.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    /// Forgets finished windows; when that leaves more than nine tenths of the capacity, the
    /// running windows with the fewest events down to nine tenths: a flood of made-up keys (one
    /// event each) goes first, and an account under attack (many events) keeps its count. The
    /// next sweep is at least a tenth of the capacity away, so sweeping costs a constant per event.
    fn sweep(&self, counts: &mut Counts, now: Instant) {
        counts.by_key.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        let keep = self.capacity - self.capacity / 10;
        if counts.by_key.len() > keep {
            let mut events: Vec<u32> = counts.by_key.values().map(|(_, count)| *count).collect();
            let cut = events.len() - keep;
            let (_, fewest_kept, _) = events.select_nth_unstable(cut);
            let fewest_kept = *fewest_kept;
            let mut to_drop = cut;
            counts.by_key.retain(|_, (_, count)| {
                let drop = to_drop > 0 && *count <= fewest_kept;
                to_drop -= usize::from(drop);
                !drop
            });
        }
        counts.sweep_at = (counts.by_key.len() * 2).clamp(1_000.min(self.capacity), self.capacity);
        if counts.sweep_at - counts.by_key.len() < self.capacity / 10 {
            counts.sweep_at = self.capacity;
        }
    }

    /// Checks then counts: for limits on every attempt (not only failures).
    pub fn hit(&self, key: &str) -> Result<(), Duration> {
        self.check(key)?;
        self.record(key);
        Ok(())
    }

    /// Forgets `key` (after a successful login).
    pub fn reset(&self, key: &str) {
        self.counts().by_key.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_reached_then_waits_for_the_window() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        assert!(throttle.hit("a").is_ok());
        assert!(throttle.hit("a").is_ok());
        let retry = throttle.hit("a");
        assert!(retry.is_err_and(|d| d > Duration::from_secs(58)));
        assert!(throttle.hit("b").is_ok(), "keys are counted apart");
        throttle.reset("a");
        assert!(throttle.check("a").is_ok());
    }

    #[test]
    fn a_finished_window_starts_afresh() {
        let throttle = Throttle::new(1, Duration::from_millis(10));
        assert!(throttle.hit("a").is_ok());
        std::thread::sleep(Duration::from_millis(15));
        assert!(throttle.hit("a").is_ok());
    }

    #[test]
    fn made_up_keys_never_grow_it_past_its_capacity() {
        let throttle = Throttle::with_capacity(5, Duration::from_secs(900), 2_000);
        for i in 0..50_000 {
            throttle.record(&format!("made-up-{i}@example.org"));
        }
        let remembered = throttle.counts().by_key.len();
        assert!(remembered <= 2_000, "{remembered} keys");
        assert!(remembered >= 1_000, "the newest keys are still counted: {remembered}");
        for _ in 0..5 {
            throttle.record("victim");
        }
        for i in 50_000..100_000 {
            throttle.record(&format!("made-up-{i}@example.org"));
        }
        assert!(throttle.check("victim").is_err(), "a flood of new keys does not reset an account under attack");
    }
}
