//! Steps ahead and promises (the principle of truth): recording the steps still ahead of a
//! request or a process and moving them as they slip or are done; recording a promise made to
//! requesters, then keeping it or withdrawing it with a reason. Each is about one request or one
//! process of the municipality.

use super::{load, refused};
use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{About, Code, Promise, PromiseDraft, Step, StepDraft, promise};
use implication_domain::{
    FieldError, Message, Municipality, Precondition, ProcessId, PromiseId, RequestId, StepId, ValidationErrors, time,
};
use implication_storage::Database;
use implication_storage::participation::follow_ups as store;

/// What a new step or promise is about, as the caller named it: exactly one request or one
/// process of the municipality (else 422 naming `request` or `process`).
pub async fn about(
    db: &Database,
    municipality: &Municipality,
    request: Option<RequestId>,
    process: Option<ProcessId>,
) -> Result<About, UseCaseError> {
    let one_of = |field: &str| {
        FieldError::new(
            field,
            implication_domain::error::Code::Required,
            Message::new("name either a request or a process", "nommez soit une demande, soit une démarche"),
        )
    };
    match (request, process) {
        (Some(request), None) => {
            implication_storage::requests::find(db, municipality.id, request).await?.ok_or_else(|| {
                FieldError::new(
                    "request",
                    Code::UnknownRequest,
                    Message::new(
                        "no such request in this municipality",
                        "aucune demande de cet identifiant dans cette commune",
                    ),
                )
            })?;
            Ok(About::Request(request))
        }
        (None, Some(process)) => {
            load(db, municipality, process).await.map_err(|_| {
                FieldError::new(
                    "process",
                    Code::UnknownProcess,
                    Message::new(
                        "no such process in this municipality",
                        "aucune démarche de cet identifiant dans cette commune",
                    ),
                )
            })?;
            Ok(About::Process(process))
        }
        _ => Err(ValidationErrors(vec![one_of("request"), one_of("process")]).into()),
    }
}

/// Whether everyone may read what is about `about`: a published request, or a process opened to
/// the public.
pub async fn is_public(db: &Database, municipality: &Municipality, about: About) -> Result<bool, UseCaseError> {
    Ok(match about {
        About::Request(id) => implication_storage::requests::find(db, municipality.id, id)
            .await?
            .is_some_and(|r| r.published_at.is_some()),
        About::Process(id) => load(db, municipality, id).await?.is_public(),
    })
}

pub async fn load_step(db: &Database, municipality: &Municipality, id: StepId) -> Result<Step, UseCaseError> {
    store::find_step(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Step))
}

pub async fn load_promise(db: &Database, municipality: &Municipality, id: PromiseId) -> Result<Promise, UseCaseError> {
    store::find_promise(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Promise))
}

/// Records a step still ahead of `about`.
pub async fn add_step(
    db: &Database,
    municipality: &Municipality,
    about: About,
    draft: &StepDraft,
) -> Result<Step, UseCaseError> {
    let now = time::now();
    let step = draft.parse_new(municipality.id, about, local_today(now, municipality.settings.time_zone), now)?;
    let written = store::write_step(db, None, &step).await?;
    tracing::info!(step = %written.id, "step ahead recorded");
    Ok(written)
}

/// Changes step `id`, read at a version `expected` admits: its expected day moves (the first one
/// is kept), or it is done.
pub async fn change_step(
    db: &Database,
    municipality: &Municipality,
    id: StepId,
    expected: Precondition,
    draft: &StepDraft,
) -> Result<Step, UseCaseError> {
    let current = load_step(db, municipality, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let now = time::now();
    let next = draft.apply(&current, local_today(now, municipality.settings.time_zone), now)?;
    Ok(store::write_step(db, Some(current.version), &next).await?)
}

/// Records a promise made to the requesters of `about`, pending until kept or withdrawn.
pub async fn make_promise(
    db: &Database,
    municipality: &Municipality,
    about: About,
    draft: &PromiseDraft,
) -> Result<Promise, UseCaseError> {
    let now = time::now();
    let promise = draft.parse(municipality.id, about, local_today(now, municipality.settings.time_zone), now)?;
    let written = store::write_promise(db, None, &promise).await?;
    tracing::info!(promise = %written.id, "promise recorded");
    Ok(written)
}

/// How a pending promise is settled.
#[derive(Debug, Clone)]
pub enum Settlement {
    /// Kept on this day (default: today).
    Kept(Option<chrono::NaiveDate>),
    /// Withdrawn today, for this reason (required).
    Withdrawn(Option<String>),
}

/// Settles promise `id`, read at a version `expected` admits: kept (late if after its due day)
/// or withdrawn with a reason. A settled promise changes no more (409 `promise_settled`).
pub async fn settle_promise(
    db: &Database,
    municipality: &Municipality,
    id: PromiseId,
    expected: Precondition,
    settlement: &Settlement,
) -> Result<Promise, UseCaseError> {
    let current = load_promise(db, municipality, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let now = time::now();
    let today = local_today(now, municipality.settings.time_zone);
    let next = match settlement {
        Settlement::Kept(on) => promise::keep(&current, *on, today, now),
        Settlement::Withdrawn(reason) => promise::withdraw(&current, reason.as_deref(), today, now),
    }
    .map_err(refused)?;
    let written = store::write_promise(db, Some(current.version), &next).await?;
    tracing::info!(promise = %written.id, status = written.status.code(), "promise settled");
    Ok(written)
}
