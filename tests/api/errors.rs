//! Every error is problem+json, with the request id; wrong methods say what is allowed.

use crate::helpers::{problem, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_route_is_a_404_problem() {
    let app = spawn_app().await;
    let body = problem(app.get("/nope").await, 404).await;
    assert_eq!(body["type"], "/problems/not-found");
    assert_eq!(body["instance"], "/nope");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_a_405_problem_listing_the_allowed_ones() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/v1/municipalities")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    let body = problem(response, 405).await;
    assert_eq!(body["type"], "/problems/method-not-allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_on_a_path_with_parameters_is_a_405_too() {
    let app = spawn_app().await;
    let response = app.client.post(app.url("/v1/municipalities/anywhere/projects/x/series")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    problem(response, 405).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_on_the_contract_is_a_405() {
    let app = spawn_app().await;
    let response = app.client.put(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    problem(response, 405).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_limit_and_a_bad_cursor_are_one_400_naming_both() {
    let app = spawn_app().await;
    let body = problem(app.get("/v1/municipalities?limit=500&cursor=not-a-cursor").await, 400).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["limit", "cursor"]);
    assert_eq!(body["errors"][0]["code"], "out_of_range");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_query_parameter_is_a_400_problem() {
    let app = spawn_app().await;
    let body = problem(app.get("/v1/municipalities?limit=1&limit=2").await, 400).await;
    assert_eq!(body["type"], "/problems/malformed-request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callers_request_id_is_echoed_and_quoted_in_problems() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/nope")).header("X-Request-Id", "trace-42").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    let body = problem(response, 404).await;
    assert_eq!(body["request_id"], "trace-42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_is_generated_when_none_or_an_unsafe_one_is_given() {
    let app = spawn_app().await;
    let plain = app.get("/health/live").await;
    let generated = plain.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 36);
    let unsafe_id = app.client.get(app.url("/health/live")).header("X-Request-Id", "a b\"c").send().await.unwrap();
    assert_ne!(unsafe_id.headers()["x-request-id"], "a b\"c");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problem_titles_are_french_by_default_and_english_on_request() {
    let app = spawn_app().await;
    let french = problem(app.get("/nope").await, 404).await;
    assert_eq!(french["title"], "Ressource introuvable");
    let response = app.client.get(app.url("/nope")).header("Accept-Language", "en-GB,en;q=0.8").send().await.unwrap();
    let english = problem(response, 404).await;
    assert_eq!(english["title"], "Not found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_and_field_messages_follow_accept_language_and_every_error_says_content_language() {
    let app = spawn_app().await;
    let path = "/v1/municipalities/atlantis/requests?limit=0&status=lost";
    let french = app.get(path).await;
    assert_eq!(french.headers()["content-language"], "fr");
    let french = problem(french, 404).await;
    assert_eq!(french["detail"], "aucune commune atlantis");
    let english = app.client.get(app.url(path)).header("Accept-Language", "en").send().await.unwrap();
    assert_eq!(english.headers()["content-language"], "en");
    assert_eq!(problem(english, 404).await["detail"], "no municipality atlantis");

    let town = crate::fixtures::TestTown::new(&app).await;
    let list = |language: &'static str| {
        app.client.get(app.url(&town.at("/requests?limit=0&status=lost"))).header("Accept-Language", language).send()
    };
    let fr = problem(list("fr").await.unwrap(), 400).await;
    let en = problem(list("en").await.unwrap(), 400).await;
    assert_eq!(
        (fr["detail"].as_str(), en["detail"].as_str()),
        (Some("paramètres de liste invalides"), Some("invalid list parameters"))
    );
    let messages = |body: &serde_json::Value| -> Vec<String> {
        body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_owned()).collect()
    };
    assert!(messages(&fr).iter().any(|m| m.contains("n'est pas l'une des valeurs")), "{fr}");
    assert!(messages(&en).iter().any(|m| m.contains("is not one of")), "{en}");

    // A body with several values outside their enumerations: each is named, not only the first.
    let body = serde_json::json!({ "kind": "wish", "title": "Un titre", "description": "Une idée.", "channel": "pigeon",
        "requester": { "kind": "robot" } });
    let submitted = app.client.post(app.url(&town.at("/requests"))).header("Accept-Language", "en").json(&body);
    let refused = problem(submitted.send().await.unwrap(), 422).await;
    let mut fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["channel", "kind", "requester.kind"], "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_file_of_the_documentation_is_a_404_problem_too() {
    let app = spawn_app().await;
    problem(app.get("/docs/no-such-file.js").await, 404).await;
}
