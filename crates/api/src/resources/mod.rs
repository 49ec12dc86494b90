//! One module per resource, one function per action. Routes are registered in `routes.rs`.

pub mod accounts;
pub mod auth;
pub mod clients;
pub mod delegations;
pub mod health;
pub mod index;
pub mod me;
pub mod municipalities;
pub mod neighbourhoods;
pub mod services;
pub mod vocabulary;

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
