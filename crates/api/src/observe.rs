//! The outermost middleware: a request id for every request, a tracing span, metrics, one log
//! line per request, and the guarantee that every error leaves as problem+json.
//!
//! Logs carry the route pattern (`/v1/municipalities/{municipality}`), never the raw path or query,
//! which may one day hold a tracking code or a name.

use crate::context::{CONTEXT, REQUEST_ID, RequestContext, language, request_id};
use crate::metrics::Metrics;
use crate::problem::{ApiError, PROBLEM_JSON};
use crate::resources::requests::open311;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use implication_domain::{FieldError, Message};
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
    let personal = carries_personal_data(&req);
    let span = tracing::info_span!("http", request_id = %context.request_id, method = %method);
    let started = Instant::now();

    let outcome = match refused_input(&req) {
        Some(refusal) if context.path.starts_with("/open311/") => {
            let answer = open311::early_error(&context.path, refusal.status_code(), refusal.to_string());
            Ok(req.into_response(answer))
        }
        Some(refusal) => Ok(req.into_response(CONTEXT.sync_scope(context.clone(), || refusal.error_response()))),
        None => CONTEXT
            .scope(context.clone(), next.call(req).instrument(span.clone()))
            .await
            .map(|r| r.map_into_boxed_body()),
    };
    // Handlers and actix-cors turn their errors into responses; an `Err` here would come from a
    // middleware of ours, and actix renders it. (The request cannot be cloned before routing.)
    let response = match outcome {
        Ok(response) => response,
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
        metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&context.request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    security_headers(response.headers_mut(), personal);
    // A refusal (4xx) is the API doing its job: only a failure of ours (5xx) is an error.
    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(route = %route, status, duration_ms, "request");
        } else {
            tracing::info!(route = %route, status, duration_ms, "request");
        }
    });
    Ok(response)
}

/// A path or query that holds a NUL character, which no resource's name has and PostgreSQL's
/// text type refuses: refused here, for every route, so that none reaches the database. A path
/// is then no resource (404); a query names the parameter (400).
fn refused_input(req: &ServiceRequest) -> Option<ApiError> {
    if req.uri().path().contains("%00") {
        return Some(ApiError::nowhere());
    }
    if !req.query_string().contains("%00") {
        return None;
    }
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string()).ok()?.into_inner();
    let errors: Vec<FieldError> = pairs
        .iter()
        .filter(|(name, value)| name.contains('\0') || value.contains('\0'))
        .map(|(name, _)| crate::extract::holds_nul(name.replace('\0', "\u{fffd}")))
        .collect();
    (!errors.is_empty()).then(|| {
        ApiError::malformed(
            Message::new("the query string holds a NUL character", "la chaîne de requête contient un caractère NUL"),
            errors,
        )
    })
}

/// Whether the answer may carry personal data or a secret, so that no cache may keep it: an
/// answer to an authenticated caller (staff and requester views, accounts, clients, tokens), and
/// every write's (a submission's tracking code, a client's secret). Anonymous reads that do (a
/// tracking page) say so themselves.
fn carries_personal_data(req: &ServiceRequest) -> bool {
    req.headers().contains_key(header::AUTHORIZATION) || !matches!(*req.method(), Method::GET | Method::HEAD)
}

/// What a security review expects of every answer: no content sniffing, a strict policy on HTML
/// (the docs viewer loads only its own scripts, styles and the contract), and `no-store` where
/// [`carries_personal_data`] says so, unless the handler chose a policy itself.
fn security_headers(headers: &mut HeaderMap, personal: bool) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let html = headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    if personal && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Same-origin everything, no inline script, no framing; images may be `data:` URIs (the docs
/// viewer's icons), and the one inline style the vendored Swagger UI 5.32.6 applies is allowed by
/// its hash (headless Chromium reported it as the page's only violation).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Any error response that is not already a problem document (actix's own, or the docs
/// viewer's) becomes one, keeping its status and headers — but Open311's, which answer the
/// errors its specification defines, in the format asked.
fn as_problem_if_error(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let on_open311 = response.request().path().starts_with("/open311/");
    let open311 = on_open311
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/xml"));
    if !(status.is_client_error() || status.is_server_error()) || open311 {
        return response;
    }
    let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
    // On Open311's paths, the router's own answers too (a method it does not take: 405, with Allow).
    if on_open311 {
        let allow = response.headers().get(header::ALLOW).cloned();
        let mut answer = open311::early_error(response.request().path(), status, detail);
        if let Some(allow) = allow {
            answer.headers_mut().insert(header::ALLOW, allow);
        }
        return response.into_response(answer);
    }
    if is_problem {
        return response;
    }
    let kept: Vec<(HeaderName, HeaderValue)> = [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE]
        .into_iter()
        .filter_map(|name| response.headers().get(&name).map(|v| (name, v.clone())))
        .collect();
    let problem = match status.as_u16() {
        404 => ApiError::nowhere(),
        _ => ApiError::Other(status, Message::new(detail, format!("erreur HTTP {}", status.as_u16()))),
    };
    let mut replaced = problem.error_response();
    for (name, value) in kept {
        replaced.headers_mut().insert(name, value);
    }
    response.into_response(replaced)
}
