//! The domain's enumerations as the contract shows them: each one a named string schema listing
//! its codes (clients generate enums from it). Serde goes through the domain type itself, so an
//! unknown code is a 422 naming the field and the codes allowed.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Schema, Type};
use utoipa::openapi::{ObjectBuilder, RefOr};

macro_rules! wire_enum {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
            #[serde(transparent)]
            pub struct $name(pub implication_domain::vocabulary::$name);

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    let domain = implication_domain::vocabulary::$name::enumeration();
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some(format!("{} (labels: `GET /v1/vocabulary`, `{}`).", domain.description.en, domain.name)))
                        .enum_values(Some(implication_domain::vocabulary::$name::ALL.iter().map(|v| v.code())))
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {}

            impl From<implication_domain::vocabulary::$name> for $name {
                fn from(value: implication_domain::vocabulary::$name) -> Self {
                    Self(value)
                }
            }
        )+
    };
}

wire_enum!(
    RequestKind,
    Channel,
    RequesterKind,
    RequestStatus,
    Resolution,
    RequestEventKind,
    ActorKind,
    Competence,
    StakeholderRole,
    ParticipationLevel,
    FiftyFiftyPrerequisite,
    LivingEnvironmentAim,
    PerimeterKind,
    ProcessStatus,
    ProcessOrigin,
    ProcessEventKind,
    DecisionMaker,
    MeetingKind,
    MeetingStage,
    NoticeMedium,
    EligibleUnit,
    BodyKind,
    MinutesAudience,
    StepKind,
    PromiseKind,
    PromiseStatus,
    ProjectStatus,
    ProjectEventKind,
    ProjectWeight,
    ProjectRisk,
    ProjectOutcome,
    NarrativeStatus,
    NarrativeSubject,
    ParticipationKind,
    RoundStatus,
    FindingKind,
    ConventionStatus,
    PartyKind,
    CommitmentKind,
    UpkeepRecurrence,
    CommitmentFulfilment,
);

/// Every code a field of a problem document can carry (`errors[].code`): the enumerations of
/// each context's field error codes, so that clients can switch on them.
#[derive(Debug)]
pub struct FieldErrorCode;

impl utoipa::PartialSchema for FieldErrorCode {
    fn schema() -> RefOr<Schema> {
        use implication_domain::error::{Code, ErrorCode};
        let codes = Code::ALL.iter().map(|c| c.code());
        let codes = codes.chain(implication_domain::identity::Code::ALL.iter().map(|c| c.code()));
        let codes = codes.chain(implication_domain::requests::Code::ALL.iter().map(|c| c.code()));
        let codes = codes.chain(implication_domain::participation::Code::ALL.iter().map(|c| c.code()));
        let codes = codes.chain(implication_domain::conventions::Code::ALL.iter().map(|c| c.code()));
        let codes = codes.chain(implication_domain::evaluation::Code::ALL.iter().map(|c| c.code()));
        let codes = codes.chain(implication_domain::webhooks::Code::ALL.iter().map(|c| c.code()));
        // Contexts share some codes (`not_applicable`): each is listed once.
        let mut unique: Vec<&str> = Vec::new();
        for code in codes {
            if !unique.contains(&code) {
                unique.push(code);
            }
        }
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A stable code of what is wrong with the field; new codes may be added."))
            .enum_values(Some(unique))
            .into()
    }
}

impl utoipa::ToSchema for FieldErrorCode {}

/// The rules that refuse a transition (`rule` of a 409).
#[derive(Debug)]
pub struct TransitionRule;

impl utoipa::PartialSchema for TransitionRule {
    fn schema() -> RefOr<Schema> {
        use implication_domain::conventions::Rule as ProjectRule;
        use implication_domain::evaluation::narrative::Rule as NarrativeRule;
        use implication_domain::evaluation::round::Rule as RoundRule;
        use implication_domain::participation::Rule as ProcessRule;
        use implication_domain::requests::lifecycle::Rule;
        let requests = Rule::ALL.iter().map(|r| r.code());
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The rule that refused the change (of a request's, a process's or a project's lifecycle).",
            ))
            .enum_values(Some(
                requests
                    .chain(ProcessRule::ALL.iter().map(|r| r.code()))
                    .chain(ProjectRule::ALL.iter().map(|r| r.code()))
                    .chain(NarrativeRule::ALL.iter().map(|r| r.code()))
                    .chain(RoundRule::ALL.iter().map(|r| r.code())),
            ))
            .into()
    }
}

impl utoipa::ToSchema for TransitionRule {}
