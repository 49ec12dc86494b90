//! The steps still ahead of a request or a process (the principle of truth, §6.4.2 and annex B2:
//! the mayor said yes before the services gave a delay): a permit, another authority, the
//! council, the works — each with the day it is expected. When a step slips, its expected day
//! moves but the first one given is kept, so that the slip shows.

use super::{About, Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{MunicipalityId, StepId};
use crate::vocabulary::StepKind;
use chrono::{DateTime, NaiveDate, Utc};

text_type!(
    /// What the step is ("Permis d'aménagement instruit par la DDTM"): 1 to 500 characters.
    StepDescription, 500, parse_text
);

/// A step ahead (or done), as stored.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: StepId,
    pub municipality: MunicipalityId,
    pub about: About,
    pub kind: StepKind,
    pub description: StepDescription,
    /// The day it is now expected, where the municipality is.
    pub expected_on: NaiveDate,
    /// The day first given: an expected day that moves keeps it.
    pub first_expected_on: NaiveDate,
    /// The day it was done; until then, it is still ahead.
    pub done_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Step {
    pub fn is_ahead(&self) -> bool {
        self.done_on.is_none()
    }

    /// Still ahead, and its expected day has passed (`today`: the municipality's local day).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.is_ahead() && today > self.expected_on
    }

    /// Its expected day moved later than the first one given.
    pub fn slipped(&self) -> bool {
        self.expected_on > self.first_expected_on
    }
}

/// A step as received, or the changes to one (every field optional then).
#[derive(Debug, Clone, Default)]
pub struct StepDraft {
    pub kind: Option<StepKind>,
    pub description: Option<String>,
    pub expected_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

impl StepDraft {
    /// A new step of `about`, every invalid field named at once.
    pub fn parse_new(
        &self,
        municipality: MunicipalityId,
        about: About,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Step, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.kind.is_none() {
            errors.push(missing("kind", "name the kind of step", "nommez le type d'étape"));
        }
        let description = match self.description.as_deref() {
            Some(text) => errors.collect(StepDescription::parse("description", text)),
            None => {
                errors.push(missing("description", "say what the step is", "dites quelle est l'étape"));
                None
            }
        };
        let expected_on = match self.expected_on {
            Some(date) => errors.collect(crate::time::check_date("expected_on", date)),
            None => {
                errors.push(missing("expected_on", "give the day it is expected", "donnez le jour attendu"));
                None
            }
        };
        self.check_done(today, &mut errors);
        errors.into_result()?;
        let (Some(kind), Some(description), Some(expected_on)) = (self.kind, description, expected_on) else {
            return Err(ValidationErrors::default());
        };
        Ok(Step {
            id: StepId::new(),
            municipality,
            about,
            kind,
            description,
            expected_on,
            first_expected_on: expected_on,
            done_on: self.done_on,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    /// `current` with what this draft gives changed (a field left out is kept). A step done
    /// stays done: its day may be corrected, not taken back.
    pub fn apply(&self, current: &Step, today: NaiveDate, now: DateTime<Utc>) -> Result<Step, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let description =
            self.description.as_deref().and_then(|d| errors.collect(StepDescription::parse("description", d)));
        let expected_on = self.expected_on.and_then(|d| errors.collect(crate::time::check_date("expected_on", d)));
        self.check_done(today, &mut errors);
        errors.into_result()?;
        Ok(Step {
            kind: self.kind.unwrap_or(current.kind),
            description: description.unwrap_or_else(|| current.description.clone()),
            expected_on: expected_on.unwrap_or(current.expected_on),
            done_on: self.done_on.or(current.done_on),
            updated_at: now,
            ..current.clone()
        })
    }

    fn check_done(&self, today: NaiveDate, errors: &mut ValidationErrors) {
        if let Some(done) = self.done_on {
            if let Err(error) = crate::time::check_date("done_on", done) {
                errors.push(error);
            } else if done > today {
                errors.push(FieldError::new(
                    "done_on",
                    Code::InTheFuture,
                    Message::new("a step is done on a day already come", "une étape est faite un jour déjà venu"),
                ));
            }
        }
    }
}
