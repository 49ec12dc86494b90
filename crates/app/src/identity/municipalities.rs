//! Creating a municipality, with its neighbourhoods (and, by storage, its default themes).

use crate::UseCaseError;
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::{FieldError, Municipality, NewMunicipality, NewNeighbourhood, ValidationErrors};
use implication_storage::identity::municipalities as store;
use implication_storage::{Database, StorageError};

/// Creates the municipality `draft` with neighbourhoods of these names, naming every invalid
/// field at once. A taken slug or INSEE code, or two neighbourhoods with one code, is a duplicate.
pub async fn create(
    db: &Database,
    draft: &MunicipalityDraft,
    neighbourhoods: &[String],
) -> Result<Municipality, UseCaseError> {
    let mut errors = ValidationErrors::default();
    let new = NewMunicipality::parse(draft).map_err(|e| errors.0.extend(e.0)).ok();
    let mut parsed = Vec::new();
    for (i, name) in neighbourhoods.iter().enumerate() {
        match NewNeighbourhood::parse(name, None) {
            Ok(n) => parsed.push(n),
            Err(e) => {
                errors.0.extend(e.0.into_iter().map(|f| FieldError { field: format!("neighbourhoods[{i}]"), ..f }))
            }
        }
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else { return Err(UseCaseError::Invalid(errors)) };
    let created = store::create(db, &new, &parsed).await.map_err(|e| match e {
        // Two names that make one code.
        StorageError::Duplicate("code") => StorageError::Duplicate("neighbourhoods"),
        other => other,
    })?;
    tracing::info!(municipality = %created.slug, "municipality created");
    Ok(created)
}
