//! The connection pool, and the schema migrations run through it.

use crate::cache::TtlCache;
use crate::error::StorageError;
use crate::requests::themes::CatalogueCodes;
use implication_domain::Municipality;
use implication_migration::{MigrationStatus, Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, DatabaseConnection, DbBackend};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Which database the pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pool settings, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_connections: u32,
    /// How long a query waits for a free connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self { max_connections: 10, acquire_timeout: Duration::from_secs(5) }
    }
}

/// One migration and whether it has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// A handle on the database; cheap to clone (the pool and the caches are shared).
#[derive(Debug, Clone)]
pub struct Database {
    conn: DatabaseConnection,
    caches: Arc<Caches>,
    /// SQLite: registrations take turns here (see [`Database::sqlite_write_turn`]).
    sqlite_writes: Arc<tokio::sync::Mutex<()>>,
    /// How long a turn, like a connection, is waited for before the database counts as unavailable.
    acquire_timeout: Duration,
}

/// How long an instance may serve a municipality (slug, id, settings) it read, before reading it
/// again: another instance's change to a municipality's settings shows here within this time.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(5);

/// What is read on almost every call and rarely changes (see `cache`).
#[derive(Debug)]
pub(crate) struct Caches {
    /// Municipalities by slug.
    pub(crate) municipalities: TtlCache<String, Municipality>,
    /// The theme and neighbourhood codes of a municipality, by its id.
    pub(crate) codes: TtlCache<Uuid, Arc<CatalogueCodes>>,
}

impl Caches {
    fn new(ttl: Duration) -> Self {
        // Far above the number of municipalities one deployment serves (France has about 35,000).
        const CAPACITY: usize = 100_000;
        Self { municipalities: TtlCache::new(ttl, CAPACITY), codes: TtlCache::new(ttl, CAPACITY) }
    }
}

impl Database {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). A SQLite file is created if missing.
    pub async fn connect(url: &str, pool: PoolOptions) -> Result<Self, StorageError> {
        let mut options = ConnectOptions::new(with_sqlite_create_mode(url));
        options
            .max_connections(pool.max_connections)
            .min_connections(1)
            .connect_timeout(pool.acquire_timeout)
            .acquire_timeout(pool.acquire_timeout)
            // Statements are traced by our own spans; sqlx's logger would print every query.
            .sqlx_logging(false)
            // PostgreSQL's JIT compiles any plan costed above `jit_above_cost`: the indicators'
            // aggregates over a town's requests spent 0.7 s compiling to save none (bench/README.md).
            // This API's statements are short: no JIT on its connections.
            .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
        let conn = sea_orm::Database::connect(options).await?;
        Ok(Self {
            conn,
            caches: Arc::new(Caches::new(DEFAULT_CACHE_TTL)),
            sqlite_writes: Arc::new(tokio::sync::Mutex::new(())),
            acquire_timeout: pool.acquire_timeout,
        })
    }

    /// The same pool, with caches that keep entries for `ttl` (zero: no cache).
    pub fn with_cache_ttl(self, ttl: Duration) -> Self {
        Self { caches: Arc::new(Caches::new(ttl)), ..self }
    }

    /// On SQLite, a turn to write, in the order asked: SQLite lets one writer at a time in, and
    /// the others retry until its busy timeout, polling; a burst of submissions waited up to
    /// seconds (p99 1.4 s at 32 connections, some past the 5 s timeout: a 503). Queued here
    /// first, they go one after the other without polling. (`None` on PostgreSQL, where rows,
    /// not the database, are locked.)
    /// A turn not given within the pool's acquire timeout is a 503, as a connection would be.
    pub(crate) async fn sqlite_write_turn(&self) -> Result<Option<tokio::sync::MutexGuard<'_, ()>>, StorageError> {
        match self.backend() {
            Backend::Sqlite => {
                tokio::time::timeout(self.acquire_timeout, self.sqlite_writes.lock()).await.map(Some).map_err(|_| {
                    StorageError::Unavailable(sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))
                })
            }
            Backend::Postgres => Ok(None),
        }
    }

    pub(crate) fn caches(&self) -> &Caches {
        &self.caches
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> Backend {
        match self.conn.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Applies every pending migration.
    pub async fn migrate_up(&self) -> Result<(), StorageError> {
        Ok(Migrator::up(&self.conn, None).await?)
    }

    /// Reverts the last `steps` migrations.
    pub async fn migrate_down(&self, steps: u32) -> Result<(), StorageError> {
        Ok(Migrator::down(&self.conn, Some(steps)).await?)
    }

    pub async fn migration_states(&self) -> Result<Vec<MigrationState>, StorageError> {
        let migrations = Migrator::get_migration_with_status(&self.conn).await?;
        Ok(migrations
            .iter()
            .map(|m| MigrationState { name: m.name().to_owned(), applied: m.status() == MigrationStatus::Applied })
            .collect())
    }

    /// Whether the database answers now.
    pub async fn ping(&self) -> Result<(), StorageError> {
        Ok(self.conn.ping().await?)
    }

    pub async fn close(&self) {
        if let Err(err) = self.conn.close_by_ref().await {
            tracing::warn!(error = %err, "closing the database pool failed");
        }
    }
}

/// SQLite opens read-write but does not create the file unless asked: the embedded default must
/// work on a fresh machine, so `mode=rwc` is added when the URL names no mode.
fn with_sqlite_create_mode(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::with_sqlite_create_mode;

    #[test]
    fn sqlite_urls_get_the_create_mode_unless_they_name_one() {
        assert_eq!(with_sqlite_create_mode("sqlite://implication.db"), "sqlite://implication.db?mode=rwc");
        assert_eq!(with_sqlite_create_mode("sqlite://x.db?cache=shared"), "sqlite://x.db?cache=shared&mode=rwc");
        assert_eq!(with_sqlite_create_mode("sqlite://x.db?mode=ro"), "sqlite://x.db?mode=ro");
        assert_eq!(with_sqlite_create_mode("postgres://localhost/db"), "postgres://localhost/db");
    }
}
