//! The instant the use cases write: now — or, for the demo loader, which writes a plausible
//! past (a request qualified a few days after it was received, minutes published after their
//! meeting), the instant it sets for the writes of one task. Never later than now.

use chrono::{DateTime, Utc};
use implication_domain::time;
use std::future::Future;

tokio::task_local! {
    static SET: DateTime<Utc>;
}

/// The instant a write happens at.
pub fn now() -> DateTime<Utc> {
    SET.try_with(|instant| *instant).unwrap_or_else(|_| time::now())
}

/// Runs `writes` as if at `instant` (now, if that is later).
pub async fn at<F: Future>(instant: DateTime<Utc>, writes: F) -> F::Output {
    SET.scope(instant.min(time::now()), writes).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_happen_at_the_instant_set_never_in_the_future() {
        let past = time::now() - chrono::Duration::days(30);
        assert_eq!(at(past, async { now() }).await, past);
        let future = time::now() + chrono::Duration::days(30);
        assert!(at(future, async { now() }).await <= time::now());
        assert!(now() <= time::now(), "unset: now");
    }
}
