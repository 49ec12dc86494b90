//! The vocabulary endpoint, in both languages.

use crate::helpers::{json, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vocabulary_is_in_french_by_default() {
    let app = spawn_app().await;
    let response = app.get("/v1/vocabulary").await;
    assert_eq!(response.headers()["content-language"], "fr");
    let body = json(response).await;
    let level = body["enumerations"].as_array().unwrap().iter().find(|e| e["name"] == "participation_level").unwrap();
    assert_eq!(level["values"][1]["code"], "consultation");
    assert_eq!(level["values"][1]["label"], "Concertation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vocabulary_is_in_english_when_accept_language_prefers_it() {
    let app = spawn_app().await;
    let response =
        app.client.get(app.url("/v1/vocabulary")).header("Accept-Language", "de;q=1, en;q=0.5").send().await.unwrap();
    assert_eq!(response.headers()["content-language"], "en");
    let body = json(response).await;
    assert_eq!(body["language"], "en");
    let channel = body["enumerations"].as_array().unwrap().iter().find(|e| e["name"] == "channel").unwrap();
    assert!(
        channel["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["code"] == "partner_tool" && v["label"] == "Partner tool")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vocabulary_lists_every_enumeration_of_the_domain() {
    let app = spawn_app().await;
    let body = json(app.get("/v1/vocabulary").await).await;
    let names: Vec<&str> =
        body["enumerations"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    for expected in [
        "request_kind",
        "channel",
        "requester_kind",
        "request_status",
        "resolution",
        "competence",
        "stakeholder_role",
        "participation_level",
        "fifty_fifty_prerequisite",
        "living_environment_aim",
        "convention_status",
        "commitment_kind",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
}
