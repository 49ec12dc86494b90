//! Deliveries: made from the outbox (one per event and subscription told of it), claimed by a
//! worker for a lease, sent, and recorded with each attempt.
//!
//! Several API instances may run a worker on one PostgreSQL: dispatching and claiming lock rows
//! with `FOR UPDATE SKIP LOCKED`, so that two workers never take the same event or delivery; a
//! claimed delivery is leased, and a worker that dies mid-delivery leaves it to be taken again
//! when the lease ends (at least once; the event keeps its id). On SQLite one process writes at
//! a time, and one worker runs.

use super::{corrupt, outbox, subscriptions};
use crate::entities::{
    machine_client, municipality, outbox_event, webhook_attempt, webhook_delivery, webhook_subscription,
};
use crate::error::StorageError;
use crate::{Backend, Database, Page};
use chrono::{DateTime, Duration, Utc};
use implication_domain::MunicipalityId;
use implication_domain::identity::Scope;
use implication_domain::webhooks::Owner;
use implication_domain::webhooks::retry::Next;
use implication_domain::webhooks::{
    Attempt, Delivery, DeliveryStatus, DisabledReason, Event, EventId, EventType, Subscription, SubscriptionId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, TransactionTrait, Value,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The PostgreSQL advisory lock one dispatcher at a time holds (its transaction's): events are
/// made into deliveries in the order they happened, which two dispatchers would not keep.
const DISPATCH_LOCK: i64 = 0x696d_706c_6963_0001;

/// Makes the deliveries of up to `batch` events not yet dispatched, oldest first: one per
/// subscription of the event's town (active or not: a subscription turned off gets them once on
/// again) that names its type and whose owner may see it now. Returns how many events were
/// dispatched (0 when another instance is dispatching).
pub async fn dispatch(db: &Database, now: DateTime<Utc>, batch: u64) -> Result<usize, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    if db.backend() == Backend::Postgres {
        let sql = format!("SELECT pg_try_advisory_xact_lock({DISPATCH_LOCK})");
        let taken = txn.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
        if !taken.map(|row| row.try_get_by_index::<bool>(0)).transpose()?.unwrap_or(false) {
            txn.rollback().await?;
            return Ok(0);
        }
    }
    let mut query = outbox_event::Entity::find()
        .filter(outbox_event::Column::DispatchedAt.is_null())
        .order_by_asc(outbox_event::Column::Id)
        .limit(batch);
    if db.backend() == Backend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let events = query.all(&txn).await?.into_iter().map(outbox::event).collect::<Result<Vec<_>, _>>()?;
    if events.is_empty() {
        txn.rollback().await?;
        return Ok(0);
    }
    let towns: HashSet<Uuid> = events.iter().map(|e| e.municipality.as_uuid()).collect();
    let subscribed = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::MunicipalityId.is_in(towns))
        .all(&txn)
        .await?
        .into_iter()
        .map(subscriptions::subscription)
        .collect::<Result<Vec<_>, _>>()?;
    let subscribed = entitled(&txn, subscribed).await?;
    let mut rows = Vec::new();
    for event in &events {
        for subscription in subscribed.iter().filter(|s| s.is_told_of(event)) {
            rows.push(webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                municipality_id: Set(event.municipality.as_uuid()),
                subscription_id: Set(subscription.id.as_uuid()),
                event_id: Set(event.id.as_uuid()),
                resource_key: Set(event.resource_key()),
                status: Set(DeliveryStatus::Pending.code().to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                lease_until: Set(None),
                last_attempt_at: Set(None),
                last_status_code: Set(None),
                last_latency_ms: Set(None),
                last_error: Set(None),
                delivered_at: Set(None),
                created_at: Set(now),
            });
        }
    }
    for chunk in rows.chunks(500) {
        webhook_delivery::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    outbox_event::Entity::update_many()
        .col_expr(outbox_event::Column::DispatchedAt, Expr::value(now))
        .filter(outbox_event::Column::Id.is_in(events.iter().map(|e| e.id.as_uuid())))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(events.len())
}

/// The subscriptions as their owners stand now: a partner's tool must still be active and hold
/// `webhooks:manage`, and is told as its association is now (an admin may have changed it).
async fn entitled(
    txn: &impl ConnectionTrait,
    subscribed: Vec<Subscription>,
) -> Result<Vec<Subscription>, StorageError> {
    let clients: Vec<Uuid> = subscribed
        .iter()
        .filter_map(|s| match &s.owner {
            Owner::Partner { client, .. } => Some(client.as_uuid()),
            Owner::Town => None,
        })
        .collect();
    let now: HashMap<Uuid, String> = if clients.is_empty() {
        HashMap::new()
    } else {
        machine_client::Entity::find()
            .filter(machine_client::Column::Id.is_in(clients))
            .all(txn)
            .await?
            .into_iter()
            .filter(|c| c.active && Scope::parse_list(&c.scopes).is_ok_and(|s| s.contains(&Scope::WebhooksManage)))
            .map(|c| (c.id, c.association))
            .collect()
    };
    Ok(subscribed
        .into_iter()
        .filter_map(|s| match &s.owner {
            Owner::Town => Some(s),
            Owner::Partner { client, .. } => {
                let association = now.get(&client.as_uuid())?.clone();
                Some(Subscription { owner: Owner::Partner { client: *client, association }, ..s })
            }
        })
        .collect())
}

/// A delivery a worker holds until `lease_until`, with what it sends.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Uuid,
    pub attempts: i32,
    pub lease_until: DateTime<Utc>,
    pub event: Event,
    pub subscription: Subscription,
    pub municipality_slug: String,
}

/// Claims up to `limit` deliveries due at `now` for `lease`: pending, not leased by another
/// worker, of an active subscription, and the first pending one of their resource for their
/// subscription (a resource's events arrive in order).
pub async fn claim(
    db: &Database,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Claimed>, StorageError> {
    let backend = db.backend();
    let (placeholder, lock, db_backend): (fn(usize) -> String, &str, DbBackend) = match backend {
        Backend::Postgres => (|n| format!("${n}"), " FOR UPDATE OF d SKIP LOCKED", DbBackend::Postgres),
        Backend::Sqlite => (|_| "?".to_owned(), "", DbBackend::Sqlite),
    };
    let lease_until = now + lease;
    let (p1, p2, p3, p4) = (placeholder(1), placeholder(2), placeholder(3), placeholder(4));
    let pending = DeliveryStatus::Pending.code();
    let sql = format!(
        "UPDATE webhook_deliveries SET lease_until = {p1} WHERE id IN (\
           SELECT d.id FROM webhook_deliveries d \
           JOIN webhook_subscriptions s ON s.id = d.subscription_id \
           WHERE d.status = '{pending}' AND d.next_attempt_at <= {p2} \
             AND (d.lease_until IS NULL OR d.lease_until <= {p3}) AND s.active = TRUE \
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
               WHERE e.subscription_id = d.subscription_id AND e.resource_key = d.resource_key \
                 AND e.event_id < d.event_id AND e.status = '{pending}') \
           ORDER BY d.next_attempt_at, d.event_id LIMIT {p4}{lock}) \
         RETURNING id"
    );
    let values: Vec<Value> = vec![lease_until.into(), now.into(), now.into(), (limit as i64).into()];
    let turn = db.sqlite_write_turn().await?;
    let rows = db.conn().query_all_raw(Statement::from_sql_and_values(db_backend, sql, values)).await?;
    drop(turn);
    let ids = rows.iter().map(|r| r.try_get_by_index::<Uuid>(0)).collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let deliveries =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::Id.is_in(ids)).all(db.conn()).await?;
    let events: HashMap<Uuid, Event> = outbox_event::Entity::find()
        .filter(outbox_event::Column::Id.is_in(deliveries.iter().map(|d| d.event_id)))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|row| outbox::event(row).map(|e| (e.id.as_uuid(), e)))
        .collect::<Result<_, _>>()?;
    let subscriptions: HashMap<Uuid, Subscription> = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(deliveries.iter().map(|d| d.subscription_id)))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|row| subscriptions::subscription(row).map(|s| (s.id.as_uuid(), s)))
        .collect::<Result<_, _>>()?;
    let slugs: HashMap<Uuid, String> = municipality::Entity::find()
        .filter(municipality::Column::Id.is_in(deliveries.iter().map(|d| d.municipality_id)))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|m| (m.id, m.slug))
        .collect();
    let mut claimed: Vec<Claimed> = deliveries
        .into_iter()
        .filter_map(|d| {
            Some(Claimed {
                delivery: d.id,
                attempts: d.attempts,
                lease_until,
                event: events.get(&d.event_id)?.clone(),
                subscription: subscriptions.get(&d.subscription_id)?.clone(),
                municipality_slug: slugs.get(&d.municipality_id)?.clone(),
            })
        })
        .collect();
    claimed.sort_by_key(|c| c.event.id);
    Ok(claimed)
}

/// What an attempt of a claimed delivery gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    /// What the retry rule makes of it.
    pub next: Next,
}

/// Records an attempt of `claimed`: the log entry, the delivery's state, and its subscription's
/// failures (an abandoned delivery disables the subscription), in one transaction. `false`: the
/// lease had ended and another worker took the delivery (it records its own attempt).
pub async fn record(db: &Database, claimed: &Claimed, outcome: &Outcome) -> Result<bool, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let succeeded = outcome.next == Next::Delivered;
    let (status, next_attempt_at) = match outcome.next {
        Next::Delivered => (DeliveryStatus::Delivered, outcome.at),
        Next::RetryIn(delay) => (DeliveryStatus::Pending, outcome.at + delay),
        Next::Abandoned => (DeliveryStatus::Failed, outcome.at),
    };
    use webhook_delivery::Column as D;
    let updated = webhook_delivery::Entity::update_many()
        .col_expr(D::Status, Expr::value(status.code()))
        .col_expr(D::Attempts, Expr::col(D::Attempts).add(1))
        .col_expr(D::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(D::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(D::LastAttemptAt, Expr::value(outcome.at))
        .col_expr(D::LastStatusCode, Expr::value(outcome.status_code))
        .col_expr(D::LastLatencyMs, Expr::value(outcome.latency_ms))
        .col_expr(D::LastError, Expr::value(outcome.error.clone()))
        .col_expr(D::DeliveredAt, Expr::value(succeeded.then_some(outcome.at)))
        .filter(D::Id.eq(claimed.delivery))
        .filter(D::Status.eq(DeliveryStatus::Pending.code()))
        .filter(D::LeaseUntil.eq(claimed.lease_until))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    webhook_attempt::Entity::insert(webhook_attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(claimed.event.municipality.as_uuid()),
        delivery_id: Set(claimed.delivery),
        subscription_id: Set(claimed.subscription.id.as_uuid()),
        attempted_at: Set(outcome.at),
        status_code: Set(outcome.status_code),
        latency_ms: Set(outcome.latency_ms),
        error: Set(outcome.error.clone()),
        succeeded: Set(succeeded),
    })
    .exec(&txn)
    .await?;
    use webhook_subscription::Column as S;
    let subscription = webhook_subscription::Entity::update_many().filter(S::Id.eq(claimed.subscription.id.as_uuid()));
    let subscription = match outcome.next {
        Next::Delivered => subscription.col_expr(S::ConsecutiveFailures, Expr::value(0)),
        Next::RetryIn(_) => subscription.col_expr(S::ConsecutiveFailures, Expr::col(S::ConsecutiveFailures).add(1)),
        // Disabled: a change of state, so its version (and ETag) moves on.
        Next::Abandoned => subscription
            .col_expr(S::ConsecutiveFailures, Expr::col(S::ConsecutiveFailures).add(1))
            .col_expr(S::Active, Expr::value(false))
            .col_expr(S::DisabledReason, Expr::value(DisabledReason::Failing.code()))
            .col_expr(S::DisabledAt, Expr::value(outcome.at))
            .col_expr(S::UpdatedAt, Expr::value(outcome.at))
            .col_expr(S::Version, Expr::col(S::Version).add(1)),
    };
    subscription.exec(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

fn delivery(row: webhook_delivery::Model, event_type: EventType) -> Result<Delivery, StorageError> {
    Ok(Delivery {
        id: row.id,
        subscription: SubscriptionId::from_uuid(row.subscription_id),
        event: EventId::from_uuid(row.event_id),
        event_type,
        status: DeliveryStatus::from_code(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_attempt_at: row.last_attempt_at,
        last_status_code: row.last_status_code,
        last_latency_ms: row.last_latency_ms,
        last_error: row.last_error,
        delivered_at: row.delivered_at,
        created_at: row.created_at,
    })
}

/// A page of a subscription's deliveries, newest first (before `before`), `status` only if given.
pub async fn list(
    db: &Database,
    subscription: SubscriptionId,
    status: Option<DeliveryStatus>,
    limit: u64,
    before: Option<Uuid>,
) -> Result<Page<Delivery>, StorageError> {
    let mut query = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription.as_uuid()))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit + 1);
    if let Some(status) = status {
        query = query.filter(webhook_delivery::Column::Status.eq(status.code()));
    }
    if let Some(before) = before {
        query = query.filter(webhook_delivery::Column::Id.lt(before));
    }
    let rows = query.all(db.conn()).await?;
    let types = event_types(db, rows.iter().map(|r| r.event_id)).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let kind = *types.get(&row.event_id).ok_or_else(|| corrupt("event_id", &row.event_id.to_string()))?;
            delivery(row, kind)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

async fn event_types(db: &Database, ids: impl Iterator<Item = Uuid>) -> Result<HashMap<Uuid, EventType>, StorageError> {
    let ids: Vec<Uuid> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    outbox_event::Entity::find()
        .select_only()
        .column(outbox_event::Column::Id)
        .column(outbox_event::Column::EventType)
        .filter(outbox_event::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db.conn())
        .await?
        .into_iter()
        .map(|(id, code)| Ok((id, EventType::from_code(&code).ok_or_else(|| corrupt("event_type", &code))?)))
        .collect()
}

/// One delivery of `subscription`, with its attempts, oldest first.
pub async fn find(
    db: &Database,
    subscription: SubscriptionId,
    id: Uuid,
) -> Result<Option<(Delivery, Vec<Attempt>)>, StorageError> {
    let Some(row) = webhook_delivery::Entity::find_by_id(id)
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription.as_uuid()))
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    let types = event_types(db, std::iter::once(row.event_id)).await?;
    let kind = *types.get(&row.event_id).ok_or_else(|| corrupt("event_id", &row.event_id.to_string()))?;
    let attempts = webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.eq(id))
        .order_by_asc(webhook_attempt::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|a| Attempt {
            id: a.id,
            at: a.attempted_at,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error,
            succeeded: a.succeeded,
        })
        .collect();
    Ok(Some((delivery(row, kind)?, attempts)))
}

/// Sends delivery `id` of `subscription` again, from the start of the schedule, at `now` — unless
/// a worker is sending it right now (its lease runs): that attempt stands. `None`: no such delivery.
pub async fn redeliver(
    db: &Database,
    subscription: SubscriptionId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<(Delivery, Vec<Attempt>)>, StorageError> {
    use webhook_delivery::Column as D;
    webhook_delivery::Entity::update_many()
        .col_expr(D::Status, Expr::value(DeliveryStatus::Pending.code()))
        .col_expr(D::Attempts, Expr::value(0))
        .col_expr(D::NextAttemptAt, Expr::value(now))
        .col_expr(D::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(D::Id.eq(id))
        .filter(D::SubscriptionId.eq(subscription.as_uuid()))
        .filter(sea_orm::Condition::any().add(D::LeaseUntil.is_null()).add(D::LeaseUntil.lte(now)))
        .exec(db.conn())
        .await?;
    find(db, subscription, id).await
}

/// Deletes the events that happened before `before` and wait for no attempt, with their
/// deliveries and log; how many.
pub async fn prune(db: &Database, before: DateTime<Utc>) -> Result<u64, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let waiting = sea_orm::sea_query::Query::select()
        .column(webhook_delivery::Column::EventId)
        .from(webhook_delivery::Entity)
        .and_where(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
        .to_owned();
    let done = outbox_event::Entity::delete_many()
        .filter(outbox_event::Column::DispatchedAt.is_not_null())
        .filter(outbox_event::Column::OccurredAt.lt(before))
        .filter(outbox_event::Column::Id.not_in_subquery(waiting))
        .exec(db.conn())
        .await?;
    Ok(done.rows_affected)
}

/// How many deliveries wait for an attempt, across the deployment (`/metrics`).
pub async fn pending(db: &Database) -> Result<u64, StorageError> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.code()))
        .count(db.conn())
        .await?)
}

/// Every delivery of a municipality's events (for tests and tools): `(subscription, event, status, attempts)`.
pub async fn of_municipality(
    db: &Database,
    municipality: MunicipalityId,
) -> Result<Vec<(SubscriptionId, EventId, DeliveryStatus, i32)>, StorageError> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(webhook_delivery::Column::EventId)
        .all(db.conn())
        .await?
        .into_iter()
        .map(|d| {
            let status = DeliveryStatus::from_code(&d.status).ok_or_else(|| corrupt("status", &d.status))?;
            Ok((SubscriptionId::from_uuid(d.subscription_id), EventId::from_uuid(d.event_id), status, d.attempts))
        })
        .collect()
}
