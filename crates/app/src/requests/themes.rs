//! The themes catalogue requests are filed under, managed by the town's admin.

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::Precondition;
use implication_domain::identity::municipality::parse_name;
use implication_domain::requests::theme::Theme;
use implication_domain::{Municipality, Slug};
use implication_storage::Database;
use implication_storage::requests::themes as store;

/// Adds the theme `name` under `code` (unique in the municipality; codes never change).
pub async fn create(
    db: &Database,
    municipality: &Municipality,
    code: &Slug,
    name: &str,
) -> Result<Theme, UseCaseError> {
    Ok(store::create(db, municipality.id, code, name).await?)
}

/// Renames theme `code`, read at a version `expected` admits.
pub async fn rename(
    db: &Database,
    municipality: &Municipality,
    code: &str,
    expected: Precondition,
    name: &str,
) -> Result<Theme, UseCaseError> {
    let name = parse_name("name", name, 120)?;
    store::rename(db, municipality.id, code, &expected, &name).await?.ok_or(UseCaseError::NotFound(Resource::Theme))
}
