//! Every route of the API, registered in one place. Only handlers registered here with
//! `.service(...)` reach the OpenAPI contract.

use crate::resources::{health, index, municipalities, neighbourhoods, vocabulary};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(index::get_index)
        // operations
        .service(health::get_liveness)
        .service(health::get_readiness)
        .service(health::get_metrics)
        // vocabulary
        .service(vocabulary::get_vocabulary)
        // municipalities
        .service(municipalities::list_municipalities)
        .service(municipalities::get_municipality)
        .service(neighbourhoods::list_neighbourhoods);
}
