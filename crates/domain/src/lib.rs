//! The rules of citizen involvement ("implication habitante"), as plain Rust.
//!
//! This crate knows nothing of HTTP, SQL or OpenAPI: untrusted input is parsed into the types
//! defined here (so an invalid value cannot be represented), and every rule is written once,
//! here, with its unit tests. See `DOMAIN.md` for the vocabulary.
//!
//! A folder per bounded context, with the same names in the storage and API crates:
//! `identity` (municipalities, neighbourhoods, accounts, roles, services, delegations, machine
//! clients), `requests` (intake, lifecycle, qualification, similarity, answers, tracking,
//! themes), `participation` (processes, their levels, decisions and what they do to the requests
//! they gather), `conventions` (fifty-fifty projects: their diagnostic, their conventions and what
//! becomes of them), `evaluation` (the indicators' shared definitions), `webhooks` (the events a
//! change tells subscribers, and to whom), and `common` for what they all use.

pub mod common;
pub mod conventions;
pub mod evaluation;
pub mod identity;
pub mod participation;
pub mod requests;
pub mod webhooks;

pub use common::{error, ids, slug, time, version, vocabulary};
pub use error::{FieldError, Message, ValidationErrors};
pub use identity::municipality::{
    InseeCode, Municipality, MunicipalityName, MunicipalitySettings, NewMunicipality, Population,
};
pub use identity::neighbourhood::{Neighbourhood, NeighbourhoodChanges, NeighbourhoodName, NewNeighbourhood};
pub use ids::{
    AccountId, AnswerId, BodyId, CommitmentId, ConventionId, DelegationId, DeliveryId, DrawId, MachineClientId,
    MeetingId, MemberId, MunicipalityId, NarrativeId, NeighbourhoodId, NoticeId, OrganisationId, ParticipantId,
    ParticipationId, PartyId, ProcessEventId, ProcessId, ProjectEventId, ProjectId, PromiseId, ReactionId,
    RequestEventId, RequestId, RoundId, ServiceId, StepId, SurveyId, ThemeId,
};
pub use slug::Slug;
pub use version::Precondition;
pub use vocabulary::Language;
