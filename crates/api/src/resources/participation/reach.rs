//! Minutes reach people (annex A1): to whom a meeting's minutes were delivered (participants'
//! letterboxes, neighbourhoods, the whole town), and the reactions readers send back. A meeting's
//! view shows its deliveries and how many reactions came; only staff read the reactions, which
//! may carry a name and an email given to be answered.

use crate::auth::{AuthState, InMunicipality, StaffOf, Visitor};
use crate::extract::JsonBody;
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, TooManyRequests,
    TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::participation::meetings;
use implication_domain::ReactionId;
use implication_domain::identity::Standing;
use implication_domain::participation::{Delivery, DeliveryDraft, Reaction, ReactionDraft};
use implication_storage::Database;
use implication_storage::participation::reach::{self as store, ReactionAfter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::meeting_id;

/// A delivery of the minutes to record.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    /// To whom.
    #[schema(value_type = wire::MinutesAudience, required = true)]
    pub audience: Option<wire::MinutesAudience>,
    /// The neighbourhoods' codes, when `audience` is `neighbourhoods` (and only then).
    #[serde(default)]
    #[schema(max_items = 30, example = json!(["quartier-ouest"]))]
    pub neighbourhoods: Vec<String>,
    /// By which medium.
    #[schema(value_type = wire::NoticeMedium, required = true)]
    pub channel: Option<wire::NoticeMedium>,
    /// The day, where the municipality is: not before the minutes were published, not in the
    /// future; default today.
    #[schema(value_type = Option<NaiveDate>)]
    pub delivered_on: Option<NaiveDate>,
    /// How many copies, if counted.
    #[schema(minimum = 0, maximum = 1000000)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub copies: Option<i64>,
}

/// A delivery of a meeting's minutes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e60", "audience": "participants", "neighbourhoods": [],
    "channel": "letterbox_drop", "delivered_on": "2026-11-28", "copies": 42
}))]
pub struct DeliveryView {
    pub id: Uuid,
    pub audience: wire::MinutesAudience,
    pub neighbourhoods: Vec<String>,
    pub channel: wire::NoticeMedium,
    pub delivered_on: NaiveDate,
    pub copies: Option<u32>,
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        Self {
            id: d.id.as_uuid(),
            audience: d.audience.into(),
            neighbourhoods: d.neighbourhoods.iter().map(ToString::to_string).collect(),
            channel: d.channel.into(),
            delivered_on: d.delivered_on,
            copies: d.copies,
        }
    }
}

/// Record a delivery of the minutes
///
/// To whom the minutes of a meeting were delivered — the participants' letterboxes,
/// neighbourhoods, the whole town —, by which medium and on which day: once they are published
/// (409, rule `minutes_not_published`, before). The process's history records it. Staff only.
#[utoipa::path(
    operation_id = "create_minutes_delivery", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("meeting" = Uuid, Path, description = "The meeting's id.")),
    request_body(content = DeliveryInput, example = json!({
        "audience": "neighbourhoods", "neighbourhoods": ["quartier-ouest"], "channel": "letterbox_drop",
        "copies": 230
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; the meeting's view lists it.", body = DeliveryView,
            headers(("Location" = String, description = "The meeting's address.")),
            links(("GetMeeting" = (operation_id = "get_meeting", description = "The meeting, with its deliveries.",
                parameters(("municipality" = "$request.path.municipality"), ("meeting" = "$request.path.meeting")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/meetings/{meeting}/deliveries")]
pub async fn create_minutes_delivery(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<DeliveryInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = DeliveryDraft {
        audience: input.audience.map(|a| a.0),
        neighbourhoods: input.neighbourhoods,
        channel: input.channel.map(|c| c.0),
        delivered_on: input.delivered_on,
        copies: input.copies,
    };
    let delivery = meetings::deliver_minutes(&db, actor, municipality, meeting_id(&path.1)?, &draft).await?;
    let location = format!("/v1/municipalities/{}/meetings/{}", municipality.slug, delivery.meeting);
    with_location(HttpResponse::Created().json(DeliveryView::from(&delivery)), &location)
}

/// A reader's reaction to the minutes.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionInput {
    #[schema(
        required = true,
        min_length = 1,
        max_length = 5000,
        example = "Merci pour le compte rendu. Il manque la question du stationnement des riverains."
    )]
    pub text: Option<String>,
    /// How it reached the town: only staff set it (typing in a letter's or a call's); default,
    /// and the only one for anyone else, `website` (422 `not_allowed` otherwise).
    #[schema(value_type = Option<wire::Channel>)]
    pub channel: Option<wire::Channel>,
    /// A name, to be answered (only staff read it).
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// An email, to be answered (only staff read it).
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
}

/// The receipt of a reaction: nothing of what it said.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e70",
    "meeting": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e10", "received_at": "2026-11-29T08:30:00Z" }))]
pub struct ReactionReceipt {
    pub id: Uuid,
    pub meeting: Uuid,
    pub received_at: DateTime<Utc>,
}

/// A reaction, as staff read it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e70", "channel": "website",
    "text": "Merci pour le compte rendu. Il manque la question du stationnement des riverains.",
    "name": "Camille", "email": null, "received_at": "2026-11-29T08:30:00Z" }))]
pub struct ReactionView {
    pub id: Uuid,
    pub channel: wire::Channel,
    pub text: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl From<&Reaction> for ReactionView {
    fn from(r: &Reaction) -> Self {
        Self {
            id: r.id.as_uuid(),
            channel: r.channel.into(),
            text: r.text.as_str().to_owned(),
            name: r.name.as_ref().map(|n| n.as_str().to_owned()),
            email: r.email.as_ref().map(|e| e.as_str().to_owned()),
            received_at: r.received_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionPage {
    pub items: Vec<ReactionView>,
    pub next_cursor: Option<String>,
}

/// React to the minutes
///
/// Anyone sends the town what they think of a meeting's published minutes (409, rule
/// `minutes_not_published`, before), of a process opened to the public; a name or an email, given
/// to be answered, only staff read. Without an account, sends are throttled per address (429).
#[utoipa::path(
    operation_id = "create_minutes_reaction", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("meeting" = Uuid, Path, description = "The meeting's id.")),
    request_body(content = ReactionInput, example = json!({
        "text": "Merci pour le compte rendu. Il manque la question du stationnement des riverains."
    })),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Received.", body = ReactionReceipt,
            headers(("Location" = String, description = "The meeting's address.")),
            links(("GetMeeting" = (operation_id = "get_meeting", description = "The meeting, with how many reacted.",
                parameters(("municipality" = "$request.path.municipality"), ("meeting" = "$response.body#/meeting")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/meetings/{meeting}/reactions")]
pub async fn create_minutes_reaction(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: JsonBody<ReactionInput>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    if matches!(standing, Standing::Public) {
        auth.anonymous_intake.hit(&auth.client_address(&req)).map_err(ApiError::too_many)?;
    }
    let input = body.into_inner()?;
    let draft =
        ReactionDraft { text: input.text, channel: input.channel.map(|c| c.0), name: input.name, email: input.email };
    let id = meeting_id(&path.1)?;
    let reaction = meetings::react(&db, &standing, &municipality, id, &draft).await?;
    let receipt = ReactionReceipt {
        id: reaction.id.as_uuid(),
        meeting: reaction.meeting.as_uuid(),
        received_at: reaction.received_at,
    };
    let location = format!("/v1/municipalities/{}/meetings/{}", municipality.slug, reaction.meeting);
    with_location(HttpResponse::Created().json(receipt), &location)
}

#[derive(Debug, Serialize, Deserialize)]
struct ReactionCursor {
    t: DateTime<Utc>,
    i: Uuid,
}

/// List reactions to the minutes
///
/// What readers sent back about a meeting's minutes, the latest first, with the name and email
/// they gave to be answered. Staff only.
#[utoipa::path(
    operation_id = "list_minutes_reactions", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("meeting" = Uuid, Path, description = "The meeting's id."), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of reactions.", body = ReactionPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/meetings/{meeting}/reactions")]
pub async fn list_minutes_reactions(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let meeting = meetings::load_meeting(&db, municipality, meeting_id(&path.1)?).await?;
    let page = paging.parse::<ReactionCursor>()?;
    let after = page.after.map(|c| ReactionAfter { received_at: c.t, id: ReactionId::from_uuid(c.i) });
    let found = store::reactions(&db, municipality.id, meeting.id, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ReactionCursor { t: last.received_at, i: last.id.as_uuid() }));
    let body = ReactionPage { items: found.items.iter().map(ReactionView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_minutes_delivery).service(create_minutes_reaction).service(list_minutes_reactions);
}
