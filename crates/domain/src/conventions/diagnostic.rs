//! A project's diagnostic (§5.6.3.2, §6.3): its weight — light (finishing work: painting,
//! replacing mats; quick and cheap) or heavy (structural work: roads, concrete shelters; long,
//! costly, may fail) —, its tasks, its estimated cost, and its risks (insurance, conformity of
//! what is built, heritage protection, participants' safety), each open or resolved with how, by
//! whom and when. A heavy project with an open risk cannot take its convention to signature
//! ([`may_go_to_signature`]); the town may then take the work over.

use super::lifecycle::{Refusal, Rule};
use super::{Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::vocabulary::{ProjectRisk, ProjectWeight};
use chrono::NaiveDate;

text_type!(
    /// A task ("reprendre les fonds de forme", "transporter les déblais"): 1 to 500 characters.
    TaskText, 500, parse_text
);
text_type!(
    /// Who does a task, or who resolved a risk ("les agriculteurs", "l'architecte des bâtiments de
    /// France"): 1 to 200 characters.
    Who, 200, parse_name
);
text_type!(
    /// A risk, or how it was resolved: 1 to 2,000 characters.
    RiskText, 2_000, parse_text
);
text_type!(
    /// The diagnostic's notes: 1 to 5,000 characters.
    Notes, 5_000, parse_text
);

/// How many tasks and risks a diagnostic lists at most.
pub const MAX_TASKS: usize = 50;
pub const MAX_RISKS: usize = 30;
/// The most a project may be estimated to cost, in cents (ten million euros).
pub const MAX_COST_CENTS: i64 = 1_000_000_000;

/// One task of the project, and who is expected to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub text: TaskText,
    pub by: Option<Who>,
}

/// How a risk was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub how: RiskText,
    pub by: Who,
    pub on: NaiveDate,
}

/// A risk weighed, open until resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    pub kind: ProjectRisk,
    pub description: RiskText,
    pub resolution: Option<Resolution>,
}

impl Risk {
    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }
}

/// A diagnostic, checked. A new project's is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostic {
    pub weight: Option<ProjectWeight>,
    pub tasks: Vec<Task>,
    pub estimated_cost_cents: Option<i64>,
    pub risks: Vec<Risk>,
    pub notes: Option<Notes>,
}

impl Diagnostic {
    /// The fields a diagnostic needs before the convention is drafted: its weight and a task.
    pub fn missing(&self) -> Vec<FieldError> {
        let mut missing_fields = Vec::new();
        if self.weight.is_none() {
            missing_fields.push(missing(
                "diagnostic.weight",
                "weigh the project: light (finishing work) or heavy (structural work)",
                "pesez le projet : léger (second œuvre) ou lourd (gros œuvre)",
            ));
        }
        if self.tasks.is_empty() {
            missing_fields.push(missing(
                "diagnostic.tasks",
                "list the tasks the convention will share out",
                "listez les tâches que la convention répartira",
            ));
        }
        missing_fields
    }

    /// The open risks, each named by its place in the list.
    pub fn open_risks(&self) -> Vec<FieldError> {
        self.risks
            .iter()
            .enumerate()
            .filter(|(_, risk)| risk.is_open())
            .map(|(i, risk)| {
                FieldError::new(
                    format!("diagnostic.risks[{i}]"),
                    Code::OpenRisk,
                    Message::new(
                        format!("the {} risk is still open", risk.kind.code()),
                        format!("le risque « {} » n'est pas levé", risk.kind.code()),
                    ),
                )
            })
            .collect()
    }
}

/// Whether a project with `diagnostic` may take its convention to signature: once weighed and
/// its tasks listed (rule `diagnostic_incomplete`), and, heavy, once every risk is resolved
/// (rule `open_risks`, naming each). A light project's open risks are the convention's clauses'
/// business (the town's policy may cover finishing work).
pub fn may_go_to_signature(diagnostic: &Diagnostic) -> Result<(), Refusal> {
    let lacking = diagnostic.missing();
    if !lacking.is_empty() {
        return Err(Refusal::guard(
            Rule::DiagnosticIncomplete,
            Message::new(
                "the diagnostic is incomplete: weigh the project and list its tasks first",
                "le diagnostic est incomplet : pesez le projet et listez ses tâches d'abord",
            ),
            lacking,
        ));
    }
    let open = diagnostic.open_risks();
    if diagnostic.weight == Some(ProjectWeight::Heavy) && !open.is_empty() {
        return Err(Refusal::guard(
            Rule::OpenRisks,
            Message::new(
                format!(
                    "a heavy project goes to signature only once its risks are resolved ({} open); the town may take the work over",
                    open.len()
                ),
                format!(
                    "un projet lourd ne va à la signature qu'une fois ses risques levés ({} ouverts) ; la commune peut reprendre les travaux",
                    open.len()
                ),
            ),
            open,
        ));
    }
    Ok(())
}

/// A task as received.
#[derive(Debug, Clone, Default)]
pub struct TaskDraft {
    pub text: Option<String>,
    pub by: Option<String>,
}

/// A risk's resolution as received.
#[derive(Debug, Clone, Default)]
pub struct ResolutionDraft {
    pub how: Option<String>,
    pub by: Option<String>,
    pub on: Option<NaiveDate>,
}

/// A risk as received.
#[derive(Debug, Clone, Default)]
pub struct RiskDraft {
    pub kind: Option<ProjectRisk>,
    pub description: Option<String>,
    pub resolution: Option<ResolutionDraft>,
}

/// A diagnostic as received: the whole document, replacing the one before.
#[derive(Debug, Clone, Default)]
pub struct DiagnosticDraft {
    pub weight: Option<ProjectWeight>,
    pub tasks: Vec<TaskDraft>,
    pub estimated_cost_cents: Option<i64>,
    pub risks: Vec<RiskDraft>,
    pub notes: Option<String>,
}

impl DiagnosticDraft {
    /// Checks every field at once, naming each as the document reads them
    /// (`tasks[2].text`, `risks[0].resolution.on`); `today` is the town's day (no resolution
    /// dated later).
    pub fn parse(&self, today: NaiveDate) -> Result<Diagnostic, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let tasks = self.parse_tasks(&mut errors);
        let risks = self.parse_risks(today, &mut errors);
        let estimated_cost_cents = match self.estimated_cost_cents {
            Some(cents) if !(0..=MAX_COST_CENTS).contains(&cents) => {
                errors.push(FieldError::new(
                    "estimated_cost_cents",
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("must be between 0 and {MAX_COST_CENTS} cents"),
                        format!("doit être compris entre 0 et {MAX_COST_CENTS} centimes"),
                    ),
                ));
                None
            }
            other => other,
        };
        let notes = self.notes.as_deref().and_then(|n| errors.collect(Notes::parse("notes", n)));
        errors.into_result()?;
        Ok(Diagnostic { weight: self.weight, tasks, estimated_cost_cents, risks, notes })
    }

    fn parse_tasks(&self, errors: &mut ValidationErrors) -> Vec<Task> {
        too_many("tasks", self.tasks.len(), MAX_TASKS, errors);
        let mut tasks = Vec::with_capacity(self.tasks.len());
        for (i, draft) in self.tasks.iter().enumerate() {
            let text = match draft.text.as_deref() {
                Some(text) => errors.collect(TaskText::parse(&format!("tasks[{i}].text"), text)),
                None => {
                    errors.push(missing(
                        &format!("tasks[{i}].text"),
                        "say what the task is",
                        "dites quelle est la tâche",
                    ));
                    None
                }
            };
            let by = draft.by.as_deref().and_then(|who| errors.collect(Who::parse(&format!("tasks[{i}].by"), who)));
            if let Some(text) = text {
                tasks.push(Task { text, by });
            }
        }
        tasks
    }

    fn parse_risks(&self, today: NaiveDate, errors: &mut ValidationErrors) -> Vec<Risk> {
        too_many("risks", self.risks.len(), MAX_RISKS, errors);
        let mut risks = Vec::with_capacity(self.risks.len());
        for (i, draft) in self.risks.iter().enumerate() {
            let at = format!("risks[{i}]");
            if draft.kind.is_none() {
                errors.push(missing(
                    &format!("{at}.kind"),
                    "name the risk: insurance, conformity, heritage or participant_safety",
                    "nommez le risque : assurance, conformité, patrimoine ou sécurité des participants",
                ));
            }
            let description = match draft.description.as_deref() {
                Some(text) => errors.collect(RiskText::parse(&format!("{at}.description"), text)),
                None => {
                    errors.push(missing(&format!("{at}.description"), "describe the risk", "décrivez le risque"));
                    None
                }
            };
            let resolution =
                draft.resolution.as_ref().map(|r| parse_resolution(&format!("{at}.resolution"), r, today, errors));
            if let (Some(kind), Some(description)) = (draft.kind, description) {
                match resolution {
                    Some(None) => {}
                    Some(Some(resolution)) => risks.push(Risk { kind, description, resolution: Some(resolution) }),
                    None => risks.push(Risk { kind, description, resolution: None }),
                }
            }
        }
        risks
    }
}

fn parse_resolution(
    at: &str,
    draft: &ResolutionDraft,
    today: NaiveDate,
    errors: &mut ValidationErrors,
) -> Option<Resolution> {
    let how = match draft.how.as_deref() {
        Some(text) => errors.collect(RiskText::parse(&format!("{at}.how"), text)),
        None => {
            errors.push(missing(
                &format!("{at}.how"),
                "say how the risk was resolved",
                "dites comment le risque a été levé",
            ));
            None
        }
    };
    let by = match draft.by.as_deref() {
        Some(who) => errors.collect(Who::parse(&format!("{at}.by"), who)),
        None => {
            errors.push(missing(&format!("{at}.by"), "say who resolved it", "dites qui l'a levé"));
            None
        }
    };
    let on = match draft.on {
        Some(date) => errors.collect(crate::time::check_past_date(&format!("{at}.on"), date, today)),
        None => Some(today),
    };
    Some(Resolution { how: how?, by: by?, on: on? })
}

fn too_many(field: &str, count: usize, max: usize, errors: &mut ValidationErrors) {
    if count > max {
        errors.push(FieldError::new(
            field,
            crate::error::Code::TooMany,
            Message::new(format!("at most {max}"), format!("{max} au plus")),
        ));
    }
}
