//! In-memory rate limiting by key (an address, an account): a fixed number of events per window.
//! Per process: behind several instances, put the limit in the reverse proxy as well.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window, counts: Mutex::new(HashMap::new()) }
    }

    /// `Err(retry_after)` when `key` has used up its window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match counts.get(key) {
            Some((start, count)) if now.duration_since(*start) < self.window && *count >= self.limit => {
                Err(self.window.saturating_sub(now.duration_since(*start)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget finished windows now and then, so the map does not grow without bound.
        if counts.len() > 10_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    /// Checks then counts: for limits on every attempt (not only failures).
    pub fn hit(&self, key: &str) -> Result<(), Duration> {
        self.check(key)?;
        self.record(key);
        Ok(())
    }

    /// Forgets `key` (after a successful login).
    pub fn reset(&self, key: &str) {
        self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
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
}
