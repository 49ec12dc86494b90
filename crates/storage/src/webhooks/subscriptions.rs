//! Subscriptions: written whole, guarded by their version.

use super::corrupt;
use crate::entities::webhook_subscription;
use crate::error::StorageError;
use crate::{Database, Page};
use implication_domain::webhooks::{DisabledReason, EventType, Owner, Secret, Subscription, SubscriptionId};
use implication_domain::{MachineClientId, MunicipalityId, Precondition};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

pub(crate) fn row(s: &Subscription) -> webhook_subscription::ActiveModel {
    let codes: Vec<&str> = s.event_types.iter().map(|t| t.code()).collect();
    let (client, association) = match &s.owner {
        Owner::Town => (None, None),
        Owner::Partner { client, association } => (Some(client.as_uuid()), Some(association.clone())),
    };
    webhook_subscription::ActiveModel {
        id: Set(s.id.as_uuid()),
        municipality_id: Set(s.municipality.as_uuid()),
        url: Set(s.url.clone()),
        description: Set(s.description.clone()),
        event_types: Set(serde_json::to_string(&codes).unwrap_or_else(|_| "[]".to_owned())),
        client_id: Set(client),
        association: Set(association),
        organisation_id: Set(None),
        secret: Set(s.secret.expose().to_owned()),
        previous_secret: Set(s.previous_secret.as_ref().map(|(p, _)| p.expose().to_owned())),
        previous_secret_until: Set(s.previous_secret.as_ref().map(|(_, until)| *until)),
        active: Set(s.active),
        disabled_reason: Set(s.disabled_reason.map(|r| r.code().to_owned())),
        disabled_at: Set(s.disabled_at),
        consecutive_failures: Set(s.consecutive_failures),
        version: Set(s.version),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
    }
}

pub(crate) fn subscription(row: webhook_subscription::Model) -> Result<Subscription, StorageError> {
    let codes: Vec<String> =
        serde_json::from_str(&row.event_types).map_err(|_| corrupt("event_types", &row.event_types))?;
    let event_types = codes
        .iter()
        .map(|c| EventType::from_code(c).ok_or_else(|| corrupt("event_types", c)))
        .collect::<Result<Vec<_>, _>>()?;
    let owner = match (row.client_id, row.association) {
        (Some(client), Some(association)) => Owner::Partner { client: MachineClientId::from_uuid(client), association },
        _ => Owner::Town,
    };
    let disabled_reason = row
        .disabled_reason
        .as_deref()
        .map(|r| DisabledReason::from_code(r).ok_or_else(|| corrupt("disabled_reason", r)))
        .transpose()?;
    Ok(Subscription {
        id: SubscriptionId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        url: row.url,
        description: row.description,
        event_types,
        owner,
        secret: Secret::new(row.secret),
        previous_secret: row.previous_secret.zip(row.previous_secret_until).map(|(s, until)| (Secret::new(s), until)),
        active: row.active,
        disabled_reason,
        disabled_at: row.disabled_at,
        consecutive_failures: row.consecutive_failures,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub async fn create(db: &Database, s: &Subscription) -> Result<Subscription, StorageError> {
    let row = webhook_subscription::Entity::insert(row(s)).exec_with_returning(db.conn()).await?;
    subscription(row)
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: Uuid) -> Result<Option<Subscription>, StorageError> {
    webhook_subscription::Entity::find_by_id(id)
        .filter(webhook_subscription::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(subscription)
        .transpose()
}

/// A page of the town's subscriptions (only `client`'s, when given), oldest first.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    client: Option<MachineClientId>,
    limit: u64,
    after: Option<Uuid>,
) -> Result<Page<Subscription>, StorageError> {
    let mut query = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(webhook_subscription::Column::Id)
        .limit(limit + 1);
    if let Some(client) = client {
        query = query.filter(webhook_subscription::Column::ClientId.eq(client.as_uuid()));
    }
    if let Some(after) = after {
        query = query.filter(webhook_subscription::Column::Id.gt(after));
    }
    let rows = query.all(db.conn()).await?.into_iter().map(subscription).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(rows, limit))
}

/// Writes `next` if the subscription is still at `expected_version`; its version moves on. Its
/// count of failures, which the worker keeps without moving the version, is written only when
/// `reset_failures` (turned on again), so that a change does not undo the worker's count.
pub async fn replace(
    db: &Database,
    expected_version: i32,
    next: &Subscription,
    reset_failures: bool,
) -> Result<Subscription, StorageError> {
    let written = Subscription { version: expected_version + 1, ..next.clone() };
    let mut columns = webhook_subscription::ActiveModel { id: NotSet, created_at: NotSet, ..row(&written) };
    if !reset_failures {
        columns.consecutive_failures = NotSet;
    }
    let update = webhook_subscription::Entity::update_many()
        .set(columns)
        .filter(webhook_subscription::Column::Id.eq(written.id.as_uuid()))
        .filter(webhook_subscription::Column::MunicipalityId.eq(written.municipality.as_uuid()));
    crate::versioned::replace(db, update, webhook_subscription::Column::Version, expected_version).await?;
    Ok(written)
}

/// Deletes it (with its deliveries and their log) if at a version `expected` admits. `false`: gone.
pub async fn delete(
    db: &Database,
    municipality: MunicipalityId,
    id: SubscriptionId,
    expected: &Precondition,
) -> Result<bool, StorageError> {
    let done = webhook_subscription::Entity::delete_many()
        .filter(webhook_subscription::Column::Id.eq(id.as_uuid()))
        .filter(webhook_subscription::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(crate::versioned::admitted(webhook_subscription::Column::Version, expected))
        .exec(db.conn())
        .await?;
    if done.rows_affected == 0 {
        return match find(db, municipality, id.as_uuid()).await? {
            Some(_) => Err(StorageError::Stale),
            None => Ok(false),
        };
    }
    Ok(true)
}

/// How many subscriptions are active and disabled, across the deployment (`/metrics`).
pub async fn counts(db: &Database) -> Result<(u64, u64), StorageError> {
    let active = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Active.eq(true))
        .count(db.conn())
        .await?;
    let disabled = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Active.eq(false))
        .count(db.conn())
        .await?;
    Ok((active, disabled))
}
