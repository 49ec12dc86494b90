//! Evaluation rounds (§6.2.2: the fifty-fifty self-evaluation group, failures included): a round
//! reviews a set of projects — first an internal survey of their carriers, then a mixed working
//! group (elected officials, agents, carriers) — and records its findings, each linked to a
//! project or to the round as a whole.
//!
//! - It starts at the carriers' survey; it moves to the working group once the survey's results
//!   are recorded, and is concluded once the group met and found something.
//! - Concluded, it changes no more, and the public reads it (successes and failures alike);
//!   before, it is the services' work in progress.

use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{MunicipalityId, ProjectId};
use crate::vocabulary::{FindingKind, RoundStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_type!(
    /// A round's title: 1 to 200 characters.
    RoundTitle, 200, parse_text
);
text_type!(
    /// What a survey or a group said, a finding: 1 to 5,000 characters.
    RoundText, 5_000, parse_text
);

/// The most projects a round reviews, and findings it records.
pub const MAX_PROJECTS: usize = 50;
pub const MAX_FINDINGS: usize = 100;

/// The internal survey of the projects' carriers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriersSurvey {
    pub asked: u32,
    pub answered: u32,
    pub summary: String,
}

/// The mixed working group's meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingGroup {
    pub met_on: NaiveDate,
    /// Who sat in it ("3 élus, 4 agents, 5 porteurs de projets").
    pub composition: String,
}

/// What the round found, about one project or the round as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub project: Option<ProjectId>,
    pub kind: FindingKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: crate::ids::RoundId,
    pub municipality: MunicipalityId,
    pub title: String,
    pub projects: Vec<ProjectId>,
    pub status: RoundStatus,
    pub carriers_survey: Option<CarriersSurvey>,
    pub working_group: Option<WorkingGroup>,
    pub findings: Vec<Finding>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A finding as received: its project (if about one), its kind, its text.
pub type FindingDraft = (Option<Uuid>, Option<FindingKind>, Option<String>);

/// A round's document as received: a new one (title and projects), or its changes (what is left
/// out stays; `findings` replaces them all).
#[derive(Debug, Clone, Default)]
pub struct RoundDraft {
    pub title: Option<String>,
    pub projects: Option<Vec<Uuid>>,
    pub carriers_survey: Option<(Option<i64>, Option<i64>, Option<String>)>,
    pub working_group: Option<(Option<NaiveDate>, Option<String>)>,
    pub findings: Option<Vec<FindingDraft>>,
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new("required", "obligatoire"))
}

fn count(field: &str, value: Option<i64>, errors: &mut ValidationErrors) -> Option<u32> {
    match value {
        None => {
            errors.push(required(field));
            None
        }
        Some(n) => match u32::try_from(n).ok().filter(|n| *n <= 1_000_000) {
            Some(n) => Some(n),
            None => {
                errors.push(FieldError::new(
                    field,
                    crate::error::Code::OutOfRange,
                    Message::new("must be between 0 and 1,000,000", "doit être compris entre 0 et 1 000 000"),
                ));
                None
            }
        },
    }
}

impl RoundDraft {
    /// `current` with the draft applied (a new round when `None`), every invalid field named. The
    /// projects are ids; whether they are the town's is the use case's check.
    pub fn apply(
        &self,
        current: Option<&Round>,
        municipality: MunicipalityId,
        now: DateTime<Utc>,
    ) -> Result<Round, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = match (&self.title, current) {
            (Some(t), _) => errors.collect(RoundTitle::parse("title", t)).map(|t| t.as_str().to_owned()),
            (None, Some(c)) => Some(c.title.clone()),
            (None, None) => {
                errors.push(required("title"));
                None
            }
        };
        let projects = match (&self.projects, current) {
            (Some(ids), _) if ids.is_empty() || ids.len() > MAX_PROJECTS => {
                errors.push(FieldError::new(
                    "projects",
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("a round reviews 1 to {MAX_PROJECTS} projects"),
                        format!("une session examine de 1 à {MAX_PROJECTS} projets"),
                    ),
                ));
                None
            }
            (Some(ids), _) => {
                let mut unique: Vec<ProjectId> = Vec::new();
                for id in ids.iter().map(|id| ProjectId::from_uuid(*id)) {
                    if !unique.contains(&id) {
                        unique.push(id);
                    }
                }
                Some(unique)
            }
            (None, Some(c)) => Some(c.projects.clone()),
            (None, None) => {
                errors.push(required("projects"));
                None
            }
        };
        let carriers_survey = match &self.carriers_survey {
            Some((asked, answered, summary)) => {
                let asked = count("carriers_survey.asked", *asked, &mut errors);
                let answered = count("carriers_survey.answered", *answered, &mut errors);
                if let (Some(a), Some(b)) = (asked, answered)
                    && b > a
                {
                    errors.push(FieldError::new(
                        "carriers_survey.answered",
                        crate::error::Code::OutOfRange,
                        Message::new("more answers than carriers asked", "plus de réponses que de porteurs sollicités"),
                    ));
                }
                let summary = match summary {
                    Some(s) => errors.collect(RoundText::parse("carriers_survey.summary", s)),
                    None => {
                        errors.push(required("carriers_survey.summary"));
                        None
                    }
                };
                match (asked, answered, summary) {
                    (Some(asked), Some(answered), Some(summary)) => {
                        Some(CarriersSurvey { asked, answered, summary: summary.as_str().to_owned() })
                    }
                    _ => None,
                }
            }
            None => current.and_then(|c| c.carriers_survey.clone()),
        };
        let working_group = match &self.working_group {
            Some((met_on, composition)) => {
                let met_on = match met_on {
                    Some(day) => errors.collect(crate::time::check_date("working_group.met_on", *day)),
                    None => {
                        errors.push(required("working_group.met_on"));
                        None
                    }
                };
                let composition = match composition {
                    Some(c) => errors.collect(RoundText::parse("working_group.composition", c)),
                    None => {
                        errors.push(required("working_group.composition"));
                        None
                    }
                };
                match (met_on, composition) {
                    (Some(met_on), Some(c)) => Some(WorkingGroup { met_on, composition: c.as_str().to_owned() }),
                    _ => None,
                }
            }
            None => current.and_then(|c| c.working_group.clone()),
        };
        let findings = match &self.findings {
            Some(list) if list.len() > MAX_FINDINGS => {
                errors.push(FieldError::new(
                    "findings",
                    crate::error::Code::TooMany,
                    Message::new(
                        format!("at most {MAX_FINDINGS} findings"),
                        format!("au plus {MAX_FINDINGS} constats"),
                    ),
                ));
                Vec::new()
            }
            Some(list) => list
                .iter()
                .enumerate()
                .filter_map(|(i, (project, kind, text))| {
                    let project = project.map(ProjectId::from_uuid);
                    if kind.is_none() {
                        errors.push(required(&format!("findings[{i}].kind")));
                    }
                    let text = match text {
                        Some(t) => errors.collect(RoundText::parse(&format!("findings[{i}].text"), t)),
                        None => {
                            errors.push(required(&format!("findings[{i}].text")));
                            None
                        }
                    };
                    Some(Finding { project, kind: (*kind)?, text: text?.as_str().to_owned() })
                })
                .collect(),
            None => current.map(|c| c.findings.clone()).unwrap_or_default(),
        };
        // Every finding is about a project the round (still) reviews, whichever field changed.
        if let Some(projects) = &projects {
            for (i, finding) in findings.iter().enumerate() {
                if finding.project.is_some_and(|p| !projects.contains(&p)) {
                    errors.push(FieldError::new(
                        format!("findings[{i}].project"),
                        super::Code::UnknownSubject,
                        Message::new("not a project this round reviews", "pas un projet examiné par cette session"),
                    ));
                }
            }
        }
        match (title, projects) {
            (Some(title), Some(projects)) if errors.is_empty() => Ok(Round {
                id: current.map_or_else(crate::ids::RoundId::new, |c| c.id),
                municipality,
                title,
                projects,
                status: current.map_or(RoundStatus::CarriersSurvey, |c| c.status),
                carriers_survey,
                working_group,
                findings,
                concluded_at: current.and_then(|c| c.concluded_at),
                version: current.map_or(1, |c| c.version),
                created_at: current.map_or(now, |c| c.created_at),
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// The rules that refuse a round's change: the `rule` of a 409.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A concluded round changes no more.
    RoundConcluded,
    /// The working group follows the carriers' survey, once its results are recorded.
    SurveyNotRecorded,
    /// A round is concluded once its working group met and found something.
    NoFindings,
    /// A round moves forward one step at a time.
    NotNextStep,
}

impl Rule {
    pub const ALL: &'static [Rule] =
        &[Rule::RoundConcluded, Rule::SurveyNotRecorded, Rule::NoFindings, Rule::NotNextStep];

    pub fn code(self) -> &'static str {
        match self {
            Rule::RoundConcluded => "round_concluded",
            Rule::SurveyNotRecorded => "survey_not_recorded",
            Rule::NoFindings => "no_findings",
            Rule::NotNextStep => "not_next_step",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub message: Message,
}

fn refuse(rule: Rule, en: &str, fr: &str) -> Refusal {
    Refusal { rule, message: Message::new(en.to_owned(), fr.to_owned()) }
}

impl Round {
    /// Whether the public may read it: once concluded.
    pub fn is_public(&self) -> bool {
        self.status == RoundStatus::Concluded
    }

    /// The round as the public reads it: without the projects it may not read (`public` says which
    /// it may), nor what was found about them.
    pub fn seen_by_public(&self, public: impl Fn(&ProjectId) -> bool) -> Self {
        Self {
            projects: self.projects.iter().copied().filter(&public).collect(),
            findings: self.findings.iter().filter(|f| f.project.as_ref().is_none_or(&public)).cloned().collect(),
            ..self.clone()
        }
    }

    /// Whether it may still change.
    pub fn may_change(&self) -> Result<(), Refusal> {
        if self.status == RoundStatus::Concluded {
            return Err(refuse(Rule::RoundConcluded, "the round is concluded", "la session est conclue"));
        }
        Ok(())
    }

    /// The round moved to `to`: the working group after the recorded survey, the conclusion after
    /// the group met and found something.
    pub fn advance(&self, to: RoundStatus, now: DateTime<Utc>) -> Result<Self, Refusal> {
        self.may_change()?;
        match (self.status, to) {
            (RoundStatus::CarriersSurvey, RoundStatus::WorkingGroup) if self.carriers_survey.is_none() => Err(refuse(
                Rule::SurveyNotRecorded,
                "record the carriers' survey first",
                "enregistrez d'abord l'enquête auprès des porteurs",
            )),
            (RoundStatus::CarriersSurvey, RoundStatus::WorkingGroup) => {
                Ok(Self { status: to, updated_at: now, ..self.clone() })
            }
            (RoundStatus::WorkingGroup, RoundStatus::Concluded)
                if self.findings.is_empty()
                    || self.working_group.as_ref().is_none_or(|g| g.met_on > now.date_naive()) =>
            {
                Err(refuse(
                    Rule::NoFindings,
                    "a round is concluded once its working group met and found something",
                    "une session se conclut une fois le groupe de travail réuni et ses constats notés",
                ))
            }
            (RoundStatus::WorkingGroup, RoundStatus::Concluded) => {
                Ok(Self { status: to, concluded_at: Some(now), updated_at: now, ..self.clone() })
            }
            _ => Err(refuse(
                Rule::NotNextStep,
                "a round goes from the carriers' survey to the working group, then to its conclusion",
                "une session va de l'enquête auprès des porteurs au groupe de travail, puis à sa conclusion",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_round() -> Round {
        RoundDraft {
            title: Some("Bilan fifty-fifty 2026".into()),
            projects: Some(vec![Uuid::now_v7()]),
            ..RoundDraft::default()
        }
        .apply(None, MunicipalityId::new(), Utc::now())
        .unwrap()
    }

    #[test]
    fn a_round_goes_from_the_carriers_survey_to_the_working_group_to_its_findings() {
        let round = new_round();
        assert_eq!(round.status, RoundStatus::CarriersSurvey);
        assert_eq!(round.advance(RoundStatus::WorkingGroup, Utc::now()).unwrap_err().rule, Rule::SurveyNotRecorded);
        let surveyed = RoundDraft {
            carriers_survey: Some((Some(12), Some(9), Some("Neuf porteurs sur douze ont répondu.".into()))),
            ..RoundDraft::default()
        }
        .apply(Some(&round), round.municipality, Utc::now())
        .unwrap();
        let grouped = surveyed.advance(RoundStatus::WorkingGroup, Utc::now()).unwrap();
        assert_eq!(grouped.advance(RoundStatus::Concluded, Utc::now()).unwrap_err().rule, Rule::NoFindings);
        let project = grouped.projects[0].as_uuid();
        let found = RoundDraft {
            working_group: Some(("2026-11-20".parse().ok(), Some("3 élus, 4 agents, 5 porteurs".into()))),
            findings: Some(vec![(Some(project), Some(FindingKind::Failure), Some("L'arrosage s'est perdu.".into()))]),
            ..RoundDraft::default()
        }
        .apply(Some(&grouped), grouped.municipality, Utc::now())
        .unwrap();
        let concluded = found.advance(RoundStatus::Concluded, Utc::now()).unwrap();
        assert!(concluded.is_public() && concluded.concluded_at.is_some());
        assert_eq!(concluded.may_change().unwrap_err().rule, Rule::RoundConcluded);
        assert_eq!(round.advance(RoundStatus::Concluded, Utc::now()).unwrap_err().rule, Rule::NotNextStep);
    }

    #[test]
    fn every_invalid_field_of_a_round_is_named() {
        let errors = RoundDraft {
            projects: Some(vec![]),
            carriers_survey: Some((Some(3), Some(5), None)),
            findings: Some(vec![(Some(Uuid::now_v7()), None, Some(" ".into()))]),
            ..RoundDraft::default()
        }
        .apply(None, MunicipalityId::new(), Utc::now())
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "projects",
                "carriers_survey.answered",
                "carriers_survey.summary",
                "findings[0].kind",
                "findings[0].text"
            ]
        );
    }
}
