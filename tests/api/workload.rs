//! The services' workload over HTTP: what each service and each agent carries on a day — open and
//! overdue requests, open processes and projects, pending and overdue promises — in the status
//! each had that day, against the load limit the admin sets; a qualification routing to a
//! service over its limit carries a warning.

use crate::fixtures::{TestTown, every_guard_passes, town_day};
use crate::helpers::{json, problem, spawn_app};

use reqwest::Method;
use serde_json::{Value, json};

/// The qualification that lets every guard pass, routed to these services.
fn routed_to(services: &[&str]) -> Value {
    let mut document = every_guard_passes();
    document["routing"] = json!({ "services": services });
    document
}

fn line<'v>(point: &'v Value, list: &str, key: &str, value: &str) -> &'v Value {
    point[list].as_array().unwrap().iter().find(|l| l[key] == value).unwrap_or_else(|| panic!("{value} in {point}"))
}

#[tokio::test]
async fn the_workload_counts_each_services_open_and_overdue_items_and_each_agents_once() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, admin) = (town.agent().await, town.admin().await);
    let works = "services-techniques";
    let green = "service-environnement";
    // Two requests routed to the works service (one also to the environment service), one routed
    // and still being qualified 40 days after it was received (overdue), one routed and closed.
    for services in [vec![works], vec![works, green]] {
        let request = town.request().in_status("qualifying").await;
        town.record_qualification(&agent, &request.id, &routed_to(&services)).await;
    }
    let old = town
        .request()
        .body(json!({ "kind": "complaint", "title": "Un trottoir défoncé", "description": "Depuis l'hiver.",
            "channel": "phone", "received_on": town_day(-40) }))
        .by(&agent)
        .in_status("qualifying")
        .await;
    town.record_qualification(&agent, &old.id, &routed_to(&[works])).await;
    let closed = town.request().in_status("qualifying").await;
    town.record_qualification(&agent, &closed.id, &routed_to(&[works])).await;
    for step in [json!({ "to": "qualified" }), json!({ "to": "declined", "reason": "Hors de nos compétences." })] {
        assert_eq!(town.transition(&agent, &closed.id, step).await.status(), 200);
    }
    // A process routed to both services; a promise on the old request, overdue.
    let process = json!({ "subject": "Le trottoir de la rue Bayard", "description": "Une démarche.", "level": "consultation",
        "routing": { "services": [works, green] } });
    let created = app.authed(Method::POST, &town.at("/processes"), &agent).json(&process).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let promise = json!({ "request": old.id, "kind": "answer", "made_by": "Le maire", "text": "Une réponse avant le 15.",
        "made_on": town_day(-20), "due_on": town_day(-5) });
    let made = app.authed(Method::POST, &town.at("/promises"), &agent).json(&promise).send().await.unwrap();
    assert_eq!(made.status(), 201);

    let workload = json(app.authed(Method::GET, &town.at("/workload"), &admin).send().await.unwrap()).await;
    let point = &workload["points"][0];
    assert_eq!(point["on"], json!(town_day(0)));
    let w = line(point, "services", "code", works);
    assert_eq!(
        (
            &w["open_requests"],
            &w["overdue_requests"],
            &w["open_processes"],
            &w["pending_promises"],
            &w["overdue_promises"]
        ),
        (&json!(3), &json!(1), &json!(1), &json!(1), &json!(1)),
        "{w}"
    );
    assert_eq!((&w["open"], &w["load_limit"], &w["over_limit"]), (&json!(5), &Value::Null, &json!(false)));
    let g = line(point, "services", "code", green);
    assert_eq!((&g["open_requests"], &g["open_processes"], &g["open"]), (&json!(1), &json!(1), &json!(2)));
    // The agent is in the works service: its items, each once.
    let a = &point["agents"].as_array().unwrap()[0];
    assert_eq!(a["services"], json!([works]));
    assert_eq!((&a["open_requests"], &a["open"]), (&json!(3), &json!(5)));

    // Over time: 39 days ago, none of it was registered yet (the old request was typed in today),
    // but the promise was made 20 days ago.
    let before = json(
        app.authed(Method::GET, &town.at(&format!("/workload?on={}", town_day(-39))), &agent).send().await.unwrap(),
    )
    .await;
    let w = line(&before["points"][0], "services", "code", works);
    assert_eq!((&w["open_requests"], &w["open_processes"], &w["pending_promises"]), (&json!(0), &json!(0), &json!(0)));
    let since = json(
        app.authed(Method::GET, &town.at(&format!("/workload?on={}", town_day(-10))), &agent).send().await.unwrap(),
    )
    .await;
    let w = line(&since["points"][0], "services", "code", works);
    assert_eq!((&w["pending_promises"], &w["overdue_promises"]), (&json!(1), &json!(0)), "due 5 days ago");
    let series = json(app.authed(Method::GET, &town.at("/workload?months=3"), &agent).send().await.unwrap()).await;
    assert_eq!(series["points"].as_array().unwrap().len(), 4, "three month ends, then today");

    // Staff only; bad parameters named.
    let public = app.get(&town.at("/workload")).await;
    assert_eq!(public.status(), 401);
    let inhabitant = town.inhabitant().await;
    assert_eq!(app.authed(Method::GET, &town.at("/workload"), &inhabitant).send().await.unwrap().status(), 403);
    let bad = app.authed(Method::GET, &town.at("/workload?on=2999-01-01&months=25"), &agent).send().await.unwrap();
    let errors = problem(bad, 400).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["on", "months"]);
}

#[tokio::test]
async fn a_qualification_routing_to_a_service_over_its_load_limit_carries_a_warning() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, admin) = (town.agent().await, town.admin().await);
    let path = town.at("/services/services-techniques");
    let etag =
        app.authed(Method::GET, &path, &admin).send().await.unwrap().headers()["etag"].to_str().unwrap().to_owned();
    let refused = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", &etag)
        .json(&json!({ "load_limit": 0, "name": " " }))
        .send()
        .await
        .unwrap();
    let errors = problem(refused, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "load_limit"]);
    let limited = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", &etag)
        .json(&json!({ "load_limit": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 200);
    let limited = json(limited).await;
    assert_eq!((limited["load_limit"].as_i64(), limited["name"].as_str()), (Some(1), Some("Services techniques")));
    let by_agent = app.authed(Method::PATCH, &path, &agent).header("If-Match", "*").json(&json!({ "load_limit": 5 }));
    assert_eq!(by_agent.send().await.unwrap().status(), 403);

    // The first routed request fills the service; the second goes over it, and is warned.
    let first = town.request().in_status("qualifying").await;
    let recorded = town.record_qualification(&agent, &first.id, &routed_to(&["services-techniques"])).await;
    assert_eq!(recorded["warnings"], json!([]));
    let second = town.request().in_status("qualifying").await;
    let warned = town.record_qualification(&agent, &second.id, &routed_to(&["services-techniques"])).await;
    assert_eq!(
        warned["warnings"],
        json!([{ "code": "service_over_load_limit", "service": "services-techniques", "open": 2, "load_limit": 1 }])
    );
    assert_eq!(warned["document"]["routing"]["services"], json!(["services-techniques"]), "the routing stands");
    let (_, _) = town.staff_get(&agent, &second.id).await;
    let read = json(
        app.authed(Method::GET, &town.at(&format!("/requests/{}/qualification", second.id)), &agent)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(read["warnings"][0]["open"], 2);
    let workload = json(app.authed(Method::GET, &town.at("/workload"), &agent).send().await.unwrap()).await;
    let w = line(&workload["points"][0], "services", "code", "services-techniques");
    assert_eq!((&w["load_limit"], &w["over_limit"]), (&json!(1), &json!(true)));

    // No limit again: no warning.
    let etag = limited["version"].to_string();
    let lifted = app
        .authed(Method::PATCH, &path, &admin)
        .header("If-Match", format!("\"{etag}\""))
        .json(&json!({ "load_limit": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(lifted.status(), 200);
    let read = json(
        app.authed(Method::GET, &town.at(&format!("/requests/{}/qualification", second.id)), &agent)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(read["warnings"], json!([]));
}
