//! What clients send about processes, and its translation into the domain's drafts. Required
//! fields are read as options so that every missing one is reported at once (by the domain).

use crate::wire;
use chrono::NaiveDate;
use implication_app::participation::ProcessInput as ProcessUseCaseInput;
use implication_app::requests::RoutingCodes;
use implication_domain::RequestId;
use implication_domain::participation::{DecisionDraft, PerimeterDraft, ProcessDraft};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a process applies.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PerimeterInput {
    #[schema(value_type = wire::PerimeterKind, required = true)]
    pub kind: Option<wire::PerimeterKind>,
    /// Neighbourhood codes (required for `neighbourhoods`, optional for `streets`).
    #[serde(default)]
    #[schema(max_items = 30, example = json!(["cite-5"]))]
    pub neighbourhoods: Vec<String>,
    /// Street names (required for `streets`).
    #[serde(default)]
    #[schema(max_items = 30, example = json!(["Rue Lamartine"]))]
    pub streets: Vec<String>,
}

/// Who takes the process: an elected official's delegation and the services, by their codes.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessRoutingInput {
    #[schema(example = "travaux-et-urbanisme")]
    pub delegation: Option<String>,
    #[serde(default)]
    #[schema(example = json!(["services-techniques"]))]
    pub services: Vec<String>,
}

/// A new process. Without `requests`, it is the town's initiative.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessInput {
    #[schema(required = true, min_length = 1, max_length = 200, example = "La vitesse dans la cité 5")]
    pub subject: Option<String>,
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub description: Option<String>,
    /// Default: the whole town.
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub perimeter: Option<PerimeterInput>,
    #[schema(value_type = wire::ParticipationLevel, required = true)]
    pub level: Option<wire::ParticipationLevel>,
    #[serde(default, deserialize_with = "crate::extract::object_or_default")]
    pub routing: ProcessRoutingInput,
    /// Qualified requests it starts from; they move to `in_process`.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub requests: Vec<Uuid>,
}

impl From<&ProcessInput> for ProcessUseCaseInput {
    fn from(input: &ProcessInput) -> Self {
        Self {
            draft: ProcessDraft {
                subject: input.subject.clone(),
                description: input.description.clone(),
                perimeter: input.perimeter.as_ref().map(|p| PerimeterDraft {
                    kind: p.kind.map(|k| k.0),
                    neighbourhoods: p.neighbourhoods.clone(),
                    streets: p.streets.clone(),
                }),
                level: input.level.map(|l| l.0),
                requests: input.requests.iter().copied().map(RequestId::from_uuid).collect(),
            },
            routing: RoutingCodes {
                delegation: input.routing.delegation.clone(),
                services: input.routing.services.clone(),
            },
        }
    }
}

/// Where to move a process.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessTransitionInput {
    #[schema(value_type = wire::ProcessStatus, required = true)]
    pub to: Option<wire::ProcessStatus>,
    /// Why (required to abandon): its participants read it.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

/// A new participation level, and why.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelInput {
    #[schema(value_type = wire::ParticipationLevel, required = true)]
    pub level: Option<wire::ParticipationLevel>,
    #[schema(
        required = true,
        min_length = 1,
        max_length = 2000,
        example = "La concertation est devenue coproduction."
    )]
    pub reason: Option<String>,
}

/// A request to link.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    #[schema(value_type = Uuid, required = true)]
    pub request: Option<Uuid>,
}

/// The council's deliberation.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliberationInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 50, example = "2026-045")]
    pub number: Option<String>,
    #[schema(value_type = NaiveDate, required = true)]
    pub date: Option<NaiveDate>,
}

/// A process's decision.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub outcome: Option<String>,
    #[schema(value_type = wire::DecisionMaker, required = true)]
    pub decided_by: Option<wire::DecisionMaker>,
    /// The authority that decided (only, and then required, with `other_authority`).
    #[schema(min_length = 1, max_length = 200, example = "Éducation nationale")]
    pub authority: Option<String>,
    /// Only, and then required, with `municipal_council`.
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub deliberation: Option<DeliberationInput>,
    #[schema(value_type = NaiveDate, required = true)]
    pub decided_on: Option<NaiveDate>,
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub rationale: Option<String>,
    /// How the requests of the process end when it closes: `done`, `status_quo` or `abandoned`.
    #[schema(value_type = wire::Resolution, required = true)]
    pub resolution: Option<wire::Resolution>,
    /// Surveys of this process whose results the decision cites (at most 10).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub surveys: Vec<Uuid>,
}

impl From<&DecisionInput> for DecisionDraft {
    fn from(input: &DecisionInput) -> Self {
        Self {
            outcome: input.outcome.clone(),
            decided_by: input.decided_by.map(|d| d.0),
            authority: input.authority.clone(),
            deliberation_number: input.deliberation.as_ref().and_then(|d| d.number.clone()),
            deliberation_date: input.deliberation.as_ref().and_then(|d| d.date),
            decided_on: input.decided_on,
            rationale: input.rationale.clone(),
            resolution: input.resolution.map(|r| r.0),
            surveys: input.surveys.iter().copied().map(implication_domain::SurveyId::from_uuid).collect(),
        }
    }
}
