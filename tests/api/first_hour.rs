//! What a new user meets in their first hour: `serve` failing early and clearly, `--demo --fresh`
//! starting over, and 404s that do not tell another town's resources from missing ones.

use crate::helpers::{TestApp, json, problem, spawn_demo_app};
use implication_api::Config;
use implication_api::startup::{self, Demo};
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::{NewMunicipality, Slug};
use implication_storage::Database;
use implication_storage::identity::municipalities;
use reqwest::Method;
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
async fn demo_fresh_deletes_the_file_sqlx_opens_even_when_its_url_is_percent_encoded() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}/my%20demo.db", dir.path().display());
    let config = config("127.0.0.1:0", &url);
    let started = startup::start(&config, Demo::Load).await.expect("serve --demo starts");
    started.db.close().await;
    assert!(dir.path().join("my demo.db").exists(), "sqlx decodes the path");
    let fresh = startup::start(&config, Demo::Fresh).await.expect("serve --demo --fresh starts");
    assert_eq!(fresh.demo_created, ["loos-en-gohelle", "grenay"], "--fresh deleted the database first");
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

/// The 404 of `method path` as `token` sees it, in `language`; a write sends a valid body.
async fn not_found_detail(app: &TestApp, token: &str, method: Method, path: &str, language: &str) -> String {
    let mut request = app.authed(method.clone(), path, token).header("Accept-Language", language);
    if method == Method::POST {
        request = request.header("If-Match", "\"1\"").json(&serde_json::json!({"to": "qualified"}));
    } else if method == Method::PATCH {
        request = request.header("If-Match", "\"1\"").json(&serde_json::json!({"name": "Voirie"}));
    }
    let body = problem(request.send().await.expect("sent"), 404).await;
    body["detail"].as_str().expect("a detail").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_towns_resources_answer_like_unknown_ones_of_ones_own() {
    let app = spawn_demo_app().await;
    // Unpublished, so that even its public operations show nothing of it to another town.
    let submitted = app.client.post(app.url("/v1/municipalities/grenay/requests")).json(&serde_json::json!({
        "kind": "complaint", "title": "Un lampadaire éteint", "description": "Rue Pasteur, depuis une semaine.",
        "requester": {"kind": "individual", "name": "Camille Dupont", "email": "camille@example.org"},
        "personal_data_consent": true}));
    let submitted = submitted.send().await.expect("sent");
    assert_eq!(submitted.status(), 201);
    let request = json(submitted).await["id"].as_str().expect("an id").to_owned();
    let grenay_admin = app.login("admin@grenay.demo").await;
    let accounts = app.authed(Method::GET, "/v1/municipalities/grenay/accounts", &grenay_admin).send();
    let account = json(accounts.await.expect("sent")).await["items"][0]["id"].as_str().expect("an id").to_owned();
    let made_up = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e";

    // Grenay's own resources, and made-up ones of Loos, as a Loos admin (staff too).
    let cases: Vec<(Method, String, String, &str)> = [
        ("", "request"),
        ("/qualification", "request"),
        ("/history", "request"),
        ("/suggestions", "request"),
        ("/answers", "request"),
    ]
    .iter()
    .map(|(tail, what)| (Method::GET, format!("requests/{request}{tail}"), format!("requests/{made_up}{tail}"), *what))
    .chain([
        (Method::POST, format!("requests/{request}/transitions"), format!("requests/{made_up}/transitions"), "request"),
        (Method::GET, format!("accounts/{account}"), format!("accounts/{made_up}"), "account"),
        (Method::GET, format!("clients/{made_up}"), format!("clients/{made_up}"), "client"),
        (Method::GET, "services/services-techniques".into(), "services/no-such-service".into(), "service"),
        (Method::GET, "delegations/travaux-et-cadre-de-vie".into(), "delegations/no-such-one".into(), "delegation"),
        (Method::PATCH, "themes/roads-and-traffic".into(), "themes/no-such-theme".into(), "theme"),
    ])
    .collect();
    let loos_admin = app.login("admin@loos-en-gohelle.demo").await;
    for (method, theirs, ours, what) in cases {
        for language in ["en", "fr"] {
            let hidden = format!("/v1/municipalities/grenay/{theirs}");
            let unknown = format!("/v1/municipalities/loos-en-gohelle/{ours}");
            let hidden = not_found_detail(&app, &loos_admin, method.clone(), &hidden, language).await;
            let unknown = not_found_detail(&app, &loos_admin, method.clone(), &unknown, language).await;
            assert_eq!(hidden, unknown, "{method} …/{theirs} in {language}");
            if language == "en" {
                assert_eq!(hidden, format!("no such {what} here"), "{method} …/{theirs}");
            }
        }
    }

    // A municipality that does not exist still says so.
    let nowhere = format!("/v1/municipalities/atlantis/requests/{made_up}/history");
    assert_eq!(not_found_detail(&app, &loos_admin, Method::GET, &nowhere, "en").await, "no municipality atlantis");
}
