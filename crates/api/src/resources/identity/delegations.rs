//! Delegations: an elected official's portfolio ("travaux et urbanisme"), to which requests are
//! routed. Staff read them; the admin manages them and names their holder.

use crate::auth::{AdminOf, InMunicipality, StaffOf};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::identity::services::name_and_code;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable,
};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::identity::services as usecases;
use implication_domain::AccountId;
use implication_domain::identity::Delegation;
use implication_storage::{Database, identity::services};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "code": "travaux-et-urbanisme", "name": "Travaux et urbanisme",
    "holder": "0193a5f2-7c1f-7000-8000-000000000001", "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z" }))]
pub struct DelegationView {
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: String,
    pub name: String,
    /// The account of the elected official who holds it.
    pub holder: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Delegation> for DelegationView {
    fn from(d: &Delegation) -> Self {
        Self {
            id: d.id.as_uuid(),
            version: d.version,
            code: d.code.to_string(),
            name: d.name.clone(),
            holder: d.holder.map(|h| h.as_uuid()),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DelegationPage {
    pub items: Vec<DelegationView>,
    pub next_cursor: Option<String>,
}

/// A new delegation; its code is derived from the name unless given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationInput {
    #[schema(
        example = "Travaux et urbanisme",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[schema(example = "travaux-et-urbanisme", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: Option<String>,
    /// An elected official of the municipality.
    pub holder: Option<Uuid>,
}

/// Changes to a delegation; absent fields are kept, `holder: null` leaves it vacant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationUpdate {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<Uuid>)]
    pub holder: Option<Option<Uuid>>,
}

fn respond(delegation: &Delegation, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(delegation.version)))
        .json(DelegationView::from(delegation))
}

/// List delegations
///
/// The municipality's delegations, by code. Staff only.
#[utoipa::path(
    operation_id = "list_delegations", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of delegations.", body = DelegationPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/delegations")]
pub async fn list_delegations(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<String>()?;
    let found = services::list_delegations(&db, caller.municipality.id, page.limit, page.after.as_deref()).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last().and_then(|d| encode_cursor(&d.code.as_str()))).flatten();
    let body = DelegationPage { items: found.items.iter().map(DelegationView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Create a delegation
///
/// Admins only.
#[utoipa::path(
    operation_id = "create_delegation", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = DelegationInput, example = json!({ "name": "Travaux et urbanisme" })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = DelegationView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetDelegation" = (operation_id = "get_delegation", description = "The delegation created.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("delegation" = "$response.body#/code")
                    ))),
                ("UpdateDelegation" = (operation_id = "update_delegation",
                    description = "Change it, with the version just created.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("delegation" = "$response.body#/code"),
                        ("If-Match" = "$response.header.ETag")
                    )))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/delegations")]
pub async fn create_delegation(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<DelegationInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (name, code) = name_and_code(&body.name, body.code.as_deref())?;
    let holder = body.holder.map(AccountId::from_uuid);
    let delegation = usecases::create_delegation(&db, &caller.municipality, &code, &name, holder).await?;
    let location = format!("/v1/municipalities/{}/delegations/{}", caller.municipality.slug, delegation.code);
    with_location(respond(&delegation, StatusCode::CREATED), &location)
}

/// Get a delegation
///
/// Staff only.
#[utoipa::path(
    operation_id = "get_delegation", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("delegation" = String, Path, description = "The delegation's code.", example = "travaux-et-urbanisme")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The delegation.", body = DelegationView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/delegations/{delegation}")]
pub async fn get_delegation(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let delegation =
        services::find_delegation(&db, caller.municipality.id, &path.1).await?.ok_or_else(no_delegation)?;
    Ok(respond(&delegation, StatusCode::OK))
}

/// Update a delegation
///
/// Renames it or changes its holder (`null` leaves it vacant). Needs `If-Match`. Admins only.
#[utoipa::path(
    operation_id = "update_delegation", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("delegation" = String, Path, description = "The delegation's code.", example = "travaux-et-urbanisme"),
        ("If-Match" = String, Header, description = "The delegation's ETag.", example = "\"1\"")),
    request_body(content = DelegationUpdate, example = json!({ "holder": "0193a5f2-7c1f-7000-8000-000000000001" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated.", body = DelegationView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/delegations/{delegation}")]
pub async fn update_delegation(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<DelegationUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let holder = body.holder.map(|h| h.map(AccountId::from_uuid));
    let (municipality, expected) = (&caller.municipality, if_match.precondition()?);
    let delegation =
        usecases::update_delegation(&db, municipality, &path.1, expected, body.name.as_deref(), holder).await?;
    Ok(respond(&delegation, StatusCode::OK))
}

fn no_delegation() -> ApiError {
    ApiError::no(implication_app::Resource::Delegation)
}
