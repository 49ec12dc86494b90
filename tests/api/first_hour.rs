//! What a new user meets in their first hour: `serve` failing early and clearly, and
//! `--demo --fresh` starting over.

use implication_api::Config;
use implication_api::startup::{self, Demo};
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::{NewMunicipality, Slug};
use implication_storage::Database;
use implication_storage::identity::municipalities;
use std::collections::HashMap;
use std::path::Path;

fn config(bind_addr: &str, database_url: &str) -> Config {
    let vars: HashMap<&str, String> = HashMap::from([
        ("BIND_ADDR", bind_addr.to_owned()),
        ("DATABASE_URL", database_url.to_owned()),
        ("WORKERS", "1".to_owned()),
        ("DATABASE_MAX_CONNECTIONS", "2".to_owned()),
    ]);
    Config::from_lookup(|name| vars.get(name).cloned()).expect("a valid configuration")
}

fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}", file.display())
}

async fn start_error(config: &Config, demo: Demo) -> String {
    match startup::start(config, demo).await {
        Ok(_) => panic!("serve started on an address already in use"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_address_is_named_and_refused_before_the_database_is_touched() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = busy.local_addr().expect("its address").to_string();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("never.db");

    for demo in [Demo::None, Demo::Load, Demo::Fresh] {
        let error = start_error(&config(&address, &sqlite_url(&file)), demo).await;
        assert!(error.starts_with(&format!("cannot listen on {address}: ")), "{demo:?}: {error}");
        assert!(!file.exists(), "{demo:?}: the database was created before the address was bound");
    }

    // Nor does --fresh delete a database it would then not serve.
    std::fs::write(&file, b"kept").expect("a file");
    start_error(&config(&address, &sqlite_url(&file)), Demo::Fresh).await;
    assert_eq!(std::fs::read(&file).expect("the file is still there"), b"kept");
}

async fn municipality_exists(db: &Database, slug: &str) -> bool {
    municipalities::find_by_slug(db, slug).await.expect("a query").is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_fresh_starts_over_where_demo_keeps_what_the_database_holds() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("demo.db");
    let config = config("127.0.0.1:0", &sqlite_url(&file));

    let started = startup::start(&config, Demo::Load).await.expect("serve --demo starts");
    assert_eq!(started.demo_created, ["loos-en-gohelle", "grenay"]);
    let draft = MunicipalityDraft {
        slug: "left-over".into(),
        name: "Left over".into(),
        insee_code: "59350".into(),
        population: 10,
        ..MunicipalityDraft::default()
    };
    let new = NewMunicipality::parse(&draft).expect("a valid municipality");
    municipalities::create(&started.db, &new, &[]).await.expect("created");
    started.db.close().await;

    let again = startup::start(&config, Demo::Load).await.expect("serve --demo starts again");
    assert!(again.demo_created.is_empty(), "the demo was loaded twice");
    assert!(municipality_exists(&again.db, "left-over").await, "--demo alone lost data");
    again.db.close().await;
    // A WAL left behind (the journal mode of another tool) goes with the database.
    std::fs::write(dir.path().join("demo.db-wal"), b"stale").expect("a file");

    let fresh = startup::start(&config, Demo::Fresh).await.expect("serve --demo --fresh starts");
    assert_eq!(fresh.demo_created, ["loos-en-gohelle", "grenay"]);
    assert!(!municipality_exists(&fresh.db, "left-over").await, "--fresh kept the previous data");
    assert!(municipality_exists(&fresh.db, "grenay").await);
    assert_eq!(
        Slug::parse("loos-en-gohelle").ok(),
        municipalities::find_by_slug(&fresh.db, "loos-en-gohelle").await.expect("a query").map(|m| m.slug)
    );
    fresh.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_fresh_is_refused_on_postgresql_before_anything_else() {
    // Even with a busy address: the refusal comes first, and no connection is tried.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = busy.local_addr().expect("its address").to_string();
    let error =
        start_error(&config(&address, "postgres://implication:secret@127.0.0.1:1/implication"), Demo::Fresh).await;
    assert!(error.starts_with("--fresh deletes a SQLite database file"), "{error}");
    assert!(!error.contains("secret"), "{error}");
}
