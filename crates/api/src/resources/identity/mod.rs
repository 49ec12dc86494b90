//! Identity: tokens, the caller, municipalities and their neighbourhoods, and a municipality's
//! people and tools (accounts, services, delegations, machine clients).

pub mod accounts;
pub mod auth;
pub mod clients;
pub mod delegations;
pub mod me;
pub mod municipalities;
pub mod neighbourhoods;
pub mod personal_data;
pub mod services;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    // auth
    cfg.service(auth::create_token)
        .service(auth::revoke_token)
        .service(auth::get_jwks)
        // the caller
        .service(me::get_me)
        .service(me::change_my_password)
        .service(me::register)
        // personal data
        .service(personal_data::export_own_personal_data)
        .service(personal_data::erase_own_personal_data)
        .service(personal_data::export_requester_personal_data)
        .service(personal_data::erase_requester_personal_data)
        .service(personal_data::export_person_personal_data)
        .service(personal_data::erase_person_personal_data)
        .service(personal_data::list_erasures)
        .service(personal_data::get_erasure)
        // municipalities
        .service(municipalities::list_municipalities)
        .service(municipalities::create_municipality)
        .service(municipalities::get_municipality)
        .service(municipalities::update_municipality)
        .service(neighbourhoods::list_neighbourhoods)
        .service(neighbourhoods::create_neighbourhood)
        .service(neighbourhoods::get_neighbourhood)
        .service(neighbourhoods::update_neighbourhood)
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
