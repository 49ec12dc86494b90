//! A folder per bounded context (named as in the domain and storage crates), a module per
//! resource, a function per action. Each context registers its routes in its `configure`, which
//! `routes.rs` calls.

pub mod common;
pub mod conventions;
pub mod evaluation;
pub mod identity;
pub mod participation;
pub mod requests;
pub mod webhooks;

use crate::problem::ApiError;
use actix_web::HttpResponse;
use actix_web::http::header;

/// A `201 Created` answer with the new resource's address in `Location`.
pub(crate) fn with_location(mut response: HttpResponse, location: &str) -> Result<HttpResponse, ApiError> {
    let value =
        header::HeaderValue::from_str(location).map_err(|e| ApiError::Internal(format!("Location {location}: {e}")))?;
    response.headers_mut().insert(header::LOCATION, value);
    Ok(response)
}
