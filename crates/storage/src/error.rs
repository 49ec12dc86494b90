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
    /// Another resource a write carries along (a request a process takes or closes) changed
    /// since it was read: the caller's own version was right, the write may be tried again.
    #[error("request {0} changed meanwhile")]
    StaleRequest(implication_domain::RequestId),
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

/// From a statement run with sqlx itself (the hot reads that skip SeaORM), classified alike.
impl From<sea_orm::sqlx::Error> for StorageError {
    fn from(err: sea_orm::sqlx::Error) -> Self {
        let err = match err {
            sea_orm::sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout),
            other => DbErr::Query(RuntimeErr::SqlxError(other.into())),
        };
        err.into()
    }
}

fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
            Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
            Error::Database(db) => unavailable_code(db.as_ref()),
            _ => false,
        },
        _ => false,
    }
}

/// Whether the database refused for a reason of its own, not of the statement: the caller may
/// retry the same request later (and, with its `Idempotency-Key`, never creates twice).
fn unavailable_code(err: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    let code = err.code();
    let code = code.as_deref().unwrap_or_default();
    if err.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>().is_some() {
        // BUSY and LOCKED (another connection holds the file), IOERR, FULL, CANTOPEN, with their
        // extended codes (the primary code is the low byte).
        code.parse::<i32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6 | 10 | 13 | 14))
    } else {
        // PostgreSQL: class 08 (connection exception), the server shutting down or starting
        // (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), and too many
        // connections (53300); and a transaction the server chose to abort, to be retried: a
        // deadlock (40P01) or a serialization failure (40001).
        code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "40P01" | "40001")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pool_or_a_lost_connection_is_unavailable_and_a_bad_statement_is_not() {
        let closed = DbErr::Query(RuntimeErr::SqlxError(sea_orm::sqlx::Error::PoolClosed.into()));
        assert!(is_unavailable(&closed));
        let decoding = DbErr::Query(RuntimeErr::SqlxError(sea_orm::sqlx::Error::RowNotFound.into()));
        assert!(!is_unavailable(&decoding));
    }
}
