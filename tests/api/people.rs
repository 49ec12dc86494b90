//! Accounts, registration, passwords, services, delegations, machine clients and municipalities,
//! as their managers use them.

use crate::helpers::{json, problem, spawn_demo_app};
use crate::logs::captured;
use implication_api::demo::{CLIENT_SECRET, PASSWORD};
use reqwest::Method;
use serde_json::json;

const LOOS: &str = "/v1/municipalities/loos-en-gohelle";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inhabitant_registers_then_signs_in() {
    let app = spawn_demo_app().await;
    let body = json!({ "email": "Camille@Example.org", "password": "un mot de passe assez long", "municipality": "loos-en-gohelle" });
    let response = app.client.post(app.url("/v1/registrations")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/v1/me");
    let created = json(response).await;
    assert_eq!(created["email"], "camille@example.org", "emails are normalised");
    assert_eq!(created["role"], "inhabitant");
    assert_eq!(created["email_verified"], false);
    let tokens = json(app.password_grant("camille@example.org", "un mot de passe assez long", None).await).await;
    assert_eq!(tokens["role"], "inhabitant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_names_every_invalid_field() {
    let app = spawn_demo_app().await;
    let body = json!({ "email": "not-an-email", "password": "short", "municipality": "atlantis" });
    let response = app.client.post(app.url("/v1/registrations")).json(&body).send().await.unwrap();
    let problem = problem(response, 422).await;
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "password", "municipality"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_a_taken_email_with_another_password_is_a_409() {
    let app = spawn_demo_app().await;
    let body =
        json!({ "email": "agent@loos-en-gohelle.demo", "password": "another long password", "municipality": "grenay" });
    let response = app.client.post(app.url("/v1/registrations")).json(&body).send().await.unwrap();
    assert_eq!(problem(response, 409).await["errors"][0]["field"], "email");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_wrongly_typed_and_oversized_bodies_get_400_422_415_and_413() {
    let app = spawn_demo_app().await;
    let url = app.url("/v1/registrations");
    let malformed =
        app.client.post(&url).header("content-type", "application/json").body("{\"email\": ").send().await.unwrap();
    assert_eq!(problem(malformed, 400).await["type"], "/problems/malformed-request");
    let typed = app
        .client
        .post(&url)
        .json(&json!({ "email": 42, "password": "x", "municipality": "loos" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(typed, 422).await["errors"][0]["field"], "email");
    let unknown_field = app
        .client
        .post(&url)
        .json(&json!({ "email": "a@b.fr", "password": "xxxxxxxxxxxx", "municipality": "grenay", "role": "admin" }))
        .send()
        .await
        .unwrap();
    problem(unknown_field, 422).await;
    let text = app.client.post(&url).header("content-type", "text/plain").body("hello").send().await.unwrap();
    problem(text, 415).await;
    let huge = format!("{{\"email\": \"{}\"}}", "a".repeat(300 * 1024));
    let oversized = app.client.post(&url).header("content-type", "application/json").body(huge).send().await.unwrap();
    problem(oversized, 413).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_ones_password_revokes_the_other_sessions() {
    let app = spawn_demo_app().await;
    let tokens = json(app.password_grant("inhabitant@grenay.demo", PASSWORD, None).await).await;
    let access = tokens["access_token"].as_str().unwrap();
    let wrong = app
        .authed(Method::POST, "/v1/me/password", access)
        .json(&json!({ "current_password": "not it", "new_password": "a brand new password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(wrong, 422).await["errors"][0]["field"], "current_password");
    let changed = app
        .authed(Method::POST, "/v1/me/password", access)
        .json(&json!({ "current_password": PASSWORD, "new_password": "a brand new password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    let form = [("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())];
    let refreshed = app.client.post(app.url("/v1/auth/token")).form(&form).send().await.unwrap();
    problem(refreshed, 400).await;
    assert_eq!(app.password_grant("inhabitant@grenay.demo", "a brand new password", None).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_agent_in_a_service_and_updates_it_with_if_match() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let created = app
        .authed(Method::POST, &format!("{LOOS}/accounts"), &admin)
        .json(&json!({ "email": "dominique@loos-en-gohelle.fr", "role": "agent", "password": "un premier mot de passe",
            "services": ["service-environnement"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let account = json(created).await;
    assert_eq!(account["services"], json!(["service-environnement"]));

    let missing =
        app.authed(Method::PATCH, &location, &admin).json(&json!({ "role": "elected" })).send().await.unwrap();
    problem(missing, 428).await;
    let updated = app
        .authed(Method::PATCH, &location, &admin)
        .header("If-Match", &etag)
        .json(&json!({ "role": "elected" }))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    assert_ne!(updated.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(json(updated).await["role"], "elected");
    let stale = app
        .authed(Method::PATCH, &location, &admin)
        .header("If-Match", &etag)
        .json(&json!({ "role": "agent" }))
        .send()
        .await
        .unwrap();
    problem(stale, 412).await;
    let current = json(app.authed(Method::GET, &location, &admin).send().await.unwrap()).await;
    assert_eq!(current["role"], "elected", "the stale update changed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_gets_422_for_an_unknown_role_or_service_and_409_when_already_a_member() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let invalid = app
        .authed(Method::POST, &format!("{LOOS}/accounts"), &admin)
        .json(&json!({ "email": "x@loos.fr", "role": "mayor", "services": ["nope"] }))
        .send()
        .await
        .unwrap();
    let fields: Vec<String> = problem(invalid, 422).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["role", "services[0]", "password"]);
    let twice = app
        .authed(Method::POST, &format!("{LOOS}/accounts"), &admin)
        .json(&json!({ "email": "agent@loos-en-gohelle.demo", "role": "elected" }))
        .send()
        .await
        .unwrap();
    problem(twice, 409).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_town_has_one_mayor_and_only_an_elected_official_can_be_it() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let accounts = json(app.authed(Method::GET, &format!("{LOOS}/accounts"), &admin).send().await.unwrap()).await;
    let items = accounts["items"].as_array().unwrap();
    let elected = items.iter().find(|a| a["role"] == "elected").unwrap();
    assert_eq!(elected["mayor"], true, "the demo elected official is the mayor");
    let agent = items.iter().find(|a| a["role"] == "agent").unwrap();
    let agent_path = format!("{LOOS}/accounts/{}", agent["id"].as_str().unwrap());
    let refused = app
        .authed(Method::PATCH, &agent_path, &admin)
        .header("If-Match", "\"2\"")
        .json(&json!({ "mayor": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(refused, 422).await["errors"][0]["field"], "mayor");

    let created = app
        .authed(Method::POST, &format!("{LOOS}/accounts"), &admin)
        .json(&json!({ "email": "nouvelle.maire@loos-en-gohelle.fr", "role": "elected", "password": "un premier mot de passe" }))
        .send()
        .await
        .unwrap();
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let made = app
        .authed(Method::PATCH, &location, &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({ "mayor": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(json(made).await["mayor"], true);
    let former = json(
        app.authed(Method::GET, &format!("{LOOS}/accounts/{}", elected["id"].as_str().unwrap()), &admin)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(former["mayor"], false, "one mayor per town");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_cannot_suspend_or_demote_themselves() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let me = json(app.authed(Method::GET, "/v1/me", &admin).send().await.unwrap()).await;
    let path = format!("{LOOS}/accounts/{}", me["id"].as_str().unwrap());
    let refused = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(refused, 422).await["errors"][0]["code"], "self_lockout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_and_delegations_are_managed_by_the_admin_and_read_by_staff() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let created = app
        .authed(Method::POST, &format!("{LOOS}/services"), &admin)
        .json(&json!({ "name": "Service culture" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(json(created).await["code"], "service-culture");
    let listed = json(app.authed(Method::GET, &format!("{LOOS}/services"), &agent).send().await.unwrap()).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|s| s["code"] == "service-culture"));
    let duplicate = app
        .authed(Method::POST, &format!("{LOOS}/services"), &admin)
        .json(&json!({ "name": "Service culture" }))
        .send()
        .await
        .unwrap();
    problem(duplicate, 409).await;

    let accounts = json(app.authed(Method::GET, &format!("{LOOS}/accounts"), &admin).send().await.unwrap()).await;
    let find =
        |role: &str| accounts["items"].as_array().unwrap().iter().find(|a| a["role"] == role).unwrap()["id"].clone();
    let not_elected = app
        .authed(Method::POST, &format!("{LOOS}/delegations"), &admin)
        .json(&json!({ "name": "Culture", "holder": find("agent") }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(not_elected, 422).await["errors"][0]["field"], "holder");
    let delegation = app
        .authed(Method::POST, &format!("{LOOS}/delegations"), &admin)
        .json(&json!({ "name": "Culture", "holder": find("elected") }))
        .send()
        .await
        .unwrap();
    assert_eq!(delegation.status(), 201);
    let path = format!("{LOOS}/delegations/culture");
    let vacated = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({ "holder": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(json(vacated).await["holder"], serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_machine_clients_secret_is_shown_once_and_rotation_replaces_it() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let created = app
        .authed(Method::POST, &format!("{LOOS}/clients"), &admin)
        .json(&json!({ "name": "Outil du club de foot", "association": "US Loos", "scopes": ["requests:write"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let created = json(created).await;
    let (client_id, first_secret) =
        (created["client_id"].as_str().unwrap().to_owned(), created["client_secret"].as_str().unwrap().to_owned());
    assert_eq!(client_id, "outil-du-club-de-foot");
    let shown = json(app.authed(Method::GET, &location, &admin).send().await.unwrap()).await;
    assert!(shown.get("client_secret").is_none(), "never shown again");
    app.client_login(&client_id, &first_secret).await;

    let rotated = json(app.authed(Method::POST, &format!("{location}/secret"), &admin).send().await.unwrap()).await;
    let second_secret = rotated["client_secret"].as_str().unwrap();
    assert_ne!(second_secret, first_secret);
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id.as_str()),
        ("client_secret", first_secret.as_str()),
    ];
    problem(app.client.post(app.url("/v1/auth/token")).form(&form).send().await.unwrap(), 401).await;
    app.client_login(&client_id, second_secret).await;

    let bad_scope = app
        .authed(Method::POST, &format!("{LOOS}/clients"), &admin)
        .json(&json!({ "name": "X", "association": "Y", "scopes": ["everything"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(bad_scope, 422).await["errors"][0]["field"], "scopes[0]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_admin_creates_a_municipality_and_its_admin_edits_its_settings() {
    let app = spawn_demo_app().await;
    let platform = app.login("platform@implication.demo").await;
    let created = app
        .authed(Method::POST, "/v1/municipalities", &platform)
        .json(&json!({ "slug": "lens", "name": "Lens", "insee_code": "62498", "population": 31000,
            "neighbourhoods": ["Centre", "Cité 9"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/v1/municipalities/lens");
    let admin = app
        .authed(Method::POST, "/v1/municipalities/lens/accounts", &platform)
        .json(&json!({ "email": "admin@lens.fr", "role": "admin", "password": "le premier mot de passe" }))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), 201);
    let lens_admin = json(app.password_grant("admin@lens.fr", "le premier mot de passe", None).await).await;
    let token = lens_admin["access_token"].as_str().unwrap();
    let updated = app
        .authed(Method::PATCH, "/v1/municipalities/lens", token)
        .header("If-Match", "\"1\"")
        .json(&json!({ "settings": { "answer_delay_days": 21 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.headers()["etag"], "\"2\"");
    let body = json(updated).await;
    assert_eq!(
        body["settings"],
        json!({ "answer_delay_days": 21, "minutes_delay_days": 15, "time_zone": "Europe/Paris" })
    );
    let invalid = app
        .authed(Method::PATCH, "/v1/municipalities/lens", token)
        .header("If-Match", "\"2\"")
        .json(&json!({ "population": -3, "settings": { "minutes_delay_days": 0 } }))
        .send()
        .await
        .unwrap();
    let fields: Vec<String> = problem(invalid, 422).await["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["population", "settings.minutes_delay_days"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_secrets_and_emails_never_reach_the_logs_or_an_unrelated_response() {
    let app = spawn_demo_app().await;
    let secret_password = "a very secret password 1234";
    let email = "secret.person@example.org";
    let body = json!({ "email": email, "password": secret_password, "municipality": "grenay" });
    // Each step must do what it should, or the logs below would not hold what is looked for.
    let registered = app.client.post(app.url("/v1/registrations")).json(&body).send().await.unwrap();
    assert_eq!(registered.status(), 201);
    let tokens = json(app.password_grant(email, secret_password, None).await).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_owned();
    problem(app.password_grant(email, "a wrong password guess", None).await, 400).await;
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token.as_str())];
    let refreshed = app.client.post(app.url("/v1/auth/token")).form(&form).send().await.unwrap();
    assert_eq!(refreshed.status(), 200);
    app.client_login(implication_api::demo::CLIENT_ID, CLIENT_SECRET).await;
    let admin = app.login("admin@grenay.demo").await;
    let listed = app.authed(Method::GET, "/v1/municipalities/grenay/accounts", &admin).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    let listed = listed.text().await.unwrap();
    assert!(listed.contains(email), "the list holds the registered account: {listed}");
    assert!(!listed.contains("argon2") && !listed.contains("password"), "no hash in a response: {listed}");

    let logs = captured();
    assert!(logs.contains("request"), "the logs were captured");
    for secret in
        [secret_password, "a wrong password guess", PASSWORD, CLIENT_SECRET, refresh_token.as_str(), email, "argon2"]
    {
        assert!(!logs.contains(secret), "{secret} reached the logs");
    }
}
