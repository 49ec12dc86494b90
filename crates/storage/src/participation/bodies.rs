//! Standing bodies, their members (erased, not flagged, when their consent is withdrawn) and
//! their meetings.

use super::{code, corrupt};
use crate::entities::{body, body_meeting, body_member};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::identity::Email;
use implication_domain::participation::body::{BodyName, BodyPurpose, MemberName, MemberRole};
use implication_domain::participation::meeting::{Agenda, MinutesText, Place};
use implication_domain::participation::{Body, BodyMeeting, Member};
use implication_domain::requests::Phone;
use implication_domain::vocabulary::BodyKind;
use implication_domain::{BodyId, MeetingId, MemberId, MunicipalityId, Slug};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Inserts `body`; `Ok(false)` when the municipality has a body of that name already.
pub async fn insert(db: &Database, body: &Body) -> Result<bool, StorageError> {
    let taken = body::Entity::find()
        .filter(body::Column::MunicipalityId.eq(body.municipality.as_uuid()))
        .filter(body::Column::Name.eq(body.name.as_str()))
        .count(db.conn())
        .await?;
    if taken > 0 {
        return Ok(false);
    }
    let row = body::ActiveModel {
        id: Set(body.id.as_uuid()),
        municipality_id: Set(body.municipality.as_uuid()),
        name: Set(body.name.as_str().to_owned()),
        kind: Set(body.kind.code().to_owned()),
        purpose: Set(body.purpose.as_ref().map(|p| p.as_str().to_owned())),
        neighbourhood: Set(body.neighbourhood.as_ref().map(ToString::to_string)),
        version: Set(body.version),
        created_at: Set(body.created_at),
        updated_at: Set(body.updated_at),
    };
    match body::Entity::insert(row).exec(db.conn()).await {
        Ok(_) => Ok(true),
        // The unique index: another insert of the same name won the race.
        Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: BodyId) -> Result<Option<Body>, StorageError> {
    body::Entity::find_by_id(id.as_uuid())
        .filter(body::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(body_to_domain)
        .transpose()
}

/// Where the previous page ended: bodies go by name.
#[derive(Debug, Clone)]
pub struct BodyAfter {
    pub name: String,
    pub id: BodyId,
}

/// A page of the municipality's bodies, by name.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    kinds: &[BodyKind],
    limit: u64,
    after: Option<&BodyAfter>,
) -> Result<Page<Body>, StorageError> {
    use body::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if !kinds.is_empty() {
        condition = condition.add(Column::Kind.is_in(kinds.iter().map(|k| k.code())));
    }
    if let Some(after) = after {
        condition = condition.add(
            Condition::any().add(Column::Name.gt(after.name.as_str())).add(
                Condition::all()
                    .add(Expr::col(Column::Name).eq(after.name.as_str()))
                    .add(Column::Id.gt(after.id.as_uuid())),
            ),
        );
    }
    let rows = body::Entity::find()
        .filter(condition)
        .order_by_asc(Column::Name)
        .order_by_asc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(body_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// How many members each of these bodies has (one statement).
pub async fn member_counts(
    db: &Database,
    municipality: MunicipalityId,
    bodies: &[BodyId],
) -> Result<HashMap<BodyId, u64>, StorageError> {
    if bodies.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(Uuid, i64)> = body_member::Entity::find()
        .select_only()
        .column(body_member::Column::BodyId)
        .column_as(Expr::col(body_member::Column::Id).count(), "members")
        .filter(body_member::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(body_member::Column::BodyId.is_in(bodies.iter().map(|b| b.as_uuid())))
        .group_by(body_member::Column::BodyId)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(counts.into_iter().map(|(id, n)| (BodyId::from_uuid(id), u64::try_from(n).unwrap_or(0))).collect())
}

fn body_to_domain(row: body::Model) -> Result<Body, StorageError> {
    let id = row.id;
    Ok(Body {
        id: BodyId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        name: BodyName::parse("name", &row.name).map_err(|e| corrupt(id, e.message))?,
        kind: code(id, "kind", &row.kind, BodyKind::from_code)?,
        purpose: row
            .purpose
            .as_deref()
            .map(|p| BodyPurpose::parse("purpose", p).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        neighbourhood: row.neighbourhood.as_deref().map(|n| Slug::parse(n).map_err(|e| corrupt(id, e))).transpose()?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

// Members.

pub async fn insert_member(db: &Database, member: &Member) -> Result<(), StorageError> {
    let row = body_member::ActiveModel {
        id: Set(member.id.as_uuid()),
        municipality_id: Set(member.municipality.as_uuid()),
        body_id: Set(member.body.as_uuid()),
        name: Set(member.name.as_str().to_owned()),
        role: Set(member.role.as_ref().map(|r| r.as_str().to_owned())),
        email: Set(member.email.as_ref().map(|e| e.as_str().to_owned())),
        phone: Set(member.phone.as_ref().map(|p| p.as_str().to_owned())),
        consented_on: Set(member.consented_on),
        joined_at: Set(member.joined_at),
    };
    body_member::Entity::insert(row).exec(db.conn()).await?;
    Ok(())
}

/// Erases member `id` of `body`; `false` when there is none.
pub async fn delete_member(
    db: &Database,
    municipality: MunicipalityId,
    body: BodyId,
    id: MemberId,
) -> Result<bool, StorageError> {
    let deleted = body_member::Entity::delete_many()
        .filter(body_member::Column::Id.eq(id.as_uuid()))
        .filter(body_member::Column::BodyId.eq(body.as_uuid()))
        .filter(body_member::Column::MunicipalityId.eq(municipality.as_uuid()))
        .exec(db.conn())
        .await?;
    Ok(deleted.rows_affected > 0)
}

/// A page of a body's members, in the order they joined.
pub async fn members(
    db: &Database,
    municipality: MunicipalityId,
    body: BodyId,
    limit: u64,
    after: Option<MemberId>,
) -> Result<Page<Member>, StorageError> {
    use body_member::Column;
    let mut query = body_member::Entity::find()
        .filter(Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(Column::BodyId.eq(body.as_uuid()));
    if let Some(after) = after {
        query = query.filter(Column::Id.gt(after.as_uuid()));
    }
    let rows = query.order_by_asc(Column::Id).limit(limit + 1).all(db.conn()).await?;
    let items = rows.into_iter().map(member_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn member_to_domain(row: body_member::Model) -> Result<Member, StorageError> {
    let id = row.id;
    Ok(Member {
        id: MemberId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        body: BodyId::from_uuid(row.body_id),
        name: MemberName::parse("name", &row.name).map_err(|e| corrupt(id, e.message))?,
        role: row
            .role
            .as_deref()
            .map(|r| MemberRole::parse("role", r).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        email: row
            .email
            .as_deref()
            .map(|e| Email::parse("email", e).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        phone: row
            .phone
            .as_deref()
            .map(|p| Phone::parse("phone", p).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        consented_on: row.consented_on,
        joined_at: row.joined_at,
    })
}

// Meetings.

/// Writes `meeting` (created when `expected_version` is `None`, else only while still at that
/// version).
pub async fn write_meeting(
    db: &Database,
    expected_version: Option<i32>,
    meeting: &BodyMeeting,
) -> Result<BodyMeeting, StorageError> {
    let written = BodyMeeting { version: expected_version.map_or(1, |v| v + 1), ..meeting.clone() };
    let row = body_meeting::ActiveModel {
        id: Set(written.id.as_uuid()),
        municipality_id: Set(written.municipality.as_uuid()),
        body_id: Set(written.body.as_uuid()),
        place: Set(written.place.as_str().to_owned()),
        starts_at: Set(written.starts_at),
        ends_at: Set(written.ends_at),
        agenda: Set(written.agenda.as_ref().map(|a| a.as_str().to_owned())),
        attendance: Set(written.attendance.and_then(|a| i32::try_from(a).ok())),
        minutes_text: Set(written.minutes.as_ref().map(|(t, _)| t.as_str().to_owned())),
        minutes_published_at: Set(written.minutes.as_ref().map(|(_, at)| *at)),
        version: Set(written.version),
        created_at: Set(written.created_at),
        updated_at: Set(written.updated_at),
    };
    match expected_version {
        None => {
            body_meeting::Entity::insert(row).exec(db.conn()).await?;
        }
        Some(expected) => {
            let updated = body_meeting::Entity::update_many()
                .set(body_meeting::ActiveModel { id: NotSet, ..row })
                .filter(body_meeting::Column::Id.eq(written.id.as_uuid()))
                .filter(body_meeting::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(body_meeting::Column::Version.eq(expected))
                .exec(db.conn())
                .await?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Stale);
            }
        }
    }
    Ok(written)
}

pub async fn find_meeting(
    db: &Database,
    municipality: MunicipalityId,
    body: BodyId,
    id: MeetingId,
) -> Result<Option<BodyMeeting>, StorageError> {
    body_meeting::Entity::find_by_id(id.as_uuid())
        .filter(body_meeting::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(body_meeting::Column::BodyId.eq(body.as_uuid()))
        .one(db.conn())
        .await?
        .map(meeting_to_domain)
        .transpose()
}

/// Where the previous page of a body's meetings ended.
#[derive(Debug, Clone)]
pub struct BodyMeetingAfter {
    pub starts_at: DateTime<Utc>,
    pub id: MeetingId,
}

/// A page of a body's meetings, the latest first.
pub async fn meetings(
    db: &Database,
    municipality: MunicipalityId,
    body: BodyId,
    limit: u64,
    after: Option<&BodyMeetingAfter>,
) -> Result<Page<BodyMeeting>, StorageError> {
    use body_meeting::Column;
    let mut condition =
        Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid())).add(Column::BodyId.eq(body.as_uuid()));
    if let Some(after) = after {
        condition =
            condition.add(super::before_in_time(Column::StartsAt, Column::Id, after.starts_at, after.id.as_uuid()));
    }
    let rows = body_meeting::Entity::find()
        .filter(condition)
        .order_by_desc(Column::StartsAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(meeting_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn meeting_to_domain(row: body_meeting::Model) -> Result<BodyMeeting, StorageError> {
    let id = row.id;
    let minutes = match (row.minutes_text.as_deref(), row.minutes_published_at) {
        (Some(text), Some(at)) => {
            Some((MinutesText::parse("minutes_text", text).map_err(|e| corrupt(id, e.message))?, at))
        }
        _ => None,
    };
    Ok(BodyMeeting {
        id: MeetingId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        body: BodyId::from_uuid(row.body_id),
        place: Place::parse("place", &row.place).map_err(|e| corrupt(id, e.message))?,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        agenda: row
            .agenda
            .as_deref()
            .map(|a| Agenda::parse("agenda", a).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        attendance: row.attendance.and_then(|a| u32::try_from(a).ok()),
        minutes,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
