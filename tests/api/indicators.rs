//! Indicators over HTTP, on a hand-built town: every figure checked against what was submitted,
//! with the previous period beside it; the public's figures count the published requests only.

use crate::fixtures::{TestTown, town_day};
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

#[tokio::test]
async fn delays_to_qualification_and_first_answer_are_nearest_rank_days_and_late_is_past_the_towns_delay() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let received = |days_ago: i64| {
        typed("website", "complaint", &town_day(-days_ago).to_string(), Some("cite-5"), &["roads-and-traffic"])
    };
    let answer = |id: String| {
        let (app, town, agent) = (&app, &town, agent.clone());
        async move {
            let sent = app
                .authed(Method::POST, &town.at(&format!("/requests/{id}/answers")), &agent)
                .json(&json!({ "text": "Nous regardons.", "public": false }))
                .send()
                .await
                .unwrap();
            assert_eq!(sent.status(), 201);
        }
    };
    // This period (the last 60 days): qualified today after 40, 10 and 3 days (the first late: it
    // stayed 40 days in intake, more than the town's 30), answered after 10 and 3; one received 50
    // days ago still waiting (late), one 2 days ago (not yet).
    let forty = town.request().by(&agent).body(received(40)).in_status("qualified").await;
    let ten = town.request().by(&agent).body(received(10)).in_status("qualified").await;
    let three = town.request().by(&agent).body(received(3)).in_status("qualified").await;
    answer(ten.id.clone()).await;
    answer(three.id.clone()).await;
    answer(three.id.clone()).await; // its second answer changes nothing
    town.request().by(&agent).body(received(50)).submitted().await;
    town.request().by(&agent).body(received(2)).submitted().await;
    // The previous 60 days: one qualified after 70 days, answered the same day.
    let seventy = town.request().by(&agent).body(received(70)).in_status("qualified").await;
    answer(seventy.id.clone()).await;
    let _ = forty;

    let query = format!("/indicators?from={}&to={}", town_day(-59), town_day(0));
    let staff = json(app.authed(Method::GET, &town.at(&query), &agent).send().await.unwrap()).await;
    let requests = &staff["requests"];
    assert_eq!(requests["received"], json!({ "current": 5, "previous": 1 }));
    assert_eq!(
        requests["to_qualification"],
        json!({ "measured": { "current": 3, "previous": 1 },
            "median_days": { "current": 10, "previous": 70 }, "p90_days": { "current": 40, "previous": 70 } })
    );
    assert_eq!(
        requests["to_first_answer"],
        json!({ "measured": { "current": 2, "previous": 1 },
            "median_days": { "current": 3, "previous": 70 }, "p90_days": { "current": 10, "previous": 70 } }),
        "rank ⌈0.5 × 2⌉ = 1: the 3 days; the first answer only"
    );
    assert_eq!(requests["late"], json!({ "current": 2, "previous": 1 }));
    assert_eq!(requests["late_share"], json!({ "current": 40.0, "previous": 100.0 }));

    // The public's: none published, nothing measured.
    let public = json(app.get(&town.at(&query)).await).await;
    assert_eq!(public["requests"]["to_qualification"]["median_days"], json!({ "current": null, "previous": null }));
    assert_eq!(public["requests"]["late_share"], json!({ "current": null, "previous": null }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_handled_before_their_milestones_were_stored_measure_the_same_once_migrated() {
    use implication_storage::sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let received = |days_ago: i64| typed("website", "complaint", &town_day(-days_ago).to_string(), None, &[]);
    let answer = |id: String, public: bool| {
        let (app, town, agent) = (&app, &town, agent.clone());
        async move {
            let sent = app
                .authed(Method::POST, &town.at(&format!("/requests/{id}/answers")), &agent)
                .json(&json!({ "text": "Nous regardons.", "public": public }))
                .send()
                .await
                .unwrap();
            assert_eq!(sent.status(), 201);
        }
    };
    let twelve = town.request().by(&agent).body(received(12)).in_status("qualified").await;
    let five = town.request().by(&agent).body(received(5)).in_status("qualified").await;
    answer(twelve.id.clone(), false).await;
    answer(five.id.clone(), true).await;
    town.request().by(&agent).body(received(8)).in_status("declined").await;
    town.request().by(&agent).body(received(20)).submitted().await;
    let query = format!("/indicators?from={}&to={}", town_day(-59), town_day(0));
    let read = || async { json(app.authed(Method::GET, &town.at(&query), &agent).send().await.unwrap()).await };
    let before = read().await;
    assert_eq!(before["requests"]["to_qualification"]["measured"]["current"], 3, "the declined was qualified first");
    assert_eq!(before["requests"]["to_first_answer"]["measured"]["current"], 2);

    // Back to the schema before migration 000025, which dropped the milestones with their
    // columns; up again, they are found in the history and answers.
    let states = app.db.migration_states().await.unwrap();
    let position = states.iter().position(|m| m.name == "m20261207_000025_request_milestones").unwrap();
    app.db.migrate_down(u32::try_from(states.len() - position).unwrap()).await.unwrap();
    app.db.migrate_up().await.unwrap();
    let backend = app.db.conn().get_database_backend();
    for (milestone, expected) in
        [("qualified_on", 3), ("left_intake_on", 3), ("first_answer_on", 2), ("first_public_answer_on", 1)]
    {
        let sql = format!("SELECT COUNT(*) FROM requests WHERE {milestone} IS NOT NULL");
        let row = app.db.conn().query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
        assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), expected, "{milestone}");
    }
    let after = read().await;
    assert_eq!(after["requests"], before["requests"], "the same delays, from the backfilled milestones");
}
