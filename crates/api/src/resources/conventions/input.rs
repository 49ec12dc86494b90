//! What clients send about projects, and its translation into the domain's drafts. Required
//! fields are read as options so that every missing one is reported at once (by the domain).

use crate::resources::participation::input::ProcessRoutingInput;
use crate::wire;
use chrono::NaiveDate;
use implication_app::conventions::ProjectInput as ProjectUseCaseInput;
use implication_app::requests::RoutingCodes;
use implication_domain::conventions::diagnostic::ResolutionDraft;
use implication_domain::conventions::{
    CarrierDraft, DiagnosticDraft, ProjectDraft, RiskDraft, TaskDraft, TransitionAsk,
};
use implication_domain::{ProcessId, RequestId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who carries the project.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CarrierInput {
    #[schema(value_type = wire::RequesterKind, required = true)]
    pub kind: Option<wire::RequesterKind>,
    /// An organisation's name, or a person's (a person's is never public).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Association foncière de remembrement")]
    pub name: Option<String>,
    /// What they want from it (§5.6.3.2).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Des chemins praticables pour les engins agricoles"
    )]
    pub interest: Option<String>,
}

/// A new fifty-fifty project: from eligible, qualified `requests`, or from a coproduction
/// `process`, or both.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Rénovation des chemins ruraux 2018")]
    pub title: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub description: Option<String>,
    /// Qualified, eligible requests it starts from (they move to `in_fifty_fifty`), or requests
    /// already `in_fifty_fifty` that no project took.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub requests: Vec<Uuid>,
    /// The coproduction process it comes from.
    pub process: Option<Uuid>,
    /// Who carries it. Default: the associations whose tools sent its requests (never a
    /// requester's name).
    #[serde(default, deserialize_with = "crate::extract::objects_or_none")]
    #[schema(max_items = 30)]
    pub carriers: Option<Vec<CarrierInput>>,
    /// Who takes it. Default: its process's routing, or its first request's.
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub routing: Option<ProcessRoutingInput>,
}

impl From<&ProjectInput> for ProjectUseCaseInput {
    fn from(input: &ProjectInput) -> Self {
        Self {
            draft: ProjectDraft {
                title: input.title.clone(),
                description: input.description.clone(),
                requests: input.requests.iter().copied().map(RequestId::from_uuid).collect(),
                process: input.process.map(ProcessId::from_uuid),
                carriers: input.carriers.as_ref().map(|carriers| {
                    carriers
                        .iter()
                        .map(|c| CarrierDraft {
                            kind: c.kind.map(|k| k.0),
                            name: c.name.clone(),
                            interest: c.interest.clone(),
                        })
                        .collect()
                }),
            },
            routing: input
                .routing
                .as_ref()
                .map(|r| RoutingCodes { delegation: r.delegation.clone(), services: r.services.clone() }),
        }
    }
}

/// A task of the project, and who is expected to do it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 500,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Transporter les déblais et les remblais")]
    pub text: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "L'exploitation agricole"
    )]
    pub by: Option<String>,
}

/// How a risk was resolved, by whom, when (default: today).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Chaque partie a fourni son attestation d'assurance.")]
    pub how: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Services techniques")]
    pub by: Option<String>,
    /// Not after today. Default: today.
    pub on: Option<NaiveDate>,
}

/// A risk weighed: open until it has a `resolution`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    #[schema(value_type = wire::ProjectRisk, required = true)]
    pub kind: Option<wire::ProjectRisk>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "La place Mirabeau est classée au patrimoine mondial de l'UNESCO.")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub resolution: Option<ResolutionInput>,
}

/// A project's diagnostic: the whole document, replacing the one before.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosticInput {
    pub weight: Option<wire::ProjectWeight>,
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 50)]
    pub tasks: Vec<TaskInput>,
    /// In cents.
    #[schema(minimum = 0, maximum = 1_000_000_000, example = 2_500_000)]
    pub estimated_cost_cents: Option<i64>,
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 30)]
    pub risks: Vec<RiskInput>,
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub notes: Option<String>,
}

impl From<&DiagnosticInput> for DiagnosticDraft {
    fn from(input: &DiagnosticInput) -> Self {
        Self {
            weight: input.weight.map(|w| w.0),
            tasks: input.tasks.iter().map(|t| TaskDraft { text: t.text.clone(), by: t.by.clone() }).collect(),
            estimated_cost_cents: input.estimated_cost_cents,
            risks: input
                .risks
                .iter()
                .map(|r| RiskDraft {
                    kind: r.kind.map(|k| k.0),
                    description: r.description.clone(),
                    resolution: r.resolution.as_ref().map(|s| ResolutionDraft {
                        how: s.how.clone(),
                        by: s.by.clone(),
                        on: s.on,
                    }),
                })
                .collect(),
            notes: input.notes.clone(),
        }
    }
}

/// A change of a project's status.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectTransitionInput {
    #[schema(value_type = wire::ProjectStatus, required = true)]
    pub to: Option<wire::ProjectStatus>,
    /// Why: required to abandon the project or hand it to the services.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub reason: Option<String>,
    /// What was learnt: required to abandon it, refused otherwise.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub learnt: Option<String>,
}

impl From<&ProjectTransitionInput> for TransitionAsk {
    fn from(input: &ProjectTransitionInput) -> Self {
        Self { to: input.to.map(|t| t.0), reason: input.reason.clone(), learnt: input.learnt.clone() }
    }
}
