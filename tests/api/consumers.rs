//! What the contract's consumers rely on beyond each operation: list filters that clients send
//! in either of the two forms an array parameter takes.

use crate::helpers::{json, problem, spawn_demo_app};
use reqwest::Method;
use std::collections::BTreeSet;

/// The ids and statuses of the requests listed with `query`, as the agent of Loos.
async fn listed(app: &crate::helpers::TestApp, token: &str, query: &str) -> Vec<(String, String)> {
    let path = format!("/v1/municipalities/loos-en-gohelle/requests?limit=200&{query}");
    let response = app.authed(Method::GET, &path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let page = json(response).await;
    assert!(page["next_cursor"].is_null(), "one page holds them all");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| (item["id"].as_str().unwrap().to_owned(), item["status"].as_str().unwrap().to_owned()))
        .collect()
}

/// The contract declares the filters that take several values as arrays with `style: form,
/// explode: false` (`status=received,qualifying`); many generated clients send them exploded
/// (`status=received&status=qualifying`) whatever the contract says, and both mean the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_filter_takes_its_values_comma_separated_or_repeated() {
    let app = spawn_demo_app().await;
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let comma = listed(&app, &agent, "status=received,qualifying").await;
    let statuses: BTreeSet<&str> = comma.iter().map(|(_, status)| status.as_str()).collect();
    assert_eq!(statuses, BTreeSet::from(["qualifying", "received"]), "both statuses, and only they");
    assert_eq!(listed(&app, &agent, "status=received&status=qualifying").await, comma);
    assert_eq!(listed(&app, &agent, "status=received%2Cqualifying").await, comma);
    let received = listed(&app, &agent, "status=received").await;
    assert!(!received.is_empty() && received.len() < comma.len());

    let kinds = listed(&app, &agent, "kind=complaint,idea&channel=letter,website,email").await;
    assert_eq!(listed(&app, &agent, "kind=complaint&channel=letter&kind=idea&channel=website,email").await, kinds);

    let unknown = app
        .authed(Method::GET, "/v1/municipalities/loos-en-gohelle/requests?status=received&status=pending", &agent)
        .send()
        .await
        .unwrap();
    let unknown = problem(unknown, 400).await;
    assert_eq!(unknown["errors"][0]["field"], "status", "{unknown}");
    // A filter that takes one value is not silently made a list.
    let twice = app
        .authed(Method::GET, "/v1/municipalities/loos-en-gohelle/requests?theme=culture&theme=waste", &agent)
        .send()
        .await
        .unwrap();
    problem(twice, 400).await;
}
