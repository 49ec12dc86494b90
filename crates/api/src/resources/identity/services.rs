//! Services: the departments of a town hall ("services techniques"), which agents belong to and
//! requests are routed to. Staff read them; the admin manages them.

use crate::auth::{AdminOf, InMunicipality, StaffOf};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable,
};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::identity::services as usecases;
use implication_domain::Message;
use implication_domain::identity::Service;
use implication_domain::identity::municipality::parse_name;
use implication_domain::{Slug, ValidationErrors};
use implication_storage::{Database, identity::services};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "code": "services-techniques", "name": "Services techniques",
    "load_limit": 40, "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z" }))]
pub struct ServiceView {
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: String,
    pub name: String,
    /// How many open requests, processes, projects and promises it carries before a
    /// qualification routing more to it is warned (`GET …/workload`); `null`: no limit set.
    #[schema(minimum = 1, maximum = 100_000)]
    pub load_limit: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Service> for ServiceView {
    fn from(s: &Service) -> Self {
        Self {
            id: s.id.as_uuid(),
            version: s.version,
            code: s.code.to_string(),
            name: s.name.clone(),
            load_limit: s.load_limit,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePage {
    pub items: Vec<ServiceView>,
    pub next_cursor: Option<String>,
}

/// A new service; its code is derived from the name unless given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    #[schema(
        example = "Services techniques",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[schema(example = "services-techniques", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: Option<String>,
}

/// Changes to a service: a new name (its code is stable), a load limit (`null`: none). What is
/// left out stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceUpdate {
    #[schema(
        example = "Services techniques municipaux",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    /// How many open items it carries before routing more to it is warned; `null`: no limit.
    #[serde(default, deserialize_with = "crate::extract::present_whole_number")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 100_000, example = 40)]
    pub load_limit: Option<Option<i64>>,
}

fn respond(service: &Service, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(service.version)))
        .json(ServiceView::from(service))
}

/// Parses a name and a code (derived from the name when absent), reporting both.
pub(crate) fn name_and_code(name: &str, code: Option<&str>) -> Result<(String, Slug), ApiError> {
    let mut errors = ValidationErrors::default();
    let parsed_name = errors.collect(parse_name("name", name, 120));
    let code = match code {
        Some(code) => errors.collect(Slug::parse_field("code", code)),
        None => errors.collect(Slug::from_name(name).map_err(|_| {
            implication_domain::FieldError::new(
                "code",
                implication_domain::error::Code::Required,
                Message::new(
                    "give a code: none can be derived from this name",
                    "donnez un code : aucun ne peut être tiré de ce nom",
                ),
            )
        })),
    };
    match (parsed_name, code) {
        (Some(name), Some(code)) => Ok((name, code)),
        _ => Err(ApiError::Invalid(errors)),
    }
}

/// List services
///
/// The municipality's services, by code. Staff only.
#[utoipa::path(
    operation_id = "list_services", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of services.", body = ServicePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/services")]
pub async fn list_services(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<String>()?;
    let found = services::list_services(&db, caller.municipality.id, page.limit, page.after.as_deref()).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last().and_then(|s| encode_cursor(&s.code.as_str()))).flatten();
    let body = ServicePage { items: found.items.iter().map(ServiceView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Create a service
///
/// Admins only.
#[utoipa::path(
    operation_id = "create_service", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = ServiceInput, example = json!({ "name": "Services techniques" })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = ServiceView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetService" = (operation_id = "get_service", description = "The service created.",
                    parameters(("municipality" = "$request.path.municipality"), ("service" = "$response.body#/code")))),
                ("UpdateService" = (operation_id = "update_service",
                    description = "Rename it, with the version just created.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("service" = "$response.body#/code"),
                        ("If-Match" = "$response.header.ETag")
                    )))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/services")]
pub async fn create_service(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<ServiceInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (name, code) = name_and_code(&body.name, body.code.as_deref())?;
    let service = usecases::create_service(&db, &caller.municipality, &code, &name).await?;
    let location = format!("/v1/municipalities/{}/services/{}", caller.municipality.slug, service.code);
    with_location(respond(&service, StatusCode::CREATED), &location)
}

/// Get a service
///
/// Staff only.
#[utoipa::path(
    operation_id = "get_service", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("service" = String, Path, description = "The service's code.", example = "services-techniques")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The service.", body = ServiceView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/services/{service}")]
pub async fn get_service(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let service = services::find_service(&db, caller.municipality.id, &path.1).await?.ok_or_else(no_service)?;
    Ok(respond(&service, StatusCode::OK))
}

/// Change a service
///
/// Its name and its load limit: how many open requests, processes, projects and promises it
/// carries before a qualification routing more to it carries a warning (`null`: no limit). Needs
/// `If-Match`. Admins only.
#[utoipa::path(
    operation_id = "update_service", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("service" = String, Path, description = "The service's code.", example = "services-techniques"),
        ("If-Match" = String, Header, description = "The service's ETag.", example = "\"1\"")),
    request_body(content = ServiceUpdate, example = json!({ "name": "Services techniques municipaux", "load_limit": 40 })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = ServiceView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/services/{service}")]
pub async fn update_service(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ServiceUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (municipality, expected) = (&caller.municipality, if_match.precondition()?);
    let changes = usecases::ServiceChanges { name: body.name, load_limit: body.load_limit };
    let service = usecases::update_service(&db, municipality, &path.1, expected, &changes).await?;
    Ok(respond(&service, StatusCode::OK))
}

fn no_service() -> ApiError {
    ApiError::no(implication_app::Resource::Service)
}
