//! The services' workload: on a day (and at the end of the months before it), what each service
//! and each agent carries — open and overdue requests, open processes and projects, pending and
//! overdue promises — against the load limit the municipality set per service.

use crate::auth::{InMunicipality, StaffOf};
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use implication_domain::evaluation::workload::{self, Load, over_limit};
use implication_domain::participation::meeting::local_today;
use implication_domain::{Message, time};
use implication_storage::Database;
use implication_storage::evaluation::workload::{self as store, Day};
use implication_storage::identity::services;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkloadParams {
    /// The day (the town's), by default today; not in the future.
    pub on: Option<NaiveDate>,
    /// Also the last day of each of the months before it, this many (0 to 24; by default 0): the
    /// load over time.
    #[param(minimum = 0, maximum = 24, example = 6)]
    pub months: Option<i64>,
}

/// What a service or an agent carries on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadView {
    /// Requests awaiting an outcome (received, being qualified, qualified, in a process or a
    /// project).
    pub open_requests: u64,
    /// Of these, those still awaiting their first answer past the town's answer delay.
    pub overdue_requests: u64,
    /// Processes neither closed nor abandoned.
    pub open_processes: u64,
    /// Fifty-fifty projects that have not reached an outcome.
    pub open_projects: u64,
    /// Promises made and not yet kept or withdrawn.
    pub pending_promises: u64,
    /// Of these, those past their due day.
    pub overdue_promises: u64,
    /// Open requests, processes, projects and pending promises: what the load limit counts.
    pub open: u64,
}

impl From<Load> for LoadView {
    fn from(l: Load) -> Self {
        Self {
            open_requests: l.open_requests,
            overdue_requests: l.overdue_requests,
            open_processes: l.open_processes,
            open_projects: l.open_projects,
            pending_promises: l.pending_promises,
            overdue_promises: l.overdue_promises,
            open: l.open(),
        }
    }
}

/// A service's load, against its limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceLoadView {
    pub code: String,
    pub name: String,
    /// The load limit the municipality set (`PATCH …/services/{service}`); `null`: none.
    pub load_limit: Option<u32>,
    /// Whether its open items are more than its limit: a qualification routing more to it is
    /// warned.
    pub over_limit: bool,
    #[serde(flatten)]
    pub load: LoadView,
}

/// An agent's load: every item routed to one of their services, once.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentLoadView {
    pub account: Uuid,
    pub name: Option<String>,
    /// The codes of their services.
    pub services: Vec<String>,
    #[serde(flatten)]
    pub load: LoadView,
}

/// The load on one day: at its end, each item in the status its history had then.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadPoint {
    pub on: NaiveDate,
    /// Every service of the town, by code.
    pub services: Vec<ServiceLoadView>,
    /// Every active member in at least one service, by name.
    pub agents: Vec<AgentLoadView>,
}

/// The workload on the day asked, after the month ends before it (oldest first).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "points": [{ "on": "2026-12-07",
    "services": [{ "code": "services-techniques", "name": "Services techniques", "load_limit": 40, "over_limit": true,
        "open_requests": 31, "overdue_requests": 4, "open_processes": 3, "open_projects": 5, "pending_promises": 2,
        "overdue_promises": 1, "open": 41 }],
    "agents": [{ "account": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "name": "Amel, services techniques",
        "services": ["services-techniques"], "open_requests": 31, "overdue_requests": 4, "open_processes": 3,
        "open_projects": 5, "pending_promises": 2, "overdue_promises": 1, "open": 41 }] }] }))]
pub struct WorkloadView {
    pub points: Vec<WorkloadPoint>,
}

/// Get the services' workload
///
/// What each service and each agent carries on a day (by default today; `months` adds the last
/// day of each month before it, for the load over time): open and overdue requests, open
/// processes and projects, pending and overdue promises — each item registered by then in the
/// status its history had at the end of the day, counted in every service it is routed to today
/// (routing keeps no history) and once per agent of those services. Beside each service, the load limit the municipality set (`PATCH …/services/{code}`)
/// and whether it is over it: a qualification that routes to a service over its limit carries a
/// warning. The services as whistle-blowers (§4.5.1). Staff only.
#[utoipa::path(
    operation_id = "get_workload", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), WorkloadParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The workload.", body = WorkloadView),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/workload")]
pub async fn get_workload(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    params: web::Query<WorkloadParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let today = local_today(time::now(), municipality.settings.time_zone);
    let days = workload::days(params.on, params.months, today)
        .map_err(|e| ApiError::malformed(Message::new("invalid parameters", "paramètres invalides"), e.0))?;
    let services = services::all_services(&db, municipality.id).await?;
    let members = store::members(&db, municipality.id).await?;
    let assignments: Vec<_> = members.iter().map(|(account, _, services)| (*account, services.clone())).collect();
    let mut points = Vec::with_capacity(days.len());
    for on in days {
        let items = store::items(&db, municipality.id, Day::of(municipality, on)).await?;
        let (by_service, by_agent) = (items.by_service(on), items.by_agent(on, &assignments));
        points.push(WorkloadPoint {
            on,
            services: services
                .iter()
                .map(|s| {
                    let load = by_service.get(&s.id).copied().unwrap_or_default();
                    ServiceLoadView {
                        code: s.code.to_string(),
                        name: s.name.clone(),
                        load_limit: s.load_limit,
                        over_limit: over_limit(load.open(), s.load_limit),
                        load: load.into(),
                    }
                })
                .collect(),
            agents: members
                .iter()
                .map(|(account, name, theirs)| AgentLoadView {
                    account: account.as_uuid(),
                    name: name.clone(),
                    services: services.iter().filter(|s| theirs.contains(&s.id)).map(|s| s.code.to_string()).collect(),
                    load: by_agent.get(account).copied().unwrap_or_default().into(),
                })
                .collect(),
        });
    }
    Ok(HttpResponse::Ok().json(WorkloadView { points }))
}
