//! Steps ahead and promises, each about one request or one process: the versioned writes, the
//! lists (by expected or due day, with the overdue filter) and what a request's or a process's
//! view shows of them.

use super::{code, corrupt};
use crate::entities::{process, promise, request, step};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::NaiveDate;
use implication_domain::participation::About;
use implication_domain::participation::promise::{PromiseText, PromisedBy, WithdrawalReason};
use implication_domain::participation::step::StepDescription;
use implication_domain::participation::{Promise, Step};
use implication_domain::vocabulary::{PromiseKind, PromiseStatus, StepKind};
use implication_domain::{MunicipalityId, ProcessId, PromiseId, RequestId, StepId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// What a list of steps or promises keeps.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub request: Option<RequestId>,
    pub process: Option<ProcessId>,
    /// Only those about a published request or a process opened to the public.
    pub public_only: bool,
    /// Overdue (`true`) or not (`false`) on this local day.
    pub overdue: Option<(bool, NaiveDate)>,
    /// Steps: only those still ahead (`true`) or done (`false`).
    pub ahead: Option<bool>,
    /// Promises: any of these statuses (none: all).
    pub statuses: Vec<PromiseStatus>,
}

/// Where the previous page ended: the day it is ordered by, and the id.
#[derive(Debug, Clone)]
pub struct FollowUpAfter {
    pub on: NaiveDate,
    pub id: Uuid,
}

fn subjects(about: About) -> (Option<Uuid>, Option<Uuid>) {
    let (request, process) = about.ids();
    (request.map(|r| r.as_uuid()), process.map(|p| p.as_uuid()))
}

fn about(id: Uuid, request: Option<Uuid>, process: Option<Uuid>) -> Result<About, StorageError> {
    match (request, process) {
        (Some(r), None) => Ok(About::Request(RequestId::from_uuid(r))),
        (None, Some(p)) => Ok(About::Process(ProcessId::from_uuid(p))),
        _ => Err(corrupt(id, "about neither one request nor one process")),
    }
}

/// The condition of `filter` on a table's municipality, subject and day columns.
fn condition<C: ColumnTrait>(
    municipality: MunicipalityId,
    filter: &FollowUpFilter,
    (municipality_col, request_col, process_col): (C, C, C),
) -> Condition {
    let mut condition = Condition::all().add(municipality_col.eq(municipality.as_uuid()));
    if let Some(request) = filter.request {
        condition = condition.add(request_col.eq(request.as_uuid()));
    }
    if let Some(process) = filter.process {
        condition = condition.add(process_col.eq(process.as_uuid()));
    }
    if filter.public_only {
        let published = Query::select()
            .column(request::Column::Id)
            .from(request::Entity)
            .and_where(request::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(request::Column::PublishedAt.is_not_null())
            .to_owned();
        let opened = Query::select()
            .column(process::Column::Id)
            .from(process::Entity)
            .and_where(process::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(process::Column::OpenedAt.is_not_null())
            .to_owned();
        condition = condition
            .add(Condition::any().add(request_col.in_subquery(published)).add(process_col.in_subquery(opened)));
    }
    condition
}

/// The keyset condition after `after`, on `(day, id)` ascending.
fn after_condition<C: ColumnTrait>(after: Option<&FollowUpAfter>, day: C, id: C) -> Condition {
    match after {
        None => Condition::all(),
        Some(after) => Condition::any()
            .add(day.gt(after.on))
            .add(Condition::all().add(Expr::col(day).eq(after.on)).add(id.gt(after.id))),
    }
}

// Steps.

/// Writes `step` (created when `expected_version` is `None`, else only while still at that
/// version).
pub async fn write_step(db: &Database, expected_version: Option<i32>, next: &Step) -> Result<Step, StorageError> {
    match expected_version {
        None => {
            let written = Step { version: 1, ..next.clone() };
            step::Entity::insert(step_row(&written)).exec(db.conn()).await?;
            Ok(written)
        }
        Some(expected) => {
            let written = Step { version: expected + 1, ..next.clone() };
            let updated = step::Entity::update_many()
                .set(step::ActiveModel { id: NotSet, ..step_row(&written) })
                .filter(step::Column::Id.eq(written.id.as_uuid()))
                .filter(step::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(step::Column::Version.eq(expected))
                .exec(db.conn())
                .await?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Stale);
            }
            Ok(written)
        }
    }
}

pub async fn find_step(db: &Database, municipality: MunicipalityId, id: StepId) -> Result<Option<Step>, StorageError> {
    step::Entity::find_by_id(id.as_uuid())
        .filter(step::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(step_to_domain)
        .transpose()
}

/// A page of steps, the soonest expected first.
pub async fn list_steps(
    db: &Database,
    municipality: MunicipalityId,
    filter: &FollowUpFilter,
    limit: u64,
    after: Option<&FollowUpAfter>,
) -> Result<Page<Step>, StorageError> {
    use step::Column;
    let mut condition = condition(municipality, filter, (Column::MunicipalityId, Column::RequestId, Column::ProcessId));
    match filter.ahead {
        Some(true) => condition = condition.add(Column::DoneOn.is_null()),
        Some(false) => condition = condition.add(Column::DoneOn.is_not_null()),
        None => {}
    }
    match filter.overdue {
        Some((true, today)) => condition = condition.add(Column::DoneOn.is_null()).add(Column::ExpectedOn.lt(today)),
        Some((false, today)) => {
            condition =
                condition.add(Condition::any().add(Column::DoneOn.is_not_null()).add(Column::ExpectedOn.gte(today)));
        }
        None => {}
    }
    let rows = step::Entity::find()
        .filter(condition.add(after_condition(after, Column::ExpectedOn, Column::Id)))
        .order_by_asc(Column::ExpectedOn)
        .order_by_asc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(step_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// The steps still ahead of these requests and processes (a request's or a process's view),
/// the soonest first, at most `limit`.
pub async fn steps_ahead_of(
    db: &Database,
    municipality: MunicipalityId,
    requests: &[RequestId],
    processes: &[ProcessId],
    limit: u64,
) -> Result<Vec<Step>, StorageError> {
    use step::Column;
    if requests.is_empty() && processes.is_empty() {
        return Ok(Vec::new());
    }
    let rows = step::Entity::find()
        .filter(Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(Column::DoneOn.is_null())
        .filter(
            Condition::any()
                .add(Column::RequestId.is_in(requests.iter().map(|r| r.as_uuid())))
                .add(Column::ProcessId.is_in(processes.iter().map(|p| p.as_uuid()))),
        )
        .order_by_asc(Column::ExpectedOn)
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    rows.into_iter().map(step_to_domain).collect()
}

fn step_row(s: &Step) -> step::ActiveModel {
    let (request_id, process_id) = subjects(s.about);
    step::ActiveModel {
        id: Set(s.id.as_uuid()),
        municipality_id: Set(s.municipality.as_uuid()),
        request_id: Set(request_id),
        process_id: Set(process_id),
        kind: Set(s.kind.code().to_owned()),
        description: Set(s.description.as_str().to_owned()),
        expected_on: Set(s.expected_on),
        first_expected_on: Set(s.first_expected_on),
        done_on: Set(s.done_on),
        version: Set(s.version),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
    }
}

fn step_to_domain(row: step::Model) -> Result<Step, StorageError> {
    let id = row.id;
    Ok(Step {
        id: StepId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        about: about(id, row.request_id, row.process_id)?,
        kind: code(id, "kind", &row.kind, StepKind::from_code)?,
        description: StepDescription::parse("description", &row.description).map_err(|e| corrupt(id, e.message))?,
        expected_on: row.expected_on,
        first_expected_on: row.first_expected_on,
        done_on: row.done_on,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

// Promises.

/// Writes `promise` (created when `expected_version` is `None`, else only while still at that
/// version).
pub async fn write_promise(
    db: &Database,
    expected_version: Option<i32>,
    next: &Promise,
) -> Result<Promise, StorageError> {
    match expected_version {
        None => {
            let written = Promise { version: 1, ..next.clone() };
            promise::Entity::insert(promise_row(&written)).exec(db.conn()).await?;
            Ok(written)
        }
        Some(expected) => {
            let written = Promise { version: expected + 1, ..next.clone() };
            let updated = promise::Entity::update_many()
                .set(promise::ActiveModel { id: NotSet, ..promise_row(&written) })
                .filter(promise::Column::Id.eq(written.id.as_uuid()))
                .filter(promise::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(promise::Column::Version.eq(expected))
                .exec(db.conn())
                .await?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Stale);
            }
            Ok(written)
        }
    }
}

pub async fn find_promise(
    db: &Database,
    municipality: MunicipalityId,
    id: PromiseId,
) -> Result<Option<Promise>, StorageError> {
    promise::Entity::find_by_id(id.as_uuid())
        .filter(promise::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(promise_to_domain)
        .transpose()
}

/// A page of promises, the soonest due first.
pub async fn list_promises(
    db: &Database,
    municipality: MunicipalityId,
    filter: &FollowUpFilter,
    limit: u64,
    after: Option<&FollowUpAfter>,
) -> Result<Page<Promise>, StorageError> {
    use promise::Column;
    let mut condition = condition(municipality, filter, (Column::MunicipalityId, Column::RequestId, Column::ProcessId));
    if !filter.statuses.is_empty() {
        condition = condition.add(Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    let pending = PromiseStatus::Pending.code();
    match filter.overdue {
        Some((true, today)) => condition = condition.add(Column::Status.eq(pending)).add(Column::DueOn.lt(today)),
        Some((false, today)) => {
            condition = condition.add(Condition::any().add(Column::Status.ne(pending)).add(Column::DueOn.gte(today)));
        }
        None => {}
    }
    let rows = promise::Entity::find()
        .filter(condition.add(after_condition(after, Column::DueOn, Column::Id)))
        .order_by_asc(Column::DueOn)
        .order_by_asc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(promise_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// The promises about these requests and processes (a request's or a process's view), the
/// soonest due first, at most `limit`.
pub async fn promises_of(
    db: &Database,
    municipality: MunicipalityId,
    requests: &[RequestId],
    processes: &[ProcessId],
    limit: u64,
) -> Result<Vec<Promise>, StorageError> {
    use promise::Column;
    if requests.is_empty() && processes.is_empty() {
        return Ok(Vec::new());
    }
    let rows = promise::Entity::find()
        .filter(Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(
            Condition::any()
                .add(Column::RequestId.is_in(requests.iter().map(|r| r.as_uuid())))
                .add(Column::ProcessId.is_in(processes.iter().map(|p| p.as_uuid()))),
        )
        .order_by_asc(Column::DueOn)
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db.conn())
        .await?;
    rows.into_iter().map(promise_to_domain).collect()
}

fn promise_row(p: &Promise) -> promise::ActiveModel {
    let (request_id, process_id) = subjects(p.about);
    promise::ActiveModel {
        id: Set(p.id.as_uuid()),
        municipality_id: Set(p.municipality.as_uuid()),
        request_id: Set(request_id),
        process_id: Set(process_id),
        kind: Set(p.kind.code().to_owned()),
        text: Set(p.text.as_str().to_owned()),
        made_by: Set(p.made_by.as_str().to_owned()),
        made_on: Set(p.made_on),
        due_on: Set(p.due_on),
        status: Set(p.status.code().to_owned()),
        settled_on: Set(p.settled_on),
        withdrawal_reason: Set(p.withdrawal_reason.as_ref().map(|r| r.as_str().to_owned())),
        version: Set(p.version),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
}

fn promise_to_domain(row: promise::Model) -> Result<Promise, StorageError> {
    let id = row.id;
    Ok(Promise {
        id: PromiseId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        about: about(id, row.request_id, row.process_id)?,
        kind: code(id, "kind", &row.kind, PromiseKind::from_code)?,
        text: PromiseText::parse("text", &row.text).map_err(|e| corrupt(id, e.message))?,
        made_by: PromisedBy::parse("made_by", &row.made_by).map_err(|e| corrupt(id, e.message))?,
        made_on: row.made_on,
        due_on: row.due_on,
        status: code(id, "status", &row.status, PromiseStatus::from_code)?,
        settled_on: row.settled_on,
        withdrawal_reason: row
            .withdrawal_reason
            .as_deref()
            .map(|r| WithdrawalReason::parse("withdrawal_reason", r).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
