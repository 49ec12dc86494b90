//! Themes: the municipality's catalogue of subjects requests are filed under. Anyone reads it;
//! the admin adds and renames themes. Codes are stable (requests and filters hold them, and the
//! catalogue will double as the Open311 service list), so a theme is renamed, never recoded,
//! and not removed while requests may name it.

use crate::auth::{AdminOf, InMunicipality};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::identity::municipalities::find_municipality;
use crate::resources::identity::services::name_and_code;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::requests::themes as usecases;
use implication_domain::requests::theme::Theme;
use implication_storage::{Database, requests::themes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "code": "roads-and-traffic",
    "name": "Voirie et circulation", "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z" }))]
pub struct ThemeView {
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    /// Stable: filters and requests use it.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Theme> for ThemeView {
    fn from(t: &Theme) -> Self {
        Self {
            id: t.id.as_uuid(),
            version: t.version,
            code: t.code.to_string(),
            name: t.name.clone(),
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A new theme; its code is derived from the name unless given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeInput {
    #[schema(
        example = "Patrimoine minier",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[schema(example = "mining-heritage", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: Option<String>,
}

/// A new name for a theme (its code is stable).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeUpdate {
    #[schema(
        example = "Voirie, circulation et stationnement",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemePage {
    pub items: Vec<ThemeView>,
    pub next_cursor: Option<String>,
}

/// List themes
///
/// The municipality's themes, by code: what a request's `themes` may name. Public: a token is
/// not looked at.
#[utoipa::path(
    operation_id = "list_themes", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(),
    responses(
        (status = 200, description = "A page of themes.", body = ThemePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/themes")]
pub async fn list_themes(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.parse::<String>()?;
    let municipality = find_municipality(&db, &path).await?;
    let found = themes::list(&db, municipality.id, page.limit, page.after.as_deref()).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last()).flatten().and_then(|t| encode_cursor(&t.code.as_str()));
    let body = ThemePage { items: found.items.iter().map(ThemeView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

fn respond(theme: &Theme, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(theme.version)))
        .json(ThemeView::from(theme))
}

fn no_theme() -> ApiError {
    ApiError::no(implication_app::Resource::Theme)
}

/// Get a theme
///
/// Public: a token is not looked at.
#[utoipa::path(
    operation_id = "get_theme", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("theme" = String, Path, description = "The theme's code.", example = "roads-and-traffic")),
    security(),
    responses(
        (status = 200, description = "The theme.", body = ThemeView, headers(("ETag" = String, description = "Its version."))),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/themes/{theme}")]
pub async fn get_theme(db: web::Data<Database>, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let municipality = find_municipality(&db, &path.0).await?;
    let theme = themes::find(&db, municipality.id, &path.1).await?.ok_or_else(no_theme)?;
    Ok(respond(&theme, StatusCode::OK))
}

/// Add a theme
///
/// Its code is derived from the name unless given, and never changes. Admins only.
#[utoipa::path(
    operation_id = "create_theme", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = ThemeInput,
        example = json!({ "name": "Patrimoine minier", "code": "mining-heritage" })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added.", body = ThemeView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetTheme" = (operation_id = "get_theme", description = "The theme added.",
                    parameters(("municipality" = "$request.path.municipality"), ("theme" = "$response.body#/code")))),
                ("UpdateTheme" = (operation_id = "update_theme",
                    description = "Rename it, with the version just created.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("theme" = "$response.body#/code"),
                        ("If-Match" = "$response.header.ETag")
                    )))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/themes")]
pub async fn create_theme(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<ThemeInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let (name, code) = name_and_code(&body.name, body.code.as_deref())?;
    let theme = usecases::create(&db, &caller.municipality, &code, &name).await?;
    let location = format!("/v1/municipalities/{}/themes/{}", caller.municipality.slug, theme.code);
    with_location(respond(&theme, StatusCode::CREATED), &location)
}

/// Rename a theme
///
/// The code stays. Needs `If-Match`. Admins only.
#[utoipa::path(
    operation_id = "update_theme", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("theme" = String, Path, description = "The theme's code.", example = "roads-and-traffic"),
        ("If-Match" = String, Header, description = "The theme's ETag.", example = "\"1\"")),
    request_body(content = ThemeUpdate, example = json!({ "name": "Voirie, circulation et stationnement" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Renamed.", body = ThemeView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/themes/{theme}")]
pub async fn update_theme(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ThemeUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let theme = usecases::rename(&db, &caller.municipality, &path.1, if_match.precondition()?, &body.name).await?;
    Ok(respond(&theme, StatusCode::OK))
}
