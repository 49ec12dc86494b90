//! Fifty-fifty conventions over HTTP: drafting one for a project, the rules that hold it back
//! from signature, attestations, signatures (the rightful signatory, insurance first, the hash of
//! the version open, once per party), the frozen text and its amendments, and what the public
//! reads.

use crate::fixtures::{TestTown, town_day};
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

    // The farmer reads what he signs (its hash, the ETag), and nothing of the others' insurance.
    let response = app.authed(Method::GET, &town.at(&at("")), &farmer).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"].to_str().unwrap(), etag);
    let read = json(response).await;
    assert_eq!(read["content_hash"], hash);
    assert!(!read.to_string().contains("Assureur Secret"), "{read}");
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
    let (signed_view, etag) = expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &farmer_signs, 200).await;
    assert_eq!(signed_view["view"], "public", "a party reads what it signed, not the staff's view");
    for secret in ["Assureur Secret", "POLICE-123", farmer_id.as_str()] {
        assert!(!signed_view.to_string().contains(secret), "{secret} in {signed_view}");
    }
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
    assert_eq!(view["status"], "active", "the signed version stays in force");
    assert_eq!(view["amendment_status"], "draft");
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
    assert_eq!(view["amendment_status"], "open_for_signature");
    // Opened, not yet signed by all: the public still reads version 1 only.
    problem(app.get(&town.at(&at("/versions/2"))).await, 404).await;
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

/// The demo's rural paths convention (annex A3): its id.
async fn rural_paths_convention(app: &crate::helpers::TestApp) -> String {
    let loos = "/v1/municipalities/loos-en-gohelle";
    let completed = json(app.get(&format!("{loos}/projects?status=completed")).await).await;
    let rural = completed["items"][0]["id"].as_str().unwrap().to_owned();
    let project = json(app.get(&format!("{loos}/projects/{rural}")).await).await;
    project["convention"].as_str().expect("a signed convention").to_owned()
}

#[tokio::test]
async fn the_document_follows_annex_a3_with_every_party_article_commitment_and_signature() {
    let app = crate::helpers::spawn_demo_app().await;
    let id = rural_paths_convention(&app).await;
    let path = format!("/v1/municipalities/loos-en-gohelle/conventions/{id}/document");
    let response = app.get(&path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(response.headers()["content-language"], "fr");
    let html = response.text().await.unwrap();
    for expected in [
        "La présente convention est établie entre",
        "Commune de Loos-en-Gohelle, représentée par Jean-François Caron, maire, d&#x27;une part",
        "Association foncière de remembrement de Loos-en-Gohelle",
        "EARL du Marais",
        "Après avoir exposé les éléments suivants",
        "Article 1 : Désignation des missions respectives sous le principe du fifty-fifty",
        "Article 2 : Durée de la convention",
        "pour la période du 4 juin 2018 au 15 juin 2018",
        "Article 3 : Identification des travaux",
        "Article 4 : Assurance",
        "Article 5 : Accident corporel ou matériel",
        "Article 6 : Casse de matériel",
        "Article 7 : Caducité de la convention",
        "Un tracteur et une benne avec chauffeur",
        "12\u{202f}500,00\u{a0}€",
        "28 mai 2018",
        "30 mai 2018",
        "original papier",
        "@page",
        "counter(page)",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    let convention = json(app.get(&format!("/v1/municipalities/loos-en-gohelle/conventions/{id}")).await).await;
    assert!(html.contains(convention["content_hash"].as_str().unwrap()));
    for commitment in
        convention["parties"].as_array().unwrap().iter().flat_map(|p| p["commitments"].as_array().unwrap())
    {
        let description = commitment["description"].as_str().unwrap().replace('\'', "&#x27;");
        assert!(html.contains(&description), "missing the commitment {description:?}");
    }
    // Nothing is fetched from the network: no external reference at all.
    for outside in ["http://", "https://", "src=", "<link", "<script", "@import", "url("] {
        assert!(!html.contains(outside), "{outside} in the document");
    }

    let markdown = app.client.get(app.url(&path)).header("Accept", "text/markdown").send().await.unwrap();
    assert_eq!(markdown.headers()["content-type"], "text/markdown; charset=utf-8");
    let markdown = markdown.text().await.unwrap();
    assert!(markdown.contains("### Article 7 : Caducité de la convention"), "{markdown}");
    assert!(markdown.contains("| EARL du Marais |"), "{markdown}");

    let english = app.client.get(app.url(&path)).header("Accept-Language", "en").send().await.unwrap();
    assert_eq!(english.headers()["content-language"], "en");
    let english = english.text().await.unwrap();
    assert!(english.contains("This convention is made between"));
    assert!(english.contains("Article 2 : Term of the convention"));
    assert!(english.contains("for the period from 4 June 2018 to 15 June 2018"));
    assert!(english.contains("€12,500.00"));

    // A version nobody signed is not printed for the public.
    problem(app.get(&format!("{path}?version=2")).await, 404).await;
}

#[tokio::test]
async fn hostile_text_in_a_convention_is_escaped_in_both_documents() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (project, etag) = drafting_project(&town, "light").await;
    let hostile = json!({
        "title": "<script>alert('titre')</script> **gras**",
        "context": "<img src=x onerror=alert(1)> [lien](javascript:alert(2))",
        "works": "- une liste\n---\n    du code\n1. un titre",
        "parties": [{ "kind": "municipality", "name": "Commune <b>ouverte</b>",
            "commitments": [{ "kind": "materials", "description": "| colonne | # titre `code`" }] }]
    });
    let (view, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, &hostile, 201).await;
    let id = view["id"].as_str().unwrap();
    let path = town.at(&format!("/conventions/{id}/document"));
    let html = app.authed(Method::GET, &path, &agent).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("<script>alert") && !html.contains("<img") && !html.contains("<b>ouverte"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#x27;titre&#x27;)&lt;&#x2f;script&gt;"), "{html}");
    assert!(html.contains("texte en rédaction"), "a draft is printed as such");
    let markdown = app
        .authed(Method::GET, &path, &agent)
        .header("Accept", "text/markdown")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(markdown.contains("\\<script\\>") && markdown.contains("\\*\\*gras\\*\\*"), "{markdown}");
    assert!(markdown.contains("\\[lien\\](javascript:alert(2))") && markdown.contains("\\| colonne \\|"), "{markdown}");
    assert!(markdown.contains("\\<img") && !markdown.contains(" <img"), "{markdown}");
    assert!(markdown.contains("\\- une liste\n\\---\ndu code\n1\\. un titre"), "line starts read as words: {markdown}");
    // The public prints nothing of a draft.
    problem(app.get(&path).await, 404).await;
}

#[tokio::test]
async fn the_demo_follows_up_its_conventions_costs_add_up_and_an_eroded_upkeep_shows() {
    let app = crate::helpers::spawn_demo_app().await;
    let loos = "/v1/municipalities/loos-en-gohelle";
    let id = rural_paths_convention(&app).await;
    let rural = json(app.get(&format!("{loos}/conventions/{id}")).await).await;
    assert_eq!(rural["status"], "completed");
    let costs = &rural["follow_up"]["costs"];
    assert_eq!(costs["planned_total_cents"], 2_500_000);
    assert_eq!(costs["actual_total_cents"], 2_480_000);
    assert_eq!(costs["comparison"]["saved_cents"], 20_000_000 - 2_480_000);
    assert_eq!(rural["follow_up"]["participants"]["at_least"], 12);
    assert_eq!(rural["follow_up"]["eroded"], false);
    let project = json(app.get(&format!("{loos}/projects/{}", rural["project"].as_str().unwrap())).await).await;
    assert_eq!(
        (project["status"].as_str(), project["ending"]["outcome"].as_str()),
        (Some("completed"), Some("completed"))
    );
    // Renewed for 2019: a draft, so the public series counts 2018 only; staff see both years.
    let series = json(app.get(&format!("{loos}/projects/{}/series", rural["project"].as_str().unwrap())).await).await;
    assert_eq!(series["totals"]["years"], 1);
    assert_eq!(series["totals"]["achieved"], json!([{ "quantity": 1000, "unit": "m de chemins" }]));
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let staff_series = app
        .authed(Method::GET, &format!("{loos}/projects/{}/series", rural["project"].as_str().unwrap()), &agent)
        .send()
        .await
        .unwrap();
    let staff_series = json(staff_series).await;
    assert_eq!(staff_series["totals"]["years"], 2);
    assert_eq!(staff_series["items"][1]["title"], "Rénovation des chemins ruraux 2019");

    let running = json(app.get(&format!("{loos}/projects?status=running")).await).await;
    let flowers = running["items"][0]["id"].as_str().unwrap();
    let flowers = json(app.get(&format!("{loos}/projects/{flowers}")).await).await;
    let convention =
        json(app.get(&format!("{loos}/conventions/{}", flowers["convention"].as_str().unwrap())).await).await;
    assert_eq!(convention["follow_up"]["eroded"], true, "{convention}");
    let upkeep =
        convention["follow_up"]["commitments"].as_array().unwrap().iter().find(|c| c["kind"] == "upkeep").unwrap();
    assert_eq!(
        (upkeep["status"].as_str(), upkeep["services_stepped_in"].as_bool()),
        (Some("not_fulfilled"), Some(true))
    );
    // The public reads the voisins' group by name, not who represents it.
    let text = convention.to_string();
    assert!(text.contains("Voisins de la rue Bayard") && !text.contains("Un voisin référent"), "{text}");
}

/// A light project's convention, signed by both its parties (the town by the mayor); its id,
/// ETag and the project's id.
async fn signed_convention(town: &TestTown<'_>) -> (String, String, String, Value) {
    signed_convention_for(town, "2026-01-05", "2026-12-31").await
}

/// The same, for this period.
async fn signed_convention_for(town: &TestTown<'_>, starts_on: &str, ends_on: &str) -> (String, String, String, Value) {
    let (agent, elected) = (town.agent().await, town.elected().await);
    let (project, etag) = drafting_project(town, "light").await;
    let body = json!({
        "title": "Convention des bacs", "context": "Fleurir la rue.", "purpose": "Des bacs.", "works": "Douze bacs.",
        "starts_on": starts_on, "ends_on": ends_on,
        "parties": [
            { "kind": "municipality", "name": "Commune", "representative": { "name": "Le maire", "capacity": "Maire" },
              "commitments": [{ "kind": "materials", "description": "Douze bacs" }] },
            { "kind": "informal_group", "name": "Les voisins", "representative": { "name": "Une voisine", "capacity": "Référente" },
              "commitments": [{ "kind": "upkeep", "description": "Arroser", "recurrence": "weekly" }] }
        ]
    });
    let (view, etag) =
        expect(town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, &body, 201).await;
    let id = view["id"].as_str().unwrap().to_owned();
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let _ = etag;
    let mut etag = format!("\"{}\"", view["version"]);
    for party in view["text"]["parties"].as_array().unwrap() {
        let path = at(&format!("/parties/{}/insurance", party["id"].as_str().unwrap()));
        etag = expect(town, &agent, Method::PUT, &path, &etag, &insurance(None), 200).await.1;
    }
    let (view, etag) =
        expect(town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": "open_for_signature" }), 200)
            .await;
    let hash = view["text"]["content_hash"].as_str().unwrap();
    let neighbours =
        json!({ "party": view["text"]["parties"][1]["id"], "content_hash": hash, "scan_sha256": "1".repeat(64) });
    let (_, etag) = expect(town, &agent, Method::POST, &at("/signatures"), &etag, &neighbours, 200).await;
    let town_party = json!({ "party": view["text"]["parties"][0]["id"], "content_hash": hash });
    let (view, etag) = expect(town, &elected, Method::POST, &at("/signatures"), &etag, &town_party, 200).await;
    (id, etag, project, view)
}

#[tokio::test]
async fn a_signed_convention_is_followed_its_upkeep_erodes_and_it_completes_its_project_and_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (id, etag, project, view) = signed_convention(&town).await;
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let upkeep = view["text"]["parties"][1]["commitments"][0]["id"].as_str().unwrap().to_owned();
    let boxes = view["text"]["parties"][0]["commitments"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(view["follow_up"]["commitments"][0]["status"], "pending");

    // An eroded upkeep, the services stepping in; refused for a commitment that is not upkeep.
    let stepped =
        json!({ "status": "not_fulfilled", "notes": "Plus arrosés depuis juillet.", "services_stepped_in": true });
    let (refused, _) =
        expect(&town, &agent, Method::PUT, &at(&format!("/commitments/{boxes}/fulfilment")), &etag, &stepped, 422)
            .await;
    assert_eq!(refused["errors"][0]["field"], "services_stepped_in");
    let (view, etag) =
        expect(&town, &agent, Method::PUT, &at(&format!("/commitments/{upkeep}/fulfilment")), &etag, &stepped, 200)
            .await;
    assert_eq!(view["follow_up"]["eroded"], true);
    let unknown = format!("/commitments/{}/fulfilment", "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e");
    expect(&town, &agent, Method::PUT, &at(&unknown), &etag, &json!({ "status": "fulfilled" }), 404).await;

    // Participants with their consent; costs that add up.
    let (refused, _) = expect(
        &town,
        &agent,
        Method::PUT,
        &at("/participants"),
        &etag,
        &json!({ "registered": [{ "name": "Camille" }] }),
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "registered[0].consent");
    let participants =
        json!({ "registered": [{ "name": "Camille Voisine", "consent": true }], "open_events_low_bound": 8 });
    let (view, etag) = expect(&town, &agent, Method::PUT, &at("/participants"), &etag, &participants, 200).await;
    assert_eq!(view["follow_up"]["participants"]["at_least"], 8);
    let parties: Vec<&str> =
        view["text"]["parties"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    let costs = json!({ "parties": [
        { "party": parties[0], "planned_cents": 120_000, "actual_cents": 131_050 },
        { "party": parties[1], "planned_cents": 0, "actual_cents": 0 }
    ], "comparison": { "conventional_cents": 300_000, "basis": "Bacs posés et entretenus par une entreprise." } });
    let (view, etag) = expect(&town, &agent, Method::PUT, &at("/costs"), &etag, &costs, 200).await;
    assert_eq!(view["follow_up"]["costs"]["planned_total_cents"], 120_000);
    assert_eq!(view["follow_up"]["costs"]["actual_total_cents"], 131_050);
    assert_eq!(view["follow_up"]["costs"]["comparison"]["saved_cents"], 300_000 - 131_050);
    let twice = json!({ "parties": [{ "party": parties[0] }, { "party": parties[0] }] });
    let (refused, _) = expect(&town, &agent, Method::PUT, &at("/costs"), &etag, &twice, 422).await;
    assert_eq!(refused["errors"][0]["field"], "parties[1].party");

    // The public reads how many took part, not who.
    let public = json(app.get(&town.at(&at(""))).await).await;
    assert_eq!(public["follow_up"]["participants"]["registered"], json!([]));
    assert!(!public.to_string().contains("Camille"), "{public}");

    // Completed: its project completes and its request closes `done`, in one transaction.
    let (view, etag) = expect(
        &town,
        &agent,
        Method::POST,
        &at("/transitions"),
        &etag,
        &json!({ "to": "completed", "reason": "Les bacs sont là." }),
        200,
    )
    .await;
    assert_eq!(view["status"], "completed");
    let project_view =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &agent).send().await.unwrap()).await;
    assert_eq!(project_view["status"], "completed");
    let request = project_view["requests"][0]["id"].as_str().unwrap();
    let (request_view, _) = town.staff_get(&agent, request).await;
    assert_eq!((request_view["status"].as_str(), request_view["resolution"].as_str()), (Some("closed"), Some("done")));
    // Ended, it changes no more.
    let (refused, _) = expect(&town, &agent, Method::PUT, &at("/costs"), &etag, &costs, 409).await;
    assert_eq!(refused["rule"], "convention_ended");
}

#[tokio::test]
async fn a_breach_voids_a_convention_and_ending_its_project_terminates_it() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (id, etag, _, _) = signed_convention(&town).await;
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let (refused, _) = expect(
        &town,
        &agent,
        Method::POST,
        &at("/transitions"),
        &etag,
        &json!({ "to": "lapsed", "breach": { "article": 9, "description": "x", "recorded_by": "Services" } }),
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "breach.article", "{refused}");
    let breach = json!({ "to": "lapsed", "breach": { "article": 1, "description": "Les bacs ne sont jamais arrosés.", "recorded_by": "Services techniques" } });
    let (view, _) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &breach, 200).await;
    assert_eq!(view["status"], "lapsed");
    assert_eq!(view["follow_up"]["closing"]["breach"]["article"], 1);
    let public = json(app.get(&town.at(&at(""))).await).await;
    assert_eq!(public["follow_up"]["closing"]["breach"]["recorded_by"], Value::Null);
    // A project whose convention lapsed is not completed: abandoned, or handed to the services.
    let lapsed_project = view["project"].as_str().unwrap();
    let response =
        app.authed(Method::GET, &town.at(&format!("/projects/{lapsed_project}")), &agent).send().await.unwrap();
    let lapsed_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let (refused, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{lapsed_project}/transitions"),
        &lapsed_etag,
        &json!({ "to": "completed" }),
        409,
    )
    .await;
    assert_eq!(refused["rule"], "convention_ended", "{refused}");

    // Another: the project taken over by the services terminates its convention with it.
    let (second, _, project, _) = signed_convention(&town).await;
    let response = app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &agent).send().await.unwrap();
    let project_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let over = json!({ "to": "taken_over_by_services", "reason": "Les voisins ont déménagé." });
    expect(&town, &agent, Method::POST, &format!("/projects/{project}/transitions"), &project_etag, &over, 200).await;
    let view =
        json(app.authed(Method::GET, &town.at(&format!("/conventions/{second}")), &agent).send().await.unwrap()).await;
    assert_eq!(view["status"], "terminated");
    assert_eq!(view["follow_up"]["closing"]["reason"], "Les voisins ont déménagé.");
    let history =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}/history")), &agent).send().await.unwrap())
            .await;
    let ended = history["items"].as_array().unwrap().iter().find(|e| e["kind"] == "convention_ended").cloned();
    assert_eq!(
        ended.as_ref().and_then(|e| e["reason"].as_str()),
        Some("Les voisins ont déménagé."),
        "its history says the convention ended with it: {history}"
    );
}

#[tokio::test]
async fn a_completed_convention_is_renewed_for_next_year_and_the_series_adds_up() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (id, etag, project, view) = signed_convention(&town).await;
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let next_year = json!({ "title": "Les bacs, l'an prochain", "starts_on": "2027-01-04", "ends_on": "2027-12-31" });
    let renew = |body: Value| {
        let url = town.at(&at("/renewal"));
        let agent = agent.clone();
        let app = &app;
        async move { app.authed(Method::POST, &url, &agent).json(&body).send().await.unwrap() }
    };
    let refused = problem(renew(next_year.clone()).await, 409).await;
    assert_eq!(refused["rule"], "not_completed", "{refused}");
    let parties: Vec<&str> =
        view["text"]["parties"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    let costs = json!({ "parties": [{ "party": parties[0], "actual_cents": 100_000 }], "achieved": { "quantity": 12, "unit": "bacs" } });
    let (_, etag) = expect(&town, &agent, Method::PUT, &at("/costs"), &etag, &costs, 200).await;
    let participants = json!({ "open_events_low_bound": 9 });
    let (_, etag) = expect(&town, &agent, Method::PUT, &at("/participants"), &etag, &participants, 200).await;
    expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": "completed" }), 200).await;

    let refused =
        problem(renew(json!({ "title": "Trop tôt", "starts_on": "2026-06-01", "ends_on": "2026-05-01" })).await, 422)
            .await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["starts_on"], "{refused}");
    let response = renew(next_year.clone()).await;
    assert_eq!(response.status(), 201);
    let renewed = json(response).await;
    assert_eq!((renewed["status"].as_str(), renewed["current_version"].as_i64()), (Some("draft"), Some(1)));
    assert_eq!(renewed["text"]["starts_on"], "2027-01-04");
    assert_eq!(renewed["text"]["parties"][0]["id"], parties[0], "the same parties");
    assert_ne!(
        renewed["text"]["parties"][0]["commitments"][0]["id"],
        view["text"]["parties"][0]["commitments"][0]["id"]
    );
    let next_project = renewed["project"].as_str().unwrap();
    let next =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{next_project}")), &agent).send().await.unwrap())
            .await;
    assert_eq!(next["status"], "drafting");
    assert_eq!(next["diagnostic"]["weight"], "light", "last year's diagnostic");
    let refused = problem(renew(next_year).await, 409).await;
    assert_eq!(refused["rule"], "already_renewed");

    // The series, from either year: staff see both; the public, the completed one only.
    let series = json(
        app.authed(Method::GET, &town.at(&format!("/projects/{next_project}/series")), &agent).send().await.unwrap(),
    )
    .await;
    assert_eq!(series["totals"]["years"], 2);
    assert_eq!(series["items"][0]["project"], project);
    assert_eq!(series["totals"]["actual_total_cents"], 100_000);
    assert_eq!(series["totals"]["participants_at_least"], 9);
    assert_eq!(series["totals"]["achieved"], json!([{ "quantity": 12, "unit": "bacs" }]));
    let public = json(app.get(&town.at(&format!("/projects/{project}/series"))).await).await;
    assert_eq!(public["totals"]["years"], 1);
    problem(app.get(&town.at(&format!("/projects/{next_project}/series"))).await, 404).await;
}

#[tokio::test]
async fn a_convention_with_an_amendment_pending_does_not_end_until_it_is_signed() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let (id, etag, project, view) = signed_convention(&town).await;
    let mut amended = json!({
        "title": "Convention des bacs", "context": "Fleurir la rue.", "purpose": "Des bacs.", "works": "Seize bacs.",
        "starts_on": "2026-01-05", "ends_on": "2026-12-31",
        "parties": view["text"]["parties"].clone(),
    });
    for party in amended["parties"].as_array_mut().unwrap() {
        for key in ["account", "named_publicly", "insurance", "signed"] {
            party.as_object_mut().unwrap().remove(key);
        }
        for commitment in party["commitments"].as_array_mut().unwrap() {
            commitment.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        }
        party.as_object_mut().unwrap().retain(|_, v| !v.is_null());
    }
    let (view, etag) = expect(&town, &agent, Method::PUT, &format!("/conventions/{id}"), &etag, &amended, 200).await;
    assert_eq!(view["amendment_status"], "draft", "{view}");
    let (refused, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/conventions/{id}/transitions"),
        &etag,
        &json!({ "to": "completed" }),
        409,
    )
    .await;
    assert_eq!(refused["rule"], "amendment_pending", "{refused}");
    let response = app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &agent).send().await.unwrap();
    let project_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let (refused, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{project}/transitions"),
        &project_etag,
        &json!({ "to": "completed" }),
        409,
    )
    .await;
    assert_eq!(refused["rule"], "amendment_pending", "{refused}");
}

#[tokio::test]
async fn the_convention_list_shows_the_public_the_signed_ones_and_staff_them_all() {
    let app = crate::helpers::spawn_demo_app().await;
    let loos = "/v1/municipalities/loos-en-gohelle";
    let public = json(app.get(&format!("{loos}/conventions")).await).await;
    let titles: Vec<&str> = public["items"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "the flower boxes and the rural paths of 2018, not 2019's draft: {titles:?}");
    assert!(public["items"].as_array().unwrap().iter().all(|c| c["signed_version"].is_number()));
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let staff = json(app.authed(Method::GET, &format!("{loos}/conventions"), &agent).send().await.unwrap()).await;
    assert_eq!(staff["items"].as_array().unwrap().len(), 3);
    assert_eq!(staff["items"][1]["status"], "draft", "2019's renewal, newest but one");
    let completed = json(app.get(&format!("{loos}/conventions?status=completed")).await).await;
    assert_eq!(completed["items"].as_array().unwrap().len(), 1);
    assert_eq!(completed["items"][0]["starts_on"], "2018-06-04");
    let first = json(app.get(&format!("{loos}/conventions?limit=1")).await).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = json(app.get(&format!("{loos}/conventions?limit=1&cursor={cursor}")).await).await;
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    let refused = problem(app.get(&format!("{loos}/conventions?status=nowhere")).await, 400).await;
    assert_eq!(refused["errors"][0]["field"], "status");
}

#[tokio::test]
async fn the_directory_of_organisations_lists_the_public_ones_and_conventions_draw_their_parties_from_it() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let add = |body: Value| {
        let url = town.at("/organisations");
        let agent = agent.clone();
        let app = &app;
        async move { app.authed(Method::POST, &url, &agent).json(&body).send().await.unwrap() }
    };
    let afr = json!({ "name": "Association foncière", "kind": "association",
        "representative": { "name": "Le président", "capacity": "Président" }, "public": true });
    let response = add(afr.clone()).await;
    assert_eq!(response.status(), 201);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let listed = json(response).await;
    let afr_id = listed["id"].as_str().unwrap().to_owned();
    let taken = problem(add(afr).await, 422).await;
    assert_eq!(
        (taken["errors"][0]["field"].as_str(), taken["errors"][0]["code"].as_str()),
        (Some("name"), Some("taken"))
    );
    let refused = problem(add(json!({ "name": "La commune", "kind": "municipality" })).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "kind");
    let private = json(add(json!({ "name": "Collectif discret", "kind": "informal_group" })).await).await;

    // The public directory: those that agreed, by name and kind; staff see them all.
    let public = json(app.get(&town.at("/organisations")).await).await;
    assert_eq!(
        public["items"],
        json!([{ "view": "public", "id": afr_id, "name": "Association foncière", "kind": "association" }])
    );
    problem(app.get(&town.at(&format!("/organisations/{}", private["id"].as_str().unwrap()))).await, 404).await;
    let staff = json(app.authed(Method::GET, &town.at("/organisations"), &agent).send().await.unwrap()).await;
    assert_eq!(staff["items"].as_array().unwrap().len(), 2);
    let inhabitant = town.inhabitant().await;
    let refused =
        app.authed(Method::POST, &town.at("/organisations"), &inhabitant).json(&json!({})).send().await.unwrap();
    problem(refused, 403).await;

    // Its consent withdrawn, it leaves the public directory.
    let path = town.at(&format!("/organisations/{afr_id}"));
    let without = app.authed(Method::PATCH, &path, &agent).json(&json!({ "public": false })).send().await.unwrap();
    problem(without, 428).await;
    let changed = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", &etag)
        .json(&json!({ "public": false, "kind": "farm" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(changed, 422).await["errors"][0]["field"], "kind", "its kind does not change");
    let changed = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", &etag)
        .json(&json!({ "public": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(json(app.get(&town.at("/organisations")).await).await["items"], json!([]));

    // A party drawn from the directory takes its name, kind and usual representative.
    let (project, project_etag) = drafting_project(&town, "light").await;
    let body = json!({ "title": "Convention", "parties": [{ "organisation": afr_id, "commitments": [] }] });
    let (view, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &project_etag, &body, 201)
            .await;
    let party = &view["text"]["parties"][0];
    assert_eq!((party["name"].as_str(), party["kind"].as_str()), (Some("Association foncière"), Some("association")));
    assert_eq!(party["representative"]["name"], "Le président");
    assert_eq!(party["organisation"], afr_id.as_str());
    let unknown =
        json!({ "title": "Convention", "parties": [{ "organisation": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e" }] });
    let etag = format!("\"{}\"", view["version"]);
    let (refused, _) = expect(
        &town,
        &agent,
        Method::PUT,
        &format!("/conventions/{}", view["id"].as_str().unwrap()),
        &etag,
        &unknown,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "parties[0].organisation");
}

/// A machine client of the town, as its admin registers it; its token.
async fn partner_tool(town: &TestTown<'_>, name: &str, organisation: Option<&str>, scopes: &[&str]) -> String {
    let admin = town.admin().await;
    let body =
        json!({ "name": name, "association": "Association foncière", "organisation": organisation, "scopes": scopes });
    let response = town.app.authed(Method::POST, &town.at("/clients"), &admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let created = json(response).await;
    assert_eq!(created["organisation"], json!(organisation));
    town.app.client_login(created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap()).await
}

/// The ids of the items of a list read with `token` (or anonymously).
async fn listed(town: &TestTown<'_>, token: Option<&str>, path: &str) -> Vec<String> {
    let response = match token {
        Some(token) => town.app.authed(Method::GET, &town.at(path), token).send().await.unwrap(),
        None => town.app.get(&town.at(path)).await,
    };
    assert_eq!(response.status(), 200);
    json(response).await["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

async fn status_of(town: &TestTown<'_>, token: &str, path: &str) -> u16 {
    town.app.authed(Method::GET, &town.at(path), token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_partners_tool_reads_what_names_its_organisation_and_records_its_own_commitments_only() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, elected, admin) = (town.agent().await, town.elected().await, town.admin().await);
    let afr = json({
        let body = json!({ "name": "Association foncière", "kind": "association",
            "representative": { "name": "Le président", "capacity": "Président" } });
        app.authed(Method::POST, &town.at("/organisations"), &agent).json(&body).send().await.unwrap()
    })
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Its admin links the tools to the directory; an organisation it lacks is named.
    let unknown = json!({ "name": "Outil", "association": "X", "scopes": ["projects:read"],
        "organisation": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e" });
    let refused = app.authed(Method::POST, &town.at("/clients"), &admin).json(&unknown).send().await.unwrap();
    let refused = problem(refused, 422).await;
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("organisation"), Some("unknown_organisation"))
    );
    let writer = partner_tool(&town, "Outil de l'AFR", Some(&afr), &["projects:read", "projects:write"]).await;
    let reader = partner_tool(&town, "Lecteur de l'AFR", Some(&afr), &["projects:read"]).await;
    let stranger = partner_tool(&town, "Outil sans organisation", None, &["projects:read", "projects:write"]).await;

    // A project whose draft names the association: its tools see it, no one else outside staff.
    let (project, project_etag) = drafting_project(&town, "light").await;
    let body = json!({
        "title": "Convention des chemins", "context": "Des chemins dégradés.", "purpose": "Les rénover.",
        "works": "Surfaçage gravillonné.", "starts_on": "2026-01-05", "ends_on": "2026-12-31",
        "parties": [
            { "kind": "municipality", "name": "Commune", "representative": { "name": "Le maire", "capacity": "Maire" },
              "commitments": [{ "kind": "materials", "description": "Les graviers" }] },
            { "organisation": afr, "commitments": [{ "kind": "labour", "description": "Étaler les graviers" }] }
        ]
    });
    let (view, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &project_etag, &body, 201)
            .await;
    let id = view["id"].as_str().unwrap().to_owned();
    let (town_commitment, afr_commitment) = (
        view["text"]["parties"][0]["commitments"][0]["id"].as_str().unwrap().to_owned(),
        view["text"]["parties"][1]["commitments"][0]["id"].as_str().unwrap().to_owned(),
    );
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    assert!(listed(&town, Some(&writer), "/projects").await.contains(&project), "its tool lists it while drafted");
    assert!(listed(&town, Some(&reader), "/projects?status=drafting").await.contains(&project));
    assert!(!listed(&town, Some(&stranger), "/projects").await.contains(&project), "a tool of no organisation");
    assert!(!listed(&town, None, "/projects").await.contains(&project));
    let seen =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &reader).send().await.unwrap()).await;
    assert_eq!((seen["view"].as_str(), seen["status"].as_str()), (Some("public"), Some("drafting")));
    assert!(seen["convention"].is_null(), "a draft is the services' work: {seen}");
    assert_eq!(status_of(&town, &stranger, &format!("/projects/{project}")).await, 404);
    assert_eq!(status_of(&town, &reader, &at("")).await, 404, "the draft's text is not shown");
    assert!(!listed(&town, Some(&reader), "/conventions").await.contains(&id));

    // Open for signature: its tools read the frozen text (with the ETag), list it and print it.
    let mut etag = format!("\"{}\"", view["version"]);
    for party in view["text"]["parties"].as_array().unwrap() {
        let path = at(&format!("/parties/{}/insurance", party["id"].as_str().unwrap()));
        etag = expect(&town, &agent, Method::PUT, &path, &etag, &insurance(None), 200).await.1;
    }
    let (view, etag) =
        expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": "open_for_signature" }), 200)
            .await;
    let response = app.authed(Method::GET, &town.at(&at("")), &reader).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("etag"));
    let party_view = json(response).await;
    assert_eq!(party_view["view"], "public");
    assert!(!party_view.to_string().contains("Assureur Secret"), "no insurer: {party_view}");
    assert_eq!(status_of(&town, &reader, &at("/versions/1")).await, 200);
    assert_eq!(status_of(&town, &reader, &at("/document")).await, 200);
    assert_eq!(status_of(&town, &stranger, &at("")).await, 404);
    assert_eq!(status_of(&town, &stranger, &at("/document")).await, 404);
    assert!(listed(&town, Some(&reader), "/conventions").await.contains(&id));
    assert!(!listed(&town, Some(&stranger), "/conventions").await.contains(&id));
    let seen =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}")), &reader).send().await.unwrap()).await;
    assert_eq!(seen["convention"], id.as_str());

    // Signed: the writer records its own commitment, never the town's nor the services' word.
    let hash = view["text"]["content_hash"].as_str().unwrap();
    let paper =
        json!({ "party": view["text"]["parties"][1]["id"], "content_hash": hash, "scan_sha256": "2".repeat(64) });
    let (_, etag) = expect(&town, &agent, Method::POST, &at("/signatures"), &etag, &paper, 200).await;
    let mayor = json!({ "party": view["text"]["parties"][0]["id"], "content_hash": hash });
    let (_, etag) = expect(&town, &elected, Method::POST, &at("/signatures"), &etag, &mayor, 200).await;
    let done = json!({ "status": "fulfilled", "on": "2026-06-19" });
    let theirs = at(&format!("/commitments/{afr_commitment}/fulfilment"));
    let (refused, _) = expect(&town, &writer, Method::PUT, &theirs, "\"1\"", &done, 412).await;
    assert_eq!(refused["status"], 412);
    for (token, path, body, why) in [
        (&writer, at(&format!("/commitments/{town_commitment}/fulfilment")), &done, "the town's commitment"),
        (
            &writer,
            theirs.clone(),
            &json!({ "status": "not_fulfilled", "services_stepped_in": true }),
            "the services' word",
        ),
        (&writer, theirs.clone(), &json!({ "status": "fulfilled", "notes": "Fait." }), "the services' notes"),
        (&reader, theirs.clone(), &done, "projects:read only"),
        (&stranger, theirs.clone(), &done, "a tool of no organisation"),
    ] {
        let (status, refused, _) = call(&town, token, Method::PUT, &path, &etag, body).await;
        assert_eq!(status, 403, "{why}: {refused}");
    }
    let inhabitant = town.inhabitant().await;
    assert_eq!(call(&town, &inhabitant, Method::PUT, &theirs, &etag, &done).await.0, 403);
    let (recorded, _) = expect(&town, &writer, Method::PUT, &theirs, &etag, &done, 200).await;
    assert_eq!(recorded["view"], "public", "its tool reads the party's view");
    let followed = recorded["follow_up"]["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commitment"] == afr_commitment.as_str())
        .cloned()
        .unwrap();
    assert_eq!(followed["status"], "fulfilled", "{recorded}");
    let staff = json(app.authed(Method::GET, &town.at(&at("")), &agent).send().await.unwrap()).await;
    let history =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{project}/history")), &agent).send().await.unwrap())
            .await;
    assert!(staff.to_string().contains("2026-06-19"), "staff read its record");
    assert!(history.to_string().contains("client"), "the history names the tool: {history}");

    // A draft that never went to signature stays the services' work, even once its project ended.
    let (abandoned, etag) = drafting_project(&town, "light").await;
    let text = json!({ "title": "Brouillon", "parties": [{ "organisation": afr, "commitments": [] }] });
    let (draft, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{abandoned}/convention"), &etag, &text, 201).await;
    let response = app.authed(Method::GET, &town.at(&format!("/projects/{abandoned}")), &agent).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let ending = json!({ "to": "abandoned", "reason": "Sans suite.", "learnt": "Rien encore." });
    expect(&town, &agent, Method::POST, &format!("/projects/{abandoned}/transitions"), &etag, &ending, 200).await;
    let draft = draft["id"].as_str().unwrap().to_owned();
    assert!(!listed(&town, Some(&reader), "/conventions").await.contains(&draft), "a terminated draft");
    let seen =
        json(app.authed(Method::GET, &town.at(&format!("/projects/{abandoned}")), &reader).send().await.unwrap()).await;
    assert!(seen["convention"].is_null(), "no link to a text it cannot read: {seen}");
    assert_eq!(status_of(&town, &reader, &format!("/conventions/{draft}")).await, 404);
}

#[tokio::test]
async fn a_partys_own_account_attests_its_insurance_once_the_text_is_frozen_and_then_signs() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, farmer) = (town.agent().await, town.inhabitant().await);
    let farmer_id =
        json(app.authed(Method::GET, "/v1/me", &farmer).send().await.unwrap()).await["id"].as_str().unwrap().to_owned();
    let (project, project_etag) = drafting_project(&town, "light").await;
    let (view, etag) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{project}/convention"),
        &project_etag,
        &rural_paths(&farmer_id),
        201,
    )
    .await;
    let id = view["id"].as_str().unwrap().to_owned();
    let parties: Vec<String> =
        view["text"]["parties"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let own = at(&format!("/parties/{}/insurance", parties[2]));
    let _ = etag;
    let etag = format!("\"{}\"", view["version"]);

    // While a draft, the services record paper certificates; the farmer's account learns nothing.
    assert_eq!(call(&town, &farmer, Method::PUT, &own, &etag, &insurance(None)).await.0, 404);
    let mut etag = etag;
    for party in &parties[..2] {
        let path = at(&format!("/parties/{party}/insurance"));
        etag = expect(&town, &agent, Method::PUT, &path, &etag, &insurance(None), 200).await.1;
    }
    let (view, etag) =
        expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": "open_for_signature" }), 200)
            .await;

    // Open: its own account attests its own insurance (not another party's), then signs.
    let other = at(&format!("/parties/{}/insurance", parties[1]));
    let (status, refused, _) = call(&town, &farmer, Method::PUT, &other, &etag, &insurance(None)).await;
    assert_eq!(status, 403, "{refused}");
    let (attested, etag) = expect(&town, &farmer, Method::PUT, &own, &etag, &insurance(None), 200).await;
    assert_eq!(attested["view"], "public");
    assert!(!attested.to_string().contains("POLICE-123"), "its policy number is never shown back: {attested}");
    let staff = json(app.authed(Method::GET, &town.at(&at("")), &agent).send().await.unwrap()).await;
    assert!(staff.to_string().contains("POLICE-123"), "staff read it");
    let hash = view["text"]["content_hash"].as_str().unwrap();
    let signature = json!({ "party": parties[2], "content_hash": hash });
    expect(&town, &farmer, Method::POST, &at("/signatures"), &etag, &signature, 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_convention_drafted_before_partner_tools_and_indicators_existed_is_indexed_and_summed_up_by_the_migrations() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let body = json!({ "name": "Association foncière", "kind": "association" });
    let created = app.authed(Method::POST, &town.at("/organisations"), &agent).json(&body).send().await.unwrap();
    let afr = json(created).await["id"].as_str().unwrap().to_owned();
    let (begun, etag, _, view) = signed_convention(&town).await;
    let costs = json!({ "parties": [{ "party": view["text"]["parties"][0]["id"], "planned_cents": 70_000 }] });
    expect(&town, &agent, Method::PUT, &format!("/conventions/{begun}/costs"), &etag, &costs, 200).await;
    let (project, etag) = drafting_project(&town, "light").await;
    let text = json!({ "title": "Convention", "parties": [{ "organisation": afr, "commitments": [] }] });
    expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, &text, 201).await;

    // Back to the schema before migration 000016, which then indexes the parties of the texts.
    let states = app.db.migration_states().await.unwrap();
    let position = states.iter().position(|m| m.name == "m20261207_000016_convention_partners_and_templates").unwrap();
    let steps = u32::try_from(states.len() - position).unwrap();
    app.db.migrate_down(steps).await.unwrap();
    assert!(!app.db.migration_states().await.unwrap()[position].applied);
    app.db.migrate_up().await.unwrap();

    let tool = partner_tool(&town, "Outil de l'AFR", Some(&afr), &["projects:read"]).await;
    assert!(listed(&town, Some(&tool), "/projects").await.contains(&project), "indexed from its text");
    assert_eq!(listed(&town, None, "/conventions?status=active").await, [begun], "its period in force indexed too");
    // And migration 000018 sums up its figures from its text and follow-up.
    let figures = json(app.get(&town.at("/indicators?year=2026")).await).await;
    assert_eq!(figures["conventions"]["town"]["committed_cents"]["current"], 70_000);
    assert_eq!(figures["conventions"]["commitments"]["current"], 2);
}

#[tokio::test]
async fn a_signed_convention_lists_as_active_once_its_period_has_begun_and_as_signed_before() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (begun, ..) = signed_convention(&town).await;
    let (ahead, ..) = signed_convention_for(&town, "2099-03-01", "2099-12-31").await;
    assert_eq!(listed(&town, None, "/conventions?status=active").await, vec![begun.clone()]);
    assert_eq!(listed(&town, None, "/conventions?status=signed").await, vec![ahead.clone()]);
    let both = listed(&town, None, "/conventions?status=signed,active").await;
    assert_eq!(both, [ahead.clone(), begun.clone()], "newest first");
    assert!(listed(&town, None, "/conventions?status=draft,completed").await.is_empty());
    let shown = json(app.get(&town.at(&format!("/conventions/{ahead}"))).await).await;
    assert_eq!(shown["status"], "signed", "as the list says");
}

#[tokio::test]
async fn the_admin_writes_the_towns_clause_templates_and_new_conventions_start_with_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, admin) = (town.agent().await, town.admin().await);
    let response = app.get(&town.at("/clause-templates")).await;
    assert_eq!(response.headers()["etag"], "\"0\"");
    let annex = json(response).await;
    assert_eq!((annex["version"].as_i64(), annex["annex_a3"].as_bool()), (Some(0), Some(true)));
    assert_eq!(annex["clauses"][3]["title"], "Caducité de la convention");

    let own = json!({ "clauses": [
        { "title": "Assurance", "text": "Chaque partie est assurée." },
        { "title": "Caducité", "text": "Tout manquement rend la convention caduque." }] });
    assert_eq!(call(&town, &agent, Method::PUT, "/clause-templates", "\"0\"", &own).await.0, 403, "the admin's");
    let unconditional = app.authed(Method::PUT, &town.at("/clause-templates"), &admin).json(&own).send().await.unwrap();
    problem(unconditional, 428).await;
    let (refused, _) =
        expect(&town, &admin, Method::PUT, "/clause-templates", "\"0\"", &json!({ "clauses": [] }), 422).await;
    assert_eq!(refused["errors"][0]["field"], "clauses");
    let blank = json!({ "clauses": [{ "title": " ", "text": "Texte" }, { "title": "Titre" }] });
    let (refused, _) = expect(&town, &admin, Method::PUT, "/clause-templates", "\"0\"", &blank, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["clauses[0].title", "clauses[1].text"]);
    let (written, etag) = expect(&town, &admin, Method::PUT, "/clause-templates", "\"0\"", &own, 200).await;
    assert_eq!(
        (written["version"].as_i64(), written["annex_a3"].as_bool(), etag.as_str()),
        (Some(1), Some(false), "\"1\"")
    );
    expect(&town, &admin, Method::PUT, "/clause-templates", "\"0\"", &own, 412).await;
    let other = app.create_municipality("ailleurs", "62999", &[]).await;
    let elsewhere = json(app.get(&format!("/v1/municipalities/{}/clause-templates", other.slug)).await).await;
    assert_eq!(elsewhere["annex_a3"], true, "each town its own");

    // A new text without clauses takes them; a text's own stay its own.
    let (project, etag) = drafting_project(&town, "light").await;
    let (view, _) = expect(
        &town,
        &agent,
        Method::POST,
        &format!("/projects/{project}/convention"),
        &etag,
        &json!({ "title": "Convention" }),
        201,
    )
    .await;
    assert_eq!(view["text"]["clauses"], own["clauses"]);
}

/// Drafts `text` for a new light project, attests every party's insurance, opens it and has
/// every party sign (the town by the mayor, the others from paper originals); its id and view.
async fn signed_text(town: &TestTown<'_>, text: &Value) -> (String, Value) {
    let (agent, elected) = (town.agent().await, town.elected().await);
    let (project, etag) = drafting_project(town, "light").await;
    let (view, _) =
        expect(town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, text, 201).await;
    let id = view["id"].as_str().unwrap().to_owned();
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let mut etag = format!("\"{}\"", view["version"]);
    for party in view["text"]["parties"].as_array().unwrap() {
        let path = at(&format!("/parties/{}/insurance", party["id"].as_str().unwrap()));
        etag = expect(town, &agent, Method::PUT, &path, &etag, &insurance(None), 200).await.1;
    }
    let (view, mut etag) =
        expect(town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": "open_for_signature" }), 200)
            .await;
    let hash = view["text"]["content_hash"].as_str().unwrap();
    let mut last = view.clone();
    for (i, party) in view["text"]["parties"].as_array().unwrap().iter().enumerate() {
        let (token, body) = if party["kind"] == "municipality" {
            (&elected, json!({ "party": party["id"], "content_hash": hash }))
        } else {
            (&agent, json!({ "party": party["id"], "content_hash": hash, "scan_sha256": format!("{i}").repeat(64) }))
        };
        (last, etag) = expect(town, token, Method::POST, &at("/signatures"), &etag, &body, 200).await;
    }
    assert_eq!(last["status"], "active", "{last}");
    (id, last)
}

#[tokio::test]
async fn the_town_signs_by_the_mayor_or_the_elected_official_holding_the_projects_delegation_only() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, admin) = (town.agent().await, town.admin().await);
    // Two more elected officials: one holds the delegation the project is routed to, one none.
    let mut elected = Vec::new();
    for who in ["deleguee", "sans-delegation"] {
        let email = format!("{who}@{}.test", town.slug);
        let body =
            json!({ "email": email, "role": "elected", "password": crate::fixtures::PASSWORD, "display_name": who });
        let created = app.authed(Method::POST, &town.at("/accounts"), &admin).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        let id = json(created).await["id"].as_str().unwrap().to_owned();
        let token = json(app.password_grant(&email, crate::fixtures::PASSWORD, None).await).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        elected.push((id, token));
    }
    let body = json!({ "name": "Enfance, jeunesse et sport", "holder": elected[0].0 });
    let delegation = app.authed(Method::POST, &town.at("/delegations"), &admin).json(&body).send().await.unwrap();
    assert_eq!(delegation.status(), 201);
    let code = json(delegation).await["code"].as_str().unwrap().to_owned();
    let request = town.request().title("Des abris au city stade").in_status("qualified").await;
    let body = json!({ "title": "Abris du city stade", "requests": [request.id], "routing": { "delegation": code } });
    let response = app.authed(Method::POST, &town.at("/projects"), &agent).json(&body).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let project = json(response).await["id"].as_str().unwrap().to_owned();
    let diagnostic = json!({ "weight": "light", "tasks": [{ "text": "Monter les abris" }] });
    let (_, etag) =
        expect(&town, &agent, Method::PUT, &format!("/projects/{project}/diagnostic"), &etag, &diagnostic, 200).await;
    let to_drafting = json!({ "to": "drafting" });
    let (_, etag) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/transitions"), &etag, &to_drafting, 200)
            .await;
    let text = json!({ "title": "Convention des abris", "context": "Des abris cassés.", "purpose": "Des abris.",
        "works": "Deux abris.", "starts_on": "2026-03-02", "ends_on": "2026-03-20",
        "parties": [
            { "kind": "municipality", "name": "Commune", "representative": { "name": "L'élue", "capacity": "Adjointe" },
              "commitments": [{ "kind": "materials", "description": "Le bois" }] },
            { "kind": "informal_group", "name": "Les jeunes", "representative": { "name": "Un jeune", "capacity": "Référent" },
              "commitments": [{ "kind": "labour", "description": "Le montage" }] }] });
    let (view, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, &text, 201).await;
    let id = view["id"].as_str().unwrap().to_owned();
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let mut etag = format!("\"{}\"", view["version"]);
    for party in view["text"]["parties"].as_array().unwrap() {
        let path = at(&format!("/parties/{}/insurance", party["id"].as_str().unwrap()));
        etag = expect(&town, &agent, Method::PUT, &path, &etag, &insurance(None), 200).await.1;
    }
    let (view, etag) =
        expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": "open_for_signature" }), 200)
            .await;
    let town_party = json!({ "party": view["text"]["parties"][0]["id"], "content_hash": view["text"]["content_hash"] });
    let (status, refused, _) = call(&town, &elected[1].1, Method::POST, &at("/signatures"), &etag, &town_party).await;
    assert_eq!(status, 403, "an elected official without the project's delegation: {refused}");
    assert_eq!(call(&town, &agent, Method::POST, &at("/signatures"), &etag, &town_party).await.0, 403, "staff");
    let (signed, _) = expect(&town, &elected[0].1, Method::POST, &at("/signatures"), &etag, &town_party, 200).await;
    let signature = &signed["signatures"][0];
    assert_eq!(
        (signature["signatory"].as_str(), signature["capacity"].as_str()),
        (Some("deleguee"), Some("Élu titulaire de la délégation")),
        "{signed}"
    );
}

#[tokio::test]
async fn every_refused_convention_transition_says_why() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    // A project still diagnosed has no convention drafted yet.
    let request = town.request().title("Des bancs").in_status("qualified").await;
    let body = json!({ "title": "Des bancs", "requests": [request.id] });
    let response = app.authed(Method::POST, &town.at("/projects"), &agent).json(&body).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let diagnosing = json(response).await["id"].as_str().unwrap().to_owned();
    let text = json!({ "title": "Convention des bancs" });
    let (status, refused, _) =
        call(&town, &agent, Method::POST, &format!("/projects/{diagnosing}/convention"), &etag, &text).await;
    assert_eq!((status, refused["rule"].as_str()), (409, Some("project_not_drafting")), "{refused}");

    let (project, etag) = drafting_project(&town, "light").await;
    let mut text = rural_paths("not-an-account");
    text["parties"][2]["account"] = Value::Null;
    let (view, _) =
        expect(&town, &agent, Method::POST, &format!("/projects/{project}/convention"), &etag, &text, 201).await;
    let id = view["id"].as_str().unwrap().to_owned();
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let etag = format!("\"{}\"", view["version"]);
    for to in ["signed", "active", "draft"] {
        let (status, refused, _) =
            call(&town, &agent, Method::POST, &at("/transitions"), &etag, &json!({ "to": to })).await;
        assert_eq!((status, refused["errors"][0]["field"].as_str()), (422, Some("to")), "{to}: {refused}");
    }
    let (status, refused, _) = call(&town, &agent, Method::POST, &at("/transitions"), &etag, &json!({})).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (422, Some("to")));
    let completed = json!({ "to": "completed" });
    let (status, refused, _) = call(&town, &agent, Method::POST, &at("/transitions"), &etag, &completed).await;
    assert_eq!((status, refused["rule"].as_str()), (409, Some("not_signed")), "{refused}");
    let early = json!({ "party": view["text"]["parties"][1]["id"], "content_hash": "a".repeat(64), "scan_sha256": "b".repeat(64) });
    let (status, refused, _) = call(&town, &agent, Method::POST, &at("/signatures"), &etag, &early).await;
    assert_eq!((status, refused["rule"].as_str()), (409, Some("not_open_for_signature")), "{refused}");
    let mut etag = etag;
    for party in view["text"]["parties"].as_array().unwrap() {
        let path = at(&format!("/parties/{}/insurance", party["id"].as_str().unwrap()));
        etag = expect(&town, &agent, Method::PUT, &path, &etag, &insurance(None), 200).await.1;
    }
    let open = json!({ "to": "open_for_signature" });
    let (_, etag) = expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &open, 200).await;
    let (status, refused, _) = call(&town, &agent, Method::POST, &at("/transitions"), &etag, &open).await;
    assert_eq!((status, refused["rule"].as_str()), (409, Some("not_a_draft")), "{refused}");

    // An amendment before every party signed sends the project back to drafting.
    let (amended, _) = expect(&town, &agent, Method::PUT, &at(""), &etag, &text, 200).await;
    assert_eq!((amended["status"].as_str(), amended["current_version"].as_i64()), (Some("draft"), Some(2)));
    let path = town.at(&format!("/projects/{project}"));
    let project_view = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    assert_eq!(project_view["status"], "drafting");

    // A signed convention is terminated for a reason only.
    let (signed, etag, ..) = signed_convention(&town).await;
    let path = format!("/conventions/{signed}/transitions");
    let (status, refused, _) = call(&town, &agent, Method::POST, &path, &etag, &json!({ "to": "terminated" })).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (422, Some("reason")), "{refused}");
}

#[tokio::test]
async fn public_documents_name_no_one_who_did_not_consent_and_name_those_who_did() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let text = |consent: bool| {
        json!({ "title": "Convention du jardin", "context": "Un jardin.", "purpose": "Le cultiver.", "works": "Bêcher.",
            "starts_on": "2026-03-02", "ends_on": "2026-10-30",
            "parties": [
                { "kind": "municipality", "name": "Commune", "representative": { "name": "Le maire", "capacity": "Maire" },
                  "commitments": [{ "kind": "materials", "description": "Les graines" }] },
                { "kind": "individual", "name": "Paul Cultivateur", "named_publicly": consent,
                  "commitments": [{ "kind": "labour", "description": "Bêcher" }] },
                { "kind": "informal_group", "name": "Les voisins du jardin",
                  "representative": { "name": "Une voisine discrète", "capacity": "Référente" },
                  "commitments": [{ "kind": "upkeep", "description": "Arroser", "recurrence": "weekly" }] }] })
    };
    let document = |id: String, markdown: bool| {
        let app = &app;
        let path = town.at(&format!("/conventions/{id}/document"));
        async move {
            let mut request = app.client.get(app.url(&path));
            if markdown {
                request = request.header("Accept", "text/markdown");
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let (without, _) = signed_text(&town, &text(false)).await;
    for markdown in [false, true] {
        let printed = document(without.clone(), markdown).await;
        assert!(printed.contains("Les voisins du jardin"), "{printed}");
        assert!(!printed.contains("Paul Cultivateur"), "no consent, no name: {printed}");
        assert!(!printed.contains("Une voisine discrète"), "an informal group's referent is a private person");
    }
    let (with, _) = signed_text(&town, &text(true)).await;
    for markdown in [false, true] {
        assert!(document(with.clone(), markdown).await.contains("Paul Cultivateur"), "named with consent");
    }
    let public = json(app.get(&town.at(&format!("/conventions/{with}"))).await).await;
    assert_eq!(public["parties"][1]["name"], "Paul Cultivateur");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_keeps_signed_texts_signatures_and_project_history_as_written() {
    use implication_storage::sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    signed_convention(&town).await;
    let conn = app.db.conn();
    for (sql, what) in [
        ("UPDATE convention_versions SET content = '{}'", "a frozen text is not rewritten"),
        ("DELETE FROM convention_versions", "nor erased"),
        ("UPDATE convention_signatures SET signatory = 'Un autre'", "a signature is not rewritten"),
        ("DELETE FROM convention_signatures", "nor erased"),
        ("UPDATE project_events SET reason = 'réécrit'", "a project's history is not rewritten"),
        ("DELETE FROM project_events", "nor erased"),
    ] {
        assert!(conn.execute_unprepared(sql).await.is_err(), "{what}: {sql}");
    }
}

#[tokio::test]
async fn the_demo_football_shelters_are_heavy_with_an_open_heritage_risk_and_taken_over() {
    let app = crate::helpers::spawn_demo_app().await;
    let loos = "/v1/municipalities/loos-en-gohelle";
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let list = app.authed(Method::GET, &format!("{loos}/projects?status=taken_over_by_services"), &agent);
    let found = json(list.send().await.unwrap()).await;
    let shelters = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Abris de touche du stade Mirabeau")
        .cloned()
        .expect("the demo's football shelters");
    let id = shelters["id"].as_str().unwrap();
    let view = json(app.authed(Method::GET, &format!("{loos}/projects/{id}"), &agent).send().await.unwrap()).await;
    assert_eq!(view["diagnostic"]["weight"], "heavy");
    let open: Vec<&Value> =
        view["diagnostic"]["risks"].as_array().unwrap().iter().filter(|r| r["open"] == true).collect();
    assert!(open.iter().any(|r| r["kind"] == "heritage"), "the UNESCO site's, open: {view}");
    assert_eq!(view["diagnostic"]["ready_for_signature"], false);
    assert_eq!(view["ending"]["outcome"], "taken_over_by_services");
    assert!(view["ending"]["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let requests = view["requests"].as_array().unwrap();
    assert!(!requests.is_empty() && requests.iter().all(|r| r["resolution"] == "taken_over_by_services"), "{view}");
}

#[tokio::test]
async fn the_indicators_add_up_the_projects_milestones_and_the_signed_conventions_costs_commitments_and_people() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    // This period (the last 60 days): a convention starting 10 days ago, followed and completed.
    let (id, etag, _, view) =
        signed_convention_for(&town, &town_day(-10).to_string(), &town_day(100).to_string()).await;
    let at = |suffix: &str| format!("/conventions/{id}{suffix}");
    let (boxes, upkeep) = (
        view["text"]["parties"][0]["commitments"][0]["id"].as_str().unwrap().to_owned(),
        view["text"]["parties"][1]["commitments"][0]["id"].as_str().unwrap().to_owned(),
    );
    let parties: Vec<String> =
        view["text"]["parties"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    let kept = json!({ "status": "fulfilled" });
    let (_, etag) =
        expect(&town, &agent, Method::PUT, &at(&format!("/commitments/{boxes}/fulfilment")), &etag, &kept, 200).await;
    let eroded = json!({ "status": "partly_fulfilled", "notes": "Arrosés un été sur deux." });
    let (_, etag) =
        expect(&town, &agent, Method::PUT, &at(&format!("/commitments/{upkeep}/fulfilment")), &etag, &eroded, 200)
            .await;
    let people = json!({ "registered": [{ "name": "Camille Voisine", "consent": true }, { "name": "Awa Voisine", "consent": true }],
        "open_events_low_bound": 8 });
    let (_, etag) = expect(&town, &agent, Method::PUT, &at("/participants"), &etag, &people, 200).await;
    let costs = json!({ "parties": [
        { "party": parties[0], "planned_cents": 120_000, "actual_cents": 131_050 },
        { "party": parties[1], "planned_cents": 5_000, "actual_cents": 4_000 }
    ] });
    let (_, etag) = expect(&town, &agent, Method::PUT, &at("/costs"), &etag, &costs, 200).await;
    let done = json!({ "to": "completed", "reason": "Les bacs sont là." });
    expect(&town, &agent, Method::POST, &at("/transitions"), &etag, &done, 200).await;
    // The previous 60 days: one starting 80 days ago, with its town's costs only.
    let (before, etag, _, view) =
        signed_convention_for(&town, &town_day(-80).to_string(), &town_day(30).to_string()).await;
    let town_party = view["text"]["parties"][0]["id"].as_str().unwrap();
    let costs = json!({ "parties": [{ "party": town_party, "planned_cents": 10_000 }] });
    expect(&town, &agent, Method::PUT, &format!("/conventions/{before}/costs"), &etag, &costs, 200).await;
    // A project abandoned, one still drafted (staff's only).
    let (abandoned, etag) = drafting_project(&town, "light").await;
    let abandon =
        json!({ "to": "abandoned", "reason": "Personne pour arroser.", "learnt": "Trouver des voisins d'abord." });
    expect(&town, &agent, Method::POST, &format!("/projects/{abandoned}/transitions"), &etag, &abandon, 200).await;
    drafting_project(&town, "light").await;

    let query = format!("/indicators?from={}&to={}", town_day(-59), town_day(0));
    let staff = json(town.app.authed(Method::GET, &town.at(&query), &agent).send().await.unwrap()).await;
    assert_eq!(
        staff["projects"],
        json!({ "started": { "current": 4, "previous": 0 }, "completed": { "current": 1, "previous": 0 },
            "abandoned": { "current": 1, "previous": 0 }, "taken_over_by_services": { "current": 0, "previous": 0 } })
    );
    let conventions = &staff["conventions"];
    assert_eq!(conventions["signed"], json!({ "current": 1, "previous": 1 }));
    assert_eq!(
        conventions["town"],
        json!({ "committed_cents": { "current": 120_000, "previous": 10_000 },
            "spent_cents": { "current": 131_050, "previous": 0 } })
    );
    assert_eq!(
        conventions["other_parties"],
        json!({ "committed_cents": { "current": 5_000, "previous": 0 }, "spent_cents": { "current": 4_000, "previous": 0 } })
    );
    assert_eq!(conventions["commitments"], json!({ "current": 2, "previous": 2 }));
    assert_eq!(conventions["fulfilled"], json!({ "current": 1, "previous": 0 }));
    assert_eq!(conventions["partly_fulfilled"], json!({ "current": 1, "previous": 0 }));
    assert_eq!(conventions["not_fulfilled"], json!({ "current": 0, "previous": 0 }));
    assert_eq!(conventions["eroded"], json!({ "current": 1, "previous": 0 }));
    assert_eq!(
        staff["people"],
        json!({ "registered": { "current": 2, "previous": 0 }, "at_least": { "current": 8, "previous": 0 } })
    );

    // The public's count the projects it may read: not the one still drafted.
    let public = json(town.app.get(&town.at(&query)).await).await;
    assert_eq!(public["projects"]["started"], json!({ "current": 3, "previous": 0 }));
    assert_eq!(public["conventions"], staff["conventions"], "signed conventions are public");

    // The open data: a row per signed convention, its figures, no party's name.
    let jsonl = town.app.get(&town.at("/exports/conventions.jsonl")).await.text().await.unwrap();
    let rows: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2, "{jsonl}");
    let this = rows.iter().find(|r| r["id"] == json!(id)).unwrap();
    assert_eq!((this["status"].as_str(), this["town_committed_cents"].as_i64()), (Some("completed"), Some(120_000)));
    assert_eq!((this["eroded"].as_i64(), this["participants_registered"].as_i64()), (Some(1), Some(2)));
    assert!(!jsonl.contains("Les voisins") && !jsonl.contains("Camille"), "{jsonl}");
}
