//! The steps still ahead of a request or a process (a permit, another authority, the council,
//! the works) with the day each is expected: recorded and moved by staff, read by everyone when
//! what they are about is public, and by the requester with the tracking code.

use super::{process_param, request_param};
use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::boolean;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::Resource;
use implication_app::participation::follow_ups;
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{Step, StepDraft, sees_only_public};
use implication_domain::{Message, Municipality, ProcessId, RequestId, StepId, time};
use implication_storage::Database;
use implication_storage::participation::follow_ups::{self as store, FollowUpAfter, FollowUpFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn no_step() -> ApiError {
    ApiError::no(Resource::Step)
}

/// A step to record, about a request or a process (exactly one).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    /// The request it is ahead of (or `process`).
    #[schema(value_type = Option<Uuid>)]
    pub request: Option<Uuid>,
    /// The process it is ahead of (or `request`).
    #[schema(value_type = Option<Uuid>)]
    pub process: Option<Uuid>,
    #[schema(value_type = wire::StepKind, required = true)]
    pub kind: Option<wire::StepKind>,
    #[schema(
        required = true,
        min_length = 1,
        max_length = 500,
        example = "Délibération du conseil municipal sur le budget"
    )]
    pub description: Option<String>,
    /// The day it is expected, where the municipality is.
    #[schema(value_type = NaiveDate, required = true)]
    pub expected_on: Option<NaiveDate>,
    /// The day it was done already (not in the future), if it is recorded afterwards.
    #[schema(value_type = Option<NaiveDate>)]
    pub done_on: Option<NaiveDate>,
}

/// The changes to a step: every field optional; what it is about is fixed.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepChanges {
    #[schema(value_type = Option<wire::StepKind>)]
    pub kind: Option<wire::StepKind>,
    #[schema(min_length = 1, max_length = 500)]
    pub description: Option<String>,
    /// The day it is now expected: moving it later keeps the first one given
    /// (`first_expected_on`), and `slipped` says so.
    #[schema(value_type = Option<NaiveDate>)]
    pub expected_on: Option<NaiveDate>,
    /// The day it was done (not in the future): it is no longer ahead. Not taken back.
    #[schema(value_type = Option<NaiveDate>)]
    pub done_on: Option<NaiveDate>,
}

impl From<&StepInput> for StepDraft {
    fn from(i: &StepInput) -> Self {
        Self {
            kind: i.kind.map(|k| k.0),
            description: i.description.clone(),
            expected_on: i.expected_on,
            done_on: i.done_on,
        }
    }
}

impl From<&StepChanges> for StepDraft {
    fn from(i: &StepChanges) -> Self {
        Self {
            kind: i.kind.map(|k| k.0),
            description: i.description.clone(),
            expected_on: i.expected_on,
            done_on: i.done_on,
        }
    }
}

/// A step, as everyone sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e40", "request": null, "process": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01",
    "kind": "council", "description": "Délibération du conseil municipal sur le budget",
    "expected_on": "2027-02-12", "first_expected_on": "2027-01-15", "slipped": true, "done_on": null,
    "ahead": true, "overdue": false, "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-05T09:00:00Z"
}))]
pub struct StepView {
    pub id: Uuid,
    /// The request it is ahead of, if it is a request's.
    pub request: Option<Uuid>,
    /// The process it is ahead of, if it is a process's.
    pub process: Option<Uuid>,
    pub kind: wire::StepKind,
    pub description: String,
    /// The day it is expected now, where the municipality is.
    pub expected_on: NaiveDate,
    /// The day first given.
    pub first_expected_on: NaiveDate,
    /// Expected later than first said.
    pub slipped: bool,
    pub done_on: Option<NaiveDate>,
    /// Not done yet.
    pub ahead: bool,
    /// Not done, and its expected day has passed.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StepView {
    pub fn new(s: &Step, today: NaiveDate) -> Self {
        let (request, process) = s.about.ids();
        Self {
            id: s.id.as_uuid(),
            request: request.map(|r| r.as_uuid()),
            process: process.map(|p| p.as_uuid()),
            kind: s.kind.into(),
            description: s.description.as_str().to_owned(),
            expected_on: s.expected_on,
            first_expected_on: s.first_expected_on,
            slipped: s.slipped(),
            done_on: s.done_on,
            ahead: s.is_ahead(),
            overdue: s.overdue(today),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepPage {
    pub items: Vec<StepView>,
    pub next_cursor: Option<String>,
}

fn respond(step: &Step, municipality: &Municipality, status: StatusCode) -> HttpResponse {
    let today = local_today(time::now(), municipality.settings.time_zone);
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(step.version)))
        .json(StepView::new(step, today))
}

/// Record a step ahead
///
/// A step still ahead of a request or a process — a permit, another authority's decision, the
/// council, a study, the works — with the day it is expected. The requester sees it by tracking
/// code; everyone sees it once the request is published or the process opened. Staff only.
#[utoipa::path(
    operation_id = "create_step", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = StepInput, example = json!({
        "process": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01", "kind": "council",
        "description": "Délibération du conseil municipal sur le budget", "expected_on": "2027-01-15"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = StepView,
            headers(("Location" = String, description = "The step's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(("UpdateStep" = (operation_id = "update_step",
                description = "Move its expected day, or mark it done (`If-Match`: this answer's `ETag`).",
                parameters(("municipality" = "$request.path.municipality"), ("step" = "$response.body#/id"),
                    ("If-Match" = "$response.header.ETag")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/steps")]
pub async fn create_step(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<StepInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let subject = (input.request.map(RequestId::from_uuid), input.process.map(ProcessId::from_uuid));
    let step = follow_ups::add_step(&db, municipality, subject, &StepDraft::from(&input)).await?;
    let location = format!("/v1/municipalities/{}/steps/{}", municipality.slug, step.id);
    with_location(respond(&step, municipality, StatusCode::CREATED), &location)
}

/// Filters of the step list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StepListParams {
    /// The steps of one request.
    #[param(value_type = Option<Uuid>)]
    pub request: Option<String>,
    /// The steps of one process.
    #[param(value_type = Option<Uuid>)]
    pub process: Option<String>,
    /// Only those still ahead (`true`), or those done (`false`).
    #[param(value_type = Option<bool>)]
    pub ahead: Option<String>,
    /// Only those overdue (still ahead after their expected day; `true`), or the others (`false`).
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct DayCursor {
    d: NaiveDate,
    i: Uuid,
}

/// List steps ahead
///
/// The municipality's steps, the soonest expected first, with `overdue` on each and as a filter.
/// Everyone sees those about published requests and processes opened to the public; staff see
/// them all.
#[utoipa::path(
    operation_id = "list_steps", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), StepListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of steps.", body = StepPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/steps")]
pub async fn list_steps(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<StepListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let mut errors = Vec::new();
    let request = request_param(params.request.as_deref(), &mut errors);
    let process = process_param(params.process.as_deref(), &mut errors);
    let ahead = boolean("ahead", params.ahead.as_deref(), &mut errors);
    let overdue = boolean("overdue", params.overdue.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors));
    }
    let page = paging.parse::<DayCursor>()?;
    let after = page.after.map(|c| FollowUpAfter { on: c.d, id: c.i });
    let today = local_today(time::now(), municipality.settings.time_zone);
    let filter = FollowUpFilter {
        request,
        process,
        public_only: sees_only_public(&standing),
        overdue: overdue.map(|o| (o, today)),
        ahead,
        statuses: Vec::new(),
    };
    let found = store::list_steps(&db, municipality.id, &filter, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&DayCursor { d: last.expected_on, i: last.id.as_uuid() }));
    let body = StepPage { items: found.items.iter().map(|s| StepView::new(s, today)).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

fn step_id(raw: &str) -> Result<StepId, ApiError> {
    Uuid::parse_str(raw).map(StepId::from_uuid).map_err(|_| no_step())
}

/// Get a step
///
/// Anyone, once what it is about is public (a published request, a process opened to the
/// public); staff, always. The `ETag` is what a change needs.
#[utoipa::path(
    operation_id = "get_step", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("step" = Uuid, Path, description = "The step's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The step.", body = StepView,
            headers(("ETag" = String, description = "Its version (`\"2\"`, for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/steps/{step}")]
pub async fn get_step(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let step = follow_ups::load_step(&db, &municipality, step_id(&path.1)?).await?;
    if sees_only_public(&standing) && !follow_ups::is_public(&db, &municipality, step.about).await? {
        return Err(no_step());
    }
    Ok(respond(&step, &municipality, StatusCode::OK))
}

/// Change a step
///
/// Move its expected day (the first one given stays, and `slipped` says it moved later), correct
/// its kind or description, or mark it done with the day it was done (not in the future; not
/// taken back). Fields left out are kept; `request` and `process` are not changed. Staff only;
/// needs `If-Match`.
#[utoipa::path(
    operation_id = "update_step", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("step" = Uuid, Path, description = "The step's id."),
        ("If-Match" = String, Header, description = "The step's ETag.", example = "\"1\"")),
    request_body(content = StepChanges, example = json!({ "expected_on": "2027-02-12" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = StepView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/steps/{step}")]
pub async fn update_step(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<StepChanges>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let step =
        follow_ups::change_step(&db, municipality, step_id(&path.1)?, expected, &StepDraft::from(&input)).await?;
    Ok(respond(&step, municipality, StatusCode::OK))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_steps).service(get_step).service(create_step).service(update_step);
}

/// The steps still ahead shown in a request's or a process's view: at most this many.
pub const SHOWN: u64 = 50;

/// The steps ahead of these requests and processes, as shown in their views.
pub async fn ahead_of(
    db: &Database,
    municipality: &Municipality,
    requests: &[RequestId],
    processes: &[ProcessId],
) -> Result<Vec<StepView>, ApiError> {
    let today = local_today(time::now(), municipality.settings.time_zone);
    let steps = store::steps_ahead_of(db, municipality.id, requests, processes, SHOWN).await?;
    Ok(steps.iter().map(|s| StepView::new(s, today)).collect())
}
