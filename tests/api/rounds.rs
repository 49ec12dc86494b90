//! Evaluation rounds over HTTP: a round of the self-evaluation group reviews the town's projects —
//! the carriers' survey, the mixed working group, its findings, failures included — and is public
//! once concluded; the steps it refuses, stale versions, invalid input, who may do what.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

impl TestTown<'_> {
    async fn some_project(&self) -> String {
        let agent = self.agent().await;
        let request = self.request().title("Des bacs à fleurs").in_status("qualified").await;
        let body = json!({ "title": "Fleurir la rue", "requests": [request.id] });
        let created = self.app.authed(Method::POST, &self.at("/projects"), &agent).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        json(created).await["id"].as_str().unwrap().to_owned()
    }

    async fn round_call(&self, method: Method, suffix: &str, etag: &str, body: &Value) -> reqwest::Response {
        let agent = self.agent().await;
        let call = self.app.authed(method, &self.at(&format!("/evaluation-rounds{suffix}")), &agent);
        call.header("If-Match", etag).json(body).send().await.unwrap()
    }
}

fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_round_surveys_the_carriers_meets_as_a_working_group_records_its_failures_and_is_public_once_concluded() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let project = town.some_project().await;
    let agent = town.agent().await;
    let opened = app
        .authed(Method::POST, &town.at("/evaluation-rounds"), &agent)
        .json(&json!({ "title": "Bilan 2026", "projects": [project] }))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 201);
    let mut tag = etag(&opened);
    let id = json(opened).await["id"].as_str().unwrap().to_owned();
    let at = format!("/{id}");
    assert_eq!(app.get(&town.at(&format!("/evaluation-rounds{at}"))).await.status(), 404, "under way: staff's");

    // The working group follows the recorded survey.
    let early =
        town.round_call(Method::POST, &format!("{at}/transitions"), &tag, &json!({ "to": "working_group" })).await;
    assert_eq!(problem(early, 409).await["rule"], "survey_not_recorded");
    let survey = json!({ "carriers_survey": { "asked": 4, "answered": 3, "summary": "Trois porteurs sur quatre ont répondu." } });
    let surveyed = town.round_call(Method::PATCH, &at, &tag, &survey).await;
    assert_eq!(surveyed.status(), 200);
    tag = etag(&surveyed);
    assert_eq!(town.round_call(Method::PATCH, &at, "\"1\"", &survey).await.status(), 412, "stale");
    let moved =
        town.round_call(Method::POST, &format!("{at}/transitions"), &tag, &json!({ "to": "working_group" })).await;
    assert_eq!(moved.status(), 200);
    tag = etag(&moved);
    let bare = town.round_call(Method::POST, &format!("{at}/transitions"), &tag, &json!({ "to": "concluded" })).await;
    assert_eq!(problem(bare, 409).await["rule"], "no_findings");
    let group = json!({ "working_group": { "met_on": "2026-11-20", "composition": "2 élus, 3 agents, 4 porteurs" },
        "findings": [{ "project": project, "kind": "failure", "text": "L'arrosage s'est perdu." },
            { "project": null, "kind": "success", "text": "On se connaît mieux." }] });
    let found = town.round_call(Method::PATCH, &at, &tag, &group).await;
    assert_eq!(found.status(), 200);
    tag = etag(&found);
    let concluded =
        town.round_call(Method::POST, &format!("{at}/transitions"), &tag, &json!({ "to": "concluded" })).await;
    assert_eq!(concluded.status(), 200);
    tag = etag(&concluded);

    // Concluded: the public reads it — but not the project still being diagnosed, nor what was
    // found about it; staff read it whole, failures included, and by the project it reviewed.
    let public = json(app.get(&town.at(&format!("/evaluation-rounds{at}"))).await).await;
    assert_eq!(public["status"], "concluded");
    assert_eq!((public["projects"].clone(), public["findings"].as_array().unwrap().len()), (json!([]), 1), "{public}");
    assert_eq!(public["findings"][0]["kind"], "success");
    let staff =
        json(app.authed(Method::GET, &town.at(&format!("/evaluation-rounds{at}")), &agent).send().await.unwrap()).await;
    assert_eq!(staff["findings"][0]["kind"], "failure");
    let by_project = json(
        app.authed(Method::GET, &town.at(&format!("/evaluation-rounds?project={project}")), &agent)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(by_project["items"][0]["id"], json!(id));
    let elsewhere = json(app.get(&town.at(&format!("/evaluation-rounds?project={id}"))).await).await;
    assert_eq!(elsewhere["items"], json!([]));
    let late = town.round_call(Method::PATCH, &at, &tag, &json!({ "title": "Autre" })).await;
    assert_eq!(problem(late, 409).await["rule"], "round_concluded");
}

#[tokio::test]
async fn a_round_reviews_the_towns_projects_only_names_every_invalid_field_and_is_staffs_to_run() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let unknown = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e";
    let refused = app
        .authed(Method::POST, &town.at("/evaluation-rounds"), &agent)
        .json(&json!({ "title": "Bilan", "projects": [unknown] }))
        .send()
        .await
        .unwrap();
    let refused = problem(refused, 422).await;
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("projects[0]"), Some("unknown_subject"))
    );
    let empty =
        app.authed(Method::POST, &town.at("/evaluation-rounds"), &agent).json(&json!({ "projects": [] })).send();
    let empty = problem(empty.await.unwrap(), 422).await;
    let fields: Vec<&str> = empty["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "projects"]);
    let project = town.some_project().await;
    let created = app
        .authed(Method::POST, &town.at("/evaluation-rounds"), &agent)
        .json(&json!({ "title": "Bilan", "projects": [project] }))
        .send()
        .await
        .unwrap();
    let tag = etag(&created);
    let id = json(created).await["id"].as_str().unwrap().to_owned();
    let survey = json!({ "carriers_survey": { "asked": 2, "answered": 5 }, "findings": [{ "project": unknown, "kind": "success", "text": "Bien." }] });
    let invalid = problem(town.round_call(Method::PATCH, &format!("/{id}"), &tag, &survey).await, 422).await;
    let fields: Vec<&str> =
        invalid["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["carriers_survey.answered", "carriers_survey.summary", "findings[0].project"]);
    // An inhabitant neither opens nor reads one under way; another town sees nothing of it.
    let inhabitant = town.inhabitant().await;
    let opened = app
        .authed(Method::POST, &town.at("/evaluation-rounds"), &inhabitant)
        .json(&json!({ "title": "Bilan", "projects": [project] }))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 403);
    let path = town.at(&format!("/evaluation-rounds/{id}"));
    assert_eq!(app.authed(Method::GET, &path, &inhabitant).send().await.unwrap().status(), 404);
    let other = TestTown::new(&app).await;
    let outsider = other.agent().await;
    assert_eq!(app.authed(Method::GET, &path, &outsider).send().await.unwrap().status(), 404);
}
