//! A municipality's neighbourhoods, as its admin adds and changes them (their populations make
//! the indicators' rates per 1,000 inhabitants).

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::{Municipality, Neighbourhood, NeighbourhoodChanges, NewNeighbourhood, Precondition};
use implication_storage::Database;
use implication_storage::identity::neighbourhoods as store;

/// A neighbourhood as received.
#[derive(Debug, Clone, Default)]
pub struct NeighbourhoodDraft {
    pub name: String,
    /// Default: derived from the name.
    pub code: Option<String>,
    pub population: Option<i64>,
}

/// Adds the neighbourhood `draft`; a code the municipality has already is a 409.
pub async fn create(
    db: &Database,
    municipality: &Municipality,
    draft: &NeighbourhoodDraft,
) -> Result<Neighbourhood, UseCaseError> {
    let new = NewNeighbourhood::parse_with_population(&draft.name, draft.code.as_deref(), draft.population)?;
    let created = store::create(db, municipality.id, &new, crate::clock::now()).await?;
    tracing::info!(municipality = %municipality.slug, neighbourhood = %created.code, "neighbourhood added");
    Ok(created)
}

/// The neighbourhood `code` of the municipality.
pub async fn load(db: &Database, municipality: &Municipality, code: &str) -> Result<Neighbourhood, UseCaseError> {
    store::find(db, municipality.id, code).await?.ok_or(UseCaseError::NotFound(Resource::Neighbourhood))
}

/// Changes neighbourhood `code` (its name, its population), read at a version `expected` admits.
pub async fn change(
    db: &Database,
    municipality: &Municipality,
    code: &str,
    expected: Precondition,
    name: Option<&str>,
    population: Option<Option<i64>>,
) -> Result<Neighbourhood, UseCaseError> {
    let changes = NeighbourhoodChanges::parse(name, population)?;
    let current = load(db, municipality, code).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let next = changes.apply(&current);
    if next == current {
        return Ok(current);
    }
    // Guarded by the version read, so that a change in between is not overwritten (`If-Match: *`).
    store::update(db, &Precondition::at(current.version), &next)
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Neighbourhood))
}
