//! Webhooks: the outbox every change writes its events to (in its own transaction), the
//! subscriptions, and the deliveries a worker claims, sends and records.

pub mod deliveries;
pub mod outbox;
pub mod subscriptions;

use crate::error::StorageError;

/// A stored value that no longer parses.
pub(crate) fn corrupt(column: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("webhooks: {column} {value:?}"))
}
