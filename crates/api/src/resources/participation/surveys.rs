//! Surveys of a process: the question and its options, ballot codes handed out on paper,
//! ballots (by an account or a code, one each), paper ballots entered in bulk, and results —
//! responses, participation, the share of each option — public once the survey closes.

use super::process_id;
use crate::auth::{AuthState, InMunicipality, StaffOf, Visitor};
use crate::extract::JsonBody;
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, TooManyRequests,
    TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use implication_app::Resource;
use implication_app::participation::{self as usecases, surveys};
use implication_domain::participation::survey::{OptionDraft, Results, SurveyPhase};
use implication_domain::participation::{Survey, SurveyDraft, sees_only_public};
use implication_domain::{Message, Municipality, SurveyId, time};
use implication_storage::Database;
use implication_storage::participation::surveys::{self as store, SurveyAfter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn no_survey() -> ApiError {
    ApiError::no(Resource::Survey)
}

fn survey_id(raw: &str) -> Result<SurveyId, ApiError> {
    Uuid::parse_str(raw).map(SurveyId::from_uuid).map_err(|_| no_survey())
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    #[schema(required = true, min_length = 1, max_length = 200, example = "Scénario 3 : mercredi matin")]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 2000)]
    pub description: Option<String>,
}

/// A new survey.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub question: Option<String>,
    /// 2 to 20 options, numbered from 1 in this order.
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(min_items = 2, max_items = 20)]
    pub options: Vec<OptionInput>,
    /// The eligible population (participation is responses over it).
    #[schema(required = true, minimum = 1, maximum = 10000000, example = 677)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub eligible: Option<i64>,
    #[schema(value_type = wire::EligibleUnit, required = true)]
    pub eligible_unit: Option<wire::EligibleUnit>,
    #[schema(required = true)]
    pub opens_at: Option<DateTime<Utc>>,
    /// After `opens_at`.
    #[schema(required = true)]
    pub closes_at: Option<DateTime<Utc>>,
    /// Results public while it runs; otherwise from its closing.
    #[serde(default)]
    pub live_results: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionView {
    pub number: u16,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionResultView {
    pub number: u16,
    pub ballots: u64,
    /// Its share of the responses, in percent with one decimal; the shares sum to exactly 100.0
    /// (largest remainder, ties to the earlier option).
    pub share: f64,
}

/// Results, counted by the database.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsView {
    pub responses: u64,
    pub eligible: u32,
    /// Responses over the eligible population, in percent with one decimal, rounded half up.
    pub participation: f64,
    pub options: Vec<OptionResultView>,
    /// How shares and participation are rounded.
    #[schema(
        example = "tenths of a percent; shares by largest remainder (ties to the earlier option), summing to 100.0; participation half up"
    )]
    pub rounding: &'static str,
}

const ROUNDING: &str = "tenths of a percent; shares by largest remainder (ties to the earlier option), summing to 100.0; participation half up";

impl From<&Results> for ResultsView {
    fn from(r: &Results) -> Self {
        let percent = |permille: u64| permille as f64 / 10.0;
        Self {
            responses: r.responses,
            eligible: r.eligible,
            participation: percent(r.participation_permille),
            options: r
                .options
                .iter()
                .map(|(number, ballots, share)| OptionResultView {
                    number: *number,
                    ballots: *ballots,
                    share: percent(*share),
                })
                .collect(),
            rounding: ROUNDING,
        }
    }
}

/// A survey; its results once public (staff: always).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e30", "process": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01",
    "question": "Quelle organisation de la semaine scolaire préférez-vous ?",
    "options": [{ "number": 1, "title": "Scénario 1", "description": null }, { "number": 2, "title": "Scénario 2", "description": null }],
    "eligible": 677, "eligible_unit": "households",
    "opens_at": "2026-03-01T07:00:00Z", "closes_at": "2026-03-21T18:00:00Z", "live_results": false, "status": "closed",
    "results": { "responses": 386, "eligible": 677, "participation": 57.0,
        "options": [{ "number": 1, "ballots": 108, "share": 28.0 }, { "number": 2, "ballots": 278, "share": 72.0 }],
        "rounding": "tenths of a percent; shares by largest remainder (ties to the earlier option), summing to 100.0; participation half up" },
    "created_at": "2026-02-20T10:00:00Z"
}))]
pub struct SurveyView {
    pub id: Uuid,
    pub process: Uuid,
    pub question: String,
    pub options: Vec<OptionView>,
    pub eligible: u32,
    pub eligible_unit: wire::EligibleUnit,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub live_results: bool,
    /// `upcoming`, `open` or `closed`.
    #[schema(pattern = "^(upcoming|open|closed)$")]
    pub status: &'static str,
    /// Null until the results are public (staff see them all along).
    pub results: Option<ResultsView>,
    pub created_at: DateTime<Utc>,
}

impl SurveyView {
    fn new(s: &Survey, results: Option<&Results>, now: DateTime<Utc>) -> Self {
        Self {
            id: s.id.as_uuid(),
            process: s.process.as_uuid(),
            question: s.question.as_str().to_owned(),
            options: s
                .options
                .iter()
                .map(|o| OptionView {
                    number: o.number,
                    title: o.title.as_str().to_owned(),
                    description: o.description.as_ref().map(|d| d.as_str().to_owned()),
                })
                .collect(),
            eligible: s.eligible,
            eligible_unit: s.eligible_unit.into(),
            opens_at: s.opens_at,
            closes_at: s.closes_at,
            live_results: s.live_results,
            status: match s.phase(now) {
                SurveyPhase::Upcoming => "upcoming",
                SurveyPhase::Open => "open",
                SurveyPhase::Closed => "closed",
            },
            results: results.map(ResultsView::from),
            created_at: s.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyPage {
    pub items: Vec<SurveyView>,
    pub next_cursor: Option<String>,
}

fn location_of(municipality: &Municipality, id: SurveyId) -> String {
    format!("/v1/municipalities/{}/surveys/{id}", municipality.slug)
}

/// Create a survey
///
/// A consultation of a process (until it ends): the question, 2 to 20 options (scenarios, each
/// with a description), the eligible population (people or households), the opening and closing
/// times, and whether results are public while it runs. Staff only.
#[utoipa::path(
    operation_id = "create_survey", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id.")),
    request_body(content = SurveyInput, example = json!({
        "question": "Quelle organisation de la semaine scolaire préférez-vous ?",
        "options": [{ "title": "Scénario 1", "description": "Mercredi libre." }, { "title": "Scénario 2" }],
        "eligible": 677, "eligible_unit": "households",
        "opens_at": "2027-03-01T07:00:00Z", "closes_at": "2027-03-21T18:00:00Z"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = SurveyView,
            headers(("Location" = String, description = "The survey's address.")),
            links(
                ("GetSurvey" = (operation_id = "get_survey", description = "The survey, and its results once public.",
                    parameters(("municipality" = "$request.path.municipality"), ("survey" = "$response.body#/id")))),
                ("IssueCodes" = (operation_id = "create_survey_codes", description = "Ballot codes to hand out.",
                    parameters(("municipality" = "$request.path.municipality"), ("survey" = "$response.body#/id")))),
                ("CastBallot" = (operation_id = "create_survey_ballot", description = "Answer it, once open.",
                    parameters(("municipality" = "$request.path.municipality"), ("survey" = "$response.body#/id")))),
                ("EnterPaper" = (operation_id = "create_survey_paper_ballots", description = "Enter paper ballots.",
                    parameters(("municipality" = "$request.path.municipality"), ("survey" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes/{process}/surveys")]
pub async fn create_survey(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<SurveyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = SurveyDraft {
        question: input.question,
        options: input
            .options
            .into_iter()
            .map(|o| OptionDraft { title: o.title, description: o.description })
            .collect(),
        eligible: input.eligible,
        eligible_unit: input.eligible_unit.map(|u| u.0),
        opens_at: input.opens_at,
        closes_at: input.closes_at,
        live_results: input.live_results,
    };
    let survey = surveys::create(&db, actor, municipality, process_id(&path.1)?, &draft).await?;
    let view = SurveyView::new(&survey, None, time::now());
    with_location(HttpResponse::Created().json(view), &location_of(municipality, survey.id))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SurveyListParams {
    /// The surveys of one process.
    #[param(value_type = Option<Uuid>)]
    pub process: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SurveyCursor {
    t: DateTime<Utc>,
    i: Uuid,
}

/// List surveys
///
/// The municipality's surveys, the latest opening first; results inside each once public.
/// Everyone sees those of processes opened to the public; staff see them all.
#[utoipa::path(
    operation_id = "list_surveys", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), SurveyListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of surveys.", body = SurveyPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/surveys")]
pub async fn list_surveys(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<SurveyListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let mut errors = Vec::new();
    let process = super::process_param(params.process.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors));
    }
    let page = paging.parse::<SurveyCursor>()?;
    let after = page.after.map(|c| SurveyAfter { opens_at: c.t, id: SurveyId::from_uuid(c.i) });
    let public = sees_only_public(&standing);
    let found = store::list(&db, municipality.id, process, public, page.limit, after.as_ref()).await?;
    let now = time::now();
    let mut items = Vec::with_capacity(found.items.len());
    for survey in &found.items {
        let results =
            if !public || survey.results_public(now) { Some(surveys::results(&db, survey).await?) } else { None };
        items.push(SurveyView::new(survey, results.as_ref(), now));
    }
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&SurveyCursor { t: last.opens_at, i: last.id.as_uuid() }));
    let body = SurveyPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a survey and its results
///
/// The survey, and its results — responses, participation, the ballots and share of each option
/// — once it has closed (or all along if the town chose live results). Staff see the results all
/// along. A ballot is never shown on its own. Anyone, for a process opened to the public.
#[utoipa::path(
    operation_id = "get_survey", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("survey" = Uuid, Path, description = "The survey's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The survey.", body = SurveyView),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/surveys/{survey}")]
pub async fn get_survey(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let survey = surveys::load_survey(&db, &municipality, survey_id(&path.1)?).await?;
    let now = time::now();
    let public = sees_only_public(&standing);
    if public {
        let process = usecases::load(&db, &municipality, survey.process).await.map_err(|_| no_survey())?;
        if !process.is_public() {
            return Err(no_survey());
        }
    }
    let results =
        if !public || survey.results_public(now) { Some(surveys::results(&db, &survey).await?) } else { None };
    Ok(HttpResponse::Ok().json(SurveyView::new(&survey, results.as_ref(), now)))
}

/// A ballot.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotInput {
    /// The number of the option chosen.
    #[schema(required = true, minimum = 1, maximum = 20, example = 3)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub option: Option<i64>,
    /// A ballot code handed out by the town (case, spaces and dashes ignored). Without one, the
    /// ballot is the signed-in caller's, in this municipality.
    #[schema(example = "ACDEF-GH347", min_length = 10, max_length = 40)]
    pub code: Option<String>,
}

/// Answer a survey
///
/// One ballot per respondent, while the survey is open: with a single-use ballot code (anyone
/// holding one, no account needed), or else as the signed-in inhabitant (or staff member) of the
/// municipality. A second ballot is a 409 (`already_answered`); a code that is not a valid,
/// unused code of this survey is a 422 — the same answer whatever is wrong with it. Wrong codes
/// are limited per address and per survey (429 with `Retry-After`). Nothing public ever links a
/// ballot to a person.
#[utoipa::path(
    operation_id = "create_survey_ballot", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("survey" = Uuid, Path, description = "The survey's id.")),
    request_body(content = BallotInput, example = json!({ "option": 3, "code": "ACDEF-GH347" })),
    security((), ("bearer" = [])),
    responses(
        (status = 204, description = "Taken (and committed)."),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/surveys/{survey}/ballots")]
pub async fn create_survey_ballot(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: JsonBody<BallotInput>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let input = body.into_inner()?;
    let id = survey_id(&path.1)?;
    let address = auth.client_address(&req);
    let survey_key = format!("{}:{id}", municipality.id);
    if input.code.is_some() {
        auth.ballot_code_failures_by_address.check(&address).map_err(ApiError::too_many)?;
        auth.ballot_code_failures_by_survey.check(&survey_key).map_err(ApiError::too_many)?;
    }
    let result = surveys::cast(&db, &municipality, id, &standing, input.code.as_deref(), input.option).await;
    if let Err(implication_app::UseCaseError::Invalid(errors)) = &result
        && errors.0.iter().any(|e| e.field == "code" && input.code.is_some())
    {
        auth.ballot_code_failures_by_address.record(&address);
        auth.ballot_code_failures_by_survey.record(&survey_key);
    }
    result?;
    Ok(HttpResponse::NoContent().finish())
}

/// How many codes to make.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesInput {
    #[schema(required = true, minimum = 1, maximum = 5000, example = 20)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub count: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodesView {
    /// The codes, shown only here (the town keeps their hashes): print them, one per ballot.
    #[schema(example = json!(["ACDEF-GH347", "KMNPQ-RT469"]))]
    pub codes: Vec<String>,
}

/// Issue ballot codes
///
/// A batch of single-use ballot codes for the town to hand out on paper (each answers the survey
/// once), until the survey closes. They are shown only in this answer — as JSON, or as a
/// printable list, one per line, with `Accept: text/plain` — and stored hashed. Staff only.
#[utoipa::path(
    operation_id = "create_survey_codes", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("survey" = Uuid, Path, description = "The survey's id.")),
    request_body(content = CodesInput, example = json!({ "count": 20 })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued.", content(
            (CodesView = "application/json"),
            (String = "text/plain", example = "ACDEF-GH347\nKMNPQ-RT469\n")),
            links(("GetSurvey" = (operation_id = "get_survey", description = "The survey the codes answer.",
                parameters(("municipality" = "$request.path.municipality"), ("survey" = "$request.path.survey")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/surveys/{survey}/codes")]
pub async fn create_survey_codes(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<CodesInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let codes = surveys::issue_codes(&db, &caller.municipality, survey_id(&path.1)?, input.count).await?;
    let printed: Vec<String> = codes.iter().map(|c| c.printed()).collect();
    let wants_text = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/plain") && !accept.contains("application/json"));
    if wants_text {
        let mut list = printed.join("\n");
        list.push('\n');
        return Ok(HttpResponse::Created()
            .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body(list));
    }
    Ok(HttpResponse::Created().json(CodesView { codes: printed }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperCountInput {
    #[schema(required = true, minimum = 1, maximum = 20)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub option: Option<i64>,
    #[schema(required = true, minimum = 0, maximum = 20000)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub count: Option<i64>,
}

/// Paper ballots counted on a sheet.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperInput {
    #[serde(default, deserialize_with = "crate::extract::objects")]
    pub counts: Vec<PaperCountInput>,
    /// The total counted on the sheet: the counts must add up to it.
    #[schema(required = true, minimum = 0, example = 15)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub total: Option<i64>,
}

/// Enter paper ballots
///
/// Ballots collected on paper, counted per option by staff, with the total counted on the sheet:
/// counts that do not add up to it are refused (`count_mismatch`), and nothing is written. Once
/// the survey has opened (also after it closed, while the count goes on). The process's history
/// says so. Staff only.
#[utoipa::path(
    operation_id = "create_survey_paper_ballots", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("survey" = Uuid, Path, description = "The survey's id.")),
    request_body(content = PaperInput, example = json!({ "counts": [{ "option": 1, "count": 10 }, { "option": 3, "count": 5 }], "total": 15 })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Entered; the survey with its results.", body = SurveyView),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/surveys/{survey}/paper-ballots")]
pub async fn create_survey_paper_ballots(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<PaperInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let counts: Vec<(Option<i64>, Option<i64>)> = input.counts.iter().map(|c| (c.option, c.count)).collect();
    let id = survey_id(&path.1)?;
    surveys::enter_paper(&db, actor, municipality, id, &counts, input.total).await?;
    let survey = surveys::load_survey(&db, municipality, id).await?;
    let results = surveys::results(&db, &survey).await?;
    Ok(HttpResponse::Ok().json(SurveyView::new(&survey, Some(&results), time::now())))
}

/// Close a survey now
///
/// Before its closing time (the town ends it early): no more ballots, and its results become
/// public. Only an open survey closes (409 `survey_not_open`). Staff only.
#[utoipa::path(
    operation_id = "close_survey", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("survey" = Uuid, Path, description = "The survey's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Closed; the survey with its results.", body = SurveyView),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/surveys/{survey}/close")]
pub async fn close_survey(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let survey = surveys::close(&db, caller.principal.actor(), &caller.municipality, survey_id(&path.1)?).await?;
    let results = surveys::results(&db, &survey).await?;
    Ok(HttpResponse::Ok().json(SurveyView::new(&survey, Some(&results), time::now())))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_surveys)
        .service(get_survey)
        .service(create_survey_ballot)
        .service(create_survey)
        .service(create_survey_codes)
        .service(create_survey_paper_ballots)
        .service(close_survey);
}
