//! Fifty-fifty projects: a project's row and the domain's `Project` (its carriers, diagnostic and
//! ending kept as JSON documents), the one versioned write (the project, its history, the
//! requests it starts from and those it closes, in one transaction), lists, history and the links
//! between projects and requests.

pub mod convention;
mod history;
mod list;
pub mod organisations;
pub mod templates;

pub use history::history;
pub use list::{After, Filter, list};

use crate::entities::{project, project_event, project_request, request};
use crate::error::StorageError;
use crate::requests::{RequestWrite, write_in as write_request};
use crate::{Database, requests};
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::conventions::diagnostic::{Notes, RiskText, TaskText, Who};
use implication_domain::conventions::project::{CarrierName, Interest, Learnt, ProjectDescription, ProjectTitle};
use implication_domain::conventions::{Carrier, Diagnostic, Ending, Project, ProjectEvent, Risk, RiskResolution, Task};
use implication_domain::requests::qualification::Routing;
use implication_domain::requests::{Reason, Request};
use implication_domain::vocabulary::{ProjectOutcome, ProjectRisk, ProjectStatus, ProjectWeight, RequesterKind};
use implication_domain::{DelegationId, MunicipalityId, ProcessId, ProjectId, RequestId, ServiceId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One change of a project, written in one transaction.
pub struct ProjectWrite<'a> {
    /// The version the change was decided on; `None` creates the project.
    pub expected_version: Option<i32>,
    /// The project as the change leaves it; its version is moved on here.
    pub project: &'a Project,
    pub events: Vec<ProjectEvent>,
    /// Requests that start the project.
    pub linked: Vec<RequestId>,
    /// Changes of requests that go with it (starting moves them to `in_fifty_fifty`, ending
    /// closes them), each guarded by its own version.
    pub requests: Vec<RequestWrite<'a>>,
    /// Events the history does not make by itself (an upkeep commitment recorded as eroded).
    pub outbox: Vec<implication_domain::webhooks::Event>,
}

/// Writes `change` in one transaction; a stale version (of the project or of one of the requests)
/// writes nothing. Returns the project as written.
#[tracing::instrument(skip_all, fields(project = %change.project.id))]
pub async fn write(db: &Database, change: ProjectWrite<'_>) -> Result<Project, StorageError> {
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

pub(crate) async fn write_in_txn(txn: &DatabaseTransaction, change: ProjectWrite<'_>) -> Result<Project, StorageError> {
    let ProjectWrite { expected_version, project: next, events, linked, requests, outbox } = change;
    let written = match expected_version {
        None => {
            let written = Project { version: 1, ..next.clone() };
            project::Entity::insert(row(&written))
                .exec(txn)
                .await
                .map_err(|e| crate::error::duplicate_of(e, &["renews"]))?;
            written
        }
        Some(expected) => {
            let written = Project { version: expected + 1, ..next.clone() };
            let updated = project::Entity::update_many()
                .set(project::ActiveModel { id: NotSet, ..row(&written) })
                .filter(project::Column::Id.eq(written.id.as_uuid()))
                .filter(project::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(project::Column::Version.eq(expected))
                .exec(txn)
                .await?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Stale);
            }
            written
        }
    };
    for event in &events {
        project_event::Entity::insert(history::row(written.municipality, event)).exec(txn).await?;
    }
    let made = events.iter().filter_map(|entry| implication_domain::webhooks::events::of_project(&written, entry));
    crate::webhooks::outbox::record(txn, made.chain(outbox)).await?;
    for request in &linked {
        project_request::Entity::insert(project_request::ActiveModel {
            municipality_id: Set(written.municipality.as_uuid()),
            project_id: Set(written.id.as_uuid()),
            request_id: Set(request.as_uuid()),
            linked_at: Set(written.updated_at),
        })
        .exec(txn)
        .await?;
    }
    // Always in the same order (by id), so that two writes taking the same requests never lock
    // them in opposite orders (a deadlock on PostgreSQL).
    let mut requests = requests;
    requests.sort_by_key(|change| change.request.id);
    for change in requests {
        let id = change.request.id;
        write_request(txn, change).await.map_err(|e| match e {
            StorageError::Stale => StorageError::StaleRequest(id),
            other => other,
        })?;
    }
    Ok(written)
}

/// The project `id` of this municipality.
pub async fn find(db: &Database, municipality: MunicipalityId, id: ProjectId) -> Result<Option<Project>, StorageError> {
    project::Entity::find_by_id(id.as_uuid())
        .filter(project::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// The project that renews project `id` (next year's), if any.
pub async fn renewal_of(
    db: &Database,
    municipality: MunicipalityId,
    id: ProjectId,
) -> Result<Option<Project>, StorageError> {
    project::Entity::find()
        .filter(project::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(project::Column::RenewsId.eq(id.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// The requests project `id` started from, oldest first.
pub async fn requests_of(
    db: &Database,
    municipality: MunicipalityId,
    id: ProjectId,
) -> Result<Vec<Request>, StorageError> {
    let linked = Query::select()
        .column(project_request::Column::RequestId)
        .from(project_request::Entity)
        .and_where(project_request::Column::ProjectId.eq(id.as_uuid()))
        .and_where(project_request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .to_owned();
    let rows = request::Entity::find()
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(request::Column::Id.in_subquery(linked))
        .order_by_asc(request::Column::Id)
        .all(db.conn())
        .await?;
    rows.into_iter().map(requests::to_domain).collect()
}

/// Of these requests, those in a project still under way (not completed, abandoned nor taken
/// over), other than `except`.
pub async fn in_open_projects(
    db: &Database,
    municipality: MunicipalityId,
    ids: &[RequestId],
    except: Option<ProjectId>,
) -> Result<Vec<RequestId>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ended = [ProjectStatus::Completed, ProjectStatus::Abandoned, ProjectStatus::TakenOverByServices];
    let mut open = Query::select()
        .column(project::Column::Id)
        .from(project::Entity)
        .and_where(project::Column::MunicipalityId.eq(municipality.as_uuid()))
        .and_where(project::Column::Status.is_not_in(ended.iter().map(|s| s.code())))
        .to_owned();
    if let Some(except) = except {
        open.and_where(project::Column::Id.ne(except.as_uuid()));
    }
    let links = project_request::Entity::find()
        .filter(project_request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(project_request::Column::RequestId.is_in(ids.iter().map(RequestId::as_uuid)))
        .filter(project_request::Column::ProjectId.in_subquery(open))
        .all(db.conn())
        .await?;
    Ok(links.into_iter().map(|link| RequestId::from_uuid(link.request_id)).collect())
}

#[derive(Debug, Serialize, Deserialize)]
struct CarrierDocument {
    kind: RequesterKind,
    name: String,
    interest: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TaskDocument {
    text: String,
    by: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ResolutionDocument {
    how: String,
    by: String,
    on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct RiskDocument {
    kind: ProjectRisk,
    description: String,
    resolution: Option<ResolutionDocument>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct DiagnosticDocument {
    weight: Option<ProjectWeight>,
    tasks: Vec<TaskDocument>,
    estimated_cost_cents: Option<i64>,
    risks: Vec<RiskDocument>,
    notes: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EndingDocument {
    outcome: ProjectOutcome,
    at: DateTime<Utc>,
    reason: Option<String>,
    learnt: Option<String>,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn diagnostic_document(d: &Diagnostic) -> DiagnosticDocument {
    DiagnosticDocument {
        weight: d.weight,
        tasks: d
            .tasks
            .iter()
            .map(|t| TaskDocument {
                text: t.text.as_str().to_owned(),
                by: t.by.as_ref().map(|b| b.as_str().to_owned()),
            })
            .collect(),
        estimated_cost_cents: d.estimated_cost_cents,
        risks: d
            .risks
            .iter()
            .map(|r| RiskDocument {
                kind: r.kind,
                description: r.description.as_str().to_owned(),
                resolution: r.resolution.as_ref().map(|s| ResolutionDocument {
                    how: s.how.as_str().to_owned(),
                    by: s.by.as_str().to_owned(),
                    on: s.on,
                }),
            })
            .collect(),
        notes: d.notes.as_ref().map(|n| n.as_str().to_owned()),
    }
}

fn row(p: &Project) -> project::ActiveModel {
    let carriers: Vec<CarrierDocument> = p
        .carriers
        .iter()
        .map(|c| CarrierDocument {
            kind: c.kind,
            name: c.name.as_str().to_owned(),
            interest: c.interest.as_ref().map(|i| i.as_str().to_owned()),
        })
        .collect();
    let ending = p.ending.as_ref().map(|e| {
        json(&EndingDocument {
            outcome: e.outcome,
            at: e.at,
            reason: e.reason.as_ref().map(|r| r.as_str().to_owned()),
            learnt: e.learnt.as_ref().map(|l| l.as_str().to_owned()),
        })
    });
    project::ActiveModel {
        id: Set(p.id.as_uuid()),
        municipality_id: Set(p.municipality.as_uuid()),
        title: Set(p.title.as_str().to_owned()),
        description: Set(p.description.as_ref().map(|d| d.as_str().to_owned())),
        process_id: Set(p.process.map(|id| id.as_uuid())),
        renews_id: Set(p.renews.map(|id| id.as_uuid())),
        carriers: Set(json(&carriers)),
        routed_delegation_id: Set(p.routing.delegation.map(|d| d.as_uuid())),
        routed_services: Set(json(&p.routing.services.iter().map(ServiceId::as_uuid).collect::<Vec<_>>())),
        status: Set(p.status.code().to_owned()),
        diagnostic: Set(json(&diagnostic_document(&p.diagnostic))),
        ending: Set(ending),
        version: Set(p.version),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
}

fn corrupt(id: Uuid, what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("project {id}: {what}"))
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

fn diagnostic(id: Uuid, stored: &str) -> Result<Diagnostic, StorageError> {
    let doc: DiagnosticDocument = serde_json::from_str(stored).map_err(|e| corrupt(id, e))?;
    let tasks = doc
        .tasks
        .into_iter()
        .map(|t| {
            Ok(Task {
                text: text(id, "task", &t.text, TaskText::parse)?,
                by: t.by.map(|b| text(id, "task by", &b, Who::parse)).transpose()?,
            })
        })
        .collect::<Result<_, StorageError>>()?;
    let risks = doc
        .risks
        .into_iter()
        .map(|r| {
            let resolution = r
                .resolution
                .map(|s| {
                    Ok::<_, StorageError>(RiskResolution {
                        how: text(id, "resolution", &s.how, RiskText::parse)?,
                        by: text(id, "resolved by", &s.by, Who::parse)?,
                        on: s.on,
                    })
                })
                .transpose()?;
            Ok(Risk { kind: r.kind, description: text(id, "risk", &r.description, RiskText::parse)?, resolution })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok(Diagnostic {
        weight: doc.weight,
        tasks,
        estimated_cost_cents: doc.estimated_cost_cents,
        risks,
        notes: doc.notes.map(|n| text(id, "notes", &n, Notes::parse)).transpose()?,
    })
}

fn ending(id: Uuid, stored: &str) -> Result<Ending, StorageError> {
    let doc: EndingDocument = serde_json::from_str(stored).map_err(|e| corrupt(id, e))?;
    Ok(Ending {
        outcome: doc.outcome,
        at: doc.at,
        reason: doc.reason.map(|r| text(id, "reason", &r, Reason::parse)).transpose()?,
        learnt: doc.learnt.map(|l| text(id, "learnt", &l, Learnt::parse)).transpose()?,
    })
}

pub(crate) fn to_domain(row: project::Model) -> Result<Project, StorageError> {
    let id = row.id;
    let services: Vec<Uuid> = serde_json::from_str(&row.routed_services).map_err(|e| corrupt(id, e))?;
    let carriers: Vec<CarrierDocument> = serde_json::from_str(&row.carriers).map_err(|e| corrupt(id, e))?;
    let carriers = carriers
        .into_iter()
        .map(|c| {
            Ok(Carrier {
                kind: c.kind,
                name: text(id, "carrier", &c.name, CarrierName::parse)?,
                interest: c.interest.map(|i| text(id, "interest", &i, Interest::parse)).transpose()?,
            })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok(Project {
        id: ProjectId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        title: text(id, "title", &row.title, ProjectTitle::parse)?,
        description: row.description.map(|d| text(id, "description", &d, ProjectDescription::parse)).transpose()?,
        process: row.process_id.map(ProcessId::from_uuid),
        renews: row.renews_id.map(ProjectId::from_uuid),
        carriers,
        routing: Routing {
            delegation: row.routed_delegation_id.map(DelegationId::from_uuid),
            services: services.into_iter().map(ServiceId::from_uuid).collect(),
        },
        status: code(id, "status", &row.status, ProjectStatus::from_code)?,
        diagnostic: diagnostic(id, &row.diagnostic)?,
        ending: row.ending.as_deref().map(|e| ending(id, e)).transpose()?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
