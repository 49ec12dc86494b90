//! The rules of citizen involvement ("implication habitante"), as plain Rust.
//!
//! This crate knows nothing of HTTP, SQL or OpenAPI: untrusted input is parsed into the types
//! defined here (so an invalid value cannot be represented), and every rule is written once,
//! here, with its unit tests. See `DOMAIN.md` for the vocabulary.

pub mod error;
pub mod identity;
pub mod ids;
pub mod municipality;
pub mod neighbourhood;
pub mod qualification;
pub mod request;
pub mod slug;
pub mod theme;
pub mod time;
pub mod vocabulary;

pub use error::{FieldError, ValidationErrors};
pub use ids::{
    AccountId, AnswerId, DelegationId, MachineClientId, MunicipalityId, NeighbourhoodId, RequestEventId, RequestId,
    ServiceId, ThemeId,
};
pub use municipality::{InseeCode, Municipality, MunicipalityName, MunicipalitySettings, NewMunicipality, Population};
pub use neighbourhood::{Neighbourhood, NeighbourhoodName, NewNeighbourhood};
pub use slug::Slug;
pub use vocabulary::Language;
