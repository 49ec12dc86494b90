//! Scheduling a process's meetings, changing them (moving one, counting who came), publishing
//! their minutes, recording to whom they were delivered, and readers' reactions. Each of the
//! town's writes records an entry in the process's history in the same transaction.

use super::{load, refused};
use crate::UseCaseError;
use crate::error::Resource;
use crate::requests::Codes;
use implication_domain::identity::Standing;
use implication_domain::participation::lifecycle;
use implication_domain::participation::meeting::{self, MeetingDraft, MinutesDraft};
use implication_domain::participation::{Delivery, DeliveryDraft, Meeting, ProcessEvent, Reaction, ReactionDraft};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::ProcessEventKind;
use implication_domain::{MeetingId, Municipality, Precondition, ProcessId};
use implication_storage::Database;
use implication_storage::participation::meetings as store;
use implication_storage::participation::reach;

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
    let meeting = draft.parse_new(municipality.id, process.id, &municipality.settings, crate::clock::now())?;
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
    let next = draft.apply(&current, &municipality.settings, crate::clock::now())?;
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
    let next = meeting::record_minutes(&current, draft, crate::clock::now()).map_err(refused)?;
    let event = entry(&next, ProcessEventKind::MinutesPublished, actor);
    let written = store::write(db, Some(current.version), &next, &event).await?;
    tracing::info!(meeting = %written.id, "minutes published");
    Ok(written)
}

/// Records a delivery of meeting `id`'s minutes (once published), with its entry in the
/// process's history, in one transaction.
pub async fn deliver_minutes(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: MeetingId,
    draft: &DeliveryDraft,
) -> Result<Delivery, UseCaseError> {
    let meeting = load_meeting(db, municipality, id).await?;
    let codes = Codes::load(db, municipality).await?;
    let now = crate::clock::now();
    let tz = municipality.settings.time_zone;
    let delivery =
        draft.parse(&meeting, &codes.catalogue(), tz, meeting::local_today(now, tz), now).map_err(refused)?;
    let event = ProcessEvent {
        meeting: Some(meeting.id),
        ..ProcessEvent::new(meeting.process, ProcessEventKind::MinutesDelivered, actor, now)
    };
    reach::insert_delivery(db, &delivery, &event).await?;
    tracing::info!(meeting = %meeting.id, audience = delivery.audience.code(), "minutes delivered");
    Ok(delivery)
}

/// Records a reader's reaction to meeting `id`'s minutes (once published). Whoever is not staff
/// reacts only to the meetings of processes opened to the public, and by the website.
pub async fn react(
    db: &Database,
    standing: &Standing,
    municipality: &Municipality,
    id: MeetingId,
    draft: &ReactionDraft,
) -> Result<Reaction, UseCaseError> {
    let meeting = load_meeting(db, municipality, id).await?;
    let by_staff = matches!(standing, Standing::Staff(_));
    if !by_staff && !load(db, municipality, meeting.process).await?.is_public() {
        return Err(UseCaseError::NotFound(Resource::Meeting));
    }
    let reaction = draft.parse(&meeting, by_staff, crate::clock::now()).map_err(refused)?;
    reach::insert_reaction(db, &reaction).await?;
    tracing::info!(meeting = %meeting.id, reaction = %reaction.id, "reaction to minutes received");
    Ok(reaction)
}
