//! Evaluation: what the method produces, counted (indicators), year by year and neighbourhood
//! by neighbourhood; and what it costs the services (their workload).

pub mod indicators;
pub mod workload;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(indicators::get_indicators).service(workload::get_workload);
}
