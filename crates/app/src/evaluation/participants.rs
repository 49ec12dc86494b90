//! Participants: a person whose participation is recorded with their consent (staff record
//! them, or they record themselves with their account), their changes, and what they took part
//! in (staff record it; a recorded account's ballots are recorded with them).

use crate::UseCaseError;
use crate::error::Resource;
use chrono::NaiveDate;
use implication_domain::evaluation::Code;
use implication_domain::evaluation::participants::{Participant, ParticipantDraft, Participation, subject_of};
use implication_domain::identity::Standing;
use implication_domain::vocabulary::ParticipationKind;
use implication_domain::{FieldError, Message, Municipality, ParticipantId, ParticipationId, Precondition, Slug};
use implication_storage::evaluation::participants as store;
use implication_storage::identity::{accounts, neighbourhoods};
use implication_storage::{Database, StorageError};
use uuid::Uuid;

async fn codes(db: &Database, municipality: &Municipality) -> Result<Vec<Slug>, UseCaseError> {
    Ok(neighbourhoods::all(db, municipality.id).await?.into_iter().map(|n| n.code).collect())
}

/// The participant `id`, for staff or the participant's own account; else 404.
pub async fn load(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    id: ParticipantId,
) -> Result<Participant, UseCaseError> {
    let found = store::find(db, municipality.id, id).await?;
    match (found, standing) {
        (Some(p), Standing::Staff(_)) => Ok(p),
        (Some(p), Standing::Inhabitant(account)) if p.account == Some(*account) => Ok(p),
        _ => Err(UseCaseError::NotFound(Resource::Participant)),
    }
}

/// Records a participant: staff someone who consented (a sign-in sheet); an inhabitant
/// themselves, with their account (named by their display name unless they give a name), once.
pub async fn register(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    draft: &ParticipantDraft,
) -> Result<Participant, UseCaseError> {
    let (account, draft) = match standing {
        Standing::Staff(_) => (None, draft.clone()),
        Standing::Inhabitant(account) => {
            let name = match &draft.name {
                Some(name) => Some(name.clone()),
                None => accounts::find(db, *account).await?.and_then(|a| a.display_name),
            };
            (Some(*account), ParticipantDraft { name, ..draft.clone() })
        }
        _ => {
            return Err(UseCaseError::Forbidden(Message::new(
                "a participant records themselves, or staff record them",
                "un participant s'enregistre lui-même, ou les services l'enregistrent",
            )));
        }
    };
    let participant = draft.parse(municipality.id, account, &codes(db, municipality).await?, crate::clock::now())?;
    if !store::insert(db, &participant).await? {
        return Err(UseCaseError::Storage(StorageError::Duplicate("account")));
    }
    tracing::info!(participant = %participant.id, "participant recorded");
    Ok(participant)
}

/// Changes participant `id` (staff, or their own account), read at a version `expected` admits.
pub async fn change(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    id: ParticipantId,
    expected: Precondition,
    draft: &ParticipantDraft,
    neighbourhood: Option<Option<&str>>,
) -> Result<Participant, UseCaseError> {
    let current = load(db, municipality, standing, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let next = draft.apply(&current, neighbourhood, &codes(db, municipality).await?, crate::clock::now())?;
    if (Participant { updated_at: current.updated_at, ..next.clone() }) == current {
        return Ok(current);
    }
    Ok(store::update(db, current.version, &next).await?)
}

/// Erases participant `id` — their consent withdrawn — with what they took part in: staff, or the
/// person themselves. Nothing of it stays (the figures of past periods count one fewer).
pub async fn withdraw_consent(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    id: ParticipantId,
) -> Result<(), UseCaseError> {
    let participant = load(db, municipality, standing, id).await?;
    if !store::erase(db, municipality.id, participant.id).await? {
        return Err(UseCaseError::NotFound(Resource::Participant));
    }
    tracing::info!(participant = %participant.id, "participant erased, consent withdrawn");
    Ok(())
}

/// Whether the meeting, survey, project or process a participation of `kind` names exists here.
async fn subject_exists(
    db: &Database,
    municipality: &Municipality,
    kind: ParticipationKind,
    subject: Uuid,
) -> Result<bool, UseCaseError> {
    use implication_domain::{MeetingId, ProcessId, ProjectId, SurveyId};
    let m = municipality.id;
    Ok(match subject_of(kind) {
        "meeting" => {
            implication_storage::participation::meetings::find(db, m, MeetingId::from_uuid(subject)).await?.is_some()
        }
        "survey" => {
            implication_storage::participation::surveys::find(db, m, SurveyId::from_uuid(subject)).await?.is_some()
        }
        "project" => implication_storage::conventions::find(db, m, ProjectId::from_uuid(subject)).await?.is_some(),
        _ => implication_storage::participation::find(db, m, ProcessId::from_uuid(subject)).await?.is_some(),
    })
}

/// Records that participant `id` took part in `subject` (staff); `false` when it was already.
pub async fn record(
    db: &Database,
    municipality: &Municipality,
    id: ParticipantId,
    kind: Option<ParticipationKind>,
    subject: Option<Uuid>,
    on: Option<NaiveDate>,
) -> Result<(Participation, bool), UseCaseError> {
    let participant =
        store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Participant))?;
    let mut errors = implication_domain::ValidationErrors::default();
    let required = |field: &str| {
        FieldError::new(field, implication_domain::error::Code::Required, Message::new("required", "obligatoire"))
    };
    if kind.is_none() {
        errors.push(required("kind"));
    }
    if subject.is_none() {
        errors.push(required("subject_id"));
    }
    let now = crate::clock::now();
    let today = implication_domain::participation::meeting::local_today(now, municipality.settings.time_zone);
    let on = errors.collect(implication_domain::time::check_past_date("on", on.unwrap_or(today), today));
    errors.into_result()?;
    let (Some(kind), Some(subject), Some(on)) = (kind, subject, on) else {
        return Err(implication_domain::ValidationErrors::default().into());
    };
    if !subject_exists(db, municipality, kind, subject).await? {
        return Err(FieldError::new(
            "subject_id",
            Code::UnknownSubject,
            Message::new(
                format!("no {} of this id here", subject_of(kind)),
                format!("aucun objet ({}) de cet identifiant ici", subject_of(kind)),
            ),
        )
        .into());
    }
    let participation = Participation {
        id: ParticipationId::new(),
        municipality: municipality.id,
        participant: participant.id,
        kind,
        subject,
        on,
        created_at: now,
    };
    let new = store::record(db, &participation).await?;
    Ok((participation, new))
}
