//! Each test's own database, cloned from a template prepared once per test process.
//!
//! A template is migrated (and, for [`Seed::Demo`], loaded with the demo data) once, the first
//! time a test asks for it; every test then gets a copy of its own:
//!
//! - SQLite: the template is built in a temporary file, its pool closed (so every page is in the
//!   main file: the test databases use no WAL, and a WAL would be checkpointed first), and its
//!   bytes kept in memory; each test writes them to a file in a temporary directory of its own.
//!   Nothing outlives the process.
//! - PostgreSQL: `CREATE DATABASE <test> TEMPLATE <template>`. The templates of a run are named
//!   after the run (`implication_run_<pid>_<random>_migrated`…) and so never collide with
//!   another process's. A run holds, for as long as its process lives, a *lease*: one idle
//!   connection to the server whose `application_name` is the run's name. When it creates its
//!   first template, a run drops every `implication_run_…` database whose run holds no lease:
//!   the templates (and the per-test databases a killed run could not drop) of finished runs.
//!   The lease is taken before any of the run's databases exists, so no run ever drops a live
//!   one, whichever machine it runs on; the server closes the lease when the process ends.
//!
//! Templates are built on a thread with a runtime of its own (each test has its own runtime, and
//! a connection must not outlive the runtime that opened it), behind `OnceLock`s that the tests
//! of the process share; every connection to a PostgreSQL template is closed before it is cloned.

use implication_storage::sea_orm::{self, ConnectOptions, ConnectionTrait};
use implication_storage::{Database, PoolOptions};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// What a test's database holds when the app starts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// The schema, migrated, and nothing else.
    Migrated,
    /// The schema and the demo data (`implication_api::demo::load`).
    Demo,
}

impl Seed {
    fn index(self) -> usize {
        match self {
            Self::Migrated => 0,
            Self::Demo => 1,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Migrated => "migrated",
            Self::Demo => "demo",
        }
    }
}

/// A database only this test uses, removed when the test ends.
pub struct TestDatabase {
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server_url: String, name: String },
}

fn postgres_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
}

impl TestDatabase {
    pub async fn create(seed: Seed) -> Self {
        match postgres_server() {
            None => {
                let template = sqlite_template(seed);
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("test.db");
                std::fs::write(&path, template).expect("the template is copied");
                Self { url: format!("sqlite://{}", path.display()), kind: Kind::Sqlite(dir) }
            }
            Some(server_url) => {
                let template = postgres_template(&server_url, seed);
                static TESTS: AtomicU32 = AtomicU32::new(0);
                let name = format!("{}_t{}", run_name(&server_url), TESTS.fetch_add(1, Ordering::Relaxed));
                let server = connect_server(&server_url).await;
                execute(&server, &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")).await;
                server.close().await;
                let url = replace_database_name(&server_url, &name);
                Self { url, kind: Kind::Postgres { server_url, name } }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Kind::Postgres { server_url, name } = &self.kind {
            let (server_url, name) = (server_url.clone(), name.clone());
            // Drop runs inside the test's runtime: do the async work on a thread of its own.
            on_own_runtime(async move {
                if let Ok(server) = Database::connect(&server_url, PoolOptions::default()).await {
                    execute(&server, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                    server.close().await;
                }
            });
        }
    }
}

/// Runs `work` to completion on a new thread with a runtime of its own, and returns its result.
fn on_own_runtime<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(work)
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

// --- SQLite -------------------------------------------------------------------------------

static SQLITE_TEMPLATES: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];

/// The bytes of a complete template file for `seed`.
fn sqlite_template(seed: Seed) -> &'static [u8] {
    SQLITE_TEMPLATES[seed.index()].get_or_init(|| {
        let start = match seed {
            Seed::Migrated => None,
            Seed::Demo => Some(sqlite_template(Seed::Migrated).to_vec()),
        };
        on_own_runtime(build_sqlite_template(seed, start))
    })
}

async fn build_sqlite_template(seed: Seed, start: Option<Vec<u8>>) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("template.db");
    if let Some(bytes) = &start {
        std::fs::write(&path, bytes).expect("the migrated template is copied");
    }
    let db = Database::connect(&format!("sqlite://{}", path.display()), PoolOptions::default())
        .await
        .expect("the template database opens");
    prepare(&db, seed).await;
    let mode = db
        .conn()
        .query_one_raw(sea_orm::Statement::from_string(db.conn().get_database_backend(), "PRAGMA journal_mode"))
        .await
        .expect("the journal mode is read")
        .and_then(|row| row.try_get::<String>("", "journal_mode").ok())
        .unwrap_or_default();
    if mode.eq_ignore_ascii_case("wal") {
        execute(&db, "PRAGMA wal_checkpoint(TRUNCATE)").await;
    }
    db.close().await;
    for leftover in ["template.db-wal", "template.db-journal"] {
        let size = std::fs::metadata(dir.path().join(leftover)).map(|m| m.len()).unwrap_or(0);
        assert_eq!(size, 0, "{leftover} still holds pages: the template file would be incomplete");
    }
    std::fs::read(&path).expect("the template is read")
}

/// Migrates `db` and loads what `seed` asks for (a migrated start only gets the demo data).
async fn prepare(db: &Database, seed: Seed) {
    db.migrate_up().await.expect("the template migrates");
    if seed == Seed::Demo {
        implication_api::demo::load(db).await.expect("the demo data loads");
    }
}

// --- PostgreSQL ---------------------------------------------------------------------------

const RUN_PREFIX: &str = "implication_run_";

static RUN: OnceLock<String> = OnceLock::new();
static PG_TEMPLATES: [OnceLock<String>; 2] = [OnceLock::new(), OnceLock::new()];

/// This process's run name, once its lease is held and the databases of finished runs dropped.
fn run_name(server_url: &str) -> &'static str {
    RUN.get_or_init(|| {
        // The random tail of a v7 UUID (its head is the clock, shared by runs started together).
        let tag = uuid::Uuid::now_v7().simple().to_string();
        let run = format!("{RUN_PREFIX}{}_{}", std::process::id(), &tag[24..]);
        hold_lease(server_url, &run);
        on_own_runtime(drop_finished_runs(server_url.to_owned()));
        run
    })
}

/// Opens the run's lease on a thread that keeps it, idle, until the process ends.
fn hold_lease(server_url: &str, run: &str) {
    let url = with_application_name(server_url, run);
    let (opened, lease_open) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async move {
            let mut options = ConnectOptions::new(url);
            // One connection, never recycled: a gap would let another run think this one ended.
            options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .test_before_acquire(false)
                .sqlx_logging(false);
            match sea_orm::Database::connect(options).await {
                Ok(lease) => {
                    let _ = opened.send(Ok(()));
                    std::future::pending::<()>().await;
                    drop(lease);
                }
                Err(err) => {
                    let _ = opened.send(Err(err.to_string()));
                }
            }
        });
    });
    match lease_open.recv() {
        Ok(Ok(())) => {}
        Ok(Err(err)) => panic!("TEST_DATABASE_URL does not answer: {err}"),
        Err(_) => panic!("the lease thread ended without a word"),
    }
}

/// Drops the databases of every run that no longer holds its lease.
async fn drop_finished_runs(server_url: String) {
    let server = connect_server(&server_url).await;
    let live: Vec<String> = strings(
        &server,
        &format!("SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE '{RUN_PREFIX}%'"),
    )
    .await;
    let ours: Vec<String> = strings(
        &server,
        &format!("SELECT datname AS name FROM pg_database WHERE datname LIKE '{}%'", RUN_PREFIX.replace('_', "\\_")),
    )
    .await;
    for database in ours {
        // `implication_run_<pid>_<tag>_<what>`: the run is the first four parts.
        let run: String = database.splitn(5, '_').take(4).collect::<Vec<_>>().join("_");
        if !live.contains(&run) {
            // Another user's run, or one dropped meanwhile: not ours to insist on.
            let sql = format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            let _ = server.conn().execute_unprepared(&sql).await;
        }
    }
    server.close().await;
}

/// The name of a complete template database for `seed`.
fn postgres_template(server_url: &str, seed: Seed) -> &'static str {
    PG_TEMPLATES[seed.index()].get_or_init(|| {
        let run = run_name(server_url);
        let source = match seed {
            Seed::Migrated => None,
            Seed::Demo => Some(postgres_template(server_url, Seed::Migrated).to_owned()),
        };
        let name = format!("{run}_{}", seed.suffix());
        on_own_runtime(build_postgres_template(server_url.to_owned(), name.clone(), seed, source));
        name
    })
}

async fn build_postgres_template(server_url: String, name: String, seed: Seed, source: Option<String>) {
    let server = connect_server(&server_url).await;
    let template = source.map(|s| format!(" TEMPLATE \"{s}\"")).unwrap_or_default();
    execute(&server, &format!("CREATE DATABASE \"{name}\"{template}")).await;
    server.close().await;
    let db = Database::connect(&replace_database_name(&server_url, &name), PoolOptions::default())
        .await
        .expect("the template database answers");
    prepare(&db, seed).await;
    // `CREATE DATABASE … TEMPLATE` refuses a template with open connections.
    db.close().await;
}

async fn connect_server(server_url: &str) -> Database {
    Database::connect(server_url, PoolOptions::default()).await.expect("TEST_DATABASE_URL answers")
}

async fn strings(db: &Database, sql: &str) -> Vec<String> {
    let rows = db
        .conn()
        .query_all_raw(sea_orm::Statement::from_string(db.conn().get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().filter_map(|row| row.try_get::<String>("", "name").ok()).collect()
}

async fn execute(db: &Database, sql: &str) {
    db.conn().execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// `postgres://user@host:5432/postgres?x` → `postgres://user@host:5432/<name>?x`
fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let host = rest.split('/').next().unwrap_or(rest);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{host}/{name}{query}")
}

fn with_application_name(url: &str, name: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name={name}")
}
