//! The one versioned write of the resources that carry no history (municipalities, services,
//! delegations, themes, machine clients); a request's, which carries its history, is
//! `requests::write`.

use crate::Database;
use crate::error::StorageError;
use implication_domain::Precondition;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, UpdateMany};

/// Runs `update` (the caller's columns, already filtered to one row) only while the row is at
/// a version `expected` admits, moving its version on, and returns the row as written
/// (`RETURNING`: nothing is read back afterwards, which could see a later change). `None`: no row
/// matched — see [`stale_or_missing`].
pub(crate) async fn update<E: EntityTrait>(
    db: &Database,
    update: UpdateMany<E>,
    version: E::Column,
    expected: &Precondition,
) -> Result<Option<E::Model>, StorageError> {
    let update = update.col_expr(version, Expr::col(version).add(1)).filter(admitted(version, expected));
    Ok(update.exec_with_returning(db.conn()).await?.into_iter().next())
}

/// Runs `update` (a whole row's columns, already filtered to it) only while the row is at version
/// `expected`: `Err(Stale)` when it moved on (or is gone). For the resources that write whole rows
/// read at a version (narratives, participants, rounds).
pub(crate) async fn replace<E: EntityTrait>(
    db: &Database,
    update: UpdateMany<E>,
    version: E::Column,
    expected: i32,
) -> Result<(), StorageError> {
    let done = update.filter(version.eq(expected)).exec(db.conn()).await?;
    if done.rows_affected == 0 {
        return Err(StorageError::Stale);
    }
    Ok(())
}

/// The condition on a `version` column that `expected` sets (none for `If-Match: *`).
pub(crate) fn admitted(version: impl ColumnTrait, expected: &Precondition) -> Condition {
    match expected.versions() {
        None => Condition::all(),
        Some(versions) => Condition::all().add(version.is_in(versions.iter().copied())),
    }
}

/// When a guarded update matched no row: stale if the row exists (`found`), else missing.
pub(crate) fn stale_or_missing<T>(found: Option<T>) -> Result<Option<T>, StorageError> {
    match found {
        Some(_) => Err(StorageError::Stale),
        None => Ok(None),
    }
}
