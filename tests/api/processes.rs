//! Participation processes over HTTP: creation from qualified requests, the lifecycle and its
//! effect on the requests, level changes, the decision, who may do what, and what the public
//! and the requesters see.

use crate::fixtures::{TestTown, WORKS_DELEGATION, WORKS_SERVICE};
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

fn process_body(subject: &str, requests: &[&str]) -> Value {
    json!({
        "subject": subject,
        "description": "Des habitants se plaignent de la vitesse : deux scénarios, un stop ou un ralentisseur.",
        "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["cite-5"] },
        "level": "consultation",
        "routing": { "delegation": WORKS_DELEGATION, "services": [WORKS_SERVICE] },
        "requests": requests,
    })
}

fn decision_body(resolution: &str) -> Value {
    json!({
        "outcome": "Ni stop ni ralentisseur : la rue reste telle quelle.",
        "decided_by": "participants",
        "decided_on": "2026-12-01",
        "rationale": "Les deux scénarios déplaçaient le problème.",
        "resolution": resolution,
    })
}

impl TestTown<'_> {
    /// Creates a process (asserting a 201) and returns its staff view and ETag.
    async fn open_process(&self, token: &str, body: &Value) -> (Value, String) {
        let response = self.app.authed(Method::POST, &self.at("/processes"), token).json(body).send().await.unwrap();
        let status = response.status();
        let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
        let view = json(response).await;
        assert_eq!(status, 201, "process refused: {view}");
        assert_eq!(location, Some(self.at(&format!("/processes/{}", view["id"].as_str().unwrap()))));
        (view, etag)
    }

    /// Sends `body` to a process's `action` with `If-Match: etag`.
    async fn process_call(
        &self,
        method: Method,
        token: &str,
        id: &str,
        action: &str,
        etag: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.app
            .authed(method, &self.at(&format!("/processes/{id}{action}")), token)
            .header("If-Match", etag)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// The same, asserting a 200; returns the view and its new ETag.
    async fn process_ok(
        &self,
        method: Method,
        token: &str,
        id: &str,
        action: &str,
        etag: &str,
        body: &Value,
    ) -> (Value, String) {
        let response = self.process_call(method, token, id, action, etag, body).await;
        let status = response.status();
        let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let view = json(response).await;
        assert_eq!(status, 200, "{action} refused: {view}");
        (view, etag)
    }

    /// A process brought to `deciding` with these requests; its view and ETag.
    async fn deciding_process(&self, requests: &[&str]) -> (Value, String) {
        let agent = self.agent().await;
        let (view, etag) = self.open_process(&agent, &process_body("La vitesse dans la cité 5", requests)).await;
        let id = view["id"].as_str().unwrap().to_owned();
        let (_, etag) =
            self.process_ok(Method::POST, &agent, &id, "/transitions", &etag, &json!({ "to": "open" })).await;
        self.process_ok(Method::POST, &agent, &id, "/transitions", &etag, &json!({ "to": "deciding" })).await
    }

    async fn request_status(&self, id: &str) -> Value {
        let agent = self.agent().await;
        let (view, _) = self.staff_get(&agent, id).await;
        json!([view["status"], view["resolution"]])
    }
}

#[tokio::test]
async fn a_process_created_from_qualified_requests_moves_them_in_process_and_their_requesters_follow_it() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let first = town.request().title("Trop de vitesse").in_status("qualified").await;
    let second = town.request().title("Des voitures trop rapides").in_status("qualified").await;
    let (view, etag) =
        town.open_process(&agent, &process_body("La vitesse dans la cité 5", &[&first.id, &second.id])).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(view["status"], "preparing");
    assert_eq!(view["origin"], "requests");
    assert_eq!(view["public"], false);
    assert_eq!(view["routing"], json!({ "delegation": WORKS_DELEGATION, "services": [WORKS_SERVICE] }));
    assert_eq!(view["level_history"][0]["to"], "consultation");
    let statuses: Vec<&Value> = view["requests"].as_array().unwrap().iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!("in_process"), &json!("in_process")]);
    assert_eq!(town.request_status(&first.id).await, json!(["in_process", null]));

    // Its requester sees nothing of it while it is prepared (not even its subject in the
    // request's history), then follows it once opened.
    let tracking = town.at(&format!("/tracking/{}", first.receipt["tracking_code"].as_str().unwrap()));
    let prepared = json(app.get(&tracking).await).await;
    assert_eq!(prepared["processes"], json!([]));
    assert_eq!(prepared["status"], "in_process");
    assert!(!prepared.to_string().contains("La vitesse dans la cité 5"), "{prepared}");
    let id = view["id"].as_str().unwrap();
    town.process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "open" })).await;
    let followed = json(app.get(&tracking).await).await;
    assert_eq!(followed["status"], "in_process");
    assert_eq!(followed["processes"][0]["subject"], "La vitesse dans la cité 5");
    assert_eq!(followed["processes"][0]["status"], "open");
    let entry = followed["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(entry["to"], "in_process");
    assert_eq!(entry["reason"], "Rattachée à une démarche participative en préparation.");
}

#[tokio::test]
async fn a_request_that_is_not_qualified_cannot_join_and_nothing_is_written() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let qualified = town.request().title("Qualifiée").in_status("qualified").await;
    let received = town.request().title("Reçue").submitted().await;
    let body = process_body("Une démarche", &[&qualified.id, &received.id]);
    let response = town.app.authed(Method::POST, &town.at("/processes"), &agent).json(&body).send().await.unwrap();
    let refusal = problem(response, 409).await;
    assert_eq!(refusal["rule"], "request_not_qualified");
    assert!(refusal["detail"].as_str().unwrap().contains(&received.id), "{refusal}");
    assert_eq!(town.request_status(&qualified.id).await, json!(["qualified", null]));
    let list = json(town.app.authed(Method::GET, &town.at("/processes"), &agent).send().await.unwrap()).await;
    assert_eq!(list["items"], json!([]));

    // Linking it later is refused alike; once qualified, it joins.
    let (view, etag) = town.open_process(&agent, &process_body("Une démarche", &[])).await;
    assert_eq!(view["origin"], "town_initiative");
    let id = view["id"].as_str().unwrap();
    let refused =
        town.process_call(Method::POST, &agent, id, "/requests", &etag, &json!({ "request": received.id })).await;
    assert_eq!(problem(refused, 409).await["rule"], "request_not_qualified");
    let (view, _) =
        town.process_ok(Method::POST, &agent, id, "/requests", &etag, &json!({ "request": qualified.id })).await;
    assert_eq!(view["requests"][0]["id"], json!(qualified.id));
    assert_eq!(view["origin"], "town_initiative");
    assert_eq!(town.request_status(&qualified.id).await, json!(["in_process", null]));
}

#[tokio::test]
async fn level_changes_keep_their_history_each_with_its_reason() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (view, etag) = town.open_process(&agent, &process_body("Un jardin partagé", &[])).await;
    let id = view["id"].as_str().unwrap();
    let same = town.process_call(Method::POST, &agent, id, "/level", &etag, &json!({ "level": "consultation" })).await;
    let errors = problem(same, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["level", "reason"]);
    let codes: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["same_level", "required"]);
    let (view, etag) = town
        .process_ok(
            Method::POST,
            &agent,
            id,
            "/level",
            &etag,
            &json!({ "level": "coproduction", "reason": "La concertation est devenue coproduction." }),
        )
        .await;
    let (view2, _) = town
        .process_ok(
            Method::POST,
            &agent,
            id,
            "/level",
            &etag,
            &json!({ "level": "information", "reason": "Le projet est confié aux services." }),
        )
        .await;
    assert_eq!(view["level"], "coproduction");
    let history: Vec<Value> =
        view2["level_history"].as_array().unwrap().iter().map(|h| json!([h["from"], h["to"], h["reason"]])).collect();
    assert_eq!(
        history,
        [
            json!([null, "consultation", null]),
            json!(["consultation", "coproduction", "La concertation est devenue coproduction."]),
            json!(["coproduction", "information", "Le projet est confié aux services."]),
        ]
    );
}

#[tokio::test]
async fn the_lifecycle_refuses_what_it_does_not_draw_and_decided_needs_the_decision() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (view, etag) = town.open_process(&agent, &process_body("Des bancs", &[])).await;
    let id = view["id"].as_str().unwrap();
    let skipped =
        town.process_call(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "deciding" })).await;
    assert_eq!(problem(skipped, 409).await["allowed_transitions"], json!(["open", "abandoned"]));
    let (_, etag) = town.process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "open" })).await;
    let (_, etag) =
        town.process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "deciding" })).await;
    let decided = town.process_call(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "decided" })).await;
    assert_eq!(problem(decided, 409).await["rule"], "decision_required");
    let no_reason =
        town.process_call(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "abandoned" })).await;
    assert_eq!(problem(no_reason, 422).await["errors"][0]["field"], "reason");
    let unknown =
        town.process_call(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "finished" })).await;
    assert_eq!(problem(unknown, 422).await["errors"][0]["field"], "to");
}

#[tokio::test]
async fn closing_a_decided_process_closes_its_requests_with_the_decisions_resolution() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, elected) = (town.agent().await, town.elected().await);
    let first = town.request().title("Trop de vitesse").in_status("qualified").await;
    let second = town.request().title("Un ralentisseur").in_status("qualified").await;
    let (view, etag) = town.deciding_process(&[&first.id, &second.id]).await;
    let id = view["id"].as_str().unwrap();
    let early = town.process_call(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "closed" })).await;
    problem(early, 409).await;
    let (view, etag) =
        town.process_ok(Method::PUT, &elected, id, "/decision", &etag, &decision_body("status_quo")).await;
    assert_eq!(view["status"], "decided");
    assert_eq!(view["decision"]["decided_by"], "participants");
    // The decided process takes no more requests.
    let late = town.request().title("Trop tard").in_status("qualified").await;
    let refused = town.process_call(Method::POST, &agent, id, "/requests", &etag, &json!({ "request": late.id })).await;
    assert_eq!(problem(refused, 409).await["rule"], "process_decided");

    let (view, _) = town.process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "closed" })).await;
    assert_eq!(view["status"], "closed");
    assert_eq!(town.request_status(&first.id).await, json!(["closed", "status_quo"]));
    assert_eq!(town.request_status(&second.id).await, json!(["closed", "status_quo"]));
    let tracking = town.at(&format!("/tracking/{}", first.receipt["tracking_code"].as_str().unwrap()));
    let followed = json(app.get(&tracking).await).await;
    assert_eq!(followed["resolution"], "status_quo");
    assert_eq!(followed["processes"][0]["decision"]["outcome"], "Ni stop ni ralentisseur : la rue reste telle quelle.");
    let entry = followed["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(entry["to"], "closed");
    assert!(entry["reason"].as_str().unwrap().contains("Ni stop ni ralentisseur"), "{entry}");

    // The history of the process holds every step, oldest first.
    let history =
        json(town.app.authed(Method::GET, &town.at(&format!("/processes/{id}/history")), &agent).send().await.unwrap())
            .await;
    let kinds: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["created", "request_linked", "request_linked", "transitioned", "transitioned", "decided", "transitioned"]
    );
}

#[tokio::test]
async fn abandoning_closes_the_requests_abandoned_with_the_reason_but_not_one_that_followed_another_process() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let stays = town.request().title("Reste").in_status("qualified").await;
    let leaves = town.request().title("Part").in_status("qualified").await;
    let (view, etag) = town.deciding_process(&[&stays.id, &leaves.id]).await;
    let id = view["id"].as_str().unwrap();
    // `leaves` is closed by hand, reopened, qualified again and joins another process.
    for step in [
        json!({ "to": "closed", "resolution": "done" }),
        json!({ "to": "qualifying", "reason": "Rouverte." }),
        json!({ "to": "qualified" }),
    ] {
        assert_eq!(town.transition(&agent, &leaves.id, step).await.status(), 200);
    }
    town.open_process(&agent, &process_body("Une autre démarche", &[&leaves.id])).await;

    let reason = "Plus personne ne porte le projet.";
    let (view, _) = town
        .process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "abandoned", "reason": reason }))
        .await;
    assert_eq!(view["status"], "abandoned");
    assert_eq!(town.request_status(&stays.id).await, json!(["closed", "abandoned"]));
    assert_eq!(town.request_status(&leaves.id).await, json!(["in_process", null]));
    let level = town
        .process_call(Method::POST, &agent, id, "/level", "*", &json!({ "level": "information", "reason": "x" }))
        .await;
    assert_eq!(problem(level, 409).await["rule"], "process_finished");
}

#[tokio::test]
async fn a_stale_or_missing_etag_changes_nothing() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (view, etag) = town.open_process(&agent, &process_body("Des bancs", &[])).await;
    let id = view["id"].as_str().unwrap();
    town.process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "open" })).await;
    let stale = town
        .process_call(
            Method::POST,
            &agent,
            id,
            "/level",
            &etag,
            &json!({ "level": "coproduction", "reason": "Plus tard." }),
        )
        .await;
    problem(stale, 412).await;
    let missing = town
        .app
        .authed(Method::POST, &town.at(&format!("/processes/{id}/transitions")), &agent)
        .json(&json!({ "to": "deciding" }))
        .send()
        .await
        .unwrap();
    problem(missing, 428).await;
    let view =
        json(town.app.authed(Method::GET, &town.at(&format!("/processes/{id}")), &agent).send().await.unwrap()).await;
    assert_eq!(view["level"], "consultation");
    assert_eq!(view["status"], "open");
}

#[tokio::test]
async fn only_staff_run_processes_and_only_elected_officials_record_decisions() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let other = TestTown::new(&app).await;
    let (view, etag) = town.deciding_process(&[]).await;
    let id = view["id"].as_str().unwrap();
    let body = process_body("Par un habitant", &[]);
    let inhabitant = town.inhabitant().await;
    let response = town.app.authed(Method::POST, &town.at("/processes"), &inhabitant).json(&body).send().await.unwrap();
    problem(response, 403).await;
    let anonymous = town.app.client.post(town.app.url(&town.at("/processes"))).json(&body).send().await.unwrap();
    problem(anonymous, 401).await;
    for token in [town.agent().await, inhabitant] {
        let refused = town.process_call(Method::PUT, &token, id, "/decision", &etag, &decision_body("done")).await;
        problem(refused, 403).await;
    }
    // Another town's staff find nothing, in the words of a process that does not exist.
    let stranger = other.elected().await;
    let hidden = town.process_call(Method::PUT, &stranger, id, "/decision", &etag, &decision_body("done")).await;
    let not_found = problem(hidden, 404).await;
    let missing =
        other.app.authed(Method::GET, &other.at(&format!("/processes/{id}")), &stranger).send().await.unwrap();
    assert_eq!(problem(missing, 404).await["detail"], not_found["detail"]);
    let admin = town.admin().await;
    town.process_ok(Method::PUT, &admin, id, "/decision", &etag, &decision_body("done")).await;
}

#[tokio::test]
async fn a_decision_names_its_author_as_its_kind_needs_and_every_invalid_field_at_once() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let elected = town.elected().await;
    let (view, etag) = town.deciding_process(&[]).await;
    let id = view["id"].as_str().unwrap();
    let body = json!({ "outcome": "", "decided_by": "other_authority", "decided_on": "2999-01-01", "resolution": "taken_over_by_services" });
    let refused = town.process_call(Method::PUT, &elected, id, "/decision", &etag, &body).await;
    let errors = problem(refused, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["outcome", "rationale", "decided_on", "resolution", "authority"]);
    let council = json!({
        "outcome": "Les nouveaux rythmes scolaires : option 3.", "decided_by": "municipal_council",
        "deliberation": { "number": "2026-045", "date": "2026-11-30" }, "decided_on": "2026-11-30",
        "rationale": "72 % des réponses.", "resolution": "done"
    });
    let (view, etag) = town.process_ok(Method::PUT, &elected, id, "/decision", &etag, &council).await;
    assert_eq!(view["decision"]["deliberation"], json!({ "number": "2026-045", "date": "2026-11-30" }));
    // Amended, the decision in force changes; the history keeps both.
    let amended = json!({ "outcome": "Option 3, à la rentrée suivante.", "decided_by": "elected_officials",
        "decided_on": "2026-12-01", "rationale": "Le temps de prévenir les familles.", "resolution": "done" });
    let (view, _) = town.process_ok(Method::PUT, &elected, id, "/decision", &etag, &amended).await;
    assert_eq!(view["decision"]["decided_by"], "elected_officials");
    let history = json(app.get(&town.at(&format!("/processes/{id}/history"))).await).await;
    let decisions: Vec<(&str, &str)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["decision"].is_null())
        .map(|e| (e["kind"].as_str().unwrap(), e["decision"]["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("decided", "Les nouveaux rythmes scolaires : option 3."),
            ("decision_amended", "Option 3, à la rentrée suivante.")
        ]
    );
    let garbled = town.process_call(Method::PUT, &elected, id, "/decision", "*", &json!({ "outcome": 3 })).await;
    problem(garbled, 422).await;
    let unknown = town.process_call(Method::PUT, &elected, id, "/decision", "*", &json!({ "verdict": "oui" })).await;
    assert!([400, 422].contains(&unknown.status().as_u16()));
}

#[tokio::test]
async fn every_invalid_field_of_a_new_process_is_named_at_once() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let unknown_request = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e";
    let body = json!({
        "subject": " ", "perimeter": { "kind": "neighbourhoods", "neighbourhoods": ["nowhere"] },
        "routing": { "services": ["no-such-service"] }, "requests": [unknown_request]
    });
    let response = town.app.authed(Method::POST, &town.at("/processes"), &agent).json(&body).send().await.unwrap();
    let errors = problem(response, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["subject", "description", "perimeter.neighbourhoods[0]", "level", "routing.services[0]"]);
    // Once the rest is valid, a request of no such id (or of another town) is named.
    let other = TestTown::new(&app).await;
    let elsewhere = other.request().title("Ailleurs").in_status("qualified").await;
    let response = town
        .app
        .authed(Method::POST, &town.at("/processes"), &agent)
        .json(&process_body("Une démarche", &[unknown_request, &elsewhere.id]))
        .send()
        .await
        .unwrap();
    let errors = problem(response, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["requests[0]", "requests[1]"]);
    let malformed = town
        .app
        .authed(Method::POST, &town.at("/processes"), &agent)
        .body("{")
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    problem(malformed, 400).await;
}

#[tokio::test]
async fn the_public_sees_opened_processes_only_and_no_personal_data_in_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let personal = json!({
        "kind": "complaint", "title": "Vitesse rue Lamartine", "description": "Les voitures roulent vite.",
        "requester": { "kind": "individual", "name": "Camille Secrète", "email": "camille.secrete@example.org", "phone": "0612345678" },
        "personal_data_consent": true
    });
    let published = town.request().body(personal.clone()).in_status("qualified").await;
    let private = town.request().body(personal).title("Privée").in_status("qualified").await;
    let (_, etag) = town.staff_get(&agent, &published.id).await;
    let publish = town
        .app
        .authed(Method::POST, &town.at(&format!("/requests/{}/publish", published.id)), &agent)
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(publish.status(), 200);
    let (prepared, _) = town.open_process(&agent, &process_body("En préparation", &[])).await;
    let (view, etag) = town.open_process(&agent, &process_body("Ouverte", &[&published.id, &private.id])).await;
    let id = view["id"].as_str().unwrap();
    town.process_ok(Method::POST, &agent, id, "/transitions", &etag, &json!({ "to": "open" })).await;

    let list = json(app.get(&town.at("/processes")).await).await;
    let subjects: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|p| p["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["Ouverte"]);
    let staff = json(town.app.authed(Method::GET, &town.at("/processes"), &agent).send().await.unwrap()).await;
    assert_eq!(staff["items"].as_array().unwrap().len(), 2);
    problem(app.get(&town.at(&format!("/processes/{}", prepared["id"].as_str().unwrap()))).await, 404).await;
    problem(app.get(&town.at(&format!("/processes/{}/history", prepared["id"].as_str().unwrap()))).await, 404).await;

    let public = app.get(&town.at(&format!("/processes/{id}"))).await;
    assert_eq!(public.status(), 200);
    let public = json(public).await;
    assert_eq!(public["view"], "public");
    assert!(public.get("routing").is_none());
    let linked: Vec<&str> = public["requests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(linked, [published.id.as_str()]);
    let history = json(app.get(&town.at(&format!("/processes/{id}/history"))).await).await;
    // What is ahead of the private request, and promised about it, is not public either.
    for (path, body) in [
        ("/steps", json!({ "kind": "works", "description": "Les travaux", "expected_on": "2031-01-01" })),
        (
            "/promises",
            json!({ "kind": "answer", "text": "Une réponse", "made_by": "Le maire", "due_on": "2031-01-01" }),
        ),
    ] {
        for subject in [json!({ "request": private.id }), json!({ "process": id })] {
            let mut body = body.clone();
            body.as_object_mut().unwrap().extend(subject.as_object().unwrap().clone());
            let made = town.app.authed(Method::POST, &town.at(path), &agent).json(&body).send().await.unwrap();
            assert_eq!(made.status(), 201);
        }
    }
    let steps = json(app.get(&town.at("/steps")).await).await;
    let promises = json(app.get(&town.at("/promises")).await).await;
    assert_eq!((steps["items"].as_array().unwrap().len(), promises["items"].as_array().unwrap().len()), (1, 1));
    for text in [public.to_string(), history.to_string(), list.to_string(), steps.to_string(), promises.to_string()] {
        for secret in ["Camille", "camille.secrete", "0612345678", &private.id, "\"actor\""] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[tokio::test]
async fn lists_filter_on_status_level_and_neighbourhood_and_page_with_a_cursor() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    for (subject, neighbourhood) in [("Un", "cite-5"), ("Deux", "centre-ville"), ("Trois", "cite-5")] {
        let mut body = process_body(subject, &[]);
        body["perimeter"]["neighbourhoods"] = json!([neighbourhood]);
        town.open_process(&agent, &body).await;
    }
    let mut town_wide = process_body("Quatre", &[]);
    town_wide["perimeter"] = json!({ "kind": "whole_town" });
    town_wide["level"] = json!("information");
    town.open_process(&agent, &town_wide).await;
    let subjects = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|p| p["subject"].as_str().unwrap().to_owned()).collect()
    };
    let get = |query: &str| town.app.authed(Method::GET, &town.at(&format!("/processes?{query}")), &agent).send();
    assert_eq!(subjects(&json(get("neighbourhood=cite-5").await.unwrap()).await), ["Trois", "Un"]);
    assert_eq!(subjects(&json(get("level=information").await.unwrap()).await), ["Quatre"]);
    assert_eq!(subjects(&json(get("status=open").await.unwrap()).await), Vec::<String>::new());
    let first = get("limit=3").await.unwrap();
    assert!(first.headers().get("link").is_some());
    let first = json(first).await;
    assert_eq!(subjects(&first), ["Quatre", "Trois", "Deux"]);
    let next = get(&format!("limit=3&cursor={}", first["next_cursor"].as_str().unwrap())).await.unwrap();
    let next = json(next).await;
    assert_eq!(subjects(&next), ["Un"]);
    assert!(next["next_cursor"].is_null());
    let bad = get("status=finished&level=loud").await.unwrap();
    let errors = problem(bad, 400).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["status", "level"]);
}

#[tokio::test]
async fn a_process_history_is_append_only_in_the_database_itself() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (view, _) = town.deciding_process(&[]).await;
    let path = town.at(&format!("/processes/{}/history", view["id"].as_str().unwrap()));
    let agent = town.agent().await;
    let before = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    use implication_storage::sea_orm::ConnectionTrait;
    let conn = app.db.conn();
    assert!(conn.execute_unprepared("UPDATE process_events SET reason = 'réécrit'").await.is_err());
    assert!(conn.execute_unprepared("DELETE FROM process_events").await.is_err());
    let after = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    assert_eq!(before, after);
    assert_eq!(after["items"].as_array().unwrap().len(), 3);
}

/// Closing writes the process and every request it closes in one transaction: when one of the
/// requests changed since it was read, nothing at all is written.
#[tokio::test]
async fn a_closing_whose_request_changed_meanwhile_writes_nothing_at_all() {
    use implication_domain::participation::lifecycle::{self, TransitionAsk};
    use implication_domain::requests::lifecycle::{QualificationFacts, TransitionAsk as RequestAsk, transition};
    use implication_domain::vocabulary::{ProcessStatus, RequestStatus, Resolution};
    use implication_domain::{ProcessId, RequestId, time};
    use implication_storage::participation::{self as store, ProcessWrite};
    use implication_storage::requests::RequestWrite;

    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let elected = town.elected().await;
    let first = town.request().title("Première").in_status("qualified").await;
    let second = town.request().title("Seconde").in_status("qualified").await;
    let (view, etag) = town.deciding_process(&[&first.id, &second.id]).await;
    let id = view["id"].as_str().unwrap();
    town.process_ok(Method::PUT, &elected, id, "/decision", &etag, &decision_body("done")).await;

    let municipality =
        implication_storage::identity::municipalities::find_by_slug(&app.db, &town.slug).await.unwrap().unwrap();
    let process =
        store::find(&app.db, municipality.id, ProcessId::from_uuid(id.parse().unwrap())).await.unwrap().unwrap();
    let change =
        lifecycle::transition(&process, &TransitionAsk { to: Some(ProcessStatus::Closed), reason: None }).unwrap();
    let now = time::now();
    let next = change.apply(&process, now);
    let mut closed = Vec::new();
    for (i, raw) in [&first.id, &second.id].into_iter().enumerate() {
        let request =
            implication_storage::requests::find(&app.db, municipality.id, RequestId::from_uuid(raw.parse().unwrap()))
                .await
                .unwrap()
                .unwrap();
        let ask =
            RequestAsk { to: Some(RequestStatus::Closed), resolution: Some(Resolution::Done), ..RequestAsk::default() };
        let moved = transition(request.id, request.status, ask, &QualificationFacts::default()).unwrap();
        // The second as if read before its last change.
        let expected = if i == 1 { request.version - 1 } else { request.version };
        closed.push((
            request.moved(&moved, now, municipality.settings.time_zone),
            expected,
            moved.events(request.id, implication_domain::requests::Actor::Public, now, None),
        ));
    }
    let requests = closed
        .iter()
        .map(|(request, expected, events)| RequestWrite {
            expected_version: *expected,
            request,
            events: events.clone(),
            terms: None,
            answers: Vec::new(),
            qualification: None,
        })
        .collect();
    let write = ProcessWrite {
        expected_version: Some(process.version),
        process: &next,
        events: vec![change.event(&process, implication_domain::requests::Actor::Public, now)],
        linked: Vec::new(),
        requests,
    };
    let second_id = RequestId::from_uuid(second.id.parse().unwrap());
    assert!(matches!(
        store::write(&app.db, write).await,
        Err(implication_storage::StorageError::StaleRequest(id)) if id == second_id
    ));
    let agent = town.agent().await;
    let after =
        json(app.authed(Method::GET, &town.at(&format!("/processes/{id}")), &agent).send().await.unwrap()).await;
    assert_eq!(after["status"], "decided");
    assert_eq!(town.request_status(&first.id).await, json!(["in_process", null]));
    assert_eq!(town.request_status(&second.id).await, json!(["in_process", null]));
}

/// Processes created at the same time from the same requests, listed in opposite orders: each
/// request joins one of them, the others are refused by name, and nothing deadlocks into a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_processes_over_the_same_requests_take_each_request_once() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    for round in 0..3 {
        let mut ids = Vec::new();
        for i in 0..4 {
            ids.push(town.request().title(&format!("Demande {round}-{i}")).in_status("qualified").await.id);
        }
        let forward: Vec<&str> = ids.iter().map(String::as_str).collect();
        let backward: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
        let send = |requests: Vec<&str>| {
            let body = process_body("En même temps", &requests);
            town.app.authed(Method::POST, &town.at("/processes"), &agent).json(&body).send()
        };
        let (a, b) = tokio::join!(send(forward), send(backward));
        let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
        statuses.sort_unstable();
        assert!(matches!(statuses, [201, 201] | [201, 409] | [201, 503]), "round {round}: {statuses:?}");
        let created = statuses.iter().filter(|s| **s == 201).count();
        for id in &ids {
            assert_eq!(town.request_status(id).await, json!(["in_process", null]));
            let (view, _) = town.staff_get(&agent, id).await;
            assert_eq!(view["status"], "in_process");
        }
        let list =
            json(town.app.authed(Method::GET, &town.at("/processes?limit=200"), &agent).send().await.unwrap()).await;
        let linked: usize = {
            let mut total = 0;
            for item in list["items"].as_array().unwrap() {
                let path = town.at(&format!("/processes/{}", item["id"].as_str().unwrap()));
                let view = json(town.app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
                total += view["requests"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| ids.contains(&r["id"].as_str().unwrap().to_owned()))
                    .count();
            }
            total
        };
        assert_eq!(linked, ids.len(), "round {round}: each request in one process ({created} created)");
    }
}

#[tokio::test]
async fn a_qualification_may_name_the_processes_that_handled_the_subject_before() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let other = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (earlier, _) = town.open_process(&agent, &process_body("La vitesse, déjà en 2019", &[])).await;
    let (elsewhere, _) = other.open_process(&other.agent().await, &process_body("Ailleurs", &[])).await;
    let request = town.request().title("Encore la vitesse").in_status("qualifying").await;
    let mut document = crate::fixtures::every_guard_passes();
    document["previously_handled_processes"] = json!([elsewhere["id"], "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"]);
    let refused = town.put_qualification(&agent, &request.id, &document).await;
    let errors = problem(refused, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["previously_handled_processes[0]", "previously_handled_processes[1]"]);
    assert_eq!(errors[0]["code"], "unknown_process");
    document["previously_handled_processes"] = json!([earlier["id"]]);
    let recorded = town.record_qualification(&agent, &request.id, &document).await;
    assert_eq!(recorded["document"]["previously_handled_processes"], json!([earlier["id"]]));
}

#[tokio::test]
async fn a_decision_cites_only_surveys_of_its_own_process() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, elected) = (town.agent().await, town.elected().await);
    let (view, etag) = town.deciding_process(&[]).await;
    let id = view["id"].as_str().unwrap();
    let now = chrono::Utc::now();
    let survey = json!({ "question": "Oui ou non ?", "options": [{ "title": "Oui" }, { "title": "Non" }], "eligible": 10,
        "eligible_unit": "people", "opens_at": now - chrono::Duration::hours(1), "closes_at": now + chrono::Duration::hours(1) });
    let created = town
        .app
        .authed(Method::POST, &town.at(&format!("/processes/{id}/surveys")), &agent)
        .json(&survey)
        .send()
        .await
        .unwrap();
    let survey_id = json(created).await["id"].as_str().unwrap().to_owned();
    let (other, _) = town.deciding_process(&[]).await;
    let path = town.at(&format!("/processes/{}/surveys", other["id"].as_str().unwrap()));
    let foreign =
        json(town.app.authed(Method::POST, &path, &agent).json(&survey).send().await.unwrap()).await["id"].clone();
    let mut body = decision_body("done");
    body["surveys"] = json!([foreign]);
    let refused = town.process_call(Method::PUT, &elected, id, "/decision", &etag, &body).await;
    assert_eq!(problem(refused, 422).await["errors"][0]["field"], "surveys[0]");
    body["surveys"] = json!([survey_id]);
    let (view, _) = town.process_ok(Method::PUT, &elected, id, "/decision", &etag, &body).await;
    assert_eq!(view["decision"]["surveys"], json!([survey_id]));
}

#[tokio::test]
async fn a_partners_tool_with_processes_read_follows_the_processes_of_its_associations_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (admin, agent) = (town.admin().await, town.agent().await);
    let client = |association: &str, scopes: &[&str]| {
        let body = json!({ "name": format!("Outil {association}"), "association": association, "scopes": scopes });
        let path = town.at("/clients");
        let admin = admin.clone();
        let app = &app;
        async move {
            let created = json(app.authed(Method::POST, &path, &admin).json(&body).send().await.unwrap()).await;
            app.client_login(created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap()).await
        }
    };
    let gardeners = client("Les Jardiniers", &["requests:write", "processes:read"]).await;
    let others = client("Les Cyclistes", &["processes:read"]).await;
    // A request the gardeners' tool submitted, qualified and taken into a process in preparation.
    let submitted = town.request().by(&gardeners).submitted().await;
    for step in [json!({ "to": "qualifying" })] {
        assert_eq!(town.transition(&agent, &submitted.id, step).await.status(), 200);
    }
    town.record_qualification(&agent, &submitted.id, &crate::fixtures::every_guard_passes()).await;
    assert_eq!(town.transition(&agent, &submitted.id, json!({ "to": "qualified" })).await.status(), 200);
    let (view, _) = town.open_process(&agent, &process_body("Un verger partagé", &[&submitted.id])).await;
    let id = view["id"].as_str().unwrap();

    let read = |token: Option<String>, path: String| {
        let app = &app;
        async move {
            let mut call = app.client.get(app.url(&path));
            if let Some(token) = token {
                call = call.bearer_auth(token);
            }
            call.send().await.unwrap()
        }
    };
    let mine = read(Some(gardeners.clone()), town.at(&format!("/processes/{id}"))).await;
    assert_eq!(mine.status(), 200);
    let mine = json(mine).await;
    assert_eq!(mine["view"], "public");
    assert_eq!(mine["status"], "preparing");
    assert!(mine.get("routing").is_none());
    let listed = json(read(Some(gardeners.clone()), town.at("/processes")).await).await;
    assert_eq!(listed["items"][0]["id"], json!(id));
    assert_eq!(read(Some(gardeners), town.at(&format!("/processes/{id}/history"))).await.status(), 200);
    for stranger in [Some(others), None] {
        problem(read(stranger.clone(), town.at(&format!("/processes/{id}"))).await, 404).await;
        assert!(json(read(stranger, town.at("/processes")).await).await["items"].as_array().unwrap().is_empty());
    }
}
