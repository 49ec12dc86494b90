//! What the services' workload is made of on a day, each item registered by then in the status
//! its history had at the end of that day (routed as it is routed today: routing keeps no
//! history): the routed requests counted by service and by agent (one statement each),
//! the processes and projects with their routing, the promises pending with their request's or
//! process's routing. The domain (`evaluation::workload`) adds them up.

use super::sql::{Sql, count};
use crate::Database;
use crate::error::StorageError;
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::evaluation::Period;
use implication_domain::evaluation::workload::{Items, PendingPromise, RequestCount, Routed};
use implication_domain::requests::late_before;
use implication_domain::vocabulary::{ProcessStatus, ProjectStatus, RequestStatus};
use implication_domain::{AccountId, Municipality, MunicipalityId, ServiceId};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The day the load is read on.
#[derive(Debug, Clone, Copy)]
pub struct Day {
    pub on: NaiveDate,
    /// The first instant after it, where the town is.
    pub end: DateTime<Utc>,
    /// Requests received before this day and still awaiting an answer on `on` are late.
    pub late_before: NaiveDate,
}

impl Day {
    /// Day `on` of `municipality`: its end where the town is, and its late day.
    pub fn of(municipality: &Municipality, on: NaiveDate) -> Self {
        let (_, end) = Period { from: on, to: on }.instants(municipality.settings.time_zone);
        Self { on, end, late_before: late_before(on, municipality.settings.answer_delay_days) }
    }
}

/// An active member of the municipality in at least one service: their account, name, services.
pub type Member = (AccountId, Option<String>, Vec<ServiceId>);

/// The status an item had at the end of the day: its history's last status before `end`.
fn status_then(events: &str, owner: &str, id: &str, end: &str) -> String {
    format!(
        "(SELECT e.to_status FROM {events} e WHERE e.{owner} = {id} AND e.to_status IS NOT NULL AND e.at < {end} \
         ORDER BY e.at DESC, e.id DESC LIMIT 1)"
    )
}

fn corrupt(what: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("a {what} {value:?}"))
}

/// Everything routed to the municipality's services on `day`.
pub async fn items(db: &Database, municipality: MunicipalityId, day: Day) -> Result<Items, StorageError> {
    let by_service = requests(db, municipality, day, false).await?;
    let by_agent = requests(db, municipality, day, true).await?;
    let processes = routed(db, municipality, day, "processes", "process_events", "process_id").await?;
    let projects = routed(db, municipality, day, "projects", "project_events", "project_id").await?;
    let mut items = Items {
        requests_by_service: by_service
            .into_iter()
            .map(|(holder, status, late, count)| RequestCount {
                holder: ServiceId::from_uuid(holder),
                status,
                received_before_late_day: late,
                count,
            })
            .collect(),
        requests_by_agent: by_agent
            .into_iter()
            .map(|(holder, status, late, count)| RequestCount {
                holder: AccountId::from_uuid(holder),
                status,
                received_before_late_day: late,
                count,
            })
            .collect(),
        ..Items::default()
    };
    let process_services: BTreeMap<Uuid, Vec<ServiceId>> =
        processes.iter().map(|(id, _, services)| (*id, services.clone())).collect();
    for (_, status, services) in processes {
        if let Some(status) = status {
            let status = ProcessStatus::from_code(&status).ok_or_else(|| corrupt("process status", &status))?;
            items.processes.push(Routed { status, services });
        }
    }
    for (_, status, services) in projects {
        if let Some(status) = status {
            let status = ProjectStatus::from_code(&status).ok_or_else(|| corrupt("project status", &status))?;
            items.projects.push(Routed { status, services });
        }
    }
    items.promises = promises(db, municipality, day, &process_services).await?;
    Ok(items)
}

type RequestRow = (Uuid, RequestStatus, bool, u64);

/// The routed requests received by `day`, by service (or by agent, counting a request once per
/// agent), status on the day, and whether received before the late day.
async fn requests(
    db: &Database,
    municipality: MunicipalityId,
    day: Day,
    by_agent: bool,
) -> Result<Vec<RequestRow>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (on, end, late_before) = (sql.day(day.on), sql.bind(day.end), sql.day(day.late_before));
    let status = status_then("request_events", "request_id", "q.id", &end);
    let received = RequestStatus::Received.code();
    let (holder, join, counted) = if by_agent {
        (
            "sm.account_id",
            format!(
                "JOIN service_members sm ON sm.service_id = rs.service_id \
                 JOIN memberships m ON m.account_id = sm.account_id AND m.municipality_id = {town} AND m.active = TRUE"
            ),
            "COUNT(DISTINCT r.id)",
        )
    } else {
        ("rs.service_id", String::new(), "COUNT(*)")
    };
    sql.text = format!(
        "WITH r AS (SELECT q.id AS id, q.received_on AS received_on, COALESCE({status}, '{received}') AS status \
           FROM requests q WHERE q.municipality_id = {town} AND q.received_on <= {on} AND q.created_at < {end} \
           AND q.id IN (SELECT rs.request_id FROM request_routed_services rs WHERE rs.municipality_id = {town})) \
         SELECT {holder}, r.status, CASE WHEN r.received_on < {late_before} THEN 1 ELSE 0 END, {counted} \
         FROM r JOIN request_routed_services rs ON rs.request_id = r.id {join} GROUP BY 1, 2, 3"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let status: String = row.try_get_by_index(1)?;
            let late: i32 = row.try_get_by_index(2)?;
            Ok((
                row.try_get_by_index(0)?,
                RequestStatus::from_code(&status).ok_or_else(|| corrupt("request status", &status))?,
                late == 1,
                count(row, 3)?,
            ))
        })
        .collect()
}

/// The processes or projects created by `day`'s end: id, status on the day, routed services.
async fn routed(
    db: &Database,
    municipality: MunicipalityId,
    day: Day,
    table: &str,
    events: &str,
    owner: &str,
) -> Result<Vec<(Uuid, Option<String>, Vec<ServiceId>)>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let end = sql.bind(day.end);
    let status = status_then(events, owner, "t.id", &end);
    sql.text = format!(
        "SELECT t.id, {status}, t.routed_services FROM {table} t WHERE t.municipality_id = {town} AND t.created_at < {end}"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let (id, status, routing): (Uuid, Option<String>, String) =
                (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            let services: Vec<Uuid> =
                serde_json::from_str(&routing).map_err(|e| StorageError::Corrupt(format!("{table} {id}: {e}")))?;
            Ok((id, status, services.into_iter().map(ServiceId::from_uuid).collect()))
        })
        .collect()
}

/// The promises pending on `day` (made by then, not settled by then), with the services of their
/// request (its routing) or of their process (`processes`).
async fn promises(
    db: &Database,
    municipality: MunicipalityId,
    day: Day,
    processes: &BTreeMap<Uuid, Vec<ServiceId>>,
) -> Result<Vec<PendingPromise>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let on = sql.day(day.on);
    sql.text = format!(
        "SELECT p.id, p.due_on, p.process_id, rs.service_id FROM promises p \
         LEFT JOIN request_routed_services rs ON rs.request_id = p.request_id \
         WHERE p.municipality_id = {town} AND p.made_on <= {on} AND (p.settled_on IS NULL OR p.settled_on > {on})"
    );
    let mut pending: BTreeMap<Uuid, PendingPromise> = BTreeMap::new();
    for row in sql.rows(db).await? {
        let (id, due_on, process, service): (Uuid, NaiveDate, Option<Uuid>, Option<Uuid>) =
            (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?, row.try_get_by_index(3)?);
        let promise = pending.entry(id).or_insert_with(|| PendingPromise {
            due_on,
            services: process.and_then(|p| processes.get(&p).cloned()).unwrap_or_default(),
        });
        if let Some(service) = service {
            promise.services.push(ServiceId::from_uuid(service));
        }
    }
    Ok(pending.into_values().collect())
}

/// The municipality's active members who belong to at least one service.
pub async fn members(db: &Database, municipality: MunicipalityId) -> Result<Vec<Member>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    sql.text = format!(
        "SELECT sm.account_id, a.display_name, sm.service_id FROM service_members sm \
         JOIN services s ON s.id = sm.service_id AND s.municipality_id = {town} \
         JOIN accounts a ON a.id = sm.account_id \
         JOIN memberships m ON m.account_id = sm.account_id AND m.municipality_id = {town} AND m.active = TRUE \
         ORDER BY a.display_name IS NULL, a.display_name, sm.account_id"
    );
    let mut members: Vec<Member> = Vec::new();
    for row in sql.rows(db).await? {
        let (account, name, service): (Uuid, Option<String>, Uuid) =
            (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
        let account = AccountId::from_uuid(account);
        match members.iter_mut().find(|(a, ..)| *a == account) {
            Some((.., services)) => services.push(ServiceId::from_uuid(service)),
            None => members.push((account, name, vec![ServiceId::from_uuid(service)])),
        }
    }
    Ok(members)
}
