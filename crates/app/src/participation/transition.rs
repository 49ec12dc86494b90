//! Moving a process along its lifecycle; closing or abandoning it closes the requests that
//! still follow it, in the same transaction.

use super::{Moved, load_at, refused};
use crate::UseCaseError;
use implication_domain::participation::Process;
use implication_domain::participation::lifecycle::{self, TransitionAsk};
use implication_domain::requests::Actor;
use implication_domain::requests::lifecycle::TransitionAsk as RequestAsk;
use implication_domain::vocabulary::RequestStatus;
use implication_domain::{Municipality, Precondition, ProcessId};
use implication_storage::Database;
use implication_storage::participation::{self as store, ProcessWrite};

/// Moves process `id`, read at a version `expected` admits, as `ask` says. Closing gives its
/// requests the decision's resolution, abandoning closes them `abandoned`: only the requests
/// still `in_process` whose latest process is this one (a request that left it and joined
/// another follows the other).
pub async fn transition(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ProcessId,
    expected: Precondition,
    ask: &TransitionAsk,
) -> Result<(Process, usize), UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let change = lifecycle::transition(&current, ask).map_err(refused)?;
    let now = crate::clock::now();
    let next = change.apply(&current, now);
    let mut moved = Vec::new();
    if let Some(resolution) = change.closes_requests {
        let linked = store::requests_of(db, municipality.id, current.id).await?;
        let ids: Vec<_> = linked.iter().map(|r| r.id).collect();
        let latest = store::latest_processes(db, municipality.id, &ids).await?;
        for request in linked {
            let follows = latest.iter().any(|(r, p)| *r == request.id && *p == current.id);
            if request.status != RequestStatus::InProcess || !follows {
                continue;
            }
            let ask = RequestAsk {
                to: Some(RequestStatus::Closed),
                reason: change.request_reason(&current),
                resolution: Some(resolution),
                into: None,
            };
            moved.push(Moved::new(request, ask, actor, now, municipality.settings.time_zone)?);
        }
    }
    let (written, closed) = store::write(
        db,
        ProcessWrite {
            expected_version: Some(current.version),
            process: &next,
            events: vec![change.event(&current, actor, now)],
            linked: Vec::new(),
            requests: moved.iter().map(Moved::write).collect(),
        },
    )
    .await?;
    tracing::info!(process = %written.id, from = %change.from, to = %change.to, requests = closed.len(), "process moved");
    Ok((written, closed.len()))
}
