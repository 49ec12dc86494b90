//! Which history entries make which events, for whom, with what in them.

use super::{Audience, Event, EventId, EventType, ResourceKind};
use crate::conventions::{Project, ProjectEvent};
use crate::ids::CommitmentId;
use crate::participation::{Process, ProcessEvent};
use crate::requests::{Request, RequestEvent};
use crate::vocabulary::{ProcessEventKind, ProjectEventKind, ProjectStatus, RequestEventKind};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The event an entry of `request`'s history makes, if any (`request` as the change leaves it).
/// The public is told of what its public history shows once the request is published; the
/// association a partner submitted it for, of what its requester view shows; qualification is
/// the town's business.
pub fn of_request(request: &Request, entry: &RequestEvent) -> Option<Event> {
    let kind = match entry.kind {
        RequestEventKind::Created => EventType::RequestCreated,
        RequestEventKind::Transitioned | RequestEventKind::Reopened | RequestEventKind::Merged => {
            EventType::RequestStatusChanged
        }
        RequestEventKind::Answered => EventType::RequestAnswered,
        RequestEventKind::Published => EventType::RequestPublished,
        RequestEventKind::Qualification => EventType::QualificationUpdated,
        RequestEventKind::HandedOver => EventType::RequestHandedOver,
        RequestEventKind::Edited
        | RequestEventKind::Unpublished
        | RequestEventKind::MergedIn
        | RequestEventKind::ReceivedFrom => return None,
    };
    let published = request.published_at.is_some();
    let audience = match kind {
        EventType::QualificationUpdated => Audience::default(),
        EventType::RequestPublished => Audience { public: true, association: request.association.clone() },
        _ => Audience { public: published && entry.kind.is_public(), association: request.association.clone() },
    };
    let mut data = Map::new();
    data.insert(
        "request".to_owned(),
        json!({ "id": request.id, "status": request.status.code(), "published": published }),
    );
    insert(&mut data, "from", entry.from.map(|s| s.code()));
    insert(&mut data, "to", entry.to.map(|s| s.code()));
    insert(&mut data, "merged_into", entry.related.filter(|_| entry.kind == RequestEventKind::Merged));
    if let Some(link) = request.link.as_ref().filter(|_| entry.kind == RequestEventKind::HandedOver) {
        // The other body's request is its own business (and private there): its body, not its id.
        data.insert("handed_over_to".to_owned(), json!({ "municipality": link.slug.as_str() }));
    }
    insert(&mut data, "answer", entry.answer);
    Some(event(request.municipality, kind, ResourceKind::Request, request.id.as_uuid(), audience, data, entry.at))
}

/// The event an entry of `process`'s history makes, if any (`process` as the change leaves it).
/// The public is told once the process is (once opened); before, only the town.
pub fn of_process(process: &Process, entry: &ProcessEvent) -> Option<Event> {
    let kind = process_event_type(entry.kind)?;
    let mut data = Map::new();
    data.insert(
        "process".to_owned(),
        json!({ "id": process.id, "status": process.status.code(), "level": process.level.code() }),
    );
    insert(&mut data, "from", entry.from.map(|s| s.code()));
    insert(&mut data, "to", entry.to.map(|s| s.code()));
    insert(&mut data, "from_level", entry.from_level.map(|l| l.code()));
    insert(&mut data, "to_level", entry.to_level.map(|l| l.code()));
    insert(&mut data, "meeting", entry.meeting);
    insert(&mut data, "survey", entry.survey);
    if entry.kind == ProcessEventKind::DecisionAmended {
        data.insert("amended".to_owned(), Value::Bool(true));
    }
    let audience = Audience { public: process.is_public(), association: None };
    Some(event(process.municipality, kind, ResourceKind::Process, process.id.as_uuid(), audience, data, entry.at))
}

fn process_event_type(kind: ProcessEventKind) -> Option<EventType> {
    Some(match kind {
        ProcessEventKind::Transitioned => EventType::ProcessStatusChanged,
        ProcessEventKind::LevelChanged => EventType::ProcessLevelChanged,
        ProcessEventKind::Decided | ProcessEventKind::DecisionAmended => EventType::ProcessDecided,
        ProcessEventKind::MinutesPublished => EventType::MeetingMinutesPublished,
        ProcessEventKind::SurveyClosed => EventType::SurveyClosed,
        _ => return None,
    })
}

/// Whether an entry of this kind makes an event (so that a writer holding only the entry knows
/// whether to read its process).
pub fn makes_process_event(kind: ProcessEventKind) -> bool {
    process_event_type(kind).is_some()
}

/// The event an entry of `project`'s history makes, if any (`project` as the change leaves it).
/// The public is told once the project is public (its convention went to signature).
pub fn of_project(project: &Project, entry: &ProjectEvent) -> Option<Event> {
    let kind = match entry.kind {
        ProjectEventKind::Transitioned if entry.to == Some(ProjectStatus::Completed) => EventType::ProjectCompleted,
        ProjectEventKind::Transitioned => EventType::ProjectStatusChanged,
        ProjectEventKind::OpenedForSignature => EventType::ConventionOpenedForSignature,
        ProjectEventKind::ConventionSigned => EventType::ConventionSigned,
        _ => return None,
    };
    let mut data = project_data(project);
    insert(&mut data, "from", entry.from.map(|s| s.code()));
    insert(&mut data, "to", entry.to.map(|s| s.code()));
    let audience = Audience { public: project.is_public(), association: None };
    Some(event(project.municipality, kind, ResourceKind::Project, project.id.as_uuid(), audience, data, entry.at))
}

/// The event of an upkeep commitment of `project`'s convention recorded as eroded.
pub fn commitment_eroded(project: &Project, commitment: CommitmentId, at: DateTime<Utc>) -> Event {
    let mut data = project_data(project);
    data.insert("commitment".to_owned(), json!(commitment));
    let audience = Audience { public: project.is_public(), association: None };
    event(
        project.municipality,
        EventType::CommitmentEroded,
        ResourceKind::Project,
        project.id.as_uuid(),
        audience,
        data,
        at,
    )
}

fn project_data(project: &Project) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("project".to_owned(), json!({ "id": project.id, "status": project.status.code() }));
    data
}

fn insert<T: serde::Serialize>(data: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        data.insert(key.to_owned(), json!(value));
    }
}

fn event(
    municipality: crate::ids::MunicipalityId,
    kind: EventType,
    resource: ResourceKind,
    resource_id: uuid::Uuid,
    audience: Audience,
    data: Map<String, Value>,
    at: DateTime<Utc>,
) -> Event {
    Event {
        id: EventId::new(),
        municipality,
        kind,
        resource,
        resource_id,
        audience,
        data: Value::Object(data),
        occurred_at: at,
    }
}
