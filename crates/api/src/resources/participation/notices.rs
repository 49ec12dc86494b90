//! Notices of a process: what the town publishes, where (magazine, flash-info, website, social
//! media, display panels, a public meeting, a letterbox drop), to which perimeter, on which day.

use super::input::PerimeterInput;
use super::process_id;
use super::views::PerimeterView;
use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::extract::JsonBody;
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::{codes, slug_param};
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, TransitionConflict,
    Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::Resource;
use implication_app::participation::{self as usecases, notices};
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{Notice, NoticeDraft, PerimeterDraft, sees_only_public};
use implication_domain::vocabulary::NoticeMedium;
use implication_domain::{Message, Municipality, NoticeId, time};
use implication_storage::Database;
use implication_storage::participation::notices::{self as store, NoticeAfter, NoticeFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn no_notice() -> ApiError {
    ApiError::no(Resource::Notice)
}

/// A notice to publish.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    #[schema(value_type = wire::NoticeMedium, required = true)]
    pub channel: Option<wire::NoticeMedium>,
    /// Default: the whole town.
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub perimeter: Option<PerimeterInput>,
    /// The day it is (or will be) out, where the municipality is; default today. Dated ahead, it
    /// is public from that day.
    #[schema(value_type = Option<NaiveDate>)]
    pub published_on: Option<NaiveDate>,
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub text: Option<String>,
}

/// A notice, as everyone sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e20", "process": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01",
    "channel": "letterbox_drop", "perimeter": { "kind": "streets", "neighbourhoods": ["quartier-ouest"], "streets": ["Rue des Tilleuls"] },
    "published_on": "2026-11-25", "text": "Réunion publique le 10 décembre à 18 h, salle des fêtes : un stop ou un dos d'âne ?",
    "created_at": "2026-11-24T15:00:00Z"
}))]
pub struct NoticeView {
    pub id: Uuid,
    pub process: Uuid,
    pub channel: wire::NoticeMedium,
    pub perimeter: PerimeterView,
    pub published_on: NaiveDate,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Notice> for NoticeView {
    fn from(n: &Notice) -> Self {
        Self {
            id: n.id.as_uuid(),
            process: n.process.as_uuid(),
            channel: n.channel.into(),
            perimeter: PerimeterView::of(&n.perimeter),
            published_on: n.published_on,
            text: n.text.as_str().to_owned(),
            created_at: n.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePage {
    pub items: Vec<NoticeView>,
    pub next_cursor: Option<String>,
}

fn location_of(municipality: &Municipality, id: NoticeId) -> String {
    format!("/v1/municipalities/{}/notices/{id}", municipality.slug)
}

/// Publish a notice
///
/// Information about a process: its text, where it is published (`channel`), to which perimeter
/// (default the whole town) and on which day (default today; a notice dated ahead is public from
/// that day). Until the process is closed or abandoned. Staff only; the process's history says so.
#[utoipa::path(
    operation_id = "create_notice", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id.")),
    request_body(content = NoticeInput, example = json!({
        "channel": "letterbox_drop",
        "perimeter": { "kind": "streets", "streets": ["Rue des Tilleuls"], "neighbourhoods": ["quartier-ouest"] },
        "text": "Réunion publique le 10 décembre à 18 h, salle des fêtes : un stop ou un dos d'âne ?"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Published.", body = NoticeView,
            headers(("Location" = String, description = "The notice's address.")),
            links(("GetNotice" = (operation_id = "get_notice", description = "The notice published.",
                parameters(("municipality" = "$request.path.municipality"), ("notice" = "$response.body#/id")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes/{process}/notices")]
pub async fn create_notice(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<NoticeInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = NoticeDraft {
        channel: input.channel.map(|c| c.0),
        perimeter: input.perimeter.as_ref().map(|p| PerimeterDraft {
            kind: p.kind.map(|k| k.0),
            neighbourhoods: p.neighbourhoods.clone(),
            streets: p.streets.clone(),
        }),
        published_on: input.published_on,
        text: input.text,
    };
    let notice = notices::publish(&db, actor, municipality, process_id(&path.1)?, &draft).await?;
    with_location(HttpResponse::Created().json(NoticeView::from(&notice)), &location_of(municipality, notice.id))
}

/// Filters of the notice list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeListParams {
    /// The notices of one process.
    #[param(value_type = Option<Uuid>)]
    pub process: Option<String>,
    /// Any of these channels: `channel=website,display_panel`.
    #[param(value_type = Option<Vec<crate::wire::NoticeMedium>>, style = Form, explode = false,
        example = json!(["website"]))]
    pub channel: Option<String>,
    /// A neighbourhood code: the notices whose perimeter names it.
    #[param(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub neighbourhood: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct NoticeCursor {
    d: NaiveDate,
    i: Uuid,
}

/// List notices
///
/// The municipality's notices, the latest publication first. Everyone sees those already out of
/// the processes opened to the public; staff see them all (those dated ahead included).
#[utoipa::path(
    operation_id = "list_notices", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), NoticeListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of notices.", body = NoticePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/notices")]
pub async fn list_notices(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<NoticeListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let mut errors = Vec::new();
    let process = super::process_param(params.process.as_deref(), &mut errors);
    let channel_codes: Vec<&str> = NoticeMedium::ALL.iter().map(|c| c.code()).collect();
    let channels = codes("channel", params.channel.as_deref(), NoticeMedium::from_code, &channel_codes, &mut errors);
    let neighbourhood = slug_param("neighbourhood", params.neighbourhood.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors));
    }
    let page = paging.parse::<NoticeCursor>()?;
    let after = page.after.map(|c| NoticeAfter { published_on: c.d, id: NoticeId::from_uuid(c.i) });
    let today = local_today(time::now(), municipality.settings.time_zone);
    let public_on = sees_only_public(&standing).then_some(today);
    let filter = NoticeFilter { process, channels, neighbourhood, public_on };
    let found = store::list(&db, municipality.id, &filter, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&NoticeCursor { d: last.published_on, i: last.id.as_uuid() }));
    let body = NoticePage { items: found.items.iter().map(NoticeView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a notice
///
/// Anyone, once it is out and its process is opened to the public; staff, always.
#[utoipa::path(
    operation_id = "get_notice", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("notice" = Uuid, Path, description = "The notice's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The notice.", body = NoticeView),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/notices/{notice}")]
pub async fn get_notice(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let id = Uuid::parse_str(&path.1).map(NoticeId::from_uuid).map_err(|_| no_notice())?;
    let notice = notices::load_notice(&db, &municipality, id).await?;
    if sees_only_public(&standing) {
        let today = local_today(time::now(), municipality.settings.time_zone);
        let process = usecases::load(&db, &municipality, notice.process).await.map_err(|_| no_notice())?;
        if !process.is_public() || !notice.is_out(today) {
            return Err(no_notice());
        }
    }
    Ok(HttpResponse::Ok().json(NoticeView::from(&notice)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_notices).service(get_notice).service(create_notice);
}
