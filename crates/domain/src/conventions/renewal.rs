//! Renewing a yearly fifty-fifty (§5.6.4.1: the rural paths, every year since 2015, the farmers
//! choosing which path goes first): next year's project starts from last year's, already
//! diagnosed, and its convention's first draft is last year's signed text for a new period — the
//! same parties, their commitments to be followed anew. The series adds up, year after year.

use super::convention::{Content, Convention};
use super::lifecycle::{Refusal, Rule};
use super::missing;
use super::project::{Project, ProjectTitle};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{CommitmentId, ProjectId};
use crate::vocabulary::{ConventionStatus, ProjectStatus};
use chrono::{DateTime, NaiveDate, Utc};

/// A renewal as received.
#[derive(Debug, Clone, Default)]
pub struct RenewalDraft {
    /// Next year's project ("Rénovation des chemins ruraux 2019").
    pub title: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// Next year's project (already `drafting`, its diagnostic last year's) and its convention's first
/// text, from last year's completed convention `previous` of `project`, whose signed text is
/// `signed`. `renewed`: whether the project was renewed already (a series goes one year at a time).
pub fn renew(
    project: &Project,
    previous: &Convention,
    signed: &Content,
    renewed: bool,
    draft: &RenewalDraft,
    now: DateTime<Utc>,
) -> Result<(Project, Content), Refusal> {
    if previous.status != ConventionStatus::Completed {
        return Err(Refusal::guard(
            Rule::NotCompleted,
            Message::new(
                format!("the convention is {}: a convention is renewed once completed", previous.status),
                format!("la convention est {} : une convention se renouvelle une fois exécutée", previous.status),
            ),
            Vec::new(),
        ));
    }
    if renewed {
        return Err(Refusal::guard(
            Rule::AlreadyRenewed,
            Message::new(
                "this year was renewed already: renew the latest one",
                "cette année a déjà été renouvelée : renouvelez la dernière",
            ),
            Vec::new(),
        ));
    }
    let mut errors = ValidationErrors::default();
    let title = match draft.title.as_deref() {
        Some(title) => errors.collect(ProjectTitle::parse("title", title)),
        None => {
            errors.push(missing(
                "title",
                "give next year's project a title",
                "donnez un titre au projet de l'année suivante",
            ));
            None
        }
    };
    let last_day = signed.ends_on;
    let starts_on = match draft.starts_on {
        Some(day) if last_day.is_some_and(|last| day <= last) => {
            errors.push(FieldError::new(
                "starts_on",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must come after the period renewed (it ended on {})", last_day.unwrap_or(day)),
                    format!("doit suivre la période renouvelée (achevée le {})", last_day.unwrap_or(day)),
                ),
            ));
            None
        }
        Some(day) => errors.collect(crate::time::check_date("starts_on", day)),
        None => {
            errors.push(missing(
                "starts_on",
                "give the new period's first day",
                "donnez le premier jour de la nouvelle période",
            ));
            None
        }
    };
    let ends_on = match draft.ends_on {
        Some(day) if starts_on.is_some_and(|start| day < start) => {
            errors.push(FieldError::new(
                "ends_on",
                crate::error::Code::OutOfRange,
                Message::new("must not come before the first day", "ne doit pas précéder le premier jour"),
            ));
            None
        }
        Some(day) => errors.collect(crate::time::check_date("ends_on", day)),
        None => {
            errors.push(missing(
                "ends_on",
                "give the new period's last day",
                "donnez le dernier jour de la nouvelle période",
            ));
            None
        }
    };
    errors.into_result().map_err(Refusal::Invalid)?;
    let (Some(title), Some(starts_on), Some(ends_on)) = (title, starts_on, ends_on) else {
        return Err(Refusal::Invalid(ValidationErrors::default()));
    };
    let next = Project {
        id: ProjectId::new(),
        title,
        renews: Some(project.id),
        status: ProjectStatus::Drafting,
        ending: None,
        version: 1,
        created_at: now,
        updated_at: now,
        ..project.clone()
    };
    let mut content = signed.clone();
    content.starts_on = Some(starts_on);
    content.ends_on = Some(ends_on);
    // The same parties; their commitments, to be followed anew, are new ones, their due dates to
    // be set again; an individual's consent to be named is asked again.
    for party in &mut content.parties {
        party.named_publicly = false;
        for commitment in &mut party.commitments {
            commitment.id = CommitmentId::new();
            commitment.due_on = None;
        }
    }
    Ok((next, content))
}
