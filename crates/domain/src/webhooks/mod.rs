//! Webhooks: what a change tells the subscribers of its town, and to whom.
//!
//! Every use case that changes a request, a process or a project writes, in the transaction of
//! the change, the [`Event`]s its history entries make ([`events`]); a worker then delivers each
//! to the subscriptions whose owner may see it ([`Audience::admits`]), signed, with retries
//! ([`retry`]), to addresses checked against server-side request forgery ([`target`]).
//! Payloads are thin: ids, statuses and levels, never a text a person wrote nor their personal
//! data; a subscriber reads the rest through the API, with its own rights.

pub mod delivery;
pub mod events;
pub mod retry;
pub mod subscription;
pub mod target;
#[cfg(test)]
mod tests;

use crate::ids::MunicipalityId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use delivery::{Attempt, Delivery};
pub use retry::DeliveryStatus;
pub use subscription::{DisabledReason, Owner, Secret, Subscription, SubscriptionDraft, SubscriptionId};

crate::error_codes!(
    /// Field error codes of the webhooks context.
    Code {
        UnknownEventType = "unknown_event_type",
        InsecureUrl = "insecure_url",
        ForbiddenAddress = "forbidden_address",
        UnresolvableHost = "unresolvable_host",
    }
);

macro_rules! event_types {
    ($($variant:ident = $code:literal: $doc:literal),+ $(,)?) => {
        /// What happened, as a subscriber names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum EventType {
            $(#[doc = $doc] $variant),+
        }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $(EventType::$variant => $code),+
                }
            }

            pub fn describe(self) -> &'static str {
                match self {
                    $(EventType::$variant => $doc),+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|t| t.code() == code)
            }
        }
    };
}

event_types!(
    RequestCreated = "request.created": "A request was registered.",
    RequestStatusChanged = "request.status_changed": "A request moved along its lifecycle (merges and reopenings included).",
    RequestAnswered = "request.answered": "The town answered a request.",
    RequestPublished = "request.published": "A request was made public.",
    RequestHandedOver = "request.handed_over": "A redirected request was handed over to the competent body on this deployment (which is told `request.created`).",
    QualificationUpdated = "qualification.updated": "A request's qualification was recorded or changed (the town's subscriptions only).",
    ProcessStatusChanged = "process.status_changed": "A participation process moved along its lifecycle.",
    ProcessLevelChanged = "process.level_changed": "A process changed participation level.",
    ProcessDecided = "process.decided": "A process's decision was recorded or amended.",
    MeetingMinutesPublished = "meeting.minutes_published": "The minutes of a process's meeting were published.",
    SurveyClosed = "survey.closed": "A process's survey was closed before its end.",
    ProjectStatusChanged = "project.status_changed": "A fifty-fifty project moved along its lifecycle.",
    ConventionOpenedForSignature = "convention.opened_for_signature": "A project's convention was opened for signature.",
    ConventionSigned = "convention.signed": "A project's convention was signed by every party.",
    CommitmentEroded = "commitment.eroded": "An upkeep commitment of a convention was recorded as not fully kept.",
    ProjectCompleted = "project.completed": "A fifty-fifty project was completed.",
);

/// What an event is about: its events are delivered to each subscriber in the order they happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Request,
    Process,
    Project,
}

impl ResourceKind {
    pub fn code(self) -> &'static str {
        match self {
            ResourceKind::Request => "request",
            ResourceKind::Process => "process",
            ResourceKind::Project => "project",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [ResourceKind::Request, ResourceKind::Process, ResourceKind::Project].into_iter().find(|k| k.code() == code)
    }
}

/// An event's identifier: UUIDv7, the `webhook-id` of every delivery of it (retries included),
/// for subscribers to drop duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(Uuid);

impl EventId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }

    /// As sent in `webhook-id`.
    pub fn header(&self) -> String {
        format!("evt_{}", self.0.simple())
    }
}

impl Default for EventId {
    fn default() -> Self {
        Self::new()
    }
}

/// Who may be told of an event, besides the town's own subscriptions (which are told of all).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Audience {
    /// Anyone may see the change through the public API.
    pub public: bool,
    /// The partner association the request was submitted for: its tools see it as its members do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association: Option<String>,
}

impl Audience {
    /// Whether `owner`'s subscriptions are told of it.
    pub fn admits(&self, owner: &Owner) -> bool {
        match owner {
            Owner::Town => true,
            Owner::Partner { association, .. } => self.public || self.association.as_ref() == Some(association),
        }
    }
}

/// Something that happened, as the outbox keeps it until every subscriber was told.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub municipality: MunicipalityId,
    pub kind: EventType,
    pub resource: ResourceKind,
    pub resource_id: Uuid,
    pub audience: Audience,
    /// The payload's `data`, but for the municipality (added when sent).
    pub data: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
}

impl Event {
    /// The body every delivery of it sends, byte for byte (signatures cover it): the Standard
    /// Webhooks envelope.
    pub fn body(&self, municipality_slug: &str) -> String {
        let mut data = self.data.clone();
        if let Some(object) = data.as_object_mut() {
            object.insert("municipality".to_owned(), serde_json::Value::from(municipality_slug));
        }
        serde_json::json!({
            "type": self.kind.code(),
            "timestamp": self.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": data,
        })
        .to_string()
    }

    /// The key its resource's events are ordered by.
    pub fn resource_key(&self) -> String {
        format!("{}:{}", self.resource.code(), self.resource_id)
    }
}
