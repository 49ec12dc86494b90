//! Creating a municipality, with its neighbourhoods (and, by storage, its default themes).

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::Precondition;
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::{
    FieldError, Municipality, MunicipalityName, MunicipalitySettings, NewMunicipality, NewNeighbourhood, Population,
    ValidationErrors,
};
use implication_storage::identity::municipalities::{self as store, MunicipalityChanges};
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

/// Changes to a municipality, as received; `None` keeps a value, and a setting left out of
/// `settings` keeps its current value.
#[derive(Debug, Clone, Default)]
pub struct MunicipalityUpdate {
    pub name: Option<String>,
    pub population: Option<i64>,
    pub answer_delay_days: Option<i64>,
    pub minutes_delay_days: Option<i64>,
    pub time_zone: Option<String>,
    /// Whether settings were given at all.
    pub settings: bool,
}

/// Changes `municipality`, read again here at a version `expected` admits, naming every invalid
/// field at once. (The caller's copy may come from the cache, a few seconds old: the version
/// checked and the settings kept must be the database's.)
pub async fn update(
    db: &Database,
    municipality: &Municipality,
    expected: Precondition,
    update: &MunicipalityUpdate,
) -> Result<Municipality, UseCaseError> {
    let current = store::find_by_slug(db, municipality.slug.as_str())
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Municipality))?;
    let mut errors = ValidationErrors::default();
    let name = update.name.as_deref().and_then(|n| errors.collect(MunicipalityName::parse("name", n)));
    let population = update.population.and_then(|p| errors.collect(Population::parse("population", p)));
    let settings = if update.settings {
        MunicipalitySettings::parse(
            Some(update.answer_delay_days.unwrap_or(current.settings.answer_delay_days.into())),
            Some(update.minutes_delay_days.unwrap_or(current.settings.minutes_delay_days.into())),
            Some(update.time_zone.as_deref().unwrap_or(current.settings.time_zone.name())),
        )
        .map_err(|e| errors.0.extend(e.0))
        .ok()
    } else {
        None
    };
    errors.into_result()?;
    // The settings left out are `current`'s: the write is guarded by its version, so that a
    // condition admitting several (`*`, a list) cannot revert a concurrent change to them.
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let changes = MunicipalityChanges { name, population, settings };
    store::update(db, current.slug.as_str(), &Precondition::at(current.version), changes)
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Municipality))
}
