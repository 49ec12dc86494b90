//! What the public reads of a published request: the fields of its public view and nothing
//! else. It has no field for the requester's name or contact, the internal note or the search
//! text, so no public read can carry them. Storage reads it straight from the columns it needs
//! (the values were checked when they were written); a full `Request` gives one too.

use super::{Point, RegistrationNumber, Request, lifecycle};
use crate::ids::RequestId;
use crate::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use chrono::{DateTime, NaiveDate, Utc};

/// A published request as anyone reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedRequest {
    pub id: RequestId,
    pub version: i32,
    pub registration_number: RegistrationNumber,
    pub kind: RequestKind,
    pub title: String,
    pub description: String,
    pub channel: Channel,
    /// Whether an individual, an association… carries it (never who).
    pub requester_kind: Option<RequesterKind>,
    pub themes: Vec<String>,
    pub neighbourhood: Option<String>,
    /// Where it is about: an address, a point, or both (`None` for neither).
    pub location_address: Option<String>,
    pub location_point: Option<Point>,
    pub received_on: NaiveDate,
    pub status: RequestStatus,
    pub resolution: Option<Resolution>,
    pub merged_into: Option<RequestId>,
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PublishedRequest {
    /// The public part of a request, if it is published.
    pub fn of(r: &Request) -> Option<Self> {
        Some(Self {
            id: r.id,
            version: r.version,
            registration_number: r.registration_number,
            kind: r.kind,
            title: r.title.as_str().to_owned(),
            description: r.description.as_str().to_owned(),
            channel: r.channel,
            requester_kind: r.requester.as_ref().map(|q| q.kind),
            themes: r.themes.iter().map(|t| t.as_str().to_owned()).collect(),
            neighbourhood: r.neighbourhood.as_ref().map(|n| n.as_str().to_owned()),
            location_address: r.location.as_ref().and_then(|l| l.address.as_ref()).map(|a| a.as_str().to_owned()),
            location_point: r.location.as_ref().and_then(|l| l.point),
            received_on: r.received_on,
            status: r.status,
            resolution: r.resolution,
            merged_into: r.merged_into,
            published_at: r.published_at?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }

    /// The same rule as [`Request::is_late`].
    pub fn is_late(&self, answer_delay_days: u16, today: NaiveDate) -> bool {
        lifecycle::is_late(self.status, self.received_on, answer_delay_days, today)
    }
}
