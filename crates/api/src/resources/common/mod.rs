//! What is not one context's: the index, health and metrics for operators, the vocabulary.

pub mod health;
pub mod index;
pub mod vocabulary;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(index::get_index)
        // operations
        .service(health::get_liveness)
        .service(health::get_readiness)
        .service(health::get_metrics)
        // vocabulary
        .service(vocabulary::get_vocabulary);
}
