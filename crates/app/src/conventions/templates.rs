//! A municipality's clause templates (articles 4 onwards of its conventions): its admin writes
//! them; a new convention drafted without clauses takes them.

use crate::UseCaseError;
use implication_domain::conventions::convention::{ClauseDraft, ClauseTemplates, parse_templates};
use implication_domain::{Municipality, Precondition};
use implication_storage::Database;
use implication_storage::conventions::templates as store;

/// The municipality's templates: its admin's, or annex A3's articles 4 to 7 (version 0).
pub async fn load(db: &Database, municipality: &Municipality) -> Result<ClauseTemplates, UseCaseError> {
    Ok(store::find(db, municipality.id).await?)
}

/// Replaces the templates, read at a version `expected` admits, by `drafts` (one clause at
/// least); conventions already drafted keep their own clauses.
pub async fn change(
    db: &Database,
    municipality: &Municipality,
    expected: Precondition,
    drafts: &[ClauseDraft],
) -> Result<ClauseTemplates, UseCaseError> {
    let clauses = parse_templates(drafts)?;
    let current = load(db, municipality).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    if clauses == current.clauses {
        return Ok(current);
    }
    let written = store::write(db, municipality.id, current.version, &clauses, crate::clock::now()).await?;
    tracing::info!(municipality = %municipality.slug, version = written.version, "clause templates changed");
    Ok(written)
}
