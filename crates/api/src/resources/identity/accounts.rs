//! A municipality's accounts, managed by its admin: list, create (or give a role to an existing
//! account), read, update (role, services, suspension).

use crate::auth::{AdminOf, InMunicipality};
use crate::etag;
use crate::extract::{CodeItem, IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable,
};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::identity::accounts::{self as usecases, MemberDraft, MemberUpdate};
use implication_domain::AccountId;
use implication_domain::identity::MunicipalAccount;
use implication_storage::{Database, identity::accounts};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An account of the municipality, as its admin sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "email": "agent@loos-en-gohelle.demo", "display_name": "Agent de démonstration",
    "role": "agent", "active": true, "services": ["services-techniques"], "mayor": false, "email_verified": false,
    "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z"
}))]
pub struct AccountView {
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    pub email: String,
    pub display_name: Option<String>,
    /// `inhabitant`, `agent`, `elected` or `admin`.
    pub role: String,
    /// False when suspended here: its tokens for this municipality stop working.
    pub active: bool,
    /// Codes of the services (departments) the person belongs to.
    pub services: Vec<String>,
    /// The mayor, who holds every delegation (one per municipality, an elected official).
    pub mayor: bool,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&MunicipalAccount> for AccountView {
    fn from(m: &MunicipalAccount) -> Self {
        Self {
            id: m.account.id.as_uuid(),
            version: m.version,
            email: m.account.email.as_str().to_owned(),
            display_name: m.account.display_name.clone(),
            role: m.role.code().to_owned(),
            active: m.active,
            services: m.services.iter().map(ToString::to_string).collect(),
            mayor: m.mayor,
            email_verified: m.account.email_verified,
            created_at: m.account.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A page of accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    pub next_cursor: Option<String>,
}

/// A role to give: to a new account (a password is then required), or to an existing one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    #[schema(example = "agent2@loos-en-gohelle.fr", max_length = 254, format = "email")]
    pub email: String,
    /// `inhabitant`, `agent`, `elected` or `admin`.
    #[schema(example = "agent", pattern = "^(inhabitant|agent|elected|admin)$")]
    pub role: String,
    /// The first password of a new account (10 to 128 characters); ignored for an existing one.
    #[schema(format = "password", min_length = 10, max_length = 128)]
    pub password: Option<String>,
    #[schema(
        example = "Dominique",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub display_name: Option<String>,
    /// Codes of the municipality's services the person belongs to.
    #[schema(example = json!(["services-techniques"]), max_items = 50)]
    #[serde(default)]
    pub services: Vec<CodeItem>,
}

/// Changes to an account of the municipality; absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    #[schema(example = "elected", pattern = "^(inhabitant|agent|elected|admin)$")]
    pub role: Option<String>,
    /// False suspends the account here; true lifts the suspension.
    pub active: Option<bool>,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub display_name: Option<String>,
    /// Replaces the list of services.
    #[schema(max_items = 50)]
    pub services: Option<Vec<CodeItem>>,
    /// Makes this elected official the mayor (and no longer whoever was), or not.
    pub mayor: Option<bool>,
}

fn with_etag(member: &MunicipalAccount, status: actix_web::http::StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(member.version)))
        .json(AccountView::from(member))
}

/// List accounts
///
/// The municipality's accounts and their roles, by email. Admins only.
#[utoipa::path(
    operation_id = "list_accounts",
    tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of accounts.", body = AccountPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/accounts")]
pub async fn list_accounts(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<(String, Uuid)>()?;
    let after = page.after.as_ref().map(|(email, id)| (email.as_str(), *id));
    let found = accounts::list_members(&db, caller.municipality.id, page.limit, after).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last().and_then(|m| encode_cursor(&(m.account.email.as_str(), m.account.id.as_uuid()))))
        .flatten();
    let body = AccountPage { items: found.items.iter().map(AccountView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Create an account
///
/// Gives a role in the municipality: to a new account (with its first password), or to an
/// existing account with this email (which keeps its password). Admins only.
#[utoipa::path(
    operation_id = "create_account",
    tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = AccountInput, example = json!({
        "email": "agent2@loos-en-gohelle.fr", "role": "agent", "password": "un premier mot de passe", "display_name": "Dominique",
        "services": ["services-techniques"] })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = AccountView,
            headers(("Location" = String, description = "The account's address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetAccount" = (operation_id = "get_account", description = "The account created.",
                    parameters(("municipality" = "$request.path.municipality"), ("account" = "$response.body#/id")))),
                ("UpdateAccount" = (operation_id = "update_account",
                    description = "Change it, with the version just created.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("account" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")
                    )))
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/accounts")]
pub async fn create_account(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<AccountInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let town = &caller.municipality;
    let draft = MemberDraft {
        email: input.email,
        role: input.role,
        display_name: input.display_name,
        password: input.password,
        services: input.services.into_iter().map(|c| c.0).collect(),
    };
    let member = usecases::add_member(&db, town, &draft).await?;
    let location = format!("/v1/municipalities/{}/accounts/{}", town.slug, member.account.id);
    with_location(with_etag(&member, actix_web::http::StatusCode::CREATED), &location)
}

/// Get an account
///
/// One account of the municipality, with its `ETag`. Admins only.
#[utoipa::path(
    operation_id = "get_account",
    tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("account" = Uuid, Path, description = "The account's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account.", body = AccountView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/accounts/{account}")]
pub async fn get_account(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_account_id(&path.1)?;
    let member = accounts::find_member(&db, caller.municipality.id, id).await?.ok_or_else(no_account)?;
    Ok(with_etag(&member, actix_web::http::StatusCode::OK))
}

/// Update an account
///
/// Changes the role, the services or the name of an account here, or suspends it (`active:
/// false`). Needs `If-Match` with the account's `ETag`. An admin cannot suspend or demote
/// themselves (so that a municipality never loses its last admin by mistake). Admins only.
#[utoipa::path(
    operation_id = "update_account",
    tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("account" = Uuid, Path, description = "The account's id."),
        ("If-Match" = String, Header, description = "The account's ETag.", example = "\"1\"")),
    request_body(content = AccountUpdate, example = json!({ "active": false })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated.", body = AccountView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/accounts/{account}")]
pub async fn update_account(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<AccountUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_account_id(&path.1)?;
    let input = body.into_inner()?;
    let update = MemberUpdate {
        role: input.role,
        active: input.active,
        display_name: input.display_name,
        services: input.services.map(|codes| codes.into_iter().map(|c| c.0).collect()),
        mayor: input.mayor,
    };
    let by = caller.principal.account();
    let expected = if_match.precondition()?;
    let member = usecases::update_member(&db, by, &caller.municipality, id, expected, &update).await?;
    Ok(with_etag(&member, actix_web::http::StatusCode::OK))
}

fn parse_account_id(raw: &str) -> Result<AccountId, ApiError> {
    Uuid::parse_str(raw).map(AccountId::from_uuid).map_err(|_| no_account())
}

fn no_account() -> ApiError {
    ApiError::no(implication_app::Resource::Account)
}
