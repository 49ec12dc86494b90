//! Evaluation: what the method produces, counted (indicators), year by year and neighbourhood
//! by neighbourhood; what it costs the services (their workload); and what it meant to those who
//! carried it (narratives).

pub mod exports;
pub mod indicators;
pub mod narratives;
pub mod participants;
pub mod rounds;
pub mod workload;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(indicators::get_indicators)
        .service(exports::get_export)
        .service(workload::get_workload)
        .service(narratives::list_narratives)
        .service(narratives::create_narrative)
        .service(narratives::get_narrative)
        .service(narratives::publish_narrative)
        .service(narratives::withdraw_narrative)
        .service(participants::list_participants)
        .service(participants::create_participant)
        .service(participants::get_participant)
        .service(participants::patch_participant)
        .service(participants::delete_participant)
        .service(participants::record_participation)
        .service(participants::list_contributors)
        .service(rounds::list_evaluation_rounds)
        .service(rounds::create_evaluation_round)
        .service(rounds::get_evaluation_round)
        .service(rounds::patch_evaluation_round)
        .service(rounds::transition_evaluation_round);
}
