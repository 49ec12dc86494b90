//! What the API answers about processes: the staff view (everything, with its routing and every
//! request it gathered) and the public view (no routing, only published requests, nobody named).

use crate::resources::requests::views::{ActorView, PublicAudience, StaffAudience};
use crate::wire;
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::requests::RoutingCodes;
use implication_domain::participation::lifecycle::allowed_targets;
use implication_domain::participation::{Decision, Perimeter, Process, ProcessEvent};
use implication_domain::requests::Request;
use implication_domain::vocabulary::ProcessEventKind;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct PerimeterView {
    pub kind: wire::PerimeterKind,
    pub neighbourhoods: Vec<String>,
    pub streets: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingView {
    pub delegation: Option<String>,
    pub services: Vec<String>,
}

/// A change of level, or the level the process started at (`from` null).
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelChangeView {
    pub from: Option<wire::ParticipationLevel>,
    pub to: wire::ParticipationLevel,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliberationView {
    pub number: String,
    pub date: NaiveDate,
}

/// What was decided, by whom, when and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub outcome: String,
    pub decided_by: wire::DecisionMaker,
    /// The authority that decided, when not the town.
    pub authority: Option<String>,
    /// The council's deliberation, when the council decided.
    pub deliberation: Option<DeliberationView>,
    pub decided_on: NaiveDate,
    pub rationale: String,
    /// How the requests of the process end when it closes.
    pub resolution: wire::Resolution,
    /// The surveys whose results it cites (`GET …/surveys/{survey}`).
    pub surveys: Vec<Uuid>,
}

impl From<&Decision> for DecisionView {
    fn from(d: &Decision) -> Self {
        Self {
            outcome: d.outcome.as_str().to_owned(),
            decided_by: d.decided_by.into(),
            authority: d.authority.as_ref().map(|a| a.as_str().to_owned()),
            deliberation: d
                .deliberation
                .as_ref()
                .map(|x| DeliberationView { number: x.number.as_str().to_owned(), date: x.date }),
            decided_on: d.decided_on,
            rationale: d.rationale.as_str().to_owned(),
            resolution: d.resolution.into(),
            surveys: d.surveys.iter().map(|s| s.as_uuid()).collect(),
        }
    }
}

/// A request a process gathered (its public part: no requester).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedRequestView {
    pub id: Uuid,
    pub registration_number: String,
    pub title: String,
    pub status: wire::RequestStatus,
    pub resolution: Option<wire::Resolution>,
}

impl From<&Request> for LinkedRequestView {
    fn from(r: &Request) -> Self {
        Self {
            id: r.id.as_uuid(),
            registration_number: r.registration_number.to_string(),
            title: r.title.as_str().to_owned(),
            status: r.status.into(),
            resolution: r.resolution.map(Into::into),
        }
    }
}

impl PerimeterView {
    pub fn of(p: &Perimeter) -> Self {
        Self {
            kind: p.kind.into(),
            neighbourhoods: p.neighbourhoods.iter().map(|n| n.as_str().to_owned()).collect(),
            streets: p.streets.iter().map(|s| s.as_str().to_owned()).collect(),
        }
    }
}

fn perimeter(p: &Process) -> PerimeterView {
    PerimeterView::of(&p.perimeter)
}

/// The level the process started at and every change since, from its history.
pub fn level_history(events: &[ProcessEvent]) -> Vec<LevelChangeView> {
    events
        .iter()
        .filter(|e| matches!(e.kind, ProcessEventKind::Created | ProcessEventKind::LevelChanged))
        .filter_map(|e| {
            Some(LevelChangeView {
                from: e.from_level.map(Into::into),
                to: e.to_level?.into(),
                reason: e.reason.clone(),
                at: e.at,
            })
        })
        .collect()
}

/// A process as staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "staff", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01", "version": 4,
    "subject": "La vitesse dans la cité 5",
    "description": "Des habitants se plaignent de la vitesse des voitures : deux scénarios à discuter.",
    "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["cite-5"], "streets": [] },
    "origin": "requests", "routing": { "delegation": "travaux-et-urbanisme", "services": ["services-techniques"] },
    "level": "consultation",
    "level_history": [{ "from": null, "to": "consultation", "reason": null, "at": "2026-11-20T10:00:00Z" }],
    "status": "open", "allowed_transitions": ["deciding", "abandoned"], "public": true,
    "opened_at": "2026-11-21T09:00:00Z", "decision": null,
    "requests": [{ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "registration_number": "2026-00042",
        "title": "Les voitures roulent trop vite dans la cité 5", "status": "in_process", "resolution": null }],
    "steps_ahead": [], "promises": [],
    "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-21T09:00:00Z"
}))]
pub struct ProcessView {
    pub view: StaffAudience,
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub subject: String,
    pub description: String,
    pub perimeter: PerimeterView,
    pub origin: wire::ProcessOrigin,
    pub routing: RoutingView,
    pub level: wire::ParticipationLevel,
    pub level_history: Vec<LevelChangeView>,
    pub status: wire::ProcessStatus,
    /// Where a transition may take it from here (`decided` is reached by recording the decision).
    pub allowed_transitions: Vec<wire::ProcessStatus>,
    /// Whether the public sees it (once opened).
    pub public: bool,
    pub opened_at: Option<DateTime<Utc>>,
    pub decision: Option<DecisionView>,
    /// Every request it gathered, oldest first.
    pub requests: Vec<LinkedRequestView>,
    /// Its steps still ahead, the soonest expected first (at most 50; `GET …/steps?process=…&ahead=true` for all).
    pub steps_ahead: Vec<super::steps::StepView>,
    /// The promises made about it, the soonest due first (at most 50; `GET …/promises?process=` for all).
    pub promises: Vec<super::promises::PromiseView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProcessView {
    pub fn new(p: &Process, routing: RoutingCodes, events: &[ProcessEvent], requests: &[Request]) -> Self {
        Self {
            view: StaffAudience::Staff,
            id: p.id.as_uuid(),
            version: p.version,
            subject: p.subject.as_str().to_owned(),
            description: p.description.as_str().to_owned(),
            perimeter: perimeter(p),
            origin: p.origin.into(),
            routing: RoutingView { delegation: routing.delegation, services: routing.services },
            level: p.level.into(),
            level_history: level_history(events),
            status: p.status.into(),
            allowed_transitions: allowed_targets(p.status).iter().map(|s| (*s).into()).collect(),
            public: p.is_public(),
            opened_at: p.opened_at,
            decision: p.decision.as_ref().map(DecisionView::from),
            requests: requests.iter().map(LinkedRequestView::from).collect(),
            steps_ahead: Vec::new(),
            promises: Vec::new(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A process as the public sees it, once opened: no routing, only its published requests.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "public", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01",
    "subject": "La vitesse dans la cité 5",
    "description": "Des habitants se plaignent de la vitesse des voitures : deux scénarios à discuter.",
    "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["cite-5"], "streets": [] },
    "origin": "requests", "level": "consultation",
    "level_history": [{ "from": null, "to": "consultation", "reason": null, "at": "2026-11-20T10:00:00Z" }],
    "status": "decided", "opened_at": "2026-11-21T09:00:00Z",
    "decision": { "outcome": "Ni stop ni ralentisseur.", "decided_by": "participants", "authority": null,
        "deliberation": null, "decided_on": "2026-12-01", "rationale": "Les deux scénarios déplaçaient le problème.",
        "resolution": "status_quo", "surveys": [] },
    "requests": [], "steps_ahead": [], "promises": [],
    "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-12-01T20:00:00Z"
}))]
pub struct PublicProcessView {
    pub view: PublicAudience,
    pub id: Uuid,
    pub subject: String,
    pub description: String,
    pub perimeter: PerimeterView,
    pub origin: wire::ProcessOrigin,
    pub level: wire::ParticipationLevel,
    pub level_history: Vec<LevelChangeView>,
    pub status: wire::ProcessStatus,
    pub opened_at: Option<DateTime<Utc>>,
    pub decision: Option<DecisionView>,
    /// The published requests it gathered.
    pub requests: Vec<LinkedRequestView>,
    /// Its steps still ahead, the soonest expected first (at most 50; none while it is prepared).
    pub steps_ahead: Vec<super::steps::StepView>,
    /// The promises made about it, the soonest due first (at most 50; none while it is prepared).
    pub promises: Vec<super::promises::PromiseView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PublicProcessView {
    /// `requests` are filtered here: only published ones show.
    pub fn new(p: &Process, events: &[ProcessEvent], requests: &[Request]) -> Self {
        Self {
            view: PublicAudience::Public,
            id: p.id.as_uuid(),
            subject: p.subject.as_str().to_owned(),
            description: p.description.as_str().to_owned(),
            perimeter: perimeter(p),
            origin: p.origin.into(),
            level: p.level.into(),
            level_history: level_history(events),
            status: p.status.into(),
            opened_at: p.opened_at,
            decision: p.decision.as_ref().map(DecisionView::from),
            requests: requests.iter().filter(|r| r.published_at.is_some()).map(LinkedRequestView::from).collect(),
            steps_ahead: Vec::new(),
            promises: Vec::new(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One process, in the view the caller is entitled to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ProcessDocument {
    Staff(ProcessView),
    Public(PublicProcessView),
}

/// An item of a list: a summary, the same for everyone (staff lists also show processes in
/// preparation).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01", "subject": "La vitesse dans la cité 5",
    "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["cite-5"], "streets": [] },
    "origin": "requests", "level": "consultation", "status": "open", "public": true,
    "opened_at": "2026-11-21T09:00:00Z", "decided_on": null, "created_at": "2026-11-20T10:00:00Z"
}))]
pub struct ProcessSummary {
    pub id: Uuid,
    pub subject: String,
    pub perimeter: PerimeterView,
    pub origin: wire::ProcessOrigin,
    pub level: wire::ParticipationLevel,
    pub status: wire::ProcessStatus,
    pub public: bool,
    pub opened_at: Option<DateTime<Utc>>,
    pub decided_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl From<&Process> for ProcessSummary {
    fn from(p: &Process) -> Self {
        Self {
            id: p.id.as_uuid(),
            subject: p.subject.as_str().to_owned(),
            perimeter: perimeter(p),
            origin: p.origin.into(),
            level: p.level.into(),
            status: p.status.into(),
            public: p.is_public(),
            opened_at: p.opened_at,
            decided_on: p.decision.as_ref().map(|d| d.decided_on),
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessPage {
    pub items: Vec<ProcessSummary>,
    pub next_cursor: Option<String>,
}

/// An entry of a process's history. The public sees no actor, and no request by id.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e02", "kind": "level_changed", "at": "2026-11-28T19:30:00Z",
    "actor": { "kind": "account", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9f" },
    "from": null, "to": null, "from_level": "consultation", "to_level": "coproduction",
    "reason": "La concertation est devenue coproduction.", "resolution": null, "request": null, "meeting": null, "notice": null, "decision": null
}))]
pub struct ProcessEventView {
    pub id: Uuid,
    pub kind: wire::ProcessEventKind,
    pub at: DateTime<Utc>,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<ActorView>,
    pub from: Option<wire::ProcessStatus>,
    pub to: Option<wire::ProcessStatus>,
    pub from_level: Option<wire::ParticipationLevel>,
    pub to_level: Option<wire::ParticipationLevel>,
    pub reason: Option<String>,
    pub resolution: Option<wire::Resolution>,
    /// The request a `request_linked` entry links (staff only).
    pub request: Option<Uuid>,
    /// The meeting a `meeting_scheduled`, `meeting_changed`, `minutes_published` or
    /// `minutes_delivered` entry is about.
    pub meeting: Option<Uuid>,
    /// The notice a `notice_added` entry published (staff only).
    pub notice: Option<Uuid>,
    /// The decision a `decided` or `decision_amended` entry recorded (an amendment keeps the
    /// earlier decision in its own entry).
    pub decision: Option<DecisionView>,
}

impl ProcessEventView {
    pub fn new(e: &ProcessEvent, staff: bool) -> Self {
        Self {
            id: e.id.as_uuid(),
            kind: e.kind.into(),
            at: e.at,
            actor: staff.then(|| e.actor.into()),
            from: e.from.map(Into::into),
            to: e.to.map(Into::into),
            from_level: e.from_level.map(Into::into),
            to_level: e.to_level.map(Into::into),
            reason: e.reason.clone(),
            resolution: e.resolution.map(Into::into),
            request: if staff { e.related_request.map(|r| r.as_uuid()) } else { None },
            meeting: e.meeting.map(|m| m.as_uuid()),
            // A notice dated ahead is not public yet: its id is staff's.
            notice: if staff { e.notice.map(|n| n.as_uuid()) } else { None },
            decision: e.decision.as_ref().map(DecisionView::from),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessEventPage {
    pub items: Vec<ProcessEventView>,
    pub next_cursor: Option<String>,
}

/// A process a request joined, as its requester follows it (public processes only).
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowedProcessView {
    pub id: Uuid,
    pub subject: String,
    pub level: wire::ParticipationLevel,
    pub status: wire::ProcessStatus,
    pub decision: Option<DecisionView>,
}

impl From<&Process> for FollowedProcessView {
    fn from(p: &Process) -> Self {
        Self {
            id: p.id.as_uuid(),
            subject: p.subject.as_str().to_owned(),
            level: p.level.into(),
            status: p.status.into(),
            decision: p.decision.as_ref().map(DecisionView::from),
        }
    }
}
