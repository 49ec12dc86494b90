//! A delivery: one event to one subscription, and the log of its attempts.

use super::retry::DeliveryStatus;
use super::{EventId, EventType, SubscriptionId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription: SubscriptionId,
    pub event: EventId,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// When it is tried (again), while pending.
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_latency_ms: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One try: the receiver's status code (none when it could not be reached), how long it took.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub succeeded: bool,
}

impl Attempt {
    /// Whether the receiver took it: a 2xx answer.
    pub fn success(status_code: Option<i32>) -> bool {
        status_code.is_some_and(|code| (200..300).contains(&code))
    }
}
