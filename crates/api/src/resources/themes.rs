//! Themes: the municipality's catalogue of subjects requests are filed under (stable codes).

use crate::auth::Visitor;
use crate::openapi::{BadRequest, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use implication_domain::theme::Theme;
use implication_storage::{Database, themes};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "code": "roads-and-traffic",
    "name": "Voirie et circulation", "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z" }))]
pub struct ThemeView {
    pub id: Uuid,
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
            code: t.code.to_string(),
            name: t.name.clone(),
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemePage {
    pub items: Vec<ThemeView>,
    pub next_cursor: Option<String>,
}

/// List themes
///
/// The municipality's themes, by code: what a request's `themes` may name. Public.
#[utoipa::path(
    operation_id = "list_themes", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of themes.", body = ThemePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/themes")]
pub async fn list_themes(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.parse::<String>()?;
    let found = themes::list(&db, visitor.municipality.id, page.limit, page.after.as_deref()).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last()).flatten().and_then(|t| encode_cursor(&t.code.as_str()));
    let body = ThemePage { items: found.items.iter().map(ThemeView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}
