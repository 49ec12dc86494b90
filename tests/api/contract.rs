//! The contract: the committed file is what the code generates, and it is what the API serves.

use crate::helpers::spawn_app;

const REGENERATE: &str = "cargo run -q -p implication-api --bin implication -- openapi > openapi/openapi.json";

fn committed_contract() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn the_committed_contract_is_what_the_code_generates() {
    let generated = implication_api::openapi::document_json().unwrap();
    assert!(
        committed_contract() == generated,
        "openapi/openapi.json differs from the code. Regenerate it with:\n    {REGENERATE}\nthen review and commit the diff."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_serves_the_committed_contract_byte_for_byte() {
    let app = spawn_app().await;
    let served = app.get("/openapi.json").await.text().await.unwrap();
    assert_eq!(served, implication_api::openapi::document_json().unwrap());
}

#[test]
fn every_operation_has_an_id_a_summary_a_description_and_a_security_requirement() {
    let contract: serde_json::Value =
        serde_json::from_str(&implication_api::openapi::document_json().unwrap()).unwrap();
    for (path, item) in contract["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            assert!(operation["operationId"].is_string(), "{at} has no operationId");
            assert!(operation["summary"].is_string(), "{at} has no summary");
            assert!(operation["description"].is_string(), "{at} has no description");
            assert!(operation["security"].is_array(), "{at} has no security requirement");
            assert!(!operation["responses"].as_object().unwrap().is_empty(), "{at} has no responses");
        }
    }
    assert_eq!(contract["info"]["license"]["identifier"], "EUPL-1.2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documentation_is_served_without_any_outside_resource() {
    let app = spawn_app().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/docs/");
    let page = app.get("/docs/").await;
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "the page loads nothing from outside");
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-initializer.js"] {
        let response = app.get(&format!("/docs/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
    }
    let initializer = app.get("/docs/swagger-initializer.js").await.text().await.unwrap();
    assert!(initializer.contains("/openapi.json"), "the viewer reads the served contract");
}
