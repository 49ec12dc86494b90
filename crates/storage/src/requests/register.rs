//! Registration: the next number of the year without gaps, and idempotent submissions.

use crate::entities::{idempotency_key, outbox_event, request, request_counter, request_event};
use crate::error::{StorageError, duplicate_of};
use crate::{Backend, Database};
use chrono::{DateTime, Utc};
use implication_domain::requests::handover::HandOver;
use implication_domain::requests::similarity;
use implication_domain::requests::{NewRequest, RegistrationNumber, Request, RequestEvent, RequestEventKind};
use implication_domain::{MunicipalityId, RequestId};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, SqlErr,
    TransactionTrait,
};
use uuid::Uuid;

mod one_statement;

/// The `Idempotency-Key` of a submission: a retry with the same key (in the same scope) and the
/// same body gets the first answer; with another body, [`Created::KeyReused`].
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    /// Who the key belongs to (`public`, `account:<id>`, `client:<id>`).
    pub scope: String,
    pub key: String,
    pub operation: &'static str,
    pub body_hash: String,
    /// A secret of the first answer (the tracking code), masked with a key only the client has.
    pub masked_secret: Option<String>,
}

/// What a submission did.
#[derive(Debug)]
pub enum Created {
    New(Request),
    /// The key was used before with the same body: the request it created, and the masked secret.
    Replay {
        request: Request,
        masked_secret: Option<String>,
    },
    /// The key was used before with another body.
    KeyReused,
}

/// Registers a request: its number is the next of its municipality and year, allocated in the
/// same transaction as the insert, so that a failed insert leaves no gap. With an idempotency
/// record, the key is taken in that transaction too: a retry (even a concurrent one) finds it
/// and gets the first answer again ([`Created::Replay`]).
#[tracing::instrument(skip_all, fields(municipality = %municipality))]
pub async fn create(
    db: &Database,
    municipality: MunicipalityId,
    new: &NewRequest,
    tracking_hash: &str,
    idempotency: Option<&IdempotencyRecord>,
    (now, year): (DateTime<Utc>, i32),
) -> Result<Created, StorageError> {
    // The number is set by the write; nothing else of the request depends on it.
    let unnumbered =
        Request::registered(new, RequestId::new(), municipality, RegistrationNumber { year, sequence: 0 }, now);
    let created = RequestEvent {
        to: Some(unnumbered.status),
        ..RequestEvent::new(unnumbered.id, RequestEventKind::Created, new.submitted_by, now)
    };
    let rows = Rows {
        municipality,
        year,
        key: idempotency.map(|record| key_row(municipality, record, unnumbered.id, now)),
        request: request::ActiveModel { tracking_hash: Set(tracking_hash.to_owned()), ..super::row(&unnumbered) },
        request_id: unnumbered.id,
        terms: similarity::indexed_terms(&unnumbered),
        event: super::history::row(municipality, &created),
        outbox: implication_domain::webhooks::events::of_request(&unnumbered, &created)
            .map(|event| crate::webhooks::outbox::row(&event)),
    };
    let sequence = match db.backend() {
        Backend::Postgres => one_statement::register(db, rows).await?,
        Backend::Sqlite => in_a_transaction(db, rows).await?,
    };
    match (sequence, idempotency) {
        (Some(sequence), _) => {
            Ok(Created::New(Request { registration_number: RegistrationNumber { year, sequence }, ..unnumbered }))
        }
        (None, Some(record)) => replay(db, municipality, record)
            .await?
            .ok_or_else(|| StorageError::Corrupt("idempotency key vanished".to_owned())),
        (None, None) => Err(StorageError::Corrupt("a registration without a key wrote nothing".to_owned())),
    }
}

/// What a registration writes, but for the request's number (the `sequence` column is replaced).
struct Rows {
    municipality: MunicipalityId,
    year: i32,
    key: Option<idempotency_key::ActiveModel>,
    request: request::ActiveModel,
    request_id: RequestId,
    terms: Vec<String>,
    event: request_event::ActiveModel,
    /// Its `request.created` event, for the outbox.
    outbox: Option<outbox_event::ActiveModel>,
}

fn key_row(
    municipality: MunicipalityId,
    record: &IdempotencyRecord,
    resource: RequestId,
    now: chrono::DateTime<chrono::Utc>,
) -> idempotency_key::ActiveModel {
    idempotency_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality.as_uuid()),
        scope: Set(record.scope.clone()),
        key: Set(record.key.clone()),
        operation: Set(record.operation.to_owned()),
        body_hash: Set(record.body_hash.clone()),
        resource_id: Set(resource.as_uuid()),
        masked_secret: Set(record.masked_secret.clone()),
        created_at: Set(now),
    }
}

/// SQLite (one writer at a time, in process: round trips cost little): the key first, so that a
/// concurrent retry waits for this transaction, then finds the key taken; then the number, the
/// request, its terms and its history. `None` when the key was taken.
async fn in_a_transaction(db: &Database, rows: Rows) -> Result<Option<i32>, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    if let Some(key) = rows.key {
        let inserted = idempotency_key::Entity::insert(key).exec(&txn).await;
        if let Err(err) = inserted {
            txn.rollback().await?;
            if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                return Ok(None);
            }
            return Err(err.into());
        }
    }
    let sequence = next_sequence(&txn, rows.municipality, rows.year).await?;
    let request = request::ActiveModel { sequence: Set(sequence), ..rows.request };
    request::Entity::insert(request)
        .exec(&txn)
        .await
        .map_err(|e| duplicate_of(e, &["tracking_hash", "registration"]))?;
    super::terms::insert_rows(&txn, rows.municipality, rows.request_id, &rows.terms).await?;
    request_event::Entity::insert(rows.event).exec(&txn).await?;
    if let Some(event) = rows.outbox {
        outbox_event::Entity::insert(event).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(Some(sequence))
}

/// Takes the next number of the year, creating the year's counter at 1.
async fn next_sequence(
    txn: &DatabaseTransaction,
    municipality: MunicipalityId,
    year: i32,
) -> Result<i32, StorageError> {
    use request_counter::Column;
    let statement = Query::insert()
        .into_table(request_counter::Entity)
        .columns([Column::MunicipalityId, Column::Year, Column::LastSequence])
        .values([municipality.as_uuid().into(), year.into(), 1.into()])
        .map_err(|e| StorageError::Corrupt(e.to_string()))?
        .on_conflict(
            OnConflict::columns([Column::MunicipalityId, Column::Year])
                .value(Column::LastSequence, Expr::col((request_counter::Entity, Column::LastSequence)).add(1))
                .to_owned(),
        )
        .returning_col(Column::LastSequence)
        .to_owned();
    let row = txn.query_one(&statement).await?.ok_or_else(|| StorageError::Corrupt("no counter row".to_owned()))?;
    Ok(row.try_get::<i32>("", "last_sequence")?)
}

async fn replay(
    db: &Database,
    municipality: MunicipalityId,
    record: &IdempotencyRecord,
) -> Result<Option<Created>, StorageError> {
    let Some(found) = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(idempotency_key::Column::Scope.eq(&record.scope))
        .filter(idempotency_key::Column::Key.eq(&record.key))
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    if found.body_hash != record.body_hash || found.operation != record.operation {
        return Ok(Some(Created::KeyReused));
    }
    let id = RequestId::from_uuid(found.resource_id);
    let request = super::find(db, municipality, id).await?.ok_or_else(|| super::vanished(id))?;
    Ok(Some(Created::Replay { request, masked_secret: found.masked_secret }))
}

/// Writes a hand-over in one transaction: the request here, guarded by `expected_version`, with
/// its entry; and the linked request registered in the other body (the next number there, the
/// requester's tracking code kept, so that they follow both), with its registration and
/// reception entries and its events. Returns the linked request.
#[tracing::instrument(skip_all, fields(request = %change.source.id))]
pub async fn hand_over(db: &Database, expected_version: i32, change: &HandOver) -> Result<Request, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    match hand_over_in(&txn, expected_version, change).await {
        Ok(target) => {
            txn.commit().await?;
            Ok(target)
        }
        Err(err) => {
            txn.rollback().await?;
            Err(err)
        }
    }
}

async fn hand_over_in(
    txn: &DatabaseTransaction,
    expected_version: i32,
    change: &HandOver,
) -> Result<Request, StorageError> {
    let source = &change.source;
    // The write first: on SQLite, a transaction that reads first may not be let to write.
    let write = super::RequestWrite {
        expected_version,
        request: source,
        events: vec![change.source_entry.clone()],
        terms: None,
        answers: Vec::new(),
        qualification: None,
    };
    super::write_in(txn, write).await?;
    let tracking_hash = request::Entity::find_by_id(source.id.as_uuid())
        .filter(request::Column::MunicipalityId.eq(source.municipality.as_uuid()))
        .one(txn)
        .await?
        .ok_or_else(|| super::vanished(source.id))?
        .tracking_hash;
    let target = &change.target;
    let year = target.registration_number.year;
    let sequence = next_sequence(txn, target.municipality, year).await?;
    let numbered = Request { registration_number: RegistrationNumber { year, sequence }, ..target.clone() };
    request::Entity::insert(request::ActiveModel { tracking_hash: Set(tracking_hash), ..super::row(&numbered) })
        .exec(txn)
        .await
        .map_err(|e| duplicate_of(e, &["tracking_hash", "registration"]))?;
    super::terms::insert_rows(txn, numbered.municipality, numbered.id, &similarity::indexed_terms(&numbered)).await?;
    let entry = &change.target_entry;
    let created = RequestEvent {
        to: Some(numbered.status),
        ..RequestEvent::new(numbered.id, RequestEventKind::Created, entry.actor, entry.at)
    };
    for event in [&created, entry] {
        super::history::insert(txn, numbered.municipality, event).await?;
    }
    let events =
        [&created, entry].into_iter().filter_map(|e| implication_domain::webhooks::events::of_request(&numbered, e));
    crate::webhooks::outbox::record(txn, events).await?;
    Ok(numbered)
}
