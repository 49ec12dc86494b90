//! Every route of the API, context by context: each context's `configure` lists its own, in
//! the order of the contract. Only handlers registered with `.service(...)` reach the OpenAPI
//! contract.

use crate::resources::{common, identity, requests};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    common::configure(cfg);
    identity::configure(cfg);
    requests::configure(cfg);
}
