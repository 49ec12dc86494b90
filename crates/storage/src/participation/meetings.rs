//! Meetings: the one versioned write (the meeting and its entry in the process's history, in one
//! transaction), lists with the overdue-minutes filter, and the upcoming public meetings of the
//! calendar feed.

use super::{code, corrupt, history};
use crate::entities::{meeting, process};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::participation::meeting::{Agenda, Facilitator, MinutesText, Place};
use implication_domain::participation::{Meeting, Minutes, ProcessEvent};
use implication_domain::vocabulary::{MeetingKind, MeetingStage};
use implication_domain::{MeetingId, MunicipalityId, ProcessId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

/// Writes `meeting` (created when `expected_version` is `None`, else only while still at that
/// version) with its entry in the process's history, in one transaction.
pub async fn write(
    db: &Database,
    expected_version: Option<i32>,
    meeting: &Meeting,
    event: &ProcessEvent,
) -> Result<Meeting, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let written = match expected_version {
        None => {
            let written = Meeting { version: 1, ..meeting.clone() };
            meeting::Entity::insert(row(&written)).exec(&txn).await?;
            written
        }
        Some(expected) => {
            let written = Meeting { version: expected + 1, ..meeting.clone() };
            let updated = meeting::Entity::update_many()
                .set(meeting::ActiveModel { id: NotSet, ..row(&written) })
                .filter(meeting::Column::Id.eq(written.id.as_uuid()))
                .filter(meeting::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(meeting::Column::Version.eq(expected))
                .exec(&txn)
                .await?;
            if updated.rows_affected == 0 {
                txn.rollback().await?;
                return Err(StorageError::Stale);
            }
            written
        }
    };
    history::insert(&txn, written.municipality, event, None).await?;
    txn.commit().await?;
    Ok(written)
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: MeetingId) -> Result<Option<Meeting>, StorageError> {
    meeting::Entity::find_by_id(id.as_uuid())
        .filter(meeting::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// What a list of meetings keeps.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub process: Option<ProcessId>,
    /// Only the meetings of processes opened to the public.
    pub public_only: bool,
    /// Only the meetings of processes still running (neither closed nor abandoned).
    pub running_only: bool,
    /// Meetings whose minutes are overdue (`true`) or not (`false`) on this local day.
    pub minutes_overdue: Option<(bool, NaiveDate)>,
    /// Meetings that end at or after this instant.
    pub ending_after: Option<DateTime<Utc>>,
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct MeetingAfter {
    pub starts_at: DateTime<Utc>,
    pub id: MeetingId,
}

/// A page of a municipality's meetings, the latest first (`ascending`: the soonest first).
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &MeetingFilter,
    ascending: bool,
    limit: u64,
    after: Option<&MeetingAfter>,
) -> Result<Page<Meeting>, StorageError> {
    use meeting::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if let Some(process) = filter.process {
        condition = condition.add(Column::ProcessId.eq(process.as_uuid()));
    }
    if filter.public_only {
        let opened = Query::select()
            .column(process::Column::Id)
            .from(process::Entity)
            .and_where(process::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(process::Column::OpenedAt.is_not_null())
            .to_owned();
        condition = condition.add(Column::ProcessId.in_subquery(opened));
    }
    if filter.running_only {
        let running = Query::select()
            .column(process::Column::Id)
            .from(process::Entity)
            .and_where(process::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(process::Column::Status.is_not_in(["closed", "abandoned"]))
            .to_owned();
        condition = condition.add(Column::ProcessId.in_subquery(running));
    }
    match filter.minutes_overdue {
        Some((true, today)) => {
            condition = condition.add(Column::MinutesPublishedAt.is_null()).add(Column::MinutesDueOn.lt(today));
        }
        Some((false, today)) => {
            condition = condition.add(
                Condition::any().add(Column::MinutesPublishedAt.is_not_null()).add(Column::MinutesDueOn.gte(today)),
            );
        }
        None => {}
    }
    if let Some(instant) = filter.ending_after {
        condition = condition.add(Column::EndsAt.gte(instant));
    }
    if let Some(after) = after {
        let (bound, before_key, before_id) = if ascending {
            (
                Column::StartsAt.gte(after.starts_at),
                Column::StartsAt.gt(after.starts_at),
                Column::Id.gt(after.id.as_uuid()),
            )
        } else {
            (
                Column::StartsAt.lte(after.starts_at),
                Column::StartsAt.lt(after.starts_at),
                Column::Id.lt(after.id.as_uuid()),
            )
        };
        // `bound` is what an index range starts from (see `requests::list::keyset`).
        condition = condition.add(bound).add(
            Condition::any()
                .add(before_key)
                .add(Condition::all().add(Expr::col(Column::StartsAt).eq(after.starts_at)).add(before_id)),
        );
    }
    let query = meeting::Entity::find().filter(condition).limit(limit + 1);
    let query = if ascending {
        query.order_by_asc(Column::StartsAt).order_by_asc(Column::Id)
    } else {
        query.order_by_desc(Column::StartsAt).order_by_desc(Column::Id)
    };
    let items = query.all(db.conn()).await?.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn row(m: &Meeting) -> meeting::ActiveModel {
    let text = |t: Option<&MinutesText>| t.map(|t| t.as_str().to_owned());
    let minutes = m.minutes.as_ref();
    meeting::ActiveModel {
        id: Set(m.id.as_uuid()),
        municipality_id: Set(m.municipality.as_uuid()),
        process_id: Set(m.process.as_uuid()),
        kind: Set(m.kind.code().to_owned()),
        place: Set(m.place.as_str().to_owned()),
        starts_at: Set(m.starts_at),
        ends_at: Set(m.ends_at),
        agenda: Set(m.agenda.as_ref().map(|a| a.as_str().to_owned())),
        facilitator: Set(m.facilitator.as_ref().map(|f| f.as_str().to_owned())),
        stage: Set(m.stage.map(|s| s.code().to_owned())),
        attendance: Set(m.attendance.and_then(|a| i32::try_from(a).ok())),
        minutes_text: Set(text(minutes.map(|m| &m.text))),
        minutes_decisions: Set(text(minutes.and_then(|m| m.decisions.as_ref()))),
        minutes_actions: Set(text(minutes.and_then(|m| m.actions.as_ref()))),
        minutes_published_at: Set(minutes.map(|m| m.published_at)),
        minutes_due_on: Set(m.minutes_due_on),
        version: Set(m.version),
        created_at: Set(m.created_at),
        updated_at: Set(m.updated_at),
    }
}

fn to_domain(row: meeting::Model) -> Result<Meeting, StorageError> {
    let id = row.id;
    let text = |column: &str, value: &str| MinutesText::parse(column, value).map_err(|e| corrupt(id, e.message));
    let minutes = match (row.minutes_text.as_deref(), row.minutes_published_at) {
        (Some(body), Some(published_at)) => Some(Minutes {
            text: text("minutes_text", body)?,
            decisions: row.minutes_decisions.as_deref().map(|d| text("minutes_decisions", d)).transpose()?,
            actions: row.minutes_actions.as_deref().map(|a| text("minutes_actions", a)).transpose()?,
            published_at,
        }),
        _ => None,
    };
    Ok(Meeting {
        id: MeetingId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        process: ProcessId::from_uuid(row.process_id),
        kind: code(id, "kind", &row.kind, MeetingKind::from_code)?,
        place: Place::parse("place", &row.place).map_err(|e| corrupt(id, e.message))?,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        agenda: row
            .agenda
            .as_deref()
            .map(|a| Agenda::parse("agenda", a).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        facilitator: row
            .facilitator
            .as_deref()
            .map(|f| Facilitator::parse("facilitator", f).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        stage: row.stage.as_deref().map(|s| code(id, "stage", s, MeetingStage::from_code)).transpose()?,
        attendance: row.attendance.and_then(|a| u32::try_from(a).ok()),
        minutes,
        minutes_due_on: row.minutes_due_on,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
