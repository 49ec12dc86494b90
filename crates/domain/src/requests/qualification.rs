//! Qualification: what a vague request becomes once the town has answered, with its requesters,
//! the questions of the référentiel's §5.4.2 (`DOMAIN.md`, "Qualification"). Completeness and
//! fifty-fifty eligibility are computed here, never set by a client; they feed the lifecycle's
//! guards through [`QualificationFacts`].

use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::{DelegationId, ProcessId, RequestId, ServiceId};
use crate::requests::lifecycle::QualificationFacts;
use crate::requests::parse_text;
use crate::slug::Slug;
use crate::vocabulary::{
    Competence, FiftyFiftyPrerequisite, LivingEnvironmentAim, ParticipationLevel, StakeholderRole,
};

/// The most stakeholders, earlier requests and services one qualification may list.
pub const MAX_STAKEHOLDERS: usize = 50;
pub const MAX_PREVIOUS: usize = 50;
pub const MAX_SERVICES: usize = 10;
/// Long texts of a qualification (restated need, interests, justifications).
pub const TEXT_MAX: usize = 2_000;
/// Names (a stakeholder, a competent authority, an `other` aim).
pub const NAME_MAX: usize = 200;

/// One actor of the map (cartographie des acteurs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stakeholder {
    /// A person's name or an organisation.
    pub name: String,
    pub role: StakeholderRole,
    pub interest: Option<String>,
    /// Whether their interest conflicts with the requester's.
    pub conflicts_with_requester: bool,
}

/// A prerequisite answered yes or no, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrerequisiteAnswer {
    pub holds: bool,
    pub justification: String,
    /// For the living environment only: what it improves.
    pub aims: Vec<LivingEnvironmentAim>,
    /// What the `other` aim is, in words: given exactly when `aims` holds `other`.
    pub other_aim: Option<String>,
}

/// Who takes the request: an elected official's delegation and the services in charge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    pub delegation: Option<DelegationId>,
    pub services: Vec<ServiceId>,
}

/// A qualification, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Qualification {
    pub restated_need: Option<String>,
    pub requester_interest: Option<String>,
    pub stakeholders: Vec<Stakeholder>,
    pub competence: Option<Competence>,
    /// Named when the competence is not the municipality's (the agglomeration, the département…).
    pub competent_authority: Option<String>,
    pub previously_handled: Vec<RequestId>,
    /// Participation processes that handled the subject before.
    pub previously_handled_processes: Vec<ProcessId>,
    pub themes: Vec<Slug>,
    pub neighbourhood: Option<Slug>,
    pub routing: Routing,
    pub recommended_level: Option<ParticipationLevel>,
    /// The prerequisites (the four of §5.6.1, §5.6.3.1's unmet need, §5.6.4.2's no public
    /// service replaced); an unanswered one is unmet.
    pub prerequisites: Vec<(FiftyFiftyPrerequisite, PrerequisiteAnswer)>,
}

/// Whether the essentials are there to decide, and what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completeness {
    pub complete: bool,
    /// Field names: `restated_need`, `competence`, `recommended_level`.
    pub missing: Vec<&'static str>,
}

/// Whether a fifty-fifty is possible, and which prerequisites are not met (or not answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub eligible: bool,
    pub unmet: Vec<FiftyFiftyPrerequisite>,
}

impl Qualification {
    /// What a request without a recorded qualification reads as: nothing but the request's own
    /// themes and neighbourhood (so incomplete, and not eligible).
    pub fn unrecorded(request: &crate::requests::Request) -> Self {
        Self { themes: request.themes.clone(), neighbourhood: request.neighbourhood.clone(), ..Self::default() }
    }

    pub fn completeness(&self) -> Completeness {
        let mut missing = Vec::new();
        if self.restated_need.is_none() {
            missing.push("restated_need");
        }
        if self.competence.is_none() {
            missing.push("competence");
        }
        if self.recommended_level.is_none() {
            missing.push("recommended_level");
        }
        Completeness { complete: missing.is_empty(), missing }
    }

    pub fn eligibility(&self) -> Eligibility {
        let unmet: Vec<FiftyFiftyPrerequisite> = FiftyFiftyPrerequisite::ALL
            .iter()
            .copied()
            .filter(|p| !self.prerequisites.iter().any(|(q, answer)| q == p && answer.holds))
            .collect();
        Eligibility { eligible: unmet.is_empty(), unmet }
    }

    /// What the lifecycle's guards need. A request without a qualification has the facts of
    /// `Qualification::default()`: nothing recorded, so incomplete and not eligible.
    pub fn facts(&self) -> QualificationFacts {
        QualificationFacts {
            missing: self.completeness().missing,
            competence: self.competence,
            competent_authority: self.competent_authority.clone(),
            unmet: self.eligibility().unmet,
        }
    }

    /// The names of the document's fields that differ from `before`, for the history.
    pub fn changes(&self, before: &Qualification) -> Vec<&'static str> {
        // Exhaustive on purpose (no `..`): a field added to the document must be compared here,
        // or the compiler complains; otherwise changing only that field would record nothing.
        let Qualification {
            restated_need,
            requester_interest,
            stakeholders,
            competence,
            competent_authority,
            previously_handled,
            previously_handled_processes,
            themes,
            neighbourhood,
            routing,
            recommended_level,
            prerequisites,
        } = self;
        let comparisons = [
            ("restated_need", *restated_need != before.restated_need),
            ("requester_interest", *requester_interest != before.requester_interest),
            ("stakeholders", *stakeholders != before.stakeholders),
            ("competence", *competence != before.competence),
            ("competent_authority", *competent_authority != before.competent_authority),
            ("previously_handled", *previously_handled != before.previously_handled),
            ("previously_handled_processes", *previously_handled_processes != before.previously_handled_processes),
            ("themes", *themes != before.themes),
            ("neighbourhood", *neighbourhood != before.neighbourhood),
            ("routing", *routing != before.routing),
            ("recommended_level", *recommended_level != before.recommended_level),
            ("fifty_fifty_eligibility", *prerequisites != before.prerequisites),
        ];
        comparisons.into_iter().filter(|(_, differs)| *differs).map(|(field, _)| field).collect()
    }
}

/// A stakeholder as received.
#[derive(Debug, Clone, Default)]
pub struct StakeholderDraft {
    pub name: Option<String>,
    pub role: Option<StakeholderRole>,
    pub interest: Option<String>,
    pub conflicts_with_requester: Option<bool>,
}

/// A prerequisite's answer as received.
#[derive(Debug, Clone, Default)]
pub struct PrerequisiteDraft {
    pub holds: Option<bool>,
    pub justification: Option<String>,
    pub aims: Vec<LivingEnvironmentAim>,
    pub other_aim: Option<String>,
}

/// A qualification document as received (`PUT` replaces the whole document).
#[derive(Debug, Clone, Default)]
pub struct QualificationDraft {
    pub restated_need: Option<String>,
    pub requester_interest: Option<String>,
    pub stakeholders: Vec<StakeholderDraft>,
    pub competence: Option<Competence>,
    pub competent_authority: Option<String>,
    pub previously_handled: Vec<RequestId>,
    pub previously_handled_processes: Vec<ProcessId>,
    pub themes: Vec<String>,
    pub neighbourhood: Option<String>,
    /// Resolved by the caller from codes to ids; unknown codes are reported by the caller.
    pub routing: Routing,
    pub recommended_level: Option<ParticipationLevel>,
    pub prerequisites: Vec<(FiftyFiftyPrerequisite, PrerequisiteDraft)>,
}

impl Qualification {
    /// Checks a document for the request `request`, naming every invalid field.
    pub fn parse(
        request: RequestId,
        draft: &QualificationDraft,
        catalogue: crate::requests::Catalogue<'_>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let text = |errors: &mut ValidationErrors, field: &str, value: Option<&str>, max: usize| {
            value.and_then(|v| errors.collect(parse_text(field, v, max)))
        };
        let restated_need = text(&mut errors, "restated_need", draft.restated_need.as_deref(), TEXT_MAX);
        let requester_interest = text(&mut errors, "requester_interest", draft.requester_interest.as_deref(), TEXT_MAX);

        if draft.stakeholders.len() > MAX_STAKEHOLDERS {
            errors.push(FieldError::new(
                "stakeholders",
                crate::error::Code::TooMany,
                Message::new(
                    format!("at most {MAX_STAKEHOLDERS} stakeholders"),
                    format!("{MAX_STAKEHOLDERS} parties prenantes au plus"),
                ),
            ));
        }
        let mut stakeholders = Vec::new();
        for (i, s) in draft.stakeholders.iter().enumerate() {
            let field = |name: &str| format!("stakeholders[{i}].{name}");
            let name = match s.name.as_deref() {
                Some(name) => errors.collect(crate::identity::municipality::parse_name(&field("name"), name, NAME_MAX)),
                None => {
                    errors.push(FieldError::new(
                        field("name"),
                        crate::error::Code::Required,
                        Message::new("name the person or the organisation", "nommez la personne ou l'organisation"),
                    ));
                    None
                }
            };
            if s.role.is_none() {
                errors.push(FieldError::new(
                    field("role"),
                    crate::error::Code::Required,
                    Message::new("give the stakeholder's role", "donnez le rôle de la partie prenante"),
                ));
            }
            let interest = text(&mut errors, &field("interest"), s.interest.as_deref(), TEXT_MAX);
            if let (Some(name), Some(role)) = (name, s.role) {
                let conflicts_with_requester = s.conflicts_with_requester.unwrap_or(false);
                stakeholders.push(Stakeholder { name, role, interest, conflicts_with_requester });
            }
        }

        let competent_authority = match (draft.competence, draft.competent_authority.as_deref()) {
            (Some(c), None) if c != Competence::Municipality => {
                errors.push(FieldError::new(
                    "competent_authority",
                    crate::error::Code::Required,
                    Message::new(
                        "name the competent authority when the subject is not the municipality's",
                        "nommez l'autorité compétente quand le sujet n'est pas de la compétence de la commune",
                    ),
                ));
                None
            }
            (Some(Competence::Municipality), Some(_)) => {
                errors.push(FieldError::new(
                    "competent_authority",
                    crate::requests::Code::NotApplicable,
                    Message::new(
                        "the subject is the municipality's: no other authority to name",
                        "le sujet est de la compétence de la commune : pas d'autre autorité à nommer",
                    ),
                ));
                None
            }
            (None, Some(_)) => {
                errors.push(FieldError::new(
                    "competent_authority",
                    crate::requests::Code::NotApplicable,
                    Message::new(
                        "say first whose competence it is (competence), then name the authority",
                        "dites d'abord de qui relève le sujet (competence), puis nommez l'autorité",
                    ),
                ));
                None
            }
            (Some(_), Some(name)) => {
                errors.collect(crate::identity::municipality::parse_name("competent_authority", name, NAME_MAX))
            }
            (_, None) => None,
        };

        if draft.previously_handled.len() > MAX_PREVIOUS {
            errors.push(FieldError::new(
                "previously_handled",
                crate::error::Code::TooMany,
                Message::new(format!("at most {MAX_PREVIOUS} requests"), format!("{MAX_PREVIOUS} demandes au plus")),
            ));
        }
        if draft.previously_handled.contains(&request) {
            errors.push(FieldError::new(
                "previously_handled",
                crate::requests::Code::SameRequest,
                Message::new("a request cannot precede itself", "une demande ne peut pas se précéder elle-même"),
            ));
        }
        let mut previously_handled: Vec<RequestId> = Vec::new();
        for id in &draft.previously_handled {
            if !previously_handled.contains(id) {
                previously_handled.push(*id);
            }
        }

        if draft.previously_handled_processes.len() > MAX_PREVIOUS {
            errors.push(FieldError::new(
                "previously_handled_processes",
                crate::error::Code::TooMany,
                Message::new(format!("at most {MAX_PREVIOUS} processes"), format!("{MAX_PREVIOUS} démarches au plus")),
            ));
        }
        let mut previously_handled_processes: Vec<ProcessId> = Vec::new();
        for id in &draft.previously_handled_processes {
            if !previously_handled_processes.contains(id) {
                previously_handled_processes.push(*id);
            }
        }

        let themes = catalogue.check_themes("themes", &draft.themes, &mut errors);
        let neighbourhood =
            draft.neighbourhood.as_deref().and_then(|c| catalogue.check_neighbourhood("neighbourhood", c, &mut errors));
        if draft.routing.services.len() > MAX_SERVICES {
            errors.push(FieldError::new(
                "routing.services",
                crate::error::Code::TooMany,
                Message::new(format!("at most {MAX_SERVICES} services"), format!("{MAX_SERVICES} services au plus")),
            ));
        }
        let mut routing = draft.routing.clone();
        routing.services.sort_unstable_by_key(|s| s.as_uuid());
        routing.services.dedup();

        let mut prerequisites = Vec::new();
        for (prerequisite, answer) in &draft.prerequisites {
            let field = |name: &str| format!("fifty_fifty_eligibility.{}.{name}", prerequisite.code());
            let holds = answer.holds;
            if holds.is_none() {
                errors.push(FieldError::new(
                    field("holds"),
                    crate::error::Code::Required,
                    Message::new("answer yes (true) or no (false)", "répondez oui (true) ou non (false)"),
                ));
            }
            let justification = match answer.justification.as_deref() {
                Some(text) => errors.collect(parse_text(&field("justification"), text, TEXT_MAX)),
                None => {
                    errors.push(FieldError::new(
                        field("justification"),
                        crate::error::Code::Required,
                        Message::new("say why", "dites pourquoi"),
                    ));
                    None
                }
            };
            let living = *prerequisite == FiftyFiftyPrerequisite::LivingEnvironment;
            if !living && !answer.aims.is_empty() {
                errors.push(FieldError::new(
                    field("aims"),
                    crate::requests::Code::NotApplicable,
                    Message::new(
                        "aims belong to the living environment only",
                        "les objectifs ne concernent que le cadre de vie",
                    ),
                ));
            }
            if living && holds == Some(true) && answer.aims.is_empty() {
                errors.push(FieldError::new(
                    field("aims"),
                    crate::error::Code::Required,
                    Message::new("name at least one aim: embellishment, safety, environmental_quality, cleanliness, upkeep, conviviality or other (then say which in other_aim)", "nommez au moins un objectif : embellishment, safety, environmental_quality, cleanliness, upkeep, conviviality ou other (dites alors lequel dans other_aim)"),
                ));
            }
            let other = answer.aims.contains(&LivingEnvironmentAim::Other);
            let other_aim = match (other, answer.other_aim.as_deref()) {
                (true, Some(text)) => {
                    errors.collect(crate::identity::municipality::parse_name(&field("other_aim"), text, NAME_MAX))
                }
                (true, None) => {
                    errors.push(FieldError::new(
                        field("other_aim"),
                        crate::error::Code::Required,
                        Message::new(
                            "say what the other aim is (other_aim)",
                            "dites quel est l'autre objectif (other_aim)",
                        ),
                    ));
                    None
                }
                (false, Some(_)) => {
                    errors.push(FieldError::new(
                        field("other_aim"),
                        crate::requests::Code::NotApplicable,
                        Message::new(
                            "other_aim names the aim other only: add other to the aims, or leave other_aim out",
                            "other_aim ne nomme que l'objectif other : ajoutez other aux objectifs, ou retirez other_aim",
                        ),
                    ));
                    None
                }
                (false, None) => None,
            };
            if let (Some(holds), Some(justification)) = (holds, justification) {
                let mut aims = answer.aims.clone();
                aims.sort_unstable();
                aims.dedup();
                prerequisites.push((*prerequisite, PrerequisiteAnswer { holds, justification, aims, other_aim }));
            }
        }

        errors.into_result()?;
        prerequisites.sort_by_key(|(p, _)| *p);
        Ok(Self {
            restated_need,
            requester_interest,
            stakeholders,
            competence: draft.competence,
            competent_authority,
            previously_handled,
            previously_handled_processes,
            themes,
            neighbourhood,
            routing,
            recommended_level: draft.recommended_level,
            prerequisites,
        })
    }
}

#[cfg(test)]
mod tests;
