//! The writes of the identity context: municipalities, accounts and memberships, services and
//! delegations, machine clients; and passwords and secrets as they are stored.

pub mod accounts;
pub mod clients;
pub mod municipalities;
pub mod neighbourhoods;
pub mod personal_data;
pub mod secrets;
pub mod services;

use crate::UseCaseError;

/// Runs a CPU-heavy hash (argon2) off the async threads, as [`secrets::hashing`] bounds them.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, UseCaseError> {
    secrets::hashing(work).await.map_err(|e| UseCaseError::Internal(format!("a hashing task failed: {e}")))
}
