//! Machine clients of partner associations' tools, managed by the municipality's admin. A
//! client's secret is shown once, at creation and at each rotation; only its hash is kept.

use crate::auth::{AdminOf, InMunicipality};
use crate::etag;
use crate::extract::{IfMatch, JsonBody, ScopeItem};
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
use implication_app::identity::clients::{self as usecases, ClientDraft, ClientUpdate as ClientUpdateDraft};
use implication_domain::OrganisationId;
use implication_domain::identity::MachineClient;
use implication_storage::{Database, identity::clients};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "client_id": "demo-partner", "name": "Outil de l'association",
    "association": "Association des jardins partagés", "organisation": null, "scopes": ["requests:read", "requests:write"], "active": true,
    "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z" }))]
pub struct ClientView {
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    /// What the tool sends as `client_id`.
    pub client_id: String,
    pub name: String,
    /// The association it acts for.
    pub association: String,
    /// That association in the town's directory of organisations (`…/organisations`), if linked:
    /// with `projects:read` the tool reads the projects and conventions naming it as a party, with
    /// `projects:write` it records how it kept its commitments.
    pub organisation: Option<Uuid>,
    pub scopes: Vec<String>,
    /// False once revoked: its tokens stop working and it can get no new ones.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&MachineClient> for ClientView {
    fn from(c: &MachineClient) -> Self {
        Self {
            id: c.id.as_uuid(),
            version: c.version,
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            association: c.association.clone(),
            organisation: c.organisation.map(|o| o.as_uuid()),
            scopes: c.scopes.iter().map(|s| s.code().to_owned()).collect(),
            active: c.active,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A client with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientWithSecret {
    #[serde(flatten)]
    pub client: ClientView,
    /// Keep it now: it is never shown again (rotate it if it is lost).
    pub client_secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientPage {
    pub items: Vec<ClientView>,
    pub next_cursor: Option<String>,
}

/// A new machine client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    #[schema(
        example = "Outil de l'association",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[schema(
        example = "Association des jardins partagés",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub association: String,
    /// The association in the town's directory of organisations, for `projects:read` and
    /// `projects:write` (a tool of no organisation reads what the public reads of projects).
    pub organisation: Option<Uuid>,
    /// Among `requests:read`, `requests:write`, `projects:read` (the projects and conventions
    /// naming its organisation as a party), `projects:write` (recording how its organisation kept
    /// its commitments), `processes:read` (the processes that gathered a request of its
    /// association, even before they open), `webhooks:manage`.
    #[schema(example = json!(["requests:read", "requests:write"]), min_items = 1, max_items = 6)]
    pub scopes: Vec<ScopeItem>,
    /// Its public id (default: derived from the name).
    #[schema(example = "jardins-partages", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub client_id: Option<String>,
}

/// Changes to a client; `active: false` revokes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientUpdate {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub association: Option<String>,
    /// Its association in the town's directory; `null` unlinks it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<Uuid>)]
    pub organisation: Option<Option<Uuid>>,
    #[schema(min_items = 1, max_items = 6)]
    pub scopes: Option<Vec<ScopeItem>>,
    pub active: Option<bool>,
}

fn respond<T: Serialize>(client: &MachineClient, body: &T, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(client.version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// List machine clients
///
/// Admins only.
#[utoipa::path(
    operation_id = "list_clients", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of clients.", body = ClientPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/clients")]
pub async fn list_clients(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<Uuid>()?;
    let found = clients::list(&db, caller.municipality.id, page.limit, page.after).await?;
    let next_cursor = found.has_more.then(|| found.items.last().and_then(|c| encode_cursor(&c.id.as_uuid()))).flatten();
    let body = ClientPage { items: found.items.iter().map(ClientView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Create a machine client
///
/// For a partner association's tool. The answer carries the `client_secret`, shown this once.
/// Admins only.
#[utoipa::path(
    operation_id = "create_client", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = ClientInput, example = json!({ "name": "Outil de l'association", "association": "Association des jardins partagés",
        "scopes": ["requests:read", "requests:write"] })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its secret.", body = ClientWithSecret,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetClient" = (operation_id = "get_client", description = "The client created.",
                    parameters(("municipality" = "$request.path.municipality"), ("client" = "$response.body#/id")))),
                ("UpdateClient" = (operation_id = "update_client",
                    description = "Change it, with the version just created.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("client" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")
                    ))),
                ("RotateClientSecret" = (operation_id = "rotate_client_secret", description = "Give it a new secret.",
                    parameters(("municipality" = "$request.path.municipality"), ("client" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/clients")]
pub async fn create_client(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<ClientInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let draft = ClientDraft {
        name: input.name,
        association: input.association,
        organisation: input.organisation.map(OrganisationId::from_uuid),
        scopes: input.scopes.into_iter().map(|s| s.0).collect(),
        client_id: input.client_id,
    };
    let (client, secret) = usecases::create(&db, &caller.municipality, &draft).await?;
    let body = ClientWithSecret { client: ClientView::from(&client), client_secret: secret };
    let location = format!("/v1/municipalities/{}/clients/{}", caller.municipality.slug, client.id);
    with_location(respond(&client, &body, StatusCode::CREATED), &location)
}

/// Get a machine client
///
/// Admins only. The secret is never shown again.
#[utoipa::path(
    operation_id = "get_client", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("client" = Uuid, Path, description = "The client's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The client.", body = ClientView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/clients/{client}")]
pub async fn get_client(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path.1).map_err(|_| no_client())?;
    let client = clients::find(&db, caller.municipality.id, id).await?.ok_or_else(no_client)?;
    Ok(respond(&client, &ClientView::from(&client), StatusCode::OK))
}

/// Update or revoke a machine client
///
/// Renames it, changes its association (and its organisation in the directory) or scopes, or revokes it (`active: false`; its tokens
/// stop working at once). Needs `If-Match`. Admins only.
#[utoipa::path(
    operation_id = "update_client", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("client" = Uuid, Path, description = "The client's id."),
        ("If-Match" = String, Header, description = "The client's ETag.", example = "\"1\"")),
    request_body(content = ClientUpdate, example = json!({ "active": false })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated.", body = ClientView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/clients/{client}")]
pub async fn update_client(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ClientUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path.1).map_err(|_| no_client())?;
    let input = body.into_inner()?;
    let update = ClientUpdateDraft {
        name: input.name,
        association: input.association,
        organisation: input.organisation.map(|o| o.map(OrganisationId::from_uuid)),
        scopes: input.scopes.map(|s| s.into_iter().map(|c| c.0).collect()),
        active: input.active,
    };
    let client = usecases::update(&db, &caller.municipality, id, if_match.precondition()?, &update).await?;
    Ok(respond(&client, &ClientView::from(&client), StatusCode::OK))
}

/// Rotate a client's secret
///
/// Gives the client a new secret, shown this once; the old one stops working at once (tokens
/// already issued run until they expire). Admins only.
#[utoipa::path(
    operation_id = "rotate_client_secret", tag = "accounts",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("client" = Uuid, Path, description = "The client's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The client, with its new secret.", body = ClientWithSecret,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/clients/{client}/secret")]
pub async fn rotate_client_secret(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path.1).map_err(|_| no_client())?;
    let (client, secret) = usecases::rotate_secret(&db, &caller.municipality, id).await?;
    let body = ClientWithSecret { client: ClientView::from(&client), client_secret: secret };
    Ok(respond(&client, &body, StatusCode::OK))
}

fn no_client() -> ApiError {
    ApiError::no(implication_app::Resource::Client)
}
