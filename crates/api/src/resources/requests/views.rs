//! What a request looks like to each audience. Staff see everything; the requester (by tracking
//! code, or by the account or tool that submitted it) sees their request, its public history and
//! the town's answers; the public sees published requests only, without personal data. Each
//! view carries `view` so that clients (and the contract's `oneOf`) tell them apart.

use crate::resources::participation::views::FollowedProcessView;
use crate::wire;
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::participation::Process;
use implication_domain::requests::lifecycle::allowed_targets;
use implication_domain::requests::{Actor, Answer, Location, PublishedRequest, Request, RequestEvent};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Which audience a view is for.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffAudience {
    Staff,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequesterAudience {
    Requester,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicAudience {
    Public,
}

/// A WGS84 point.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointView {
    #[schema(example = 50.4573)]
    pub latitude: f64,
    #[schema(example = 2.7925)]
    pub longitude: f64,
}

/// Where a request is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    #[schema(example = "Rue Lamartine, cité 5")]
    pub address: Option<String>,
    pub point: Option<PointView>,
}

impl From<&Location> for LocationView {
    fn from(l: &Location) -> Self {
        Self {
            address: l.address.as_ref().map(|a| a.as_str().to_owned()),
            point: l.point.map(|p| PointView { latitude: p.latitude, longitude: p.longitude }),
        }
    }
}

/// Who carries a request, and how to reach them (personal data: staff only).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequesterView {
    pub kind: wire::RequesterKind,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
}

/// Who did something.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActorView {
    pub kind: wire::ActorKind,
    /// The account or the machine client; absent for the public.
    pub id: Option<Uuid>,
}

impl From<Actor> for ActorView {
    fn from(actor: Actor) -> Self {
        Self { kind: actor.kind().into(), id: actor.id() }
    }
}

/// A request as staff see it: everything.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "staff", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "registration_number": "2026-00042",
    "kind": "complaint", "title": "Les voitures roulent trop vite dans la cité 5",
    "description": "Le soir, des voitures traversent la cité à toute allure. Les enfants jouent dehors.",
    "channel": "letter", "themes": ["roads-and-traffic"], "neighbourhood": "cite-5",
    "location": { "address": "Rue Lamartine", "point": { "latitude": 50.4573, "longitude": 2.7925 } },
    "requester": { "kind": "informal_group", "name": "Habitants de la rue Lamartine", "email": null, "phone": "03 21 00 00 00", "postal_address": null },
    "proposed_solution": "Un ralentisseur devant l'aire de jeux.", "offer": "Nous pouvons peindre les marquages avec les voisins.",
    "personal_data_consent": true, "association": null, "submitted_by": { "kind": "account", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9f" },
    "received_on": "2026-11-16", "status": "qualifying", "resolution": null, "merged_into": null,
    "published": true, "published_at": "2026-11-20T10:00:00Z", "late": false, "answer_due_on": "2026-12-16",
    "internal_note": "Voir avec les services techniques pour un comptage.", "allowed_transitions": ["qualified", "merged"],
    "created_at": "2026-11-17T09:12:00Z", "updated_at": "2026-11-20T10:00:00Z"
}))]
pub struct RequestView {
    pub view: StaffAudience,
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    /// Unique in the municipality and year, without gaps: `2026-00042`.
    #[schema(example = "2026-00042", pattern = "^[0-9]{4}-[0-9]{5,}$")]
    pub registration_number: String,
    pub kind: wire::RequestKind,
    pub title: String,
    pub description: String,
    pub channel: wire::Channel,
    /// Theme codes of the municipality's catalogue.
    pub themes: Vec<String>,
    /// A neighbourhood code.
    pub neighbourhood: Option<String>,
    pub location: Option<LocationView>,
    // Boxed, so that a staff view stays near the size of the public one it is listed beside.
    pub requester: Option<Box<RequesterView>>,
    /// The solution the requester proposed at intake (staff only: never shown publicly).
    pub proposed_solution: Option<String>,
    /// What the requester offered to do themselves (staff only: never shown publicly).
    pub offer: Option<String>,
    /// Whether the requester consented to the processing of their personal data.
    pub personal_data_consent: bool,
    /// The partner association a partner's tool submitted for.
    pub association: Option<String>,
    pub submitted_by: ActorView,
    /// The day the town received it (for a letter, not the day it was typed in).
    #[serde(serialize_with = "crate::timestamps::date")]
    pub received_on: NaiveDate,
    pub status: wire::RequestStatus,
    /// How it ended, once `closed`.
    pub resolution: Option<wire::Resolution>,
    /// The request it was merged into, once `merged`.
    pub merged_into: Option<Uuid>,
    /// The request of another body of this deployment it was handed over to, or received from.
    pub link: Option<LinkView>,
    pub published: bool,
    #[serde(serialize_with = "crate::timestamps::optional_timestamp")]
    pub published_at: Option<DateTime<Utc>>,
    /// Still `received` or `qualifying` past the municipality's answer delay.
    pub late: bool,
    /// The day by which it should have had an answer.
    #[serde(serialize_with = "crate::timestamps::date")]
    pub answer_due_on: NaiveDate,
    /// For staff only: never shown to the public nor to the requester.
    pub internal_note: Option<String>,
    /// The statuses it may move to from here.
    pub allowed_transitions: Vec<wire::RequestStatus>,
    #[serde(serialize_with = "crate::timestamps::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::timestamps::timestamp")]
    pub updated_at: DateTime<Utc>,
}

impl RequestView {
    pub fn new(r: &Request, answer_delay_days: u16, today: NaiveDate) -> Self {
        Self {
            view: StaffAudience::Staff,
            id: r.id.as_uuid(),
            version: r.version,
            registration_number: r.registration_number.to_string(),
            kind: r.kind.into(),
            title: r.title.as_str().to_owned(),
            description: r.description.as_str().to_owned(),
            channel: r.channel.into(),
            themes: r.themes.iter().map(ToString::to_string).collect(),
            neighbourhood: r.neighbourhood.as_ref().map(ToString::to_string),
            location: r.location.as_ref().map(LocationView::from),
            requester: r.requester.as_ref().map(|q| {
                Box::new(RequesterView {
                    kind: q.kind.into(),
                    name: q.name.as_ref().map(|v| v.as_str().to_owned()),
                    email: q.email.as_ref().map(|v| v.as_str().to_owned()),
                    phone: q.phone.as_ref().map(|v| v.as_str().to_owned()),
                    postal_address: q.postal_address.as_ref().map(|v| v.as_str().to_owned()),
                })
            }),
            proposed_solution: r.proposed_solution.as_ref().map(|v| v.as_str().to_owned()),
            offer: r.offer.as_ref().map(|v| v.as_str().to_owned()),
            personal_data_consent: r.consent_at.is_some(),
            association: r.association.clone(),
            submitted_by: r.submitted_by.into(),
            received_on: r.received_on,
            status: r.status.into(),
            resolution: r.resolution.map(Into::into),
            merged_into: r.merged_into.map(|m| m.as_uuid()),
            link: r.link.as_ref().map(LinkView::from),
            published: r.published_at.is_some(),
            published_at: r.published_at,
            late: r.is_late(answer_delay_days, today),
            answer_due_on: r.answer_due_on(answer_delay_days),
            internal_note: r.internal_note.as_ref().map(|n| n.as_str().to_owned()),
            allowed_transitions: allowed_targets(r.status).iter().map(|s| (*s).into()).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A published request as anyone sees it: no requester name, contact or internal note.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "public", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "version": 3, "registration_number": "2026-00042",
    "kind": "complaint", "title": "Les voitures roulent trop vite dans la cité 5",
    "description": "Le soir, des voitures traversent la cité à toute allure. Les enfants jouent dehors.",
    "channel": "letter", "requester_kind": "informal_group", "themes": ["roads-and-traffic"], "neighbourhood": "cite-5",
    "location": { "address": "Rue Lamartine", "point": null }, "received_on": "2026-11-16",
    "status": "qualifying", "resolution": null, "merged_into": null, "published_at": "2026-11-20T10:00:00Z", "late": false,
    "created_at": "2026-11-17T09:12:00Z", "updated_at": "2026-11-20T10:00:00Z"
}))]
pub struct PublicRequestView {
    pub view: PublicAudience,
    pub id: Uuid,
    /// The version its `ETag` carries (`"3"`): the `If-Match` that changes it names this, so a
    /// client that lists and then acts needs no other read.
    #[schema(minimum = 1, example = 3)]
    pub version: i32,
    #[schema(example = "2026-00042", pattern = "^[0-9]{4}-[0-9]{5,}$")]
    pub registration_number: String,
    pub kind: wire::RequestKind,
    pub title: String,
    pub description: String,
    pub channel: wire::Channel,
    /// Whether an individual, an association… carries it (never who).
    pub requester_kind: Option<wire::RequesterKind>,
    pub themes: Vec<String>,
    pub neighbourhood: Option<String>,
    pub location: Option<LocationView>,
    #[serde(serialize_with = "crate::timestamps::date")]
    pub received_on: NaiveDate,
    pub status: wire::RequestStatus,
    pub resolution: Option<wire::Resolution>,
    pub merged_into: Option<Uuid>,
    #[serde(serialize_with = "crate::timestamps::optional_timestamp")]
    pub published_at: Option<DateTime<Utc>>,
    pub late: bool,
    #[serde(serialize_with = "crate::timestamps::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::timestamps::timestamp")]
    pub updated_at: DateTime<Utc>,
}

impl PublicRequestView {
    pub fn new(r: PublishedRequest, answer_delay_days: u16, today: NaiveDate) -> Self {
        let late = r.is_late(answer_delay_days, today);
        let location = (r.location_address.is_some() || r.location_point.is_some()).then(|| LocationView {
            address: r.location_address,
            point: r.location_point.map(|p| PointView { latitude: p.latitude, longitude: p.longitude }),
        });
        Self {
            view: PublicAudience::Public,
            id: r.id.as_uuid(),
            version: r.version,
            registration_number: r.registration_number.to_string(),
            kind: r.kind.into(),
            title: r.title,
            description: r.description,
            channel: r.channel.into(),
            requester_kind: r.requester_kind.map(Into::into),
            themes: r.themes,
            neighbourhood: r.neighbourhood,
            location,
            received_on: r.received_on,
            status: r.status.into(),
            resolution: r.resolution.map(Into::into),
            merged_into: r.merged_into.map(|m| m.as_uuid()),
            published_at: Some(r.published_at),
            late,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An entry of the history as the requester and the public see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicEventView {
    pub kind: wire::RequestEventKind,
    pub at: DateTime<Utc>,
    pub from: Option<wire::RequestStatus>,
    pub to: Option<wire::RequestStatus>,
    /// Why, in words written for the requester.
    pub reason: Option<String>,
    pub resolution: Option<wire::Resolution>,
}

impl From<&RequestEvent> for PublicEventView {
    fn from(e: &RequestEvent) -> Self {
        Self {
            kind: e.kind.into(),
            at: e.at,
            from: e.from.map(Into::into),
            to: e.to.map(Into::into),
            reason: e.reason.clone(),
            resolution: e.resolution.map(Into::into),
        }
    }
}

/// An entry of the history as staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0da0", "kind": "transitioned", "at": "2026-11-18T14:00:00Z",
    "actor": { "kind": "account", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9f" },
    "from": "received", "to": "qualifying", "reason": null, "resolution": null,
    "related_request": null, "answer": null, "fields": []
}))]
pub struct EventView {
    pub id: Uuid,
    pub kind: wire::RequestEventKind,
    pub at: DateTime<Utc>,
    pub actor: ActorView,
    pub from: Option<wire::RequestStatus>,
    pub to: Option<wire::RequestStatus>,
    pub reason: Option<String>,
    pub resolution: Option<wire::Resolution>,
    /// The other request of a merge.
    pub related_request: Option<Uuid>,
    /// The answer an `answered` entry records.
    pub answer: Option<Uuid>,
    /// The fields an `edited` entry changed (names only: values may be personal data).
    pub fields: Vec<String>,
}

impl From<&RequestEvent> for EventView {
    fn from(e: &RequestEvent) -> Self {
        Self {
            id: e.id.as_uuid(),
            kind: e.kind.into(),
            at: e.at,
            actor: e.actor.into(),
            from: e.from.map(Into::into),
            to: e.to.map(Into::into),
            reason: e.reason.clone(),
            resolution: e.resolution.map(Into::into),
            related_request: e.related.map(|r| r.as_uuid()),
            answer: e.answer.map(|a| a.as_uuid()),
            fields: e.fields.clone(),
        }
    }
}

/// The town's answer to a requester.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0da1", "public": true, "created_at": "2026-11-19T11:00:00Z",
    "text": "Merci pour votre signalement. Un comptage des véhicules aura lieu la semaine prochaine."
}))]
pub struct AnswerView {
    pub id: Uuid,
    pub text: String,
    /// Also shown with the published request.
    pub public: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&Answer> for AnswerView {
    fn from(a: &Answer) -> Self {
        Self { id: a.id.as_uuid(), text: a.text.as_str().to_owned(), public: a.public, created_at: a.created_at }
    }
}

/// A request as its requester follows it: its status, its public history and the town's answers,
/// and nothing else (no personal data, no internal note).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequesterRequestView {
    pub view: RequesterAudience,
    pub id: Uuid,
    #[schema(example = "2026-00042", pattern = "^[0-9]{4}-[0-9]{5,}$")]
    pub registration_number: String,
    pub kind: wire::RequestKind,
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    pub neighbourhood: Option<String>,
    pub received_on: NaiveDate,
    pub status: wire::RequestStatus,
    pub resolution: Option<wire::Resolution>,
    pub late: bool,
    /// The day by which the town should have answered.
    pub answer_due_on: NaiveDate,
    /// Handed over to the competent body on this deployment, or received from another: the same
    /// tracking code follows it there (`/v1/municipalities/{municipality}/tracking/{code}`).
    pub link: Option<LinkView>,
    pub history: Vec<PublicEventView>,
    pub answers: Vec<AnswerView>,
    /// The participation processes it joined (once opened to the public), the latest first: their
    /// level, status and decision.
    pub processes: Vec<FollowedProcessView>,
    /// The steps still ahead of it and of those processes, the soonest expected first.
    pub steps_ahead: Vec<crate::resources::participation::steps::StepView>,
    /// The promises made about it and about those processes, the soonest due first: pending,
    /// kept (`kept_late` when after their due day) or withdrawn with the reason.
    pub promises: Vec<crate::resources::participation::promises::PromiseView>,
}

impl RequesterRequestView {
    /// The view of `request` its requester reads, with everything it shows read from `db`: its
    /// public history, answers, processes, steps ahead and promises.
    pub async fn read(
        db: &implication_storage::Database,
        municipality: &implication_domain::Municipality,
        request: &Request,
    ) -> Result<Self, crate::problem::ApiError> {
        use implication_storage::requests as store;
        let history = store::history(db, request.id, true, 1_000, None).await?.items;
        let answers = store::answers(db, request.id, false).await?;
        let processes = implication_storage::participation::processes_of(db, municipality.id, request.id).await?;
        let (delay, today) = (municipality.settings.answer_delay_days, municipality.today());
        Self::new(request, &history, &answers, &processes, delay, today)
            .with_follow_ups(db, municipality, request.id, &processes)
            .await
    }

    /// Fills in the steps ahead and the promises of the request and of the public processes it
    /// joined.
    pub async fn with_follow_ups(
        mut self,
        db: &implication_storage::Database,
        municipality: &implication_domain::Municipality,
        request: implication_domain::RequestId,
        processes: &[Process],
    ) -> Result<Self, crate::problem::ApiError> {
        use crate::resources::participation::{promises, steps};
        let public: Vec<_> = processes.iter().filter(|p| p.is_public()).map(|p| p.id).collect();
        self.steps_ahead = steps::ahead_of(db, municipality, &[request], &public).await?;
        self.promises = promises::about(db, municipality, &[request], &public).await?;
        Ok(self)
    }

    pub fn new(
        r: &Request,
        history: &[RequestEvent],
        answers: &[Answer],
        processes: &[Process],
        answer_delay_days: u16,
        today: NaiveDate,
    ) -> Self {
        Self {
            view: RequesterAudience::Requester,
            id: r.id.as_uuid(),
            registration_number: r.registration_number.to_string(),
            kind: r.kind.into(),
            title: r.title.as_str().to_owned(),
            description: r.description.as_str().to_owned(),
            themes: r.themes.iter().map(ToString::to_string).collect(),
            neighbourhood: r.neighbourhood.as_ref().map(ToString::to_string),
            received_on: r.received_on,
            status: r.status.into(),
            resolution: r.resolution.map(Into::into),
            late: r.is_late(answer_delay_days, today),
            answer_due_on: r.answer_due_on(answer_delay_days),
            link: r.link.as_ref().map(LinkView::from),
            history: history.iter().filter(|e| e.kind.is_public()).map(PublicEventView::from).collect(),
            answers: answers.iter().map(AnswerView::from).collect(),
            processes: processes.iter().filter(|p| p.is_public()).map(FollowedProcessView::from).collect(),
            steps_ahead: Vec::new(),
            promises: Vec::new(),
        }
    }
}

/// The request of another body a request is linked to by a hand-over.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "kind": "handed_over_to", "municipality": "agglomeration-lens-lievin",
    "request": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0a77" }))]
pub struct LinkView {
    /// `handed_over_to` (this one was handed over to the other) or `received_from`.
    #[schema(pattern = "^(handed_over_to|received_from)$")]
    pub kind: String,
    /// The other body's slug.
    pub municipality: String,
    /// The other request's id (in the other body).
    pub request: Uuid,
}

impl From<&implication_domain::requests::handover::Link> for LinkView {
    fn from(link: &implication_domain::requests::handover::Link) -> Self {
        Self {
            kind: link.kind.code().to_owned(),
            municipality: link.slug.as_str().to_owned(),
            request: link.request.as_uuid(),
        }
    }
}

/// One request, in the view the caller is entitled to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum RequestDocument {
    Staff(RequestView),
    Requester(RequesterRequestView),
    Public(PublicRequestView),
}

/// An item of a list: the staff view for staff, the public view for everyone else.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
// Each item is serialized once: boxing the larger view would change nothing on the wire.
#[allow(clippy::large_enum_variant)]
pub enum RequestListItem {
    Staff(RequestView),
    Public(PublicRequestView),
}

/// A page of requests in their requester's view (a partner tool's association's list).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequesterRequestPage {
    pub items: Vec<RequesterRequestView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<RequestListItem>,
    pub next_cursor: Option<String>,
}

/// What a submitter gets back: the number to quote, and the code to follow the request with.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "registration_number": "2026-00042",
    "tracking_code": "k3v7q2mzx5d4a6w2r7t3y5u2pq", "received_on": "2026-11-22",
    "tracking_url": "/v1/municipalities/loos-en-gohelle/tracking/k3v7q2mzx5d4a6w2r7t3y5u2pq",
    "created_at": "2026-11-22T09:00:00Z"
}))]
pub struct RequestReceipt {
    pub id: Uuid,
    #[schema(example = "2026-00042", pattern = "^[0-9]{4}-[0-9]{5,}$")]
    pub registration_number: String,
    /// Shown once: only its hash is kept. Whoever holds it can follow the request.
    #[schema(pattern = "^[a-z2-7]{26}$")]
    pub tracking_code: String,
    pub received_on: NaiveDate,
    /// Where to follow it.
    pub tracking_url: String,
    pub created_at: DateTime<Utc>,
}

impl RequestReceipt {
    pub fn new(
        registered: &implication_app::requests::Registered,
        municipality: &implication_domain::Municipality,
    ) -> Self {
        let (request, code) = (&registered.request, registered.tracking_code.expose());
        Self {
            id: request.id.as_uuid(),
            registration_number: request.registration_number.to_string(),
            tracking_code: code.to_owned(),
            received_on: request.received_on,
            tracking_url: format!("/v1/municipalities/{}/tracking/{code}", municipality.slug),
            created_at: request.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerList {
    pub items: Vec<AnswerView>,
}
