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
    FieldError, Message, Municipality, Precondition, ProcessId, PromiseId, RequestId, StepId, ValidationErrors,
};
use implication_storage::Database;
use implication_storage::participation::follow_ups as store;

/// What a new step or promise is about, as the caller named it: exactly one request or one
/// process of the municipality. Otherwise, the fields naming it, with what is wrong.
async fn about(
    db: &Database,
    municipality: &Municipality,
    request: Option<RequestId>,
    process: Option<ProcessId>,
) -> Result<Result<About, ValidationErrors>, UseCaseError> {
    let field = |name: &str, code: Code, en: &'static str, fr: &'static str| {
        Err(ValidationErrors(vec![FieldError::new(name, code, Message::new(en, fr))]))
    };
    Ok(match (request, process) {
        (Some(request), None) => match implication_storage::requests::find(db, municipality.id, request).await? {
            Some(_) => Ok(About::Request(request)),
            None => field(
                "request",
                Code::UnknownRequest,
                "no such request in this municipality",
                "aucune demande de cet identifiant dans cette commune",
            ),
        },
        (None, Some(process)) => match load(db, municipality, process).await {
            Ok(_) => Ok(About::Process(process)),
            Err(UseCaseError::NotFound(_)) => field(
                "process",
                Code::UnknownProcess,
                "no such process in this municipality",
                "aucune démarche de cet identifiant dans cette commune",
            ),
            Err(other) => return Err(other),
        },
        (Some(_), Some(_)) => field(
            "process",
            Code::NotApplicable,
            "name a request or a process, not both",
            "nommez une demande ou une démarche, pas les deux",
        ),
        (None, None) => Err(ValidationErrors(vec![
            FieldError::new(
                "request",
                implication_domain::error::Code::Required,
                Message::new("name the request (or the process)", "nommez la demande (ou la démarche)"),
            ),
            FieldError::new(
                "process",
                implication_domain::error::Code::Required,
                Message::new("name the process (or the request)", "nommez la démarche (ou la demande)"),
            ),
        ])),
    })
}

/// Parses a new step or promise about what `subject` resolved to: every invalid field of both
/// named at once.
fn with_subject<T>(
    subject: Result<About, ValidationErrors>,
    parse: impl FnOnce(About) -> Result<T, ValidationErrors>,
) -> Result<T, UseCaseError> {
    match subject {
        Ok(about) => Ok(parse(about)?),
        Err(mut errors) => {
            // The draft's own errors too: a placeholder subject, never stored.
            if let Err(more) = parse(About::Process(ProcessId::from_uuid(uuid::Uuid::nil()))) {
                errors.0.extend(more.0);
            }
            Err(errors.into())
        }
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

/// Records a step still ahead of request `request` or process `process` (exactly one).
pub async fn add_step(
    db: &Database,
    municipality: &Municipality,
    (request, process): (Option<RequestId>, Option<ProcessId>),
    draft: &StepDraft,
) -> Result<Step, UseCaseError> {
    let now = crate::clock::now();
    let today = local_today(now, municipality.settings.time_zone);
    let subject = about(db, municipality, request, process).await?;
    let step = with_subject(subject, |about| draft.parse_new(municipality.id, about, today, now))?;
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
    let now = crate::clock::now();
    let next = draft.apply(&current, local_today(now, municipality.settings.time_zone), now)?;
    Ok(store::write_step(db, Some(current.version), &next).await?)
}

/// Records a promise made to the requesters of request `request` or process `process` (exactly
/// one), pending until kept or withdrawn.
pub async fn make_promise(
    db: &Database,
    municipality: &Municipality,
    (request, process): (Option<RequestId>, Option<ProcessId>),
    draft: &PromiseDraft,
) -> Result<Promise, UseCaseError> {
    let now = crate::clock::now();
    let today = local_today(now, municipality.settings.time_zone);
    let subject = about(db, municipality, request, process).await?;
    let promise = with_subject(subject, |about| draft.parse(municipality.id, about, today, now))?;
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
    let now = crate::clock::now();
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
