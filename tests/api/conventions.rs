//! Fifty-fifty conventions over HTTP: drafting one for a project, the rules that hold it back
//! from signature, attestations, signatures (the rightful signatory, insurance first, the hash of
//! the version open, once per party), the frozen text and its amendments, and what the public
//! reads.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// A call with `If-Match: etag`, answering the status, body and new ETag.
async fn call(
    town: &TestTown<'_>,
    token: &str,
    method: Method,
    path: &str,
    etag: &str,
    body: &Value,
) -> (u16, Value, String) {
    let response =
        town.app.authed(method, &town.at(path), token).header("If-Match", etag).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, json(response).await, etag)
}

/// The same, asserting `expected`.
async fn expect(
    town: &TestTown<'_>,
    token: &str,
    method: Method,
    path: &str,
    etag: &str,
    body: &Value,
    expected: u16,
) -> (Value, String) {
    let (status, view, etag) = call(town, token, method, path, etag, body).await;
    assert_eq!(status, expected, "{path}: {view}");
    (view, etag)
}

/// A project of this town brought to `drafting` with a diagnostic of this weight; its id and ETag.
async fn drafting_project(town: &TestTown<'_>, weight: &str) -> (String, String) {
    let agent = town.agent().await;
    let request = town.request().title("Rénover les chemins ruraux").in_status("qualified").await;
    let body = json!({ "title": "Rénovation des chemins ruraux 2018", "requests": [request.id] });
    let response = town.app.authed(Method::POST, &town.at("/projects"), &agent).json(&body).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let id = json(response).await["id"].as_str().unwrap().to_owned();
    let diagnostic =
        json!({ "weight": weight, "tasks": [{ "text": "Surfaçage gravillonné", "by": "Les agriculteurs" }] });
    let (_, etag) =
        expect(town, &agent, Method::PUT, &format!("/projects/{id}/diagnostic"), &etag, &diagnostic, 200).await;
    let (_, etag) = expect(
        town,
        &agent,
        Method::POST,
        &format!("/projects/{id}/transitions"),
        &etag,
        &json!({ "to": "drafting" }),
        200,
    )
    .await;
    (id, etag)
}

fn rural_paths(farmer: &str) -> Value {
    json!({
        "title": "Convention fifty-fifty tripartite pour la rénovation des voies communales et des chemins de l'AFR à usage agricole",
        "context": "Il est constaté que les chemins agricoles se dégradent fortement, essentiellement par l'usage des engins agricoles.",
        "purpose": "Rénover ces chemins sur le principe du fifty-fifty.",
        "works": "Reprise des fonds de forme et surfaçage gravillonné et compacté.",
        "starts_on": "2018-06-04", "ends_on": "2018-06-15",
        "parties": [
            { "kind": "municipality", "name": "Commune de Loos-en-Gohelle",
              "representative": { "name": "Le maire", "capacity": "Maire" },
              "commitments": [
                  { "kind": "funding", "description": "Acquisition des matériaux", "amount_cents": 1_250_000 },
                  { "kind": "staff_time", "description": "Coordination par les services techniques" }] },
            { "kind": "association", "name": "Association foncière de remembrement",
              "representative": { "name": "Le président", "capacity": "Président" },
              "commitments": [{ "kind": "funding", "description": "Location des engins", "amount_cents": 1_250_000 }] },
            { "kind": "individual", "name": "Paul Cultivateur", "account": farmer,
              "commitments": [{ "kind": "equipment_with_driver", "description": "Un tracteur et une benne avec chauffeur" }] }
        ]
    })
}

fn insurance(statutes: Option<bool>) -> Value {
    let mut body = json!({ "equipment": true, "bodily_injury": true, "civil_liability": true,
        "insurer": "Assureur Secret", "policy_number": "POLICE-123" });
    if let Some(statutes) = statutes {
        body["statutes_allow_work"] = json!(statutes);
    }
    body
}

#[tokio::test]
async fn the_rural_paths_convention_is_drafted_attested_signed_by_its_three_parties_and_amended() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, elected, farmer) = (town.agent().await, town.elected().await, town.inhabitant().await);
    let farmer_id =
        json(app.authed(Method::GET, "/v1/me", &farmer).send().await.unwrap()).await["id"].as_str().unwrap().to_owned();
    let (project, project_etag) = drafting_project(&town, "heavy").await;

    // Drafted with a title only: the clauses are annex A3's articles 4 to 7.
    let response = app
        .authed(Method::POST, &town.at(&format!("/projects/{project}/convention")), &agent)
        .header("If-Match", &project_etag)
        .json(&json!({ "title": "Convention des chemins ruraux" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let view = json(response).await;
    let id = view["id"].as_str().unwrap().to_owned();
    assert_eq!(location, town.at(&format!("/conventions/{id}")));
    assert_eq!(view["status"], "draft");
    assert_eq!(view["text"]["clauses"].as_array().unwrap().len(), 4);
    assert_eq!(view["text"]["clauses"][3]["title"], "Caducité de la convention");
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");

    // A second one for the same project is refused.
    let (_, project_view) = {
        let response = app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &agent).send().await.unwrap();
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        (json(response).await, etag)
    };
    let (status, refused, _) = call(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{project}/convention"),
        &project_view,
        &json!({ "title": "Bis" }),
    )
    .await;
    assert_eq!((status, refused["rule"].as_str()), (409, Some("convention_exists")), "{refused}");

    // Incomplete, it does not open.
    let open = json!({ "to": "open_for_signature" });
    let (refused, _) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &open, 409).await;
    assert_eq!(refused["rule"], "convention_incomplete", "{refused}");

    let (view, etag) = expect(&town, &agent, Method::PUT, &at(""), &etag, &rural_paths(&farmer_id), 200).await;
    assert_eq!(view["current_version"], 1, "a draft is changed in place");
    let parties: Vec<String> =
        view["text"]["parties"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    let (town_party, afr, farm) = (&parties[0], &parties[1], &parties[2]);

    // Heavy work: the volunteers' cover, then the association's statutes, before signature.
    let (refused, _) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &open, 409).await;
    assert_eq!(refused["rule"], "volunteers_not_covered", "{refused}");
    let cover = json!({ "how": "Une assurance accident pour chaque bénévole du chantier, partie ou non." });
    let (_, etag) = expect(&town, &agent, Method::PUT, &at("/volunteers-cover"), &etag, &cover, 200).await;
    let (refused, _) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &open, 409).await;
    assert_eq!(refused["rule"], "statutes_not_attested", "{refused}");
    assert_eq!(refused["errors"][0]["field"], "parties[1].insurance.statutes_allow_work");
    let (_, etag) = expect(
        &town,
        &agent,
        Method::PUT,
        &at(&format!("/parties/{afr}/insurance")),
        &etag,
        &insurance(Some(true)),
        200,
    )
    .await;
    let (view, etag) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &open, 200).await;
    assert_eq!(view["status"], "open_for_signature");
    let hash = view["text"]["content_hash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 64);
    let project_now =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &agent).send().await.unwrap()).await;
    assert_eq!(project_now["status"], "signing");

    // The farmer signs by his own account: insurance first, the hash he read, once.
    let farmer_signs = json!({ "party": farm, "content_hash": hash });
    let (refused, _) = expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &farmer_signs, 409).await;
    assert_eq!(refused["rule"], "insurance_not_attested", "{refused}");
    let (_, etag) =
        expect(&town, &agent, Method::PUT, &at(&format!("/parties/{farm}/insurance")), &etag, &insurance(None), 200)
            .await;
    let stale = json!({ "party": farm, "content_hash": "0".repeat(64) });
    let (refused, _) = expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &stale, 409).await;
    assert_eq!(refused["rule"], "stale_hash", "{refused}");
    let (_, etag) = expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &farmer_signs, 200).await;
    let (refused, _) = expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &farmer_signs, 409).await;
    assert_eq!(refused["rule"], "already_signed", "{refused}");
    // The farmer may not sign for the association; staff record its paper original with the scan.
    let for_afr = json!({ "party": afr, "content_hash": hash });
    expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &for_afr, 403).await;
    expect(&town, &agent, Method::POST, &at("/signatures"), &etag, &for_afr, 403).await;
    let paper = json!({ "party": afr, "content_hash": hash, "scan_sha256": "9".repeat(64), "signed_on": "2018-05-28" });
    let (_, etag) = expect(&town, &agent, Method::POST, &at("/signatures"), &etag, &paper, 200).await;
    // The municipality signs by the mayor only.
    let (_, etag) = expect(
        &town,
        &agent,
        Method::PUT,
        &at(&format!("/parties/{town_party}/insurance")),
        &etag,
        &insurance(None),
        200,
    )
    .await;
    let for_town = json!({ "party": town_party, "content_hash": hash });
    expect(&town, &agent, Method::POST, &at("/signatures"), &etag, &for_town, 403).await;
    let (view, etag) = expect(&town, &elected, Method::POST, &at("/signatures"), &etag, &for_town, 200).await;
    assert_eq!(view["status"], "active", "signed, and its period (2018) has begun");
    assert_eq!(view["signed_version"], 1);
    assert_eq!(view["signatures"].as_array().unwrap().len(), 3);
    let project_now =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &agent).send().await.unwrap()).await;
    assert_eq!(project_now["status"], "running");

    // The public reads the signed convention: no insurer, policy, account, nor the farmer's name.
    let public = json(app.get(&town.at(&at(""))).await).await;
    assert_eq!(public["view"], "public");
    assert_eq!(public["content_hash"], hash);
    let text = public.to_string();
    for secret in ["Assureur Secret", "POLICE-123", farmer_id.as_str(), "Paul Cultivateur"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(public["parties"][1]["name"], "Association foncière de remembrement");
    assert_eq!(public["parties"][2]["name"], Value::Null);

    // An amendment after signature: version 2, in draft, signed again; version 1 stays in force.
    let mut amended = rural_paths(&farmer_id);
    for (i, party) in parties.iter().enumerate() {
        amended["parties"][i]["id"] = json!(party);
    }
    amended["ends_on"] = json!("2018-06-22");
    let (view, etag) = expect(&town, &agent, Method::PUT, &at(""), &etag, &amended, 200).await;
    assert_eq!((view["current_version"].as_i64(), view["signed_version"].as_i64()), (Some(2), Some(1)));
    assert_eq!(view["status"], "draft");
    assert_eq!(view["text"]["parties"][0]["signed"], false, "an amendment is signed again");
    assert_eq!(view["versions"].as_array().unwrap().len(), 2);
    let public = json(app.get(&town.at(&at(""))).await).await;
    assert_eq!((public["number"].as_i64(), public["ends_on"].as_str()), (Some(1), Some("2018-06-15")));
    problem(app.get(&town.at(&at("/versions/2"))).await, 404).await;
    let first = json(app.get(&town.at(&at("/versions/1"))).await).await;
    assert_eq!(first["content_hash"], hash);
    let (view, etag) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &open, 200).await;
    let second_hash = view["text"]["content_hash"].as_str().unwrap().to_owned();
    assert_ne!(second_hash, hash);
    let (refused, _) = expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &farmer_signs, 409).await;
    assert_eq!(refused["rule"], "stale_hash", "the first version's hash signs the second no more");
    let project_now = json(app.get(&town.at(&format!("/projects/{project}"))).await).await;
    assert_eq!(project_now["status"], "running", "the signed version stays in force");
}

#[tokio::test]
async fn a_heavy_project_with_an_open_risk_cannot_open_its_convention_for_signature() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let farmer = town.inhabitant().await;
    let farmer_id =
        json(app.authed(Method::GET, "/v1/me", &farmer).send().await.unwrap()).await["id"].as_str().unwrap().to_owned();
    let (project, etag) = drafting_project(&town, "heavy").await;
    let risky = json!({ "weight": "heavy", "tasks": [{ "text": "Surfaçage gravillonné" }],
        "risks": [{ "kind": "participant_safety", "description": "Des engins de chantier conduits par des bénévoles." }] });
    let (_, etag) =
        expect(&town, &agent, Method::PUT, &format!("/projects/{project}/diagnostic"), &etag, &risky, 200).await;
    let (view, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{project}/convention"),
        &etag,
        &rural_paths(&farmer_id),
        201,
    )
    .await;
    let id = view["id"].as_str().unwrap();
    let etag = format!("\"{}\"", view["version"]);
    let (refused, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/conventions/{id}/transitions"),
        &etag,
        &json!({ "to": "open_for_signature" }),
        409,
    )
    .await;
    assert_eq!(refused["rule"], "open_risks", "{refused}");
    assert_eq!(refused["errors"][0]["field"], "diagnostic.risks[0]");
    assert_eq!(refused["errors"][0]["code"], "open_risk");
}

#[tokio::test]
async fn a_convention_is_drafted_only_by_staff_for_a_drafting_project_and_the_public_reads_none_before_signature() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let inhabitant = town.inhabitant().await;
    let (project, etag) = drafting_project(&town, "light").await;
    let body = json!({ "title": "Convention" });
    expect(&town, &inhabitant, Method::POST, &format!("/projects/{project}/convention"), &etag, &body, 403).await;
    let (invalid, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{project}/convention"),
        &etag,
        &json!({ "title": " ", "parties": [{ "kind": "farm" }], "ends_on": "2018-01-01", "starts_on": "2018-02-01" }),
        422,
    )
    .await;
    let fields: Vec<&str> =
        invalid["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "ends_on", "parties[0].name"]);
    let (view, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, &body, 201).await;
    let id = view["id"].as_str().unwrap();
    problem(app.get(&town.at(&format!("/conventions/{id}"))).await, 404).await;
    problem(app.get(&town.at(&format!("/conventions/{id}/versions/1"))).await, 404).await;
    let other = TestTown::new(&app).await;
    let stranger = other.agent().await;
    let theirs = app.authed(Method::GET, &other.at(&format!("/conventions/{id}")), &stranger).send().await.unwrap();
    problem(theirs, 404).await;
    problem(app.get(&town.at("/conventions/not-an-id")).await, 404).await;
}
