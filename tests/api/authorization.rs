//! The authorization matrix: every endpoint × every kind of caller → the expected status.
//! Writes are sent so that they cannot change anything once allowed (a stale `If-Match`, an
//! empty body), so the rows do not depend on each other: an allowed caller gets 412 or 422.

use crate::helpers::{TestApp, json, spawn_demo_app};
use implication_api::demo::{CLIENT_ID, CLIENT_SECRET};
use reqwest::Method;
use serde_json::json;

const CALLERS: [&str; 9] = [
    "anonymous",
    "inhabitant",
    "agent",
    "elected",
    "admin",
    "platform",
    "grenay_admin",
    "client_scoped",
    "client_unscoped",
];

struct Row {
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
    if_match: bool,
    /// Expected status for each caller, in the order of `CALLERS`.
    expected: [u16; 9],
}

fn row(method: Method, path: &str, expected: [u16; 9]) -> Row {
    Row { method, path: path.to_owned(), body: None, if_match: false, expected }
}

fn write(method: Method, path: &str, if_match: bool, expected: [u16; 9]) -> Row {
    Row { method, path: path.to_owned(), body: Some(json!({})), if_match, expected }
}

/// A token per caller (`None` for anonymous).
async fn tokens(app: &TestApp) -> Vec<Option<String>> {
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    // A second client of Loos with a scope that grants nothing on these endpoints.
    let created = app
        .authed(Method::POST, "/v1/municipalities/loos-en-gohelle/clients", &admin)
        .json(&json!({ "name": "Lecteur de projets", "association": "Les Bâtisseurs", "scopes": ["projects:read"] }))
        .send()
        .await
        .unwrap();
    let created = json(created).await;
    let unscoped =
        app.client_login(created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap()).await;
    vec![
        None,
        Some(app.login("inhabitant@loos-en-gohelle.demo").await),
        Some(app.login("agent@loos-en-gohelle.demo").await),
        Some(app.login("elected@loos-en-gohelle.demo").await),
        Some(admin),
        Some(app.login("platform@implication.demo").await),
        Some(app.login("admin@grenay.demo").await),
        Some(app.client_login(CLIENT_ID, CLIENT_SECRET).await),
        Some(unscoped),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_each_kind_of_caller_as_the_rules_say() {
    let app = spawn_demo_app().await;
    let tokens = tokens(&app).await;
    let admin = tokens[4].clone().unwrap();
    let accounts =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/accounts", &admin).send().await.unwrap())
            .await;
    let agent_id = accounts["items"].as_array().unwrap().iter().find(|a| a["role"] == "agent").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let clients =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/clients", &admin).send().await.unwrap()).await;
    let client_id = clients["items"][0]["id"].as_str().unwrap().to_owned();
    let loos = "/v1/municipalities/loos-en-gohelle";
    // A private request, typed in by an agent, and the tracking code of another.
    let agent = tokens[2].clone().unwrap();
    let letter = json!({ "kind": "need", "title": "Courrier", "description": "Une lettre.", "channel": "letter" });
    let typed_in = app.authed(Method::POST, &format!("{loos}/requests"), &agent).json(&letter).send().await.unwrap();
    let request_id = json(typed_in).await["id"].as_str().unwrap().to_owned();
    let anonymous = json!({ "kind": "idea", "title": "Idée", "description": "Une idée." });
    let submitted = app.client.post(app.url(&format!("{loos}/requests"))).json(&anonymous).send().await.unwrap();
    let tracking_code = json(submitted).await["tracking_code"].as_str().unwrap().to_owned();
    let request = format!("{loos}/requests/{request_id}");

    //                                      anon inh  agent elect admin platf grenay cl+  cl-
    let public = [200, 200, 200, 200, 200, 200, 200, 200, 200];
    let admin_only = [401, 403, 403, 403, 200, 200, 404, 403, 403];
    let staff_only = [401, 403, 200, 200, 200, 200, 404, 403, 403];
    let admin_write = [401, 403, 403, 403, 422, 422, 404, 403, 403];
    let admin_stale = [401, 403, 403, 403, 412, 412, 404, 403, 403];
    let staff_stale = [401, 403, 412, 412, 412, 412, 404, 403, 403];
    let staff_write = [401, 403, 422, 422, 422, 422, 404, 403, 403];
    let staff_or_nothing = [404, 404, 200, 200, 200, 200, 404, 404, 404];
    let rows = vec![
        row(Method::GET, "/v1/municipalities", public),
        row(Method::GET, loos, public),
        row(Method::GET, &format!("{loos}/neighbourhoods"), public),
        row(Method::GET, "/v1/vocabulary", public),
        row(Method::GET, "/.well-known/jwks.json", public),
        row(Method::GET, "/v1/me", [401, 200, 200, 200, 200, 200, 200, 200, 200]),
        write(Method::POST, "/v1/municipalities", false, [401, 403, 403, 403, 403, 422, 403, 403, 403]),
        write(Method::PATCH, loos, true, admin_stale),
        row(Method::GET, &format!("{loos}/accounts"), admin_only),
        write(Method::POST, &format!("{loos}/accounts"), false, admin_write),
        row(Method::GET, &format!("{loos}/accounts/{agent_id}"), admin_only),
        write(Method::PATCH, &format!("{loos}/accounts/{agent_id}"), true, admin_stale),
        row(Method::GET, &format!("{loos}/services"), staff_only),
        write(Method::POST, &format!("{loos}/services"), false, admin_write),
        row(Method::GET, &format!("{loos}/services/services-techniques"), staff_only),
        Row {
            method: Method::PATCH,
            path: format!("{loos}/services/services-techniques"),
            body: Some(json!({ "name": "Services techniques" })),
            if_match: true,
            expected: admin_stale,
        },
        row(Method::GET, &format!("{loos}/delegations"), staff_only),
        write(Method::POST, &format!("{loos}/delegations"), false, admin_write),
        row(Method::GET, &format!("{loos}/delegations/travaux-et-urbanisme"), staff_only),
        write(Method::PATCH, &format!("{loos}/delegations/travaux-et-urbanisme"), true, admin_stale),
        row(Method::GET, &format!("{loos}/clients"), admin_only),
        write(Method::POST, &format!("{loos}/clients"), false, admin_write),
        row(Method::GET, &format!("{loos}/clients/{client_id}"), admin_only),
        write(Method::PATCH, &format!("{loos}/clients/{client_id}"), true, admin_stale),
        row(Method::GET, &format!("{loos}/themes"), public),
        write(Method::POST, &format!("{loos}/themes"), false, admin_write),
        row(Method::GET, &format!("{loos}/themes/culture"), public),
        Row {
            method: Method::PATCH,
            path: format!("{loos}/themes/culture"),
            body: Some(json!({ "name": "Culture" })),
            if_match: true,
            expected: admin_stale,
        },
        row(Method::GET, &format!("{loos}/requests"), public),
        // Anyone may submit, except a partner's tool without `requests:write`.
        write(Method::POST, &format!("{loos}/requests"), false, [422, 422, 422, 422, 422, 422, 422, 422, 403]),
        row(Method::GET, &request, staff_or_nothing),
        write(Method::PATCH, &request, true, staff_stale),
        write(Method::POST, &format!("{request}/transitions"), true, staff_stale),
        Row {
            method: Method::POST,
            path: format!("{request}/publish"),
            body: None,
            if_match: true,
            expected: staff_stale,
        },
        Row {
            method: Method::POST,
            path: format!("{request}/unpublish"),
            body: None,
            if_match: true,
            expected: staff_stale,
        },
        row(Method::GET, &format!("{request}/history"), staff_only),
        row(Method::GET, &format!("{request}/answers"), staff_or_nothing),
        write(Method::POST, &format!("{request}/answers"), false, staff_write),
        row(Method::GET, &format!("{loos}/tracking/{tracking_code}"), public),
        // Qualification and routing: the town's staff only.
        row(Method::GET, &format!("{request}/qualification"), staff_only),
        Row {
            method: Method::PUT,
            path: format!("{request}/qualification"),
            body: Some(json!({})),
            if_match: true,
            expected: staff_stale,
        },
        row(Method::GET, &format!("{request}/suggestions"), staff_only),
        row(Method::GET, &format!("{loos}/requests?assigned_to=me"), [401, 403, 200, 200, 200, 200, 403, 403, 403]),
        row(Method::GET, &format!("/v1/municipalities/grenay/tracking/{tracking_code}"), [404; 9]),
    ];

    let mut mismatches = Vec::new();
    for row in &rows {
        for (i, token) in tokens.iter().enumerate() {
            let mut request = app.client.request(row.method.clone(), app.url(&row.path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &row.body {
                request = request.json(body);
            }
            if row.if_match {
                request = request.header("If-Match", "\"0\"");
            }
            let status = request.send().await.unwrap().status().as_u16();
            if status != row.expected[i] {
                mismatches.push(format!(
                    "{} {} as {}: {status}, expected {}",
                    row.method, row.path, CALLERS[i], row.expected[i]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_municipalitys_admin_gets_404_for_accounts_that_exist() {
    let app = spawn_demo_app().await;
    let grenay_admin = app.login("admin@grenay.demo").await;
    let loos_admin = app.login("admin@loos-en-gohelle.demo").await;
    let accounts =
        json(app.authed(Method::GET, "/v1/municipalities/loos-en-gohelle/accounts", &loos_admin).send().await.unwrap())
            .await;
    let id = accounts["items"][0]["id"].as_str().unwrap();
    let foreign = app
        .authed(Method::GET, &format!("/v1/municipalities/loos-en-gohelle/accounts/{id}"), &grenay_admin)
        .send()
        .await
        .unwrap();
    let unknown = app.authed(Method::GET, "/v1/municipalities/nowhere/accounts", &grenay_admin).send().await.unwrap();
    assert_eq!(foreign.status(), 404);
    assert_eq!(unknown.status(), 404);
    let (foreign, unknown) = (json(foreign).await, json(unknown).await);
    assert_eq!(foreign["type"], unknown["type"], "existence does not leak through the problem type");
}
