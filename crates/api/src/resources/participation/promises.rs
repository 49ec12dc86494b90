//! Promises made to requesters (an answer by a date, a meeting, works), followed until kept or
//! withdrawn with a reason. The due day never moves: a promise still pending after it is overdue,
//! and one kept after it shows as kept late.

use super::{process_param, request_param};
use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::{boolean, codes};
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::Resource;
use implication_app::participation::follow_ups::{self, Settlement};
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{Promise, PromiseDraft, sees_only_public};
use implication_domain::vocabulary::PromiseStatus;
use implication_domain::{Message, Municipality, ProcessId, PromiseId, RequestId, time};
use implication_storage::Database;
use implication_storage::participation::follow_ups::{self as store, FollowUpAfter, FollowUpFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn no_promise() -> ApiError {
    ApiError::no(Resource::Promise)
}

fn promise_id(raw: &str) -> Result<PromiseId, ApiError> {
    Uuid::parse_str(raw).map(PromiseId::from_uuid).map_err(|_| no_promise())
}

/// A promise to record, about a request or a process (exactly one).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseInput {
    /// The request whose requester it was made to (or `process`).
    #[schema(value_type = Option<Uuid>)]
    pub request: Option<Uuid>,
    /// The process whose requesters it was made to (or `request`).
    #[schema(value_type = Option<Uuid>)]
    pub process: Option<Uuid>,
    #[schema(value_type = wire::PromiseKind, required = true)]
    pub kind: Option<wire::PromiseKind>,
    /// What was promised.
    #[schema(
        required = true,
        min_length = 1,
        max_length = 1000,
        example = "Une réponse sur le ralentisseur avant la fin du mois"
    )]
    pub text: Option<String>,
    /// Who promised, by office (never a private person's name).
    #[schema(required = true, min_length = 1, max_length = 200, example = "Le maire")]
    pub made_by: Option<String>,
    /// The day it was made, where the municipality is (not in the future); default today.
    #[schema(value_type = Option<NaiveDate>)]
    pub made_on: Option<NaiveDate>,
    /// The day it is due (not before it was made). It never moves.
    #[schema(value_type = NaiveDate, required = true)]
    pub due_on: Option<NaiveDate>,
}

/// A promise kept.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeptInput {
    /// The day it was kept (not before it was made, not in the future); default today.
    #[schema(value_type = Option<NaiveDate>)]
    pub kept_on: Option<NaiveDate>,
}

/// A promise withdrawn.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalInput {
    /// Why: a promise is not dropped in silence.
    #[schema(required = true, min_length = 1, max_length = 2000, example = "La DDTM a refusé l'autorisation.")]
    pub reason: Option<String>,
}

/// A promise, as everyone sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e50", "request": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "process": null,
    "kind": "answer", "text": "Une réponse sur le ralentisseur avant la fin du mois", "made_by": "Le maire",
    "made_on": "2026-11-02", "due_on": "2026-11-30", "status": "kept", "kept_on": "2026-12-10",
    "withdrawn_on": null, "withdrawal_reason": null, "overdue": false, "kept_late": true,
    "created_at": "2026-11-02T17:00:00Z", "updated_at": "2026-12-10T09:00:00Z"
}))]
pub struct PromiseView {
    pub id: Uuid,
    /// The request it is about, if it is a request's.
    pub request: Option<Uuid>,
    /// The process it is about, if it is a process's.
    pub process: Option<Uuid>,
    pub kind: wire::PromiseKind,
    pub text: String,
    pub made_by: String,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: wire::PromiseStatus,
    pub kept_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<String>,
    /// Still pending after its due day.
    pub overdue: bool,
    /// Kept after its due day.
    pub kept_late: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PromiseView {
    pub fn new(p: &Promise, today: NaiveDate) -> Self {
        let (request, process) = p.about.ids();
        let settled = |status| if p.status == status { p.settled_on } else { None };
        Self {
            id: p.id.as_uuid(),
            request: request.map(|r| r.as_uuid()),
            process: process.map(|p| p.as_uuid()),
            kind: p.kind.into(),
            text: p.text.as_str().to_owned(),
            made_by: p.made_by.as_str().to_owned(),
            made_on: p.made_on,
            due_on: p.due_on,
            status: p.status.into(),
            kept_on: settled(PromiseStatus::Kept),
            withdrawn_on: settled(PromiseStatus::Withdrawn),
            withdrawal_reason: p.withdrawal_reason.as_ref().map(|r| r.as_str().to_owned()),
            overdue: p.overdue(today),
            kept_late: p.kept_late(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromisePage {
    pub items: Vec<PromiseView>,
    pub next_cursor: Option<String>,
}

fn respond(promise: &Promise, municipality: &Municipality, status: StatusCode) -> HttpResponse {
    let today = local_today(time::now(), municipality.settings.time_zone);
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(promise.version)))
        .json(PromiseView::new(promise, today))
}

/// Record a promise
///
/// A promise made to the requesters of a request or of a process — an answer by a date, a
/// meeting, works — by whom (an office) and on which day, due on a day that never moves. It is
/// pending until kept or withdrawn with a reason; the requester sees it by tracking code. Staff
/// only.
#[utoipa::path(
    operation_id = "create_promise", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = PromiseInput, example = json!({
        "request": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "kind": "answer",
        "text": "Une réponse sur le ralentisseur avant la fin du mois", "made_by": "Le maire",
        "made_on": "2026-11-02", "due_on": "2026-11-30"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded, pending.", body = PromiseView,
            headers(("Location" = String, description = "The promise's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("KeepPromise" = (operation_id = "keep_promise",
                    description = "Say it was kept (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("promise" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")))),
                ("WithdrawPromise" = (operation_id = "withdraw_promise",
                    description = "Or withdraw it, saying why (`If-Match`: its current `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("promise" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/promises")]
pub async fn create_promise(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<PromiseInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let subject = (input.request.map(RequestId::from_uuid), input.process.map(ProcessId::from_uuid));
    let draft = PromiseDraft {
        kind: input.kind.map(|k| k.0),
        text: input.text,
        made_by: input.made_by,
        made_on: input.made_on,
        due_on: input.due_on,
    };
    let promise = follow_ups::make_promise(&db, municipality, subject, &draft).await?;
    let location = format!("/v1/municipalities/{}/promises/{}", municipality.slug, promise.id);
    with_location(respond(&promise, municipality, StatusCode::CREATED), &location)
}

/// Filters of the promise list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PromiseListParams {
    /// The promises about one request.
    #[param(value_type = Option<Uuid>)]
    pub request: Option<String>,
    /// The promises about one process.
    #[param(value_type = Option<Uuid>)]
    pub process: Option<String>,
    /// Any of these statuses: `status=pending`.
    #[param(value_type = Option<Vec<crate::wire::PromiseStatus>>, style = Form, explode = false,
        example = json!(["pending"]))]
    pub status: Option<String>,
    /// Only those overdue (still pending after their due day; `true`), or the others (`false`).
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct DayCursor {
    d: NaiveDate,
    i: Uuid,
}

/// List promises
///
/// The municipality's promises, the soonest due first, with `overdue` and `kept_late` on each.
/// Everyone sees those about published requests and processes opened to the public; staff see
/// them all.
#[utoipa::path(
    operation_id = "list_promises", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PromiseListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of promises.", body = PromisePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/promises")]
pub async fn list_promises(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<PromiseListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let mut errors = Vec::new();
    let request = request_param(params.request.as_deref(), &mut errors);
    let process = process_param(params.process.as_deref(), &mut errors);
    let status_codes: Vec<&str> = PromiseStatus::ALL.iter().map(|s| s.code()).collect();
    let statuses = codes("status", params.status.as_deref(), PromiseStatus::from_code, &status_codes, &mut errors);
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
        ahead: None,
        statuses,
    };
    let found = store::list_promises(&db, municipality.id, &filter, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&DayCursor { d: last.due_on, i: last.id.as_uuid() }));
    let body = PromisePage { items: found.items.iter().map(|p| PromiseView::new(p, today)).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a promise
///
/// Anyone, once what it is about is public (a published request, a process opened to the
/// public); staff, always. The `ETag` is what settling it needs.
#[utoipa::path(
    operation_id = "get_promise", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("promise" = Uuid, Path, description = "The promise's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The promise.", body = PromiseView,
            headers(("ETag" = String, description = "Its version (`\"1\"`, for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/promises/{promise}")]
pub async fn get_promise(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let promise = follow_ups::load_promise(&db, &municipality, promise_id(&path.1)?).await?;
    if sees_only_public(&standing) && !follow_ups::is_public(&db, &municipality, promise.about).await? {
        return Err(no_promise());
    }
    Ok(respond(&promise, &municipality, StatusCode::OK))
}

/// Keep a promise
///
/// Says the promise was kept, on a day (default today): after its due day, it shows as kept
/// late. A promise already kept or withdrawn changes no more (409, `promise_settled`). Staff
/// only; needs `If-Match`.
#[utoipa::path(
    operation_id = "keep_promise", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("promise" = Uuid, Path, description = "The promise's id."),
        ("If-Match" = String, Header, description = "The promise's ETag.", example = "\"1\"")),
    request_body(content = KeptInput, example = json!({ "kept_on": "2026-12-10" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Kept.", body = PromiseView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/promises/{promise}/kept")]
pub async fn keep_promise(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<KeptInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let settlement = Settlement::Kept(input.kept_on);
    let promise = follow_ups::settle_promise(&db, municipality, promise_id(&path.1)?, expected, &settlement).await?;
    Ok(respond(&promise, municipality, StatusCode::OK))
}

/// Withdraw a promise
///
/// Withdraws a pending promise today, saying why (required). A promise already kept or withdrawn
/// changes no more (409, `promise_settled`). Staff only; needs `If-Match`.
#[utoipa::path(
    operation_id = "withdraw_promise", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("promise" = Uuid, Path, description = "The promise's id."),
        ("If-Match" = String, Header, description = "The promise's ETag.", example = "\"1\"")),
    request_body(content = WithdrawalInput, example = json!({ "reason": "La DDTM a refusé l'autorisation." })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn.", body = PromiseView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/promises/{promise}/withdrawal")]
pub async fn withdraw_promise(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<WithdrawalInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let settlement = Settlement::Withdrawn(input.reason);
    let promise = follow_ups::settle_promise(&db, municipality, promise_id(&path.1)?, expected, &settlement).await?;
    Ok(respond(&promise, municipality, StatusCode::OK))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_promises)
        .service(get_promise)
        .service(create_promise)
        .service(keep_promise)
        .service(withdraw_promise);
}

/// The promises shown in a request's or a process's view: at most this many.
pub const SHOWN: u64 = 50;

/// The promises about these requests and processes, as shown in their views.
pub async fn about(
    db: &Database,
    municipality: &Municipality,
    requests: &[RequestId],
    processes: &[ProcessId],
) -> Result<Vec<PromiseView>, ApiError> {
    let today = local_today(time::now(), municipality.settings.time_zone);
    let promises = store::promises_of(db, municipality.id, requests, processes, SHOWN).await?;
    Ok(promises.iter().map(|p| PromiseView::new(p, today)).collect())
}
