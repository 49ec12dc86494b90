//! A town's webhook subscriptions. The secret is shown once, at creation and at each rotation.

use super::{Manager, no_subscription, owner};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PreconditionFailed, PreconditionRequired, ServiceUnavailable,
    Unauthorized, Unprocessable,
};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::webhooks::Sender;
use implication_app::webhooks::subscriptions as usecases;
use implication_domain::webhooks::subscription::SubscriptionDraft;
use implication_domain::webhooks::{EventType, Owner, Subscription};
use implication_storage::Database;
use implication_storage::webhooks::subscriptions as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An event type a subscription names.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct WebhookEventType(pub String);

impl utoipa::PartialSchema for WebhookEventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let described: Vec<String> =
            EventType::ALL.iter().map(|t| format!("`{}`: {}", t.code(), t.describe())).collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(EventType::ALL.iter().map(|t| t.code())))
            .description(Some(format!("What happened. {}", described.join("; "))))
            .into()
    }
}
impl ToSchema for WebhookEventType {}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01", "version": 1,
    "url": "https://jardins.example.org/hooks/implication", "description": "Notre outil",
    "event_types": ["request.created", "request.status_changed"], "owner": "partner", "association": "Association des jardins partagés",
    "active": true, "disabled_reason": null, "disabled_at": null, "consecutive_failures": 0, "secret_rotating_until": null,
    "created_at": "2026-12-07T09:00:00Z", "updated_at": "2026-12-07T09:00:00Z" }))]
pub struct WebhookView {
    pub id: Uuid,
    /// The version its `ETag` carries.
    #[schema(minimum = 1)]
    pub version: i32,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<WebhookEventType>,
    /// `town` (an admin's: told of every event of its types) or `partner` (a partner's tool's:
    /// told of public events and of its association's requests only).
    #[schema(pattern = "^(town|partner)$")]
    pub owner: String,
    /// The partner's association, for a partner's subscription.
    pub association: Option<String>,
    /// False once turned off (by hand, or after a delivery failed every attempt for about a day):
    /// it is told of nothing until turned on again.
    pub active: bool,
    /// `manual` or `failing`, while inactive.
    #[schema(pattern = "^(manual|failing)$")]
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Attempts failed since the last success.
    pub consecutive_failures: i32,
    /// After a rotation: until when the previous secret also signs (a second `v1,` signature).
    pub secret_rotating_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookView {
    fn of(s: &Subscription, now: DateTime<Utc>) -> Self {
        let (owner, association) = match &s.owner {
            Owner::Town => ("town", None),
            Owner::Partner { association, .. } => ("partner", Some(association.clone())),
        };
        Self {
            id: s.id.as_uuid(),
            version: s.version,
            url: s.url.clone(),
            description: s.description.clone(),
            event_types: s.event_types.iter().map(|t| WebhookEventType(t.code().to_owned())).collect(),
            owner: owner.to_owned(),
            association,
            active: s.active,
            disabled_reason: s.disabled_reason.map(|r| r.code().to_owned()),
            disabled_at: s.disabled_at,
            consecutive_failures: s.consecutive_failures,
            secret_rotating_until: s.previous_secret.as_ref().map(|(_, until)| *until).filter(|until| *until > now),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A subscription with its signing secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub subscription: WebhookView,
    /// `whsec_` and the base64 of the key (Standard Webhooks): keep it now, it is never shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPage {
    pub items: Vec<WebhookView>,
    pub next_cursor: Option<String>,
}

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Where deliveries are POSTed: `https`, resolving to public addresses only.
    #[schema(example = "https://jardins.example.org/hooks/implication", min_length = 1, max_length = 2000)]
    pub url: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    #[schema(min_items = 1, max_items = 15)]
    pub event_types: Vec<WebhookEventType>,
    /// Start turned off (default: on).
    pub active: Option<bool>,
}

/// Changes to a subscription; `active: true` turns it on again (forgetting its failures).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    #[schema(min_length = 1, max_length = 2000)]
    pub url: Option<String>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    #[schema(min_items = 1, max_items = 15)]
    pub event_types: Option<Vec<WebhookEventType>>,
    pub active: Option<bool>,
}

/// What a ping gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPingResult {
    /// The `webhook-id` sent.
    #[schema(example = "evt_0193a5f27c1e7b3a9d4e2f6a8b1c0e77")]
    pub event_id: String,
    /// Whether the receiver answered 2xx.
    pub succeeded: bool,
    /// The receiver's status code; none when it could not be reached.
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
}

fn respond<T: Serialize>(s: &Subscription, body: &T, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(s.version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

fn subscription_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| no_subscription())
}

/// List webhook subscriptions
///
/// The town's admin sees every subscription of the town; a partner's tool (`webhooks:manage`),
/// its own.
#[utoipa::path(
    operation_id = "list_webhooks", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of subscriptions.", body = WebhookPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/webhooks")]
pub async fn list_webhooks(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: Manager,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<Uuid>()?;
    let client = match owner(&db, &caller).await? {
        Owner::Town => None,
        Owner::Partner { client, .. } => Some(client),
    };
    let found = store::list(&db, caller.municipality.id, client, page.limit, page.after).await?;
    let next_cursor = found.has_more.then(|| found.items.last().and_then(|s| encode_cursor(&s.id.as_uuid()))).flatten();
    let now = implication_domain::time::now();
    let body = WebhookPage { items: found.items.iter().map(|s| WebhookView::of(s, now)).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Subscribe to webhooks
///
/// POSTs the events of the types named to `url`, signed as the Standard Webhooks specification
/// says (`webhook-id`, `webhook-timestamp`, `webhook-signature`), from an outbox written with each
/// change: at least once (a retry keeps the `webhook-id`), each resource's events in order,
/// retried over about a day (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each ±20 %), after which
/// the subscription is turned off. The body is `{"type", "timestamp", "data"}`; `data` holds ids,
/// statuses and levels — never a text a person wrote nor anyone's personal data — and the
/// municipality's slug: read the rest through the API. A partner's tool is told of public events
/// and of its association's requests only. The URL must be `https` and resolve to public
/// addresses only (checked now and at each delivery). The answer carries the `secret`, shown
/// this once. The town's admin, or a partner's tool with `webhooks:manage`.
#[utoipa::path(
    operation_id = "create_webhook", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = WebhookInput, example = json!({ "url": "https://jardins.example.org/hooks/implication",
        "event_types": ["request.created", "request.status_changed", "request.answered"] })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Subscribed, with its secret.", body = WebhookWithSecret,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetWebhook" = (operation_id = "get_webhook", description = "The subscription created.",
                    parameters(("municipality" = "$request.path.municipality"), ("subscription" = "$response.body#/id")))),
                ("PingWebhook" = (operation_id = "ping_webhook", description = "Send it a ping.",
                    parameters(("municipality" = "$request.path.municipality"), ("subscription" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/webhooks")]
pub async fn create_webhook(
    db: web::Data<Database>,
    sender: web::Data<Sender>,
    caller: Manager,
    body: JsonBody<WebhookInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let owner = owner(&db, &caller).await?;
    let draft = SubscriptionDraft {
        url: Some(input.url),
        description: Some(input.description),
        event_types: Some(input.event_types.into_iter().map(|t| t.0).collect()),
        active: input.active,
    };
    let (subscription, secret) = usecases::subscribe(&db, &sender, &caller.municipality, owner, &draft).await?;
    let body = WebhookWithSecret { subscription: WebhookView::of(&subscription, subscription.created_at), secret };
    let location = format!("/v1/municipalities/{}/webhooks/{}", caller.municipality.slug, subscription.id);
    with_location(respond(&subscription, &body, StatusCode::CREATED), &location)
}

/// Get a webhook subscription
///
/// The town's admin, or the partner's tool that made it. The secret is never shown again.
#[utoipa::path(
    operation_id = "get_webhook", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription.", body = WebhookView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/webhooks/{subscription}")]
pub async fn get_webhook(
    db: web::Data<Database>,
    caller: Manager,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&db, &caller).await?;
    let found = usecases::load(&db, &caller.municipality, &owner, subscription_id(&path.1)?).await?;
    Ok(respond(&found, &WebhookView::of(&found, implication_domain::time::now()), StatusCode::OK))
}

/// Change a webhook subscription
///
/// Its URL (checked as at creation), description or event types; `active: false` turns it off,
/// `active: true` turns it on again and forgets its failures (deliveries abandoned meanwhile can
/// be redelivered). Needs `If-Match`.
#[utoipa::path(
    operation_id = "update_webhook", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id."),
        ("If-Match" = String, Header, description = "The subscription's ETag.", example = "\"1\"")),
    request_body(content = WebhookUpdate, example = json!({ "active": true })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = WebhookView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = crate::responses::PayloadTooLarge), (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/webhooks/{subscription}")]
pub async fn update_webhook(
    db: web::Data<Database>,
    sender: web::Data<Sender>,
    caller: Manager,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<WebhookUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = subscription_id(&path.1)?;
    let expected = if_match.precondition()?;
    let input = body.into_inner()?;
    let owner = owner(&db, &caller).await?;
    let draft = SubscriptionDraft {
        url: input.url,
        description: input.description,
        event_types: input.event_types.map(|types| types.into_iter().map(|t| t.0).collect()),
        active: input.active,
    };
    let changed = usecases::update(&db, &sender, &caller.municipality, &owner, id, expected, &draft).await?;
    Ok(respond(&changed, &WebhookView::of(&changed, changed.updated_at), StatusCode::OK))
}

/// Delete a webhook subscription
///
/// With its deliveries and their log. Needs `If-Match`.
#[utoipa::path(
    operation_id = "delete_webhook", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id."),
        ("If-Match" = String, Header, description = "The subscription's ETag.", example = "\"1\"")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[delete("/v1/municipalities/{municipality}/webhooks/{subscription}")]
pub async fn delete_webhook(
    db: web::Data<Database>,
    caller: Manager,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = subscription_id(&path.1)?;
    let expected = if_match.precondition()?;
    let owner = owner(&db, &caller).await?;
    usecases::delete(&db, &caller.municipality, &owner, id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook subscription's secret
///
/// A new secret, shown this once. The previous one keeps signing beside it for 24 hours (each
/// delivery then carries two `v1,` signatures), so that the receiver can switch over.
#[utoipa::path(
    operation_id = "rotate_webhook_secret", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription, with its new secret.", body = WebhookWithSecret,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/webhooks/{subscription}/secret")]
pub async fn rotate_webhook_secret(
    db: web::Data<Database>,
    caller: Manager,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = subscription_id(&path.1)?;
    let owner = owner(&db, &caller).await?;
    let (rotated, secret) = usecases::rotate_secret(&db, &caller.municipality, &owner, id).await?;
    let body = WebhookWithSecret { subscription: WebhookView::of(&rotated, rotated.updated_at), secret };
    Ok(respond(&rotated, &body, StatusCode::OK))
}

/// Ping a webhook subscription
///
/// POSTs a `webhook.ping` event (`data`: the subscription's id and the municipality) to its URL
/// now, signed like any delivery, and answers what the receiver did. Nothing is stored or retried.
#[utoipa::path(
    operation_id = "ping_webhook", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the receiver answered.", body = WebhookPingResult),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/webhooks/{subscription}/ping")]
pub async fn ping_webhook(
    db: web::Data<Database>,
    sender: web::Data<Sender>,
    caller: Manager,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = subscription_id(&path.1)?;
    let owner = owner(&db, &caller).await?;
    let (event_id, sent) = usecases::ping(&db, &sender, &caller.municipality, &owner, id).await?;
    let body = WebhookPingResult {
        event_id,
        succeeded: implication_domain::webhooks::Attempt::success(sent.status_code),
        status_code: sent.status_code,
        latency_ms: sent.latency_ms,
        error: sent.error,
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body))
}
