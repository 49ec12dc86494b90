//! Steps ahead and promises over HTTP (the principle of truth): the requester reads them by
//! tracking code, a promise not kept by its due day shows as overdue and, once kept, as kept late;
//! a step that slips keeps its first day; who may record them, what the public sees, stale
//! versions and invalid input.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use chrono::{Days, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};

/// Today where the test town is (Europe/Paris), which is not always today in UTC.
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

fn days_ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).unwrap()
}

fn days_ahead(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

async fn post(town: &TestTown<'_>, token: &str, path: &str, body: &Value) -> reqwest::Response {
    town.app.authed(Method::POST, &town.at(path), token).json(body).send().await.unwrap()
}

async fn settle(town: &TestTown<'_>, token: &str, path: &str, etag: &str, body: &Value) -> reqwest::Response {
    town.app.authed(Method::POST, &town.at(path), token).header("If-Match", etag).json(body).send().await.unwrap()
}

fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_promise_not_kept_in_time_is_overdue_and_once_kept_shows_as_kept_late_to_the_requester() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().submitted().await;
    let tracking = town.at(&format!("/tracking/{}", request.receipt["tracking_code"].as_str().unwrap()));

    let promise = json!({ "request": request.id, "kind": "answer", "made_by": "Le maire",
        "text": "Une réponse sur le ralentisseur avant la fin du mois",
        "made_on": days_ago(40), "due_on": days_ago(10) });
    let made = post(&town, &agent, "/promises", &promise).await;
    assert_eq!(made.status(), 201);
    let location = made.headers()["location"].to_str().unwrap().to_owned();
    let first_tag = etag(&made);
    let made = json(made).await;
    assert_eq!((made["status"].as_str(), made["overdue"].as_bool()), (Some("pending"), Some(true)));
    let on_time = json!({ "request": request.id, "kind": "meeting", "made_by": "L'adjoint aux travaux",
        "text": "Une réunion sur place", "due_on": days_ahead(30) });
    let on_time = json(post(&town, &agent, "/promises", &on_time).await).await;
    assert_eq!(on_time["made_on"], json!(today()));
    assert_eq!(on_time["overdue"], json!(false));

    // The requester follows both; the overdue one shows as such, and the list filters on it.
    let followed = json(app.get(&tracking).await).await;
    let promises = followed["promises"].as_array().unwrap();
    assert_eq!(promises.len(), 2);
    assert_eq!((promises[0]["id"].clone(), promises[0]["overdue"].clone()), (made["id"].clone(), json!(true)));
    let overdue = json(app.authed(Method::GET, &town.at("/promises?overdue=true"), &agent).send().await.unwrap()).await;
    let ids: Vec<&Value> = overdue["items"].as_array().unwrap().iter().map(|p| &p["id"]).collect();
    assert_eq!(ids, [&made["id"]]);

    // Kept three days ago, a week after it was due: kept late, no longer overdue.
    let id = made["id"].as_str().unwrap();
    let kept =
        settle(&town, &agent, &format!("/promises/{id}/kept"), &first_tag, &json!({ "kept_on": days_ago(3) })).await;
    assert_eq!(kept.status(), 200);
    let kept_tag = etag(&kept);
    let kept = json(kept).await;
    assert_eq!(kept["status"], "kept");
    assert_eq!(kept["kept_on"], json!(days_ago(3)));
    assert_eq!((kept["kept_late"].as_bool(), kept["overdue"].as_bool()), (Some(true), Some(false)));
    let followed = json(app.get(&tracking).await).await;
    assert_eq!(followed["promises"][0]["kept_late"], json!(true));
    let still = json(app.authed(Method::GET, &town.at("/promises?overdue=true"), &agent).send().await.unwrap()).await;
    assert_eq!(still["items"], json!([]));

    // Settled, it changes no more: the rule is named; the old version is stale.
    let again =
        settle(&town, &agent, &format!("/promises/{id}/withdrawal"), &kept_tag, &json!({ "reason": "Trop tard." }))
            .await;
    assert_eq!(problem(again, 409).await["rule"], "promise_settled");
    let stale = settle(&town, &agent, &format!("/promises/{id}/kept"), &first_tag, &json!({})).await;
    problem(stale, 412).await;
    let unconditional = town
        .app
        .authed(Method::POST, &town.at(&format!("/promises/{id}/kept")), &agent)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(unconditional, 428).await;
    assert_eq!(json(app.authed(Method::GET, &location, &agent).send().await.unwrap()).await["status"], "kept");
}

#[tokio::test]
async fn a_promise_is_withdrawn_only_with_its_reason_and_is_never_due_before_it_was_made() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().submitted().await;
    let body = json!({ "request": request.id, "kind": "works", "made_by": "Le maire",
        "text": "Les travaux avant l'été", "due_on": days_ahead(120) });
    let made = post(&town, &agent, "/promises", &body).await;
    let tag = etag(&made);
    let id = json(made).await["id"].as_str().unwrap().to_owned();
    let silent = settle(&town, &agent, &format!("/promises/{id}/withdrawal"), &tag, &json!({})).await;
    assert_eq!(problem(silent, 422).await["errors"][0]["field"], "reason");
    let reason = "La DDTM a refusé l'autorisation.";
    let withdrawn =
        settle(&town, &agent, &format!("/promises/{id}/withdrawal"), &tag, &json!({ "reason": reason })).await;
    let withdrawn = json(withdrawn).await;
    assert_eq!(
        (withdrawn["status"].as_str(), withdrawn["withdrawal_reason"].as_str()),
        (Some("withdrawn"), Some(reason))
    );
    assert_eq!(withdrawn["withdrawn_on"], json!(today()));

    let invalid = json!({ "request": request.id, "process": request.id, "kind": "gift", "text": "",
        "made_on": days_ahead(2), "due_on": days_ago(5) });
    let errors = problem(post(&town, &agent, "/promises", &invalid).await, 422).await["errors"].clone();
    let mut fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["kind"], "an unknown kind is refused by the body's reader first: {errors}");
    let invalid = json!({ "request": request.id, "process": request.id, "kind": "answer", "text": "",
        "made_on": days_ahead(2), "due_on": days_ago(5) });
    let errors = problem(post(&town, &agent, "/promises", &invalid).await, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["process", "text", "made_by", "made_on"], "what it is about and the rest, at once");
    let nothing = problem(post(&town, &agent, "/steps", &json!({})).await, 422).await["errors"].clone();
    let fields: Vec<&str> = nothing.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["request", "process", "kind", "description", "expected_on"]);
    let invalid = json!({ "request": request.id, "kind": "answer", "text": " ", "made_on": days_ahead(2),
        "due_on": days_ago(5) });
    let errors = problem(post(&town, &agent, "/promises", &invalid).await, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["text", "made_by", "made_on"]);
    let early = json!({ "request": request.id, "kind": "answer", "text": "Une réponse", "made_by": "Le maire",
        "made_on": days_ago(2), "due_on": days_ago(5) });
    let errors = problem(post(&town, &agent, "/promises", &early).await, 422).await["errors"].clone();
    assert_eq!(errors[0]["field"], "due_on");
    let unknown = json!({ "request": uuid::Uuid::now_v7(), "kind": "answer", "text": "Une réponse",
        "made_by": "Le maire", "due_on": days_ahead(5) });
    let errors = problem(post(&town, &agent, "/promises", &unknown).await, 422).await["errors"].clone();
    assert_eq!((errors[0]["field"].as_str(), errors[0]["code"].as_str()), (Some("request"), Some("unknown_request")));
}

#[tokio::test]
async fn a_step_that_slips_keeps_its_first_day_shows_overdue_and_once_done_is_no_longer_ahead() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().submitted().await;
    let tracking = town.at(&format!("/tracking/{}", request.receipt["tracking_code"].as_str().unwrap()));
    let body = json!({ "request": request.id, "kind": "permit", "description": "Permis d'aménagement instruit par la DDTM",
        "expected_on": days_ago(2) });
    let created = post(&town, &agent, "/steps", &body).await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let tag = etag(&created);
    let step = json(created).await;
    assert_eq!((step["ahead"].as_bool(), step["overdue"].as_bool()), (Some(true), Some(true)));
    let council = json!({ "request": request.id, "kind": "council", "description": "Délibération du conseil",
        "expected_on": days_ahead(40) });
    assert_eq!(post(&town, &agent, "/steps", &council).await.status(), 201);
    let overdue = json(app.authed(Method::GET, &town.at("/steps?overdue=true"), &agent).send().await.unwrap()).await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);

    // The services give a new day: the first one stays, the slip shows.
    let moved = town
        .app
        .authed(Method::PATCH, &location, &agent)
        .header("If-Match", &tag)
        .json(&json!({ "expected_on": days_ahead(20) }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    let moved_tag = etag(&moved);
    let moved = json(moved).await;
    assert_eq!(
        (moved["first_expected_on"].clone(), moved["expected_on"].clone()),
        (json!(days_ago(2)), json!(days_ahead(20)))
    );
    assert_eq!((moved["slipped"].as_bool(), moved["overdue"].as_bool()), (Some(true), Some(false)));
    let followed = json(app.get(&tracking).await).await;
    let ahead: Vec<&str> =
        followed["steps_ahead"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(ahead, ["permit", "council"]);

    // A stale version changes nothing; done, it leaves the steps ahead.
    let stale = town
        .app
        .authed(Method::PATCH, &location, &agent)
        .header("If-Match", &tag)
        .json(&json!({ "done_on": today() }))
        .send()
        .await
        .unwrap();
    problem(stale, 412).await;
    let future = town
        .app
        .authed(Method::PATCH, &location, &agent)
        .header("If-Match", &moved_tag)
        .json(&json!({ "done_on": days_ahead(1) }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(future, 422).await["errors"][0]["field"], "done_on");
    let subject = town
        .app
        .authed(Method::PATCH, &location, &agent)
        .header("If-Match", &moved_tag)
        .json(&json!({ "process": request.id }))
        .send()
        .await
        .unwrap();
    problem(subject, 422).await;
    let done = town
        .app
        .authed(Method::PATCH, &location, &agent)
        .header("If-Match", &moved_tag)
        .json(&json!({ "done_on": today() }))
        .send()
        .await
        .unwrap();
    assert_eq!(json(done).await["ahead"], json!(false));
    let followed = json(app.get(&tracking).await).await;
    assert_eq!(followed["steps_ahead"].as_array().unwrap().len(), 1);
    let done = json(app.authed(Method::GET, &town.at("/steps?ahead=false"), &agent).send().await.unwrap()).await;
    assert_eq!(done["items"][0]["kind"], "permit");
    let bad = app.authed(Method::GET, &town.at("/steps?ahead=maybe&request=x"), &agent).send().await.unwrap();
    let errors = problem(bad, 400).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["request", "ahead"]);
}

#[tokio::test]
async fn the_public_reads_the_steps_and_promises_of_an_opened_process_and_only_staff_record_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let create =
        json!({ "subject": "La place du centre", "description": "Réaménager la place.", "level": "consultation" });
    let process = json(post(&town, &agent, "/processes", &create).await).await["id"].as_str().unwrap().to_owned();
    let step = json!({ "process": process, "kind": "works", "description": "Les travaux de la place",
        "expected_on": days_ahead(200) });
    let step = json(post(&town, &agent, "/steps", &step).await).await;
    let promise = json!({ "process": process, "kind": "meeting", "made_by": "Le maire",
        "text": "Une réunion publique avant les travaux", "due_on": days_ahead(60) });
    let promise = json(post(&town, &agent, "/promises", &promise).await).await;
    let step_at = town.at(&format!("/steps/{}", step["id"].as_str().unwrap()));
    let promise_at = town.at(&format!("/promises/{}", promise["id"].as_str().unwrap()));

    // In preparation, the process is not public: nor is what is ahead of it.
    problem(app.get(&step_at).await, 404).await;
    problem(app.get(&promise_at).await, 404).await;
    assert_eq!(json(app.get(&town.at("/steps")).await).await["items"], json!([]));
    assert_eq!(json(app.get(&town.at("/promises")).await).await["items"], json!([]));
    let staff_view =
        json(app.authed(Method::GET, &town.at(&format!("/processes/{process}")), &agent).send().await.unwrap()).await;
    assert_eq!(staff_view["steps_ahead"][0]["id"], step["id"]);
    assert_eq!(staff_view["promises"][0]["id"], promise["id"]);

    let open = town
        .app
        .authed(Method::POST, &town.at(&format!("/processes/{process}/transitions")), &agent)
        .header("If-Match", "*")
        .json(&json!({ "to": "open" }))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
    assert_eq!(app.get(&step_at).await.status(), 200);
    assert_eq!(json(app.get(&promise_at).await).await["made_by"], "Le maire");
    assert_eq!(
        json(app.get(&town.at(&format!("/promises?process={process}"))).await).await["items"][0]["id"],
        promise["id"]
    );
    let public = json(app.get(&town.at(&format!("/processes/{process}"))).await).await;
    assert_eq!(
        (public["steps_ahead"][0]["id"].clone(), public["promises"][0]["id"].clone()),
        (step["id"].clone(), promise["id"].clone())
    );

    // Only staff record them; another town's staff see nothing of them.
    let inhabitant = town.inhabitant().await;
    let body = json!({ "process": process, "kind": "works", "description": "x", "expected_on": today() });
    problem(post(&town, &inhabitant, "/steps", &body).await, 403).await;
    let anonymous = app.client.post(app.url(&town.at("/promises"))).json(&body).send().await.unwrap();
    problem(anonymous, 401).await;
    let other = TestTown::new(&app).await;
    let other_agent = other.agent().await;
    let elsewhere = app
        .authed(Method::PATCH, &step_at, &other_agent)
        .header("If-Match", "*")
        .json(&json!({ "done_on": today() }))
        .send()
        .await
        .unwrap();
    problem(elsewhere, 404).await;
    let theirs = other.at(&format!("/steps/{}", step["id"].as_str().unwrap()));
    problem(app.authed(Method::GET, &theirs, &other_agent).send().await.unwrap(), 404).await;
}
