//! A project's life: started from requests or a coproduction process, diagnosed, moved along.

use super::{load_at, refused};
use crate::UseCaseError;
use crate::participation::Moved;
use crate::requests::{Offices, RoutingCodes};
use implication_domain::conventions::Convention;
use implication_domain::conventions::follow_up::Closing;
use implication_domain::conventions::lifecycle::{self, Refusal, Rule, Transition, TransitionAsk};
use implication_domain::conventions::project::carrier_of_association;
use implication_domain::conventions::{DiagnosticDraft, NewProject, Project, ProjectDraft, ProjectEvent, history};
use implication_domain::participation::meeting::local_today;
use implication_domain::requests::Actor;
use implication_domain::requests::Request;
use implication_domain::requests::lifecycle::{TransitionAsk as RequestAsk, TransitionRefusal};
use implication_domain::requests::qualification::{Qualification, Routing};
use implication_domain::vocabulary::{ConventionStatus, ProjectEventKind, ProjectStatus};
use implication_domain::vocabulary::{ParticipationLevel, RequestStatus};
use implication_domain::{FieldError, Message, Municipality, Precondition, ProjectId, ValidationErrors};
use implication_storage::Database;
use implication_storage::conventions::convention::{self as conventions_store, ConventionWrite};
use implication_storage::conventions::{self as store, ProjectWrite};
use implication_storage::participation as processes;
use implication_storage::requests::{self as request_store, RequestWrite};

/// A project as received: its routing by codes (none: the process's, or its first request's).
#[derive(Debug, Clone, Default)]
pub struct ProjectInput {
    pub draft: ProjectDraft,
    pub routing: Option<RoutingCodes>,
}

/// Starts a project from `input`, naming every invalid field at once. Its requests must be
/// qualified and eligible (they move to `in_fifty_fifty`, in the same transaction), or already
/// `in_fifty_fifty` in no project; its process must be at the coproduction level.
pub async fn create(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    input: &ProjectInput,
) -> Result<Project, UseCaseError> {
    let offices = Offices::load(db, municipality).await?;
    let mut errors = ValidationErrors::default();
    let given_routing = input.routing.as_ref().map(|codes| offices.resolve(codes, &mut errors));
    let now = crate::clock::now();
    let parsed = NewProject::parse(municipality.id, &input.draft, given_routing.clone().unwrap_or_default(), now);
    let new = match parsed {
        Ok(new) => Some(new),
        Err(parse_errors) => {
            errors.0.extend(parse_errors.0);
            None
        }
    };
    // The requests and the process, looked up before anything is refused, so that every unknown
    // one is named at once.
    let mut found = Vec::new();
    for (i, id) in input.draft.requests.iter().enumerate() {
        match request_store::find(db, municipality.id, *id).await? {
            Some(request) => found.push(request),
            None => errors.push(FieldError::new(
                format!("requests[{i}]"),
                implication_domain::conventions::Code::UnknownRequest,
                Message::new(
                    "no such request in this municipality",
                    "aucune demande de cet identifiant dans cette commune",
                ),
            )),
        }
    }
    let process = match input.draft.process {
        Some(id) => {
            let process = processes::find(db, municipality.id, id).await?;
            if process.is_none() {
                errors.push(FieldError::new(
                    "process",
                    implication_domain::conventions::Code::UnknownProcess,
                    Message::new(
                        "no such process in this municipality",
                        "aucune démarche de cet identifiant dans cette commune",
                    ),
                ));
            }
            process
        }
        None => None,
    };
    errors.into_result()?;
    let Some(new) = new else { return Err(ValidationErrors::default().into()) };
    let mut project = new.project;
    if let Some(process) = &process
        && process.level != ParticipationLevel::Coproduction
    {
        return Err(refused(Refusal::guard(
            Rule::NotCoproduction,
            Message::new(
                format!("the process is at the {} level: a project comes from a coproduction", process.level),
                format!("la démarche est au niveau {} : un projet naît d'une coproduction", process.level),
            ),
            Vec::new(),
        )));
    }
    let ids: Vec<_> = found.iter().map(|r| r.id).collect();
    let taken = store::in_open_projects(db, municipality.id, &ids, None).await?;
    let mut moved = Vec::new();
    // Requests taken as they are (already `in_fifty_fifty`): written too, unchanged, so that their
    // version guards against another project taking them at the same time.
    let mut adopted = Vec::new();
    let mut events = vec![history::created(&project, actor)];
    let mut first_routing: Option<Routing> = None;
    for (i, request) in found.into_iter().enumerate() {
        lifecycle::may_start(request.id, request.status, taken.contains(&request.id)).map_err(refused)?;
        let qualification = request_store::qualifications::find_for(db, &request)
            .await?
            .map(|recorded| recorded.qualification)
            .unwrap_or_else(|| Qualification::unrecorded(&request));
        first_routing.get_or_insert_with(|| qualification.routing.clone());
        events.push(history::linked(&project, request.id, actor, now));
        if !new.carriers_given
            && let Some(carrier) = request.association.as_deref().and_then(carrier_of_association)
            && !project.carriers.contains(&carrier)
        {
            project.carriers.push(carrier);
        }
        if request.status == RequestStatus::Qualified {
            let ask = RequestAsk {
                to: Some(RequestStatus::InFiftyFifty),
                reason: Some(lifecycle::started_reason(&project)),
                ..RequestAsk::default()
            };
            moved.push(
                Moved::qualified(request, ask, &qualification.facts(), actor, now, municipality.settings.time_zone)
                    .map_err(|e| of_request(i, e))?,
            );
        } else {
            adopted.push(Request { updated_at: now, ..request });
        }
    }
    if given_routing.is_none() {
        project.routing = match &process {
            Some(process) => process.routing.clone(),
            None => first_routing.unwrap_or_default(),
        };
    }
    let written = store::write(
        db,
        ProjectWrite {
            expected_version: None,
            project: &project,
            events,
            linked: new.requests.clone(),
            requests: moved.iter().map(Moved::write).chain(adopted.iter().map(unchanged)).collect(),
            outbox: Vec::new(),
        },
    )
    .await?;
    tracing::info!(project = %written.id, requests = new.requests.len(), "fifty-fifty project started");
    Ok(written)
}

/// Replaces the diagnostic of project `id`, read at a version `expected` admits, until it ends.
pub async fn record_diagnostic(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ProjectId,
    expected: Precondition,
    draft: &DiagnosticDraft,
) -> Result<Project, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    if lifecycle::is_finished(current.status) {
        return Err(refused(lifecycle::finished(current.status)));
    }
    let now = crate::clock::now();
    let diagnostic = draft.parse(local_today(now, municipality.settings.time_zone))?;
    if diagnostic == current.diagnostic {
        return Ok(current);
    }
    lifecycle::may_record_diagnostic(current.status, &diagnostic).map_err(refused)?;
    let next = Project { diagnostic, updated_at: now, ..current.clone() };
    let written = store::write(
        db,
        ProjectWrite {
            expected_version: Some(current.version),
            project: &next,
            events: vec![history::diagnosed(&current, actor, now)],
            linked: Vec::new(),
            requests: Vec::new(),
            outbox: Vec::new(),
        },
    )
    .await?;
    tracing::info!(project = %written.id, "diagnostic recorded");
    Ok(written)
}

/// Moves project `id`, read at a version `expected` admits, as `ask` says; ending it closes the
/// requests still `in_fifty_fifty` in it with the matching resolution, in the same transaction.
pub async fn transition(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ProjectId,
    expected: Precondition,
    ask: &TransitionAsk,
) -> Result<Project, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let change = lifecycle::transition(&current, ask).map_err(refused)?;
    let now = crate::clock::now();
    let next = change.apply(&current, now);
    let moved = closing(db, municipality, &current, &change, actor, now).await?;
    let mut write = ProjectWrite {
        expected_version: Some(current.version),
        project: &next,
        events: vec![change.event(&current, actor, now)],
        linked: Vec::new(),
        requests: moved.iter().map(Moved::write).collect(),
        outbox: Vec::new(),
    };
    // Ending the project ends its convention with it, in the same transaction: completed with a
    // completed project, terminated (with the project's reason) when abandoned or taken over.
    let convention = conventions_store::of_project(db, municipality.id, current.id).await?;
    if change.to == ProjectStatus::Completed
        && let Some(stored) = &convention
    {
        // Completed with its convention: not after a lapse or a termination, nor with an
        // amendment pending.
        if matches!(stored.convention.status, ConventionStatus::Lapsed | ConventionStatus::Terminated) {
            return Err(refused(Refusal::guard(
                Rule::ConventionEnded,
                Message::new(
                    format!(
                        "its convention is {}: abandon the project, or hand it to the services",
                        stored.convention.status
                    ),
                    format!(
                        "sa convention est {} : abandonnez le projet, ou confiez-le aux services",
                        stored.convention.status
                    ),
                ),
                Vec::new(),
            )));
        }
        implication_domain::conventions::follow_up::no_amendment_pending(&stored.convention).map_err(refused)?;
    }
    let written = match convention.filter(|c| lifecycle::is_finished(change.to) && !c.convention.is_ended()) {
        Some(stored) => {
            let status = if change.to == ProjectStatus::Completed {
                ConventionStatus::Completed
            } else {
                ConventionStatus::Terminated
            };
            let mut follow_up = stored.follow_up.clone();
            follow_up.closing =
                Some(Closing { at: now, reason: change.reason.as_ref().map(|r| r.as_str().to_owned()), breach: None });
            let ended = Convention { status, updated_at: now, ..stored.convention.clone() };
            // The history says the convention ended with the project, and why.
            write.events.push(ProjectEvent {
                reason: follow_up.closing.as_ref().and_then(|c| c.reason.clone()),
                ..ProjectEvent::new(current.id, ProjectEventKind::ConventionEnded, actor, now)
            });
            conventions_store::write(
                db,
                ConventionWrite {
                    expected_version: Some(stored.convention.version),
                    convention: &ended,
                    attestations: &stored.attestations,
                    follow_up: &follow_up,
                    text: None,
                    signature: None,
                    project: write,
                },
            )
            .await?;
            Project { version: current.version + 1, ..next.clone() }
        }
        None => store::write(db, write).await?,
    };
    tracing::info!(project = %written.id, from = %change.from, to = %change.to, requests = moved.len(), "project moved");
    Ok(written)
}

/// A request written unchanged but for its version, which guards it.
fn unchanged(request: &Request) -> RequestWrite<'_> {
    RequestWrite {
        expected_version: request.version,
        request,
        events: Vec::new(),
        terms: None,
        answers: Vec::new(),
        qualification: None,
    }
}

/// A request's refusal, naming which request of the list (`requests[1].fifty_fifty_eligibility…`)
/// and no statuses of its own (the 409 is about the project).
fn of_request(i: usize, error: UseCaseError) -> UseCaseError {
    match error {
        UseCaseError::Refused(TransitionRefusal::Guard { rule, message, lacking, .. }) => {
            let lacking =
                lacking.into_iter().map(|e| FieldError { field: format!("requests[{i}].{}", e.field), ..e }).collect();
            UseCaseError::Refused(TransitionRefusal::Guard { rule, message, allowed: Vec::new(), lacking })
        }
        UseCaseError::Refused(TransitionRefusal::NotAllowed { from, to, .. }) => {
            UseCaseError::Refused(TransitionRefusal::NotAllowed { from, to, allowed: Vec::new() })
        }
        other => other,
    }
}

/// The requests `change` closes with `project`: those still `in_fifty_fifty` that no other project
/// under way holds, with the matching resolution.
pub(crate) async fn closing(
    db: &Database,
    municipality: &Municipality,
    project: &Project,
    change: &Transition,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Moved>, UseCaseError> {
    let mut moved = Vec::new();
    let Some(resolution) = change.closes_requests else { return Ok(moved) };
    let linked = store::requests_of(db, municipality.id, project.id).await?;
    let ids: Vec<_> = linked.iter().map(|r| r.id).collect();
    // A request that left this project and started another follows the other.
    let elsewhere = store::in_open_projects(db, municipality.id, &ids, Some(project.id)).await?;
    for request in linked {
        if request.status != RequestStatus::InFiftyFifty || elsewhere.contains(&request.id) {
            continue;
        }
        let ask = RequestAsk {
            to: Some(RequestStatus::Closed),
            reason: Some(change.request_reason(project)),
            resolution: Some(resolution),
            into: None,
        };
        moved.push(Moved::new(request, ask, actor, now, municipality.settings.time_zone)?);
    }
    Ok(moved)
}
