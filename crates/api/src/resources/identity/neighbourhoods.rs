//! Neighbourhoods: a municipality's named areas.

use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::identity::municipalities::find_municipality;
use crate::responses::{BadRequest, InternalError, NotFound, ServiceUnavailable};
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use implication_domain::Neighbourhood;
use implication_storage::{Database, identity::neighbourhoods};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A neighbourhood ("Quartier Ouest").
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1f-7000-8000-000000000001",
    "code": "quartier-ouest",
    "name": "Quartier Ouest",
    "created_at": "2026-11-22T09:00:00Z"
}))]
pub struct NeighbourhoodView {
    pub id: Uuid,
    /// Stable within its municipality; what filters take (`?neighbourhood=quartier-ouest`).
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Neighbourhood> for NeighbourhoodView {
    fn from(n: &Neighbourhood) -> Self {
        Self {
            id: n.id.as_uuid(),
            code: n.code.to_string(),
            name: n.name.as_str().to_owned(),
            created_at: n.created_at,
        }
    }
}

/// A page of neighbourhoods.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourhoodPage {
    pub items: Vec<NeighbourhoodView>,
    /// Pass it as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// List a municipality's neighbourhoods
///
/// In name order.
#[utoipa::path(
    operation_id = "list_neighbourhoods",
    tag = "municipalities",
    params(
        ("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
            pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        PageParams
    ),
    security(),
    responses(
        (status = 200, description = "A page of neighbourhoods.", body = NeighbourhoodPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows.")),
            example = json!({ "items": [
                { "id": "0193a5f2-7c1f-7000-8000-000000000001", "code": "centre-ville", "name": "Centre-ville", "created_at": "2026-11-22T09:00:00Z" },
                { "id": "0193a5f2-7c1f-7000-8000-000000000002", "code": "quartier-ouest", "name": "Quartier Ouest", "created_at": "2026-11-22T09:00:00Z" }
            ], "next_cursor": null })),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/neighbourhoods")]
pub async fn list_neighbourhoods(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<(String, Uuid)>()?;
    let municipality = find_municipality(&db, &path).await?;
    let after = page.after.as_ref().map(|(name, id)| (name.as_str(), *id));
    let found = neighbourhoods::list(&db, municipality.id, page.limit, after).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last().and_then(|n| encode_cursor(&(n.name.as_str(), n.id.as_uuid()))))
        .flatten();
    let body = NeighbourhoodPage { items: found.items.iter().map(NeighbourhoodView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}
