//! Opening a process (in preparation), from qualified requests or on the town's initiative.

use super::{Moved, joining};
use crate::UseCaseError;
use crate::requests::{Codes, Offices, RoutingCodes};
use implication_domain::participation::{NewProcess, Process, ProcessDraft, history};
use implication_domain::requests::Actor;
use implication_domain::{Municipality, ValidationErrors};
use implication_storage::Database;
use implication_storage::participation::{self as store, ProcessWrite};

/// A process as received: its routing by codes.
#[derive(Debug, Clone, Default)]
pub struct ProcessInput {
    pub draft: ProcessDraft,
    pub routing: RoutingCodes,
}

/// Creates a process from `input`, naming every invalid field at once; the requests it starts
/// from join it (each must be qualified) and move to `in_process`, in the same transaction.
pub async fn create(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    input: &ProcessInput,
) -> Result<Process, UseCaseError> {
    let codes = Codes::load(db, municipality).await?;
    let offices = Offices::load(db, municipality).await?;
    let mut errors = ValidationErrors::default();
    let routing = offices.resolve(&input.routing, &mut errors);
    let now = crate::clock::now();
    let parsed = NewProcess::parse(municipality.id, &input.draft, routing, &codes.catalogue(), now);
    let new = match (parsed, errors.into_result()) {
        (Ok(new), Ok(())) => new,
        (Ok(_), Err(errors)) | (Err(errors), Ok(())) => return Err(errors.into()),
        (Err(mut errors), Err(routing)) => {
            errors.0.extend(routing.0);
            return Err(errors.into());
        }
    };
    let process = new.process;
    let mut events = vec![history::created(&process, actor)];
    let (moved, linked) =
        joining(db, municipality, &process, |i| format!("requests[{i}]"), &new.requests, actor, now).await?;
    events.extend(linked);
    let (written, _) = store::write(
        db,
        ProcessWrite {
            expected_version: None,
            process: &process,
            events,
            linked: new.requests.clone(),
            requests: moved.iter().map(Moved::write).collect(),
        },
    )
    .await?;
    tracing::info!(process = %written.id, requests = new.requests.len(), "process created");
    Ok(written)
}
