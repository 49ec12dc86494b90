//! Open311 GeoReport v2 at `/open311/v2/`: the discovery document, the services (the town's
//! themes), the service requests (its published requests), and posting a report — which
//! registers a request through the same use case as the JSON intake. Each resource answers in
//! JSON or XML as its suffix says (`services.json`, `services.xml`), errors included, in the
//! spec's shapes: JSON lists are top-level arrays, XML documents have the spec's root and
//! element names (`<services><service>…`), written by quick-xml's serde serializer.
//!
//! `jurisdiction_id` is the municipality's slug; it may be left out when the deployment hosts a
//! single municipality. The translation of statuses, reports and dates is the domain's
//! (`implication_domain::requests::open311`).

use crate::auth::AuthState;
use crate::auth::secrets::sha256_hex;
use crate::idempotency::IdempotencyKey;
use crate::problem::ApiError;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use implication_app::requests::{self as usecases, Idempotent};
use implication_domain::identity::Standing;
use implication_domain::requests::open311::{
    MAX_LISTED, Open311Error, Open311Status, Report, Window, parse_ids, refusal,
};
use implication_domain::requests::theme::Theme;
use implication_domain::requests::{PublishedRequest, Submitter};
use implication_domain::{Municipality, RequestId, Slug, time};
use implication_storage::Database;
use implication_storage::identity::{clients, municipalities};
use implication_storage::requests::{self as store, Filter, Sort, themes};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// The GeoReport v2 specification, as the discovery document names it.
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
const JSON: &str = "application/json; charset=utf-8";
/// More themes than any town's catalogue holds: the services are listed whole.
const CATALOGUE: u64 = 10_000;
const XML: &str = "text/xml; charset=utf-8";

/// The format a resource's suffix asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open311Format {
    Json,
    Xml,
}

impl Open311Format {
    fn parse(suffix: &str) -> Result<Self, Failure> {
        match suffix {
            "json" => Ok(Self::Json),
            "xml" => Ok(Self::Xml),
            other => Err(Failure::new(
                Self::Json,
                vec![Open311Error::not_found(format!("no format {other:?}: ask for .json or .xml"))],
            )),
        }
    }

    /// `value` as this format's document: JSON as is, XML under `root` with its declaration.
    fn answer<T: Serialize>(self, status: StatusCode, root: &str, value: &T) -> HttpResponse {
        let body = match self {
            Self::Json => serde_json::to_string(value).map_err(|e| e.to_string()),
            Self::Xml => quick_xml::se::to_string_with_root(root, value)
                .map(|xml| format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}"))
                .map_err(|e| e.to_string()),
        };
        match body {
            Ok(body) => {
                HttpResponse::build(status).content_type(if self == Self::Json { JSON } else { XML }).body(body)
            }
            Err(e) => {
                tracing::error!(error = %e, "writing an Open311 document");
                HttpResponse::InternalServerError().finish()
            }
        }
    }
}

/// An answer that went wrong, in the format asked: the spec's list of errors, under the first
/// one's status (with the `Retry-After` of a 429).
#[derive(Debug)]
pub struct Failure {
    format: Open311Format,
    errors: Vec<Open311Error>,
    retry_after: Option<actix_web::http::header::HeaderValue>,
}

impl Failure {
    fn new(format: Open311Format, errors: Vec<Open311Error>) -> Self {
        Self { format, errors, retry_after: None }
    }

    /// The API's own error (a use case's refusal, the database…) in the spec's terms: its
    /// status where the spec has one (403, 404, 429, 5xx), else 400, and its message — but a
    /// server's failure, which is logged and told in general words only.
    fn of(format: Open311Format, error: ApiError) -> Self {
        let status = error.status_code().as_u16();
        let code = match status {
            403 | 404 | 429 | 500..=599 => status,
            _ => 400,
        };
        let description = if status >= 500 {
            tracing::error!(error = %error, "an Open311 call failed");
            let answer = if status == 503 { "the service is unavailable for a moment" } else { "internal error" };
            answer.to_owned()
        } else {
            error.to_string()
        };
        let retry_after = match error {
            ApiError::TooManyRequests { retry_after_secs } => Some(retry_after_secs.into()),
            _ => None,
        };
        Self { format, errors: vec![Open311Error { code, description }], retry_after }
    }

    fn response(self) -> HttpResponse {
        let Failure { format, errors, retry_after } = self;
        let status = errors.first().and_then(|e| StatusCode::from_u16(e.code).ok()).unwrap_or(StatusCode::BAD_REQUEST);
        let list: Vec<Open311ErrorView> =
            errors.into_iter().map(|e| Open311ErrorView { code: e.code, description: e.description }).collect();
        let mut response = match format {
            Open311Format::Json => format.answer(status, "errors", &list),
            Open311Format::Xml => format.answer(status, "errors", &ErrorsXml { error: list }),
        };
        if let Some(value) = retry_after {
            response.headers_mut().insert(actix_web::http::header::RETRY_AFTER, value);
        }
        response
    }
}

/// What the server answers before a handler runs (a NUL in the query, a body too large, no such
/// method…) on an Open311 path: the spec's list of one error, in the format the path's suffix
/// asks (JSON unless `.xml`), under the same status.
pub(crate) fn early_error(path: &str, status: StatusCode, description: String) -> HttpResponse {
    let last = path.rsplit('/').next().unwrap_or_default();
    let format = if last.ends_with(".xml") { Open311Format::Xml } else { Open311Format::Json };
    Failure::new(format, vec![Open311Error { code: status.as_u16(), description }]).response()
}

/// An Open311 handler's result: its document, or the spec's errors.
type Answer = Result<HttpResponse, Failure>;

fn respond(answer: Answer) -> HttpResponse {
    answer.unwrap_or_else(Failure::response)
}

/// An error of the spec.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "code": 404, "description": "no municipality \"nowhere\" here" }))]
pub struct Open311ErrorView {
    /// The HTTP status it goes with (400, 403 or 404; 429 or 5xx from the server).
    pub code: u16,
    pub description: String,
}

#[derive(Serialize)]
struct ErrorsXml {
    error: Vec<Open311ErrorView>,
}

/// A query string's parameters, the first of each name (a repeated one is not refused: Open311
/// clients repeat what they should not, and the spec's errors are the only ones answered here).
struct Query(Vec<(String, String)>);

impl Query {
    fn of(req: &HttpRequest) -> Self {
        Self(serde_urlencoded::from_str(req.query_string()).unwrap_or_default())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// `jurisdiction_id`, where the resource takes it.
#[allow(dead_code)]
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Open311JurisdictionParams {
    /// The municipality's slug; may be left out when the deployment hosts a single municipality.
    #[param(example = "loos-en-gohelle")]
    pub jurisdiction_id: Option<String>,
}

/// The municipality `jurisdiction_id` names: 404 for none here, 400 when it is left out and the
/// deployment hosts several.
async fn jurisdiction(db: &Database, format: Open311Format, asked: Option<&str>) -> Result<Municipality, Failure> {
    match asked.map(str::trim).filter(|j| !j.is_empty()) {
        // Not even a slug (a NUL, a space…): no municipality's, and not worth a query.
        Some(slug) if Slug::parse(slug).is_err() => {
            Err(Failure::new(format, vec![Open311Error::not_found(format!("no jurisdiction_id {slug:?} here"))]))
        }
        Some(slug) => {
            municipalities::resolve(db, slug).await.map_err(|e| Failure::of(format, e.into()))?.ok_or_else(|| {
                Failure::new(format, vec![Open311Error::not_found(format!("no jurisdiction_id {slug:?} here"))])
            })
        }
        None => {
            let page = municipalities::list(db, 2, None).await.map_err(|e| Failure::of(format, e.into()))?;
            match page.items.as_slice() {
                [only] => Ok(only.clone()),
                [] => Err(Failure::new(
                    format,
                    vec![Open311Error::not_found("this deployment hosts no municipality yet")],
                )),
                _ => Err(Failure::new(
                    format,
                    vec![Open311Error::bad_request(
                        "jurisdiction_id is required: this deployment hosts several municipalities (their slugs: GET /v1/municipalities)",
                    )],
                )),
            }
        }
    }
}

// --- discovery --------------------------------------------------------------------------------

/// The discovery document (Open311 Service Discovery).
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311Discovery {
    /// When the endpoints last changed (this API's version).
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Open311Endpoint>,
}

/// An endpoint the discovery document lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311Endpoint {
    #[schema(example = "http://wiki.open311.org/GeoReport_v2")]
    pub specification: String,
    /// Its base address (resources follow it: `…/services.json`).
    #[schema(example = "https://api.example.org/open311/v2")]
    pub url: String,
    pub changeset: String,
    /// `production`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The MIME types it answers in.
    pub formats: Vec<String>,
}

#[derive(Serialize)]
struct DiscoveryXml<'a> {
    changeset: &'a str,
    contact: &'a str,
    key_service: &'a str,
    endpoints: EndpointsXml<'a>,
}

#[derive(Serialize)]
struct EndpointsXml<'a> {
    endpoint: Vec<EndpointXml<'a>>,
}

#[derive(Serialize)]
struct EndpointXml<'a> {
    specification: &'a str,
    url: &'a str,
    changeset: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    formats: FormatsXml<'a>,
}

#[derive(Serialize)]
struct FormatsXml<'a> {
    format: &'a [String],
}

/// Open311 discovery
///
/// Where this deployment's GeoReport v2 endpoint is, in which formats, and how to get an API key.
#[utoipa::path(
    operation_id = "open311_discovery", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`.", pattern = "^(json|xml)$", example = "json")),
    security(),
    responses(
        (status = 200, description = "The discovery document.", content(
            (Open311Discovery = "application/json"), (Open311Discovery = "text/xml"))),
        (status = 404, description = "An unknown format.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
    )
)]
#[get("/open311/v2/discovery.{format}")]
pub async fn open311_discovery(
    req: HttpRequest,
    auth: web::Data<AuthState>,
    format: web::Path<String>,
) -> HttpResponse {
    respond(discovery(&req, &auth, &format))
}

fn discovery(req: &HttpRequest, auth: &AuthState, format: &str) -> Answer {
    let format = Open311Format::parse(format)?;
    // The address clients reached: as a trusted proxy says (`TRUST_FORWARDED_FOR`), else as the
    // connection and its `Host` are — never from forwarding headers anyone may send.
    let url = if auth.trust_forwarded_for {
        let info = req.connection_info();
        format!("{}://{}/open311/v2", info.scheme(), info.host())
    } else {
        let scheme = if req.app_config().secure() { "https" } else { "http" };
        let host = req
            .headers()
            .get(actix_web::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map_or_else(|| req.app_config().host().to_owned(), str::to_owned);
        format!("{scheme}://{host}/open311/v2")
    };
    let changeset = env!("CARGO_PKG_VERSION").to_owned();
    let formats = vec!["application/json".to_owned(), "text/xml".to_owned()];
    let view = Open311Discovery {
        changeset: changeset.clone(),
        contact: "Each municipality's town hall; their list: GET /v1/municipalities".to_owned(),
        key_service: "An API key is the secret of a machine client with the requests:write scope, which the \
                      municipality's admin creates (POST /v1/municipalities/{municipality}/clients)"
            .to_owned(),
        endpoints: vec![Open311Endpoint {
            specification: SPECIFICATION.to_owned(),
            url,
            changeset,
            kind: "production".to_owned(),
            formats,
        }],
    };
    Ok(match format {
        Open311Format::Json => format.answer(StatusCode::OK, "discovery", &view),
        Open311Format::Xml => {
            let endpoint: Vec<EndpointXml<'_>> = view
                .endpoints
                .iter()
                .map(|e| EndpointXml {
                    specification: &e.specification,
                    url: &e.url,
                    changeset: &e.changeset,
                    kind: &e.kind,
                    formats: FormatsXml { format: &e.formats },
                })
                .collect();
            let xml = DiscoveryXml {
                changeset: &view.changeset,
                contact: &view.contact,
                key_service: &view.key_service,
                endpoints: EndpointsXml { endpoint },
            };
            format.answer(StatusCode::OK, "discovery", &xml)
        }
    })
}

// --- services ---------------------------------------------------------------------------------

/// A service: one of the town's themes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "service_code": "roads-and-traffic", "service_name": "Voirie et circulation",
    "description": "Voirie et circulation", "metadata": false, "type": "realtime", "keywords": "", "group": "" }))]
pub struct Open311Service {
    /// The theme's code.
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Whether it has a service definition with attributes to answer (themes have none).
    pub metadata: bool,
    /// `realtime`: a report is registered at once and gets its id.
    #[serde(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

#[derive(Serialize)]
struct ServicesXml<'a> {
    service: &'a [Open311Service],
}

/// Open311 services
///
/// The services a report may be filed under: the municipality's themes.
#[utoipa::path(
    operation_id = "open311_services", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`.", pattern = "^(json|xml)$", example = "json"), Open311JurisdictionParams),
    security(),
    responses(
        (status = 200, description = "The services.", content(
            (Vec<Open311Service> = "application/json"), (Vec<Open311Service> = "text/xml"))),
        (status = 400, description = "`jurisdiction_id` left out where several municipalities are hosted.",
            content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 404, description = "No such jurisdiction, or an unknown format.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 500, description = "The server failed.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 503, description = "The database is unavailable.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
    )
)]
#[get("/open311/v2/services.{format}")]
pub async fn open311_services(req: HttpRequest, db: web::Data<Database>, format: web::Path<String>) -> HttpResponse {
    respond(services(&db, &format, Query::of(&req).get("jurisdiction_id")).await)
}

async fn services(db: &Database, format: &str, jurisdiction_id: Option<&str>) -> Answer {
    let format = Open311Format::parse(format)?;
    let municipality = jurisdiction(db, format, jurisdiction_id).await?;
    let list =
        themes::list(db, municipality.id, CATALOGUE, None).await.map_err(|e| Failure::of(format, e.into()))?.items;
    let services: Vec<Open311Service> = list
        .into_iter()
        .map(|theme| Open311Service {
            service_code: theme.code.to_string(),
            service_name: theme.name.clone(),
            description: theme.name,
            metadata: false,
            kind: "realtime".to_owned(),
            keywords: String::new(),
            group: String::new(),
        })
        .collect();
    Ok(match format {
        Open311Format::Json => format.answer(StatusCode::OK, "services", &services),
        Open311Format::Xml => format.answer(StatusCode::OK, "services", &ServicesXml { service: &services }),
    })
}

/// A service's definition: the attributes a report answers (themes define none).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "service_code": "roads-and-traffic", "attributes": [] }))]
pub struct Open311ServiceDefinition {
    pub service_code: String,
    /// Always empty: a theme asks nothing beyond the report's own fields.
    #[schema(value_type = Vec<Object>)]
    pub attributes: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct DefinitionXml<'a> {
    service_code: &'a str,
    attributes: (),
}

/// Open311 service definition
///
/// What a report under this service answers: the municipality's themes ask nothing beyond the
/// report's own fields, so their definitions have no attributes (and the services say
/// `metadata: false`).
#[utoipa::path(
    operation_id = "open311_service_definition", tag = "open311",
    params(("service_code" = String, Path, description = "A theme's code.", example = "roads-and-traffic"),
        ("format" = String, Path, description = "`json` or `xml`.", pattern = "^(json|xml)$", example = "json"), Open311JurisdictionParams),
    security(),
    responses(
        (status = 200, description = "The service's definition.", content(
            (Open311ServiceDefinition = "application/json"), (Open311ServiceDefinition = "text/xml"))),
        (status = 400, description = "`jurisdiction_id` left out where several municipalities are hosted.",
            content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 404, description = "No such service or jurisdiction, or an unknown format.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 500, description = "The server failed.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 503, description = "The database is unavailable.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
    )
)]
#[get("/open311/v2/services/{service_code}.{format}")]
pub async fn open311_service_definition(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    respond(definition(&db, &path.0, &path.1, Query::of(&req).get("jurisdiction_id")).await)
}

async fn definition(db: &Database, code: &str, format: &str, jurisdiction_id: Option<&str>) -> Answer {
    let format = Open311Format::parse(format)?;
    let municipality = jurisdiction(db, format, jurisdiction_id).await?;
    let code = service(db, format, &municipality, code).await?.code.to_string();
    Ok(match format {
        Open311Format::Json => format.answer(
            StatusCode::OK,
            "service_definition",
            &Open311ServiceDefinition { service_code: code, attributes: Vec::new() },
        ),
        Open311Format::Xml => {
            format.answer(StatusCode::OK, "service_definition", &DefinitionXml { service_code: &code, attributes: () })
        }
    })
}

// --- service requests -------------------------------------------------------------------------

/// A service request: a published request, as the public reads it (no personal data).
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311ServiceRequest {
    /// The request's id (`GET /v1/municipalities/{municipality}/requests/{id}` reads it too).
    #[schema(example = "0193a5b2-7c1e-7d2a-9f1e-3b2a1c0d9e8f")]
    pub service_request_id: String,
    /// `open` while the town works on it; `closed` once answered, closed, declined, redirected
    /// or merged.
    #[schema(example = "open")]
    pub status: String,
    pub status_notes: Option<String>,
    /// Its first theme's name.
    pub service_name: Option<String>,
    pub service_code: Option<String>,
    pub description: String,
    /// The municipality.
    pub agency_responsible: String,
    /// Its registration number.
    #[schema(example = "Demande n° 2026-00042")]
    pub service_notice: String,
    /// When it was registered (W3C, UTC).
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

#[derive(Serialize)]
struct RequestsXml<'a, T> {
    request: &'a [T],
}

/// The query of a list.
#[allow(dead_code)]
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Open311RequestParams {
    /// The municipality's slug; may be left out when the deployment hosts a single municipality.
    #[param(example = "loos-en-gohelle")]
    pub jurisdiction_id: Option<String>,
    /// Request ids, comma-separated; when given, the other parameters are not looked at.
    pub service_request_id: Option<String>,
    /// Service (theme) codes, comma-separated.
    #[param(example = "roads-and-traffic")]
    pub service_code: Option<String>,
    /// Registered at or after (W3C date and time with its offset); by default 90 days before
    /// `end_date`.
    #[param(example = "2026-10-01T00:00:00+02:00")]
    pub start_date: Option<String>,
    /// Registered at or before; by default now, or 90 days after `start_date`. At most 90 days
    /// after `start_date`.
    pub end_date: Option<String>,
    /// `open`, `closed`, or both (comma-separated).
    #[param(example = "open")]
    pub status: Option<String>,
}

/// Open311 service requests
///
/// The municipality's published requests registered in the window (the last 90 days by default),
/// newest first, 1,000 at most; the public view of each, without personal data.
#[utoipa::path(
    operation_id = "open311_list_requests", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`.", pattern = "^(json|xml)$", example = "json"), Open311RequestParams),
    security(),
    responses(
        (status = 200, description = "The service requests.", content(
            (Vec<Open311ServiceRequest> = "application/json"), (Vec<Open311ServiceRequest> = "text/xml"))),
        (status = 400, description = "A malformed parameter, a window wider than 90 days, or `jurisdiction_id` \
            left out where several municipalities are hosted.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 404, description = "No such jurisdiction, or an unknown format.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 500, description = "The server failed.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 503, description = "The database is unavailable.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
    )
)]
#[get("/open311/v2/requests.{format}")]
pub async fn open311_list_requests(
    req: HttpRequest,
    db: web::Data<Database>,
    format: web::Path<String>,
) -> HttpResponse {
    respond(list(&db, &format, &Query::of(&req)).await)
}

async fn list(db: &Database, format: &str, query: &Query) -> Answer {
    let format = Open311Format::parse(format)?;
    let municipality = jurisdiction(db, format, query.get("jurisdiction_id")).await?;
    let bad = |e: Open311Error| Failure::new(format, vec![e]);
    let names = theme_names(db, format, &municipality).await?;
    // Given (and not blank), the ids alone say what is listed.
    let ids = query.get("service_request_id").map(parse_ids).transpose().map_err(bad)?.unwrap_or_default();
    let (filter, asked_codes) = if ids.is_empty() {
        let window = Window::parse(query.get("start_date"), query.get("end_date"), time::now())
            .map_err(|errors| Failure::new(format, errors))?;
        let statuses = query.get("status").map(Open311Status::parse_list).transpose().map_err(bad)?.unwrap_or_default();
        let asked: Vec<&str> =
            query.get("service_code").unwrap_or_default().split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
        // Only the town's themes can match: the others are dropped (each kept once), and a list
        // of none of them lists nothing.
        let mut any_theme: Vec<Slug> = Vec::new();
        for code in &asked {
            if names.contains_key(*code) && !any_theme.iter().any(|t| t.as_str() == *code) {
                any_theme.extend(Slug::parse(code).ok());
            }
        }
        if !asked.is_empty() && any_theme.is_empty() {
            return Ok(listed::<Open311ServiceRequest>(format, &[]));
        }
        let codes = any_theme.iter().map(|t| t.as_str().to_owned()).collect();
        (Filter { statuses, any_theme, created_within: Some((window.from, window.to)), ..Filter::default() }, codes)
    } else {
        (Filter { ids: ids.into_iter().map(RequestId::from_uuid).collect(), ..Filter::default() }, Vec::new())
    };
    let found = store::list_published(db, municipality.id, &filter, Sort::CreatedAtDesc, MAX_LISTED, None)
        .await
        .map_err(|e| Failure::of(format, e.into()))?
        .map(|page| page.items)
        .unwrap_or_default();
    let views: Vec<Open311ServiceRequest> =
        found.iter().map(|r| view(r, &municipality, &names, &asked_codes)).collect();
    Ok(listed(format, &views))
}

/// A list of service requests, in the spec's wrapper for XML.
fn listed<T: Serialize>(format: Open311Format, items: &[T]) -> HttpResponse {
    match format {
        Open311Format::Json => format.answer(StatusCode::OK, "service_requests", &items),
        Open311Format::Xml => format.answer(StatusCode::OK, "service_requests", &RequestsXml { request: items }),
    }
}

/// The town's theme `code` names (a service); 404 for none.
async fn service(
    db: &Database,
    format: Open311Format,
    municipality: &Municipality,
    code: &str,
) -> Result<Theme, Failure> {
    // Not even a slug: no theme's, and not worth a query.
    let found = match Slug::parse(code) {
        Ok(_) => themes::find(db, municipality.id, code).await.map_err(|e| Failure::of(format, e.into()))?,
        Err(_) => None,
    };
    found.ok_or_else(|| Failure::new(format, vec![Open311Error::not_found(format!("no service_code {code:?} here"))]))
}

/// The names of the town's themes, by code.
async fn theme_names(
    db: &Database,
    format: Open311Format,
    municipality: &Municipality,
) -> Result<std::collections::HashMap<String, String>, Failure> {
    let list =
        themes::list(db, municipality.id, CATALOGUE, None).await.map_err(|e| Failure::of(format, e.into()))?.items;
    Ok(list.into_iter().map(|t| (t.code.to_string(), t.name)).collect())
}

/// An instant as the spec writes it (W3C, to the second, in UTC).
fn w3c(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The spec's view of a published request, under the first of its themes `asked` names (the
/// services a list was filtered by), else its first.
fn view(
    r: &PublishedRequest,
    municipality: &Municipality,
    names: &std::collections::HashMap<String, String>,
    asked: &[String],
) -> Open311ServiceRequest {
    let code = r.themes.iter().find(|t| asked.contains(t)).or(r.themes.first()).cloned();
    Open311ServiceRequest {
        service_request_id: r.id.to_string(),
        status: Open311Status::of(r.status).code().to_owned(),
        status_notes: None,
        service_name: code.as_ref().and_then(|c| names.get(c).cloned()),
        service_code: code,
        description: r.description.clone(),
        agency_responsible: municipality.name.as_str().to_owned(),
        service_notice: format!("Demande n° {}", r.registration_number),
        requested_datetime: w3c(r.created_at),
        updated_datetime: w3c(r.updated_at),
        expected_datetime: None,
        address: r.location_address.clone(),
        address_id: None,
        zipcode: None,
        lat: r.location_point.map(|p| p.latitude),
        long: r.location_point.map(|p| p.longitude),
        media_url: None,
    }
}

/// Open311 service request
///
/// One published request, in a list of one as the spec has it; 404 for a request that is not
/// published (or not this municipality's).
#[utoipa::path(
    operation_id = "open311_get_request", tag = "open311",
    params(("service_request_id" = String, Path, description = "The request's id.",
            example = "0193a5b2-7c1e-7d2a-9f1e-3b2a1c0d9e8f"),
        ("format" = String, Path, description = "`json` or `xml`.", pattern = "^(json|xml)$", example = "json"), Open311JurisdictionParams),
    security(),
    responses(
        (status = 200, description = "The service request, alone in a list.", content(
            (Vec<Open311ServiceRequest> = "application/json"), (Vec<Open311ServiceRequest> = "text/xml"))),
        (status = 400, description = "`jurisdiction_id` left out where several municipalities are hosted.",
            content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 404, description = "No such published request or jurisdiction, or an unknown format.",
            content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 500, description = "The server failed.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 503, description = "The database is unavailable.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
    )
)]
#[get("/open311/v2/requests/{service_request_id}.{format}")]
pub async fn open311_get_request(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    respond(one(&db, &path.0, &path.1, Query::of(&req).get("jurisdiction_id")).await)
}

async fn one(db: &Database, id: &str, format: &str, jurisdiction_id: Option<&str>) -> Answer {
    let format = Open311Format::parse(format)?;
    let municipality = jurisdiction(db, format, jurisdiction_id).await?;
    let not_found =
        || Failure::new(format, vec![Open311Error::not_found(format!("no published service request {id:?} here"))]);
    let id = uuid::Uuid::parse_str(id).map_err(|_| not_found())?;
    let found = store::find_published(db, municipality.id, RequestId::from_uuid(id))
        .await
        .map_err(|e| Failure::of(format, e.into()))?
        .ok_or_else(not_found)?;
    let names = theme_names(db, format, &municipality).await?;
    Ok(listed(format, &[view(&found, &municipality, &names, &[])]))
}

// --- posting a report -------------------------------------------------------------------------

/// What a report's registration answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311Created {
    /// The request's id.
    pub service_request_id: String,
    /// Its registration number and the tracking code its requester follows it with.
    #[schema(example = "Demande n° 2026-00042 enregistrée. Code de suivi : k3v7q2mzx5d4a6w2r7t3y5u2pq")]
    pub service_notice: String,
    pub account_id: Option<String>,
}

/// A report as the form posts it (documented field by field; `attribute[…]` fields are taken and
/// not looked at: the services define no attributes). The contract's description of the form:
/// the handler reads the body as pairs, so that repeated and `attribute[…]` keys never refuse a
/// report.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
pub struct Open311Report {
    /// A machine client's secret, with the `requests:write` scope.
    pub api_key: String,
    /// The municipality's slug; may be left out when the deployment hosts a single municipality.
    pub jurisdiction_id: Option<String>,
    /// A theme's code.
    #[schema(example = "roads-and-traffic")]
    pub service_code: String,
    /// Latitude (WGS84), with `long`; or give `address_string`.
    #[schema(example = "50.4574")]
    pub lat: Option<String>,
    #[schema(example = "2.7934")]
    pub long: Option<String>,
    #[schema(example = "12 rue Lamartine")]
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    /// At most 4,000 characters.
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// A photo's address (http or https), added to the description.
    pub media_url: Option<String>,
}

/// Open311 post a report
///
/// Registers a request — a complaint under the service's theme, channel `partner_tool`, for the
/// machine client's association — through the same use case as `POST …/requests`: it gets a
/// registration number and a tracking code, and an `Idempotency-Key` header makes a retry safe.
/// The personal data posted (name, email, phone) comes with the consent the partner's tool
/// collected: Open311 has no field for it, and a town gives an API key only to a tool that does.
#[utoipa::path(
    operation_id = "open311_create_request", tag = "open311",
    params(("format" = String, Path, description = "`json` or `xml`.", pattern = "^(json|xml)$", example = "json"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry of the same report safe.")),
    request_body(content = Open311Report, content_type = "application/x-www-form-urlencoded"),
    security(),
    responses(
        (status = 201, description = "The request registered.", content(
            (Vec<Open311Created> = "application/json"), (Vec<Open311Created> = "text/xml"))),
        (status = 400, description = "A missing or invalid field (each one said), or `jurisdiction_id` left out where several municipalities are hosted.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 403, description = "No api_key, or not one of this municipality's active clients with `requests:write`.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 404, description = "No such service or jurisdiction, or an unknown format.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 429, description = "Too many failed api keys from this address.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 500, description = "The server failed.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
        (status = 503, description = "The database is unavailable.", content((Vec<Open311ErrorView> = "application/json"), (Vec<Open311ErrorView> = "text/xml"))),
    )
)]
#[post("/open311/v2/requests.{format}")]
pub async fn open311_create_request(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    format: web::Path<String>,
    key: IdempotencyKey,
    body: web::Bytes,
) -> HttpResponse {
    respond(report(&req, &db, &auth, &format, key, &body).await)
}

async fn report(
    req: &HttpRequest,
    db: &Database,
    auth: &AuthState,
    format: &str,
    key: IdempotencyKey,
    body: &[u8],
) -> Answer {
    let format = Open311Format::parse(format)?;
    let fail = |e: ApiError| Failure::of(format, e);
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|_| {
        Failure::new(
            format,
            vec![Open311Error::bad_request("the body is not a form (application/x-www-form-urlencoded)")],
        )
    })?;
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let municipality = jurisdiction(db, format, field("jurisdiction_id").as_deref()).await?;
    let address = auth.client_address(req);
    auth.failures_by_address.check(&address).map_err(|e| fail(ApiError::too_many(e)))?;
    let forbidden = || {
        Failure::new(
            format,
            vec![Open311Error::forbidden(
                "invalid api_key: it must be the secret of one of this municipality's active clients with the requests:write scope",
            )],
        )
    };
    let secret = field("api_key").filter(|k| !k.is_empty()).ok_or_else(forbidden)?;
    let client =
        clients::find_by_secret_hash(db, municipality.id, &sha256_hex(&secret)).await.map_err(|e| fail(e.into()))?;
    // An active client of the town, that the intake's rule lets submit (its scope), for its association.
    let client = client.filter(|c| c.active);
    let standing = client.as_ref().map(|c| Standing::Client { client: c.id, scopes: c.scopes.clone() });
    let submitter =
        client.as_ref().zip(standing.as_ref()).and_then(|(c, s)| Submitter::of(s, Some(&c.association)).ok());
    let (Some(standing), Some(submitter)) = (standing, submitter) else {
        auth.failures_by_address.record(&address);
        return Err(forbidden());
    };
    let code = field("service_code").filter(|c| !c.trim().is_empty()).ok_or_else(|| {
        Failure::new(
            format,
            vec![Open311Error::bad_request("service_code is required (the services: GET services.json)")],
        )
    })?;
    let theme = service(db, format, &municipality, code.trim()).await?;
    let report = Report {
        service_code: Some(code.clone()),
        lat: field("lat"),
        long: field("long"),
        address_string: field("address_string"),
        address_id: field("address_id"),
        email: field("email"),
        first_name: field("first_name"),
        last_name: field("last_name"),
        phone: field("phone"),
        description: field("description"),
        media_url: field("media_url"),
    };
    let draft = report.draft(theme.code.as_str(), &theme.name).map_err(|errors| Failure::new(format, errors))?;
    let key = key.get().map_err(fail)?;
    // The report's fields without its key identify a retry.
    let hashed: Vec<&(String, String)> = fields.iter().filter(|(k, _)| k != "api_key").collect();
    let hashed = serde_urlencoded::to_string(&hashed)
        .map_err(|e| fail(ApiError::Internal(format!("writing a report's form back: {e}"))))?;
    let idempotent = key.as_deref().map(|key| Idempotent { key, body: hashed.as_bytes() });
    let registered = usecases::register(db, &standing, &municipality, &submitter, &draft, idempotent).await.map_err(
        |e| match e {
            implication_app::UseCaseError::Invalid(errors) => Failure::new(format, refusal(&errors)),
            other => fail(other.into()),
        },
    )?;
    let created = Open311Created {
        service_request_id: registered.request.id.to_string(),
        service_notice: format!(
            "Demande n° {} enregistrée. Code de suivi : {}",
            registered.request.registration_number,
            registered.tracking_code.expose()
        ),
        account_id: None,
    };
    let created = [created];
    Ok(match format {
        Open311Format::Json => format.answer(StatusCode::CREATED, "service_requests", &created),
        Open311Format::Xml => {
            format.answer(StatusCode::CREATED, "service_requests", &RequestsXml { request: &created })
        }
    })
}
