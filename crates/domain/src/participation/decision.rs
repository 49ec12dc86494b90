//! A process's decision: what was decided, by whom (the elected officials, the municipal council
//! by a deliberation, the participants together, another authority, named), when, why, and
//! how the requests the process gathered end.

use super::lifecycle::{Refusal, Rule, allowed_targets, is_finished};
use super::{Code, Process, ProcessEvent};
use crate::common::actor::Actor;
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::SurveyId;
use crate::vocabulary::{DecisionMaker, ProcessEventKind, ProcessStatus, Resolution};
use chrono::{DateTime, NaiveDate, Utc};

text_type!(
    /// What was decided: 1 to 5,000 characters.
    Outcome, 5_000, parse_text
);
text_type!(
    /// Why: 1 to 5,000 characters.
    Rationale, 5_000, parse_text
);
text_type!(
    /// The authority that decided, when not the town ("the education authority"): 1 to 200.
    AuthorityName, 200, parse_name
);
text_type!(
    /// A council deliberation's number ("2026-045"): 1 to 50 characters.
    DeliberationNumber, 50, parse_name
);

/// The municipal council's deliberation a decision refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliberation {
    pub number: DeliberationNumber,
    pub date: NaiveDate,
}

/// A process's decision, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub decided_by: DecisionMaker,
    /// Named when another authority decided.
    pub authority: Option<AuthorityName>,
    /// Given when the municipal council decided.
    pub deliberation: Option<Deliberation>,
    pub decided_on: NaiveDate,
    pub rationale: Rationale,
    /// How the requests of the process end when it closes: done, status_quo or abandoned.
    pub resolution: Resolution,
    /// The surveys of the process whose results it cites.
    pub surveys: Vec<SurveyId>,
}

/// A decision as received.
#[derive(Debug, Clone, Default)]
pub struct DecisionDraft {
    pub outcome: Option<String>,
    pub decided_by: Option<DecisionMaker>,
    pub authority: Option<String>,
    pub deliberation_number: Option<String>,
    pub deliberation_date: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub rationale: Option<String>,
    pub resolution: Option<Resolution>,
    pub surveys: Vec<SurveyId>,
}

/// How many surveys a decision cites at most.
pub const MAX_CITED_SURVEYS: usize = 10;

/// The resolutions a decision may give its requests (`taken_over_by_services` belongs to
/// fifty-fifty projects).
pub const DECISION_RESOLUTIONS: [Resolution; 3] = [Resolution::Done, Resolution::StatusQuo, Resolution::Abandoned];

impl DecisionDraft {
    /// Checks every field at once; `today` bounds the date (a decision is not recorded ahead).
    pub fn parse(&self, today: NaiveDate) -> Result<Decision, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let outcome = text(&mut errors, "outcome", self.outcome.as_deref(), Outcome::parse);
        let rationale = text(&mut errors, "rationale", self.rationale.as_deref(), Rationale::parse);
        let decided_on = match self.decided_on {
            None => {
                required(&mut errors, "decided_on", "give the date of the decision", "donnez la date de la décision")
            }
            Some(date) if date > today => {
                errors.push(in_the_future("decided_on"));
                None
            }
            Some(date) => errors.collect(crate::time::check_date("decided_on", date)),
        };
        let resolution = match self.resolution {
            None => required(
                &mut errors,
                "resolution",
                "say how the requests end: done, status_quo or abandoned",
                "dites comment les demandes se terminent : done, status_quo ou abandoned",
            ),
            Some(r) if !DECISION_RESOLUTIONS.contains(&r) => {
                errors.push(FieldError::new(
                    "resolution",
                    Code::NotApplicable,
                    Message::new(
                        "a process's decision gives done, status_quo or abandoned",
                        "la décision d'une démarche donne done, status_quo ou abandoned",
                    ),
                ));
                None
            }
            Some(r) => Some(r),
        };
        let decided_by = self.decided_by.or_else(|| {
            required::<()>(&mut errors, "decided_by", "say who decided", "dites qui a décidé");
            None
        });
        let authority = match (decided_by, self.authority.as_deref()) {
            (Some(DecisionMaker::OtherAuthority), Some(name)) => {
                errors.collect(AuthorityName::parse("authority", name))
            }
            (Some(DecisionMaker::OtherAuthority), None) => {
                required(&mut errors, "authority", "name the authority that decided", "nommez l'autorité qui a décidé")
            }
            (_, Some(_)) => not_applicable(&mut errors, "authority", "only when another authority decided"),
            (_, None) => None,
        };
        let council = decided_by == Some(DecisionMaker::MunicipalCouncil);
        let number = match (council, self.deliberation_number.as_deref()) {
            (true, Some(number)) => errors.collect(DeliberationNumber::parse("deliberation.number", number)),
            (true, None) => required(
                &mut errors,
                "deliberation.number",
                "give the deliberation's number",
                "donnez le numéro de la délibération",
            ),
            (false, Some(_)) => not_applicable(&mut errors, "deliberation.number", "only when the council decided"),
            (false, None) => None,
        };
        let date = match (council, self.deliberation_date) {
            (true, Some(date)) if date > today => {
                errors.push(in_the_future("deliberation.date"));
                None
            }
            (true, Some(date)) => errors.collect(crate::time::check_date("deliberation.date", date)),
            (true, None) => required(
                &mut errors,
                "deliberation.date",
                "give the deliberation's date",
                "donnez la date de la délibération",
            ),
            (false, Some(_)) => not_applicable(&mut errors, "deliberation.date", "only when the council decided"),
            (false, None) => None,
        };
        if self.surveys.len() > MAX_CITED_SURVEYS {
            errors.push(FieldError::new(
                "surveys",
                crate::error::Code::TooMany,
                Message::new(
                    format!("at most {MAX_CITED_SURVEYS} surveys"),
                    format!("{MAX_CITED_SURVEYS} sondages au plus"),
                ),
            ));
        }
        let mut surveys: Vec<SurveyId> = Vec::new();
        for id in &self.surveys {
            if !surveys.contains(id) {
                surveys.push(*id);
            }
        }
        errors.into_result()?;
        match (outcome, decided_by, decided_on, rationale, resolution) {
            (Some(outcome), Some(decided_by), Some(decided_on), Some(rationale), Some(resolution)) => Ok(Decision {
                outcome,
                decided_by,
                authority,
                deliberation: number.zip(date).map(|(number, date)| Deliberation { number, date }),
                decided_on,
                rationale,
                resolution,
                surveys,
            }),
            _ => Err(ValidationErrors::default()),
        }
    }
}

/// What recording `decision` does to `process`: a process `deciding` becomes `decided`; a decided
/// one has its decision amended (history says so); any other is refused.
pub fn record(
    process: &Process,
    decision: Decision,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(Process, ProcessEvent), Refusal> {
    let kind = match process.status {
        ProcessStatus::Deciding => ProcessEventKind::Decided,
        ProcessStatus::Decided => ProcessEventKind::DecisionAmended,
        status if is_finished(status) => {
            return Err(Refusal::Guard {
                rule: Rule::ProcessFinished,
                message: Message::new(
                    format!("the process is {status}: its decision changes no more"),
                    format!("la démarche est {status} : sa décision ne change plus"),
                ),
                allowed: Vec::new(),
            });
        }
        status => {
            return Err(Refusal::Guard {
                rule: Rule::NotDeciding,
                message: Message::new(
                    format!("the process is {status}: move it to deciding before recording its decision"),
                    format!("la démarche est {status} : passez-la en décision avant d'enregistrer sa décision"),
                ),
                allowed: allowed_targets(status).to_vec(),
            });
        }
    };
    let event = ProcessEvent {
        from: Some(process.status),
        to: Some(ProcessStatus::Decided),
        resolution: Some(decision.resolution),
        decision: Some(decision.clone()),
        ..ProcessEvent::new(process.id, kind, actor, now)
    };
    let decided =
        Process { status: ProcessStatus::Decided, decision: Some(decision), updated_at: now, ..process.clone() };
    Ok((decided, event))
}

fn text<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str, &str) -> Result<T, FieldError>,
) -> Option<T> {
    match value {
        Some(value) => errors.collect(parse(field, value)),
        None => required(errors, field, "required", "obligatoire"),
    }
}

fn required<T>(errors: &mut ValidationErrors, field: &str, en: &'static str, fr: &'static str) -> Option<T> {
    errors.push(FieldError::new(field, crate::error::Code::Required, Message::new(en, fr)));
    None
}

fn not_applicable<T>(errors: &mut ValidationErrors, field: &str, en: &'static str) -> Option<T> {
    let fr = match field {
        "authority" => "seulement quand une autre autorité a décidé",
        _ => "seulement quand le conseil municipal a décidé",
    };
    errors.push(FieldError::new(field, Code::NotApplicable, Message::new(en, fr)));
    None
}

fn in_the_future(field: &str) -> FieldError {
    FieldError::new(
        field,
        Code::InTheFuture,
        Message::new("must not be in the future", "ne doit pas être dans le futur"),
    )
}
