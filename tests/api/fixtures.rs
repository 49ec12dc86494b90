//! Fixtures: a town of the test's own, its staff with tokens, and requests brought to the status a
//! scenario needs through the real API. A test that builds what it checks depends on no demo title.
//!
//! ```ignore
//! let app = spawn_app().await;
//! let town = TestTown::new(&app).await;
//! let agent = town.agent().await;
//! let request = town.request().title("Un banc").in_status("qualified").await;
//! let (view, etag) = town.staff_get(&agent, &request.id).await;
//! ```

use crate::helpers::{TestApp, json};
use implication_domain::identity::Email;
use implication_domain::vocabulary::Role;
use implication_domain::{AccountId, Slug};
use implication_storage::identity::accounts::{self, MemberChanges, NewAccount};
use implication_storage::identity::services;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::Ordering;

/// The password of every fixture account.
pub const PASSWORD: &str = "un mot de passe de test";

/// The neighbourhoods of every test town, by name (their codes: `centre-ville`, `cite-5`…).
pub const NEIGHBOURHOODS: [&str; 5] = ["Centre-ville", "Quartier Ouest", "Cité 5", "Cité 11", "Cité 12"];
/// The agent's service.
pub const WORKS_SERVICE: &str = "services-techniques";
/// A service nobody is in.
pub const GREEN_SERVICE: &str = "service-environnement";
/// The delegation the elected official (the mayor) holds.
pub const WORKS_DELEGATION: &str = "travaux-et-urbanisme";

/// One argon2id hash of [`PASSWORD`] for every fixture account, computed once per process with
/// the cheapest parameters argon2 allows. A PHC hash carries its parameters and the app verifies
/// with them, so a sign-in runs the real verification without costing the app's own parameters
/// (tenths of a second per sign-in, the largest cost of a test); the app's parameters are those of
/// every account created through the API.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
        let params = Params::new(Params::MIN_M_COST, Params::MIN_T_COST, Params::MIN_P_COST, None).expect("params");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        argon2.hash_password(PASSWORD.as_bytes()).expect("the password hashes").to_string()
    })
}

/// A town of its own, created the way the CLI creates one, with the default themes, the
/// neighbourhoods above, two services and a delegation, and four accounts: `admin`, `agent` (in
/// the works service), `elected` (the mayor, holding the works delegation) and `inhabitant`.
pub struct TestTown<'a> {
    pub app: &'a TestApp,
    pub slug: String,
    /// `/v1/municipalities/<slug>`
    pub path: String,
    tokens: tokio::sync::Mutex<HashMap<&'static str, String>>,
}

impl<'a> TestTown<'a> {
    pub async fn new(app: &'a TestApp) -> Self {
        let n = app.towns.fetch_add(1, Ordering::Relaxed) + 1;
        let slug = format!("town-{n}");
        let municipality = app.create_municipality(&slug, &format!("6{n:04}"), &NEIGHBOURHOODS).await;
        let mut accounts: HashMap<&str, AccountId> = HashMap::new();
        for role in [Role::Admin, Role::Agent, Role::Elected, Role::Inhabitant] {
            let email = Email::parse("email", &format!("{}@{slug}.test", role.code())).expect("an email");
            let new = NewAccount {
                email: &email,
                password_hash: password_hash().to_owned(),
                display_name: Some(format!("{} de {slug}", role.code())),
                platform_admin: false,
            };
            let member = accounts::add_member(&app.db, municipality.id, None, Some(new), role).await.expect("a member");
            accounts.insert(role.code(), member.account.id);
        }
        let mut service_ids = Vec::new();
        for name in ["Services techniques", "Service environnement"] {
            let code = Slug::from_name(name).expect("a code");
            service_ids
                .push(services::create_service(&app.db, municipality.id, &code, name).await.expect("a service").id);
        }
        let change = |changes: MemberChanges, role: &'static str| {
            let (db, town, account) = (&app.db, municipality.id, accounts[role]);
            async move {
                let member = accounts::find_member(db, town, account).await.expect("read").expect("a member");
                accounts::update_member(
                    db,
                    town,
                    account,
                    &implication_domain::Precondition::at(member.version),
                    changes,
                )
                .await
                .expect("updated");
            }
        };
        change(MemberChanges { services: Some(vec![service_ids[0]]), ..MemberChanges::default() }, "agent").await;
        change(MemberChanges { mayor: Some(true), ..MemberChanges::default() }, "elected").await;
        let code = Slug::from_name("Travaux et urbanisme").expect("a code");
        services::create_delegation(&app.db, municipality.id, &code, "Travaux et urbanisme", Some(accounts["elected"]))
            .await
            .expect("a delegation");
        let path = format!("/v1/municipalities/{slug}");
        Self { app, slug, path, tokens: tokio::sync::Mutex::new(HashMap::new()) }
    }

    /// `<town path><suffix>`, e.g. `town.at("/requests")`.
    pub fn at(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.path)
    }

    /// Publishes request `id` as the town's agent (with its current ETag), asserting a 200.
    pub async fn publish(&self, id: &str) {
        let agent = self.agent().await;
        let (_, etag) = self.staff_get(&agent, id).await;
        let response = self
            .app
            .authed(Method::POST, &self.at(&format!("/requests/{id}/publish")), &agent)
            .header("If-Match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "publication");
    }

    /// The email of the town's account with this role (`admin`, `agent`, `elected`, `inhabitant`).
    pub fn email(&self, role: &str) -> String {
        format!("{role}@{}.test", self.slug)
    }

    /// An access token of the account with this role, signed in once through the password grant.
    pub async fn token(&self, role: &'static str) -> String {
        let mut tokens = self.tokens.lock().await;
        if let Some(token) = tokens.get(role) {
            return token.clone();
        }
        let response = self.app.password_grant(&self.email(role), PASSWORD, None).await;
        assert_eq!(response.status(), 200, "login of the {role} of {}", self.slug);
        let token = json(response).await["access_token"].as_str().expect("an access token").to_owned();
        tokens.insert(role, token.clone());
        token
    }

    pub async fn admin(&self) -> String {
        self.token("admin").await
    }

    pub async fn agent(&self) -> String {
        self.token("agent").await
    }

    pub async fn elected(&self) -> String {
        self.token("elected").await
    }

    pub async fn inhabitant(&self) -> String {
        self.token("inhabitant").await
    }

    /// A request to submit to this town (an idea, anonymously, unless told otherwise).
    pub fn request(&self) -> RequestBuilder<'_, 'a> {
        RequestBuilder {
            town: self,
            body: json!({ "kind": "idea", "title": "Une idée", "description": "Une idée pour la commune." }),
            token: None,
            merge_into: None,
        }
    }

    /// Submits `body` with an optional token; returns the answer, whatever it is.
    pub async fn submit(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self.app.client.post(self.app.url(&self.at("/requests"))).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the request is sent")
    }

    /// The staff view of a request and its ETag (asserting a 200).
    pub async fn staff_get(&self, token: &str, id: &str) -> (Value, String) {
        let response = self.app.authed(Method::GET, &self.at(&format!("/requests/{id}")), token).send().await.unwrap();
        assert_eq!(response.status(), 200, "the staff view of {id}");
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        (json(response).await, etag)
    }

    /// Posts a transition with the request's current ETag.
    pub async fn transition(&self, token: &str, id: &str, body: Value) -> reqwest::Response {
        let (_, etag) = self.staff_get(token, id).await;
        self.app
            .authed(Method::POST, &self.at(&format!("/requests/{id}/transitions")), token)
            .header("If-Match", etag)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Puts a qualification document with the request's current ETag.
    pub async fn put_qualification(&self, token: &str, id: &str, document: &Value) -> reqwest::Response {
        let (_, etag) = self.staff_get(token, id).await;
        self.app
            .authed(Method::PUT, &self.at(&format!("/requests/{id}/qualification")), token)
            .header("If-Match", etag)
            .json(document)
            .send()
            .await
            .unwrap()
    }

    /// Records a qualification document (asserting a 200) and returns the view.
    pub async fn record_qualification(&self, token: &str, id: &str, document: &Value) -> Value {
        let response = self.put_qualification(token, id, document).await;
        assert_eq!(response.status(), 200, "qualification refused");
        json(response).await
    }

    /// The ids of every request a list answers with `query`, following `next_cursor` to the end.
    pub async fn list_ids(&self, token: Option<&str>, query: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{}?limit=200&{query}", self.at("/requests"));
            if let Some(cursor) = &cursor {
                url.push_str(&format!("&cursor={cursor}"));
            }
            let mut request = self.app.client.get(self.app.url(&url));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{url}");
            let page = json(response).await;
            ids.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return ids,
            }
        }
    }
}

/// A complete qualification document that lets every guard pass: another authority is competent
/// (so the request may be redirected) and the six prerequisites hold (so it may be a
/// fifty-fifty).
pub fn every_guard_passes() -> Value {
    json!({
        "restated_need": "Un besoin reformulé avec le demandeur.",
        "competence": "intercommunality",
        "competent_authority": "Communauté d'agglomération de Lens-Liévin",
        "recommended_level": "coproduction",
        "fifty_fifty_eligibility": {
            "general_interest": { "holds": true, "justification": "Pour tous." },
            "public_domain": { "holds": true, "justification": "Terrain communal." },
            "living_environment": { "holds": true, "justification": "Plus beau.", "aims": ["embellishment"] },
            "citizen_delivery": { "holds": true, "justification": "Les habitants le font." },
            "unmet_need": { "holds": true, "justification": "Rien de tel aujourd'hui." },
            "no_public_service_replaced": { "holds": true, "justification": "Aucun service ne le fait." }
        }
    })
}

/// The statuses to go through to reach `status` from `received`, as the lifecycle draws them.
pub fn path_to(status: &str) -> Vec<&'static str> {
    match status {
        "received" => vec![],
        "qualifying" => vec!["qualifying"],
        "qualified" => vec!["qualifying", "qualified"],
        "redirected" => vec!["qualifying", "qualified", "redirected"],
        "declined" => vec!["qualifying", "qualified", "declined"],
        "answered" => vec!["qualifying", "qualified", "answered"],
        "in_process" => vec!["qualifying", "qualified", "in_process"],
        "in_fifty_fifty" => vec!["qualifying", "qualified", "in_fifty_fifty"],
        "closed" => vec!["qualifying", "qualified", "in_process", "closed"],
        "merged" => vec!["merged"],
        other => panic!("no status {other}"),
    }
}

/// A transition body with everything a move to `to` requires (a reason, a resolution, a target).
pub fn complete_transition(to: &str, merge_into: &str) -> Value {
    let mut body = json!({ "to": to, "reason": "Expliqué au demandeur." });
    if to == "closed" {
        body["resolution"] = json!("status_quo");
    }
    if to == "merged" {
        body["into"] = json!(merge_into);
    }
    body
}

/// A request to be submitted: the body is an idea until told otherwise.
pub struct RequestBuilder<'t, 'a> {
    town: &'t TestTown<'a>,
    body: Value,
    token: Option<String>,
    merge_into: Option<String>,
}

impl RequestBuilder<'_, '_> {
    pub fn title(mut self, title: &str) -> Self {
        self.body["title"] = json!(title);
        self
    }

    /// Replaces the whole submission.
    pub fn body(mut self, body: Value) -> Self {
        self.body = body;
        self
    }

    /// Submitted by this caller rather than anonymously.
    pub fn by(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// The request a move to `merged` merges into (without it, one is submitted for the purpose).
    pub fn merged_into(mut self, id: &str) -> Self {
        self.merge_into = Some(id.to_owned());
        self
    }

    /// Submits it (asserting a 201).
    pub async fn submitted(self) -> TestRequest {
        let response = self.town.submit(self.token.as_deref(), &self.body).await;
        let status = response.status();
        let receipt = json(response).await;
        assert_eq!(status, 201, "submission refused: {receipt}");
        TestRequest { id: receipt["id"].as_str().expect("an id").to_owned(), receipt }
    }

    /// Submits it, then the town's agent moves it to `status` through the transitions endpoint,
    /// recording a qualification that lets every guard pass before it is qualified.
    pub async fn in_status(self, status: &str) -> TestRequest {
        let town = self.town;
        let merge_into = match (&self.merge_into, status) {
            (Some(target), _) => target.clone(),
            (None, "merged") => town.request().title("La demande où l'on fusionne").submitted().await.id,
            (None, _) => String::new(),
        };
        let request = self.submitted().await;
        let agent = town.agent().await;
        for step in path_to(status) {
            if step == "qualified" {
                town.record_qualification(&agent, &request.id, &every_guard_passes()).await;
            }
            let response = town.transition(&agent, &request.id, complete_transition(step, &merge_into)).await;
            assert_eq!(response.status(), 200, "{step} on the way to {status}");
        }
        request
    }
}

/// A submitted request.
pub struct TestRequest {
    pub id: String,
    /// The whole receipt of the submission.
    pub receipt: Value,
}

/// The test towns' day (they are in Europe/Paris), `days` from today: not always the UTC day.
pub fn town_day(days: i64) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive() + chrono::Duration::days(days)
}
