//! The project endpoints: list, read, start, diagnose, move along, history.

use super::input::{DiagnosticInput, ProjectInput, ProjectTransitionInput};
use super::views::{
    ProjectDocument, ProjectEventPage, ProjectEventView, ProjectPage, ProjectSummary, ProjectView, PublicProjectView,
};
use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::participation::{process_param, request_param};
use crate::resources::requests::codes;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use implication_app::Resource;
use implication_app::conventions as usecases;
use implication_app::requests::Offices;
use implication_domain::conventions::{DiagnosticDraft, Project, Readers, TransitionAsk};
use implication_domain::vocabulary::ProjectStatus;
use implication_domain::{Message, Municipality, ProjectEventId, ProjectId};
use implication_storage::Database;
use implication_storage::conventions::convention as conventions_store;
use implication_storage::conventions::{self as store, After, Filter};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_projects)
        .service(get_project)
        .service(create_project)
        .service(put_project_diagnostic)
        .service(transition_project)
        .service(list_project_history)
        .service(get_project_series);
}

fn no_project() -> ApiError {
    ApiError::no(Resource::Project)
}

/// The id in a path; 404 for one that is not an id (it names no project).
pub(crate) fn project_id(raw: &str) -> Result<ProjectId, ApiError> {
    Uuid::parse_str(raw).map(ProjectId::from_uuid).map_err(|_| no_project())
}

fn location_of(municipality: &Municipality, id: ProjectId) -> String {
    format!("/v1/municipalities/{}/projects/{id}", municipality.slug)
}

async fn staff_view(db: &Database, municipality: &Municipality, project: &Project) -> Result<ProjectView, ApiError> {
    let offices = Offices::load(db, municipality).await?;
    let requests = store::requests_of(db, municipality.id, project.id).await?;
    let mut view = ProjectView::new(project, offices.codes(&project.routing), &requests);
    let convention = implication_storage::conventions::convention::of_project(db, municipality.id, project.id).await?;
    view.convention = convention.map(|c| c.convention.id.as_uuid());
    Ok(view)
}

/// The staff view with its `ETag`, under `status`.
async fn respond_staff(
    db: &Database,
    municipality: &Municipality,
    project: &Project,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, ApiError> {
    let view = staff_view(db, municipality, project).await?;
    Ok(HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(project.version)))
        .json(ProjectDocument::Staff(view)))
}

/// Filters of the project list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectListParams {
    /// Any of these statuses: `status=running,completed`. Others than staff never see
    /// `diagnosing` nor `drafting`.
    #[param(value_type = Option<Vec<crate::wire::ProjectStatus>>, style = Form, explode = false,
        example = json!(["running", "completed"]))]
    pub status: Option<String>,
    /// The projects that came from this process.
    #[param(value_type = Option<Uuid>)]
    pub process: Option<String>,
    /// The projects this request started.
    #[param(value_type = Option<Uuid>)]
    pub request: Option<String>,
}

impl ProjectListParams {
    fn parse(&self, readers: Readers) -> Result<Filter, ApiError> {
        let mut errors = Vec::new();
        let status_codes: Vec<&str> = ProjectStatus::ALL.iter().map(|s| s.code()).collect();
        let filter = Filter {
            statuses: codes("status", self.status.as_deref(), ProjectStatus::from_code, &status_codes, &mut errors),
            process: process_param(self.process.as_deref(), &mut errors),
            request: request_param(self.request.as_deref(), &mut errors),
            public_only: !readers.is_staff(),
            party: readers.organisation(),
        };
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors))
        }
    }
}

/// Where a page of projects ended: the creation time and id of its last item.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    t: DateTime<Utc>,
    i: Uuid,
}

/// List fifty-fifty projects
///
/// The municipality's fifty-fifty projects, newest first. Everyone sees those whose convention
/// went to signature, and those that ended (completed, abandoned, taken over by the services);
/// a partner's tool with `projects:read` also those whose convention names its organisation as a
/// party (while drafted too); staff also see those being diagnosed and drafted. Filters combine; `next_cursor` (and `Link`)
/// give the next page.
#[utoipa::path(
    operation_id = "list_projects", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), ProjectListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of projects.", body = ProjectPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/projects")]
pub async fn list_projects(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<ProjectListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let filter = params.parse(usecases::readers(&db, &municipality, &standing).await?)?;
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| After { created_at: c.t, id: ProjectId::from_uuid(c.i) });
    let found = store::list(&db, municipality.id, &filter, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { t: last.created_at, i: last.id.as_uuid() }));
    let body = ProjectPage { items: found.items.iter().map(ProjectSummary::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a fifty-fifty project
///
/// Staff get the staff view (carriers by name, routing, the whole diagnostic with its risks,
/// every request, and the `ETag` that changes need). Anyone gets the public view of a project
/// whose convention went to signature or that ended: organisations by name (people never), its
/// weight, status and outcome, and its published requests; so does a partner's tool with
/// `projects:read` for a project whose convention names its organisation as a party, at any
/// stage (and its `convention` once the text is frozen). Otherwise, 404.
#[utoipa::path(
    operation_id = "get_project", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("project" = Uuid, Path, description = "The project's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The project, in the caller's view.", body = ProjectDocument,
            headers(("ETag" = String, description = "Staff view: its version (`\"3\"`, for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/projects/{project}")]
pub async fn get_project(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let project = usecases::load(&db, &municipality, project_id(&path.1)?).await?;
    let readers = usecases::readers(&db, &municipality, &standing).await?;
    if readers.is_staff() {
        return respond_staff(&db, &municipality, &project, actix_web::http::StatusCode::OK).await;
    }
    let party = match readers.organisation() {
        Some(organisation) => {
            conventions_store::names_organisation(&db, municipality.id, project.id, organisation).await?
        }
        None => false,
    };
    if !project.is_public() && !party {
        return Err(no_project());
    }
    let requests = store::requests_of(&db, municipality.id, project.id).await?;
    let mut view = PublicProjectView::new(&project, &requests);
    let convention = conventions_store::of_project(&db, municipality.id, project.id).await?;
    view.convention = match convention {
        Some(stored) if stored.convention.is_public() => Some(stored.convention.id.as_uuid()),
        // Its parties' tools also follow it to the text they sign, once frozen.
        Some(stored) if party => {
            let c = &stored.convention;
            let current = conventions_store::version(&db, municipality.id, c.id, c.current_version).await?;
            current.filter(|v| v.frozen_for(readers)).map(|_| c.id.as_uuid())
        }
        _ => None,
    };
    Ok(HttpResponse::Ok().json(ProjectDocument::Public(view)))
}

/// Start a fifty-fifty project
///
/// Staff start a project (`diagnosing`, not yet public) from eligible, qualified requests — they
/// move to `in_fifty_fifty` with it, in one transaction; one whose prerequisites do not all hold
/// is a 409 naming the rule `not_eligible_for_fifty_fifty` and each unmet prerequisite — or from a
/// process at the coproduction level (else 409 `not_coproduction`), or both. A request already in
/// another project, or not qualified, is a 409 `request_not_available`. Its carriers default to
/// the associations whose tools sent its requests (a requester's name, personal data, is never
/// copied), its routing to its process's or its first request's.
/// Every invalid field is named at once.
#[utoipa::path(
    operation_id = "create_project", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = ProjectInput, example = json!({
        "title": "Abris de touche du stade Mirabeau",
        "requests": ["0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"],
        "carriers": [{ "kind": "association", "name": "Club de football de la Rivelaine", "interest": "Des abris pour les joueurs" }],
        "routing": { "delegation": "enfance-jeunesse-et-sport", "services": ["service-jeunesse-et-sports", "services-techniques"] }
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Started, being diagnosed.", body = ProjectView,
            headers(("Location" = String, description = "The project's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("GetProject" = (operation_id = "get_project", description = "The project started.",
                    parameters(("municipality" = "$request.path.municipality"), ("project" = "$response.body#/id")))),
                ("RecordDiagnostic" = (operation_id = "put_project_diagnostic",
                    description = "Record its diagnostic (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("project" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")))),
                ("MoveProject" = (operation_id = "transition_project", description = "Move it along its lifecycle.",
                    parameters(("municipality" = "$request.path.municipality"), ("project" = "$response.body#/id")))),
                ("ListHistory" = (operation_id = "list_project_history", description = "Its history.",
                    parameters(("municipality" = "$request.path.municipality"), ("project" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/projects")]
pub async fn create_project(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<ProjectInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let created = usecases::create(&db, actor, municipality, &(&input).into()).await?;
    let response = respond_staff(&db, municipality, &created, actix_web::http::StatusCode::CREATED).await?;
    with_location(response, &location_of(municipality, created.id))
}

/// Record a project's diagnostic
///
/// The services and the elected official weigh the project — `light` (finishing work: quick,
/// cheap) or `heavy` (structural work: long, costly, may fail) —, list its tasks and who is
/// expected to do them, estimate its cost (in cents), and weigh its risks: insurance, conformity
/// of what is built, heritage protection (a UNESCO-listed site needs the heritage architect's
/// review), participants' safety — each open until it has a resolution (how, by whom, when). The
/// document replaces the one before, until the project ends (409 `project_finished`). A heavy
/// project with an open risk cannot take its convention to signature
/// (`diagnostic.ready_for_signature`). Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_project_diagnostic", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("project" = Uuid, Path, description = "The project's id."),
        ("If-Match" = String, Header, description = "The project's ETag.", example = "\"1\"")),
    request_body(content = DiagnosticInput, example = json!({
        "weight": "heavy",
        "tasks": [{ "text": "Couler une dalle de béton", "by": "Le club" }, { "text": "Monter les abris", "by": "Le club" }],
        "estimated_cost_cents": 1_800_000,
        "risks": [
            { "kind": "heritage", "description": "La place Mirabeau est classée au patrimoine mondial de l'UNESCO : l'architecte des bâtiments de France doit avaliser toute construction." },
            { "kind": "insurance", "description": "Les statuts du club ne prévoient pas de travaux de construction." }
        ]
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = ProjectView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/projects/{project}/diagnostic")]
pub async fn put_project_diagnostic(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<DiagnosticInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = DiagnosticDraft::from(&input);
    let id = project_id(&path.1)?;
    let written = usecases::record_diagnostic(&db, actor, municipality, id, expected, &draft).await?;
    respond_staff(&db, municipality, &written, actix_web::http::StatusCode::OK).await
}

/// Change a project's status
///
/// `diagnosing ⇄ drafting` (drafting needs the diagnostic's weight and tasks: 409
/// `diagnostic_incomplete` naming them); `signing` and `running` follow its convention (409
/// `convention_moves_it`); `running → completed`; and from any status before the end,
/// `abandoned` (with a `reason` and what was `learnt`) or `taken_over_by_services` (with a
/// `reason`). Ending a project closes the requests still in it with the matching resolution
/// (`done`, `abandoned`, `taken_over_by_services`), in the same transaction. A change the
/// lifecycle does not allow is a 409 listing the allowed ones. Needs `If-Match`.
#[utoipa::path(
    operation_id = "transition_project", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("project" = Uuid, Path, description = "The project's id."),
        ("If-Match" = String, Header, description = "The project's ETag.", example = "\"2\"")),
    request_body(content = ProjectTransitionInput, example = json!({
        "to": "taken_over_by_services",
        "reason": "Construire en dur sur un site classé demandait un dossier pour l'architecte des bâtiments de France : la commune réalise les abris elle-même."
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved; the history has a new entry.", body = ProjectView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/projects/{project}/transitions")]
pub async fn transition_project(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ProjectTransitionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let ask = TransitionAsk::from(&input);
    let moved = usecases::transition(&db, actor, municipality, project_id(&path.1)?, expected, &ask).await?;
    respond_staff(&db, municipality, &moved, actix_web::http::StatusCode::OK).await
}

/// A project's history
///
/// Every change, oldest first: its start, the requests it started from, each diagnostic recorded,
/// its transitions with their reasons and how its requests closed. Entries are never changed nor
/// removed. Staff only.
#[utoipa::path(
    operation_id = "list_project_history", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("project" = Uuid, Path, description = "The project's id."), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the history.", body = ProjectEventPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/projects/{project}/history")]
pub async fn list_project_history(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let page = paging.parse::<Uuid>()?;
    let project = usecases::load(&db, municipality, project_id(&path.1)?).await?;
    let after = page.after.map(ProjectEventId::from_uuid);
    let found = store::history(&db, municipality.id, project.id, page.limit, after).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last()).flatten().and_then(|last| encode_cursor(&last.id.as_uuid()));
    let body = ProjectEventPage { items: found.items.iter().map(ProjectEventView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// One year of a series.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesYear {
    pub project: Uuid,
    pub title: String,
    pub status: crate::wire::ProjectStatus,
    pub convention: Option<Uuid>,
    pub starts_on: Option<chrono::NaiveDate>,
    pub ends_on: Option<chrono::NaiveDate>,
    pub actual_total_cents: i64,
    pub participants_at_least: u32,
    pub achieved: Option<super::text::AchievedView>,
}

/// What a series added up, per unit achieved.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesTotals {
    pub years: usize,
    pub actual_total_cents: i64,
    pub participants_at_least: u32,
    pub achieved: Vec<super::text::AchievedView>,
}

/// A yearly fifty-fifty's years, the first first, and their totals.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "items": [{ "project": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f01", "title": "Rénovation des chemins ruraux 2018",
        "status": "completed", "convention": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f11", "starts_on": "2018-06-04",
        "ends_on": "2018-06-15", "actual_total_cents": 2480000, "participants_at_least": 12,
        "achieved": { "quantity": 1000, "unit": "m de chemins" } }],
    "totals": { "years": 1, "actual_total_cents": 2480000, "participants_at_least": 12,
        "achieved": [{ "quantity": 1000, "unit": "m de chemins" }] }
}))]
pub struct SeriesView {
    pub items: Vec<SeriesYear>,
    pub totals: SeriesTotals,
}

/// A project's yearly series
///
/// A fifty-fifty renewed year after year (`POST …/conventions/{id}/renewal`): every year of the
/// series this project belongs to, the first first — its period, what it actually cost, how many
/// took part at least, what it achieved — and their totals (per unit achieved: the rural paths
/// add up kilometres). Anyone reads the public years of a public project's series; staff, all.
#[utoipa::path(
    operation_id = "get_project_series", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("project" = Uuid, Path, description = "A project of the series.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The series.", body = SeriesView),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/projects/{project}/series")]
pub async fn get_project_series(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let staff = standing.is_staff();
    let project = usecases::load(&db, &municipality, project_id(&path.1)?).await?;
    if !staff && !project.is_public() {
        return Err(no_project());
    }
    // Back to the first year, then forward to the latest (a series is short: one a year).
    let mut years = vec![project.clone()];
    while let Some(previous) = years[0].renews {
        let Some(found) = store::find(&db, municipality.id, previous).await? else { break };
        years.insert(0, found);
    }
    while let Some(next) = store::renewal_of(&db, municipality.id, years[years.len() - 1].id).await? {
        years.push(next);
    }
    let mut items = Vec::new();
    for year in years.iter().filter(|p| staff || p.is_public()) {
        let stored = conventions_store::of_project(&db, municipality.id, year.id).await?;
        let shown = stored.filter(|c| staff || c.convention.is_public());
        let (mut starts_on, mut ends_on) = (None, None);
        if let Some(stored) = &shown {
            let number = stored.convention.signed_version.unwrap_or(stored.convention.current_version);
            if let Some(version) =
                conventions_store::version(&db, municipality.id, stored.convention.id, number).await?
            {
                (starts_on, ends_on) = (version.content.starts_on, version.content.ends_on);
            }
        }
        let follow_up = shown.as_ref().map(|c| c.follow_up.clone()).unwrap_or_default();
        items.push(SeriesYear {
            project: year.id.as_uuid(),
            title: year.title.as_str().to_owned(),
            status: year.status.into(),
            convention: shown.as_ref().map(|c| c.convention.id.as_uuid()),
            starts_on,
            ends_on,
            actual_total_cents: follow_up.costs.totals().1,
            participants_at_least: follow_up.participants.at_least(),
            achieved: follow_up
                .costs
                .achieved
                .as_ref()
                .map(|a| super::text::AchievedView { quantity: a.quantity, unit: a.unit.clone() }),
        });
    }
    let mut achieved: Vec<super::text::AchievedView> = Vec::new();
    for item in items.iter().filter_map(|i| i.achieved.as_ref()) {
        match achieved.iter_mut().find(|a| a.unit == item.unit) {
            Some(total) => total.quantity += item.quantity,
            None => achieved.push(super::text::AchievedView { quantity: item.quantity, unit: item.unit.clone() }),
        }
    }
    let totals = SeriesTotals {
        years: items.len(),
        actual_total_cents: items.iter().map(|i| i.actual_total_cents).sum(),
        participants_at_least: items.iter().map(|i| i.participants_at_least).sum(),
        achieved,
    };
    Ok(HttpResponse::Ok().json(SeriesView { items, totals }))
}
