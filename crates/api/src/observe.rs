//! The outermost middleware: a request id for every request, a tracing span, metrics, one log
//! line per request, and the guarantee that every error leaves as problem+json.
//!
//! Logs carry the route pattern (`/v1/municipalities/{municipality}`), never the raw path or query,
//! which may one day hold a tracking code or a name.

use crate::context::{CONTEXT, REQUEST_ID, RequestContext, language, request_id};
use crate::metrics::Metrics;
use crate::problem::{ApiError, PROBLEM_JSON};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use std::time::Instant;
use tracing::Instrument;

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let context = RequestContext {
        request_id: request_id(req.headers()),
        path: req.path().to_owned(),
        language: language(req.headers()),
    };
    req.extensions_mut().insert(context.clone());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let span = tracing::info_span!("http", request_id = %context.request_id, method = %method);
    let started = Instant::now();

    let outcome = CONTEXT.scope(context.clone(), next.call(req).instrument(span.clone())).await;
    // Handlers and actix-cors turn their errors into responses; an `Err` here would come from a
    // middleware of ours, and actix renders it. (The request cannot be cloned before routing.)
    let response = match outcome {
        Ok(response) => response.map_into_boxed_body(),
        Err(err) => {
            span.in_scope(|| tracing::error!(error = %err, "a middleware failed"));
            return Err(err);
        }
    };
    let mut response = CONTEXT.sync_scope(context.clone(), || as_problem_if_error(response));

    let status = response.status().as_u16();
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let elapsed = started.elapsed();
    if let Some(metrics) = metrics {
        metrics.observe(method.as_str(), &route, status, elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&context.request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    span.in_scope(|| {
        tracing::info!(route = %route, status, duration_ms = elapsed.as_secs_f64() * 1000.0, "request");
    });
    Ok(response)
}

/// Any error response that is not already a problem document (actix's own, or the docs
/// viewer's) becomes one, keeping its status and headers.
fn as_problem_if_error(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
    let kept: Vec<(HeaderName, HeaderValue)> = [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE]
        .into_iter()
        .filter_map(|name| response.headers().get(&name).map(|v| (name, v.clone())))
        .collect();
    let problem = match status.as_u16() {
        404 => ApiError::NotFound("no resource at this address".to_owned()),
        _ => ApiError::Other(status, detail),
    };
    let mut replaced = problem.error_response();
    for (name, value) in kept {
        replaced.headers_mut().insert(name, value);
    }
    response.into_response(replaced)
}
