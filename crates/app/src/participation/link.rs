//! A request joining a process.

use super::{Moved, joining, load_at, refused};
use crate::UseCaseError;
use implication_domain::participation::Process;
use implication_domain::participation::lifecycle;
use implication_domain::requests::Actor;
use implication_domain::{FieldError, Message, Municipality, Precondition, ProcessId, RequestId};
use implication_storage::Database;
use implication_storage::participation::{self as store, ProcessWrite};

/// Links request `request` to process `id`, read at a version `expected` admits: the process
/// takes requests until its decision, the request must be qualified, and it moves to
/// `in_process` in the same transaction.
pub async fn link(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ProcessId,
    expected: Precondition,
    request: Option<RequestId>,
) -> Result<Process, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let Some(request) = request else {
        return Err(FieldError::new(
            "request",
            implication_domain::error::Code::Required,
            Message::new("name the request to link", "nommez la demande à rattacher"),
        )
        .into());
    };
    lifecycle::may_take_requests(&current).map_err(refused)?;
    let now = crate::clock::now();
    let (moved, events) = joining(db, municipality, &current, |_| "request".to_owned(), &[request], actor, now).await?;
    let next = Process { updated_at: now, ..current.clone() };
    let (written, _) = store::write(
        db,
        ProcessWrite {
            expected_version: Some(current.version),
            process: &next,
            events,
            linked: vec![request],
            requests: moved.iter().map(Moved::write).collect(),
        },
    )
    .await?;
    tracing::info!(process = %written.id, request = %request, "request linked to a process");
    Ok(written)
}
