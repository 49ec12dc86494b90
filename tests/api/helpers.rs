//! Spawning the app for a test, and small helpers that make tests read like their scenario.

use crate::databases::{Seed, TestDatabase};
use implication_api::{Application, Config, prepare_database};
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::{Municipality, NewMunicipality, NewNeighbourhood};
use implication_storage::{Database, identity::municipalities};
use std::collections::HashMap;
use std::sync::atomic::AtomicU32;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Database,
    /// How many `TestTown`s this app has (their slugs and INSEE codes are numbered).
    pub(crate) towns: AtomicU32,
    _database: TestDatabase,
}

/// The app on a fresh, migrated database. Extra configuration (`CORS_ALLOWED_ORIGINS`…) may be
/// given.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The app with the demo data: two towns, an account per role (password `implication-demo`),
/// a platform admin and the `demo-partner` client.
pub async fn spawn_demo_app() -> TestApp {
    spawn_demo_app_with(&[]).await
}

pub async fn spawn_app_with(settings: &[(&str, &str)]) -> TestApp {
    spawn(Seed::Migrated, settings).await
}

pub async fn spawn_demo_app_with(settings: &[(&str, &str)]) -> TestApp {
    spawn(Seed::Demo, settings).await
}

async fn spawn(seed: Seed, settings: &[(&str, &str)]) -> TestApp {
    crate::logs::capture();
    let database = TestDatabase::create(seed).await;
    let mut vars: HashMap<String, String> = HashMap::new();
    // Scenarios submit many requests from one address: the intake limit has its own test.
    vars.insert("ANONYMOUS_INTAKE_PER_HOUR".into(), "1000".into());
    // Tests that deliver webhooks turn the worker on, or run its passes at instants they choose.
    vars.insert("WEBHOOKS_WORKER".into(), "false".into());
    vars.extend(settings.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    vars.insert("BIND_ADDR".into(), "127.0.0.1:0".into());
    vars.insert("DATABASE_URL".into(), database.url.clone());
    vars.insert("WORKERS".into(), "1".into());
    vars.insert("DATABASE_MAX_CONNECTIONS".into(), "5".into());
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration is valid");
    let db = prepare_database(&config).await.expect("the test database migrates");
    let app = Application::build(&config, db.clone()).await.expect("the app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    TestApp { address, client, db, towns: AtomicU32::new(0), _database: database }
}

impl TestApp {
    /// The URL of the app's database, for a test that needs a connection of its own.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("the request is sent")
    }

    /// A request builder with a bearer token.
    pub fn authed(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(token)
    }

    /// The token response of a password grant.
    pub async fn password_grant(&self, email: &str, password: &str, municipality: Option<&str>) -> reqwest::Response {
        let mut form = vec![("grant_type", "password"), ("username", email), ("password", password)];
        if let Some(m) = municipality {
            form.push(("municipality", m));
        }
        self.client.post(self.url("/v1/auth/token")).form(&form).send().await.expect("the request is sent")
    }

    /// An access token for a demo account (`agent@loos-en-gohelle.demo`…).
    pub async fn login(&self, email: &str) -> String {
        let response = self.password_grant(email, implication_api::demo::PASSWORD, None).await;
        assert_eq!(response.status(), 200, "login of {email}");
        json(response).await["access_token"].as_str().expect("an access token").to_owned()
    }

    /// An access token for a machine client.
    pub async fn client_login(&self, client_id: &str, secret: &str) -> String {
        let form = [("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret)];
        let response = self.client.post(self.url("/v1/auth/token")).form(&form).send().await.expect("sent");
        assert_eq!(response.status(), 200, "login of client {client_id}");
        json(response).await["access_token"].as_str().expect("an access token").to_owned()
    }

    /// Creates a municipality the way the CLI does.
    pub async fn create_municipality(&self, slug: &str, insee_code: &str, neighbourhoods: &[&str]) -> Municipality {
        let draft = MunicipalityDraft {
            slug: slug.to_owned(),
            name: slug.to_owned(),
            insee_code: insee_code.to_owned(),
            population: 1_000,
            ..MunicipalityDraft::default()
        };
        let new = NewMunicipality::parse(&draft).expect("a valid municipality");
        let neighbourhoods: Vec<NewNeighbourhood> =
            neighbourhoods.iter().map(|n| NewNeighbourhood::parse(n, None).expect("a valid neighbourhood")).collect();
        municipalities::create(&self.db, &new, &neighbourhoods).await.expect("the municipality is created")
    }
}

/// Reads a JSON body, failing the test with the body when it is not JSON.
pub async fn json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts a problem+json answer with this status, and returns its document.
pub async fn problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body = json(response).await;
    assert_eq!(body["status"], status);
    assert!(body["type"].as_str().is_some_and(|t| t.starts_with("/problems/")), "{body}");
    assert!(body["request_id"].is_string(), "{body}");
    body
}
