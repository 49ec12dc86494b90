//! Tokens: the grants, refresh rotation, revocation, throttling, and every token attack
//! answering 401.

use crate::helpers::{TestApp, json, problem, spawn_demo_app};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use implication_api::demo::{CLIENT_ID, CLIENT_SECRET, PASSWORD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

const AGENT: &str = "agent@loos-en-gohelle.demo";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_grant_gives_a_bearer_token_and_a_refresh_token() {
    let app = spawn_demo_app().await;
    let response = app.password_grant(AGENT, PASSWORD, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = json(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["municipality"], "loos-en-gohelle");
    assert_eq!(body["role"], "agent");
    assert!(body["refresh_token"].as_str().is_some_and(|t| t.len() >= 43));
    let me =
        json(app.authed(Method::GET, "/v1/me", body["access_token"].as_str().unwrap()).send().await.unwrap()).await;
    assert_eq!(me["email"], AGENT);
    assert_eq!(me["acting_as"]["role"], "agent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_get_the_same_invalid_grant() {
    let app = spawn_demo_app().await;
    let wrong = problem(app.password_grant(AGENT, "not-the-password", None).await, 400).await;
    let unknown = problem(app.password_grant("nobody@loos-en-gohelle.demo", PASSWORD, None).await, 400).await;
    assert_eq!(wrong["error"], "invalid_grant");
    assert_eq!(wrong["detail"], unknown["detail"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_for_an_account_are_answered_429_with_retry_after() {
    let app = spawn_demo_app().await;
    for _ in 0..5 {
        problem(app.password_grant(AGENT, "not-the-password", None).await, 400).await;
    }
    let throttled = app.password_grant(AGENT, PASSWORD, None).await;
    assert!(throttled.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    problem(throttled, 429).await;
    assert_eq!(
        app.password_grant("admin@loos-en-gohelle.demo", PASSWORD, None).await.status(),
        200,
        "other accounts still sign in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_with_roles_in_two_municipalities_must_name_one() {
    let app = spawn_demo_app().await;
    let grenay_admin = app.login("admin@grenay.demo").await;
    let added = app
        .authed(Method::POST, "/v1/municipalities/grenay/accounts", &grenay_admin)
        .json(&json!({ "email": AGENT, "role": "inhabitant" }))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let ambiguous = problem(app.password_grant(AGENT, PASSWORD, None).await, 400).await;
    assert_eq!(ambiguous["error"], "invalid_request");
    assert_eq!(ambiguous["choices"], json!(["loos-en-gohelle", "grenay"]));
    let chosen = json(app.password_grant(AGENT, PASSWORD, Some("grenay")).await).await;
    assert_eq!(chosen["role"], "inhabitant");
    let elsewhere = problem(app.password_grant(AGENT, PASSWORD, Some("lens")).await, 400).await;
    assert_eq!(elsewhere["error"], "invalid_grant");
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    let form = [("grant_type", "refresh_token"), ("refresh_token", token)];
    app.client.post(app.url("/v1/auth/token")).form(&form).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_is_rotated_and_its_reuse_revokes_the_family() {
    let app = spawn_demo_app().await;
    let first = json(app.password_grant(AGENT, PASSWORD, None).await).await;
    let first_refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let second = json(refresh(&app, &first_refresh).await).await;
    let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first_refresh, second_refresh);
    assert_eq!(second["role"], "agent");

    let reuse = problem(refresh(&app, &first_refresh).await, 400).await;
    assert_eq!(reuse["error"], "invalid_grant");
    let revoked = problem(refresh(&app, &second_refresh).await, 400).await;
    assert_eq!(revoked["error"], "invalid_grant", "the whole family is revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_refresh_token_cannot_be_used() {
    let app = spawn_demo_app().await;
    let tokens = json(app.password_grant(AGENT, PASSWORD, None).await).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let revoked = app.client.post(app.url("/v1/auth/revoke")).form(&[("token", refresh_token)]).send().await.unwrap();
    assert_eq!(revoked.status(), 200);
    let unknown = app.client.post(app.url("/v1/auth/revoke")).form(&[("token", "never-issued")]).send().await.unwrap();
    assert_eq!(unknown.status(), 200, "revocation tells nothing");
    problem(refresh(&app, refresh_token).await, 400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_machine_client_gets_a_token_with_its_scopes_by_form_or_basic_auth() {
    let app = spawn_demo_app().await;
    let token = app.client_login(CLIENT_ID, CLIENT_SECRET).await;
    let me = json(app.authed(Method::GET, "/v1/me", &token).send().await.unwrap()).await;
    assert_eq!(me["kind"], "client");
    assert_eq!(me["association"], "Association des jardins partagés de Loos");
    assert_eq!(me["acting_as"]["scopes"], json!(["requests:read", "requests:write", "webhooks:manage"]));

    let basic = app
        .client
        .post(app.url("/v1/auth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "requests:read")])
        .send()
        .await
        .unwrap();
    let body = json(basic).await;
    assert_eq!(body["scope"], "requests:read");
    assert!(body.get("refresh_token").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_client_secret_is_invalid_client_and_a_foreign_scope_invalid_scope() {
    let app = spawn_demo_app().await;
    let form = [("grant_type", "client_credentials"), ("client_id", CLIENT_ID), ("client_secret", "guess")];
    let response = app.client.post(app.url("/v1/auth/token")).form(&form).send().await.unwrap();
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(problem(response, 401).await["error"], "invalid_client");
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("scope", "projects:write"),
    ];
    let response = app.client.post(app.url("/v1/auth/token")).form(&form).send().await.unwrap();
    assert_eq!(problem(response, 400).await["error"], "invalid_scope");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_endpoint_speaks_oauth_errors_for_bad_requests() {
    let app = spawn_demo_app().await;
    let unsupported =
        app.client.post(app.url("/v1/auth/token")).form(&[("grant_type", "implicit")]).send().await.unwrap();
    assert_eq!(problem(unsupported, 400).await["error"], "unsupported_grant_type");
    let missing = app.client.post(app.url("/v1/auth/token")).form(&[("grant_type", "password")]).send().await.unwrap();
    assert_eq!(problem(missing, 400).await["error"], "invalid_request");
    let as_json =
        app.client.post(app.url("/v1/auth/token")).json(&json!({ "grant_type": "password" })).send().await.unwrap();
    problem(as_json, 415).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_keys_are_published_and_name_the_signing_kid() {
    let app = spawn_demo_app().await;
    let jwks = json(app.get("/.well-known/jwks.json").await).await;
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["alg"], "EdDSA");
    let token = app.login(AGENT).await;
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
}

// --- token attacks: each answers 401 problem+json -------------------------------------------

/// The claims of a real agent token, to alter one at a time.
async fn genuine_claims(app: &TestApp) -> (Value, String) {
    let token = app.login(AGENT).await;
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let kid = jsonwebtoken::decode_header(&token).unwrap().kid.unwrap();
    (claims, kid)
}

/// Signs claims with the app's own key (kept in the database by the embedded default).
async fn sign(app: &TestApp, claims: &Value, kid: &str) -> String {
    let keys = implication_storage::identity::keys::all(&app.db).await.unwrap();
    let pem = &keys[0].1;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&der)).unwrap()
}

async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let response = app.authed(Method::GET, "/v1/me", token).send().await.unwrap();
    assert_eq!(response.status(), 401, "{what} should be refused");
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.starts_with("Bearer"), "{what}: {challenge}");
    problem(response, 401).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correctly_re_signed_token_is_accepted_so_the_attacks_below_test_one_thing_each() {
    let app = spawn_demo_app().await;
    let (claims, kid) = genuine_claims(&app).await;
    let token = sign(&app, &claims, &kid).await;
    assert_eq!(app.authed(Method::GET, "/v1/me", &token).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_alg_none_is_refused() {
    let app = spawn_demo_app().await;
    let (claims, kid) = genuine_claims(&app).await;
    let header = URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": kid }).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_refused(&app, &format!("{header}.{payload}."), "alg none").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_hs256_with_the_public_key_is_refused() {
    let app = spawn_demo_app().await;
    let (claims, kid) = genuine_claims(&app).await;
    let jwks = json(app.get("/.well-known/jwks.json").await).await;
    let public = URL_SAFE_NO_PAD.decode(jwks["keys"][0]["x"].as_str().unwrap()).unwrap();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid);
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&public)).unwrap();
    assert_refused(&app, &token, "HS256 with the public key").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_not_yet_valid_wrong_audience_and_wrong_issuer_tokens_are_refused() {
    let app = spawn_demo_app().await;
    let (claims, kid) = genuine_claims(&app).await;
    let now = chrono::Utc::now().timestamp();
    let cases = [
        ("expired", json!({ "exp": now - 120, "iat": now - 1000, "nbf": now - 1000 })),
        ("not yet valid", json!({ "nbf": now + 600, "exp": now + 1200 })),
        ("wrong audience", json!({ "aud": "another-api" })),
        ("wrong issuer", json!({ "iss": "someone-else" })),
        ("another municipality's role claim on no membership", json!({ "municipality": "grenay" })),
    ];
    for (what, changes) in cases {
        let mut altered = claims.clone();
        for (key, value) in changes.as_object().unwrap() {
            altered[key] = value.clone();
        }
        let token = sign(&app, &altered, &kid).await;
        assert_refused(&app, &token, what).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_an_unknown_kid_is_refused() {
    let app = spawn_demo_app().await;
    let (claims, _) = genuine_claims(&app).await;
    let token = sign(&app, &claims, "not-a-known-kid").await;
    assert_refused(&app, &token, "unknown kid").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_payload_is_refused() {
    let app = spawn_demo_app().await;
    let token = app.login(AGENT).await;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["role"] = json!("admin");
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
    assert_refused(&app, &forged, "tampered payload").await;
    assert_refused(&app, "not.a.jwt", "garbage").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_of_a_suspended_account_is_refused() {
    let app = spawn_demo_app().await;
    let agent_token = app.login(AGENT).await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let me = json(app.authed(Method::GET, "/v1/me", &agent_token).send().await.unwrap()).await;
    let path = format!("/v1/municipalities/loos-en-gohelle/accounts/{}", me["id"].as_str().unwrap());
    let current = app.authed(Method::GET, &path, &admin).send().await.unwrap();
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let suspended = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", etag)
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(suspended.status(), 200);
    assert_refused(&app, &agent_token, "suspended account").await;
    assert_eq!(problem(app.password_grant(AGENT, PASSWORD, None).await, 400).await["error"], "invalid_grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_clients_token_is_refused() {
    let app = spawn_demo_app().await;
    let client_token = app.client_login(CLIENT_ID, CLIENT_SECRET).await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let list =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/clients", &admin).send().await.unwrap()).await;
    let path = format!("/v1/municipalities/loos-en-gohelle/clients/{}", list["items"][0]["id"].as_str().unwrap());
    let revoked = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_refused(&app, &client_token, "revoked client").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_bearer_authorization_is_a_401() {
    let app = spawn_demo_app().await;
    let response = app.client.get(app.url("/v1/me")).header("Authorization", "Basic YTpi").send().await.unwrap();
    problem(response, 401).await;
    let anonymous = app.get("/v1/me").await;
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer realm=\"implication\"");
    problem(anonymous, 401).await;
}
