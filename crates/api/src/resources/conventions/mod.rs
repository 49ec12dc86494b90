//! Fifty-fifty projects: from eligible requests or a coproduction process, the town and its
//! inhabitants diagnose a project (weight, tasks, cost, risks), draft and sign its convention,
//! follow it and record how it ended. Lists, one project in the caller's view, creation, the
//! diagnostic, transitions and the history.

pub mod convention;
pub mod document;
pub mod input;
pub mod organisations;
pub mod projects;
pub mod templates;
pub mod text;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    projects::configure(cfg);
    convention::configure(cfg);
    cfg.service(document::get_convention_document);
    organisations::configure(cfg);
    templates::configure(cfg);
}
