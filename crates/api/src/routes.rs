//! Every route of the API, registered in one place. Only handlers registered here with
//! `.service(...)` reach the OpenAPI contract.

use crate::resources::{
    accounts, answers, auth, clients, delegations, health, index, me, municipalities, neighbourhoods, requests,
    services, themes, tracking, vocabulary,
};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(index::get_index)
        // operations
        .service(health::get_liveness)
        .service(health::get_readiness)
        .service(health::get_metrics)
        // vocabulary
        .service(vocabulary::get_vocabulary)
        // auth
        .service(auth::create_token)
        .service(auth::revoke_token)
        .service(auth::get_jwks)
        // the caller
        .service(me::get_me)
        .service(me::change_my_password)
        .service(me::register)
        // municipalities
        .service(municipalities::list_municipalities)
        .service(municipalities::create_municipality)
        .service(municipalities::get_municipality)
        .service(municipalities::update_municipality)
        .service(neighbourhoods::list_neighbourhoods)
        .service(themes::list_themes)
        .service(themes::create_theme)
        .service(themes::get_theme)
        .service(themes::update_theme)
        // requests
        .service(requests::create_request)
        .service(requests::list_requests)
        .service(requests::get_request)
        .service(requests::update_request)
        .service(requests::transition_request)
        .service(requests::publish_request)
        .service(requests::unpublish_request)
        .service(requests::list_request_history)
        .service(requests::qualification::get_request_qualification)
        .service(requests::qualification::put_request_qualification)
        .service(requests::suggestions::list_request_suggestions)
        .service(answers::list_answers)
        .service(answers::create_answer)
        .service(tracking::get_tracking)
        // a municipality's people and tools
        .service(accounts::list_accounts)
        .service(accounts::create_account)
        .service(accounts::get_account)
        .service(accounts::update_account)
        .service(services::list_services)
        .service(services::create_service)
        .service(services::get_service)
        .service(services::update_service)
        .service(delegations::list_delegations)
        .service(delegations::create_delegation)
        .service(delegations::get_delegation)
        .service(delegations::update_delegation)
        .service(clients::list_clients)
        .service(clients::create_client)
        .service(clients::get_client)
        .service(clients::update_client)
        .service(clients::rotate_client_secret);
}
