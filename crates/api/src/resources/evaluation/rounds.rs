//! Evaluation rounds (§6.2.2): the fifty-fifty self-evaluation group reviewing a set of projects
//! — the carriers' survey, the mixed working group, its findings, failures included.

use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::Resource;
use implication_app::evaluation::rounds as usecases;
use implication_domain::evaluation::round::{Round, RoundDraft};
use implication_domain::{Municipality, ProjectId, RoundId};
use implication_storage::Database;
use implication_storage::evaluation::rounds as store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn round_id(raw: &str) -> Result<RoundId, ApiError> {
    Uuid::parse_str(raw).map(RoundId::from_uuid).map_err(|_| ApiError::no(Resource::Round))
}

/// The internal survey of the projects' carriers.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CarriersSurveyDoc {
    /// How many carriers were asked.
    #[schema(minimum = 0, maximum = 1_000_000, example = 12)]
    pub asked: Option<i64>,
    /// How many answered (no more than asked).
    #[schema(minimum = 0, maximum = 1_000_000, example = 9)]
    pub answered: Option<i64>,
    /// What they said.
    #[schema(min_length = 1, max_length = 5_000)]
    pub summary: Option<String>,
}

/// The mixed working group's meeting.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingGroupDoc {
    pub met_on: Option<NaiveDate>,
    /// Who sat in it.
    #[schema(min_length = 1, max_length = 5_000, example = "3 élus, 4 agents, 5 porteurs de projets")]
    pub composition: Option<String>,
}

/// A finding, about one of the round's projects or (`project: null`) the round as a whole.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingDoc {
    pub project: Option<Uuid>,
    pub kind: Option<wire::FindingKind>,
    #[schema(min_length = 1, max_length = 5_000)]
    pub text: Option<String>,
}

/// An evaluation round.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f55", "version": 4, "title": "Bilan des fifty-fifty 2026",
    "projects": ["0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22"], "status": "concluded",
    "carriers_survey": { "asked": 12, "answered": 9, "summary": "Les porteurs saluent l'appui des services, pas les délais." },
    "working_group": { "met_on": "2026-11-20", "composition": "3 élus, 4 agents, 5 porteurs de projets" },
    "findings": [{ "project": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22", "kind": "failure",
        "text": "L'arrosage des bacs s'est perdu au second été : l'entretien reposait sur trois voisins." }],
    "concluded_at": "2026-11-27T10:00:00Z", "created_at": "2026-10-01T09:00:00Z", "updated_at": "2026-11-27T10:00:00Z"
}))]
pub struct RoundView {
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub title: String,
    /// The projects it reviews.
    pub projects: Vec<Uuid>,
    pub status: wire::RoundStatus,
    pub carriers_survey: Option<CarriersSurveyDoc>,
    pub working_group: Option<WorkingGroupDoc>,
    pub findings: Vec<FindingDoc>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Round> for RoundView {
    fn from(r: &Round) -> Self {
        Self {
            id: r.id.as_uuid(),
            version: r.version,
            title: r.title.clone(),
            projects: r.projects.iter().map(ProjectId::as_uuid).collect(),
            status: r.status.into(),
            carriers_survey: r.carriers_survey.as_ref().map(|s| CarriersSurveyDoc {
                asked: Some(s.asked.into()),
                answered: Some(s.answered.into()),
                summary: Some(s.summary.clone()),
            }),
            working_group: r
                .working_group
                .as_ref()
                .map(|g| WorkingGroupDoc { met_on: Some(g.met_on), composition: Some(g.composition.clone()) }),
            findings: r
                .findings
                .iter()
                .map(|f| FindingDoc {
                    project: f.project.map(|p| p.as_uuid()),
                    kind: Some(f.kind.into()),
                    text: Some(f.text.clone()),
                })
                .collect(),
            concluded_at: r.concluded_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoundPage {
    pub items: Vec<RoundView>,
    pub next_cursor: Option<String>,
}

/// A round as received: a new one needs its title and projects; a change gives what changes
/// (`findings` replaces them all).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    #[schema(min_length = 1, max_length = 200, example = "Bilan des fifty-fifty 2026")]
    pub title: Option<String>,
    /// The town's projects it reviews (1 to 50).
    #[schema(max_items = 50)]
    pub projects: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub carriers_survey: Option<CarriersSurveyDoc>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub working_group: Option<WorkingGroupDoc>,
    #[schema(max_items = 100)]
    pub findings: Option<Vec<FindingDoc>>,
}

impl From<RoundInput> for RoundDraft {
    fn from(input: RoundInput) -> Self {
        Self {
            title: input.title,
            projects: input.projects,
            carriers_survey: input.carriers_survey.map(|s| (s.asked, s.answered, s.summary)),
            working_group: input.working_group.map(|g| (g.met_on, g.composition)),
            findings: input
                .findings
                .map(|list| list.into_iter().map(|f| (f.project, f.kind.map(|k| k.0), f.text)).collect()),
        }
    }
}

/// A round's next step.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundTransition {
    /// `working_group` (after the carriers' survey is recorded), then `concluded` (once the group
    /// met and found something). Required.
    pub to: Option<wire::RoundStatus>,
}

/// These rounds as the public reads them (one read of their projects' publicity for them all).
async fn public_views(
    db: &Database,
    municipality: &Municipality,
    rounds: &[Round],
) -> Result<Vec<RoundView>, ApiError> {
    let ids: Vec<Uuid> = rounds.iter().flat_map(|r| &r.projects).map(ProjectId::as_uuid).collect();
    let subjects = implication_storage::evaluation::participants::subjects(db, municipality.id, &ids).await?;
    let public = |p: &ProjectId| subjects.get(&p.as_uuid()).is_some_and(|(_, public)| *public);
    Ok(rounds.iter().map(|r| RoundView::from(&r.seen_by_public(public))).collect())
}

fn respond(r: &Round, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, etag::from_version(r.version))).json(RoundView::from(r))
}

fn location_of(municipality: &Municipality, id: RoundId) -> String {
    format!("/v1/municipalities/{}/evaluation-rounds/{id}", municipality.slug)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundParams {
    /// The rounds that reviewed this project.
    pub project: Option<Uuid>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    c: DateTime<Utc>,
    i: Uuid,
}

/// List evaluation rounds
///
/// The self-evaluation rounds of the town's fifty-fifty projects, newest first; `project` keeps
/// those that reviewed it. Anyone reads the concluded ones, findings and failures included; staff
/// also those under way.
#[utoipa::path(
    operation_id = "list_evaluation_rounds", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), RoundParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of rounds.", body = RoundPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/evaluation-rounds")]
pub async fn list_evaluation_rounds(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<RoundParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| (c.c, RoundId::from_uuid(c.i)));
    let project = params.project.map(ProjectId::from_uuid);
    let staff = standing.is_staff();
    let found = store::list(&db, municipality.id, !staff, project, page.limit, after).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { c: last.created_at, i: last.id.as_uuid() }));
    let items = if staff {
        found.items.iter().map(RoundView::from).collect()
    } else {
        public_views(&db, &municipality, &found.items).await?
    };
    let body = RoundPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get an evaluation round
///
/// Anyone reads a concluded one — without the projects the public may not read yet (being
/// diagnosed or drafted) nor what was found about them; staff any, whole, with the `ETag` a change
/// needs. Otherwise 404.
#[utoipa::path(
    operation_id = "get_evaluation_round", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("round" = Uuid, Path, description = "The round's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The round.", body = RoundView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/evaluation-rounds/{round}")]
pub async fn get_evaluation_round(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let round = usecases::load(&db, &municipality, round_id(&path.1)?).await?;
    if standing.is_staff() {
        return Ok(respond(&round, StatusCode::OK));
    }
    if !round.is_public() {
        return Err(ApiError::no(Resource::Round));
    }
    let view = public_views(&db, &municipality, std::slice::from_ref(&round)).await?.pop();
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag::from_version(round.version))).json(view))
}

/// Open an evaluation round
///
/// Staff open a round on a set of the town's projects (422 naming each unknown one); it starts
/// with the internal survey of their carriers.
#[utoipa::path(
    operation_id = "create_evaluation_round", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = RoundInput, example = json!({
        "title": "Bilan des fifty-fifty 2026", "projects": ["0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22"]
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened.", body = RoundView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetEvaluationRound" = (operation_id = "get_evaluation_round", description = "The round opened.",
                    parameters(("municipality" = "$request.path.municipality"), ("round" = "$response.body#/id")))),
                ("ChangeEvaluationRound" = (operation_id = "patch_evaluation_round",
                    description = "Record its carriers' survey (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("round" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/evaluation-rounds")]
pub async fn create_evaluation_round(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<RoundInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let round = usecases::open(&db, municipality, &input.into()).await?;
    with_location(respond(&round, StatusCode::CREATED), &location_of(municipality, round.id))
}

/// Change an evaluation round
///
/// Its title, projects, the carriers' survey (`asked`, `answered`, what they said), the working
/// group (when it met, who sat in it) and its findings (replaced whole; each about one of the
/// round's projects or the round as a whole: successes, difficulties, failures,
/// recommendations). What is left out stays. Until it is concluded (409 `round_concluded`).
/// Staff only; needs `If-Match`.
#[utoipa::path(
    operation_id = "patch_evaluation_round", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("round" = Uuid, Path, description = "The round's id."),
        ("If-Match" = String, Header, description = "The round's ETag.", example = "\"1\"")),
    request_body(content = RoundInput, example = json!({
        "carriers_survey": { "asked": 12, "answered": 9, "summary": "Les porteurs saluent l'appui des services, pas les délais." }
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = RoundView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/evaluation-rounds/{round}")]
pub async fn patch_evaluation_round(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<RoundInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let changed = usecases::change(&db, &caller.municipality, round_id(&path.1)?, expected, &input.into()).await?;
    Ok(respond(&changed, StatusCode::OK))
}

/// Move an evaluation round on
///
/// To the mixed `working_group` once the carriers' survey is recorded (409 `survey_not_recorded`),
/// then `concluded` once the group met and found something (409 `no_findings`): concluded, it is
/// public and changes no more. Staff only; needs `If-Match`.
#[utoipa::path(
    operation_id = "transition_evaluation_round", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("round" = Uuid, Path, description = "The round's id."),
        ("If-Match" = String, Header, description = "The round's ETag.", example = "\"2\"")),
    request_body(content = RoundTransition, example = json!({ "to": "working_group" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved on.", body = RoundView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/evaluation-rounds/{round}/transitions")]
pub async fn transition_evaluation_round(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<RoundTransition>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let moved =
        usecases::advance(&db, &caller.municipality, round_id(&path.1)?, expected, input.to.map(|t| t.0)).await?;
    Ok(respond(&moved, StatusCode::OK))
}
