//! Participation processes: the town opens a subject to its inhabitants at a participation level,
//! from qualified requests or on its own initiative, and runs it to a decision. Lists, one process
//! in the caller's view, creation, transitions, level changes, linking requests, the decision and
//! the history.

pub mod bodies;
pub mod draws;
pub mod input;
pub mod meetings;
pub mod notices;
pub mod promises;
pub mod reach;
pub mod steps;
pub mod surveys;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_processes)
        .service(get_process)
        .service(create_process)
        .service(transition_process)
        .service(change_process_level)
        .service(link_process_request)
        .service(put_process_decision)
        .service(list_process_history);
    meetings::configure(cfg);
    notices::configure(cfg);
    surveys::configure(cfg);
    steps::configure(cfg);
    promises::configure(cfg);
    reach::configure(cfg);
    bodies::configure(cfg);
    draws::configure(cfg);
}

use crate::auth::{ElectedOf, InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::{codes, slug_param};
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use implication_app::Resource;
use implication_app::participation as usecases;
use implication_app::requests::Offices;
use implication_domain::participation::lifecycle::TransitionAsk;
use implication_domain::participation::{DecisionDraft, Process, Readers};
use implication_domain::vocabulary::{ParticipationLevel, ProcessEventKind, ProcessStatus};
use implication_domain::{Message, Municipality, ProcessEventId, ProcessId, RequestId};
use implication_storage::Database;
use implication_storage::participation::{self as store, After, Filter};
use input::{DecisionInput, LevelInput, LinkInput, ProcessInput, ProcessTransitionInput};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;
use views::{
    ProcessDocument, ProcessEventPage, ProcessEventView, ProcessPage, ProcessSummary, ProcessView, PublicProcessView,
};

pub(crate) fn no_process() -> ApiError {
    ApiError::no(Resource::Process)
}

/// The id in a path; 404 for one that is not an id (it names no process).
pub(crate) fn process_id(raw: &str) -> Result<ProcessId, ApiError> {
    Uuid::parse_str(raw).map(ProcessId::from_uuid).map_err(|_| no_process())
}

/// An id filter of a list (`process`, `request`): the id, or a problem naming the parameter.
fn id_param<T>(
    field: &str,
    what: Message,
    raw: Option<&str>,
    id: fn(Uuid) -> T,
    errors: &mut Vec<implication_domain::FieldError>,
) -> Option<T> {
    match Uuid::parse_str(raw?) {
        Ok(uuid) => Some(id(uuid)),
        Err(_) => {
            errors.push(crate::pagination::field_problem(field, implication_domain::error::Code::Invalid, what));
            None
        }
    }
}

/// The `process` filter of a list.
pub(crate) fn process_param(raw: Option<&str>, errors: &mut Vec<implication_domain::FieldError>) -> Option<ProcessId> {
    let what = Message::new("must be a process id", "doit être un identifiant de démarche");
    id_param("process", what, raw, ProcessId::from_uuid, errors)
}

/// The `request` filter of a list.
pub(crate) fn request_param(raw: Option<&str>, errors: &mut Vec<implication_domain::FieldError>) -> Option<RequestId> {
    let what = Message::new("must be a request id", "doit être un identifiant de demande");
    id_param("request", what, raw, RequestId::from_uuid, errors)
}

/// The meeting id in a path; 404 for one that is not an id (it names no meeting).
pub(crate) fn meeting_id(raw: &str) -> Result<implication_domain::MeetingId, ApiError> {
    Uuid::parse_str(raw).map(implication_domain::MeetingId::from_uuid).map_err(|_| ApiError::no(Resource::Meeting))
}

fn location_of(municipality: &Municipality, id: ProcessId) -> String {
    format!("/v1/municipalities/{}/processes/{id}", municipality.slug)
}

/// Every entry of a process's history (for its level history), at most this many.
const HISTORY_READ: u64 = 1_000;

async fn staff_view(db: &Database, municipality: &Municipality, process: &Process) -> Result<ProcessView, ApiError> {
    let offices = Offices::load(db, municipality).await?;
    let levels = [ProcessEventKind::Created, ProcessEventKind::LevelChanged];
    let events = store::history(db, municipality.id, process.id, &levels, HISTORY_READ, None).await?.items;
    let requests = store::requests_of(db, municipality.id, process.id).await?;
    let mut view = ProcessView::new(process, offices.codes(&process.routing), &events, &requests);
    view.steps_ahead = steps::ahead_of(db, municipality, &[], &[process.id]).await?;
    view.promises = promises::about(db, municipality, &[], &[process.id]).await?;
    Ok(view)
}

async fn respond_staff(
    db: &Database,
    municipality: &Municipality,
    process: &Process,
) -> Result<HttpResponse, ApiError> {
    let view = staff_view(db, municipality, process).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag::from_version(process.version)))
        .json(ProcessDocument::Staff(view)))
}

/// Filters of the process list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcessListParams {
    /// Any of these statuses: `status=open,deciding`. Others than staff never see `preparing`.
    #[param(value_type = Option<Vec<crate::wire::ProcessStatus>>, style = Form, explode = false,
        example = json!(["open", "deciding"]))]
    pub status: Option<String>,
    /// Any of these levels: `level=consultation,coproduction`.
    #[param(value_type = Option<Vec<crate::wire::ParticipationLevel>>, style = Form, explode = false,
        example = json!(["consultation"]))]
    pub level: Option<String>,
    /// A neighbourhood code: the processes whose perimeter names it.
    #[param(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub neighbourhood: Option<String>,
}

impl ProcessListParams {
    fn parse(&self, readers: &Readers) -> Result<Filter, ApiError> {
        let mut errors = Vec::new();
        let status_codes: Vec<&str> = ProcessStatus::ALL.iter().map(|s| s.code()).collect();
        let level_codes: Vec<&str> = ParticipationLevel::ALL.iter().map(|s| s.code()).collect();
        let filter = Filter {
            statuses: codes("status", self.status.as_deref(), ProcessStatus::from_code, &status_codes, &mut errors),
            levels: codes("level", self.level.as_deref(), ParticipationLevel::from_code, &level_codes, &mut errors),
            neighbourhood: slug_param("neighbourhood", self.neighbourhood.as_deref(), &mut errors),
            public_only: *readers != Readers::All,
            association: match readers {
                Readers::PublicAnd { association } => Some(association.clone()),
                _ => None,
            },
        };
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors))
        }
    }
}

/// Where a page of processes ended: the creation time and id of its last item.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    t: DateTime<Utc>,
    i: Uuid,
}

/// List processes
///
/// The municipality's participation processes, newest first. Everyone sees the processes opened
/// to the public (whatever happened to them since); staff also see those in preparation, and a
/// partner's tool with `processes:read` those that gathered a request of its association.
/// Filters combine; `next_cursor` (and `Link`) give the next page.
#[utoipa::path(
    operation_id = "list_processes", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), ProcessListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of processes.", body = ProcessPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/processes")]
pub async fn list_processes(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<ProcessListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let readers = usecases::readers(&db, &municipality, &standing).await?;
    let filter = params.parse(&readers)?;
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| After { created_at: c.t, id: ProcessId::from_uuid(c.i) });
    let found = store::list(&db, municipality.id, &filter, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { t: last.created_at, i: last.id.as_uuid() }));
    let body = ProcessPage { items: found.items.iter().map(ProcessSummary::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a process
///
/// Staff get the staff view (routing, every request gathered, and the `ETag` that changes need);
/// anyone gets the public view of a process once opened: its level and the history of its
/// level changes, its status, its decision, and the published requests it gathered. A partner's
/// tool with `processes:read` gets that view, too, of a process in preparation that gathered a
/// request of its association. Otherwise, 404.
#[utoipa::path(
    operation_id = "get_process", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The process, in the caller's view.", body = ProcessDocument,
            headers(("ETag" = String, description = "Staff view: its version (`\"3\"`, for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/processes/{process}")]
pub async fn get_process(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let process = usecases::load(&db, &municipality, process_id(&path.1)?).await?;
    let readers = usecases::readers(&db, &municipality, &standing).await?;
    if readers == Readers::All {
        return respond_staff(&db, &municipality, &process).await;
    }
    let requests = store::requests_of(&db, municipality.id, process.id).await?;
    if !readers.read(&process, &requests) {
        return Err(no_process());
    }
    let levels = [ProcessEventKind::Created, ProcessEventKind::LevelChanged];
    let events = store::history(&db, municipality.id, process.id, &levels, HISTORY_READ, None).await?.items;
    let mut view = PublicProcessView::new(&process, &events, &requests);
    // What is ahead and promised is public once the process is (a partner's tool reads a
    // process in preparation without them).
    if process.is_public() {
        view.steps_ahead = steps::ahead_of(&db, &municipality, &[], &[process.id]).await?;
        view.promises = promises::about(&db, &municipality, &[], &[process.id]).await?;
    }
    Ok(HttpResponse::Ok().json(ProcessDocument::Public(view)))
}

/// Open a process
///
/// Staff open a process in preparation (`preparing`, not yet public): its subject, description,
/// perimeter (default the whole town), participation level and routing. With `requests`, it
/// starts from those requests, which must be qualified (else a 409 naming the rule
/// `request_not_qualified`) and move to `in_process` with it, in one transaction; without, it is
/// the town's initiative. Every invalid field is named at once.
#[utoipa::path(
    operation_id = "create_process", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = ProcessInput, example = json!({
        "subject": "La vitesse dans la cité 5",
        "description": "Des habitants se plaignent de la vitesse des voitures : deux scénarios à discuter, un stop ou un ralentisseur.",
        "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["cite-5"] },
        "level": "consultation",
        "routing": { "delegation": "travaux-et-urbanisme", "services": ["services-techniques"] },
        "requests": ["0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"]
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, in preparation.", body = ProcessView,
            headers(("Location" = String, description = "The process's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("GetProcess" = (operation_id = "get_process", description = "The process created.",
                    parameters(("municipality" = "$request.path.municipality"), ("process" = "$response.body#/id")))),
                ("OpenProcess" = (operation_id = "transition_process",
                    description = "Open it to the public, or move it on (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("process" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")))),
                ("ChangeLevel" = (operation_id = "change_process_level",
                    description = "Change its participation level, with a reason.",
                    parameters(("municipality" = "$request.path.municipality"), ("process" = "$response.body#/id")))),
                ("LinkRequest" = (operation_id = "link_process_request", description = "Link another qualified request.",
                    parameters(("municipality" = "$request.path.municipality"), ("process" = "$response.body#/id")))),
                ("RecordDecision" = (operation_id = "put_process_decision",
                    description = "Record its decision (elected officials, once `deciding`).",
                    parameters(("municipality" = "$request.path.municipality"), ("process" = "$response.body#/id")))),
                ("ListHistory" = (operation_id = "list_process_history", description = "Its history.",
                    parameters(("municipality" = "$request.path.municipality"), ("process" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes")]
pub async fn create_process(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<ProcessInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let created = usecases::create(&db, actor, municipality, &(&input).into()).await?;
    let view = staff_view(&db, municipality, &created).await?;
    let response = HttpResponse::Created()
        .insert_header((header::ETAG, etag::from_version(created.version)))
        .json(ProcessDocument::Staff(view));
    with_location(response, &location_of(municipality, created.id))
}

/// Change a process's status
///
/// `preparing → open → deciding`, then `decided` by recording the decision
/// (`PUT …/decision`), then `closed`; `abandoned` from any status before `closed`, with a reason.
/// Opening makes the process public. Closing closes the requests still following it with the
/// decision's resolution, abandoning closes them `abandoned` with the reason — in the same
/// transaction. A change the lifecycle does not allow is a 409 listing the allowed ones. Needs
/// `If-Match`.
#[utoipa::path(
    operation_id = "transition_process", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id."),
        ("If-Match" = String, Header, description = "The process's ETag.", example = "\"1\"")),
    request_body(content = ProcessTransitionInput, example = json!({ "to": "open" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved; the history has a new entry.", body = ProcessView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes/{process}/transitions")]
pub async fn transition_process(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ProcessTransitionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let ask = TransitionAsk { to: input.to.map(|t| t.0), reason: input.reason };
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let (moved, _) = usecases::transition(&db, actor, municipality, process_id(&path.1)?, expected, &ask).await?;
    respond_staff(&db, municipality, &moved).await
}

/// Change a process's participation level
///
/// Information, consultation, coproduction: the levels are not watertight ("the consultation
/// turned into coproduction"). The change needs another level than the current one and a reason;
/// the process keeps the history of its levels (`level_history`). Refused once the process is
/// closed or abandoned (409, rule `process_finished`). Needs `If-Match`.
#[utoipa::path(
    operation_id = "change_process_level", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id."),
        ("If-Match" = String, Header, description = "The process's ETag.", example = "\"2\"")),
    request_body(content = LevelInput, example = json!({ "level": "coproduction", "reason": "Les riverains proposent de concevoir l'aménagement avec les services." })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed; `level_history` has a new entry.", body = ProcessView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes/{process}/level")]
pub async fn change_process_level(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<LevelInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let level = input.level.map(|l| l.0);
    let changed = usecases::change_level(
        &db,
        actor,
        municipality,
        process_id(&path.1)?,
        expected,
        level,
        input.reason.as_deref(),
    )
    .await?;
    respond_staff(&db, municipality, &changed).await
}

/// Link a request to a process
///
/// A qualified request joins the process and moves to `in_process`, in one transaction; its
/// requester then follows the process by tracking code. A request that is not qualified is a 409
/// (rule `request_not_qualified`); a process takes requests until its decision (`process_decided`,
/// `process_finished`). Needs the process's `If-Match`.
#[utoipa::path(
    operation_id = "link_process_request", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id."),
        ("If-Match" = String, Header, description = "The process's ETag.", example = "\"2\"")),
    request_body(content = LinkInput, example = json!({ "request": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Linked; both histories have a new entry.", body = ProcessView,
            headers(("ETag" = String, description = "The process's new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes/{process}/requests")]
pub async fn link_process_request(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<LinkInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let request = input.request.map(RequestId::from_uuid);
    let linked = usecases::link(&db, actor, municipality, process_id(&path.1)?, expected, request).await?;
    respond_staff(&db, municipality, &linked).await
}

/// Record a process's decision
///
/// An elected official (or the admin) records what was decided, by whom — the elected officials,
/// the municipal council (with its deliberation's number and date), the participants together,
/// or another authority (named: the school hours belonged to the education authority) — when,
/// why, and how the process's requests end (`done`, `status_quo`, `abandoned`), which closing
/// the process gives them. A process `deciding` becomes `decided`; a decided one has its decision
/// amended (the history says so). Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_process_decision", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id."),
        ("If-Match" = String, Header, description = "The process's ETag.", example = "\"3\"")),
    request_body(content = DecisionInput, example = json!({
        "outcome": "Ni stop ni ralentisseur : la rue reste telle quelle, les riverains s'engagent à en reparler dans un an.",
        "decided_by": "participants", "decided_on": "2026-12-01",
        "rationale": "Les deux scénarios déplaçaient le problème dans les rues voisines.",
        "resolution": "status_quo"
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = ProcessView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/processes/{process}/decision")]
pub async fn put_process_decision(
    db: web::Data<Database>,
    caller: InMunicipality<ElectedOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<DecisionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = DecisionDraft::from(&input);
    let decided = usecases::decide(&db, actor, municipality, process_id(&path.1)?, expected, &draft).await?;
    respond_staff(&db, municipality, &decided).await
}

/// A process's history
///
/// Every change, oldest first: creation, transitions with their reasons, level changes, requests
/// linked, the decision. Entries are never changed nor removed. Staff see who made each change and
/// which request was linked; anyone sees the rest of an opened process's history.
#[utoipa::path(
    operation_id = "list_process_history", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id."), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of the history.", body = ProcessEventPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/processes/{process}/history")]
pub async fn list_process_history(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let page = paging.parse::<Uuid>()?;
    let process = usecases::load(&db, &municipality, process_id(&path.1)?).await?;
    let readers = usecases::readers(&db, &municipality, &standing).await?;
    let staff = readers == Readers::All;
    if !staff && !process.is_public() {
        let requests = store::requests_of(&db, municipality.id, process.id).await?;
        if !readers.read(&process, &requests) {
            return Err(no_process());
        }
    }
    let after = page.after.map(ProcessEventId::from_uuid);
    let found = store::history(&db, municipality.id, process.id, &[], page.limit, after).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last()).flatten().and_then(|last| encode_cursor(&last.id.as_uuid()));
    let body =
        ProcessEventPage { items: found.items.iter().map(|e| ProcessEventView::new(e, staff)).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}
