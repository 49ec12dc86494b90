//! The writes of the participation context: creating a process, moving it along its lifecycle,
//! changing its level, linking requests to it, recording its decision (one file each; the
//! requests a process takes or closes are written in its transaction); and, a module each, its
//! meetings (with their minutes' deliveries and readers' reactions), notices, surveys, the steps
//! ahead and promises of requests and processes, the standing bodies and the draws by lot.

pub mod bodies;
mod create;
mod decide;
pub mod draws;
pub mod follow_ups;
mod level;
mod link;
pub mod meetings;
pub mod notices;
pub mod surveys;
mod transition;

pub use create::{ProcessInput, create};
pub use decide::decide;
pub use level::change_level;
pub use link::link;
pub use transition::transition;

use crate::UseCaseError;
use crate::error::Resource;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use implication_domain::identity::{Scope, Standing};
use implication_domain::participation::lifecycle::{self, Refusal};
use implication_domain::participation::{Process, ProcessEvent, Readers};
use implication_domain::requests::lifecycle::{self as requests_lifecycle, QualificationFacts, TransitionAsk};
use implication_domain::requests::{Actor, Request, RequestEvent};
use implication_domain::vocabulary::RequestStatus;
use implication_domain::{FieldError, Message, Municipality, Precondition, ProcessId, RequestId, ValidationErrors};
use implication_storage::Database;
use implication_storage::participation as store;
use implication_storage::requests::{self as request_store, RequestWrite};

/// What `standing` reads of the municipality's processes (a partner's tool with
/// `processes:read` is looked up for its association).
pub async fn readers(db: &Database, municipality: &Municipality, standing: &Standing) -> Result<Readers, UseCaseError> {
    match standing {
        Standing::Staff(_) => Ok(Readers::All),
        Standing::Client { client, scopes } if scopes.contains(&Scope::ProcessesRead) => {
            let found = implication_storage::identity::clients::find(db, municipality.id, client.as_uuid()).await?;
            let client = found.ok_or(UseCaseError::UnknownClient)?;
            Ok(Readers::PublicAnd { association: client.association })
        }
        _ => Ok(Readers::Public),
    }
}

/// The process `id` of this municipality.
pub async fn load(db: &Database, municipality: &Municipality, id: ProcessId) -> Result<Process, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Process))
}

/// The process `id`, if it is still at a version `expected` admits.
async fn load_at(
    db: &Database,
    municipality: &Municipality,
    id: ProcessId,
    expected: &Precondition,
) -> Result<Process, UseCaseError> {
    let process = load(db, municipality, id).await?;
    if expected.admits(process.version) { Ok(process) } else { Err(UseCaseError::Stale) }
}

fn refused(refusal: Refusal) -> UseCaseError {
    match refusal {
        Refusal::Invalid(errors) => UseCaseError::Invalid(errors),
        other => UseCaseError::ProcessRefused(other),
    }
}

/// A request moved by a process's (or a project's) change, with its history entries, to be
/// written with it.
pub(crate) struct Moved {
    request: Request,
    expected_version: i32,
    events: Vec<RequestEvent>,
}

impl Moved {
    /// Moves `request` as `ask` says (the request lifecycle's own checks apply; its guards see
    /// no qualification: moves that need one use [`Moved::qualified`]).
    pub(crate) fn new(
        request: Request,
        ask: TransitionAsk,
        actor: Actor,
        now: DateTime<Utc>,
        time_zone: Tz,
    ) -> Result<Self, UseCaseError> {
        Self::qualified(request, ask, &QualificationFacts::default(), actor, now, time_zone)
    }

    /// The same, the guards seeing the request's qualification `facts` (moving to
    /// `in_fifty_fifty` needs its eligibility).
    pub(crate) fn qualified(
        request: Request,
        ask: TransitionAsk,
        facts: &QualificationFacts,
        actor: Actor,
        now: DateTime<Utc>,
        time_zone: Tz,
    ) -> Result<Self, UseCaseError> {
        let change =
            requests_lifecycle::transition(request.id, request.status, ask, facts).map_err(UseCaseError::Refused)?;
        let events = change.events(request.id, actor, now, None);
        Ok(Moved { expected_version: request.version, request: request.moved(&change, now, time_zone), events })
    }

    pub(crate) fn write(&self) -> RequestWrite<'_> {
        RequestWrite {
            expected_version: self.expected_version,
            request: &self.request,
            events: self.events.clone(),
            terms: None,
            answers: Vec::new(),
            qualification: None,
        }
    }
}

/// Requests `ids` joining `process`, each moved to `in_process`, and the entries saying so in
/// the process's history. Each must be a request of the municipality (else 422 naming the
/// field) and qualified (else 409 naming the rule).
async fn joining(
    db: &Database,
    municipality: &Municipality,
    process: &Process,
    field: impl Fn(usize) -> String,
    ids: &[RequestId],
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(Vec<Moved>, Vec<ProcessEvent>), UseCaseError> {
    let mut found = Vec::with_capacity(ids.len());
    let mut errors = ValidationErrors::default();
    for (i, id) in ids.iter().enumerate() {
        match request_store::find(db, municipality.id, *id).await? {
            Some(request) => found.push(request),
            None => errors.push(FieldError::new(
                field(i),
                implication_domain::participation::Code::UnknownRequest,
                Message::new(
                    "no such request in this municipality",
                    "aucune demande de cet identifiant dans cette commune",
                ),
            )),
        }
    }
    errors.into_result()?;
    let mut moved = Vec::with_capacity(found.len());
    let mut events = Vec::with_capacity(found.len());
    for request in found {
        lifecycle::may_join(request.id, request.status, process).map_err(refused)?;
        let ask = TransitionAsk {
            to: Some(RequestStatus::InProcess),
            reason: Some(lifecycle::joined_reason(process)),
            ..TransitionAsk::default()
        };
        events.push(lifecycle::linked_event(process, request.id, actor, now));
        moved.push(Moved::new(request, ask, actor, now, municipality.settings.time_zone)?);
    }
    Ok((moved, events))
}
