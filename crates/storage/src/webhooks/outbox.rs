//! The transactional outbox: a change's events are rows written in the change's transaction, so
//! that a committed change always has them and a rolled-back one never does.

use super::corrupt;
use crate::Database;
use crate::entities::outbox_event;
use crate::error::StorageError;
use implication_domain::MunicipalityId;
use implication_domain::webhooks::{Audience, Event, EventId, EventType, ResourceKind};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// The row of `event`.
pub(crate) fn row(event: &Event) -> outbox_event::ActiveModel {
    outbox_event::ActiveModel {
        id: Set(event.id.as_uuid()),
        municipality_id: Set(event.municipality.as_uuid()),
        event_type: Set(event.kind.code().to_owned()),
        resource_kind: Set(event.resource.code().to_owned()),
        resource_id: Set(event.resource_id),
        audience: Set(serde_json::to_string(&event.audience).unwrap_or_else(|_| "{}".to_owned())),
        data: Set(event.data.to_string()),
        occurred_at: Set(event.occurred_at),
        dispatched_at: Set(None),
    }
}

/// Writes `events` with the change the caller's transaction `txn` holds.
pub(crate) async fn record(
    txn: &impl ConnectionTrait,
    events: impl IntoIterator<Item = Event>,
) -> Result<(), StorageError> {
    let rows: Vec<_> = events.into_iter().map(|e| row(&e)).collect();
    if !rows.is_empty() {
        outbox_event::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// An event as stored.
pub(crate) fn event(row: outbox_event::Model) -> Result<Event, StorageError> {
    Ok(Event {
        id: EventId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        kind: EventType::from_code(&row.event_type).ok_or_else(|| corrupt("event_type", &row.event_type))?,
        resource: ResourceKind::from_code(&row.resource_kind)
            .ok_or_else(|| corrupt("resource_kind", &row.resource_kind))?,
        resource_id: row.resource_id,
        audience: serde_json::from_str::<Audience>(&row.audience).map_err(|e| StorageError::Corrupt(e.to_string()))?,
        data: serde_json::from_str(&row.data).map_err(|e| StorageError::Corrupt(e.to_string()))?,
        occurred_at: row.occurred_at,
    })
}

/// The events of a municipality, in the order they happened (for tests and tools).
pub async fn events_of(db: &Database, municipality: MunicipalityId) -> Result<Vec<Event>, StorageError> {
    use sea_orm::QueryOrder;
    outbox_event::Entity::find()
        .filter(outbox_event::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(outbox_event::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(event)
        .collect()
}

/// How many events wait to be dispatched (the backlog `/metrics` shows).
pub async fn backlog(db: &Database) -> Result<u64, StorageError> {
    Ok(outbox_event::Entity::find().filter(outbox_event::Column::DispatchedAt.is_null()).count(db.conn()).await?)
}
