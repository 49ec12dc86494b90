//! A project's history: entries only ever added, each naming its actor.

use crate::common::actor::Actor;
use crate::ids::{ProjectEventId, ProjectId, RequestId};
use crate::vocabulary::{ProjectEventKind, ProjectStatus, Resolution};
use chrono::{DateTime, Utc};

/// An entry of a project's history.
#[derive(Debug, Clone)]
pub struct ProjectEvent {
    pub id: ProjectEventId,
    pub project: ProjectId,
    pub kind: ProjectEventKind,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub from: Option<ProjectStatus>,
    pub to: Option<ProjectStatus>,
    pub reason: Option<String>,
    /// How the requests still in the project closed with it.
    pub resolution: Option<Resolution>,
    /// The request linked.
    pub related_request: Option<RequestId>,
}

impl ProjectEvent {
    /// A new entry of `kind`, to be completed with struct update syntax.
    pub fn new(project: ProjectId, kind: ProjectEventKind, actor: Actor, at: DateTime<Utc>) -> Self {
        Self {
            id: ProjectEventId::new(),
            project,
            kind,
            actor,
            at,
            from: None,
            to: None,
            reason: None,
            resolution: None,
            related_request: None,
        }
    }
}

/// The first entry of a project: started, being diagnosed.
pub fn created(project: &super::Project, actor: Actor) -> ProjectEvent {
    ProjectEvent {
        to: Some(project.status),
        ..ProjectEvent::new(project.id, ProjectEventKind::Created, actor, project.created_at)
    }
}

/// A request starting the project.
pub fn linked(project: &super::Project, request: RequestId, actor: Actor, at: DateTime<Utc>) -> ProjectEvent {
    ProjectEvent {
        related_request: Some(request),
        ..ProjectEvent::new(project.id, ProjectEventKind::RequestLinked, actor, at)
    }
}

/// The diagnostic recorded (again).
pub fn diagnosed(project: &super::Project, actor: Actor, at: DateTime<Utc>) -> ProjectEvent {
    ProjectEvent::new(project.id, ProjectEventKind::Diagnosed, actor, at)
}
