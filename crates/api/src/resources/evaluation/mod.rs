//! Evaluation: what the method produces, counted (indicators), year by year and neighbourhood
//! by neighbourhood.

pub mod indicators;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(indicators::get_indicators);
}
