//! Caches, in front of the API and inside it: public reads revalidate with `If-None-Match` (304
//! without a body) and tell shared caches how long to keep them; an instance's own caches
//! (municipalities, catalogue codes) never show this instance's changes late, and another
//! instance's within the configured time.

use crate::fixtures::TestTown;
use crate::helpers::{json, spawn_app, spawn_app_with};
use chrono::Days;
use implication_domain::{Precondition, Slug};
use implication_storage::identity::municipalities::{self, MunicipalityChanges};
use implication_storage::requests::themes;
use implication_storage::{Database, PoolOptions};
use reqwest::Method;
use serde_json::{Value, json};

/// A request received long ago (so late under a 30-day delay), published; its id.
async fn published_late_request(town: &TestTown<'_>) -> String {
    let agent = town.agent().await;
    let long_ago = crate::fixtures::town_day(0).checked_sub_days(Days::new(45)).unwrap().to_string();
    let letter = json!({ "kind": "idea", "title": "Une lettre ancienne", "description": "Reçue il y a longtemps.",
        "channel": "letter", "received_on": long_ago });
    let response = town.submit(Some(&agent), &letter).await;
    assert_eq!(response.status(), 201);
    let id = json(response).await["id"].as_str().unwrap().to_owned();
    town.publish(&id).await;
    id
}

async fn anonymous_get(town: &TestTown<'_>, path: &str, if_none_match: Option<&str>) -> reqwest::Response {
    let mut request = town.app.client.get(town.app.url(&town.at(path)));
    if let Some(tag) = if_none_match {
        request = request.header("If-None-Match", tag);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// Sets the municipality's answer delay through the API (as its admin).
async fn set_answer_delay(town: &TestTown<'_>, days: u32) {
    let admin = town.admin().await;
    let current = town.app.authed(Method::GET, &town.path, &admin).send().await.unwrap();
    let etag = header(&current, "etag");
    let response = town
        .app
        .authed(Method::PATCH, &town.path, &admin)
        .header("If-Match", etag)
        .json(&json!({ "settings": { "answer_delay_days": days } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "settings update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_public_view_revalidates_with_304_until_the_request_changes() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let id = published_late_request(&town).await;
    let path = format!("/requests/{id}");
    let first = anonymous_get(&town, &path, None).await;
    assert_eq!(first.status(), 200);
    let tag = header(&first, "etag");
    assert!(tag.starts_with("W/\""), "a weak tag: {tag}");
    assert_eq!(header(&first, "cache-control"), "public, max-age=30");
    assert!(header(&first, "vary").to_lowercase().contains("authorization"));
    assert_eq!(json(first).await["view"], "public");

    let again = anonymous_get(&town, &path, Some(&tag)).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), tag);
    assert_eq!(header(&again, "cache-control"), "public, max-age=30");
    assert!(again.bytes().await.unwrap().is_empty(), "a 304 has no body");
    let listed_with_others = anonymous_get(&town, &path, Some(&format!("W/\"0\", {tag}"))).await;
    assert_eq!(listed_with_others.status(), 304, "one tag of a list matches");

    let agent = town.agent().await;
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualifying" })).await.status(), 200);
    let changed = anonymous_get(&town, &path, Some(&tag)).await;
    assert_eq!(changed.status(), 200, "the request changed: the old tag is stale");
    assert_ne!(header(&changed, "etag"), tag);
    assert_eq!(json(changed).await["status"], "qualifying");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_public_list_revalidates_with_304_until_a_listed_request_changes_or_one_is_added() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let id = published_late_request(&town).await;
    let first = anonymous_get(&town, "/requests", None).await;
    assert_eq!(first.status(), 200);
    let tag = header(&first, "etag");
    assert!(tag.starts_with("W/\""), "a weak tag: {tag}");
    assert_eq!(header(&first, "cache-control"), "public, max-age=30");
    assert_eq!(json(first).await["items"].as_array().unwrap().len(), 1);
    assert_eq!(anonymous_get(&town, "/requests", Some(&tag)).await.status(), 304);
    assert_eq!(anonymous_get(&town, "/requests?theme=school", Some(&tag)).await.status(), 200, "another list");

    let agent = town.agent().await;
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualifying" })).await.status(), 200);
    let changed = anonymous_get(&town, "/requests", Some(&tag)).await;
    assert_eq!(changed.status(), 200, "a listed request changed");
    let tag = header(&changed, "etag");
    assert_eq!(anonymous_get(&town, "/requests", Some(&tag)).await.status(), 304);

    let unpublished = town
        .submit(
            None,
            &json!({ "kind": "idea", "title": "Pas encore publiée",
        "description": "Une idée." }),
        )
        .await;
    let unpublished = json(unpublished).await["id"].as_str().unwrap().to_owned();
    assert_eq!(anonymous_get(&town, "/requests", Some(&tag)).await.status(), 304, "nothing the public sees changed");
    town.publish(&unpublished).await;
    let added = anonymous_get(&town, "/requests", Some(&tag)).await;
    assert_eq!(added.status(), 200, "a request was published");
    assert_eq!(json(added).await["items"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_callers_read_is_never_kept_by_a_shared_cache() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let id = published_late_request(&town).await;
    for token in [town.agent().await, town.inhabitant().await] {
        for path in [format!("/requests/{id}"), "/requests".to_owned()] {
            let response = app.authed(Method::GET, &town.at(&path), &token).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_municipalitys_new_answer_delay_shows_at_once_in_the_lateness_of_its_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let id = published_late_request(&town).await;
    let path = format!("/requests/{id}");
    let view = anonymous_get(&town, &path, None).await;
    let tag = header(&view, "etag");
    assert_eq!(json(view).await["late"], true, "45 days under a 30-day delay");
    let listed = json(anonymous_get(&town, "/requests", None).await).await;
    assert_eq!(listed["items"][0]["late"], true);

    set_answer_delay(&town, 60).await;
    let view = anonymous_get(&town, &path, Some(&tag)).await;
    assert_eq!(view.status(), 200, "no longer late: the tag changed with it");
    assert_eq!(json(view).await["late"], false);
    let listed = json(anonymous_get(&town, "/requests", None).await).await;
    assert_eq!(listed["items"][0]["late"], false);
    let late = town.list_ids(None, "late=true").await;
    assert!(late.is_empty(), "the late filter uses the new delay too");
}

/// Another API instance on the same database: a pool and caches of its own.
async fn another_instance(url: &str) -> Database {
    Database::connect(url, PoolOptions::default()).await.expect("a second instance connects")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instances_change_to_a_municipality_shows_here_within_the_cache_time() {
    let app = spawn_app_with(&[("CACHE_TTL_SECS", "1")]).await;
    let town = TestTown::new(&app).await;
    let id = published_late_request(&town).await;
    let path = format!("/requests/{id}");
    assert_eq!(json(anonymous_get(&town, &path, None).await).await["late"], true);

    let other = another_instance(app.database_url()).await;
    let current = municipalities::find_by_slug(&other, &town.slug).await.unwrap().unwrap();
    let settings = implication_domain::MunicipalitySettings::parse(Some(60), None, None).unwrap();
    let changes = MunicipalityChanges { settings: Some(settings), ..MunicipalityChanges::default() };
    municipalities::update(&other, &town.slug, &Precondition::at(current.version), changes).await.unwrap().unwrap();

    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(json(anonymous_get(&town, &path, None).await).await["late"], false, "read again after its time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_theme_another_instance_just_added_is_accepted_at_once_and_an_unknown_one_still_refused() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let submission = |theme: &str| -> Value {
        json!({ "kind": "idea", "title": "Un jardin partagé", "description": "Au pied des terrils.", "themes": [theme] })
    };
    // This instance reads the codes once (and keeps them).
    assert_eq!(town.submit(None, &submission("roads-and-traffic")).await.status(), 201);

    let other = another_instance(app.database_url()).await;
    let municipality = municipalities::find_by_slug(&other, &town.slug).await.unwrap().unwrap();
    let code = Slug::parse("jardins-partages").unwrap();
    themes::create(&other, municipality.id, &code, "Jardins partagés").await.unwrap();

    assert_eq!(town.submit(None, &submission("jardins-partages")).await.status(), 201, "checked against fresh codes");
    let refused = town.submit(None, &submission("no-such-theme")).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(json(refused).await["errors"][0]["field"], "themes[0]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_theme_created_through_the_api_is_accepted_by_the_next_submission() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    assert_eq!(
        town.submit(None, &json!({ "kind": "idea", "title": "Une idée", "description": "Une idée." })).await.status(),
        201
    );
    let created = app
        .authed(Method::POST, &town.at("/themes"), &admin)
        .json(&json!({ "code": "fetes-de-quartier", "name": "Fêtes de quartier" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let body = json!({ "kind": "idea", "title": "Une fête", "description": "Rue des Écoles.",
        "themes": ["fetes-de-quartier"] });
    assert_eq!(town.submit(None, &body).await.status(), 201);
}
