//! A subscription's delivery log: each event sent to it, its attempts, and redelivery by hand.

use super::{Manager, no_delivery, no_subscription, owner};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use implication_app::webhooks::subscriptions as usecases;
use implication_domain::webhooks::{Attempt, Delivery};
use implication_storage::Database;
use implication_storage::webhooks::deliveries as store;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f01", "event_id": "evt_0193a5f27c1e7b3a9d4e2f6a8b1c0f00",
    "event_type": "request.created", "status": "delivered", "attempts": 1, "next_attempt_at": null,
    "last_attempt_at": "2026-12-07T09:00:01Z", "last_status_code": 204, "last_latency_ms": 38, "last_error": null,
    "delivered_at": "2026-12-07T09:00:01Z", "created_at": "2026-12-07T09:00:00Z" }))]
pub struct WebhookDeliveryView {
    pub id: Uuid,
    /// The `webhook-id` every attempt sent.
    pub event_id: String,
    #[schema(value_type = super::subscriptions::WebhookEventType)]
    pub event_type: String,
    /// `pending` (waiting for an attempt), `delivered`, or `failed` (every attempt failed).
    #[schema(pattern = "^(pending|delivered|failed)$")]
    pub status: String,
    pub attempts: i32,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_latency_ms: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&Delivery> for WebhookDeliveryView {
    fn from(d: &Delivery) -> Self {
        use implication_domain::webhooks::DeliveryStatus;
        Self {
            id: d.id,
            event_id: d.event.header(),
            event_type: d.event_type.code().to_owned(),
            status: d.status.code().to_owned(),
            attempts: d.attempts,
            next_attempt_at: (d.status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
            last_attempt_at: d.last_attempt_at,
            last_status_code: d.last_status_code,
            last_latency_ms: d.last_latency_ms,
            last_error: d.last_error.clone(),
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptView {
    pub at: DateTime<Utc>,
    /// The receiver's status code; none when it could not be reached.
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub succeeded: bool,
}

impl From<&Attempt> for WebhookAttemptView {
    fn from(a: &Attempt) -> Self {
        Self {
            at: a.at,
            status_code: a.status_code,
            latency_ms: a.latency_ms,
            error: a.error.clone(),
            succeeded: a.succeeded,
        }
    }
}

/// A delivery with every attempt, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryWithAttempts {
    #[serde(flatten)]
    pub delivery: WebhookDeliveryView,
    pub attempt_log: Vec<WebhookAttemptView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryPage {
    pub items: Vec<WebhookDeliveryView>,
    pub next_cursor: Option<String>,
}

fn ids(path: &(String, String, String)) -> Result<(Uuid, Uuid), ApiError> {
    let subscription = Uuid::parse_str(&path.1).map_err(|_| no_subscription())?;
    let delivery = Uuid::parse_str(&path.2).map_err(|_| no_delivery())?;
    Ok((subscription, delivery))
}

fn with_attempts((delivery, attempts): &(Delivery, Vec<Attempt>)) -> HttpResponse {
    let body = WebhookDeliveryWithAttempts {
        delivery: WebhookDeliveryView::from(delivery),
        attempt_log: attempts.iter().map(WebhookAttemptView::from).collect(),
    };
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}

/// List a subscription's deliveries
///
/// Newest first: each event sent to it, where it stands, and its last attempt.
#[utoipa::path(
    operation_id = "list_webhook_deliveries", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id."), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of deliveries.", body = WebhookDeliveryPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/webhooks/{subscription}/deliveries")]
pub async fn list_webhook_deliveries(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: Manager,
    path: web::Path<(String, String)>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params.parse::<Uuid>()?;
    let id = Uuid::parse_str(&path.1).map_err(|_| no_subscription())?;
    let owner = owner(&db, &caller).await?;
    let subscription = usecases::load(&db, &caller.municipality, &owner, id).await?;
    let found = store::list(&db, subscription.id, None, page.limit, page.after).await?;
    let next_cursor = found.has_more.then(|| found.items.last().and_then(|d| encode_cursor(&d.id))).flatten();
    let body = WebhookDeliveryPage { items: found.items.iter().map(WebhookDeliveryView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a delivery
///
/// With the log of its attempts: when, the receiver's status code, how long it took, why it failed.
#[utoipa::path(
    operation_id = "get_webhook_delivery", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id."),
        ("delivery" = Uuid, Path, description = "The delivery's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The delivery and its attempts.", body = WebhookDeliveryWithAttempts),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/webhooks/{subscription}/deliveries/{delivery}")]
pub async fn get_webhook_delivery(
    db: web::Data<Database>,
    caller: Manager,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (subscription, delivery) = ids(&path)?;
    let owner = owner(&db, &caller).await?;
    let subscription = usecases::load(&db, &caller.municipality, &owner, subscription).await?;
    let found = store::find(&db, subscription.id, delivery).await?.ok_or_else(no_delivery)?;
    Ok(with_attempts(&found))
}

/// Redeliver
///
/// Sends the delivery again at the worker's next pass (within seconds), from the start of the
/// retry schedule, with the same `webhook-id`: for a delivery that failed, or one the receiver
/// lost.
#[utoipa::path(
    operation_id = "redeliver_webhook_delivery", tag = "webhooks",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("subscription" = Uuid, Path, description = "The subscription's id."),
        ("delivery" = Uuid, Path, description = "The delivery's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pending again.", body = WebhookDeliveryWithAttempts),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/webhooks/{subscription}/deliveries/{delivery}/redeliver")]
pub async fn redeliver_webhook_delivery(
    db: web::Data<Database>,
    caller: Manager,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (subscription, delivery) = ids(&path)?;
    let owner = owner(&db, &caller).await?;
    let redelivered = usecases::redeliver(&db, &caller.municipality, &owner, subscription, delivery).await?;
    Ok(with_attempts(&redelivered))
}
