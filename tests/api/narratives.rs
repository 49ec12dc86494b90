//! Narratives over HTTP: an inhabitant's own account of a public process, published by staff only
//! with the author's consent, withdrawn by its author and then gone from every public read; staff
//! record one on an author's behalf; who may do what, stale versions and invalid input.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

impl TestTown<'_> {
    /// A process of this town, opened to the public unless `prepared`; its id.
    async fn told_process(&self, prepared: bool) -> String {
        let agent = self.agent().await;
        let body = json!({ "subject": "Le jardin partagé", "description": "Une démarche.", "level": "coproduction" });
        let created = self.app.authed(Method::POST, &self.at("/processes"), &agent).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        let id = json(created).await["id"].as_str().unwrap().to_owned();
        if !prepared {
            let path = self.at(&format!("/processes/{id}/transitions"));
            let opened =
                self.app.authed(Method::POST, &path, &agent).header("If-Match", "*").json(&json!({ "to": "open" }));
            assert_eq!(opened.send().await.unwrap().status(), 200);
        }
        id
    }

    async fn narrate(&self, token: &str, body: &Value) -> reqwest::Response {
        self.app.authed(Method::POST, &self.at("/narratives"), token).json(body).send().await.unwrap()
    }

    async fn narrative_action(&self, token: &str, id: &str, action: &str, etag: &str) -> reqwest::Response {
        let path = self.at(&format!("/narratives/{id}/{action}"));
        self.app.authed(Method::POST, &path, token).header("If-Match", etag).send().await.unwrap()
    }
}

fn story(process: &str) -> Value {
    json!({ "subject": "process", "subject_id": process, "title": "Un jardin, et des disputes",
        "text": "Il a fallu trois réunions pour s'entendre sur les parcelles. Ça valait la peine, mais c'était dur.",
        "consent": true })
}

fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_narrative_is_published_only_with_its_authors_consent_and_once_withdrawn_is_gone_from_every_public_read() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, inhabitant) = (town.agent().await, town.inhabitant().await);
    let process = town.told_process(false).await;

    // The inhabitant writes their own, named by their display name; it waits for staff.
    let written = town.narrate(&inhabitant, &story(&process)).await;
    assert_eq!(written.status(), 201);
    let first_etag = etag(&written);
    let written = json(written).await;
    let id = written["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (written["status"].as_str(), written["author_name"].as_str()),
        (Some("submitted"), Some("inhabitant de town-1"))
    );
    assert!(written["consent_at"].is_string());
    let listed = |token: Option<String>| {
        let (app, url) = (&app, town.at(&format!("/narratives?subject_id={process}")));
        async move {
            let mut call = app.client.get(app.url(&url));
            if let Some(token) = token {
                call = call.bearer_auth(token);
            }
            json(call.send().await.unwrap()).await
        }
    };
    assert!(ids(&listed(None).await).is_empty(), "the public reads nothing submitted");
    assert_eq!(ids(&listed(Some(inhabitant.clone())).await), [id.as_str()], "its author reads their own");
    assert_eq!(app.get(&town.at(&format!("/narratives/{id}"))).await.status(), 404);

    // Staff record another on an author's behalf, without consent: it is never published.
    let told = json!({ "subject": "process", "subject_id": process, "title": "Ce qu'on m'a dit à la réunion",
        "text": "Un habitant raconte le jardin.", "author_name": "Un habitant du Marais" });
    let recorded = town.narrate(&agent, &told).await;
    assert_eq!(recorded.status(), 201);
    let recorded_etag = etag(&recorded);
    let recorded = json(recorded).await;
    assert_eq!(recorded["consent_at"], Value::Null);
    let refused = town.narrative_action(&agent, recorded["id"].as_str().unwrap(), "publish", &recorded_etag).await;
    assert_eq!(problem(refused, 409).await["rule"], "no_consent");

    // Only staff publish, with the current version; then anyone reads it, without the author's account.
    assert_eq!(town.narrative_action(&inhabitant, &id, "publish", &first_etag).await.status(), 403);
    assert_eq!(town.narrative_action(&agent, &id, "publish", "\"7\"").await.status(), 412);
    let published = town.narrative_action(&agent, &id, "publish", &first_etag).await;
    assert_eq!(published.status(), 200);
    let published_etag = etag(&published);
    let public = json(app.get(&town.at(&format!("/narratives/{id}"))).await).await;
    assert_eq!(
        (public["view"].as_str(), public["author_name"].as_str()),
        (Some("public"), Some("inhabitant de town-1"))
    );
    assert!(public.get("author_account").is_none() && public.get("consent_at").is_none(), "{public}");
    assert_eq!(ids(&listed(None).await), [id.as_str()]);
    let again = town.narrative_action(&agent, &id, "publish", &published_etag).await;
    assert_eq!(problem(again, 409).await["rule"], "narrative_not_submitted");

    // Its author withdraws it: gone from every public read, for good.
    let withdrawn = town.narrative_action(&inhabitant, &id, "withdraw", &published_etag).await;
    assert_eq!(withdrawn.status(), 200);
    let withdrawn_etag = etag(&withdrawn);
    assert_eq!(json(withdrawn).await["status"], "withdrawn");
    assert!(ids(&listed(None).await).is_empty());
    assert_eq!(app.get(&town.at(&format!("/narratives/{id}"))).await.status(), 404);
    let twice = town.narrative_action(&inhabitant, &id, "withdraw", &withdrawn_etag).await;
    assert_eq!(problem(twice, 409).await["rule"], "already_withdrawn");
    let republished = town.narrative_action(&agent, &id, "publish", &withdrawn_etag).await;
    assert_eq!(problem(republished, 409).await["rule"], "narrative_not_submitted");
    let staff =
        json(app.authed(Method::GET, &town.at("/narratives?status=withdrawn"), &agent).send().await.unwrap()).await;
    assert_eq!(ids(&staff), [id.as_str()], "staff keep the trace");
}

#[tokio::test]
async fn a_narrative_tells_of_a_subject_its_writer_may_read_and_names_every_invalid_field() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, inhabitant) = (town.agent().await, town.inhabitant().await);
    let prepared = town.told_process(true).await;

    // An inhabitant cannot tell of a process still prepared (nor learn it exists); staff can, and
    // it waits until the process is public.
    let refused = problem(town.narrate(&inhabitant, &story(&prepared)).await, 422).await;
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("subject_id"), Some("unknown_subject"))
    );
    let mut on_behalf = story(&prepared);
    on_behalf["author_name"] = json!("Une jardinière");
    let recorded = town.narrate(&agent, &on_behalf).await;
    assert_eq!(recorded.status(), 201);
    let recorded_etag = etag(&recorded);
    let recorded = json(recorded).await;
    let early = town.narrative_action(&agent, recorded["id"].as_str().unwrap(), "publish", &recorded_etag).await;
    assert_eq!(problem(early, 409).await["rule"], "subject_not_public");
    // Another inhabitant may not withdraw it, nor read it.
    assert_eq!(
        town.narrative_action(&inhabitant, recorded["id"].as_str().unwrap(), "withdraw", &recorded_etag).await.status(),
        404
    );

    // Every invalid field at once; staff must name the author.
    let empty = problem(town.narrate(&agent, &json!({})).await, 422).await;
    let fields: Vec<&str> = empty["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["subject", "title", "text", "author_name"]);
    let long = json!({ "subject": "project", "subject_id": prepared, "title": "x".repeat(201), "text": " ", "author_name": "A" });
    let invalid = problem(town.narrate(&agent, &long).await, 422).await;
    let fields: Vec<&str> =
        invalid["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "text"]);
    let unknown_kind = town.narrate(&agent, &json!({ "subject": "meeting" })).await;
    assert_eq!(problem(unknown_kind, 422).await["errors"][0]["field"], "subject");

    // Another town's members see none of it.
    let other = TestTown::new(&app).await;
    let outsider = other.agent().await;
    let path = town.at(&format!("/narratives/{}", recorded["id"].as_str().unwrap()));
    assert_eq!(app.authed(Method::GET, &path, &outsider).send().await.unwrap().status(), 404);
}
