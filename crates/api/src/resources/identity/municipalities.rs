//! Municipalities: the towns this deployment serves.

use crate::auth::{AdminOf, InMunicipality, PlatformAdmin};
use crate::etag;
use crate::extract::{IfMatch, JsonBody, NameItem, optional_whole_number, whole_number};
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
use implication_app::identity::municipalities::{self as usecases, MunicipalityUpdate as UpdateDraft};
use implication_domain::Municipality;
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_storage::{Database, identity::municipalities};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A municipality, as anyone may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3,
    "slug": "loos-en-gohelle",
    "name": "Loos-en-Gohelle",
    "insee_code": "62528",
    "population": 6500,
    "settings": { "answer_delay_days": 30, "minutes_delay_days": 15, "time_zone": "Europe/Paris" },
    "created_at": "2026-11-22T09:00:00Z",
    "updated_at": "2026-11-22T09:00:00Z"
}))]
pub struct MunicipalityView {
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    /// Its identifier in paths.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub slug: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
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
    /// Its time zone (IANA): meetings are set and shown in it.
    #[schema(example = "Europe/Paris")]
    pub time_zone: String,
}

impl From<&Municipality> for MunicipalityView {
    fn from(m: &Municipality) -> Self {
        Self {
            id: m.id.as_uuid(),
            version: m.version,
            slug: m.slug.to_string(),
            name: m.name.as_str().to_owned(),
            insee_code: m.insee_code.as_str().to_owned(),
            population: m.population.get(),
            settings: SettingsView {
                answer_delay_days: m.settings.answer_delay_days,
                minutes_delay_days: m.settings.minutes_delay_days,
                time_zone: m.settings.time_zone.name().to_owned(),
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
    municipalities::find_by_slug(db, slug).await?.ok_or_else(|| ApiError::no_municipality(slug))
}

/// List municipalities
///
/// Every municipality this deployment serves, in slug order.
#[utoipa::path(
    operation_id = "list_municipalities",
    tag = "municipalities",
    params(PageParams),
    security(),
    responses(
        (status = 200, description = "A page of municipalities.", body = MunicipalityPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows.")),
            example = json!({ "items": [{
                "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 1, "slug": "loos-en-gohelle",
                "name": "Loos-en-Gohelle", "insee_code": "62528", "population": 6500,
                "settings": { "answer_delay_days": 30, "minutes_delay_days": 15, "time_zone": "Europe/Paris" },
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
            pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` received earlier.")
    ),
    security(),
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

/// Settings given on creation or update; absent ones keep their value (or the default).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    #[schema(minimum = 1, maximum = 365, example = 30)]
    #[serde(default, deserialize_with = "optional_whole_number")]
    pub answer_delay_days: Option<i64>,
    #[schema(minimum = 1, maximum = 90, example = 15)]
    #[serde(default, deserialize_with = "optional_whole_number")]
    pub minutes_delay_days: Option<i64>,
    /// An IANA time zone (default `Europe/Paris`): `Indian/Reunion`, `America/Cayenne`…
    #[schema(example = "Europe/Paris", min_length = 1, max_length = 64)]
    pub time_zone: Option<String>,
}

/// A new municipality.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityInput {
    #[schema(example = "grenay", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub slug: String,
    #[schema(
        example = "Grenay",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[schema(example = "62386", pattern = "^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-578])[0-9]{3}$")]
    pub insee_code: String,
    #[schema(example = 6900, minimum = 0, maximum = 100_000_000)]
    #[serde(deserialize_with = "whole_number")]
    pub population: i64,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub settings: Option<SettingsInput>,
    /// Names of its neighbourhoods.
    #[schema(example = json!(["Centre-ville", "Quartier Nord"]), max_items = 200)]
    #[serde(default)]
    pub neighbourhoods: Vec<NameItem>,
}

/// Changes to a municipality; absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityUpdate {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[schema(minimum = 0, maximum = 100_000_000)]
    #[serde(default, deserialize_with = "optional_whole_number")]
    pub population: Option<i64>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub settings: Option<SettingsInput>,
}

fn with_etag(municipality: &Municipality, status: actix_web::http::StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(municipality.version)))
        .json(MunicipalityView::from(municipality))
}

/// Create a municipality
///
/// Adds a town to this deployment, with its neighbourhoods; then give it its first admin with
/// `POST /v1/municipalities/{municipality}/accounts`. Platform admins only.
#[utoipa::path(
    operation_id = "create_municipality",
    tag = "municipalities",
    request_body(content = MunicipalityInput, example = json!({ "slug": "grenay", "name": "Grenay", "insee_code": "62386",
        "population": 6900, "settings": { "answer_delay_days": 30 }, "neighbourhoods": ["Centre-ville", "Quartier Nord"] })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = MunicipalityView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetMunicipality" = (operation_id = "get_municipality", description = "The municipality created.",
                    parameters(("municipality" = "$response.body#/slug")))),
                ("UpdateMunicipality" = (operation_id = "update_municipality",
                    description = "Change it, with the version just created.",
                    parameters(
                        ("municipality" = "$response.body#/slug"),
                        ("If-Match" = "$response.header.ETag")
                    ))),
                ("ListNeighbourhoods" = (operation_id = "list_neighbourhoods", description = "Its neighbourhoods.",
                    parameters(("municipality" = "$response.body#/slug")))),
                ("CreateAccount" = (operation_id = "create_account", description = "Its first admin, and its staff.",
                    parameters(("municipality" = "$response.body#/slug")))),
                ("CreateService" = (operation_id = "create_service", description = "Its services.",
                    parameters(("municipality" = "$response.body#/slug")))),
                ("CreateDelegation" = (operation_id = "create_delegation",
                    description = "Its elected officials' delegations.",
                    parameters(
                        ("municipality" = "$response.body#/slug")
                    ))),
                ("CreateTheme" = (operation_id = "create_theme", description = "Its themes.",
                    parameters(("municipality" = "$response.body#/slug")))),
                ("CreateRequest" = (operation_id = "create_request", description = "Submit a request there.",
                    parameters(("municipality" = "$response.body#/slug"))))
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities")]
pub async fn create_municipality(
    db: web::Data<Database>,
    _caller: PlatformAdmin,
    body: JsonBody<MunicipalityInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let settings = input.settings.as_ref();
    let draft = MunicipalityDraft {
        slug: input.slug,
        name: input.name,
        insee_code: input.insee_code,
        population: input.population,
        answer_delay_days: settings.and_then(|s| s.answer_delay_days),
        minutes_delay_days: settings.and_then(|s| s.minutes_delay_days),
        time_zone: settings.and_then(|s| s.time_zone.clone()),
    };
    let neighbourhoods: Vec<String> = input.neighbourhoods.into_iter().map(|n| n.0).collect();
    let created = implication_app::identity::municipalities::create(&db, &draft, &neighbourhoods).await?;
    let location = format!("/v1/municipalities/{}", created.slug);
    with_location(with_etag(&created, actix_web::http::StatusCode::CREATED), &location)
}

/// Update a municipality
///
/// Its name, population or settings (answer delay, minutes delay). Needs `If-Match`. The
/// municipality's admins (and platform admins).
#[utoipa::path(
    operation_id = "update_municipality",
    tag = "municipalities",
    params(
        ("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
            pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("If-Match" = String, Header, description = "The municipality's ETag.", example = "\"1\"")
    ),
    request_body(content = MunicipalityUpdate, example = json!({ "settings": { "answer_delay_days": 21 } })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated.", body = MunicipalityView, headers(("ETag" = String, description = "Its new version."))),
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
#[patch("/v1/municipalities/{municipality}")]
pub async fn update_municipality(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    if_match: IfMatch,
    body: JsonBody<MunicipalityUpdate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let settings = input.settings.as_ref();
    let update = UpdateDraft {
        name: input.name,
        population: input.population,
        answer_delay_days: settings.and_then(|s| s.answer_delay_days),
        minutes_delay_days: settings.and_then(|s| s.minutes_delay_days),
        time_zone: settings.and_then(|s| s.time_zone.clone()),
        settings: settings.is_some(),
    };
    let updated = usecases::update(&db, &caller.municipality, if_match.precondition()?, &update).await?;
    Ok(with_etag(&updated, actix_web::http::StatusCode::OK))
}
