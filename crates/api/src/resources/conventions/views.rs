//! What the API answers about projects: the staff view (everything: carriers by name, routing,
//! the whole diagnostic, every request) and the public view (from signature on, and once ended:
//! no person named, no routing, no diagnostic details, only published requests).

use crate::resources::participation::views::{LinkedRequestView, RoutingView};
use crate::resources::requests::views::{ActorView, PublicAudience, StaffAudience};
use crate::wire;
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::requests::RoutingCodes;
use implication_domain::conventions::diagnostic::may_go_to_signature;
use implication_domain::conventions::lifecycle::allowed_targets;
use implication_domain::conventions::{Carrier, Diagnostic, Ending, Project, ProjectEvent};
use implication_domain::requests::Request;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who carries a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarrierView {
    pub kind: wire::RequesterKind,
    pub name: String,
    pub interest: Option<String>,
}

impl From<&Carrier> for CarrierView {
    fn from(c: &Carrier) -> Self {
        Self {
            kind: c.kind.into(),
            name: c.name.as_str().to_owned(),
            interest: c.interest.as_ref().map(|i| i.as_str().to_owned()),
        }
    }
}

/// A carrier as the public sees it: an organisation's name, a person's never.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCarrierView {
    pub kind: wire::RequesterKind,
    /// `null` for an individual.
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub text: String,
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RiskResolutionView {
    pub how: String,
    pub by: String,
    pub on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RiskView {
    pub kind: wire::ProjectRisk,
    pub description: String,
    /// `true` until it has a resolution.
    pub open: bool,
    pub resolution: Option<RiskResolutionView>,
}

/// A project's diagnostic, and whether it lets the convention go to signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticView {
    pub weight: Option<wire::ProjectWeight>,
    pub tasks: Vec<TaskView>,
    /// In cents.
    pub estimated_cost_cents: Option<i64>,
    pub risks: Vec<RiskView>,
    pub notes: Option<String>,
    /// Whether the convention may go to signature as far as the diagnostic goes: weighed, tasks
    /// listed, and — heavy — no risk open.
    pub ready_for_signature: bool,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> Self {
        Self {
            weight: d.weight.map(Into::into),
            tasks: d
                .tasks
                .iter()
                .map(|t| TaskView {
                    text: t.text.as_str().to_owned(),
                    by: t.by.as_ref().map(|b| b.as_str().to_owned()),
                })
                .collect(),
            estimated_cost_cents: d.estimated_cost_cents,
            risks: d
                .risks
                .iter()
                .map(|r| RiskView {
                    kind: r.kind.into(),
                    description: r.description.as_str().to_owned(),
                    open: r.is_open(),
                    resolution: r.resolution.as_ref().map(|s| RiskResolutionView {
                        how: s.how.as_str().to_owned(),
                        by: s.by.as_str().to_owned(),
                        on: s.on,
                    }),
                })
                .collect(),
            notes: d.notes.as_ref().map(|n| n.as_str().to_owned()),
            ready_for_signature: may_go_to_signature(d).is_ok(),
        }
    }
}

/// How a project ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndingView {
    pub outcome: wire::ProjectOutcome,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    /// What was learnt (an abandoned project).
    pub learnt: Option<String>,
}

impl From<&Ending> for EndingView {
    fn from(e: &Ending) -> Self {
        Self {
            outcome: e.outcome.into(),
            at: e.at,
            reason: e.reason.as_ref().map(|r| r.as_str().to_owned()),
            learnt: e.learnt.as_ref().map(|l| l.as_str().to_owned()),
        }
    }
}

/// A project as staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "staff", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f01", "version": 2,
    "title": "Abris de touche du stade Mirabeau", "description": null,
    "process": null,
    "carriers": [{ "kind": "association", "name": "Club de football de la Rivelaine", "interest": "Des abris pour les joueurs" }],
    "routing": { "delegation": "enfance-jeunesse-et-sport", "services": ["services-techniques"] },
    "status": "diagnosing", "allowed_transitions": ["drafting", "abandoned", "taken_over_by_services"], "public": false,
    "diagnostic": { "weight": "heavy", "tasks": [{ "text": "Couler une dalle de béton", "by": "Le club" }],
        "estimated_cost_cents": 1800000,
        "risks": [{ "kind": "heritage", "description": "La place Mirabeau est classée au patrimoine mondial de l'UNESCO.",
            "open": true, "resolution": null }],
        "notes": null, "ready_for_signature": false },
    "ending": null, "convention": null,
    "requests": [{ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "registration_number": "2026-00042",
        "title": "Des abris pour les joueurs", "status": "in_fifty_fifty", "resolution": null }],
    "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-21T09:00:00Z"
}))]
pub struct ProjectView {
    pub view: StaffAudience,
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub title: String,
    pub description: Option<String>,
    /// The coproduction process it came from.
    pub process: Option<Uuid>,
    pub carriers: Vec<CarrierView>,
    pub routing: RoutingView,
    pub status: wire::ProjectStatus,
    /// Where a transition may take it from here (`signing` and `running` follow its convention).
    pub allowed_transitions: Vec<wire::ProjectStatus>,
    /// Whether the public sees it (from signature on, and once ended).
    pub public: bool,
    pub diagnostic: DiagnosticView,
    pub ending: Option<EndingView>,
    /// Its convention, once drafted (`GET …/conventions/{id}`).
    pub convention: Option<Uuid>,
    /// Every request it started from, oldest first.
    pub requests: Vec<LinkedRequestView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProjectView {
    pub fn new(p: &Project, routing: RoutingCodes, requests: &[Request]) -> Self {
        Self {
            view: StaffAudience::Staff,
            id: p.id.as_uuid(),
            version: p.version,
            title: p.title.as_str().to_owned(),
            description: p.description.as_ref().map(|d| d.as_str().to_owned()),
            process: p.process.map(|id| id.as_uuid()),
            carriers: p.carriers.iter().map(CarrierView::from).collect(),
            routing: RoutingView { delegation: routing.delegation, services: routing.services },
            status: p.status.into(),
            allowed_transitions: allowed_targets(p.status).iter().map(|s| (*s).into()).collect(),
            public: p.is_public(),
            diagnostic: DiagnosticView::from(&p.diagnostic),
            ending: p.ending.as_ref().map(EndingView::from),
            convention: None,
            requests: requests.iter().map(LinkedRequestView::from).collect(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A project as the public sees it, from signature on and once ended: its carriers (organisations
/// by name, people never), weight, progress and outcome, and its published requests.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "public", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f01",
    "title": "Abris de touche du stade Mirabeau", "description": null,
    "carriers": [{ "kind": "association", "name": "Club de football de la Rivelaine" }],
    "status": "taken_over_by_services", "weight": "heavy",
    "ending": { "outcome": "taken_over_by_services", "at": "2026-11-30T10:00:00Z",
        "reason": "Construire en dur sur un site classé demandait l'avis de l'architecte des bâtiments de France.", "learnt": null },
    "convention": null, "requests": [], "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-30T10:00:00Z"
}))]
pub struct PublicProjectView {
    pub view: PublicAudience,
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub carriers: Vec<PublicCarrierView>,
    pub status: wire::ProjectStatus,
    pub weight: Option<wire::ProjectWeight>,
    pub ending: Option<EndingView>,
    /// Its convention, once signed by every party (`GET …/conventions/{id}`).
    pub convention: Option<Uuid>,
    /// The published requests it started from.
    pub requests: Vec<LinkedRequestView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PublicProjectView {
    /// `requests` are filtered here: only published ones show.
    pub fn new(p: &Project, requests: &[Request]) -> Self {
        Self {
            view: PublicAudience::Public,
            id: p.id.as_uuid(),
            title: p.title.as_str().to_owned(),
            description: p.description.as_ref().map(|d| d.as_str().to_owned()),
            carriers: p
                .carriers
                .iter()
                .map(|c| PublicCarrierView {
                    kind: c.kind.into(),
                    name: c.is_named_publicly().then(|| c.name.as_str().to_owned()),
                })
                .collect(),
            status: p.status.into(),
            weight: p.diagnostic.weight.map(Into::into),
            ending: p.ending.as_ref().map(EndingView::from),
            convention: None,
            requests: requests.iter().filter(|r| r.published_at.is_some()).map(LinkedRequestView::from).collect(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One project, in the view the caller is entitled to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ProjectDocument {
    Staff(ProjectView),
    Public(PublicProjectView),
}

/// An item of a list: a summary, the same for everyone (staff lists also show the projects being
/// diagnosed and drafted).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f01", "title": "Rénovation des chemins ruraux 2018",
    "status": "completed", "weight": "heavy", "public": true, "outcome": "completed",
    "created_at": "2018-04-10T10:00:00Z"
}))]
pub struct ProjectSummary {
    pub id: Uuid,
    pub title: String,
    pub status: wire::ProjectStatus,
    pub weight: Option<wire::ProjectWeight>,
    pub public: bool,
    pub outcome: Option<wire::ProjectOutcome>,
    pub created_at: DateTime<Utc>,
}

impl From<&Project> for ProjectSummary {
    fn from(p: &Project) -> Self {
        Self {
            id: p.id.as_uuid(),
            title: p.title.as_str().to_owned(),
            status: p.status.into(),
            weight: p.diagnostic.weight.map(Into::into),
            public: p.is_public(),
            outcome: p.ending.as_ref().map(|e| e.outcome.into()),
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectPage {
    pub items: Vec<ProjectSummary>,
    pub next_cursor: Option<String>,
}

/// An entry of a project's history (staff only).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f02", "kind": "transitioned", "at": "2026-11-30T10:00:00Z",
    "actor": { "kind": "account", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9f" },
    "from": "diagnosing", "to": "taken_over_by_services",
    "reason": "Site classé : la commune réalise les abris elle-même.", "resolution": "taken_over_by_services", "request": null
}))]
pub struct ProjectEventView {
    pub id: Uuid,
    pub kind: wire::ProjectEventKind,
    pub at: DateTime<Utc>,
    pub actor: ActorView,
    pub from: Option<wire::ProjectStatus>,
    pub to: Option<wire::ProjectStatus>,
    pub reason: Option<String>,
    /// How the requests still in the project closed with it.
    pub resolution: Option<wire::Resolution>,
    /// The request a `request_linked` entry links.
    pub request: Option<Uuid>,
}

impl From<&ProjectEvent> for ProjectEventView {
    fn from(e: &ProjectEvent) -> Self {
        Self {
            id: e.id.as_uuid(),
            kind: e.kind.into(),
            at: e.at,
            actor: e.actor.into(),
            from: e.from.map(Into::into),
            to: e.to.map(Into::into),
            reason: e.reason.clone(),
            resolution: e.resolution.map(Into::into),
            request: e.related_request.map(|r| r.as_uuid()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectEventPage {
    pub items: Vec<ProjectEventView>,
    pub next_cursor: Option<String>,
}
