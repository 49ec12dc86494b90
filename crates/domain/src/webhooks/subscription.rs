//! A subscription: a URL told of some event types of a town, owned by the town (its admin) or by
//! a partner's tool (`webhooks:manage`), which is told only of what its association may see.

use super::target::{Policy, TargetUrl};
use super::{Code, EventType};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{MachineClientId, MunicipalityId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// How long a rotated secret still signs, beside the new one, so that a receiver can switch over.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// A subscription's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SubscriptionId(Uuid);

impl SubscriptionId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for SubscriptionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for SubscriptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Whose subscription it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The town's, made by its admin: told of every event of the types it names.
    Town,
    /// A partner's tool's: told of the public events and of its association's requests.
    Partner { client: MachineClientId, association: String },
}

/// A signing secret, `whsec_` and the base64 of its key (Standard Webhooks). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub const PREFIX: &'static str = "whsec_";

    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("whsec_…")
    }
}

/// Why a subscription stopped receiving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisabledReason {
    /// Its owner (or the town's admin) turned it off.
    Manual,
    /// A delivery failed every attempt of its schedule (about a day).
    Failing,
}

impl DisabledReason {
    pub fn code(self) -> &'static str {
        match self {
            DisabledReason::Manual => "manual",
            DisabledReason::Failing => "failing",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [DisabledReason::Manual, DisabledReason::Failing].into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub municipality: MunicipalityId,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventType>,
    pub owner: Owner,
    pub secret: Secret,
    /// The secret before the last rotation, and until when it still signs.
    pub previous_secret: Option<(Secret, DateTime<Utc>)>,
    pub active: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Attempts failed since the last success.
    pub consecutive_failures: i32,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Subscription {
    /// The secrets that sign a delivery sent at `now`: the current one, and the previous one
    /// during its overlap.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&Secret> {
        let previous = self.previous_secret.as_ref().filter(|(_, until)| *until > now).map(|(s, _)| s);
        std::iter::once(&self.secret).chain(previous).collect()
    }

    /// Whether it is told of `event`: of its town, of a type it names, that its owner may see,
    /// and that happened once it existed (a new subscription is not sent the town's past).
    pub fn is_told_of(&self, event: &super::Event) -> bool {
        self.municipality == event.municipality
            && self.created_at <= event.occurred_at
            && self.event_types.contains(&event.kind)
            && event.audience.admits(&self.owner)
    }

    /// Whether `owner` may manage it: the town's admin any of the town's, a partner's tool its own.
    pub fn managed_by(&self, owner: &Owner) -> bool {
        match (owner, &self.owner) {
            (Owner::Town, _) => true,
            (Owner::Partner { client, .. }, Owner::Partner { client: own, .. }) => client == own,
            (Owner::Partner { .. }, Owner::Town) => false,
        }
    }

    /// Turned on again: the failures are forgotten.
    pub fn enabled(&self, now: DateTime<Utc>) -> Self {
        Self {
            active: true,
            disabled_reason: None,
            disabled_at: None,
            consecutive_failures: 0,
            updated_at: now,
            ..self.clone()
        }
    }

    /// Turned off, for `reason`.
    pub fn disabled(&self, reason: DisabledReason, now: DateTime<Utc>) -> Self {
        Self { active: false, disabled_reason: Some(reason), disabled_at: Some(now), updated_at: now, ..self.clone() }
    }

    /// With a new secret; the current one signs beside it for [`ROTATION_OVERLAP`].
    pub fn rotated(&self, secret: Secret, now: DateTime<Utc>) -> Self {
        Self {
            previous_secret: Some((self.secret.clone(), now + ROTATION_OVERLAP)),
            secret,
            updated_at: now,
            ..self.clone()
        }
    }
}

/// A subscription as asked for, before parsing; `None`: unchanged (on an update).
#[derive(Debug, Clone, Default)]
pub struct SubscriptionDraft {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// What a draft asks, parsed.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub url: Option<TargetUrl>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<EventType>>,
}

impl SubscriptionDraft {
    /// Parses what the draft gives; `creating` requires the URL and the event types.
    pub fn parse(&self, policy: Policy, creating: bool) -> Result<Parsed, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let url = match (&self.url, creating) {
            (Some(raw), _) => errors.collect(TargetUrl::parse("url", raw, policy)),
            (None, true) => {
                errors.push(required("url"));
                None
            }
            (None, false) => None,
        };
        let description = match &self.description {
            Some(Some(text)) if text.chars().count() > 500 => {
                errors.push(FieldError::new(
                    "description",
                    crate::error::Code::TooLong,
                    Message::new("at most 500 characters", "500 caractères au plus"),
                ));
                None
            }
            Some(Some(text)) if text.chars().any(char::is_control) => {
                errors.push(FieldError::new(
                    "description",
                    crate::error::Code::InvalidCharacters,
                    Message::new("may not hold control characters", "ne peut contenir de caractères de contrôle"),
                ));
                None
            }
            Some(text) => Some(text.as_ref().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())),
            None => None,
        };
        let event_types = match (&self.event_types, creating) {
            (Some(codes), _) => parse_event_types(codes, &mut errors),
            (None, true) => {
                errors.push(required("event_types"));
                None
            }
            (None, false) => None,
        };
        errors.into_result()?;
        Ok(Parsed { url, description, event_types })
    }
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new("required", "obligatoire"))
}

fn parse_event_types(codes: &[String], errors: &mut ValidationErrors) -> Option<Vec<EventType>> {
    if codes.is_empty() {
        errors.push(FieldError::new(
            "event_types",
            crate::error::Code::Required,
            Message::new("name at least one event type", "nommez au moins un type d'événement"),
        ));
        return None;
    }
    let mut types = Vec::new();
    let mut unknown = false;
    for (i, code) in codes.iter().enumerate() {
        match EventType::from_code(code) {
            Some(kind) => types.push(kind),
            None => {
                unknown = true;
                errors.push(FieldError::new(
                    format!("event_types[{i}]"),
                    Code::UnknownEventType,
                    Message::new(
                        format!("\"{code}\" is not an event type (the contract's WebhookEventType lists them)"),
                        format!("« {code} » n'est pas un type d'événement (le contrat les liste : WebhookEventType)"),
                    ),
                ));
            }
        }
    }
    types.sort();
    types.dedup();
    (!unknown).then_some(types)
}
