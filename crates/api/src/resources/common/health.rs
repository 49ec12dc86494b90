//! Operations: liveness, readiness and metrics.

use crate::metrics::Metrics;
use crate::problem::ApiError;
use crate::responses::ServiceUnavailable;
use actix_web::{HttpResponse, get, web};
use implication_storage::Database;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// How long readiness waits for the database before calling it unavailable.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness
///
/// The process answers. Says nothing of the database (see `/health/ready`).
#[utoipa::path(
    operation_id = "get_liveness",
    tag = "operations",
    security(),
    responses((status = 200, description = "The process is alive.", body = HealthView, example = json!({ "status": "ok" })))
)]
#[get("/health/live")]
pub async fn get_liveness() -> HttpResponse {
    HttpResponse::Ok().json(HealthView { status: "ok".to_owned() })
}

/// Readiness
///
/// The database answers: route traffic here.
#[utoipa::path(
    operation_id = "get_readiness",
    tag = "operations",
    security(),
    responses(
        (status = 200, description = "Ready to serve.", body = HealthView, example = json!({ "status": "ok" })),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/health/ready")]
pub async fn get_readiness(db: web::Data<Database>) -> Result<HttpResponse, ApiError> {
    match tokio::time::timeout(READY_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => Ok(HttpResponse::Ok().json(HealthView { status: "ok".to_owned() })),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: the database does not answer");
            Err(ApiError::Unavailable)
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            Err(ApiError::Unavailable)
        }
    }
}

async fn webhook_gauges(db: &Database) -> Result<crate::metrics::WebhookGauges, implication_storage::StorageError> {
    use implication_storage::webhooks::{deliveries, outbox, subscriptions};
    let (active, disabled) = subscriptions::counts(db).await?;
    Ok(crate::metrics::WebhookGauges {
        active,
        disabled,
        backlog: outbox::backlog(db).await?,
        pending: deliveries::pending(db).await?,
    })
}

/// Metrics
///
/// Request counts and latency histograms by method, route and status, in the Prometheus text
/// format; the webhook subscriptions by state (`implication_webhook_subscriptions`), the outbox's
/// backlog (`implication_outbox_backlog`) and the deliveries waiting
/// (`implication_webhook_deliveries_pending`).
#[utoipa::path(
    operation_id = "get_metrics",
    tag = "operations",
    security(),
    responses(
        (status = 200, description = "Prometheus metrics.", body = String, content_type = "text/plain; version=0.0.4",
            example = "# TYPE http_requests_total counter\nhttp_requests_total{method=\"GET\",route=\"/v1/municipalities\",status=\"200\"} 3\n"),
        (status = 500, response = crate::responses::InternalError),
    )
)]
#[get("/metrics")]
pub async fn get_metrics(metrics: web::Data<Metrics>, db: web::Data<Database>) -> Result<HttpResponse, ApiError> {
    match webhook_gauges(&db).await {
        Ok(gauges) => metrics.set_webhooks(gauges),
        // The request metrics still show: the database's state is /health/ready's business.
        Err(e) => tracing::warn!(error = %e, "metrics: the webhooks' gauges could not be read"),
    }
    let text = metrics.render().map_err(|e| ApiError::Internal(format!("rendering metrics: {e}")))?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text))
}
