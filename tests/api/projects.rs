//! Fifty-fifty projects over HTTP: starting one from eligible requests or a coproduction process,
//! the diagnostic and the risks that hold a heavy project back, the lifecycle and what ending it
//! does to its requests, who may do what, and what the public sees.

use crate::fixtures::{TestTown, WORKS_DELEGATION, WORKS_SERVICE, every_guard_passes};
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

fn project_body(title: &str, requests: &[&str]) -> Value {
    json!({ "title": title, "requests": requests })
}

/// The football shelters' diagnostic: heavy, with an open heritage risk and a resolved one.
fn heavy_with_open_risk() -> Value {
    json!({
        "weight": "heavy",
        "tasks": [{ "text": "Couler une dalle de béton", "by": "Le club" }, { "text": "Monter les abris" }],
        "estimated_cost_cents": 1_800_000,
        "risks": [
            { "kind": "insurance", "description": "Les statuts du club couvrent-ils des travaux ?",
              "resolution": { "how": "Statuts modifiés en assemblée générale.", "by": "Le club", "on": "2018-03-01" } },
            { "kind": "heritage", "description": "La place Mirabeau est classée au patrimoine mondial de l'UNESCO." }
        ]
    })
}

impl TestTown<'_> {
    /// Starts a project (asserting a 201) and returns its staff view and ETag.
    async fn start_project(&self, token: &str, body: &Value) -> (Value, String) {
        let response = self.app.authed(Method::POST, &self.at("/projects"), token).json(body).send().await.unwrap();
        let status = response.status();
        let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
        let view = json(response).await;
        assert_eq!(status, 201, "project refused: {view}");
        assert_eq!(location, Some(self.at(&format!("/projects/{}", view["id"].as_str().unwrap()))));
        (view, etag)
    }

    async fn post_project(&self, token: &str, body: &Value) -> reqwest::Response {
        self.app.authed(Method::POST, &self.at("/projects"), token).json(body).send().await.unwrap()
    }

    /// Sends `body` to a project's `action` with `If-Match: etag`.
    async fn project_call(
        &self,
        method: Method,
        id: &str,
        action: &str,
        etag: &str,
        body: &Value,
    ) -> reqwest::Response {
        let agent = self.agent().await;
        self.app
            .authed(method, &self.at(&format!("/projects/{id}{action}")), &agent)
            .header("If-Match", etag)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// The same, asserting a 200; returns the view and its new ETag.
    async fn project_ok(&self, method: Method, id: &str, action: &str, etag: &str, body: &Value) -> (Value, String) {
        let response = self.project_call(method, id, action, etag, body).await;
        let status = response.status();
        let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let view = json(response).await;
        assert_eq!(status, 200, "{action} refused: {view}");
        (view, etag)
    }

    /// A request qualified with this qualification document (not necessarily eligible).
    async fn qualified_with(&self, title: &str, document: &Value) -> String {
        let agent = self.agent().await;
        let request = self.request().title(title).in_status("qualifying").await;
        self.record_qualification(&agent, &request.id, document).await;
        let response = self.transition(&agent, &request.id, json!({ "to": "qualified" })).await;
        assert_eq!(response.status(), 200, "qualified");
        request.id
    }

    async fn request_state(&self, id: &str) -> Value {
        let agent = self.agent().await;
        let (view, _) = self.staff_get(&agent, id).await;
        json!([view["status"], view["resolution"]])
    }
}

#[tokio::test]
async fn a_project_started_from_eligible_requests_moves_them_in_fifty_fifty_and_stays_private_while_diagnosed() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let first = town.request().title("Des abris pour les joueurs").in_status("qualified").await;
    let second = town.request().title("Les joueurs sous la pluie").in_status("qualified").await;
    let (view, etag) = town.start_project(&agent, &project_body("Abris de touche", &[&first.id, &second.id])).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(view["status"], "diagnosing");
    assert_eq!(view["public"], false);
    assert_eq!(view["allowed_transitions"], json!(["drafting", "abandoned", "taken_over_by_services"]));
    assert_eq!(view["diagnostic"]["ready_for_signature"], false);
    let statuses: Vec<&Value> = view["requests"].as_array().unwrap().iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!("in_fifty_fifty"), &json!("in_fifty_fifty")]);
    assert_eq!(town.request_state(&first.id).await, json!(["in_fifty_fifty", null]));
    let id = view["id"].as_str().unwrap();

    // Nobody but staff sees it while it is diagnosed.
    problem(app.get(&town.at(&format!("/projects/{id}"))).await, 404).await;
    let listed = json(app.get(&town.at("/projects")).await).await;
    assert_eq!(listed["items"], json!([]));
    let staff_list = json(app.authed(Method::GET, &town.at("/projects"), &agent).send().await.unwrap()).await;
    assert_eq!(staff_list["items"][0]["id"], id);

    // Its history says it started, and from which requests.
    let history =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{id}/history")), &agent).send().await.unwrap()).await;
    let kinds: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "request_linked", "request_linked"]);
    problem(app.get(&town.at(&format!("/projects/{id}/history"))).await, 401).await;
}

#[tokio::test]
async fn a_request_whose_prerequisites_do_not_all_hold_starts_no_project_and_nothing_is_written() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let eligible = town.request().title("Des bacs à fleurs").in_status("qualified").await;
    let mut document = every_guard_passes();
    document["fifty_fifty_eligibility"]["public_domain"] = json!({ "holds": false, "justification": "Terrain privé." });
    let not_eligible = town.qualified_with("Un jardin privé", &document).await;
    let body = project_body("Fleurissement", &[&eligible.id, &not_eligible]);
    let refused = problem(town.post_project(&agent, &body).await, 409).await;
    assert_eq!(refused["rule"], "not_eligible_for_fifty_fifty", "{refused}");
    let lacking: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|l| l["field"].as_str().unwrap()).collect();
    assert!(lacking.contains(&"requests[1].fifty_fifty_eligibility.public_domain"), "{refused}");
    assert_eq!(refused["allowed_transitions"], json!([]), "the request's own statuses are not the project's");
    // Neither request moved, and no project exists.
    assert_eq!(town.request_state(&eligible.id).await, json!(["qualified", null]));
    assert_eq!(town.request_state(&not_eligible).await, json!(["qualified", null]));
    let listed = json(app.authed(Method::GET, &town.at("/projects"), &agent).send().await.unwrap()).await;
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test]
async fn a_request_not_qualified_or_already_in_a_project_starts_no_other() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let received = town.request().title("Une idée").submitted().await;
    let refused = problem(town.post_project(&agent, &project_body("Projet", &[&received.id])).await, 409).await;
    assert_eq!(refused["rule"], "request_not_available", "{refused}");

    let taken = town.request().title("Des abris").in_status("qualified").await;
    town.start_project(&agent, &project_body("Abris", &[&taken.id])).await;
    let refused = problem(town.post_project(&agent, &project_body("Abris bis", &[&taken.id])).await, 409).await;
    assert_eq!(refused["rule"], "request_not_available", "{refused}");

    // A request moved to `in_fifty_fifty` by hand, in no project, is taken as it is.
    let by_hand = town.request().title("Un skatepark").in_status("in_fifty_fifty").await;
    let (view, _) = town.start_project(&agent, &project_body("Skatepark", &[&by_hand.id])).await;
    assert_eq!(view["requests"][0]["status"], "in_fifty_fifty");
}

#[tokio::test]
async fn a_project_comes_from_a_process_only_at_the_coproduction_level_and_takes_its_routing() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let process = json!({
        "subject": "Les chemins ruraux",
        "description": "Les chemins agricoles se dégradent.",
        "level": "consultation",
        "routing": { "delegation": WORKS_DELEGATION, "services": [WORKS_SERVICE] },
    });
    let response = app.authed(Method::POST, &town.at("/processes"), &agent).json(&process).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let created = json(response).await;
    let process_id = created["id"].as_str().unwrap();
    let from_process = json!({ "title": "Rénovation des chemins ruraux 2018", "process": process_id });
    let refused = problem(town.post_project(&agent, &from_process).await, 409).await;
    assert_eq!(refused["rule"], "not_coproduction", "{refused}");

    let level = json!({ "level": "coproduction", "reason": "Les agriculteurs proposent de faire les travaux." });
    let response = app
        .authed(Method::POST, &town.at(&format!("/processes/{process_id}/level")), &agent)
        .header("If-Match", etag)
        .json(&level)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (view, _) = town.start_project(&agent, &from_process).await;
    assert_eq!(view["process"], process_id);
    assert_eq!(view["routing"], json!({ "delegation": WORKS_DELEGATION, "services": [WORKS_SERVICE] }));
    assert_eq!(view["requests"], json!([]));
}

#[tokio::test]
async fn every_invalid_field_of_a_new_project_is_named_at_once() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let refused = problem(town.post_project(&agent, &json!({})).await, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "requests"]);

    let unknown = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e";
    let body = json!({
        "title": " ",
        "requests": [unknown],
        "process": unknown,
        "carriers": [{ "kind": "association" }],
        "routing": { "delegation": "nulle-part" },
    });
    let refused = problem(town.post_project(&agent, &body).await, 422).await;
    let mut fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["carriers[0].name", "process", "requests[0]", "routing.delegation", "title"]);
    let malformed = problem(town.post_project(&agent, &json!({ "title": "x", "carriers": "AFR" })).await, 422).await;
    assert_eq!(malformed["errors"][0]["field"], "carriers", "{malformed}");
}

#[tokio::test]
async fn the_diagnostic_needs_if_match_names_every_invalid_field_and_says_when_a_heavy_project_is_ready() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().title("Des abris").in_status("qualified").await;
    let (view, etag) = town.start_project(&agent, &project_body("Abris de touche", &[&request.id])).await;
    let id = view["id"].as_str().unwrap();
    let path = town.at(&format!("/projects/{id}/diagnostic"));

    let without = app.authed(Method::PUT, &path, &agent).json(&heavy_with_open_risk()).send().await.unwrap();
    problem(without, 428).await;
    problem(town.project_call(Method::PUT, id, "/diagnostic", "\"7\"", &heavy_with_open_risk()).await, 412).await;

    let (view, etag) = town.project_ok(Method::PUT, id, "/diagnostic", &etag, &heavy_with_open_risk()).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(view["diagnostic"]["weight"], "heavy");
    assert_eq!(view["diagnostic"]["risks"][0]["open"], false);
    assert_eq!(view["diagnostic"]["risks"][1]["open"], true);
    assert_eq!(view["diagnostic"]["ready_for_signature"], false);

    // The same document again writes nothing.
    let (_, same) = town.project_ok(Method::PUT, id, "/diagnostic", &etag, &heavy_with_open_risk()).await;
    assert_eq!(same, etag);

    let mut resolved = heavy_with_open_risk();
    resolved["risks"][1]["resolution"] =
        json!({ "how": "Avis favorable de l'architecte des bâtiments de France.", "by": "ABF" });
    let (view, _) = town.project_ok(Method::PUT, id, "/diagnostic", &etag, &resolved).await;
    assert_eq!(view["diagnostic"]["ready_for_signature"], true);
    assert!(view["diagnostic"]["risks"][1]["resolution"]["on"].is_string(), "dated today by default");

    let invalid = json!({
        "weight": "heavy",
        "tasks": [{ "by": "Le club" }],
        "estimated_cost_cents": -5,
        "risks": [{ "kind": "heritage", "description": "x", "resolution": { "how": "x", "by": "y", "on": "2999-01-01" } }],
    });
    let refused = problem(town.project_call(Method::PUT, id, "/diagnostic", "*", &invalid).await, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["tasks[0].text", "risks[0].resolution.on", "estimated_cost_cents"]);
}

#[tokio::test]
async fn drafting_needs_the_diagnostic_and_signing_follows_the_convention() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().title("Repeindre les vestiaires").in_status("qualified").await;
    let (view, etag) = town.start_project(&agent, &project_body("Vestiaires repeints", &[&request.id])).await;
    let id = view["id"].as_str().unwrap();

    let refused =
        problem(town.project_call(Method::POST, id, "/transitions", &etag, &json!({ "to": "drafting" })).await, 409)
            .await;
    assert_eq!(refused["rule"], "diagnostic_incomplete", "{refused}");
    let lacking: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|l| l["field"].as_str().unwrap()).collect();
    assert_eq!(lacking, ["diagnostic.weight", "diagnostic.tasks"]);

    let light =
        json!({ "weight": "light", "tasks": [{ "text": "Repeindre les vestiaires", "by": "Les footballeurs" }] });
    let (_, etag) = town.project_ok(Method::PUT, id, "/diagnostic", &etag, &light).await;
    let (view, etag) = town.project_ok(Method::POST, id, "/transitions", &etag, &json!({ "to": "drafting" })).await;
    assert_eq!(view["status"], "drafting");
    for to in ["signing", "running"] {
        let refused =
            problem(town.project_call(Method::POST, id, "/transitions", &etag, &json!({ "to": to })).await, 409).await;
        assert_eq!(refused["rule"], "convention_moves_it", "{refused}");
    }
    let refused =
        problem(town.project_call(Method::POST, id, "/transitions", &etag, &json!({ "to": "completed" })).await, 409)
            .await;
    assert_eq!(
        refused["allowed_transitions"],
        json!(["diagnosing", "abandoned", "taken_over_by_services"]),
        "{refused}"
    );
    // While the convention is drafted, the diagnostic keeps its weight and tasks.
    let undone = town.project_call(Method::PUT, id, "/diagnostic", &etag, &json!({ "weight": "light" })).await;
    let refused = problem(undone, 409).await;
    assert_eq!(refused["rule"], "diagnostic_incomplete", "{refused}");
    assert_eq!(refused["errors"][0]["field"], "diagnostic.tasks");
    let (view, _) = town.project_ok(Method::POST, id, "/transitions", &etag, &json!({ "to": "diagnosing" })).await;
    assert_eq!(view["status"], "diagnosing");
}

#[tokio::test]
async fn a_heavy_project_taken_over_by_the_services_closes_its_requests_and_its_outcome_becomes_public() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().title("Des abris pour les joueurs").in_status("qualified").await;
    let body = json!({
        "title": "Abris de touche du stade Mirabeau",
        "requests": [request.id],
        "carriers": [
            { "kind": "association", "name": "Club de football de la Rivelaine", "interest": "Des abris" },
            { "kind": "individual", "name": "Jeanne Entraîneuse" }
        ],
    });
    let (view, etag) = town.start_project(&agent, &body).await;
    let id = view["id"].as_str().unwrap();
    let (_, etag) = town.project_ok(Method::PUT, id, "/diagnostic", &etag, &heavy_with_open_risk()).await;

    let without_reason = json!({ "to": "taken_over_by_services" });
    let refused = problem(town.project_call(Method::POST, id, "/transitions", &etag, &without_reason).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "reason");
    let over =
        json!({ "to": "taken_over_by_services", "reason": "Site classé : la commune construit les abris elle-même." });
    let (view, etag) = town.project_ok(Method::POST, id, "/transitions", &etag, &over).await;
    assert_eq!(view["status"], "taken_over_by_services");
    assert_eq!(view["ending"]["outcome"], "taken_over_by_services");
    assert_eq!(view["allowed_transitions"], json!([]));
    assert_eq!(town.request_state(&request.id).await, json!(["closed", "taken_over_by_services"]));

    // Its outcome is public: the club by name, the person never, no risk nor cost.
    let public = json(app.get(&town.at(&format!("/projects/{id}"))).await).await;
    assert_eq!(public["view"], "public");
    assert_eq!(public["ending"]["outcome"], "taken_over_by_services");
    assert_eq!(
        public["carriers"],
        json!([{ "kind": "association", "name": "Club de football de la Rivelaine" }, { "kind": "individual", "name": null }])
    );
    let text = public.to_string();
    assert!(!text.contains("Jeanne"), "{text}");
    assert!(public.get("diagnostic").is_none() && public.get("routing").is_none(), "{text}");
    let listed = json(app.get(&town.at("/projects")).await).await;
    assert_eq!(listed["items"][0]["id"], id);

    // An ended project changes no more.
    let again = town.project_call(Method::PUT, id, "/diagnostic", &etag, &heavy_with_open_risk()).await;
    assert_eq!(problem(again, 409).await["rule"], "project_finished");
    let again = town.project_call(Method::POST, id, "/transitions", &etag, &json!({ "to": "drafting" })).await;
    assert_eq!(problem(again, 409).await["rule"], "project_finished");
}

#[tokio::test]
async fn abandoning_a_project_says_what_was_learnt_and_closes_its_requests_abandoned() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().title("Un club house").in_status("qualified").await;
    let (view, etag) = town.start_project(&agent, &project_body("Club house", &[&request.id])).await;
    let id = view["id"].as_str().unwrap();
    let bare = json!({ "to": "abandoned", "reason": "Le projet n'a pas abouti." });
    let refused = problem(town.project_call(Method::POST, id, "/transitions", &etag, &bare).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "learnt");
    let full = json!({ "to": "abandoned", "reason": "Le projet n'a pas abouti.", "learnt": "S'être battus ensemble." });
    let (view, _) = town.project_ok(Method::POST, id, "/transitions", &etag, &full).await;
    assert_eq!(view["ending"]["learnt"], "S'être battus ensemble.");
    assert_eq!(town.request_state(&request.id).await, json!(["closed", "abandoned"]));

    // Reopened and qualified again, the request starts another project: the ended one holds it no more.
    for to in ["qualifying", "qualified"] {
        let response = town
            .transition(&agent, &request.id, json!({ "to": to, "reason": "Le club revient avec un autre projet." }))
            .await;
        assert_eq!(response.status(), 200, "{to}");
    }
    let (again, _) = town.start_project(&agent, &project_body("Club house, deuxième essai", &[&request.id])).await;
    assert_eq!(again["requests"][0]["status"], "in_fifty_fifty");
}

#[tokio::test]
async fn only_staff_start_and_change_projects_and_another_town_sees_none_of_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let other = TestTown::new(&app).await;
    let agent = town.agent().await;
    let request = town.request().title("Des abris").in_status("qualified").await;
    let body = project_body("Abris", &[&request.id]);
    let inhabitant = town.inhabitant().await;
    problem(town.post_project(&inhabitant, &body).await, 403).await;
    problem(app.client.post(app.url(&town.at("/projects"))).json(&body).send().await.unwrap(), 401).await;
    let (view, etag) = town.start_project(&agent, &body).await;
    let id = view["id"].as_str().unwrap();
    let diagnostic = json!({ "weight": "light", "tasks": [{ "text": "Peindre" }] });
    let as_inhabitant = app
        .authed(Method::PUT, &town.at(&format!("/projects/{id}/diagnostic")), &inhabitant)
        .header("If-Match", &etag)
        .json(&diagnostic)
        .send()
        .await
        .unwrap();
    problem(as_inhabitant, 403).await;

    // Another town's staff, asking at their own town or at this one, learn nothing.
    let stranger = other.agent().await;
    let at_theirs = app.authed(Method::GET, &other.at(&format!("/projects/{id}")), &stranger).send().await.unwrap();
    problem(at_theirs, 404).await;
    let at_ours = app.authed(Method::GET, &town.at(&format!("/projects/{id}")), &stranger).send().await.unwrap();
    assert!(matches!(at_ours.status().as_u16(), 403 | 404), "{}", at_ours.status());
    // Nor start a project from this town's request.
    let refused = problem(other.post_project(&stranger, &body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "requests[0]");
    // A made-up id is a 404.
    problem(app.get(&town.at("/projects/not-an-id")).await, 404).await;
}

#[tokio::test]
async fn the_project_list_filters_by_status_process_and_request() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let first = town.request().title("Des abris").in_status("qualified").await;
    let second = town.request().title("Des fleurs").in_status("qualified").await;
    let (a, _) = town.start_project(&agent, &project_body("Abris", &[&first.id])).await;
    let (b, etag) = town.start_project(&agent, &project_body("Fleurs", &[&second.id])).await;
    let b_id = b["id"].as_str().unwrap();
    let diagnostic = json!({ "weight": "light", "tasks": [{ "text": "Planter" }] });
    let (_, etag) = town.project_ok(Method::PUT, b_id, "/diagnostic", &etag, &diagnostic).await;
    town.project_ok(Method::POST, b_id, "/transitions", &etag, &json!({ "to": "drafting" })).await;
    let get = |query: &str| {
        let url = town.at(&format!("/projects{query}"));
        let agent = agent.clone();
        let app = &app;
        async move { json(app.authed(Method::GET, &url, &agent).send().await.unwrap()).await }
    };
    let drafting = get("?status=drafting").await;
    assert_eq!(drafting["items"].as_array().unwrap().len(), 1);
    assert_eq!(drafting["items"][0]["id"], b_id);
    let by_request = get(&format!("?request={}", first.id)).await;
    assert_eq!(by_request["items"][0]["id"], a["id"]);
    assert_eq!(by_request["items"].as_array().unwrap().len(), 1);
    let paged = get("?limit=1").await;
    assert_eq!(paged["items"][0]["id"], b_id, "newest first");
    let cursor = paged["next_cursor"].as_str().unwrap();
    let next = get(&format!("?limit=1&cursor={cursor}")).await;
    assert_eq!(next["items"][0]["id"], a["id"]);
    let bad = app.authed(Method::GET, &town.at("/projects?status=nowhere&process=x"), &agent).send().await.unwrap();
    let refused = problem(bad, 400).await;
    assert_eq!(refused["errors"].as_array().unwrap().len(), 2, "{refused}");
}

#[tokio::test]
async fn a_requesters_name_never_becomes_a_carrier_even_when_the_requester_is_an_association() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let personal = json!({
        "kind": "idea", "title": "Des abris pour le club", "description": "Le club construirait des abris.",
        "requester": { "kind": "association", "name": "Camille Secrète", "email": "camille.secrete@example.org" },
        "personal_data_consent": true
    });
    let request = town.request().body(personal).in_status("qualified").await;
    let (view, etag) = town.start_project(&agent, &project_body("Abris", &[&request.id])).await;
    assert_eq!(view["carriers"], json!([]), "{view}");
    let id = view["id"].as_str().unwrap();
    let over = json!({ "to": "taken_over_by_services", "reason": "La commune construit les abris." });
    town.project_ok(Method::POST, id, "/transitions", &etag, &over).await;
    let public = json(app.get(&town.at(&format!("/projects/{id}"))).await).await.to_string();
    assert!(!public.contains("Camille") && !public.contains("example.org"), "{public}");
}
