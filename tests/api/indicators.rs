//! Indicators over HTTP, on a hand-built town: every figure checked against what was submitted,
//! with the previous period beside it; the public's figures count the published requests only.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// A request typed in by the agent: its channel, kind, day received, neighbourhood and themes.
fn typed(channel: &str, kind: &str, received_on: &str, neighbourhood: Option<&str>, themes: &[&str]) -> Value {
    json!({ "kind": kind, "title": format!("Une demande du {received_on}"), "description": "Le détail de la demande.",
        "channel": channel, "received_on": received_on, "neighbourhood": neighbourhood, "themes": themes })
}

fn tally(list: &Value, code: &str) -> (i64, i64) {
    let found =
        list.as_array().unwrap().iter().find(|t| t["code"] == code).unwrap_or_else(|| panic!("{code} in {list}"));
    (found["current"].as_i64().unwrap(), found["previous"].as_i64().unwrap())
}

#[tokio::test]
async fn the_indicators_add_up_the_requests_of_the_period_beside_the_previous_one() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, admin) = (town.agent().await, town.admin().await);
    let path = town.at("/neighbourhoods/cite-5");
    let etag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_owned();
    let response =
        app.authed(Method::PATCH, &path, &admin).header("If-Match", etag).json(&json!({ "population": 1100 })).send();
    assert_eq!(response.await.unwrap().status(), 200);

    // 2026: three requests (one declined); 2025: one; 2024: one, counted in no figure.
    let first = town
        .request()
        .by(&agent)
        .body(typed("website", "complaint", "2026-03-02", Some("cite-5"), &["roads-and-traffic"]))
        .submitted()
        .await;
    town.request()
        .by(&agent)
        .body(typed("phone", "idea", "2026-04-10", Some("cite-5"), &["roads-and-traffic", "culture"]))
        .submitted()
        .await;
    town.request().by(&agent).body(typed("letter", "complaint", "2026-05-05", None, &[])).in_status("declined").await;
    let last_year = town
        .request()
        .by(&agent)
        .body(typed("website", "complaint", "2025-06-01", Some("cite-5"), &["roads-and-traffic"]))
        .submitted()
        .await;
    town.request().by(&agent).body(typed("website", "idea", "2024-01-01", Some("cite-5"), &[])).submitted().await;
    // A duplicate merged into the first counts once, as the first.
    town.request()
        .by(&agent)
        .body(typed("phone", "complaint", "2026-03-03", Some("cite-5"), &["roads-and-traffic"]))
        .merged_into(&first.id)
        .in_status("merged")
        .await;
    for id in [&first.id, &last_year.id] {
        let (_, etag) = town.staff_get(&agent, id).await;
        let published = app
            .authed(Method::POST, &town.at(&format!("/requests/{id}/publish")), &agent)
            .header("If-Match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(published.status(), 200);
    }

    let staff = json(app.authed(Method::GET, &town.at("/indicators?year=2026"), &agent).send().await.unwrap()).await;
    assert_eq!(staff["scope"], "all");
    assert_eq!(staff["period"], json!({ "from": "2026-01-01", "to": "2026-12-31" }));
    assert_eq!(staff["previous_period"], json!({ "from": "2025-01-01", "to": "2025-12-31" }));
    let requests = &staff["requests"];
    assert_eq!(requests["received"], json!({ "current": 3, "previous": 1 }));
    assert_eq!(tally(&requests["by_channel"], "website"), (1, 1));
    assert_eq!(tally(&requests["by_channel"], "phone"), (1, 0));
    assert_eq!(tally(&requests["by_channel"], "letter"), (1, 0));
    assert_eq!(tally(&requests["by_kind"], "complaint"), (2, 1));
    assert_eq!(tally(&requests["by_kind"], "idea"), (1, 0));
    assert_eq!(tally(&requests["by_status"], "declined"), (1, 0));
    assert_eq!(tally(&requests["by_theme"], "roads-and-traffic"), (2, 1));
    assert_eq!(tally(&requests["by_theme"], "culture"), (1, 0));
    let cite = requests["by_neighbourhood"].as_array().unwrap().iter().find(|n| n["code"] == "cite-5").unwrap();
    assert_eq!((cite["name"].as_str(), cite["population"].as_i64()), (Some("Cité 5"), Some(1100)));
    assert_eq!((cite["current"].as_i64(), cite["previous"].as_i64()), (Some(2), Some(1)));
    assert_eq!(cite["per_thousand"], json!({ "current": 1.8, "previous": 0.9 }));
    let centre = requests["by_neighbourhood"].as_array().unwrap().iter().find(|n| n["code"] == "centre-ville").unwrap();
    assert_eq!((centre["current"].as_i64(), centre["per_thousand"]["current"].clone()), (Some(0), Value::Null));
    assert_eq!(requests["declined_share"], json!({ "current": 33.3, "previous": 0.0 }));
    assert_eq!(requests["redirected_share"], json!({ "current": 0.0, "previous": 0.0 }));

    // The public counts what was published.
    let public = json(app.get(&town.at("/indicators?year=2026")).await).await;
    assert_eq!(public["scope"], "published");
    assert_eq!(public["requests"]["received"], json!({ "current": 1, "previous": 1 }));

    // A period of days, and its previous one as long; one neighbourhood.
    let spring = json(
        app.authed(Method::GET, &town.at("/indicators?from=2026-03-01&to=2026-04-30"), &agent).send().await.unwrap(),
    )
    .await;
    assert_eq!(spring["previous_period"], json!({ "from": "2025-12-30", "to": "2026-02-28" }));
    assert_eq!(spring["requests"]["received"], json!({ "current": 2, "previous": 0 }));
    let cite_only = json(
        app.authed(Method::GET, &town.at("/indicators?year=2026&neighbourhood=cite-5"), &agent).send().await.unwrap(),
    )
    .await;
    assert_eq!(cite_only["requests"]["received"], json!({ "current": 2, "previous": 1 }));
    assert_eq!(cite_only["requests"]["by_neighbourhood"].as_array().unwrap().len(), 1);

    // Bad parameters are named.
    for (query, field) in [
        ("year=1999", "year"),
        ("year=2026&from=2026-01-01&to=2026-02-01", "year"),
        ("from=2026-05-01", "to"),
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("neighbourhood=nulle-part", "neighbourhood"),
    ] {
        let refused = problem(app.get(&town.at(&format!("/indicators?{query}"))).await, 400).await;
        assert_eq!(refused["errors"][0]["field"], field, "{query}: {refused}");
    }
}
