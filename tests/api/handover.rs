//! Handing a redirected request over to the competent body on the same deployment.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use crate::requests::{EMAIL, NAME, personal_request};
use reqwest::Method;
use serde_json::{Value, json};

async fn hand_over(town: &TestTown<'_>, token: &str, id: &str, body: Value) -> reqwest::Response {
    let (_, etag) = town.staff_get(token, id).await;
    town.app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/handover")), token)
        .header("If-Match", etag)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_redirected_request_is_handed_over_and_its_requester_follows_both_with_one_code() {
    let app = spawn_app().await;
    let (here, there) = (TestTown::new(&app).await, TestTown::new(&app).await);
    let request = here.request().body(personal_request()).in_status("redirected").await;
    let code = request.receipt["tracking_code"].as_str().unwrap().to_owned();
    let agent = here.agent().await;

    let handed = hand_over(&here, &agent, &request.id, json!({ "to": there.slug, "personal_data": true })).await;
    assert_eq!(handed.status(), 200);
    let handed = json(handed).await;
    assert_eq!(handed["link"]["kind"], json!("handed_over_to"));
    assert_eq!(handed["link"]["municipality"], json!(there.slug));
    assert_eq!(handed["status"], json!("redirected"), "closed for this town as it was");
    let linked = handed["link"]["request"].as_str().unwrap().to_owned();

    // There: registered from the same words, with the requester who consented, nothing of here.
    let (theirs, _) = there.staff_get(&there.agent().await, &linked).await;
    assert_eq!((theirs["status"].clone(), theirs["channel"].clone()), (json!("received"), json!("handed_over")));
    assert_eq!(theirs["title"], personal_request()["title"]);
    assert_eq!(
        (theirs["requester"]["name"].clone(), theirs["requester"]["email"].clone()),
        (json!(NAME), json!(EMAIL))
    );
    assert_eq!((theirs["themes"].clone(), theirs["neighbourhood"].clone()), (json!([]), Value::Null));
    assert_eq!(theirs["link"], json!({ "kind": "received_from", "municipality": here.slug, "request": request.id }));
    assert!(theirs["registration_number"].as_str().unwrap().ends_with("-00001"), "the first of its town");

    // The requester follows both with the one code; each history points at the other.
    let followed_here = json(app.get(&here.at(&format!("/tracking/{code}"))).await).await;
    let followed_there = json(app.get(&there.at(&format!("/tracking/{code}"))).await).await;
    assert_eq!(followed_here["link"]["request"], json!(linked));
    assert_eq!(followed_there["id"], json!(linked));
    let kinds =
        |view: &Value| view["history"].as_array().unwrap().iter().map(|e| e["kind"].clone()).collect::<Vec<_>>();
    assert!(kinds(&followed_here).contains(&json!("handed_over")), "{followed_here}");
    assert!(kinds(&followed_there).contains(&json!("received_from")), "{followed_there}");

    // Once only.
    let again = hand_over(&here, &agent, &request.id, json!({ "to": there.slug })).await;
    assert_eq!(problem(again, 409).await["rule"], json!("hand_over_needs_redirect"));
}

#[tokio::test]
async fn without_consent_or_when_not_asked_no_personal_data_crosses() {
    let app = spawn_app().await;
    let (here, there) = (TestTown::new(&app).await, TestTown::new(&app).await);
    let mut body = personal_request();
    body["description"] = json!(format!("{NAME} (06 12 34 56 78) signale des voitures trop rapides."));
    let request = here.request().body(body).in_status("redirected").await;
    let agent = here.agent().await;
    let handed = json(hand_over(&here, &agent, &request.id, json!({ "to": there.slug })).await).await;
    let linked = handed["link"]["request"].as_str().unwrap().to_owned();
    let (theirs, _) = there.staff_get(&there.agent().await, &linked).await;
    assert_eq!(theirs["requester"], Value::Null, "personal_data was not asked: {theirs}");
    assert!(!theirs.to_string().contains(NAME), "nor in its texts: {theirs}");
    assert_eq!(theirs["submitted_by"]["kind"], json!("public"), "the agent is no requester there");
}

#[tokio::test]
async fn a_request_not_redirected_an_unknown_body_or_another_towns_request_is_refused() {
    let app = spawn_app().await;
    let (here, there) = (TestTown::new(&app).await, TestTown::new(&app).await);
    let agent = here.agent().await;
    let received = here.request().submitted().await;
    let refused = problem(hand_over(&here, &agent, &received.id, json!({ "to": there.slug })).await, 409).await;
    assert_eq!(refused["rule"], json!("hand_over_needs_redirect"));
    let redirected = here.request().in_status("redirected").await;
    let unknown = problem(hand_over(&here, &agent, &redirected.id, json!({ "to": "nowhere" })).await, 422).await;
    assert_eq!(unknown["errors"][0]["field"], json!("to"));
    let to_itself = hand_over(&here, &agent, &redirected.id, json!({ "to": here.slug })).await;
    problem(to_itself, 409).await;
    let malformed = hand_over(&here, &agent, &redirected.id, json!({ "to": 3 })).await;
    problem(malformed, 422).await;
    // Another town's staff do not see it.
    let theirs = there.agent().await;
    let elsewhere = app
        .authed(Method::POST, &there.at(&format!("/requests/{}/handover", redirected.id)), &theirs)
        .header("If-Match", "\"1\"")
        .json(&json!({ "to": here.slug }))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    let stale = app
        .authed(Method::POST, &here.at(&format!("/requests/{}/handover", redirected.id)), &agent)
        .header("If-Match", "\"1\"")
        .json(&json!({ "to": there.slug }))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
}
