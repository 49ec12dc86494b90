//! The one versioned write of the resources that carry no history (municipalities, services,
//! delegations, themes, machine clients); a request's, which carries its history, is
//! `requests::write`.

use crate::Database;
use crate::error::StorageError;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, UpdateMany};

/// Runs `update` (the caller's columns, already filtered to one row) only while the row is at
/// `expected` (any version when `None`), moving its version on, and returns the row as written
/// (`RETURNING`: nothing is read back afterwards, which could see a later change). `None`: no row
/// matched — see [`stale_or_missing`].
pub(crate) async fn update<E: EntityTrait>(
    db: &Database,
    update: UpdateMany<E>,
    version: E::Column,
    expected: Option<i32>,
) -> Result<Option<E::Model>, StorageError> {
    let mut update = update.col_expr(version, Expr::col(version).add(1));
    if let Some(expected) = expected {
        update = update.filter(version.eq(expected));
    }
    Ok(update.exec_with_returning(db.conn()).await?.into_iter().next())
}

/// When a guarded update matched no row: stale if the row exists (`found`), else missing.
pub(crate) fn stale_or_missing<T>(found: Option<T>) -> Result<Option<T>, StorageError> {
    match found {
        Some(_) => Err(StorageError::Stale),
        None => Ok(None),
    }
}
