//! The town's standing bodies: creating one, naming its members with their consent (and erasing
//! them when it is withdrawn), scheduling its meetings and publishing their minutes.

use super::refused;
use crate::UseCaseError;
use crate::error::Resource;
use crate::requests::Codes;
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{Body, BodyDraft, BodyMeeting, MeetingDraft, Member, MemberDraft};
use implication_domain::{BodyId, FieldError, MeetingId, MemberId, Message, Municipality, Precondition};
use implication_storage::Database;
use implication_storage::participation::bodies as store;

pub async fn load_body(db: &Database, municipality: &Municipality, id: BodyId) -> Result<Body, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Body))
}

/// Creates a standing body; its name is unique in the municipality (422 `taken`).
pub async fn create(db: &Database, municipality: &Municipality, draft: &BodyDraft) -> Result<Body, UseCaseError> {
    let codes = Codes::load(db, municipality).await?;
    let body = draft.parse(municipality.id, &codes.catalogue(), crate::clock::now())?;
    if !store::insert(db, &body).await? {
        return Err(FieldError::new(
            "name",
            implication_domain::error::Code::Taken,
            Message::new("the town has a body of this name already", "la commune a déjà une instance de ce nom"),
        )
        .into());
    }
    tracing::info!(body = %body.id, "standing body created");
    Ok(body)
}

/// Names a member of body `id`, who consented.
pub async fn add_member(
    db: &Database,
    municipality: &Municipality,
    id: BodyId,
    draft: &MemberDraft,
) -> Result<Member, UseCaseError> {
    let body = load_body(db, municipality, id).await?;
    let now = crate::clock::now();
    let member = draft.parse(&body, local_today(now, municipality.settings.time_zone), now)?;
    store::insert_member(db, &member).await?;
    tracing::info!(body = %body.id, member = %member.id, "member named");
    Ok(member)
}

/// Erases member `member` of body `id` (their consent is withdrawn, or they leave): nothing of
/// them is kept.
pub async fn remove_member(
    db: &Database,
    municipality: &Municipality,
    id: BodyId,
    member: MemberId,
) -> Result<(), UseCaseError> {
    let body = load_body(db, municipality, id).await?;
    if !store::delete_member(db, municipality.id, body.id, member).await? {
        return Err(UseCaseError::NotFound(Resource::Member));
    }
    tracing::info!(body = %body.id, member = %member, "member erased");
    Ok(())
}

/// Schedules a meeting of body `id`, set in the municipality's time zone.
pub async fn schedule(
    db: &Database,
    municipality: &Municipality,
    id: BodyId,
    draft: &MeetingDraft,
) -> Result<BodyMeeting, UseCaseError> {
    let body = load_body(db, municipality, id).await?;
    let meeting = BodyMeeting::parse(draft, &body, &municipality.settings, crate::clock::now())?;
    Ok(store::write_meeting(db, None, &meeting).await?)
}

pub async fn load_meeting(
    db: &Database,
    municipality: &Municipality,
    body: BodyId,
    id: MeetingId,
) -> Result<BodyMeeting, UseCaseError> {
    store::find_meeting(db, municipality.id, body, id).await?.ok_or(UseCaseError::NotFound(Resource::Meeting))
}

/// Publishes (or corrects) the minutes of meeting `id` of body `body`, read at a version
/// `expected` admits, once it has ended.
pub async fn publish_minutes(
    db: &Database,
    municipality: &Municipality,
    body: BodyId,
    id: MeetingId,
    expected: Precondition,
    text: Option<&str>,
) -> Result<BodyMeeting, UseCaseError> {
    let current = load_meeting(db, municipality, body, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let next = current.record_minutes(text, crate::clock::now()).map_err(refused)?;
    Ok(store::write_meeting(db, Some(current.version), &next).await?)
}
