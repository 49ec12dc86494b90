//! A process's history: entries only ever added (triggers refuse UPDATE and DELETE).

use super::{code, corrupt};
use crate::entities::process_event;
use crate::error::StorageError;
use crate::requests::actor;
use crate::{Database, Page};
use implication_domain::participation::Process;
use implication_domain::participation::ProcessEvent;
use implication_domain::vocabulary::{ParticipationLevel, ProcessEventKind, ProcessStatus, Resolution};
use implication_domain::webhooks::events;
use implication_domain::{MeetingId, MunicipalityId, NoticeId, ProcessEventId, ProcessId, RequestId, SurveyId};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Adds `entry` to its process's history, with the webhook event it makes (in the outbox, in
/// the same transaction). `process`: the process as the change leaves it, when the caller holds
/// it; otherwise it is read in `txn`, if the entry makes an event at all.
pub(crate) async fn insert(
    txn: &DatabaseTransaction,
    municipality: MunicipalityId,
    entry: &ProcessEvent,
    process: Option<&Process>,
) -> Result<(), StorageError> {
    process_event::Entity::insert(row(municipality, entry)).exec(txn).await?;
    if events::makes_process_event(entry.kind) {
        let read;
        let process = match process {
            Some(process) => process,
            None => {
                read = crate::entities::process::Entity::find_by_id(entry.process.as_uuid())
                    .filter(crate::entities::process::Column::MunicipalityId.eq(municipality.as_uuid()))
                    .one(txn)
                    .await?
                    .map(super::to_domain)
                    .transpose()?
                    .ok_or_else(|| StorageError::Corrupt(format!("process {} vanished", entry.process)))?;
                &read
            }
        };
        crate::webhooks::outbox::record(txn, events::of_process(process, entry)).await?;
    }
    Ok(())
}

/// The row of an entry.
pub(super) fn row(municipality: MunicipalityId, event: &ProcessEvent) -> process_event::ActiveModel {
    let code = |v: Option<&'static str>| v.map(str::to_owned);
    process_event::ActiveModel {
        id: Set(event.id.as_uuid()),
        process_id: Set(event.process.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        kind: Set(event.kind.code().to_owned()),
        actor_kind: Set(event.actor.kind().code().to_owned()),
        actor_id: Set(event.actor.id()),
        from_status: Set(code(event.from.map(ProcessStatus::code))),
        to_status: Set(code(event.to.map(ProcessStatus::code))),
        from_level: Set(code(event.from_level.map(ParticipationLevel::code))),
        to_level: Set(code(event.to_level.map(ParticipationLevel::code))),
        reason: Set(event.reason.clone()),
        resolution: Set(code(event.resolution.map(Resolution::code))),
        related_request_id: Set(event.related_request.map(|r| r.as_uuid())),
        related_meeting_id: Set(event.meeting.map(|m| m.as_uuid())),
        related_notice_id: Set(event.notice.map(|n| n.as_uuid())),
        related_survey_id: Set(event.survey.map(|s| s.as_uuid())),
        decision: Set(event.decision.as_ref().map(super::decision_document)),
        at: Set(event.at),
    }
}

/// A page of a process's history, oldest first, after the entry `after`; only the kinds given
/// (all when empty).
pub async fn history(
    db: &Database,
    municipality: MunicipalityId,
    process: ProcessId,
    kinds: &[ProcessEventKind],
    limit: u64,
    after: Option<ProcessEventId>,
) -> Result<Page<ProcessEvent>, StorageError> {
    let mut query = process_event::Entity::find()
        .filter(process_event::Column::ProcessId.eq(process.as_uuid()))
        .filter(process_event::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(process_event::Column::Id)
        .limit(limit + 1);
    if !kinds.is_empty() {
        query = query.filter(process_event::Column::Kind.is_in(kinds.iter().map(|k| k.code())));
    }
    if let Some(after) = after {
        query = query.filter(process_event::Column::Id.gt(after.as_uuid()));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn to_domain(row: process_event::Model) -> Result<ProcessEvent, StorageError> {
    let id = row.id;
    let status = |v: Option<&str>| v.map(|s| code(id, "status", s, ProcessStatus::from_code)).transpose();
    let level = |v: Option<&str>| v.map(|s| code(id, "level", s, ParticipationLevel::from_code)).transpose();
    Ok(ProcessEvent {
        id: ProcessEventId::from_uuid(id),
        process: ProcessId::from_uuid(row.process_id),
        kind: code(id, "kind", &row.kind, ProcessEventKind::from_code)?,
        actor: actor(id, &row.actor_kind, row.actor_id).map_err(|_| corrupt(id, "actor"))?,
        at: row.at,
        from: status(row.from_status.as_deref())?,
        to: status(row.to_status.as_deref())?,
        from_level: level(row.from_level.as_deref())?,
        to_level: level(row.to_level.as_deref())?,
        reason: row.reason,
        resolution: row.resolution.as_deref().map(|r| code(id, "resolution", r, Resolution::from_code)).transpose()?,
        related_request: row.related_request_id.map(RequestId::from_uuid),
        meeting: row.related_meeting_id.map(MeetingId::from_uuid),
        notice: row.related_notice_id.map(NoticeId::from_uuid),
        survey: row.related_survey_id.map(SurveyId::from_uuid),
        decision: row.decision.as_deref().map(|d| super::decision(id, d)).transpose()?,
    })
}
