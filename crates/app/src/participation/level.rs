//! Changing a process's participation level, with its reason.

use super::{load_at, refused};
use crate::UseCaseError;
use implication_domain::participation::{Process, lifecycle};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::ParticipationLevel;
use implication_domain::{Municipality, Precondition, ProcessId};
use implication_storage::Database;
use implication_storage::participation::{self as store, ProcessWrite};

/// Moves process `id`, read at a version `expected` admits, to `level` for `reason`; the history
/// keeps every change.
pub async fn change_level(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ProcessId,
    expected: Precondition,
    level: Option<ParticipationLevel>,
    reason: Option<&str>,
) -> Result<Process, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let change = lifecycle::change_level(&current, level, reason).map_err(refused)?;
    let now = crate::clock::now();
    let next = change.apply(&current, now);
    let (written, _) = store::write(
        db,
        ProcessWrite {
            expected_version: Some(current.version),
            process: &next,
            events: vec![change.event(&current, actor, now)],
            linked: Vec::new(),
            requests: Vec::new(),
        },
    )
    .await?;
    tracing::info!(process = %written.id, from = %change.from, to = %change.to, "process level changed");
    Ok(written)
}
