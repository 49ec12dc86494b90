//! The lifecycle of a request over HTTP: every arrow of `DOMAIN.md` accepted, every other one
//! refused with the allowed list, reasons and resolutions required, merges, and a history that
//! only grows.

use crate::fixtures::{TestTown, complete_transition, every_guard_passes};
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::json;

const STATUSES: [&str; 10] = [
    "received",
    "qualifying",
    "qualified",
    "redirected",
    "declined",
    "answered",
    "in_process",
    "in_fifty_fifty",
    "closed",
    "merged",
];

/// The lifecycle's arrows, as `DOMAIN.md` draws them.
fn allowed(from: &str) -> Vec<&'static str> {
    match from {
        "received" => vec!["qualifying", "merged"],
        "qualifying" => vec!["qualified", "merged"],
        "qualified" => vec!["redirected", "declined", "answered", "in_process", "in_fifty_fifty", "merged"],
        "in_process" | "in_fifty_fifty" => vec!["closed", "merged"],
        "redirected" | "declined" | "answered" | "closed" => vec!["qualifying"],
        _ => vec![],
    }
}

/// A new request of `town` in `status`, merging into `target` if it must be merged.
async fn request_in(town: &TestTown<'_>, status: &str, target: &str) -> String {
    let builder = town.request().title(&format!("En statut {status}"));
    let builder = if target.is_empty() { builder } else { builder.merged_into(target) };
    builder.in_status(status).await.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transition_of_the_table_is_allowed_or_refused_as_the_lifecycle_says() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let target = town.request().title("La demande où l'on fusionne").submitted().await;
    let target = target.id;
    let mut mismatches = Vec::new();
    for from in STATUSES {
        let id = request_in(&town, from, &target).await;
        let (view, _) = town.staff_get(&agent, &id).await;
        assert_eq!(view["status"], from);
        assert_eq!(view["allowed_transitions"], json!(allowed(from)), "{from}");
        for to in STATUSES {
            if allowed(from).contains(&to) {
                continue;
            }
            let response = town.transition(&agent, &id, complete_transition(to, &target)).await;
            if response.status() != 409 {
                mismatches.push(format!("{from} → {to}: {}", response.status()));
                continue;
            }
            let refused = problem(response, 409).await;
            assert_eq!(refused["type"], "/problems/transition-not-allowed");
            assert_eq!(refused["allowed_transitions"], json!(allowed(from)), "{from} → {to}");
        }
        // Each allowed arrow, from a request of its own in that status.
        for to in allowed(from) {
            let id = request_in(&town, from, &target).await;
            if to == "qualified" {
                town.record_qualification(&agent, &id, &every_guard_passes()).await;
            }
            let response = town.transition(&agent, &id, complete_transition(to, &target)).await;
            if response.status() != 200 {
                mismatches.push(format!("{from} → {to} refused: {}", response.status()));
                continue;
            }
            let moved = json(response).await;
            assert_eq!(moved["status"], to);
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_needs_a_reason_and_closing_a_resolution() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = request_in(&town, "qualified", "").await;
    let refused = problem(town.transition(&agent, &id, json!({ "to": "declined" })).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "reason");
    let refused =
        problem(town.transition(&agent, &id, json!({ "to": "answered", "resolution": "done" })).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "resolution");
    let id = request_in(&town, "in_fifty_fifty", "").await;
    let refused = problem(town.transition(&agent, &id, json!({ "to": "closed" })).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "resolution");
    let closed = town.transition(&agent, &id, json!({ "to": "closed", "resolution": "status_quo" })).await;
    let closed = json(closed).await;
    assert_eq!((closed["status"].as_str(), closed["resolution"].as_str()), (Some("closed"), Some("status_quo")));
    let refused = problem(town.transition(&agent, &id, json!({ "to": "qualifying" })).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "reason", "reopening needs a reason");
    let reopened =
        town.transition(&agent, &id, json!({ "to": "qualifying", "reason": "Le problème est revenu." })).await;
    assert_eq!(reopened.status(), 200);
    let history =
        json(app.authed(Method::GET, &town.at(&format!("/requests/{id}/history")), &agent).send().await.unwrap()).await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "reopened");
    assert_eq!(last["reason"], "Le problème est revenu.");
    let unknown = problem(town.transition(&agent, &id, json!({ "to": "forgotten" })).await, 422).await;
    assert_eq!(unknown["errors"][0]["field"], "to");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transition_needs_the_current_etag() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let created = town.request().title("Concurrence").submitted().await;
    let path = town.at(&format!("/requests/{}/transitions", created.id));
    let body = json!({ "to": "qualifying" });
    problem(app.authed(Method::POST, &path, &agent).json(&body).send().await.unwrap(), 428).await;
    let first = app.authed(Method::POST, &path, &agent).header("If-Match", "\"1\"").json(&body).send().await.unwrap();
    assert_eq!(first.status(), 200);
    // A second agent who read version 1 too: refused, not silently applied.
    let second = app.authed(Method::POST, &path, &agent).header("If-Match", "\"1\"").json(&body).send().await.unwrap();
    problem(second, 412).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_match_star_matches_any_version_and_a_list_matches_when_one_member_does() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let created = town.request().title("Préconditions").submitted().await;
    let path = town.at(&format!("/requests/{}/transitions", created.id));
    let send = |if_match: &'static str, to: &'static str| {
        app.authed(Method::POST, &path, &agent).header("If-Match", if_match).json(&json!({ "to": to })).send()
    };
    // RFC 9110 §13.1.1: `*` matches any current representation (here version 1).
    assert_eq!(send("*", "qualifying").await.unwrap().status(), 200);
    // A list matches when any member does (version 2 now); a weak tag never does.
    problem(send("W/\"2\"", "qualified").await.unwrap(), 412).await;
    problem(send("\"7\", \"8\"", "merged").await.unwrap(), 412).await;
    let listed = problem(send("\"1\", \"2\"", "declined").await.unwrap(), 409).await;
    assert_eq!(
        listed["allowed_transitions"],
        json!(["qualified", "merged"]),
        "the list matched: the lifecycle answered"
    );
    let publish = app.authed(Method::POST, &town.at(&format!("/requests/{}/publish", created.id)), &agent);
    assert_eq!(publish.header("If-Match", "\"9\", \"2\"").send().await.unwrap().headers()["etag"], "\"3\"");
    // The resources without a history take the same conditions.
    let admin = town.admin().await;
    let patch = |if_match: &'static str| {
        app.authed(Method::PATCH, &town.path, &admin).header("If-Match", if_match).json(&json!({ "population": 4321 }))
    };
    assert_eq!(patch("*").send().await.unwrap().status(), 200);
    problem(patch("\"1\"").send().await.unwrap(), 412).await;
    let patched = patch("\"1\", \"2\"").send().await.unwrap();
    assert_eq!(patched.headers()["etag"], "\"3\"");
    assert_eq!(json(patched).await["population"], 4321);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_request_points_to_the_other_and_both_keep_their_history() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let main = town.request().title("Collecte des déchets rue Bayard").submitted().await;
    let duplicate = town.request().title("Les poubelles rue Bayard").submitted().await;
    let (main, duplicate) = (main.id.as_str(), duplicate.id.as_str());
    let to_itself = json!({ "to": "merged", "into": duplicate, "reason": "Même sujet." });
    assert_eq!(problem(town.transition(&agent, duplicate, to_itself).await, 422).await["errors"][0]["field"], "into");
    let nowhere = json!({ "to": "merged", "into": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "reason": "Même sujet." });
    assert_eq!(
        problem(town.transition(&agent, duplicate, nowhere).await, 422).await["errors"][0]["code"],
        "unknown_request"
    );
    let merged =
        town.transition(&agent, duplicate, json!({ "to": "merged", "into": main, "reason": "Même sujet." })).await;
    let merged = json(merged).await;
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["merged_into"], main);
    assert_eq!(merged["allowed_transitions"], json!([]));
    let history = |id: &str| {
        let app = &app;
        let agent = agent.clone();
        let path = town.at(&format!("/requests/{id}/history"));
        async move { json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await }
    };
    let source = history(duplicate).await;
    let kinds: Vec<&str> = source["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "merged"]);
    assert_eq!(source["items"][1]["related_request"], main);
    let target = history(main).await;
    let kinds: Vec<&str> = target["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "merged_in"]);
    assert_eq!(target["items"][1]["related_request"], duplicate);
    let third = town.request().title("Encore les poubelles").submitted().await;
    let into_merged = json!({ "to": "merged", "into": duplicate, "reason": "Même sujet." });
    let refused = problem(town.transition(&agent, &third.id, into_merged).await, 422).await;
    assert_eq!(refused["errors"][0]["code"], "merged_target");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_only_ever_grows() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = request_in(&town, "qualified", "").await;
    let path = town.at(&format!("/requests/{id}/history"));
    let before = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    let declined =
        town.transition(&agent, &id, json!({ "to": "declined", "reason": "Hors du domaine communal." })).await;
    assert_eq!(declined.status(), 200);
    let after = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    let (before, after) = (before["items"].as_array().unwrap(), after["items"].as_array().unwrap());
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(&after[..before.len()], &before[..], "earlier entries are untouched");
    let last = after.last().unwrap();
    assert_eq!((last["from"].as_str(), last["to"].as_str()), (Some("qualified"), Some("declined")));
    assert_eq!(last["actor"]["kind"], "account");
    assert!(last["at"].is_string());

    use implication_storage::sea_orm::ConnectionTrait;
    let conn = app.db.conn();
    let update = conn.execute_unprepared("UPDATE request_events SET reason = 'réécrit'").await;
    assert!(update.is_err(), "the database refuses to rewrite history");
    let moved = conn.execute_unprepared("UPDATE request_events SET to_status = 'answered', reason = '[erased]'").await;
    assert!(moved.is_err(), "nor to change anything else with a reason blotted out");
    let blotted =
        conn.execute_unprepared("UPDATE request_events SET reason = 'Hors du [erased].' WHERE reason IS NOT NULL");
    assert!(blotted.await.is_ok(), "an erasure may blot a person out of a reason");
    let delete = conn.execute_unprepared("DELETE FROM request_events").await;
    assert!(delete.is_err(), "the database refuses to erase history");
    let unchanged = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    assert_eq!(unchanged["items"].as_array().unwrap().len(), after.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_is_recorded_and_idempotent() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let created = town.request().title("Le skate park").submitted().await;
    let id = created.id.as_str();
    let publish = |etag: String| {
        let app = &app;
        let agent = agent.clone();
        let path = town.at(&format!("/requests/{id}/publish"));
        async move { app.authed(Method::POST, &path, &agent).header("If-Match", etag).send().await.unwrap() }
    };
    problem(app.authed(Method::POST, &town.at(&format!("/requests/{id}/publish")), &agent).send().await.unwrap(), 428)
        .await;
    let published = publish("\"1\"".to_owned()).await;
    assert_eq!(published.status(), 200);
    let etag = published.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(json(published).await["published"], true);
    let again = publish(etag.clone()).await;
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag, "publishing twice changes nothing");
    let public = json(app.get(&town.at(&format!("/requests/{id}"))).await).await;
    assert_eq!(public["view"], "public");
    let unpublished = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/unpublish")), &agent)
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(json(unpublished).await["published"], false);
    problem(app.get(&town.at(&format!("/requests/{id}"))).await, 404).await;
    let history =
        json(app.authed(Method::GET, &town.at(&format!("/requests/{id}/history")), &agent).send().await.unwrap()).await;
    let kinds: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "published", "unpublished"]);
}
