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
