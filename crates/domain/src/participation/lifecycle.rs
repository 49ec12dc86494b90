//! The lifecycle of a process:
//!
//! ```text
//! preparing ──► open ──► deciding ──► decided ──► closed
//! preparing / open / deciding / decided ──► abandoned (with a reason)
//! ```
//!
//! `decided` is reached only by recording the decision ([`super::decision`]); closing hands the
//! decision's resolution to the requests still in the process, abandoning closes them
//! `abandoned` with its reason. Its level changes at any time before the end, each with a reason.
//! A request joins a process only once qualified, and the process takes requests only until
//! its decision.

use super::{Code, Process, ProcessEvent};
use crate::common::actor::Actor;
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::RequestId;
use crate::requests::Reason;
use crate::vocabulary::{ParticipationLevel, ProcessEventKind, ProcessStatus, RequestStatus, Resolution};
use chrono::{DateTime, Utc};

use ProcessStatus::*;

/// Where each status may go next by a transition (in the order clients should offer them).
/// `decided` is not among them: recording the decision moves a process there.
pub fn allowed_targets(from: ProcessStatus) -> &'static [ProcessStatus] {
    match from {
        Preparing => &[Open, Abandoned],
        Open => &[Deciding, Abandoned],
        Deciding => &[Abandoned],
        Decided => &[Closed, Abandoned],
        Closed | Abandoned => &[],
    }
}

/// Whether a process in this status is over (no level change, no new request, no decision).
pub fn is_finished(status: ProcessStatus) -> bool {
    matches!(status, Closed | Abandoned)
}

/// The rules that refuse a change a process's lifecycle would otherwise allow: the `rule` of a
/// 409, which clients can switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `decided` is reached by recording the decision, not by a transition.
    DecisionRequired,
    /// A decision is recorded while the process is `deciding` (or amended once `decided`).
    NotDeciding,
    /// A closed or abandoned process keeps its level, its requests and its decision.
    ProcessFinished,
    /// A process takes requests until its decision.
    ProcessDecided,
    /// Only a qualified request joins a process.
    RequestNotQualified,
    /// A meeting's minutes come once it has ended.
    MeetingNotHeld,
    /// A request the change carries along changed meanwhile: nothing was written (try again).
    RequestChanged,
    /// A ballot is cast while the survey is open.
    SurveyNotOpen,
    /// No more codes once a survey has closed.
    SurveyClosed,
    /// One ballot per respondent.
    AlreadyAnswered,
    /// A promise kept or withdrawn is settled: it changes no more.
    PromiseSettled,
    /// Minutes are delivered, and reacted to, once published.
    MinutesNotPublished,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::DecisionRequired,
        Rule::NotDeciding,
        Rule::ProcessFinished,
        Rule::ProcessDecided,
        Rule::RequestNotQualified,
        Rule::MeetingNotHeld,
        Rule::RequestChanged,
        Rule::SurveyNotOpen,
        Rule::SurveyClosed,
        Rule::AlreadyAnswered,
        Rule::PromiseSettled,
        Rule::MinutesNotPublished,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::DecisionRequired => "decision_required",
            Rule::NotDeciding => "not_deciding",
            Rule::ProcessFinished => "process_finished",
            Rule::ProcessDecided => "process_decided",
            Rule::RequestNotQualified => "request_not_qualified",
            Rule::MeetingNotHeld => "meeting_not_held",
            Rule::RequestChanged => "request_changed",
            Rule::SurveyNotOpen => "survey_not_open",
            Rule::SurveyClosed => "survey_closed",
            Rule::AlreadyAnswered => "already_answered",
            Rule::PromiseSettled => "promise_settled",
            Rule::MinutesNotPublished => "minutes_not_published",
        }
    }
}

/// Why a change of a process was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The lifecycle has no such arrow from here (409, listing the allowed targets).
    NotAllowed { from: ProcessStatus, to: ProcessStatus, allowed: Vec<ProcessStatus> },
    /// A rule refuses it (409, naming the rule; `allowed` lists where the process may go).
    Guard { rule: Rule, message: Message, allowed: Vec<ProcessStatus> },
    /// The ask itself is incomplete or inconsistent (422, naming the fields).
    Invalid(ValidationErrors),
}

fn guard(rule: Rule, from: ProcessStatus, message: Message) -> Refusal {
    Refusal::Guard { rule, message, allowed: allowed_targets(from).to_vec() }
}

/// What a caller asks of a process's lifecycle.
#[derive(Debug, Clone, Default)]
pub struct TransitionAsk {
    pub to: Option<ProcessStatus>,
    pub reason: Option<String>,
}

/// An allowed change of status, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: ProcessStatus,
    pub to: ProcessStatus,
    pub reason: Option<Reason>,
    /// How the requests still in the process close with it (closing, abandoning).
    pub closes_requests: Option<Resolution>,
}

/// Checks a transition of `process` as `ask` says.
pub fn transition(process: &Process, ask: &TransitionAsk) -> Result<Transition, Refusal> {
    let from = process.status;
    let Some(to) = ask.to else {
        return Err(Refusal::Invalid(ValidationErrors(vec![FieldError::new(
            "to",
            crate::error::Code::Required,
            Message::new("name the status to move to", "nommez le statut visé"),
        )])));
    };
    if to == Decided && from == Deciding {
        return Err(guard(
            Rule::DecisionRequired,
            from,
            Message::new(
                "a process is decided by recording its decision (PUT …/decision)",
                "une démarche est décidée en enregistrant sa décision (PUT …/decision)",
            ),
        ));
    }
    let allowed = allowed_targets(from);
    if !allowed.contains(&to) {
        return Err(Refusal::NotAllowed { from, to, allowed: allowed.to_vec() });
    }
    let reason = match ask.reason.as_deref() {
        Some(text) => Some(Reason::parse("reason", text).map_err(|e| Refusal::Invalid(ValidationErrors(vec![e])))?),
        None if to == Abandoned => {
            return Err(Refusal::Invalid(ValidationErrors(vec![FieldError::new(
                "reason",
                crate::error::Code::Required,
                Message::new(
                    "abandoning a process needs a reason its participants can read",
                    "abandonner une démarche demande une raison que ses participants pourront lire",
                ),
            )])));
        }
        None => None,
    };
    let closes_requests = match to {
        Closed => process.decision.as_ref().map(|d| d.resolution),
        Abandoned => Some(Resolution::Abandoned),
        _ => None,
    };
    Ok(Transition { from, to, reason, closes_requests })
}

impl Transition {
    /// `process` as the change leaves it: opening makes it public.
    pub fn apply(&self, process: &Process, now: DateTime<Utc>) -> Process {
        Process {
            status: self.to,
            opened_at: process.opened_at.or((self.to == Open).then_some(now)),
            updated_at: now,
            ..process.clone()
        }
    }

    pub fn event(&self, process: &Process, actor: Actor, at: DateTime<Utc>) -> ProcessEvent {
        ProcessEvent {
            from: Some(self.from),
            to: Some(self.to),
            reason: self.reason.as_ref().map(|r| r.as_str().to_owned()),
            resolution: self.closes_requests,
            ..ProcessEvent::new(process.id, ProcessEventKind::Transitioned, actor, at)
        }
    }

    /// The reason the requests closed with the process read in their history (public: a process
    /// never opened is not named, nor why it was abandoned).
    pub fn request_reason(&self, process: &Process) -> Option<String> {
        let subject = process.subject.as_str();
        if !process.is_public() {
            return Some("La démarche participative à laquelle elle était rattachée a été abandonnée.".to_owned());
        }
        match (self.to, &self.reason) {
            (Abandoned, Some(reason)) => {
                Some(format!("Démarche « {subject} » abandonnée : {}", excerpt(reason.as_str())))
            }
            (Closed, _) => Some(match &process.decision {
                Some(decision) => {
                    format!("Démarche « {subject} » close. Décision : {}", excerpt(decision.outcome.as_str()))
                }
                None => format!("Démarche « {subject} » close."),
            }),
            _ => None,
        }
    }
}

/// The reason a request joining `process` reads in its history: the process is named once it
/// is public (its requesters then follow it by tracking code), never before.
pub fn joined_reason(process: &Process) -> String {
    if process.is_public() {
        format!("Rattachée à la démarche participative « {} ».", process.subject.as_str())
    } else {
        "Rattachée à une démarche participative en préparation.".to_owned()
    }
}

/// The start of a long text, short enough for a request's reason (2,000 characters).
fn excerpt(text: &str) -> String {
    const MAX: usize = 1_500;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// A change of participation level, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelChange {
    pub from: ParticipationLevel,
    pub to: ParticipationLevel,
    pub reason: Reason,
}

/// Checks moving `process` to `level` for `reason` ("the consultation turned into coproduction").
pub fn change_level(
    process: &Process,
    level: Option<ParticipationLevel>,
    reason: Option<&str>,
) -> Result<LevelChange, Refusal> {
    if is_finished(process.status) {
        return Err(finished(process.status));
    }
    let mut errors = ValidationErrors::default();
    let to = match level {
        None => {
            errors.push(FieldError::new(
                "level",
                crate::error::Code::Required,
                Message::new("name the new level", "nommez le nouveau niveau"),
            ));
            None
        }
        Some(level) if level == process.level => {
            errors.push(FieldError::new(
                "level",
                Code::SameLevel,
                Message::new(
                    format!("the process is already at the {level} level"),
                    format!("la démarche est déjà au niveau {level}"),
                ),
            ));
            None
        }
        Some(level) => Some(level),
    };
    let reason = match reason {
        Some(text) => errors.collect(Reason::parse("reason", text)),
        None => {
            errors.push(FieldError::new(
                "reason",
                crate::error::Code::Required,
                Message::new(
                    "say why the level changes (the consultation turned into coproduction…)",
                    "dites pourquoi le niveau change (la concertation est devenue coproduction…)",
                ),
            ));
            None
        }
    };
    errors.into_result().map_err(Refusal::Invalid)?;
    match (to, reason) {
        (Some(to), Some(reason)) => Ok(LevelChange { from: process.level, to, reason }),
        _ => Err(Refusal::Invalid(ValidationErrors::default())),
    }
}

impl LevelChange {
    pub fn apply(&self, process: &Process, now: DateTime<Utc>) -> Process {
        Process { level: self.to, updated_at: now, ..process.clone() }
    }

    pub fn event(&self, process: &Process, actor: Actor, at: DateTime<Utc>) -> ProcessEvent {
        ProcessEvent {
            from_level: Some(self.from),
            to_level: Some(self.to),
            reason: Some(self.reason.as_str().to_owned()),
            ..ProcessEvent::new(process.id, ProcessEventKind::LevelChanged, actor, at)
        }
    }
}

fn finished(status: ProcessStatus) -> Refusal {
    guard(
        Rule::ProcessFinished,
        status,
        Message::new(
            format!("the process is {status}: it changes no more"),
            format!("la démarche est {status} : elle ne change plus"),
        ),
    )
}

/// Whether `process` may have one more meeting (or notice): until it ends.
pub fn may_take_activities(process: &Process) -> Result<(), Refusal> {
    if is_finished(process.status) { Err(finished(process.status)) } else { Ok(()) }
}

/// Whether `process` may take one more request: until its decision.
pub fn may_take_requests(process: &Process) -> Result<(), Refusal> {
    match process.status {
        Preparing | Open | Deciding => Ok(()),
        Decided => Err(guard(
            Rule::ProcessDecided,
            Decided,
            Message::new(
                "the process is decided: it takes no more requests",
                "la démarche est décidée : elle ne prend plus de demandes",
            ),
        )),
        Closed | Abandoned => Err(finished(process.status)),
    }
}

/// Whether request `id`, now in `status`, may join a process: only once qualified (the
/// refusal names the request and its status).
pub fn may_join(id: RequestId, status: RequestStatus, process: &Process) -> Result<(), Refusal> {
    if status == RequestStatus::Qualified {
        return Ok(());
    }
    Err(guard(
        Rule::RequestNotQualified,
        process.status,
        Message::new(
            format!("request {id} is {status}: only a qualified request joins a process"),
            format!("la demande {id} est {status} : seule une demande qualifiée rejoint une démarche"),
        ),
    ))
}

/// The entry of a request joining `process`.
pub fn linked_event(process: &Process, request: RequestId, actor: Actor, at: DateTime<Utc>) -> ProcessEvent {
    ProcessEvent {
        related_request: Some(request),
        ..ProcessEvent::new(process.id, ProcessEventKind::RequestLinked, actor, at)
    }
}
