//! Persistence: the SeaORM entities and every query the API runs, on SQLite or PostgreSQL.
//!
//! A folder per bounded context, named as in the domain and API crates: `identity`
//! (municipalities, neighbourhoods, accounts, services, delegations, clients, tokens, signing
//! keys), `requests` (registration, lists, the versioned write, answers, history, terms,
//! qualifications, themes), `participation` (processes, their history and requests) and
//! `conventions` (fifty-fifty projects, their requests and history).
//! Functions here take and return domain types; entities never leave this crate. A stored value
//! that no longer parses as its domain type is reported as [`StorageError::Corrupt`], not hidden.

mod cache;
pub mod conventions;
mod database;
mod entities;
mod error;
pub mod evaluation;
pub mod identity;
pub mod participation;
pub mod requests;
mod versioned;
pub mod webhooks;

pub use database::{Backend, DEFAULT_CACHE_TTL, Database, MigrationState, PoolOptions};
pub use error::StorageError;
/// Re-exported for tools that need raw SQL (test fixtures, benchmarks).
pub use sea_orm;

/// One page of a keyset-paginated list: the rows, and whether more follow the last one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more follow.
    pub(crate) fn from_overfetch(mut items: Vec<T>, limit: u64) -> Self {
        let has_more = items.len() as u64 > limit;
        items.truncate(limit as usize);
        Self { items, has_more }
    }
}
