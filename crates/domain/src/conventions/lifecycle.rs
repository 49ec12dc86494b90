//! The lifecycle of a fifty-fifty project:
//!
//! ```text
//! diagnosing ◄──► drafting ──► signing ──► running ──► completed
//! diagnosing / drafting / signing / running ──► abandoned | taken_over_by_services
//! ```
//!
//! `drafting` needs a diagnostic (its weight and tasks). `signing` and `running` are reached
//! through the convention — opening it for signature, its last signature — never by a
//! transition. Ending a project closes the requests still in it with the matching resolution
//! (`done`, `abandoned`, `taken_over_by_services`), in the same transaction; abandoning says what
//! was learnt, taking over says why.

use super::project::{Ending, Learnt, Project};
use super::{ProjectEvent, missing};
use crate::common::actor::Actor;
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::RequestId;
use crate::requests::Reason;
use crate::vocabulary::{ProjectEventKind, ProjectOutcome, ProjectStatus, RequestStatus, Resolution};
use chrono::{DateTime, Utc};

use ProjectStatus::*;

/// Where each status may go next by a transition (in the order clients should offer them).
pub fn allowed_targets(from: ProjectStatus) -> &'static [ProjectStatus] {
    match from {
        Diagnosing => &[Drafting, Abandoned, TakenOverByServices],
        Drafting => &[Diagnosing, Abandoned, TakenOverByServices],
        Signing => &[Abandoned, TakenOverByServices],
        Running => &[Completed, Abandoned, TakenOverByServices],
        Completed | Abandoned | TakenOverByServices => &[],
    }
}

/// Whether a project in this status is over.
pub fn is_finished(status: ProjectStatus) -> bool {
    matches!(status, Completed | Abandoned | TakenOverByServices)
}

/// The rules that refuse a change the lifecycle would otherwise allow: the `rule` of a 409.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The convention is drafted once the project is weighed and its tasks listed.
    DiagnosticIncomplete,
    /// A heavy project goes to signature only once every risk is resolved.
    OpenRisks,
    /// `signing` and `running` follow the convention (opened for signature, signed by all).
    ConventionMovesIt,
    /// A completed, abandoned or taken-over project changes no more.
    ProjectFinished,
    /// A project starts from a process at the coproduction level.
    NotCoproduction,
    /// A project starts from qualified requests (or ones already in a fifty-fifty, in no project).
    RequestNotAvailable,
    /// A project has one convention, drafted while the project is `drafting`.
    ConventionExists,
    /// A convention is drafted, opened and amended while its project is drafted or running.
    ProjectNotDrafting,
    /// Only a draft opens for signature.
    NotADraft,
    /// The text lacks what a convention needs before signature.
    ConventionIncomplete,
    /// Heavy work needs every volunteer's cover, parties or not, attested.
    VolunteersNotCovered,
    /// Heavy work by an association needs its statutes to allow it, attested.
    StatutesNotAttested,
    /// A completed, lapsed or terminated convention changes no more.
    ConventionEnded,
    /// Signatures are collected while the convention is open for signature.
    NotOpenForSignature,
    /// A signature names the hash of the version open for signature.
    StaleHash,
    /// One signature per party per version.
    AlreadySigned,
    /// A party attests its insurance (equipment, bodily injury, civil liability) before it signs.
    InsuranceNotAttested,
    /// A convention is followed and ended once signed by every party.
    NotSigned,
    /// A convention is renewed once completed.
    NotCompleted,
    /// A year is renewed once: the series goes on from its latest.
    AlreadyRenewed,
    /// A convention with an amendment being drafted or signed ends once the amendment is signed.
    AmendmentPending,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::DiagnosticIncomplete,
        Rule::OpenRisks,
        Rule::ConventionMovesIt,
        Rule::ProjectFinished,
        Rule::NotCoproduction,
        Rule::RequestNotAvailable,
        Rule::ConventionExists,
        Rule::ProjectNotDrafting,
        Rule::NotADraft,
        Rule::ConventionIncomplete,
        Rule::VolunteersNotCovered,
        Rule::StatutesNotAttested,
        Rule::ConventionEnded,
        Rule::NotOpenForSignature,
        Rule::StaleHash,
        Rule::AlreadySigned,
        Rule::InsuranceNotAttested,
        Rule::NotSigned,
        Rule::NotCompleted,
        Rule::AlreadyRenewed,
        Rule::AmendmentPending,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::DiagnosticIncomplete => "diagnostic_incomplete",
            Rule::OpenRisks => "open_risks",
            Rule::ConventionMovesIt => "convention_moves_it",
            Rule::ProjectFinished => "project_finished",
            Rule::NotCoproduction => "not_coproduction",
            Rule::RequestNotAvailable => "request_not_available",
            Rule::ConventionExists => "convention_exists",
            Rule::ProjectNotDrafting => "project_not_drafting",
            Rule::NotADraft => "not_a_draft",
            Rule::ConventionIncomplete => "convention_incomplete",
            Rule::VolunteersNotCovered => "volunteers_not_covered",
            Rule::StatutesNotAttested => "statutes_not_attested",
            Rule::ConventionEnded => "convention_ended",
            Rule::NotOpenForSignature => "not_open_for_signature",
            Rule::StaleHash => "stale_hash",
            Rule::AlreadySigned => "already_signed",
            Rule::InsuranceNotAttested => "insurance_not_attested",
            Rule::NotSigned => "not_signed",
            Rule::NotCompleted => "not_completed",
            Rule::AlreadyRenewed => "already_renewed",
            Rule::AmendmentPending => "amendment_pending",
        }
    }
}

/// Why a change of a project was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The lifecycle has no such arrow from here (409, listing the allowed targets).
    NotAllowed { from: ProjectStatus, to: ProjectStatus, allowed: Vec<ProjectStatus> },
    /// A rule refuses it (409, naming the rule and what is lacking: fields, open risks).
    Guard { rule: Rule, message: Message, lacking: Vec<FieldError> },
    /// The ask itself is incomplete or inconsistent (422, naming the fields).
    Invalid(ValidationErrors),
}

impl Refusal {
    pub fn guard(rule: Rule, message: Message, lacking: Vec<FieldError>) -> Self {
        Refusal::Guard { rule, message, lacking }
    }
}

/// What a caller asks of a project's lifecycle.
#[derive(Debug, Clone, Default)]
pub struct TransitionAsk {
    pub to: Option<ProjectStatus>,
    /// Why (required to abandon it or hand it to the services).
    pub reason: Option<String>,
    /// What was learnt (required to abandon it).
    pub learnt: Option<String>,
}

/// An allowed change of status, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: ProjectStatus,
    pub to: ProjectStatus,
    pub reason: Option<Reason>,
    pub learnt: Option<Learnt>,
    /// How the requests still in the project close with it.
    pub closes_requests: Option<Resolution>,
}

/// A project that changes no more.
pub fn finished(status: ProjectStatus) -> Refusal {
    Refusal::guard(
        Rule::ProjectFinished,
        Message::new(
            format!("the project is {status}: it changes no more"),
            format!("le projet est {status} : il ne change plus"),
        ),
        Vec::new(),
    )
}

/// Checks a transition of `project` as `ask` says.
pub fn transition(project: &Project, ask: &TransitionAsk) -> Result<Transition, Refusal> {
    let from = project.status;
    let Some(to) = ask.to else {
        return Err(Refusal::Invalid(ValidationErrors(vec![missing(
            "to",
            "name the status to move to",
            "nommez le statut visé",
        )])));
    };
    if is_finished(from) {
        return Err(finished(from));
    }
    if matches!(to, Signing | Running) {
        return Err(Refusal::guard(
            Rule::ConventionMovesIt,
            Message::new(
                "a project goes to signature when its convention is opened for signature, and runs once every party signed it",
                "un projet passe à la signature quand sa convention y est ouverte, et démarre quand toutes les parties l'ont signée",
            ),
            Vec::new(),
        ));
    }
    let allowed = allowed_targets(from);
    if !allowed.contains(&to) {
        return Err(Refusal::NotAllowed { from, to, allowed: allowed.to_vec() });
    }
    if to == Drafting {
        let lacking = project.diagnostic.missing();
        if !lacking.is_empty() {
            return Err(Refusal::guard(
                super::Rule::DiagnosticIncomplete,
                Message::new(
                    "the convention is drafted once the project is weighed and its tasks listed",
                    "la convention se rédige une fois le projet pesé et ses tâches listées",
                ),
                lacking,
            ));
        }
    }
    let mut errors = ValidationErrors::default();
    let reason = match ask.reason.as_deref() {
        Some(text) => errors.collect(Reason::parse("reason", text)),
        None if matches!(to, Abandoned | TakenOverByServices) => {
            errors.push(missing(
                "reason",
                "say why, in words the carriers can read",
                "dites pourquoi, en des mots que les porteurs pourront lire",
            ));
            None
        }
        None => None,
    };
    let learnt = match ask.learnt.as_deref() {
        Some(_) if to != Abandoned => {
            errors.push(FieldError::new(
                "learnt",
                super::Code::NotApplicable,
                Message::new(
                    "only an abandoned project says what was learnt",
                    "seul un projet abandonné dit ce qui a été appris",
                ),
            ));
            None
        }
        Some(text) => errors.collect(Learnt::parse("learnt", text)),
        None if to == Abandoned => {
            errors.push(missing(
                "learnt",
                "say what was learnt all the same (\"having fought together\")",
                "dites ce qui a été appris malgré tout (« s'être battus ensemble »)",
            ));
            None
        }
        None => None,
    };
    errors.into_result().map_err(Refusal::Invalid)?;
    let closes_requests = match to {
        Completed => Some(Resolution::Done),
        Abandoned => Some(Resolution::Abandoned),
        TakenOverByServices => Some(Resolution::TakenOverByServices),
        _ => None,
    };
    Ok(Transition { from, to, reason, learnt, closes_requests })
}

impl Transition {
    /// `project` as the change leaves it: ending it records how.
    pub fn apply(&self, project: &Project, now: DateTime<Utc>) -> Project {
        let outcome = match self.to {
            Completed => Some(ProjectOutcome::Completed),
            Abandoned => Some(ProjectOutcome::Abandoned),
            TakenOverByServices => Some(ProjectOutcome::TakenOverByServices),
            _ => None,
        };
        let ending = outcome.map(|outcome| Ending {
            outcome,
            at: now,
            reason: self.reason.clone(),
            learnt: self.learnt.clone(),
        });
        Project { status: self.to, ending, updated_at: now, ..project.clone() }
    }

    pub fn event(&self, project: &Project, actor: Actor, at: DateTime<Utc>) -> ProjectEvent {
        ProjectEvent {
            from: Some(self.from),
            to: Some(self.to),
            reason: self.reason.as_ref().map(|r| r.as_str().to_owned()),
            resolution: self.closes_requests,
            ..ProjectEvent::new(project.id, ProjectEventKind::Transitioned, actor, at)
        }
    }

    /// The reason the requests closing with the project read in their history.
    pub fn request_reason(&self, project: &Project) -> String {
        let title = project.title.as_str();
        match self.to {
            Completed => format!("Projet fifty-fifty « {title} » réalisé."),
            Abandoned => format!("Projet fifty-fifty « {title} » abandonné."),
            _ => format!("Projet fifty-fifty « {title} » repris par les services de la commune."),
        }
    }
}

/// Whether a project in `status` may take `diagnostic` as its new one: until it ends, and never
/// one that undoes what its status needed — drafting keeps the weight and the tasks; from
/// signature on, a heavy project keeps every risk resolved.
pub fn may_record_diagnostic(status: ProjectStatus, diagnostic: &super::Diagnostic) -> Result<(), Refusal> {
    match status {
        Completed | Abandoned | TakenOverByServices => Err(finished(status)),
        Diagnosing => Ok(()),
        Drafting => {
            let lacking = diagnostic.missing();
            if lacking.is_empty() {
                return Ok(());
            }
            Err(Refusal::guard(
                Rule::DiagnosticIncomplete,
                Message::new(
                    "the convention is being drafted: the diagnostic keeps its weight and tasks",
                    "la convention est en rédaction : le diagnostic garde son poids et ses tâches",
                ),
                lacking,
            ))
        }
        Signing | Running => super::diagnostic::may_go_to_signature(diagnostic),
    }
}

/// Whether request `id`, now in `status`, may start a project: qualified (it moves to
/// `in_fifty_fifty`, where the eligibility guard applies), or already `in_fifty_fifty` and in no
/// project (`in_project`).
pub fn may_start(id: RequestId, status: RequestStatus, in_project: bool) -> Result<(), Refusal> {
    match status {
        RequestStatus::Qualified => Ok(()),
        RequestStatus::InFiftyFifty if !in_project => Ok(()),
        _ => Err(Refusal::guard(
            Rule::RequestNotAvailable,
            Message::new(
                format!(
                    "request {id} is {status}{}: a project starts from qualified requests",
                    if in_project { " in another project" } else { "" }
                ),
                format!(
                    "la demande {id} est {status}{} : un projet part de demandes qualifiées",
                    if in_project { " dans un autre projet" } else { "" }
                ),
            ),
            Vec::new(),
        )),
    }
}

/// The reason a request starting `project` reads in its history (its requester follows it).
pub fn started_reason(project: &Project) -> String {
    format!("Projet fifty-fifty « {} » lancé : diagnostic en cours.", project.title.as_str())
}
