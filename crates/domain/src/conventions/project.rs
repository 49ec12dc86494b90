//! A fifty-fifty project, and how one starts: from one or more eligible, qualified requests
//! (which move to `in_fifty_fifty` with it), or from a process at the coproduction level, or
//! both; with its carriers and its routing.

use super::diagnostic::Diagnostic;
use super::{Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{MunicipalityId, ProcessId, ProjectId, RequestId};
use crate::requests::Reason;
use crate::requests::qualification::Routing;
use crate::vocabulary::{ProjectOutcome, ProjectStatus, RequesterKind};
use chrono::{DateTime, Utc};

text_type!(
    /// What a project is, on one line ("Rénovation des chemins ruraux 2018"): 1 to 200 characters.
    ProjectTitle, 200, parse_name
);
text_type!(
    /// What a project is about: 1 to 5,000 characters, line breaks allowed.
    ProjectDescription, 5_000, parse_text
);
text_type!(
    /// A carrier's name (an association, a group, a person): 1 to 200 characters.
    CarrierName, 200, parse_name
);
text_type!(
    /// What a carrier wants from the project (§5.6.3.2: "what are their interests?").
    Interest, 2_000, parse_text
);
text_type!(
    /// What was learnt from an abandoned project ("having fought together"): 1 to 5,000 characters.
    Learnt, 5_000, parse_text
);

/// How many carriers and requests a project names at most.
pub const MAX_CARRIERS: usize = 30;
pub const MAX_REQUESTS: usize = 50;

/// Who carries a project (§5.6.1: an individual, an association, an informal group…). An
/// individual's name is personal data: staff read it, the public never does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carrier {
    pub kind: RequesterKind,
    pub name: CarrierName,
    pub interest: Option<Interest>,
}

impl Carrier {
    /// Whether the public may read its name: organisations yes, individuals no.
    pub fn is_named_publicly(&self) -> bool {
        self.kind != RequesterKind::Individual
    }
}

/// A carrier as received.
#[derive(Debug, Clone, Default)]
pub struct CarrierDraft {
    pub kind: Option<RequesterKind>,
    pub name: Option<String>,
    pub interest: Option<String>,
}

impl CarrierDraft {
    /// The carriers of a list, each invalid field named under `field[i]`.
    pub fn parse_all(field: &str, drafts: &[CarrierDraft], errors: &mut ValidationErrors) -> Vec<Carrier> {
        if drafts.len() > MAX_CARRIERS {
            errors.push(FieldError::new(
                field,
                crate::error::Code::TooMany,
                Message::new(format!("at most {MAX_CARRIERS} carriers"), format!("{MAX_CARRIERS} porteurs au plus")),
            ));
        }
        let mut carriers = Vec::with_capacity(drafts.len());
        for (i, draft) in drafts.iter().enumerate() {
            let at = format!("{field}[{i}]");
            if draft.kind.is_none() {
                errors.push(missing(
                    &format!("{at}.kind"),
                    "name the kind of carrier: individual, association, informal_group…",
                    "nommez le type de porteur : habitant, association, collectif…",
                ));
            }
            let name = match draft.name.as_deref() {
                Some(name) => errors.collect(CarrierName::parse(&format!("{at}.name"), name)),
                None => {
                    errors.push(missing(&format!("{at}.name"), "name the carrier", "nommez le porteur"));
                    None
                }
            };
            let interest = draft
                .interest
                .as_deref()
                .and_then(|text| errors.collect(Interest::parse(&format!("{at}.interest"), text)));
            if let (Some(kind), Some(name)) = (draft.kind, name) {
                carriers.push(Carrier { kind, name, interest });
            }
        }
        carriers
    }
}

/// How a project ended: completed, abandoned (with what was learnt) or taken over by the
/// services, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub outcome: ProjectOutcome,
    pub at: DateTime<Utc>,
    pub reason: Option<Reason>,
    pub learnt: Option<Learnt>,
}

/// A fifty-fifty project, as stored.
#[derive(Debug, Clone)]
pub struct Project {
    pub id: ProjectId,
    pub municipality: MunicipalityId,
    pub title: ProjectTitle,
    pub description: Option<ProjectDescription>,
    /// The coproduction process it came from, if any.
    pub process: Option<ProcessId>,
    /// The project of the year before that it renews (a yearly fifty-fifty, §5.6.4.1).
    pub renews: Option<ProjectId>,
    pub carriers: Vec<Carrier>,
    pub routing: Routing,
    pub status: ProjectStatus,
    pub diagnostic: Diagnostic,
    pub ending: Option<Ending>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// Whether the public may read it: once its convention goes to signature, and once it ended
    /// (its outcome is public, §5.6.3.3: the town keeps a trace). While diagnosed and drafted, it
    /// is the services' work in progress.
    pub fn is_public(&self) -> bool {
        !matches!(self.status, ProjectStatus::Diagnosing | ProjectStatus::Drafting)
    }
}

/// A project as received, before parsing.
#[derive(Debug, Clone, Default)]
pub struct ProjectDraft {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The eligible, qualified requests it starts from.
    pub requests: Vec<RequestId>,
    /// The coproduction process it comes from.
    pub process: Option<ProcessId>,
    /// Who carries it; none given: the associations whose tools sent its requests (never a
    /// requester's name, which is personal data).
    pub carriers: Option<Vec<CarrierDraft>>,
}

/// A project ready to be created (in `diagnosing`), with the requests it starts from.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub project: Project,
    pub requests: Vec<RequestId>,
    /// Whether carriers were given (else the caller derives them from the requests).
    pub carriers_given: bool,
}

impl NewProject {
    /// Checks every field of `draft` at once; `routing` was resolved by the caller (codes to ids,
    /// or the requests' or process's own routing when none was given).
    pub fn parse(
        municipality: MunicipalityId,
        draft: &ProjectDraft,
        routing: Routing,
        now: DateTime<Utc>,
    ) -> Result<NewProject, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = match draft.title.as_deref() {
            Some(title) => errors.collect(ProjectTitle::parse("title", title)),
            None => {
                errors.push(missing("title", "give the project a title", "donnez un titre au projet"));
                None
            }
        };
        let description =
            draft.description.as_deref().and_then(|d| errors.collect(ProjectDescription::parse("description", d)));
        let requests = distinct_requests(&draft.requests, &mut errors);
        if requests.is_empty() && draft.process.is_none() {
            errors.push(missing(
                "requests",
                "a project starts from eligible requests or from a coproduction process: name them",
                "un projet part de demandes éligibles ou d'une démarche de coproduction : nommez-les",
            ));
        }
        let carriers = CarrierDraft::parse_all("carriers", draft.carriers.as_deref().unwrap_or_default(), &mut errors);
        errors.into_result()?;
        let Some(title) = title else { return Err(ValidationErrors::default()) };
        let project = Project {
            id: ProjectId::new(),
            municipality,
            title,
            description,
            process: draft.process,
            renews: None,
            carriers,
            routing,
            status: ProjectStatus::Diagnosing,
            diagnostic: Diagnostic::default(),
            ending: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        Ok(NewProject { project, requests, carriers_given: draft.carriers.is_some() })
    }
}

/// The requests of a list, each once (a repeated one is named), at most [`MAX_REQUESTS`].
fn distinct_requests(requests: &[RequestId], errors: &mut ValidationErrors) -> Vec<RequestId> {
    if requests.len() > MAX_REQUESTS {
        errors.push(FieldError::new(
            "requests",
            crate::error::Code::TooMany,
            Message::new(format!("at most {MAX_REQUESTS} requests"), format!("{MAX_REQUESTS} demandes au plus")),
        ));
    }
    let mut distinct = Vec::new();
    for (i, id) in requests.iter().enumerate() {
        if distinct.contains(id) {
            errors.push(FieldError::new(
                format!("requests[{i}]"),
                Code::DuplicateRequest,
                Message::new("this request is already in the list", "cette demande figure déjà dans la liste"),
            ));
        } else {
            distinct.push(*id);
        }
    }
    distinct
}

/// A carrier drawn from the association whose tool sent a request (the default carriers), if its
/// name parses.
pub fn carrier_of_association(association: &str) -> Option<Carrier> {
    CarrierName::parse("carriers", association).ok().map(|name| Carrier {
        kind: RequesterKind::Association,
        name,
        interest: None,
    })
}
