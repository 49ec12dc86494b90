//! One module per resource, one function per action. Routes are registered in `routes.rs`.

pub mod accounts;
pub mod answers;
pub mod auth;
pub mod clients;
pub mod delegations;
pub mod health;
pub mod index;
pub mod me;
pub mod municipalities;
pub mod neighbourhoods;
pub mod requests;
pub mod services;
pub mod themes;
pub mod tracking;
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

/// Who a history entry names for this caller.
pub(crate) fn actor_of(principal: &implication_domain::identity::Principal) -> implication_domain::requests::Actor {
    use implication_domain::identity::Principal;
    use implication_domain::requests::Actor;
    match principal {
        Principal::Person { account, .. } => Actor::Account(*account),
        Principal::Client { client, .. } => Actor::Client(*client),
    }
}
