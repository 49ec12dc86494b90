//! Neighbourhoods: a municipality's named areas, with their populations when known. Anyone reads
//! them; the municipality's admin adds and changes them.

use crate::auth::{AdminOf, InMunicipality};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::identity::municipalities::find_municipality;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::identity::neighbourhoods::{self as usecases, NeighbourhoodDraft};
use implication_domain::Neighbourhood;
use implication_storage::{Database, identity::neighbourhoods};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A neighbourhood ("Quartier Ouest").
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1f-7000-8000-000000000001",
    "code": "quartier-ouest",
    "name": "Quartier Ouest",
    "population": 1850,
    "version": 1,
    "created_at": "2026-11-22T09:00:00Z"
}))]
pub struct NeighbourhoodView {
    pub id: Uuid,
    /// The version its `ETag` carries: the `If-Match` that changes it names this.
    #[schema(minimum = 1, example = 1)]
    pub version: i32,
    /// Stable within its municipality; what filters take (`?neighbourhood=quartier-ouest`).
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    /// Its inhabitants, when known (indicators count per 1,000 of them).
    #[schema(minimum = 0, maximum = 100_000_000, example = 1850)]
    pub population: Option<u32>,
    pub created_at: DateTime<Utc>,
}

impl From<&Neighbourhood> for NeighbourhoodView {
    fn from(n: &Neighbourhood) -> Self {
        Self {
            id: n.id.as_uuid(),
            version: n.version,
            code: n.code.to_string(),
            name: n.name.as_str().to_owned(),
            population: n.population.map(|p| p.get()),
            created_at: n.created_at,
        }
    }
}

/// A new neighbourhood; its code is derived from the name unless given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeighbourhoodInput {
    #[schema(
        example = "Secteur des Marais",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    /// Stable: requests and filters name it. Default: derived from the name.
    #[schema(example = "secteur-des-marais", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub code: Option<String>,
    /// Its inhabitants, when known.
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    #[schema(minimum = 0, maximum = 100_000_000, example = 420)]
    pub population: Option<i64>,
}

/// Changes to a neighbourhood; what is left out stays, `population: null` makes it unknown again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeighbourhoodUpdate {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::present_whole_number")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100_000_000, example = 1900)]
    pub population: Option<Option<i64>>,
}

fn respond(neighbourhood: &Neighbourhood, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(neighbourhood.version)))
        .json(NeighbourhoodView::from(neighbourhood))
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
                { "id": "0193a5f2-7c1f-7000-8000-000000000001", "version": 1, "code": "centre-ville", "name": "Centre-ville",
                  "population": 2400, "created_at": "2026-11-22T09:00:00Z" },
                { "id": "0193a5f2-7c1f-7000-8000-000000000002", "version": 2, "code": "quartier-ouest", "name": "Quartier Ouest",
                  "population": null, "created_at": "2026-11-22T09:00:00Z" }
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

/// Get a neighbourhood
///
/// Anyone reads it, with the `ETag` its admin's change needs.
#[utoipa::path(
    operation_id = "get_neighbourhood", tag = "municipalities",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("neighbourhood" = String, Path, description = "The neighbourhood's code.", example = "centre-ville")),
    security(),
    responses(
        (status = 200, description = "The neighbourhood.", body = NeighbourhoodView,
            headers(("ETag" = String, description = "Its version."))),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/neighbourhoods/{neighbourhood}")]
pub async fn get_neighbourhood(
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let municipality = find_municipality(&db, &path.0).await?;
    let neighbourhood = usecases::load(&db, &municipality, &path.1).await?;
    Ok(respond(&neighbourhood, StatusCode::OK))
}

/// Add a neighbourhood
///
/// The municipality's admin adds a neighbourhood — its code derived from the name unless given
/// (a code it has already is a 409), its population if known. Every invalid field is named at
/// once.
#[utoipa::path(
    operation_id = "create_neighbourhood", tag = "municipalities",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = NeighbourhoodInput, example = json!({ "name": "Secteur des Marais", "population": 420 })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added.", body = NeighbourhoodView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetNeighbourhood" = (operation_id = "get_neighbourhood", description = "The neighbourhood added.",
                    parameters(("municipality" = "$request.path.municipality"), ("neighbourhood" = "$response.body#/code")))),
                ("UpdateNeighbourhood" = (operation_id = "update_neighbourhood",
                    description = "Change it, with the version just created.",
                    parameters(("municipality" = "$request.path.municipality"), ("neighbourhood" = "$response.body#/code"),
                        ("If-Match" = "$response.header.ETag"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/neighbourhoods")]
pub async fn create_neighbourhood(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<NeighbourhoodInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let draft = NeighbourhoodDraft { name: input.name, code: input.code, population: input.population };
    let created = usecases::create(&db, &caller.municipality, &draft).await?;
    let location = format!("/v1/municipalities/{}/neighbourhoods/{}", caller.municipality.slug, created.code);
    with_location(respond(&created, StatusCode::CREATED), &location)
}

/// Change a neighbourhood
///
/// Its name and its population (`null`: unknown again); its code, which requests and filters
/// hold, stays. What is left out stays. Needs `If-Match`. The municipality's admin only.
#[utoipa::path(
    operation_id = "update_neighbourhood", tag = "municipalities",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("neighbourhood" = String, Path, description = "The neighbourhood's code.", example = "centre-ville"),
        ("If-Match" = String, Header, description = "The neighbourhood's ETag.", example = "\"1\"")),
    request_body(content = NeighbourhoodUpdate, example = json!({ "population": 2450 })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = NeighbourhoodView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/neighbourhoods/{neighbourhood}")]
pub async fn update_neighbourhood(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<NeighbourhoodUpdate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let changed =
        usecases::change(&db, &caller.municipality, &path.1, expected, input.name.as_deref(), input.population).await?;
    Ok(respond(&changed, StatusCode::OK))
}
