//! Drawing inhabitants by lot (the 2011 local plan workshops): per neighbourhood, lines drawn from
//! the town's own list, by a published rule from a published seed, so that anyone can run the
//! draw again. No name is ever sent here: only the lists' sizes and the line numbers drawn.

use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::extract::JsonBody;
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use implication_app::Resource;
use implication_app::participation::draws;
use implication_domain::DrawId;
use implication_domain::participation::{Draw, DrawDraft, PoolDraft};
use implication_storage::Database;
use implication_storage::participation::draws::{self as store, DrawAfter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One neighbourhood's pool.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolInput {
    /// The neighbourhood's code.
    #[schema(required = true, example = "cite-5")]
    pub neighbourhood: Option<String>,
    /// How many lines the town's list of the neighbourhood's inhabitants holds (1 to 100,000).
    #[schema(required = true, minimum = 1, maximum = 100000, example = 1000)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub pool_size: Option<i64>,
    /// How many to invite (at least 1; with the alternates, at most 1,000).
    #[schema(required = true, minimum = 1, maximum = 1000, example = 5)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub seats: Option<i64>,
    /// How many more to ask in turn if someone declines; default 0.
    #[schema(minimum = 0, maximum = 1000, example = 3)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub alternates: Option<i64>,
}

/// A draw to make.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawInput {
    #[schema(required = true, min_length = 1, max_length = 500, example = "Ateliers du plan local d'urbanisme")]
    pub purpose: Option<String>,
    /// The seed, on one line (1 to 200 characters): best drawn in public beforehand (dice at a
    /// council sitting, a lottery's numbers), so that nobody could choose it. Without one, a
    /// random seed is drawn here and published alike.
    #[schema(min_length = 1, max_length = 200, example = "Loto du 12 mars 2011 : 4 17 23 31 42")]
    pub seed: Option<String>,
    /// One pool per neighbourhood (1 to 30; 300,000 lines together).
    #[schema(min_items = 1, max_items = 30)]
    #[serde(default, deserialize_with = "crate::extract::objects")]
    pub pools: Vec<PoolInput>,
}

/// A pool and what was drawn from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolView {
    pub neighbourhood: String,
    pub pool_size: u32,
    pub seats: u32,
    pub alternates: u32,
    /// The lines of the town's list invited, in the order drawn.
    pub drawn: Vec<u32>,
    /// The lines asked in turn if someone declines, in the order drawn.
    pub alternates_drawn: Vec<u32>,
}

/// A draw: its inputs, its rule and its result — all public.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e80", "purpose": "Ateliers du plan local d'urbanisme",
    "seed": "Loto du 12 mars 2011 : 4 17 23 31 42", "rule": "sha256-rank-v1",
    "pools": [{ "neighbourhood": "cite-5", "pool_size": 1000, "seats": 5, "alternates": 3,
        "drawn": [882, 715, 965, 181, 642], "alternates_drawn": [246, 220, 531] }],
    "drawn_at": "2026-12-07T10:00:00Z"
}))]
pub struct DrawView {
    pub id: Uuid,
    pub purpose: String,
    pub seed: String,
    /// `sha256-rank-v1`: in a pool of neighbourhood `code` and size `N`, line `n` (1..=N) has the
    /// key SHA-256(`seed` + "\n" + `code` + "\n" + `n` in decimal, UTF-8); the lines sorted by key
    /// (bytewise), the first `seats` are invited and the next `alternates` are the alternates.
    /// In Python: `sorted(range(1, N + 1), key=lambda n: hashlib.sha256(f"{seed}\n{code}\n{n}".encode()).digest())`.
    #[schema(example = "sha256-rank-v1")]
    pub rule: String,
    pub pools: Vec<PoolView>,
    pub drawn_at: DateTime<Utc>,
}

impl From<&Draw> for DrawView {
    fn from(d: &Draw) -> Self {
        Self {
            id: d.id.as_uuid(),
            purpose: d.purpose.as_str().to_owned(),
            seed: d.seed.as_str().to_owned(),
            rule: d.rule.to_owned(),
            pools: d
                .pools
                .iter()
                .map(|p| PoolView {
                    neighbourhood: p.neighbourhood.to_string(),
                    pool_size: p.size,
                    seats: p.seats,
                    alternates: p.alternates,
                    drawn: p.drawn.clone(),
                    alternates_drawn: p.alternates_drawn.clone(),
                })
                .collect(),
            drawn_at: d.drawn_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DrawPage {
    pub items: Vec<DrawView>,
    pub next_cursor: Option<String>,
}

/// Draw inhabitants by lot
///
/// Per neighbourhood, lines drawn from the town's own numbered list of its inhabitants (which
/// never leaves the town hall): the `seats` first in the rule's order are invited, the next
/// `alternates` asked in turn. The seed, the sizes and the rule are published with the result, so
/// that anyone runs the draw again (the rule is in `DrawView.rule`). A draw never changes. Staff only.
#[utoipa::path(
    operation_id = "create_draw", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = DrawInput, example = json!({
        "purpose": "Ateliers du plan local d'urbanisme", "seed": "Loto du 12 mars 2011 : 4 17 23 31 42",
        "pools": [{ "neighbourhood": "cite-5", "pool_size": 1000, "seats": 5, "alternates": 3 }]
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Drawn.", body = DrawView,
            headers(("Location" = String, description = "The draw's address.")),
            links(("GetDraw" = (operation_id = "get_draw", description = "The draw, as everyone reads it.",
                parameters(("municipality" = "$request.path.municipality"), ("draw" = "$response.body#/id")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/draws")]
pub async fn create_draw(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<DrawInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let draft = DrawDraft {
        purpose: input.purpose,
        seed: input.seed,
        pools: input
            .pools
            .into_iter()
            .map(|p| PoolDraft {
                neighbourhood: p.neighbourhood,
                size: p.pool_size,
                seats: p.seats,
                alternates: p.alternates,
            })
            .collect(),
    };
    let draw = draws::draw(&db, municipality, &draft).await?;
    let location = format!("/v1/municipalities/{}/draws/{}", municipality.slug, draw.id);
    with_location(HttpResponse::Created().json(DrawView::from(&draw)), &location)
}

#[derive(Debug, Serialize, Deserialize)]
struct DrawCursor {
    t: DateTime<Utc>,
    i: Uuid,
}

/// List draws
///
/// The municipality's draws, the latest first, each with its inputs and result. Anyone.
#[utoipa::path(
    operation_id = "list_draws", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of draws.", body = DrawPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/draws")]
pub async fn list_draws(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = visitor.municipality;
    let page = paging.parse::<DrawCursor>()?;
    let after = page.after.map(|c| DrawAfter { drawn_at: c.t, id: DrawId::from_uuid(c.i) });
    let found = store::list(&db, municipality.id, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&DrawCursor { t: last.drawn_at, i: last.id.as_uuid() }));
    let body = DrawPage { items: found.items.iter().map(DrawView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a draw
///
/// Its purpose, seed, rule, pools and the lines drawn. Anyone.
#[utoipa::path(
    operation_id = "get_draw", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("draw" = Uuid, Path, description = "The draw's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The draw.", body = DrawView),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/draws/{draw}")]
pub async fn get_draw(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path.1).map(DrawId::from_uuid).map_err(|_| ApiError::no(Resource::Draw))?;
    let draw = draws::load(&db, &visitor.municipality, id).await?;
    Ok(HttpResponse::Ok().json(DrawView::from(&draw)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_draws).service(get_draw).service(create_draw);
}
