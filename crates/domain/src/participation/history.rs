//! A process's history: entries only ever added, each naming its actor.

use crate::common::actor::Actor;
use crate::ids::{MeetingId, NoticeId, ProcessEventId, ProcessId, RequestId, SurveyId};
use crate::vocabulary::{ParticipationLevel, ProcessEventKind, ProcessStatus, Resolution};
use chrono::{DateTime, Utc};

/// An entry of a process's history.
#[derive(Debug, Clone)]
pub struct ProcessEvent {
    pub id: ProcessEventId,
    pub process: ProcessId,
    pub kind: ProcessEventKind,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub from: Option<ProcessStatus>,
    pub to: Option<ProcessStatus>,
    pub from_level: Option<ParticipationLevel>,
    pub to_level: Option<ParticipationLevel>,
    pub reason: Option<String>,
    pub resolution: Option<Resolution>,
    /// The request linked.
    pub related_request: Option<RequestId>,
    /// The meeting scheduled, moved or given its minutes.
    pub meeting: Option<MeetingId>,
    /// The notice published.
    pub notice: Option<NoticeId>,
    /// The survey created, or whose paper ballots were entered.
    pub survey: Option<SurveyId>,
    /// The decision recorded (or as amended): an amendment keeps the earlier one in history.
    pub decision: Option<super::Decision>,
}

impl ProcessEvent {
    /// A new entry of `kind`, to be completed with struct update syntax.
    pub fn new(process: ProcessId, kind: ProcessEventKind, actor: Actor, at: DateTime<Utc>) -> Self {
        Self {
            id: ProcessEventId::new(),
            process,
            kind,
            actor,
            at,
            from: None,
            to: None,
            from_level: None,
            to_level: None,
            reason: None,
            resolution: None,
            related_request: None,
            meeting: None,
            notice: None,
            survey: None,
            decision: None,
        }
    }
}

/// The first entry of a process: created at its level.
pub fn created(process: &super::Process, actor: Actor) -> ProcessEvent {
    ProcessEvent {
        to: Some(process.status),
        to_level: Some(process.level),
        ..ProcessEvent::new(process.id, ProcessEventKind::Created, actor, process.created_at)
    }
}
