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
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A stable code of what is wrong with the field; new codes may be added."))
            .enum_values(Some(codes))
            .into()
    }
}

impl utoipa::ToSchema for FieldErrorCode {}

/// The rules that refuse a transition (`rule` of a 409).
#[derive(Debug)]
pub struct TransitionRule;

impl utoipa::PartialSchema for TransitionRule {
    fn schema() -> RefOr<Schema> {
        use implication_domain::requests::lifecycle::Rule;
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The lifecycle's rule that refused the transition."))
            .enum_values(Some(Rule::ALL.iter().map(|r| r.code())))
            .into()
    }
}

impl utoipa::ToSchema for TransitionRule {}
