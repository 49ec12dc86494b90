//! Subscribing a URL to a town's events, changing, rotating, deleting it; redelivering; a ping.

use super::sender::{Sender, Sent};
use super::signing;
use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::webhooks::subscription::SubscriptionDraft;
use implication_domain::webhooks::{Attempt, Delivery, DisabledReason, Owner, Subscription, SubscriptionId};
use implication_domain::{Municipality, Precondition};
use implication_storage::Database;
use implication_storage::webhooks::{deliveries, subscriptions as store};
use uuid::Uuid;

/// Subscription `id` of the town, if `owner` may manage it (else, as if there were none).
pub async fn load(
    db: &Database,
    municipality: &Municipality,
    owner: &Owner,
    id: Uuid,
) -> Result<Subscription, UseCaseError> {
    store::find(db, municipality.id, id)
        .await?
        .filter(|s| s.managed_by(owner))
        .ok_or(UseCaseError::NotFound(Resource::Subscription))
}

/// Subscribes `draft`'s URL (checked, resolved) for `owner`; returns it with its secret, shown
/// this once.
pub async fn subscribe(
    db: &Database,
    sender: &Sender,
    municipality: &Municipality,
    owner: Owner,
    draft: &SubscriptionDraft,
) -> Result<(Subscription, String), UseCaseError> {
    let parsed = draft.parse(sender.policy(), true).map_err(UseCaseError::Invalid)?;
    let (Some(url), Some(event_types)) = (parsed.url, parsed.event_types) else {
        return Err(UseCaseError::Internal("a parsed subscription lacks its url or types".to_owned()));
    };
    sender.check(&url).await?;
    let secret = signing::new_secret().map_err(UseCaseError::Internal)?;
    let now = crate::clock::now();
    let subscription = Subscription {
        id: SubscriptionId::new(),
        municipality: municipality.id,
        url: url.as_str().to_owned(),
        description: parsed.description.flatten(),
        event_types,
        owner,
        secret: secret.clone(),
        previous_secret: None,
        active: draft.active.unwrap_or(true),
        disabled_reason: (draft.active == Some(false)).then_some(DisabledReason::Manual),
        disabled_at: (draft.active == Some(false)).then_some(now),
        consecutive_failures: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let created = store::create(db, &subscription).await?;
    tracing::info!(subscription = %created.id, "webhook subscription created");
    Ok((created, secret.expose().to_owned()))
}

/// Changes its URL, description, event types, or turns it on (`active: true`, which forgets its
/// failures) or off.
pub async fn update(
    db: &Database,
    sender: &Sender,
    municipality: &Municipality,
    owner: &Owner,
    id: Uuid,
    expected: Precondition,
    draft: &SubscriptionDraft,
) -> Result<Subscription, UseCaseError> {
    let current = load(db, municipality, owner, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let parsed = draft.parse(sender.policy(), false).map_err(UseCaseError::Invalid)?;
    if let Some(url) = &parsed.url {
        sender.check(url).await?;
    }
    let now = crate::clock::now();
    let mut next = Subscription { updated_at: now, ..current.clone() };
    if let Some(url) = parsed.url {
        next.url = url.as_str().to_owned();
    }
    if let Some(description) = parsed.description {
        next.description = description;
    }
    if let Some(types) = parsed.event_types {
        next.event_types = types;
    }
    let enabling = draft.active == Some(true) && !current.active;
    next = match draft.active {
        Some(true) if enabling => next.enabled(now),
        Some(false) if current.active => next.disabled(DisabledReason::Manual, now),
        _ => next,
    };
    Ok(store::replace(db, current.version, &next, enabling).await?)
}

/// Gives it a new secret, shown this once; the current one keeps signing beside it for a day.
pub async fn rotate_secret(
    db: &Database,
    municipality: &Municipality,
    owner: &Owner,
    id: Uuid,
) -> Result<(Subscription, String), UseCaseError> {
    let current = load(db, municipality, owner, id).await?;
    let secret = signing::new_secret().map_err(UseCaseError::Internal)?;
    let next = current.rotated(secret.clone(), crate::clock::now());
    let written = store::replace(db, current.version, &next, false).await?;
    Ok((written, secret.expose().to_owned()))
}

/// Deletes it, with its deliveries and their log.
pub async fn delete(
    db: &Database,
    municipality: &Municipality,
    owner: &Owner,
    id: Uuid,
    expected: Precondition,
) -> Result<(), UseCaseError> {
    let current = load(db, municipality, owner, id).await?;
    if store::delete(db, municipality.id, current.id, &expected).await? {
        Ok(())
    } else {
        Err(UseCaseError::NotFound(Resource::Subscription))
    }
}

/// Sends delivery `delivery` of it again, from the start of the retry schedule, at the worker's
/// next pass.
pub async fn redeliver(
    db: &Database,
    municipality: &Municipality,
    owner: &Owner,
    id: Uuid,
    delivery: Uuid,
) -> Result<(Delivery, Vec<Attempt>), UseCaseError> {
    let subscription = load(db, municipality, owner, id).await?;
    deliveries::redeliver(db, subscription.id, delivery, crate::clock::now())
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Delivery))
}

/// POSTs a `webhook.ping` event to it now, signed like any delivery, and says what the receiver
/// answered. Nothing is stored.
pub async fn ping(
    db: &Database,
    sender: &Sender,
    municipality: &Municipality,
    owner: &Owner,
    id: Uuid,
) -> Result<(String, Sent), UseCaseError> {
    let subscription = load(db, municipality, owner, id).await?;
    let event = implication_domain::webhooks::EventId::new();
    let now = crate::clock::now();
    let body = serde_json::json!({
        "type": "webhook.ping",
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": { "subscription": subscription.id, "municipality": municipality.slug.as_str() },
    })
    .to_string();
    let sent = sender.send(&subscription.url, &event.header(), &subscription.signing_secrets(now), body).await;
    Ok((event.header(), sent))
}
