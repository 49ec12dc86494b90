//! Handing a redirected request over to the competent body, when it runs on this deployment.

use super::load_at;
use crate::UseCaseError;
use implication_domain::requests::handover;
use implication_domain::requests::{Actor, Request};
use implication_domain::{FieldError, Message, Municipality, Precondition, RequestId, ValidationErrors};
use implication_storage::Database;
use implication_storage::identity::municipalities;
use implication_storage::requests as store;

/// Hands request `id`, read at a version `expected` admits, over to the municipality `to` (its
/// slug), with the requester's personal data if `personal_data` (and they consented to its
/// keeping). Returns the request here, as written, and the one registered there.
pub async fn hand_over(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: RequestId,
    expected: Precondition,
    to: &str,
    personal_data: bool,
) -> Result<(Request, Request), UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let target = municipalities::resolve(db, to).await?.ok_or_else(|| {
        UseCaseError::Invalid(ValidationErrors(vec![FieldError::new(
            "to",
            implication_domain::requests::Code::UnknownBody,
            Message::new("no such body on this deployment", "aucune collectivité de ce nom sur ce déploiement"),
        )]))
    })?;
    handover::may_hand_over(&current, target.id).map_err(UseCaseError::Refused)?;
    let now = crate::clock::now();
    let change = handover::hand_over(
        &current,
        (target.id, &target.slug),
        &municipality.slug,
        target.settings.time_zone,
        personal_data,
        actor,
        now,
    );
    let registered = store::hand_over(db, current.version, &change).await?;
    let written = Request { version: current.version + 1, ..change.source };
    tracing::info!(request = %written.id, linked = %registered.id, "request handed over");
    Ok((written, registered))
}
