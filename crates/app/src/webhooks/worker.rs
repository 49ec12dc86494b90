//! The delivery worker: dispatches the outbox into deliveries, claims those due, sends them and
//! records each attempt. It runs inside the API process (and alone: `implication worker`); on
//! PostgreSQL any number may run, on SQLite one.
//!
//! A pass reads its clock at each step (a claim's lease starts when it is claimed, an attempt is
//! dated when it is made), and takes that clock as an argument, so that a test controls it.

use super::sender::Sender;
use chrono::{DateTime, Duration, Utc};
use implication_domain::webhooks::retry::{self, Next};
use implication_storage::Database;
use implication_storage::webhooks::deliveries::{self, Claimed, Outcome};
use std::time::Duration as StdDuration;
use tokio::task::JoinSet;

/// Events dispatched per transaction.
const DISPATCH_BATCH: u64 = 500;
/// Deliveries sent at once.
const CLAIM_BATCH: u64 = 16;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub dispatched: usize,
    pub attempted: usize,
    pub delivered: usize,
}

/// One pass on `clock`: every event not yet dispatched becomes its deliveries, then the deliveries
/// due are sent (in batches, each resource's in order) until none is due.
pub async fn pass(
    db: &Database,
    sender: &Sender,
    clock: impl Fn() -> DateTime<Utc> + Send + Sync + Clone + 'static,
) -> Result<Pass, crate::UseCaseError> {
    let mut done = Pass::default();
    loop {
        let dispatched = deliveries::dispatch(db, clock(), DISPATCH_BATCH).await?;
        done.dispatched += dispatched;
        if dispatched < DISPATCH_BATCH as usize {
            break;
        }
    }
    let lease = lease(sender);
    loop {
        let claimed = deliveries::claim(db, clock(), lease, CLAIM_BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        let mut sending = JoinSet::new();
        for delivery in claimed {
            let (sender, clock) = (sender.clone(), clock.clone());
            sending.spawn(async move {
                let outcome = attempt(&sender, &delivery, clock).await;
                (delivery, outcome)
            });
        }
        while let Some(joined) = sending.join_next().await {
            let (delivery, outcome) = joined.map_err(|e| crate::UseCaseError::Internal(e.to_string()))?;
            done.attempted += 1;
            if outcome.next == Next::Delivered {
                done.delivered += 1;
            }
            if !deliveries::record(db, &delivery, &outcome).await? {
                tracing::warn!(delivery = %delivery.delivery, "a delivery's lease ended before its attempt was recorded");
            }
            log(&delivery, &outcome);
        }
    }
    Ok(done)
}

/// How long a claimed delivery is a worker's: longer than its attempt can take.
fn lease(sender: &Sender) -> Duration {
    Duration::from_std(sender.timeout() * 2 + StdDuration::from_secs(5)).unwrap_or(Duration::seconds(60))
}

async fn attempt(sender: &Sender, delivery: &Claimed, clock: impl Fn() -> DateTime<Utc>) -> Outcome {
    let body = delivery.event.body(&delivery.municipality_slug);
    let secrets = delivery.subscription.signing_secrets(clock());
    let sent = sender.send(&delivery.subscription.url, &delivery.event.id.header(), &secrets, body).await;
    let succeeded = implication_domain::webhooks::Attempt::success(sent.status_code);
    let next = retry::after_attempt(delivery.attempts + 1, succeeded, jitter());
    Outcome { at: clock(), status_code: sent.status_code, latency_ms: sent.latency_ms, error: sent.error, next }
}

fn log(delivery: &Claimed, outcome: &Outcome) {
    let (event, subscription) = (delivery.event.id.header(), delivery.subscription.id);
    match outcome.next {
        Next::Delivered => {
            tracing::info!(%event, %subscription, status = ?outcome.status_code, latency_ms = outcome.latency_ms, "webhook delivered")
        }
        Next::RetryIn(delay) => {
            tracing::warn!(%event, %subscription, status = ?outcome.status_code, error = ?outcome.error, retry_in_secs = delay.num_seconds(), "webhook delivery failed")
        }
        Next::Abandoned => {
            tracing::warn!(%event, %subscription, error = ?outcome.error, "webhook delivery abandoned: subscription disabled")
        }
    }
}

/// How often a worker prunes what was delivered long ago.
const PRUNE_EVERY: StdDuration = StdDuration::from_secs(3600);

/// Forgets the events (with their deliveries and log) that happened more than
/// [`retry::RETENTION_DAYS`] days before `now` and wait for no attempt.
pub async fn prune(db: &Database, now: DateTime<Utc>) -> Result<u64, crate::UseCaseError> {
    let pruned = deliveries::prune(db, now - Duration::days(retry::RETENTION_DAYS)).await?;
    if pruned > 0 {
        tracing::info!(events = pruned, "webhook events pruned");
    }
    Ok(pruned)
}

/// A uniform draw in [0, 1).
fn jitter() -> f64 {
    let mut bytes = [0_u8; 4];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

/// Runs passes every `every` until `stop` resolves; a failed pass is logged and tried again.
pub async fn run(db: Database, sender: Sender, every: StdDuration, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    let mut ticks = tokio::time::interval(every);
    let mut last_pruned = None;
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = ticks.tick() => {
                if let Err(e) = pass(&db, &sender, Utc::now).await {
                    tracing::warn!(error = %e, "the webhook worker's pass failed; it tries again");
                }
                if last_pruned.is_none_or(|at: std::time::Instant| at.elapsed() >= PRUNE_EVERY) {
                    last_pruned = Some(std::time::Instant::now());
                    if let Err(e) = prune(&db, Utc::now()).await {
                        tracing::warn!(error = %e, "pruning the outbox failed; it tries again");
                    }
                }
            }
        }
    }
}
