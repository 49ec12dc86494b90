//! Requests: intake from every channel, lists, one request in the caller's view, corrections,
//! transitions, publication and history (here); answers, tracking, qualification, suggestions
//! and the themes catalogue (in their own modules).

pub mod answers;
pub mod association;
pub mod input;
pub mod open311;
pub mod qualification;
pub mod suggestions;
pub mod themes;
pub mod tracking;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // The most called first (see `routes`).
    cfg.service(get_request)
        .service(list_requests)
        .service(association::list_association_requests)
        .service(create_request)
        .service(themes::list_themes)
        .service(themes::create_theme)
        .service(themes::get_theme)
        .service(themes::update_theme)
        .service(update_request)
        .service(transition_request)
        .service(hand_over_request)
        .service(publish_request)
        .service(unpublish_request)
        .service(list_request_history)
        .service(qualification::get_request_qualification)
        .service(qualification::put_request_qualification)
        .service(suggestions::list_request_suggestions)
        .service(answers::list_answers)
        .service(answers::create_answer)
        .service(tracking::get_tracking)
        .service(open311::open311_discovery)
        .service(open311::open311_services)
        .service(open311::open311_service_definition)
        .service(open311::open311_list_requests)
        .service(open311::open311_get_request)
        .service(open311::open311_create_request);
}

use crate::auth::{AuthState, InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::idempotency::IdempotencyKey;
use crate::pagination::{PageParams, encode_cursor, field_problem, page_response, page_response_from};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TooManyRequests, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use implication_app::requests::{self as usecases, Idempotent};
use implication_domain::FieldError;
use implication_domain::Message;
use implication_domain::Precondition;
use implication_domain::identity::{self, Standing};
use implication_domain::requests::lifecycle::TransitionAsk;
use implication_domain::requests::{
    Audience, PublishedRequest, Request, RequestDraft, RequestEdit, fold_for_search, late_before, listed_publication,
    listing_audience, sees_only_published,
};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus};
use implication_domain::{Municipality, RequestId};
use implication_storage::Database;
use implication_storage::identity::{accounts, services};
use implication_storage::requests::{self as store, After, Filter, Sort};
use input::{RequestInput, RequestPatch, TransitionInput};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;
use views::{
    EventPage, EventView, PublicRequestView, RequestDocument, RequestListItem, RequestPage, RequestReceipt,
    RequestView, RequesterRequestView,
};

pub(crate) fn no_request() -> ApiError {
    ApiError::no(implication_app::Resource::Request)
}

/// The id in a path; 404 for one that is not an id (it names no request).
pub(crate) fn request_id(raw: &str) -> Result<RequestId, ApiError> {
    Uuid::parse_str(raw).map(RequestId::from_uuid).map_err(|_| no_request())
}

/// The request `id` of this municipality; 404 for an id that is not one.
pub(crate) async fn load(db: &Database, municipality: &Municipality, id: &str) -> Result<Request, ApiError> {
    Ok(usecases::load(db, municipality, request_id(id)?).await?)
}

fn location_of(municipality: &Municipality, id: RequestId) -> String {
    format!("/v1/municipalities/{}/requests/{id}", municipality.slug)
}

fn staff_view(request: &Request, municipality: &Municipality) -> RequestView {
    RequestView::new(request, municipality.settings.answer_delay_days, municipality.today())
}

fn respond_staff(request: &Request, municipality: &Municipality) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag::from_version(request.version)))
        .json(RequestDocument::Staff(staff_view(request, municipality)))
}

/// Submit a request
///
/// Anyone may submit, without an account: the answer carries the registration number and a
/// tracking code to follow the request with (`GET …/tracking/{tracking_code}`), shown only here.
/// Anonymous callers and inhabitants get the `website` channel and today's date; staff give the
/// channel and may date a request received earlier (a letter); a partner's tool (scope
/// `requests:write`) gets `partner_tool` and its association. Personal data (the requester's
/// name and contact) needs `personal_data_consent: true`. The requester may say what solution
/// they propose (`proposed_solution`) and what they offer to do themselves (`offer`, §6.4.2):
/// staff see both, the public never does.
///
/// With an `Idempotency-Key`, retries (even concurrent ones) create one request and get the
/// first answer again; the same key with another body is a 422. Anonymous submissions are
/// limited per address (429 with `Retry-After`).
#[utoipa::path(
    operation_id = "create_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: one request per key and body.",
            example = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", pattern = "^[\\x21-\\x7E]{1,255}$")),
    request_body(content = RequestInput, example = json!({
        "kind": "complaint", "title": "Les voitures roulent trop vite dans la cité 5",
        "description": "Le soir, des voitures traversent la cité à toute allure. Les enfants jouent dehors.",
        "themes": ["roads-and-traffic"], "neighbourhood": "cite-5",
        "location": { "address": "Rue Lamartine" },
        "requester": { "kind": "individual", "name": "Camille Dupont", "email": "camille.dupont@example.org" },
        "personal_data_consent": true
    })),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Registered.", body = RequestReceipt,
            headers(("Location" = String, description = "The request's address (staff, or its submitter).")),
            links(
                ("GetRequest" = (operation_id = "get_request",
                    description = "The request registered (staff, or its submitter).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("GetTracking" = (operation_id = "get_tracking",
                    description = "Follow it with its tracking code, without an account.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("tracking_code" = "$response.body#/tracking_code")
                    ))),
                ("UpdateRequest" = (operation_id = "update_request",
                    description = "Correct it (staff; `If-Match` from `GetRequest`).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("TransitionRequest" = (operation_id = "transition_request",
                    description = "Move it along its lifecycle (staff; `If-Match` from `GetRequest`).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("PublishRequest" = (operation_id = "publish_request",
                    description = "Publish it (staff; `If-Match` from `GetRequest`).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("GetQualification" = (operation_id = "get_request_qualification",
                    description = "Its qualification (staff).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("PutQualification" = (operation_id = "put_request_qualification",
                    description = "Qualify it (staff; `If-Match` from `GetQualification`).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("ListSuggestions" = (operation_id = "list_request_suggestions",
                    description = "Requests on the same subject (staff).",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$response.body#/id")
                    ))),
                ("ListHistory" = (operation_id = "list_request_history", description = "Its history (staff).",
                    parameters(("municipality" = "$request.path.municipality"), ("request" = "$response.body#/id")))),
                ("ListAnswers" = (operation_id = "list_answers", description = "The town's answers to it.",
                    parameters(("municipality" = "$request.path.municipality"), ("request" = "$response.body#/id")))),
                ("CreateAnswer" = (operation_id = "create_answer", description = "Answer it (staff).",
                    parameters(("municipality" = "$request.path.municipality"), ("request" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/requests")]
pub async fn create_request(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    visitor: Visitor,
    key: IdempotencyKey,
    body: JsonBody<RequestInput>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    if matches!(standing, Standing::Public) {
        auth.anonymous_intake.hit(&auth.client_address(&req)).map_err(ApiError::too_many)?;
    }
    let submitter = usecases::submitter(&db, &standing, &municipality).await?;
    let input = body.into_inner()?;
    let key = key.get()?;
    let body = serde_json::to_vec(&input).map_err(|e| ApiError::Internal(format!("hashing a body: {e}")))?;
    let idempotent = key.as_deref().map(|key| Idempotent { key, body: &body });
    let draft = RequestDraft::from(&input);
    let registered = usecases::register(&db, &standing, &municipality, &submitter, &draft, idempotent).await?;
    let location = location_of(&municipality, registered.request.id);
    with_location(HttpResponse::Created().json(RequestReceipt::new(&registered, &municipality)), &location)
}

/// Filters, sort and paging of the request list. The filters that take several values are
/// lists in the contract (`style: form, explode: false`: `status=received,qualifying`); the
/// exploded form (`status=received&status=qualifying`), which many generated clients send
/// whatever the contract says, is read alike ([`RequestListParams::from_query`]).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestListParams {
    /// Any of these statuses: `status=received,qualifying` (or repeated: `status=received&status=qualifying`).
    #[param(value_type = Option<Vec<crate::wire::RequestStatus>>, style = Form, explode = false,
        example = json!(["received", "qualifying"]))]
    pub status: Option<String>,
    /// Any of these kinds: `kind=complaint,need` (or repeated: `kind=complaint&kind=need`).
    #[param(value_type = Option<Vec<crate::wire::RequestKind>>, style = Form, explode = false,
        example = json!(["complaint"]))]
    pub kind: Option<String>,
    /// Any of these channels: `channel=letter,website` (or repeated: `channel=letter&channel=website`).
    #[param(value_type = Option<Vec<crate::wire::Channel>>, style = Form, explode = false,
        example = json!(["letter", "website"]))]
    pub channel: Option<String>,
    /// A theme code.
    #[param(example = "roads-and-traffic", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub theme: Option<String>,
    /// A neighbourhood code.
    #[param(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub neighbourhood: Option<String>,
    /// Received on or after this day.
    #[param(value_type = Option<NaiveDate>, example = "2026-01-01")]
    pub received_after: Option<String>,
    /// Received on or before this day.
    #[param(value_type = Option<NaiveDate>, example = "2026-12-31")]
    pub received_before: Option<String>,
    /// Only late requests (`true`) or only those that are not (`false`).
    #[param(value_type = Option<bool>)]
    pub late: Option<String>,
    /// Staff only: published (`true`) or private (`false`) requests. Others only ever see
    /// published ones.
    #[param(value_type = Option<bool>)]
    pub published: Option<String>,
    /// Words to find in the title or description (case and accents ignored).
    #[param(example = "vitesse", min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// `-received_on` (default), `received_on`, `-created_at` or `created_at`.
    #[param(example = "-received_on", pattern = "^-?(received_on|created_at)$")]
    pub sort: Option<String>,
    /// Staff only: `me`, the requests routed to one of the caller's services or to a delegation
    /// they hold (the mayor holds them all): "my work".
    #[param(example = "me", pattern = "^me$")]
    pub assigned_to: Option<String>,
    /// Staff only: a service code; the requests routed to that service.
    #[param(example = "services-techniques", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub routed_service: Option<String>,
    /// Staff only: a delegation code; the requests routed to that delegation.
    #[param(example = "travaux-et-urbanisme", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub routed_delegation: Option<String>,
}

/// The position a cursor holds: the sort it belongs to, the sort key and the id of the last item.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ListCursor {
    s: String,
    k: String,
    i: Uuid,
}

pub(crate) fn codes<T>(
    field: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    all: &[&str],
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let Some(raw) = raw else { return Vec::new() };
    let mut found = Vec::new();
    for code in raw.split(',') {
        match parse(code) {
            Some(value) => found.push(value),
            None => errors.push(field_problem(
                field,
                implication_domain::error::Code::UnknownValue,
                Message::new(
                    format!("{code:?} is not one of {}", all.join(", ")),
                    format!("{code:?} n'est pas l'une des valeurs {}", all.join(", ")),
                ),
            )),
        }
    }
    found
}

pub(crate) fn boolean(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<bool> {
    match raw {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(field_problem(
                field,
                implication_domain::error::Code::NotABoolean,
                Message::new("must be true or false", "doit être true ou false"),
            ));
            None
        }
    }
}

fn date(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    raw.and_then(|raw| match raw.parse() {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(field_problem(
                field,
                implication_domain::error::Code::NotADate,
                Message::new("must be a date such as 2026-01-31", "doit être une date comme 2026-01-31"),
            ));
            None
        }
    })
}

pub(crate) fn slug_param(
    field: &str,
    raw: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<implication_domain::Slug> {
    raw.and_then(|raw| match implication_domain::Slug::parse(raw) {
        Ok(slug) => Some(slug),
        Err(message) => {
            let fr = "doit compter de 1 à 63 lettres minuscules, chiffres et tirets simples, par exemple cite-5";
            errors.push(field_problem(field, implication_domain::error::Code::InvalidCode, Message::new(message, fr)));
            None
        }
    })
}

impl RequestListParams {
    /// The parameters that take several values.
    const LISTS: [&'static str; 3] = ["status", "kind", "channel"];

    /// From a query string, the values of a list parameter that is repeated (`status=a&status=b`)
    /// joined as the contract writes them (`status=a,b`); other parameters must not be repeated.
    fn from_query(query: &str) -> Result<Self, ApiError> {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match pairs.iter_mut().find(|(seen, _)| *seen == key && Self::LISTS.contains(&key)) {
                Some((_, values)) => {
                    values.push(',');
                    values.push_str(value);
                }
                None => pairs.push((key, value.to_owned())),
            }
        }
        let joined: Vec<String> = pairs.iter().map(|(key, value)| format!("{key}={value}")).collect();
        web::Query::<Self>::from_query(&joined.join("&")).map(web::Query::into_inner).map_err(|err| {
            let detail = Message::new(
                format!("the query string is invalid: {err}"),
                format!("la chaîne de requête est invalide : {err}"),
            );
            ApiError::malformed(detail, Vec::new())
        })
    }

    /// The storage filter and sort, reporting every invalid parameter at once.
    fn parse(&self, municipality: &Municipality, standing: &Standing) -> Result<(Filter, Sort), ApiError> {
        let mut errors = Vec::new();
        let status_codes: Vec<&str> = RequestStatus::ALL.iter().map(|s| s.code()).collect();
        let kind_codes: Vec<&str> = RequestKind::ALL.iter().map(|s| s.code()).collect();
        let channel_codes: Vec<&str> = Channel::ALL.iter().map(|s| s.code()).collect();
        let late = boolean("late", self.late.as_deref(), &mut errors);
        let published = boolean("published", self.published.as_deref(), &mut errors);
        let text = match self.q.as_deref().map(str::trim) {
            None => None,
            Some(q) if q.is_empty() || q.chars().count() > 100 => {
                errors.push(field_problem(
                    "q",
                    implication_domain::error::Code::OutOfRange,
                    Message::new("must be 1 to 100 characters", "doit compter de 1 à 100 caractères"),
                ));
                None
            }
            Some(q) => Some(fold_for_search(q)),
        };
        let sort = match self.sort.as_deref() {
            None => Some(Sort::ReceivedOnDesc),
            Some(code) => Sort::from_code(code).or_else(|| {
                errors.push(field_problem(
                    "sort",
                    implication_domain::error::Code::UnknownSort,
                    Message::new(
                        format!("must be one of {}", Sort::CODES.join(", ")),
                        format!("doit être l'une des valeurs {}", Sort::CODES.join(", ")),
                    ),
                ));
                None
            }),
        };
        let filter = Filter {
            statuses: codes("status", self.status.as_deref(), RequestStatus::from_code, &status_codes, &mut errors),
            kinds: codes("kind", self.kind.as_deref(), RequestKind::from_code, &kind_codes, &mut errors),
            channels: codes("channel", self.channel.as_deref(), Channel::from_code, &channel_codes, &mut errors),
            theme: slug_param("theme", self.theme.as_deref(), &mut errors),
            neighbourhood: slug_param("neighbourhood", self.neighbourhood.as_deref(), &mut errors),
            received_after: date("received_after", self.received_after.as_deref(), &mut errors),
            received_before: date("received_before", self.received_before.as_deref(), &mut errors),
            late: late.map(|l| (l, late_before(municipality.today(), municipality.settings.answer_delay_days))),
            published: listed_publication(standing, published),
            text,
            association: None,
            routed_service: None,
            routed_delegation: None,
            assigned: None,
            ..Filter::default()
        };
        match sort {
            Some(sort) if errors.is_empty() => Ok((filter, sort)),
            _ => Err(ApiError::malformed(
                Message::new("invalid list parameters", "paramètres de liste invalides"),
                errors,
            )),
        }
    }
}

/// The routing filters (staff only): codes resolved to ids, `assigned_to=me` to the caller's
/// services and the delegations they hold.
async fn with_routing(
    req: &HttpRequest,
    db: &Database,
    standing: &Standing,
    municipality: &Municipality,
    params: &RequestListParams,
    mut filter: Filter,
) -> Result<Filter, ApiError> {
    if params.assigned_to.is_none() && params.routed_service.is_none() && params.routed_delegation.is_none() {
        return Ok(filter);
    }
    let account = match standing.staff_account() {
        Some(account) => account,
        None if req.headers().contains_key(header::AUTHORIZATION) => {
            return Err(ApiError::Forbidden(Message::new(
                "assigned_to, routed_service and routed_delegation are for the municipality's staff",
                "assigned_to, routed_service et routed_delegation sont réservés au personnel de la commune",
            )));
        }
        None => {
            return Err(ApiError::unauthorized(
                Message::new(
                    "sign in as staff to filter by routing",
                    "connectez-vous comme membre du personnel pour filtrer sur l'orientation",
                ),
                false,
            ));
        }
    };
    let mut errors = Vec::new();
    if params.assigned_to.as_deref().is_some_and(|who| who != "me") {
        errors.push(field_problem(
            "assigned_to",
            implication_domain::error::Code::UnknownValue,
            Message::new("only `me` is supported", "seul `me` est pris en charge"),
        ));
    }
    if let Some(code) = params.routed_service.as_deref() {
        match services::find_service(db, municipality.id, code).await? {
            Some(service) => filter.routed_service = Some(service.id),
            None => errors.push(field_problem(
                "routed_service",
                implication_domain::identity::Code::UnknownService,
                Message::new("no such service here", "aucun service de ce code ici"),
            )),
        }
    }
    if let Some(code) = params.routed_delegation.as_deref() {
        match services::find_delegation(db, municipality.id, code).await? {
            Some(delegation) => filter.routed_delegation = Some(delegation.id),
            None => errors.push(field_problem(
                "routed_delegation",
                implication_domain::identity::Code::UnknownDelegation,
                Message::new("no such delegation here", "aucune délégation de ce code ici"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::malformed(
            Message::new("invalid list parameters", "paramètres de liste invalides"),
            errors,
        ));
    }
    if params.assigned_to.is_some() {
        // A platform admin has no membership here: nothing is assigned to them.
        let member = accounts::find_member(db, municipality.id, account).await?;
        let services = services::all_services(db, municipality.id).await?;
        let delegations = services::all_delegations(db, municipality.id).await?;
        filter.assigned = Some(member.map(|m| identity::assignment(&m, &services, &delegations)).unwrap_or_default());
    }
    Ok(filter)
}

/// List requests
///
/// Staff see every request of the municipality (staff view); everyone else sees the published
/// ones (public view, without personal data). Filters combine; the cursor is stable under
/// concurrent submissions. Staff also filter on routing: `assigned_to=me` (requests routed to
/// one of their services, or to a delegation they hold), `routed_service`, `routed_delegation`.
///
/// A public page carries a weak `ETag`: send it back in `If-None-Match` to get a `304` while
/// nothing it shows has changed. Without a token it may be kept 30 seconds by a shared cache (a
/// town's CDN or reverse proxy).
#[utoipa::path(
    operation_id = "list_requests", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), RequestListParams, PageParams,
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of a public page received earlier.",
            example = "W/\"5f1c0e9a2b7d4c3e8a6b1d2f\"")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of requests.", body = RequestPage,
            headers(
                ("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."),
                ("ETag" = String, description = "Public pages only: a weak tag of what the page shows (each item's \
                    version and lateness, the next cursor)."),
                ("Cache-Control" = String, description = "`public, max-age=30` to a caller without a token; \
                    `no-store` to a token."),
                ("Vary" = String, description = "`Authorization`, on a public page to a caller without a token.")
            )),
        (status = 304, description = "Public pages only: the page has not changed since the `ETag` given in \
            `If-None-Match` (no body).",
            headers(("ETag" = String, description = "The same tag."), ("Cache-Control" = String, description = "As the 200's."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/requests")]
pub async fn list_requests(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let params = RequestListParams::from_query(req.query_string())?;
    let audience = listing_audience(&standing);
    let (filter, sort) = params.parse(&municipality, &standing)?;
    let filter = with_routing(&req, &db, &standing, &municipality, &params, filter).await?;
    let page = paging.parse::<ListCursor>()?;
    let invalid_cursor = || {
        ApiError::bad_parameter(
            "cursor",
            implication_domain::error::Code::InvalidCursor,
            Message::new("is not a cursor of this list and sort", "n'est pas un curseur de cette liste et de ce tri"),
        )
    };
    let after = match page.after {
        Some(cursor) if cursor.s != sort.code() => return Err(invalid_cursor()),
        Some(cursor) => Some(After { key: cursor.k, id: RequestId::from_uuid(cursor.i) }),
        None => None,
    };
    let (delay, today) = (municipality.settings.answer_delay_days, municipality.today());
    let cursor_of =
        |key: String, id: RequestId| encode_cursor(&ListCursor { s: sort.code().to_owned(), k: key, i: id.as_uuid() });
    match audience {
        Audience::Public => {
            // The public reads only the columns of its view, and may revalidate with If-None-Match.
            let found = store::list_published(&db, municipality.id, &filter, sort, page.limit, after.as_ref())
                .await?
                .ok_or_else(invalid_cursor)?;
            let next_cursor = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .and_then(|last| cursor_of(sort.key_of_published(last), last.id));
            let tag = etag::of_public_page(
                found.items.iter().map(|r| (r.id.as_uuid(), r.version, r.is_late(delay, today))),
                next_cursor.as_deref(),
            );
            Ok(etag::public_read(&req, tag, |ok| {
                let items = found
                    .items
                    .into_iter()
                    .map(|r| RequestListItem::Public(PublicRequestView::new(r, delay, today)))
                    .collect();
                let body = RequestPage { items, next_cursor };
                page_response_from(ok, &req, body.next_cursor.as_deref(), &body)
            }))
        }
        Audience::Staff => {
            let found = store::list(&db, municipality.id, &filter, sort, page.limit, after.as_ref())
                .await?
                .ok_or_else(invalid_cursor)?;
            let next_cursor = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .and_then(|last| cursor_of(sort.key_of(last), last.id));
            let items = found.items.iter().map(|r| RequestListItem::Staff(RequestView::new(r, delay, today))).collect();
            let body = RequestPage { items, next_cursor };
            Ok(page_response(&req, body.next_cursor.as_deref(), &body))
        }
        // `listing_audience` gives Staff or Public: a requester has no list view.
        Audience::Requester => Err(ApiError::Internal("no list view for a requester".to_owned())),
    }
}

/// Get a request
///
/// Staff get the staff view; the account or partner tool that submitted it gets the requester's
/// view (status, public history, answers); anyone gets the public view of a published request.
/// Otherwise, 404.
///
/// The public view carries a weak `ETag`: send it back in `If-None-Match` to get a `304` while it
/// has not changed. Without a token it may be kept 30 seconds by a shared cache.
#[utoipa::path(
    operation_id = "get_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the public view received earlier.",
            example = "W/\"p3\"")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The request, in the caller's view.", body = RequestDocument,
            headers(
                ("ETag" = String, description = "Staff and requester views: its version (`\"3\"`, for `If-Match`). \
                    The public view: a weak tag of its version and lateness (`W/\"p3\"`, `W/\"p3-late\"`)."),
                ("Cache-Control" = String, description = "The public view to a caller without a token: \
                    `public, max-age=30`; anything answered to a token: `no-store`."),
                ("Vary" = String, description = "`Authorization`, on the public view to a caller without a token.")
            )),
        (status = 304, description = "The public view has not changed since the `ETag` given in `If-None-Match` \
            (no body).",
            headers(("ETag" = String, description = "The same tag."), ("Cache-Control" = String, description = "As the 200's."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/requests/{request}")]
pub async fn get_request(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let (delay, today) = (municipality.settings.answer_delay_days, municipality.today());
    if sees_only_published(&standing) {
        // One read of the public columns of a published request.
        let published =
            store::find_published(&db, municipality.id, request_id(&path.1)?).await?.ok_or_else(no_request)?;
        return Ok(public_view(&req, published, delay, today));
    }
    let request = load(&db, &municipality, &path.1).await?;
    let document = match request.audience(&standing).ok_or_else(no_request)? {
        Audience::Staff => return Ok(respond_staff(&request, &municipality)),
        Audience::Requester => {
            RequestDocument::Requester(RequesterRequestView::read(&db, &municipality, &request).await?)
        }
        Audience::Public => {
            let published = PublishedRequest::of(&request).ok_or_else(no_request)?;
            RequestDocument::Public(PublicRequestView::new(published, delay, today))
        }
    };
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag::from_version(request.version))).json(document))
}

/// The public view of a request, to a caller without a token: revalidated with `If-None-Match`.
fn public_view(req: &HttpRequest, published: PublishedRequest, delay: u16, today: NaiveDate) -> HttpResponse {
    let tag = etag::of_public_view(published.version, published.is_late(delay, today));
    etag::public_read(req, tag, |mut ok| {
        ok.json(RequestDocument::Public(PublicRequestView::new(published, delay, today)))
    })
}

/// Correct a request
///
/// Staff correct what was typed in: kind, title, description, channel, themes, neighbourhood,
/// location, requester, proposed solution, offer, consent, received date, internal note. Absent
/// fields are kept; `null` clears an optional one. Needs `If-Match`. The history records which
/// fields changed.
#[utoipa::path(
    operation_id = "update_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-Match" = String, Header, description = "The request's ETag.", example = "\"1\"")),
    request_body(content = RequestPatch, example = json!({ "themes": ["roads-and-traffic"], "internal_note": "Comptage prévu le 2 décembre." })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Corrected.", body = RequestView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/requests/{request}")]
pub async fn update_request(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<RequestPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let edit = RequestEdit::from(&patch);
    let updated = usecases::correct(&db, actor, municipality, request_id(&path.1)?, expected, &edit).await?;
    Ok(respond_staff(&updated, municipality))
}

/// Change a request's status
///
/// Moves a request along its lifecycle: `received → qualifying → qualified → redirected |
/// declined | answered | in_process | in_fifty_fifty`, then `closed` with a resolution; any open
/// request may be `merged` into another (`into`); a finished one may be reopened (back to
/// `qualifying`, with a reason). A transition the lifecycle does not allow from the current
/// status is a 409 listing the allowed ones. Some arrows also need the request's qualification
/// (`…/qualification`): `qualified` its restated need, competence and recommended level;
/// `redirected` another competent authority, named (the requester then gets an answer naming it,
/// with the reason as what was sent on); `in_fifty_fifty` its six prerequisites (the four of
/// §5.6.1, an unmet need, no public service replaced nor paid work hidden). Such a refusal is a
/// 409 naming the `rule`, with `errors` listing what the qualification lacks. Needs `If-Match`.
#[utoipa::path(
    operation_id = "transition_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-Match" = String, Header, description = "The request's ETag.", example = "\"1\"")),
    request_body(content = TransitionInput, example = json!({ "to": "declined", "reason": "Ce terrain n'appartient pas à la commune : nous avons transmis votre demande à son propriétaire." })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved; the history has a new entry.", body = RequestView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/requests/{request}/transitions")]
pub async fn transition_request(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<TransitionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let ask = TransitionAsk {
        to: input.to.map(|t| t.0),
        reason: input.reason,
        resolution: input.resolution.map(|r| r.0),
        into: input.into.map(RequestId::from_uuid),
    };
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let moved = usecases::transition(&db, actor, municipality, request_id(&path.1)?, expected, ask).await?;
    Ok(respond_staff(&moved, municipality))
}

/// A hand-over: to whom, and whether the requester's details go along.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOverInput {
    /// The competent body's slug: a municipality or intercommunal body on this deployment.
    #[schema(
        example = "agglomeration-lens-lievin",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        min_length = 1,
        max_length = 63
    )]
    pub to: String,
    /// Send the requester's name and contact details along (only if they consented to their
    /// keeping; otherwise none go). Default false.
    #[serde(default)]
    pub personal_data: bool,
}

/// Hand a redirected request over
///
/// When the competent authority of a redirected request is itself on this deployment (a
/// neighbouring town, the agglomeration that collects waste), transmits the request there: a
/// linked request is registered in that body (channel `handed_over`, status `received`, the same
/// title, description, kind and place; none of this town's themes, neighbourhood, notes or
/// qualification), the requester's name and contact details only with `personal_data` and their
/// consent. The two histories point to each other (`handed_over`, `received_from`), each request
/// names the other (`link`), and the requester follows both with their tracking code. Once per
/// request; a request not `redirected` is a 409 (`hand_over_needs_redirect`). Needs `If-Match`.
#[utoipa::path(
    operation_id = "hand_over_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-Match" = String, Header, description = "The request's ETag.", example = "\"3\"")),
    request_body(content = HandOverInput, example = json!({ "to": "grenay", "personal_data": true })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Handed over: the request here, naming the other in `link`.", body = RequestView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/requests/{request}/handover")]
pub async fn hand_over_request(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<HandOverInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let id = request_id(&path.1)?;
    let (handed, _) =
        usecases::hand_over(&db, actor, municipality, id, expected, &input.to, input.personal_data).await?;
    Ok(respond_staff(&handed, municipality))
}

async fn set_published(
    db: &Database,
    caller: &InMunicipality<StaffOf>,
    id: &str,
    expected: Precondition,
    published: bool,
) -> Result<HttpResponse, ApiError> {
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let changed = usecases::set_published(db, actor, municipality, request_id(id)?, expected, published).await?;
    Ok(respond_staff(&changed, municipality))
}

/// Publish a request
///
/// Makes the request visible to everyone, in the public view (never the requester's name,
/// contact or the internal note). Publishing a published request changes nothing. Needs
/// `If-Match`.
#[utoipa::path(
    operation_id = "publish_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-Match" = String, Header, description = "The request's ETag.", example = "\"1\"")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published.", body = RequestView, headers(("ETag" = String, description = "Its new version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/requests/{request}/publish")]
pub async fn publish_request(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match.precondition()?;
    set_published(&db, &caller, &path.1, expected, true).await
}

/// Unpublish a request
///
/// Takes the request out of public view. Needs `If-Match`.
#[utoipa::path(
    operation_id = "unpublish_request", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-Match" = String, Header, description = "The request's ETag.", example = "\"2\"")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Private again.", body = RequestView, headers(("ETag" = String, description = "Its new version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/requests/{request}/unpublish")]
pub async fn unpublish_request(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match.precondition()?;
    set_published(&db, &caller, &path.1, expected, false).await
}

/// A request's history
///
/// Every change, oldest first, with who made it and when: registration, corrections (the names
/// of the fields), publication, transitions with their reasons, merges, answers. Entries are
/// never changed nor removed. Staff only.
#[utoipa::path(
    operation_id = "list_request_history", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the history.", body = EventPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/requests/{request}/history")]
pub async fn list_request_history(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.parse::<Uuid>()?;
    let request = load(&db, &caller.municipality, &path.1).await?;
    let after = page.after.map(implication_domain::RequestEventId::from_uuid);
    let found = store::history(&db, request.id, false, page.limit, after).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last()).flatten().and_then(|last| encode_cursor(&last.id.as_uuid()));
    let body = EventPage { items: found.items.iter().map(EventView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}
