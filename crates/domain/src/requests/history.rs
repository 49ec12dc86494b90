//! A request's history: entries only ever added, each naming its actor.

use super::Actor;
use crate::ids::{AnswerId, RequestEventId, RequestId};
use crate::vocabulary::{RequestEventKind, RequestStatus, Resolution};
use chrono::{DateTime, Utc};

/// An entry of a request's history. Entries are only ever added.
#[derive(Debug, Clone)]
pub struct RequestEvent {
    pub id: RequestEventId,
    pub request: RequestId,
    pub kind: RequestEventKind,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub from: Option<RequestStatus>,
    pub to: Option<RequestStatus>,
    pub reason: Option<String>,
    pub resolution: Option<Resolution>,
    /// The other request of a merge.
    pub related: Option<RequestId>,
    pub answer: Option<AnswerId>,
    /// The fields an edit changed.
    pub fields: Vec<String>,
}

impl RequestEvent {
    /// A new entry of `kind`, to be completed with struct update syntax.
    pub fn new(request: RequestId, kind: RequestEventKind, actor: Actor, at: DateTime<Utc>) -> Self {
        Self {
            id: RequestEventId::new(),
            request,
            kind,
            actor,
            at,
            from: None,
            to: None,
            reason: None,
            resolution: None,
            related: None,
            answer: None,
            fields: Vec::new(),
        }
    }
}

impl RequestEventKind {
    /// Whether the requester and the public may see entries of this kind. Corrections,
    /// publication and qualification are staff business.
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            RequestEventKind::Edited
                | RequestEventKind::Published
                | RequestEventKind::Unpublished
                | RequestEventKind::Qualification
        )
    }
}
