//! Municipalities: the towns this deployment serves.

use crate::etag;
use crate::openapi::{BadRequest, InternalError, NotFound, ServiceUnavailable};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use implication_domain::Municipality;
use implication_storage::{Database, municipalities};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A municipality, as anyone may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e",
    "slug": "loos-en-gohelle",
    "name": "Loos-en-Gohelle",
    "insee_code": "62528",
    "population": 6500,
    "settings": { "answer_delay_days": 30, "minutes_delay_days": 15 },
    "created_at": "2026-11-22T09:00:00Z",
    "updated_at": "2026-11-22T09:00:00Z"
}))]
pub struct MunicipalityView {
    pub id: Uuid,
    /// Its identifier in paths.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 2, max_length = 63)]
    pub slug: String,
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// The INSEE code of the commune.
    #[schema(pattern = "^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-578])[0-9]{3}$")]
    pub insee_code: String,
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub population: u32,
    pub settings: SettingsView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What each town decides for itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    /// Days after which a request still `received` or `qualifying` is late.
    #[schema(minimum = 1, maximum = 365, example = 30)]
    pub answer_delay_days: u16,
    /// Days after a meeting by which its minutes are due.
    #[schema(minimum = 1, maximum = 90, example = 15)]
    pub minutes_delay_days: u16,
}

impl From<&Municipality> for MunicipalityView {
    fn from(m: &Municipality) -> Self {
        Self {
            id: m.id.as_uuid(),
            slug: m.slug.to_string(),
            name: m.name.as_str().to_owned(),
            insee_code: m.insee_code.as_str().to_owned(),
            population: m.population.get(),
            settings: SettingsView {
                answer_delay_days: m.settings.answer_delay_days,
                minutes_delay_days: m.settings.minutes_delay_days,
            },
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A page of municipalities.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityPage {
    pub items: Vec<MunicipalityView>,
    /// Pass it as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The municipality named by a path, or 404.
pub(crate) async fn find_municipality(db: &Database, slug: &str) -> Result<Municipality, ApiError> {
    municipalities::find_by_slug(db, slug).await?.ok_or_else(|| ApiError::NotFound(format!("no municipality {slug}")))
}

/// List municipalities
///
/// Every municipality this deployment serves, in slug order.
#[utoipa::path(
    operation_id = "list_municipalities",
    tag = "municipalities",
    params(PageParams),
    security(()),
    responses(
        (status = 200, description = "A page of municipalities.", body = MunicipalityPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows.")),
            example = json!({ "items": [{
                "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "slug": "loos-en-gohelle", "name": "Loos-en-Gohelle",
                "insee_code": "62528", "population": 6500,
                "settings": { "answer_delay_days": 30, "minutes_delay_days": 15 },
                "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z"
            }], "next_cursor": null })),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities")]
pub async fn list_municipalities(
    req: HttpRequest,
    db: web::Data<Database>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<String>()?;
    let found = municipalities::list(&db, page.limit, page.after.as_deref()).await?;
    let next_cursor =
        found.has_more.then(|| found.items.last().and_then(|m| encode_cursor(&m.slug.as_str()))).flatten();
    let body = MunicipalityPage { items: found.items.iter().map(MunicipalityView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a municipality
///
/// One municipality by its slug, with its settings. Carries an `ETag`; send it back in
/// `If-None-Match` to get a `304` while it has not changed.
#[utoipa::path(
    operation_id = "get_municipality",
    tag = "municipalities",
    params(
        ("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
            pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 2, max_length = 63),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` received earlier.")
    ),
    security(()),
    responses(
        (status = 200, description = "The municipality.", body = MunicipalityView,
            headers(("ETag" = String, description = "The version of this representation."))),
        (status = 304, description = "Not modified since the `ETag` given in `If-None-Match`."),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}")]
pub async fn get_municipality(
    req: HttpRequest,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let municipality = find_municipality(&db, &path).await?;
    let etag = etag::from_version(municipality.version);
    if etag::is_fresh(&req, &etag) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish());
    }
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag)).json(MunicipalityView::from(&municipality)))
}
