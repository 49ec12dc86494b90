//! What a use case can fail with; the HTTP layer maps each to a status and a problem type.

use implication_domain::requests::lifecycle::TransitionRefusal;
use implication_domain::{Message, ValidationErrors};
use implication_storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// No such resource for this caller (another municipality's included).
    #[error("{}", .0.not_found())]
    NotFound(Resource),
    /// The resource changed since the version the caller read.
    #[error("the resource changed since it was read")]
    Stale,
    /// Well-formed but invalid input, naming every field.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// A transition the lifecycle or one of its rules refuses.
    #[error("transition refused: {0:?}")]
    Refused(TransitionRefusal),
    /// A change of a process that its lifecycle or one of its rules refuses.
    #[error("process change refused: {0:?}")]
    ProcessRefused(implication_domain::participation::Refusal),
    /// A change of a fifty-fifty project that its lifecycle or one of its rules refuses.
    #[error("project change refused: {0:?}")]
    ProjectRefused(implication_domain::conventions::Refusal),
    /// A change of a narrative that one of its rules refuses.
    #[error("narrative change refused: {0:?}")]
    NarrativeRefused(implication_domain::evaluation::narrative::Refusal),
    /// A change of an evaluation round that one of its rules refuses.
    #[error("round change refused: {0:?}")]
    RoundRefused(implication_domain::evaluation::round::Refusal),
    /// A known caller whom a rule does not allow this.
    #[error("{0}")]
    Forbidden(Message),
    /// A partner's tool its municipality no longer knows.
    #[error("unknown client")]
    UnknownClient,
    /// A token's account that no longer exists.
    #[error("unknown account")]
    UnknownAccount,
    /// An `Idempotency-Key` already used with another body.
    #[error("this idempotency key was already used for a different request")]
    KeyReused,
    /// Something outside the rules failed (no randomness, a corrupt record).
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Storage(StorageError),
}

/// What a use case may not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Account,
    Body,
    Client,
    Convention,
    Delegation,
    Draw,
    Erasure,
    Meeting,
    Member,
    Municipality,
    Narrative,
    Neighbourhood,
    Participant,
    Round,
    Export,
    Notice,
    Organisation,
    Process,
    Project,
    Promise,
    Request,
    Step,
    Survey,
    Service,
    Theme,
    Subscription,
    Delivery,
}

impl Resource {
    /// The 404's message: the same whether the resource does not exist or is another
    /// municipality's, so that a caller learns nothing of what it may not see.
    pub fn not_found(self) -> Message {
        let (en, fr) = match self {
            Resource::Account => ("no such account here", "aucun compte de cet identifiant ici"),
            Resource::Body => ("no such body here", "aucune instance de cet identifiant ici"),
            Resource::Client => ("no such client here", "aucun client de cet identifiant ici"),
            Resource::Convention => ("no such convention here", "aucune convention de cet identifiant ici"),
            Resource::Delegation => ("no such delegation here", "aucune délégation de ce code ici"),
            Resource::Draw => ("no such draw here", "aucun tirage au sort de cet identifiant ici"),
            Resource::Erasure => ("no such erasure here", "aucun effacement de cet identifiant ici"),
            Resource::Member => ("no such member here", "aucun membre de cet identifiant ici"),
            Resource::Meeting => ("no such meeting here", "aucune réunion de cet identifiant ici"),
            Resource::Municipality => ("no such municipality", "aucune commune de cet identifiant"),
            Resource::Notice => ("no such notice here", "aucune information de cet identifiant ici"),
            Resource::Organisation => ("no such organisation here", "aucune organisation de cet identifiant ici"),
            Resource::Narrative => ("no such narrative here", "aucun récit de cet identifiant ici"),
            Resource::Participant => ("no such participant here", "aucun participant de cet identifiant ici"),
            Resource::Round => ("no such evaluation round here", "aucune session d'évaluation de cet identifiant ici"),
            Resource::Export => ("no such export here", "aucun export de ce nom ici"),
            Resource::Process => ("no such process here", "aucune démarche de cet identifiant ici"),
            Resource::Project => ("no such project here", "aucun projet de cet identifiant ici"),
            Resource::Promise => ("no such promise here", "aucune promesse de cet identifiant ici"),
            Resource::Request => ("no such request here", "aucune demande de cet identifiant ici"),
            Resource::Step => ("no such step here", "aucune étape de cet identifiant ici"),
            Resource::Service => ("no such service here", "aucun service de ce code ici"),
            Resource::Survey => ("no such survey here", "aucun sondage de cet identifiant ici"),
            Resource::Theme => ("no such theme here", "aucun thème de ce code ici"),
            Resource::Subscription => {
                ("no such webhook subscription here", "aucun abonnement webhook de cet identifiant ici")
            }
            Resource::Delivery => ("no such delivery here", "aucune livraison de cet identifiant ici"),
            Resource::Neighbourhood => ("no such neighbourhood here", "aucun quartier de ce code ici"),
        };
        Message::new(en, fr)
    }
}

impl From<StorageError> for UseCaseError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Stale => UseCaseError::Stale,
            StorageError::StaleRequest(id) => {
                UseCaseError::ProcessRefused(implication_domain::participation::Refusal::Guard {
                    rule: implication_domain::participation::Rule::RequestChanged,
                    message: implication_domain::Message::new(
                        format!("request {id} changed while this was being written: nothing was written, try again"),
                        format!("la demande {id} a changé pendant l'écriture : rien n'a été écrit, réessayez"),
                    ),
                    allowed: Vec::new(),
                })
            }
            other => UseCaseError::Storage(other),
        }
    }
}

impl From<implication_domain::FieldError> for UseCaseError {
    fn from(error: implication_domain::FieldError) -> Self {
        UseCaseError::Invalid(ValidationErrors(vec![error]))
    }
}

impl From<ValidationErrors> for UseCaseError {
    fn from(errors: ValidationErrors) -> Self {
        UseCaseError::Invalid(errors)
    }
}
