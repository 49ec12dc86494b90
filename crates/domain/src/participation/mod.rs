//! Participation processes (`DOMAIN.md`, "Participation levels and processes"): a subject the
//! town opens to its inhabitants — from one or more qualified requests, or on its own
//! initiative — at a participation level that may change on the way (each change with its
//! reason), until a decision says who decided what and why, and the requests it gathered close
//! with the resolution that decision gives.
//!
//! This module holds what a process is and how one is created; [`lifecycle`] its statuses, level
//! changes and the linking of requests; [`decision`] the decision; [`history`] its entries.

pub mod body;
pub mod decision;
pub mod delivery;
pub mod draw;
pub mod history;
pub mod lifecycle;
pub mod meeting;
pub mod notice;
pub mod promise;
pub mod step;
pub mod survey;
#[cfg(test)]
mod tests;

pub use body::{Body, BodyDraft, BodyMeeting, Member, MemberDraft};
pub use decision::{Decision, DecisionDraft, Deliberation};
pub use delivery::{Delivery, DeliveryDraft, Reaction, ReactionDraft};
pub use draw::{Draw, DrawDraft, PoolDraft};
pub use history::ProcessEvent;
pub use lifecycle::{LevelChange, Refusal, Rule};
pub use meeting::{Meeting, MeetingDraft, Minutes, MinutesDraft};
pub use notice::{Notice, NoticeDraft};
pub use promise::{Promise, PromiseDraft};
pub use step::{Step, StepDraft};
pub use survey::{Survey, SurveyDraft};

use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::Standing;
use crate::identity::municipality::parse_name;
use crate::ids::{MunicipalityId, ProcessId, RequestId};
use crate::requests::Catalogue;
use crate::requests::qualification::Routing;
use crate::slug::Slug;
use crate::vocabulary::{ParticipationLevel, PerimeterKind, ProcessOrigin, ProcessStatus};
use chrono::{DateTime, Utc};

crate::error_codes!(
    /// Field error codes of the participation context.
    Code {
        NotApplicable = "not_applicable",
        SameLevel = "same_level",
        DuplicateRequest = "duplicate_request",
        UnknownRequest = "unknown_request",
        UnknownProcess = "unknown_process",
        UnknownSurvey = "unknown_survey",
        InTheFuture = "in_the_future",
        CountMismatch = "count_mismatch",
        InvalidBallotCode = "invalid_ballot_code",
        DuplicateNeighbourhood = "duplicate_neighbourhood",
        ConsentRequired = "consent_required",
        NotAllowed = "not_allowed",
        TooManyDrawn = "too_many_drawn",
    }
);

text_type!(
    /// What a process is about, on one line: 1 to 200 characters.
    Subject, 200, parse_name
);
text_type!(
    /// A process's description: 1 to 5,000 characters, line breaks allowed.
    ProcessDescription, 5_000, parse_text
);
text_type!(
    /// A street of a perimeter: 1 to 200 characters.
    Street, 200, parse_name
);

/// How many neighbourhoods or streets a perimeter names at most.
pub const MAX_PERIMETER_ITEMS: usize = 30;
/// How many requests a process is created with at most (more are linked one by one).
pub const MAX_REQUESTS_AT_CREATION: usize = 50;

/// Where a process applies: the whole town, some neighbourhoods, or some streets (which may also
/// name the neighbourhoods they run through).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Perimeter {
    pub kind: PerimeterKind,
    pub neighbourhoods: Vec<Slug>,
    pub streets: Vec<Street>,
}

impl Perimeter {
    pub fn whole_town() -> Self {
        Self { kind: PerimeterKind::WholeTown, neighbourhoods: Vec::new(), streets: Vec::new() }
    }
}

/// A perimeter as received.
#[derive(Debug, Clone, Default)]
pub struct PerimeterDraft {
    pub kind: Option<PerimeterKind>,
    pub neighbourhoods: Vec<String>,
    pub streets: Vec<String>,
}

impl PerimeterDraft {
    /// The perimeter, naming each invalid field under `perimeter.`; `None` drafts the whole town.
    pub fn parse(
        draft: Option<&PerimeterDraft>,
        catalogue: &Catalogue<'_>,
        errors: &mut ValidationErrors,
    ) -> Option<Perimeter> {
        let Some(draft) = draft else { return Some(Perimeter::whole_town()) };
        let before = errors.0.len();
        let Some(kind) = draft.kind else {
            errors.push(FieldError::new(
                "perimeter.kind",
                crate::error::Code::Required,
                Message::new(
                    "name the kind of perimeter: whole_town, neighbourhoods or streets",
                    "nommez le type de périmètre : whole_town, neighbourhoods ou streets",
                ),
            ));
            return None;
        };
        for (field, count) in
            [("perimeter.neighbourhoods", draft.neighbourhoods.len()), ("perimeter.streets", draft.streets.len())]
        {
            if count > MAX_PERIMETER_ITEMS {
                errors.push(FieldError::new(
                    field,
                    crate::error::Code::TooMany,
                    Message::new(
                        format!("at most {MAX_PERIMETER_ITEMS} items"),
                        format!("{MAX_PERIMETER_ITEMS} éléments au plus"),
                    ),
                ));
            }
        }
        let mut neighbourhoods: Vec<Slug> = Vec::new();
        for (i, code) in draft.neighbourhoods.iter().enumerate() {
            if let Some(slug) = catalogue.check_neighbourhood(&format!("perimeter.neighbourhoods[{i}]"), code, errors)
                && !neighbourhoods.contains(&slug)
            {
                neighbourhoods.push(slug);
            }
        }
        let mut streets: Vec<Street> = Vec::new();
        for (i, name) in draft.streets.iter().enumerate() {
            if let Some(street) = errors.collect(Street::parse(&format!("perimeter.streets[{i}]"), name))
                && !streets.contains(&street)
            {
                streets.push(street);
            }
        }
        let needed = match kind {
            PerimeterKind::WholeTown => {
                for (field, given) in [
                    ("perimeter.neighbourhoods", !draft.neighbourhoods.is_empty()),
                    ("perimeter.streets", !draft.streets.is_empty()),
                ] {
                    if given {
                        errors.push(FieldError::new(
                            field,
                            Code::NotApplicable,
                            Message::new(
                                "the whole town names no part of it",
                                "toute la commune n'en nomme aucune partie",
                            ),
                        ));
                    }
                }
                None
            }
            PerimeterKind::Neighbourhoods if draft.neighbourhoods.is_empty() => Some("perimeter.neighbourhoods"),
            PerimeterKind::Streets if draft.streets.is_empty() => Some("perimeter.streets"),
            _ => None,
        };
        if let Some(field) = needed {
            errors.push(FieldError::new(
                field,
                crate::error::Code::Required,
                Message::new("name at least one", "nommez-en au moins un"),
            ));
        }
        (errors.0.len() == before).then_some(Perimeter { kind, neighbourhoods, streets })
    }
}

/// A participation process, as stored.
#[derive(Debug, Clone)]
pub struct Process {
    pub id: ProcessId,
    pub municipality: MunicipalityId,
    pub subject: Subject,
    pub description: ProcessDescription,
    pub perimeter: Perimeter,
    pub origin: ProcessOrigin,
    pub routing: Routing,
    pub level: ParticipationLevel,
    pub status: ProcessStatus,
    /// When it was opened to the public: a process is public from then on, whatever follows.
    pub opened_at: Option<DateTime<Utc>>,
    pub decision: Option<Decision>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Process {
    /// Whether the public (and the requesters of its requests) may see it: once opened. A process
    /// abandoned while being prepared never was.
    pub fn is_public(&self) -> bool {
        self.opened_at.is_some()
    }
}

/// Which processes a caller reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readers {
    /// Staff: every process.
    All,
    /// The public: the processes opened.
    Public,
    /// A partner's tool with `processes:read`: those opened, and those that gathered a request
    /// of its association, even in preparation.
    PublicAnd { association: String },
}

impl Readers {
    /// Whether they read `process`, which gathered `requests`.
    pub fn read(&self, process: &Process, requests: &[crate::requests::Request]) -> bool {
        match self {
            Readers::All => true,
            Readers::Public => process.is_public(),
            Readers::PublicAnd { association } => {
                process.is_public() || requests.iter().any(|r| r.association.as_deref() == Some(association.as_str()))
            }
        }
    }
}

/// Whether this caller reads only public processes (staff read them all).
pub fn sees_only_public(standing: &Standing) -> bool {
    !standing.is_staff()
}

/// A process as received, before parsing.
#[derive(Debug, Clone, Default)]
pub struct ProcessDraft {
    pub subject: Option<String>,
    pub description: Option<String>,
    pub perimeter: Option<PerimeterDraft>,
    pub level: Option<ParticipationLevel>,
    /// The qualified requests it starts from (none: the town's initiative).
    pub requests: Vec<RequestId>,
}

/// A process ready to be created (in `preparing`), with the requests to link to it.
#[derive(Debug, Clone)]
pub struct NewProcess {
    pub process: Process,
    pub requests: Vec<RequestId>,
}

impl NewProcess {
    /// Checks every field of `draft` at once; `routing` was resolved by the caller (codes to ids).
    pub fn parse(
        municipality: MunicipalityId,
        draft: &ProcessDraft,
        routing: Routing,
        catalogue: &Catalogue<'_>,
        now: DateTime<Utc>,
    ) -> Result<NewProcess, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let subject = required(&mut errors, "subject", draft.subject.as_deref(), Subject::parse);
        let description = required(&mut errors, "description", draft.description.as_deref(), ProcessDescription::parse);
        let perimeter = PerimeterDraft::parse(draft.perimeter.as_ref(), catalogue, &mut errors);
        if draft.level.is_none() {
            errors.push(FieldError::new(
                "level",
                crate::error::Code::Required,
                Message::new(
                    "name the participation level: information, consultation or coproduction",
                    "nommez le niveau de participation : information, consultation ou coproduction",
                ),
            ));
        }
        let requests = distinct_requests("requests", &draft.requests, MAX_REQUESTS_AT_CREATION, &mut errors);
        errors.into_result()?;
        let (Some(subject), Some(description), Some(perimeter), Some(level)) =
            (subject, description, perimeter, draft.level)
        else {
            return Err(ValidationErrors::default());
        };
        let origin = if requests.is_empty() { ProcessOrigin::TownInitiative } else { ProcessOrigin::Requests };
        let process = Process {
            id: ProcessId::new(),
            municipality,
            subject,
            description,
            perimeter,
            origin,
            routing,
            level,
            status: ProcessStatus::Preparing,
            opened_at: None,
            decision: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        Ok(NewProcess { process, requests })
    }
}

/// The requests of a list, each once (a repeated one is named), at most `max`.
pub fn distinct_requests(
    field: &str,
    requests: &[RequestId],
    max: usize,
    errors: &mut ValidationErrors,
) -> Vec<RequestId> {
    if requests.len() > max {
        errors.push(FieldError::new(
            field,
            crate::error::Code::TooMany,
            Message::new(format!("at most {max} requests"), format!("{max} demandes au plus")),
        ));
    }
    let mut distinct = Vec::new();
    for (i, id) in requests.iter().enumerate() {
        if distinct.contains(id) {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                Code::DuplicateRequest,
                Message::new("this request is already in the list", "cette demande figure déjà dans la liste"),
            ));
        } else {
            distinct.push(*id);
        }
    }
    distinct
}

fn required<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str, &str) -> Result<T, FieldError>,
) -> Option<T> {
    match value {
        Some(value) => errors.collect(parse(field, value)),
        None => {
            errors.push(FieldError::new(field, crate::error::Code::Required, Message::new("required", "obligatoire")));
            None
        }
    }
}

/// A required field left out, with what to give.
fn missing(field: &str, en: &'static str, fr: &'static str) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new(en, fr))
}

/// What a step ahead or a promise is about: a request, or a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Request(RequestId),
    Process(ProcessId),
}

impl About {
    /// The request and the process it names (one of them is set).
    pub fn ids(self) -> (Option<RequestId>, Option<ProcessId>) {
        match self {
            About::Request(id) => (Some(id), None),
            About::Process(id) => (None, Some(id)),
        }
    }
}
