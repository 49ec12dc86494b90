//! What a use case can fail with; the HTTP layer maps each to a status and a problem type.

use implication_domain::ValidationErrors;
use implication_domain::requests::lifecycle::TransitionRefusal;
use implication_storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// No such resource for this caller (another municipality's included).
    #[error("no such {0} here")]
    NotFound(&'static str),
    /// The resource changed since the version the caller read.
    #[error("the resource changed since it was read")]
    Stale,
    /// Well-formed but invalid input, naming every field.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// A transition the lifecycle or one of its rules refuses.
    #[error("transition refused: {0:?}")]
    Refused(TransitionRefusal),
    /// A known caller whom a rule does not allow this.
    #[error("{0}")]
    Forbidden(&'static str),
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

impl From<StorageError> for UseCaseError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Stale => UseCaseError::Stale,
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
