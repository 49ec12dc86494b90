//! Every route of the API, context by context: each context's `configure` lists its own. Only
//! handlers registered with `.service(...)` reach the OpenAPI contract (which sorts its paths).
//!
//! The router tries routes in the order they are registered, one regular expression each, until
//! one matches: the public reads and the intake, by far the most called, come first (no two
//! routes match the same path, so the order changes nothing else).

use crate::resources::{common, conventions, evaluation, identity, participation, requests, webhooks};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    requests::configure(cfg);
    common::configure(cfg);
    identity::configure(cfg);
    participation::configure(cfg);
    conventions::configure(cfg);
    evaluation::configure(cfg);
    webhooks::configure(cfg);
}
