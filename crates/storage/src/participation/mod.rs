//! Participation processes: a process's row and the domain's `Process`, the one versioned write
//! (the process, its history, the requests it takes and those it closes, in one transaction),
//! lists, history and the links between processes and requests.

pub mod bodies;
pub mod draws;
pub mod follow_ups;
mod history;
mod list;
pub mod meetings;
pub mod notices;
pub mod reach;
pub mod surveys;

pub use history::history;
pub use list::{After, Filter, list};

use crate::entities::{process, process_request, request};
use crate::error::StorageError;
use crate::requests::{RequestWrite, write_in as write_request};
use crate::{Database, requests};
use chrono::NaiveDate;
use implication_domain::participation::decision::{AuthorityName, DeliberationNumber, Outcome, Rationale};
use implication_domain::participation::{
    Decision, Deliberation, Perimeter, Process, ProcessDescription, ProcessEvent, Street, Subject,
};
use implication_domain::requests::Request;
use implication_domain::requests::qualification::Routing;
use implication_domain::vocabulary::{
    DecisionMaker, ParticipationLevel, PerimeterKind, ProcessOrigin, ProcessStatus, Resolution,
};
use implication_domain::{DelegationId, MunicipalityId, ProcessId, RequestId, ServiceId, Slug, SurveyId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A change of one process, decided by the domain on the version the caller read.
#[derive(Debug)]
pub struct ProcessWrite<'a> {
    /// The version the change was decided on; `None` creates the process.
    pub expected_version: Option<i32>,
    /// The process as the change leaves it; its version is moved on here.
    pub process: &'a Process,
    pub events: Vec<ProcessEvent>,
    /// Requests that join the process.
    pub linked: Vec<RequestId>,
    /// Changes of requests that go with it (joining moves them to `in_process`, closing closes
    /// them), each guarded by its own version.
    pub requests: Vec<RequestWrite<'a>>,
}

/// Writes `change` in one transaction; a stale version (of the process or of one of the requests)
/// writes nothing ([`StorageError::Stale`]). Returns the process and the requests as written.
#[tracing::instrument(skip_all, fields(process = %change.process.id))]
pub async fn write(db: &Database, change: ProcessWrite<'_>) -> Result<(Process, Vec<Request>), StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    match write_in_txn(&txn, change).await {
        Ok(written) => {
            txn.commit().await?;
            Ok(written)
        }
        Err(err) => {
            txn.rollback().await?;
            Err(err)
        }
    }
}

async fn write_in_txn(
    txn: &DatabaseTransaction,
    change: ProcessWrite<'_>,
) -> Result<(Process, Vec<Request>), StorageError> {
    let ProcessWrite { expected_version, process: next, events, linked, requests } = change;
    let written = match expected_version {
        None => {
            let written = Process { version: 1, ..next.clone() };
            process::Entity::insert(row(&written)).exec(txn).await?;
            written
        }
        Some(expected) => {
            let written = Process { version: expected + 1, ..next.clone() };
            let updated = process::Entity::update_many()
                .set(process::ActiveModel { id: NotSet, ..row(&written) })
                .filter(process::Column::Id.eq(written.id.as_uuid()))
                .filter(process::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(process::Column::Version.eq(expected))
                .exec(txn)
                .await?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Stale);
            }
            written
        }
    };
    for event in &events {
        history::insert(txn, written.municipality, event, Some(&written)).await?;
    }
    for request in &linked {
        // A request that left the process (closed by hand, reopened, qualified again) may join
        // it again: its link is dated anew.
        process_request::Entity::insert(process_request::ActiveModel {
            process_id: Set(written.id.as_uuid()),
            request_id: Set(request.as_uuid()),
            municipality_id: Set(written.municipality.as_uuid()),
            linked_at: Set(written.updated_at),
        })
        .on_conflict(
            OnConflict::columns([
                process_request::Column::MunicipalityId,
                process_request::Column::ProcessId,
                process_request::Column::RequestId,
            ])
            .update_column(process_request::Column::LinkedAt)
            .to_owned(),
        )
        .exec(txn)
        .await?;
    }
    // Always in the same order (by id), so that two writes taking the same requests never lock
    // them in opposite orders (a deadlock on PostgreSQL).
    let mut requests = requests;
    requests.sort_by_key(|change| change.request.id);
    let mut moved = Vec::with_capacity(requests.len());
    for change in requests {
        let id = change.request.id;
        moved.push(write_request(txn, change).await.map_err(|e| match e {
            StorageError::Stale => StorageError::StaleRequest(id),
            other => other,
        })?);
    }
    Ok((written, moved))
}

/// The process `id` of this municipality.
pub async fn find(db: &Database, municipality: MunicipalityId, id: ProcessId) -> Result<Option<Process>, StorageError> {
    process::Entity::find_by_id(id.as_uuid())
        .filter(process::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// The requests process `id` gathered, oldest first.
pub async fn requests_of(
    db: &Database,
    municipality: MunicipalityId,
    id: ProcessId,
) -> Result<Vec<Request>, StorageError> {
    let linked = Query::select()
        .column(process_request::Column::RequestId)
        .from(process_request::Entity)
        .and_where(process_request::Column::ProcessId.eq(id.as_uuid()))
        .and_where(process_request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .to_owned();
    let rows = request::Entity::find()
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(request::Column::Id.in_subquery(linked))
        .order_by_asc(request::Column::Id)
        .all(db.conn())
        .await?;
    rows.into_iter().map(requests::to_domain).collect()
}

/// The processes request `id` joined, the latest first.
pub async fn processes_of(
    db: &Database,
    municipality: MunicipalityId,
    id: RequestId,
) -> Result<Vec<Process>, StorageError> {
    let joined = Query::select()
        .column(process_request::Column::ProcessId)
        .from(process_request::Entity)
        .and_where(process_request::Column::RequestId.eq(id.as_uuid()))
        .and_where(process_request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .to_owned();
    let rows = process::Entity::find()
        .filter(process::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(process::Column::Id.in_subquery(joined))
        .order_by_desc(process::Column::CreatedAt)
        .all(db.conn())
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// Of these requests, the process each joined last: a request follows that one only.
pub async fn latest_processes(
    db: &Database,
    municipality: MunicipalityId,
    requests: &[RequestId],
) -> Result<Vec<(RequestId, ProcessId)>, StorageError> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let links = process_request::Entity::find()
        .filter(process_request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(process_request::Column::RequestId.is_in(requests.iter().map(RequestId::as_uuid)))
        .order_by_asc(process_request::Column::LinkedAt)
        .all(db.conn())
        .await?;
    let mut latest: Vec<(RequestId, ProcessId)> = Vec::new();
    for link in links {
        let (request, process) = (RequestId::from_uuid(link.request_id), ProcessId::from_uuid(link.process_id));
        match latest.iter_mut().find(|(r, _)| *r == request) {
            Some(entry) => entry.1 = process,
            None => latest.push((request, process)),
        }
    }
    Ok(latest)
}

/// A decision as stored (a JSON document).
#[derive(Debug, Serialize, Deserialize)]
struct DecisionDocument {
    outcome: String,
    decided_by: DecisionMaker,
    authority: Option<String>,
    deliberation_number: Option<String>,
    deliberation_date: Option<NaiveDate>,
    decided_on: NaiveDate,
    rationale: String,
    resolution: Resolution,
    /// The surveys it cites (absent from decisions recorded before surveys existed).
    #[serde(default)]
    surveys: Vec<Uuid>,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// The neighbourhoods of a perimeter, as a JSON array of codes.
pub(crate) fn neighbourhoods_json(perimeter: &Perimeter) -> String {
    json(&perimeter.neighbourhoods.iter().map(Slug::as_str).collect::<Vec<_>>())
}

/// The streets of a perimeter, as a JSON array.
pub(crate) fn streets_json(perimeter: &Perimeter) -> String {
    json(&perimeter.streets.iter().map(Street::as_str).collect::<Vec<_>>())
}

/// A perimeter from its three columns.
pub(crate) fn perimeter(id: Uuid, kind: &str, neighbourhoods: &str, streets: &str) -> Result<Perimeter, StorageError> {
    let neighbourhoods: Vec<String> = serde_json::from_str(neighbourhoods).map_err(|e| corrupt(id, e))?;
    let streets: Vec<String> = serde_json::from_str(streets).map_err(|e| corrupt(id, e))?;
    Ok(Perimeter {
        kind: code(id, "perimeter_kind", kind, PerimeterKind::from_code)?,
        neighbourhoods: neighbourhoods
            .iter()
            .map(|n| Slug::parse(n).map_err(|e| corrupt(id, e)))
            .collect::<Result<_, _>>()?,
        streets: streets.iter().map(|s| text(id, "street", s, Street::parse)).collect::<Result<_, _>>()?,
    })
}

/// A decision as its JSON document.
pub(crate) fn decision_document(d: &Decision) -> String {
    json(&DecisionDocument {
        outcome: d.outcome.as_str().to_owned(),
        decided_by: d.decided_by,
        authority: d.authority.as_ref().map(|a| a.as_str().to_owned()),
        deliberation_number: d.deliberation.as_ref().map(|x| x.number.as_str().to_owned()),
        deliberation_date: d.deliberation.as_ref().map(|x| x.date),
        decided_on: d.decided_on,
        rationale: d.rationale.as_str().to_owned(),
        resolution: d.resolution,
        surveys: d.surveys.iter().map(SurveyId::as_uuid).collect(),
    })
}

fn row(p: &Process) -> process::ActiveModel {
    let decision = p.decision.as_ref().map(decision_document);
    process::ActiveModel {
        id: Set(p.id.as_uuid()),
        municipality_id: Set(p.municipality.as_uuid()),
        subject: Set(p.subject.as_str().to_owned()),
        description: Set(p.description.as_str().to_owned()),
        perimeter_kind: Set(p.perimeter.kind.code().to_owned()),
        perimeter_neighbourhoods: Set(neighbourhoods_json(&p.perimeter)),
        perimeter_streets: Set(streets_json(&p.perimeter)),
        origin: Set(p.origin.code().to_owned()),
        routed_delegation_id: Set(p.routing.delegation.map(|d| d.as_uuid())),
        routed_services: Set(json(&p.routing.services.iter().map(ServiceId::as_uuid).collect::<Vec<_>>())),
        level: Set(p.level.code().to_owned()),
        status: Set(p.status.code().to_owned()),
        opened_at: Set(p.opened_at),
        decision: Set(decision),
        version: Set(p.version),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
}

/// The keyset condition of a page ordered by `(at, id)` descending, after the row `(after, id)`.
fn before_in_time<C: sea_orm::ColumnTrait>(
    at: C,
    id_column: C,
    after: chrono::DateTime<chrono::Utc>,
    id: Uuid,
) -> sea_orm::Condition {
    use sea_orm::sea_query::{Expr, ExprTrait};
    sea_orm::Condition::any()
        .add(at.lt(after))
        .add(sea_orm::Condition::all().add(Expr::col(at).eq(after)).add(id_column.lt(id)))
}

fn corrupt(id: Uuid, what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("process {id}: {what}"))
}

fn code<T>(id: Uuid, column: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, StorageError> {
    parse(value).ok_or_else(|| corrupt(id, format!("{column} {value:?}")))
}

fn text<T>(
    id: Uuid,
    column: &str,
    value: &str,
    parse: fn(&str, &str) -> Result<T, implication_domain::FieldError>,
) -> Result<T, StorageError> {
    parse(column, value).map_err(|e| corrupt(id, format!("{column}: {}", e.message)))
}

pub(crate) fn decision(id: Uuid, stored: &str) -> Result<Decision, StorageError> {
    let doc: DecisionDocument = serde_json::from_str(stored).map_err(|e| corrupt(id, e))?;
    let deliberation = match (doc.deliberation_number, doc.deliberation_date) {
        (Some(number), Some(date)) => {
            Some(Deliberation { number: text(id, "deliberation_number", &number, DeliberationNumber::parse)?, date })
        }
        _ => None,
    };
    Ok(Decision {
        outcome: text(id, "outcome", &doc.outcome, Outcome::parse)?,
        decided_by: doc.decided_by,
        authority: doc.authority.map(|a| text(id, "authority", &a, AuthorityName::parse)).transpose()?,
        deliberation,
        decided_on: doc.decided_on,
        rationale: text(id, "rationale", &doc.rationale, Rationale::parse)?,
        resolution: doc.resolution,
        surveys: doc.surveys.into_iter().map(SurveyId::from_uuid).collect(),
    })
}

pub(crate) fn to_domain(row: process::Model) -> Result<Process, StorageError> {
    let id = row.id;
    let services: Vec<Uuid> = serde_json::from_str(&row.routed_services).map_err(|e| corrupt(id, e))?;
    Ok(Process {
        id: ProcessId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        subject: text(id, "subject", &row.subject, Subject::parse)?,
        description: text(id, "description", &row.description, ProcessDescription::parse)?,
        perimeter: perimeter(id, &row.perimeter_kind, &row.perimeter_neighbourhoods, &row.perimeter_streets)?,
        origin: code(id, "origin", &row.origin, ProcessOrigin::from_code)?,
        routing: Routing {
            delegation: row.routed_delegation_id.map(DelegationId::from_uuid),
            services: services.into_iter().map(ServiceId::from_uuid).collect(),
        },
        level: code(id, "level", &row.level, ParticipationLevel::from_code)?,
        status: code(id, "status", &row.status, ProcessStatus::from_code)?,
        opened_at: row.opened_at,
        decision: row.decision.as_deref().map(|d| decision(id, d)).transpose()?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
