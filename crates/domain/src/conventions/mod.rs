//! Fifty-fifty projects and their conventions (`DOMAIN.md`, "Fifty-fifty projects and
//! conventions"; the référentiel's §5.6, §6.3 and annex A3): "an idea, the town's support, a
//! convention". A project starts from eligible, qualified requests or from a coproduction
//! process; the services and the elected official diagnose it (its weight, tasks, cost and
//! risks), draft its convention, have it signed, follow it, and record how it ended.
//!
//! This module holds what a project is and how one starts ([`project`]); [`diagnostic`] its
//! diagnostic and the risks that hold back a heavy project; [`lifecycle`] its statuses and how
//! its requests close with it; [`history`] its entries; [`convention`] the convention's text, its
//! versions and their hash; [`signature`] insurance attestations, opening for signature, signing.

pub mod convention;
pub mod diagnostic;
pub mod follow_up;
pub mod history;
pub mod lifecycle;
pub mod organisation;
pub mod project;
pub mod readers;
pub mod renewal;
pub mod signature;
#[cfg(test)]
mod tests;

pub use convention::{Content, ContentDraft, Convention, Version};
pub use diagnostic::{Diagnostic, DiagnosticDraft, Resolution as RiskResolution, Risk, RiskDraft, Task, TaskDraft};
pub use history::ProjectEvent;
pub use lifecycle::{Refusal, Rule, Transition, TransitionAsk};
pub use project::{Carrier, CarrierDraft, Ending, NewProject, Project, ProjectDraft};
pub use readers::Readers;

use crate::error::{FieldError, Message};

crate::error_codes!(
    /// Field error codes of the conventions context.
    Code {
        UnknownRequest = "unknown_request",
        UnknownProcess = "unknown_process",
        DuplicateRequest = "duplicate_request",
        OpenRisk = "open_risk",
        NotApplicable = "not_applicable",
        MunicipalityParty = "municipality_party",
        UnknownParty = "unknown_party",
        UnknownCommitment = "unknown_commitment",
        InvalidHash = "invalid_hash",
        UnknownOrganisation = "unknown_organisation",
    }
);

/// A required field left out, with what to give.
fn missing(field: &str, en: &'static str, fr: &'static str) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new(en, fr))
}
