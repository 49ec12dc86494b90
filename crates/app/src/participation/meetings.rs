//! Scheduling a process's meetings, changing them (moving one, counting who came) and publishing
//! their minutes. Each write records an entry in the process's history in the same transaction.

use super::{load, refused};
use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::participation::lifecycle;
use implication_domain::participation::meeting::{self, MeetingDraft, MinutesDraft};
use implication_domain::participation::{Meeting, ProcessEvent};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::ProcessEventKind;
use implication_domain::{MeetingId, Municipality, Precondition, ProcessId, time};
use implication_storage::Database;
use implication_storage::participation::meetings as store;

/// The meeting `id` of this municipality.
pub async fn load_meeting(db: &Database, municipality: &Municipality, id: MeetingId) -> Result<Meeting, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Meeting))
}

async fn load_meeting_at(
    db: &Database,
    municipality: &Municipality,
    id: MeetingId,
    expected: &Precondition,
) -> Result<Meeting, UseCaseError> {
    let meeting = load_meeting(db, municipality, id).await?;
    if expected.admits(meeting.version) { Ok(meeting) } else { Err(UseCaseError::Stale) }
}

fn entry(meeting: &Meeting, kind: ProcessEventKind, actor: Actor) -> ProcessEvent {
    ProcessEvent { meeting: Some(meeting.id), ..ProcessEvent::new(meeting.process, kind, actor, meeting.updated_at) }
}

/// Schedules a meeting of process `process` (until the process ends), set in the municipality's
/// time zone, its minutes due after the municipality's delay.
pub async fn schedule(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    process: ProcessId,
    draft: &MeetingDraft,
) -> Result<Meeting, UseCaseError> {
    let process = load(db, municipality, process).await?;
    let meeting = draft.parse_new(municipality.id, process.id, &municipality.settings, time::now())?;
    lifecycle::may_take_activities(&process).map_err(refused)?;
    let written = store::write(db, None, &meeting, &entry(&meeting, ProcessEventKind::MeetingScheduled, actor)).await?;
    tracing::info!(meeting = %written.id, process = %process.id, "meeting scheduled");
    Ok(written)
}

/// Changes meeting `id`, read at a version `expected` admits: what `draft` gives (moving it
/// moves the minutes' due day).
pub async fn change(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: MeetingId,
    expected: Precondition,
    draft: &MeetingDraft,
) -> Result<Meeting, UseCaseError> {
    let current = load_meeting_at(db, municipality, id, &expected).await?;
    let next = draft.apply(&current, &municipality.settings, time::now())?;
    let process = load(db, municipality, current.process).await?;
    lifecycle::may_take_activities(&process).map_err(refused)?;
    let event = entry(&next, ProcessEventKind::MeetingChanged, actor);
    Ok(store::write(db, Some(current.version), &next, &event).await?)
}

/// Publishes (or corrects) the minutes of meeting `id`, read at a version `expected` admits,
/// once it has ended. Late minutes are accepted and shown as late.
pub async fn publish_minutes(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: MeetingId,
    expected: Precondition,
    draft: &MinutesDraft,
) -> Result<Meeting, UseCaseError> {
    let current = load_meeting_at(db, municipality, id, &expected).await?;
    let next = meeting::record_minutes(&current, draft, time::now()).map_err(refused)?;
    let event = entry(&next, ProcessEventKind::MinutesPublished, actor);
    let written = store::write(db, Some(current.version), &next, &event).await?;
    tracing::info!(meeting = %written.id, "minutes published");
    Ok(written)
}
