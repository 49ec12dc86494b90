//! What can go wrong in storage, sorted by what the caller should do about it.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database does not answer: retry later (503).
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    /// A unique field is already taken; names the field.
    #[error("{0} is already taken")]
    Duplicate(&'static str),
    /// The row changed since the version the caller read (a stale `If-Match`).
    #[error("the resource changed since it was read")]
    Stale,
    /// A stored row no longer satisfies the domain's rules: a bug or a manual edit.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(DbErr),
}

impl From<DbErr> for StorageError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) { StorageError::Unavailable(err) } else { StorageError::Db(err) }
    }
}

fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            sea_orm::sqlx::Error::Io(_) | sea_orm::sqlx::Error::PoolTimedOut | sea_orm::sqlx::Error::PoolClosed
        ),
        _ => false,
    }
}

/// Maps a unique-constraint violation to the first of `fields` its message names.
pub(crate) fn duplicate_of(err: DbErr, fields: &[&'static str]) -> StorageError {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = err.sql_err()
        && let Some(field) = fields.iter().find(|f| message.contains(*f))
    {
        return StorageError::Duplicate(field);
    }
    err.into()
}
