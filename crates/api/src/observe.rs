//! The outermost middleware: a request id for every request, a tracing span, metrics, one log
//! line per request, and the guarantee that every error leaves as problem+json.
//!
//! Logs carry the route pattern (`/v1/municipalities/{municipality}`), never the raw path or query,
//! which may one day hold a tracking code or a name.

use crate::metrics::Metrics;
use crate::problem::{ApiError, PROBLEM_JSON};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use implication_domain::Language;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What an error response needs to know of the request it answers.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub path: String,
    pub language: Language,
}

tokio::task_local! {
    // Set for the whole handling of a request, so that `ApiError::error_response` (which is given
    // no request) can still put the request id and path in the problem document.
    static CONTEXT: RequestContext;
}

/// The context of the request being handled, if any.
pub fn current_context() -> Option<RequestContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

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

/// The caller's `X-Request-Id` when it is a sane token (so that it can be logged safely),
/// otherwise a new UUIDv7.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=128).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// The preferred supported language of `Accept-Language` (French when none is supported).
pub fn language(headers: &HeaderMap) -> Language {
    let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Language::default();
    };
    let mut best: Option<(f32, Language)> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality =
            parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
        if let Some(language) = Language::from_tag(tag)
            && quality > 0.0
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, language));
        }
    }
    best.map_or(Language::default(), |(_, language)| language)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name, value);
        }
        map
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(language(&HeaderMap::new()), Language::Fr);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")), Language::En);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "de, fr;q=0.5, en;q=0.8")), Language::En);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "de")), Language::Fr);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "en;q=0, fr;q=0.1")), Language::Fr);
    }

    #[test]
    fn a_request_id_is_kept_only_when_it_is_safe_to_log() {
        assert_eq!(request_id(&headers(REQUEST_ID, "abc-123")), "abc-123");
        assert_ne!(request_id(&headers(REQUEST_ID, "abc 123\"")), "abc 123\"");
        assert_eq!(request_id(&HeaderMap::new()).len(), 36);
    }
}
