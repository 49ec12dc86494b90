//! When a failed delivery is tried again: the Standard Webhooks schedule (at once, then 5 s,
//! 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: about 27 hours in all), each delay spread by a
//! jitter of ±20 % so that the retries of many deliveries failing together do not come back
//! together. After the last attempt the delivery is abandoned, and its subscription disabled.

use chrono::Duration;

/// The delays after the 1st, 2nd, … failed attempt.
const DELAYS_SECS: [i64; 7] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

/// How many days an event (with its deliveries and their log) is kept once nothing waits on it.
pub const RETENTION_DAYS: i64 = 30;

/// How many attempts a delivery gets.
pub const MAX_ATTEMPTS: i32 = DELAYS_SECS.len() as i32 + 1;

/// The delay before the next attempt after `attempts` failed ones, or `None`: give up. `jitter`
/// is drawn uniformly in `[0, 1)`.
pub fn next_delay(attempts: i32, jitter: f64) -> Option<Duration> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    let base = *DELAYS_SECS.get(index)?;
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    Some(Duration::milliseconds((base as f64 * 1000.0 * factor).round() as i64))
}

/// The bounds of that delay, whatever the jitter (for tests and documentation).
pub fn delay_bounds(attempts: i32) -> Option<(Duration, Duration)> {
    Some((next_delay(attempts, 0.0)?, next_delay(attempts, 1.0)?))
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    /// Tried again after this delay.
    RetryIn(Duration),
    /// Every attempt failed: given up, and its subscription disabled.
    Abandoned,
}

/// The rule after the `attempts`-th attempt (counting it), which `succeeded` or not.
pub fn after_attempt(attempts: i32, succeeded: bool, jitter: f64) -> Next {
    if succeeded {
        return Next::Delivered;
    }
    next_delay(attempts, jitter).map_or(Next::Abandoned, Next::RetryIn)
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    Delivered,
    /// Abandoned after its last attempt (it can be redelivered by hand).
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed]
            .into_iter()
            .find(|s| s.code() == code)
    }
}
