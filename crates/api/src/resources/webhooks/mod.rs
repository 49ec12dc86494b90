//! Webhooks: subscriptions of a town's admin or of a partner's tool (`webhooks:manage`), and
//! their delivery log. The worker that delivers is `implication_app::webhooks::worker`.

pub mod deliveries;
pub mod subscriptions;

use crate::auth::{AdminOrScope, InMunicipality, WebhooksManage};
use crate::problem::ApiError;
use implication_domain::identity::Principal;
use implication_domain::webhooks::Owner;
use implication_storage::Database;
use implication_storage::identity::clients;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(subscriptions::list_webhooks)
        .service(subscriptions::create_webhook)
        .service(subscriptions::get_webhook)
        .service(subscriptions::update_webhook)
        .service(subscriptions::delete_webhook)
        .service(subscriptions::rotate_webhook_secret)
        .service(subscriptions::ping_webhook)
        .service(deliveries::list_webhook_deliveries)
        .service(deliveries::get_webhook_delivery)
        .service(deliveries::redeliver_webhook_delivery);
}

/// The caller allowed to manage webhooks here.
pub type Manager = InMunicipality<AdminOrScope<WebhooksManage>>;

/// Whose subscriptions the caller manages: the town's (an admin), or its own tool's.
pub(crate) async fn owner(db: &Database, caller: &Manager) -> Result<Owner, ApiError> {
    match &caller.principal {
        Principal::Person { .. } => Ok(Owner::Town),
        Principal::Client { client, .. } => {
            let found = clients::find(db, caller.municipality.id, client.as_uuid())
                .await?
                .filter(|c| c.active)
                .ok_or_else(|| ApiError::from(implication_app::UseCaseError::UnknownClient))?;
            Ok(Owner::Partner { client: found.id, association: found.association })
        }
    }
}

pub(crate) fn no_subscription() -> ApiError {
    ApiError::no(implication_app::Resource::Subscription)
}

pub(crate) fn no_delivery() -> ApiError {
    ApiError::no(implication_app::Resource::Delivery)
}
