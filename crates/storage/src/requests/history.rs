//! A request's history: entries only ever added (triggers refuse UPDATE and DELETE).

use super::{actor, code, corrupt};
use crate::entities::request_event;
use crate::error::StorageError;
use crate::{Database, Page};
use implication_domain::requests::{RequestEvent, RequestEventKind};
use implication_domain::vocabulary::{RequestStatus, Resolution};
use implication_domain::{AnswerId, MunicipalityId, RequestEventId, RequestId};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub(super) async fn insert(
    txn: &DatabaseTransaction,
    municipality: MunicipalityId,
    event: &RequestEvent,
) -> Result<(), StorageError> {
    request_event::Entity::insert(row(municipality, event)).exec(txn).await?;
    Ok(())
}

/// The row of an entry.
pub(super) fn row(municipality: MunicipalityId, event: &RequestEvent) -> request_event::ActiveModel {
    let fields = (!event.fields.is_empty()).then(|| serde_json::to_string(&event.fields).unwrap_or_default());
    request_event::ActiveModel {
        id: Set(event.id.as_uuid()),
        request_id: Set(event.request.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        kind: Set(event.kind.code().to_owned()),
        actor_kind: Set(event.actor.kind().code().to_owned()),
        actor_id: Set(event.actor.id()),
        from_status: Set(event.from.map(|s| s.code().to_owned())),
        to_status: Set(event.to.map(|s| s.code().to_owned())),
        reason: Set(event.reason.clone()),
        resolution: Set(event.resolution.map(|r| r.code().to_owned())),
        related_request_id: Set(event.related.map(|r| r.as_uuid())),
        answer_id: Set(event.answer.map(|a| a.as_uuid())),
        fields: Set(fields),
        at: Set(event.at),
    }
}

/// A page of a request's history, oldest first, after the entry `after`; only the kinds the
/// public may see if `public_only`.
pub async fn history(
    db: &Database,
    request: RequestId,
    public_only: bool,
    limit: u64,
    after: Option<RequestEventId>,
) -> Result<Page<RequestEvent>, StorageError> {
    let mut query = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request.as_uuid()))
        .order_by_asc(request_event::Column::Id)
        .limit(limit + 1);
    if public_only {
        let public: Vec<&str> = RequestEventKind::ALL.iter().filter(|k| k.is_public()).map(|k| k.code()).collect();
        query = query.filter(request_event::Column::Kind.is_in(public));
    }
    if let Some(after) = after {
        query = query.filter(request_event::Column::Id.gt(after.as_uuid()));
    }
    let items = query.all(db.conn()).await?.into_iter().map(event_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn event_to_domain(row: request_event::Model) -> Result<RequestEvent, StorageError> {
    let id = row.id;
    let status = |value: Option<&str>| value.map(|s| code(id, "status", s, RequestStatus::from_code)).transpose();
    let actor = actor(id, &row.actor_kind, row.actor_id)?;
    Ok(RequestEvent {
        id: RequestEventId::from_uuid(id),
        request: RequestId::from_uuid(row.request_id),
        kind: code(id, "kind", &row.kind, RequestEventKind::from_code)?,
        actor,
        at: row.at,
        from: status(row.from_status.as_deref())?,
        to: status(row.to_status.as_deref())?,
        reason: row.reason,
        resolution: row.resolution.as_deref().map(|r| code(id, "resolution", r, Resolution::from_code)).transpose()?,
        related: row.related_request_id.map(RequestId::from_uuid),
        answer: row.answer_id.map(AnswerId::from_uuid),
        fields: row
            .fields
            .map(|f| serde_json::from_str(&f).map_err(|e| corrupt(id, e)))
            .transpose()?
            .unwrap_or_default(),
    })
}
