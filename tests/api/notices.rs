//! Notices over HTTP: what the public sees (out, of an opened process), filters, invalid input,
//! who may publish, and the process's history.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use chrono::{Days, Utc};
use reqwest::Method;
use serde_json::{Value, json};

async fn open_process(town: &TestTown<'_>, prepared: bool) -> String {
    let agent = town.agent().await;
    let body = json!({ "subject": "Le carrefour", "description": "Une démarche.", "level": "information" });
    let created = town.app.authed(Method::POST, &town.at("/processes"), &agent).json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let id = json(created).await["id"].as_str().unwrap().to_owned();
    if !prepared {
        let path = town.at(&format!("/processes/{id}/transitions"));
        let opened = town
            .app
            .authed(Method::POST, &path, &agent)
            .header("If-Match", "*")
            .json(&json!({ "to": "open" }))
            .send()
            .await
            .unwrap();
        assert_eq!(opened.status(), 200);
    }
    id
}

async fn publish(town: &TestTown<'_>, process: &str, body: &Value) -> reqwest::Response {
    let agent = town.agent().await;
    town.app
        .authed(Method::POST, &town.at(&format!("/processes/{process}/notices")), &agent)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_public_reads_the_notices_that_are_out_and_staff_also_those_dated_ahead() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let process = open_process(&town, false).await;
    let prepared = open_process(&town, true).await;
    let flyer = json!({ "channel": "letterbox_drop", "text": "Réunion publique jeudi à 18 h.",
        "perimeter": { "kind": "streets", "streets": ["Rue des Tilleuls"], "neighbourhoods": ["cite-5"] } });
    let response = publish(&town, &process, &flyer).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let out = json(response).await;
    // Today where the town is (Europe/Paris), which is not always today in UTC.
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive();
    assert_eq!(out["published_on"], json!(today));
    let ahead = json!({ "channel": "municipal_magazine", "text": "Dans le prochain numéro.",
        "published_on": today.checked_add_days(Days::new(20)).unwrap() });
    let ahead = json(publish(&town, &process, &ahead).await).await;
    let hidden = json(publish(&town, &prepared, &json!({ "channel": "website", "text": "Pas encore." })).await).await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&json(app.get(&town.at("/notices")).await).await), [out["id"].as_str().unwrap()]);
    assert_eq!(app.get(&location).await.status(), 200);
    for secret in [&ahead, &hidden] {
        problem(app.get(&town.at(&format!("/notices/{}", secret["id"].as_str().unwrap()))).await, 404).await;
    }
    let staff = json(app.authed(Method::GET, &town.at("/notices"), &agent).send().await.unwrap()).await;
    assert_eq!(ids(&staff).len(), 3);
    let by = |query: &str| town.app.authed(Method::GET, &town.at(&format!("/notices?{query}")), &agent).send();
    assert_eq!(ids(&json(by("channel=letterbox_drop,website").await.unwrap()).await).len(), 2);
    assert_eq!(ids(&json(by("neighbourhood=cite-5").await.unwrap()).await), [out["id"].as_str().unwrap()]);
    assert_eq!(ids(&json(by(&format!("process={prepared}")).await.unwrap()).await), [hidden["id"].as_str().unwrap()]);
    let bad = by("channel=pigeon&process=x").await.unwrap();
    let errors = problem(bad, 400).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["process", "channel"]);

    // Staff read which notice each entry published; the public does not (one may be dated ahead).
    let public_history = json(app.get(&town.at(&format!("/processes/{process}/history"))).await).await;
    assert!(public_history["items"].as_array().unwrap().iter().all(|e| e["notice"].is_null()));
    let history_path = town.at(&format!("/processes/{process}/history"));
    let history = json(app.authed(Method::GET, &history_path, &agent).send().await.unwrap()).await;
    let notices: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "notice_added")
        .map(|e| &e["notice"])
        .collect();
    assert_eq!(notices, [&out["id"], &ahead["id"]]);
}

#[tokio::test]
async fn a_notice_names_every_invalid_field_and_only_staff_publish_until_the_process_ends() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let process = open_process(&town, false).await;
    let invalid =
        publish(&town, &process, &json!({ "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["nowhere"] } }))
            .await;
    let errors = problem(invalid, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["channel", "perimeter.neighbourhoods[0]", "text"]);
    let inhabitant = town.inhabitant().await;
    let refused = town
        .app
        .authed(Method::POST, &town.at(&format!("/processes/{process}/notices")), &inhabitant)
        .json(&json!({ "channel": "website", "text": "x" }))
        .send()
        .await
        .unwrap();
    problem(refused, 403).await;
    let agent = town.agent().await;
    let path = town.at(&format!("/processes/{process}/transitions"));
    let abandoned = town
        .app
        .authed(Method::POST, &path, &agent)
        .header("If-Match", "*")
        .json(&json!({ "to": "abandoned", "reason": "Sans suite." }))
        .send()
        .await
        .unwrap();
    assert_eq!(abandoned.status(), 200);
    let late = publish(&town, &process, &json!({ "channel": "website", "text": "Trop tard." })).await;
    assert_eq!(problem(late, 409).await["rule"], "process_finished");
    let unknown =
        publish(&town, "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", &json!({ "channel": "website", "text": "x" })).await;
    problem(unknown, 404).await;
}
