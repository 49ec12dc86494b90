//! Personal data over HTTP (GDPR articles 15, 17 and 20): a person exports everything held about
//! them and has it erased — with their account, with a request's tracking code, through an admin —
//! and afterwards no endpoint and no export mentions them, while every figure counts as before;
//! the retention forgets the requesters of requests closed long ago, and only them.

use crate::fixtures::TestTown;
use crate::helpers::{TestApp, json, problem, spawn_app, spawn_demo_app};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

const LOOS: &str = "/v1/municipalities/loos-en-gohelle";
const NAME: &str = "Zoé Erasmus";
const EMAIL: &str = "zoe.erasmus@example.org";
const PHONE: &str = "06 11 22 33 44";

/// Whether `text` mentions Zoé: her name (any case), email or phone (however written).
fn mentions(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut found = Vec::new();
    if lower.contains("erasmus") {
        found.push("name");
    }
    if lower.contains("zoe.erasmus") {
        found.push("email");
    }
    if lower.contains(PHONE) || lower.contains("06.11.22.33.44") || digits.contains("0611223344") {
        found.push("phone");
    }
    found
}

/// The first id of a list.
async fn first_id(app: &TestApp, token: &str, path: &str) -> String {
    let page = json(app.authed(Method::GET, path, token).send().await.unwrap()).await;
    page["items"][0]["id"].as_str().unwrap_or_else(|| panic!("{path}: {page}")).to_owned()
}

/// Every GET of the contract, each path parameter taken in turn from `values` (every
/// combination), read with `token` (anonymously without one): what each answered, by path.
async fn every_read(app: &TestApp, token: Option<&str>, values: &HashMap<&str, Vec<String>>) -> Vec<(String, String)> {
    let contract = json(app.get("/openapi.json").await).await;
    let mut read = Vec::new();
    for (template, operations) in contract["paths"].as_object().unwrap() {
        if operations.get("get").is_none() {
            continue;
        }
        let mut paths = vec![template.clone()];
        let params: Vec<&str> = template.split('{').skip(1).filter_map(|p| p.split('}').next()).collect();
        for param in params {
            let Some(choices) = values.get(param) else {
                panic!("no value for {{{param}}} of {template}: add one, so that it is read too");
            };
            paths =
                paths.iter().flat_map(|p| choices.iter().map(move |v| p.replace(&format!("{{{param}}}"), v))).collect();
        }
        for path in paths {
            let mut call = app.client.get(app.url(&path));
            if let Some(token) = token {
                call = call.bearer_auth(token);
            }
            let response = call.send().await.unwrap();
            let bytes = response.bytes().await.unwrap();
            read.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    read
}

fn mentioning(read: &[(String, String)]) -> Vec<String> {
    read.iter().filter(|(_, body)| !mentions(body).is_empty()).map(|(p, b)| format!("{p} {:?}", mentions(b))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_person_appears_in_no_endpoint_and_no_export_while_every_figure_counts_the_same() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let platform = app.login("platform@implication.demo").await;

    // Zoé registers, and does with her account what an inhabitant does.
    let registration = json!({ "email": EMAIL, "password": "un mot de passe assez long",
        "municipality": "loos-en-gohelle", "display_name": NAME });
    assert_eq!(app.client.post(app.url("/v1/registrations")).json(&registration).send().await.unwrap().status(), 201);
    let zoe = json(app.password_grant(EMAIL, "un mot de passe assez long", Some("loos-en-gohelle")).await).await
        ["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let asked = json!({ "kind": "idea", "title": "Un banc devant chez Zoé Erasmus",
        "description": "Bonjour, je suis Zoé Erasmus (06.11.22.33.44) : un banc rue Bayard aiderait les anciens.",
        "requester": { "kind": "individual", "name": NAME, "email": EMAIL, "phone": PHONE,
            "postal_address": "3 rue Bayard, 62750 Loos-en-Gohelle" },
        "personal_data_consent": true });
    let sent = app.authed(Method::POST, &format!("{LOOS}/requests"), &zoe).json(&asked).send().await.unwrap();
    assert_eq!(sent.status(), 201);
    let sent = json(sent).await;
    let (online, code) = (sent["id"].as_str().unwrap().to_owned(), sent["tracking_code"].as_str().unwrap().to_owned());
    // Staff publish it, so that the public lists and exports read it too.
    let (_, etag) = staff_read(&app, &agent, &online).await;
    let publish = app.authed(Method::POST, &format!("{LOOS}/requests/{online}/publish"), &agent);
    assert_eq!(publish.header("If-Match", etag).send().await.unwrap().status(), 200);
    // A letter of hers, typed in by an agent (not hers by account: by name and phone).
    let letter = json!({ "kind": "need", "title": "Courrier", "description": "Mme Erasmus demande un passage piéton.",
        "channel": "letter", "requester": { "kind": "individual", "name": "ZOÉ ERASMUS", "phone": "+33 6 11 22 33 44" },
        "personal_data_consent": true });
    let typed = app.authed(Method::POST, &format!("{LOOS}/requests"), &agent).json(&letter).send().await.unwrap();
    assert_eq!(typed.status(), 201);
    let typed = json(typed).await["id"].as_str().unwrap().to_owned();
    // She is a participant listed publicly, who carried a project, and tells of it.
    let project = first_id(&app, &admin, &format!("{LOOS}/projects")).await;
    let me = json!({ "consent": true, "listed_publicly": true });
    let recorded = app.authed(Method::POST, &format!("{LOOS}/participants"), &zoe).json(&me).send().await.unwrap();
    assert_eq!(recorded.status(), 201);
    let participant = json(recorded).await["id"].as_str().unwrap().to_owned();
    let took_part = json!({ "kind": "took_part_in_project", "subject_id": project });
    let path = format!("{LOOS}/participants/{participant}/participations");
    assert_eq!(app.authed(Method::POST, &path, &agent).json(&took_part).send().await.unwrap().status(), 201);
    let story = json!({ "subject": "project", "subject_id": project, "title": "Mon été au jardin",
        "text": "Moi, Zoé Erasmus, j'ai arrosé tout l'été.", "consent": true });
    let told = app.authed(Method::POST, &format!("{LOOS}/narratives"), &zoe).json(&story).send().await.unwrap();
    assert_eq!(told.status(), 201);
    let narrative_etag = told.headers()["etag"].to_str().unwrap().to_owned();
    let narrative = json(told).await["id"].as_str().unwrap().to_owned();
    let publish = app.authed(Method::POST, &format!("{LOOS}/narratives/{narrative}/publish"), &agent);
    assert_eq!(publish.header("If-Match", narrative_etag).send().await.unwrap().status(), 200);
    // She votes in a survey with her account.
    let survey = open_survey(&app, &agent).await;
    let vote = app.authed(Method::POST, &format!("{LOOS}/surveys/{survey}/ballots"), &zoe);
    assert_eq!(vote.json(&json!({ "option": 1 })).send().await.unwrap().status(), 204);
    // She sits on a body, with her contact details.
    let body = first_id(&app, &admin, &format!("{LOOS}/bodies")).await;
    let member = json!({ "name": NAME, "email": EMAIL, "phone": PHONE, "role": "Habitante", "consent": true });
    let joined = app.authed(Method::POST, &format!("{LOOS}/bodies/{body}/members"), &agent).json(&member);
    let joined = joined.send().await.unwrap();
    assert_eq!(joined.status(), 201);
    let member = json(joined).await["id"].as_str().unwrap().to_owned();

    let values = demo_values(
        &app,
        &platform,
        &[online.clone(), typed.clone()],
        &code,
        &narrative,
        &participant,
        &body,
        &member,
        &survey,
        &project,
    )
    .await;
    let indicators = |token: Option<String>| {
        let app = &app;
        async move {
            let mut call = app.client.get(app.url(&format!("{LOOS}/indicators?year=2026")));
            if let Some(token) = token {
                call = call.bearer_auth(token);
            }
            json(call.send().await.unwrap()).await
        }
    };
    let (staff_before, public_before) = (indicators(Some(admin.clone())).await, indicators(None).await);

    // Before: the walk finds her, in staff views, public views and exports.
    let seen = mentioning(&every_read(&app, Some(&admin), &values).await);
    for expected in ["/requests/", "/narratives", "/contributors", "/members", "/exports/requests.csv"] {
        assert!(seen.iter().any(|p| p.contains(expected)), "{expected} shows her before: {seen:#?}");
    }

    // The admin's export names what the town holds.
    let whom = json!({ "account_id": json(app.authed(Method::GET, "/v1/me", &zoe).send().await.unwrap()).await["id"],
        "name": "zoé  erasmus", "email": "ZOE.ERASMUS@example.org", "phone": "0611223344" });
    let exported =
        app.authed(Method::POST, &format!("{LOOS}/personal-data/exports"), &admin).json(&whom).send().await.unwrap();
    assert_eq!(exported.status(), 200);
    assert_eq!(exported.headers()["cache-control"], "no-store");
    let exported = json(exported).await;
    let count = |export: &Value, kind: &str| export["records"][kind].as_array().map_or(0, Vec::len);
    for (kind, n) in [
        ("requests", 2),
        ("narratives", 1),
        ("participants", 1),
        ("participations", 2),
        // A ballot's key is forgotten only with the account: the town's export leaves them out.
        ("ballots", 0),
        ("body_members", 1),
    ] {
        assert_eq!(count(&exported, kind), n, "{kind}: {exported}");
    }
    assert!(!exported.to_string().contains("tracking_hash"), "no secret column");

    // She erases her own account first, then asks the town's admin for the rest.
    let confirm = json!({ "confirm": true });
    let unconfirmed = app.authed(Method::POST, "/v1/me/personal-data/erasure", &zoe).json(&json!({})).send();
    assert_eq!(problem(unconfirmed.await.unwrap(), 422).await["errors"][0]["field"], "confirm");
    let own = app.authed(Method::POST, "/v1/me/personal-data/erasure", &zoe).json(&confirm).send().await.unwrap();
    assert_eq!(own.status(), 200);
    let own = json(own).await;
    assert_eq!(own["erasures"][0]["municipality"], Value::Null, "the account's first: {own}");
    assert_eq!(own["erasures"][0]["erased"]["accounts"], 1);
    assert_eq!(own["erasures"][1]["municipality"], "loos-en-gohelle");
    assert_eq!(own["erasures"][1]["erased"]["requests"], 1, "her own request, not the letter: {own}");
    assert_eq!(own["erasures"][1]["erased"]["ballots"], 1, "{own}");
    assert!(mentions(&own.to_string()).is_empty());
    let erased = app.authed(Method::POST, &format!("{LOOS}/personal-data/erasures"), &admin).json(&whom);
    let erased = erased.send().await.unwrap();
    assert_eq!(erased.status(), 201);
    let location = erased.headers()["location"].to_str().unwrap().to_owned();
    let erasure = json(erased).await;
    assert_eq!(erasure["requested_by"], "admin");
    assert_eq!(
        erasure["erased"],
        json!({ "requests": 1, "body_members": 1 }),
        "what her account did was erased already"
    );
    assert_eq!(json(app.authed(Method::GET, &location, &admin).send().await.unwrap()).await, erasure);
    let listed =
        json(app.authed(Method::GET, &format!("{LOOS}/personal-data/erasures"), &admin).send().await.unwrap()).await;
    assert_eq!(listed["items"][0], erasure, "newest first");
    assert!(mentions(&listed.to_string()).is_empty(), "an erasure is recorded without what it erased");

    // After: no read mentions her, with any role, nor anonymously; the figures are the same.
    let signed_in = app.password_grant(EMAIL, "un mot de passe assez long", None).await;
    assert_eq!(json(signed_in).await["error"], "invalid_grant");
    assert_eq!(app.authed(Method::GET, "/v1/me", &zoe).send().await.unwrap().status(), 401);
    for token in [Some(admin.as_str()), Some(platform.as_str()), None] {
        let read = every_read(&app, token, &values).await;
        assert!(read.len() > 80, "{} reads", read.len());
        assert_eq!(mentioning(&read), Vec::<String>::new(), "as {token:?}");
    }
    assert_eq!(indicators(Some(admin.clone())).await, staff_before);
    assert_eq!(indicators(None).await, public_before);
    let (request, _) = staff_read(&app, &agent, &online).await;
    assert_eq!(request["requester"]["kind"], "individual", "the request keeps its structure: {request}");
    assert_eq!(request["title"], "Un banc devant chez [erased]");
    let again = app.authed(Method::POST, &format!("{LOOS}/personal-data/exports"), &admin).json(&whom).send().await;
    let again = json(again.unwrap()).await;
    assert_eq!(count(&again, "body_members"), 0, "found no more: {again}");
    assert!(mentions(&again.to_string()).is_empty());
}

/// A survey open for an hour, in a process opened for it.
async fn open_survey(app: &TestApp, agent: &str) -> String {
    let process =
        json!({ "subject": "Les rythmes scolaires", "description": "Une consultation.", "level": "consultation" });
    let created = app.authed(Method::POST, &format!("{LOOS}/processes"), agent).json(&process).send().await.unwrap();
    let process = json(created).await["id"].as_str().unwrap().to_owned();
    let opened = app.authed(Method::POST, &format!("{LOOS}/processes/{process}/transitions"), agent);
    let opened = opened.header("If-Match", "*").json(&json!({ "to": "open" })).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let now = chrono::Utc::now();
    let survey = json!({ "question": "Quelle semaine préférez-vous ?",
        "options": [{ "title": "Quatre jours" }, { "title": "Quatre jours et demi" }],
        "eligible": 600, "eligible_unit": "households",
        "opens_at": now - chrono::Duration::minutes(5), "closes_at": now + chrono::Duration::hours(1) });
    let created = app.authed(Method::POST, &format!("{LOOS}/processes/{process}/surveys"), agent).json(&survey);
    let created = created.send().await.unwrap();
    assert_eq!(created.status(), 201);
    json(created).await["id"].as_str().unwrap().to_owned()
}

async fn staff_read(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    let response = app.authed(Method::GET, &format!("{LOOS}/requests/{id}"), token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (json(response).await, etag)
}

/// A value for every path parameter of the contract: Zoé's records where she has one, else one
/// of the demo's.
#[allow(clippy::too_many_arguments)]
async fn demo_values(
    app: &TestApp,
    platform: &str,
    requests: &[String],
    tracking_code: &str,
    narrative: &str,
    participant: &str,
    body: &str,
    member: &str,
    survey: &str,
    project: &str,
) -> HashMap<&'static str, Vec<String>> {
    let one = |v: String| vec![v];
    let found =
        json(app.authed(Method::GET, &format!("{LOOS}/projects/{project}"), platform).send().await.unwrap()).await;
    let convention = found["convention"].as_str().unwrap().to_owned();
    let text =
        json(app.authed(Method::GET, &format!("{LOOS}/conventions/{convention}"), platform).send().await.unwrap())
            .await;
    let party = text["text"]["parties"][0]["id"].as_str().unwrap().to_owned();
    let commitment = text["text"]["parties"][0]["commitments"][0]["id"].as_str().unwrap().to_owned();
    let meeting = first_id(app, platform, &format!("{LOOS}/meetings")).await;
    let account = first_id(app, platform, &format!("{LOOS}/accounts")).await;
    let erasure = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01".to_owned();
    let files = ["requests", "processes", "meetings", "surveys", "conventions", "indicators"]
        .iter()
        .flat_map(|f| [format!("{f}.csv"), format!("{f}.jsonl")])
        .chain(["datapackage.json".to_owned()])
        .collect();
    HashMap::from([
        ("municipality", one("loos-en-gohelle".into())),
        ("request", requests.to_vec()),
        ("tracking_code", one(tracking_code.into())),
        ("narrative", one(narrative.into())),
        ("participant", one(participant.into())),
        ("body", one(body.into())),
        ("member", one(member.into())),
        ("survey", one(survey.into())),
        ("project", one(project.into())),
        ("convention", one(convention)),
        ("party", one(party)),
        ("commitment", one(commitment)),
        ("meeting", one(meeting)),
        ("account", one(account)),
        ("erasure", one(erasure)),
        ("file", files),
        ("number", one("1".into())),
        // Open311's resources, in both formats, of Loos (the demo hosts two towns).
        ("format", vec!["json?jurisdiction_id=loos-en-gohelle".into(), "xml?jurisdiction_id=loos-en-gohelle".into()]),
        ("service_code", one("roads-and-traffic".into())),
        ("service_request_id", requests.to_vec()),
        ("step", one(first_id(app, platform, &format!("{LOOS}/steps")).await)),
        ("promise", one(first_id(app, platform, &format!("{LOOS}/promises")).await)),
        ("draw", one(first_id(app, platform, &format!("{LOOS}/draws")).await)),
        ("organisation", one(first_id(app, platform, &format!("{LOOS}/organisations")).await)),
        ("round", one(first_id(app, platform, &format!("{LOOS}/evaluation-rounds")).await)),
        // The demo has no webhook subscription (they carry no personal data): their reads answer 404.
        ("subscription", one("0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e02".to_owned())),
        ("delivery", one("0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e03".to_owned())),
        ("process", one(first_id(app, platform, &format!("{LOOS}/processes")).await)),
        ("notice", one(first_id(app, platform, &format!("{LOOS}/notices")).await)),
        ("neighbourhood", one("cite-5".into())),
        ("theme", one("voirie".into())),
        ("service", one("services-techniques".into())),
        ("delegation", one(first_code(app, platform, &format!("{LOOS}/delegations")).await)),
        ("client", one(first_id(app, platform, &format!("{LOOS}/clients")).await)),
        ("template", one("A3".into())),
    ])
}

async fn first_code(app: &TestApp, token: &str, path: &str) -> String {
    let page = json(app.authed(Method::GET, path, token).send().await.unwrap()).await;
    page["items"][0]["code"].as_str().unwrap_or_else(|| panic!("{path}: {page}")).to_owned()
}

#[tokio::test]
async fn a_requester_exports_and_erases_with_the_tracking_code_that_request_only() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let asked = |title: &str| {
        json!({ "kind": "idea", "title": title, "description": "Appelez Zoé Erasmus au 06 11 22 33 44.",
            "requester": { "kind": "individual", "name": NAME, "email": EMAIL, "phone": PHONE },
            "personal_data_consent": true })
    };
    let first = json(town.submit(None, &asked("Un banc")).await).await;
    let second = json(town.submit(None, &asked("Un arbre")).await).await;
    let code = first["tracking_code"].as_str().unwrap();
    let at = |suffix: &str| town.at(&format!("/tracking/{code}/personal-data{suffix}"));

    let exported = app.get(&at("")).await;
    assert_eq!(exported.status(), 200);
    let exported = json(exported).await;
    assert_eq!(exported["scope"], "requester");
    let held = exported["records"]["requests"].as_array().unwrap();
    assert_eq!(held.len(), 1, "the code proves that request only: {exported}");
    assert_eq!((held[0]["id"].as_str(), held[0]["requester_email"].as_str()), (first["id"].as_str(), Some(EMAIL)));
    assert_eq!(exported["records"]["request_events"].as_array().unwrap().len(), 1);
    assert!(held[0].get("internal_note").is_none(), "staff's notes are not the requester's to read");

    let unconfirmed = app.client.post(app.url(&at("/erasure"))).json(&json!({ "confirm": false })).send();
    assert_eq!(problem(unconfirmed.await.unwrap(), 422).await["errors"][0]["field"], "confirm");
    let erased = app.client.post(app.url(&at("/erasure"))).json(&json!({ "confirm": true })).send().await.unwrap();
    assert_eq!(erased.status(), 200);
    let erased = json(erased).await;
    assert_eq!(
        (erased["requested_by"].as_str(), erased["erased"]["requests"].as_i64()),
        (Some("tracking_code"), Some(1))
    );
    let (request, _) = town.staff_get(&agent, first["id"].as_str().unwrap()).await;
    assert!(mentions(&request.to_string()).is_empty(), "{request}");
    assert_eq!(request["description"], "Appelez [erased] au [erased].");
    let (other, _) = town.staff_get(&agent, second["id"].as_str().unwrap()).await;
    assert_eq!(other["requester"]["email"], EMAIL, "the other request keeps its requester");
    assert!(mentions(&json(app.get(&at("")).await).await.to_string()).is_empty(), "its export is empty of her");
    assert_eq!(app.get(&town.at(&format!("/tracking/{code}"))).await.status(), 200, "the code still follows it");

    let wrong = town.at("/tracking/aaaaaaaaaaaaaaaaaaaaaaaaaa/personal-data");
    problem(app.get(&wrong).await, 404).await;
    let confirmed = app.client.post(app.url(&format!("{wrong}/erasure"))).json(&json!({ "confirm": true })).send();
    problem(confirmed.await.unwrap(), 404).await;
}

#[tokio::test]
async fn an_admin_names_the_person_and_every_invalid_field_is_named_back_and_only_admins_may() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (admin, agent, inhabitant) = (town.admin().await, town.agent().await, town.inhabitant().await);
    let post = |token: &str, suffix: &str, body: Value| {
        app.authed(Method::POST, &town.at(&format!("/personal-data/{suffix}")), token).json(&body).send()
    };
    let nobody = problem(post(&admin, "exports", json!({})).await.unwrap(), 422).await;
    assert_eq!(nobody["errors"][0]["field"], "account_id");
    let invalid = problem(
        post(&admin, "erasures", json!({ "name": "Zo", "email": "pas-un-email", "phone": "abc" })).await.unwrap(),
        422,
    )
    .await;
    let fields: Vec<&str> =
        invalid["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "email", "phone"]);
    let unknown = problem(post(&admin, "exports", json!({ "nom": NAME })).await.unwrap(), 422).await;
    assert_eq!(unknown["errors"][0]["field"], "nom");
    for token in [&agent, &inhabitant] {
        problem(post(token, "exports", json!({ "name": NAME })).await.unwrap(), 403).await;
        problem(post(token, "erasures", json!({ "name": NAME })).await.unwrap(), 403).await;
    }
    let anonymous = app.client.post(app.url(&town.at("/personal-data/exports"))).json(&json!({ "name": NAME }));
    assert_eq!(anonymous.send().await.unwrap().status(), 401);
    // An admin does not erase their own account: another admin demotes them first.
    let own = app.authed(Method::POST, "/v1/me/personal-data/erasure", &admin).json(&json!({ "confirm": true }));
    problem(own.send().await.unwrap(), 403).await;
    assert_eq!(app.authed(Method::GET, "/v1/me", &admin).send().await.unwrap().status(), 200);
    // Nothing held: the erasure is recorded all the same.
    let nothing = post(&admin, "erasures", json!({ "email": EMAIL })).await.unwrap();
    assert_eq!(nothing.status(), 201);
    assert_eq!(json(nothing).await["erased"], json!({}));
    // Another town's admin reads none of this town's erasures.
    let other = TestTown::new(&app).await;
    let theirs = other.admin().await;
    let listed = app.authed(Method::GET, &town.at("/personal-data/erasures"), &theirs).send().await.unwrap();
    assert_eq!(listed.status(), 404, "another town's, as if it did not exist");
    let missing = town.at("/personal-data/erasures/0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01");
    problem(app.authed(Method::GET, &missing, &admin).send().await.unwrap(), 404).await;
}

#[tokio::test]
async fn an_inhabitant_exports_their_own_data_then_erases_it_and_can_no_longer_sign_in() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let inhabitant = town.inhabitant().await;
    let agent = town.agent().await;
    let asked = json!({ "kind": "idea", "title": "Des poubelles de tri", "description": "Place de la mairie.",
        "requester": { "kind": "individual", "name": NAME, "phone": PHONE }, "personal_data_consent": true });
    let sent = json(town.submit(Some(&inhabitant), &asked).await).await;
    let id = sent["id"].as_str().unwrap();

    let exported = app.authed(Method::GET, "/v1/me/personal-data", &inhabitant).send().await.unwrap();
    assert_eq!(exported.status(), 200);
    let exported = json(exported).await;
    assert_eq!(exported["scope"], "account");
    assert_eq!(exported["records"]["account"][0]["email"], town.email("inhabitant"));
    assert!(exported["records"]["account"][0].get("password_hash").is_none(), "no secret");
    assert_eq!(exported["records"]["requests"][0]["requester_phone"], PHONE);
    assert_eq!(exported["records"]["memberships"].as_array().unwrap().len(), 1);

    let erasure = app.authed(Method::POST, "/v1/me/personal-data/erasure", &inhabitant);
    let erased = erasure.json(&json!({ "confirm": true })).send().await.unwrap();
    assert_eq!(erased.status(), 200);
    let (request, _) = town.staff_get(&agent, id).await;
    assert!(mentions(&request.to_string()).is_empty(), "{request}");
    assert_eq!(app.authed(Method::GET, "/v1/me/personal-data", &inhabitant).send().await.unwrap().status(), 401);
    let signed_in = app.password_grant(&town.email("inhabitant"), implication_api::demo::PASSWORD, None).await;
    assert_eq!(json(signed_in).await["error"], "invalid_grant");
    let members = json(app.authed(Method::GET, &town.at("/accounts"), &town.admin().await).send().await.unwrap()).await;
    assert!(!members.to_string().contains(&town.email("inhabitant")), "{members}");
}

#[tokio::test]
async fn the_retention_forgets_the_requesters_of_requests_closed_long_ago_and_only_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let asked = json!({ "kind": "idea", "title": "Un banc", "description": "Rue Bayard.",
        "requester": { "kind": "individual", "name": NAME, "email": EMAIL }, "personal_data_consent": true });
    let old = town.request().body(asked.clone()).in_status("answered").await;
    let recent = town.request().body(asked.clone()).in_status("answered").await;
    let open = town.request().body(asked).in_status("qualifying").await;
    // The first closed six years ago (and has not changed since).
    let six_years_ago = chrono::Utc::now() - chrono::Duration::days(6 * 366);
    backdate(&app, &old.id, six_years_ago).await;

    let erasures = implication_app::identity::personal_data::apply_retention(&app.db, 5, None).await.unwrap();
    let forgotten: u32 = erasures.iter().map(|e| e.erased.get("requests").copied().unwrap_or(0)).sum();
    assert_eq!(forgotten, 1);
    let (request, _) = town.staff_get(&agent, &old.id).await;
    assert!(mentions(&request.to_string()).is_empty(), "{request}");
    for kept in [&recent.id, &open.id] {
        assert_eq!(town.staff_get(&agent, kept).await.0["requester"]["email"], EMAIL);
    }
    let again = implication_app::identity::personal_data::apply_retention(&app.db, 5, None).await.unwrap();
    assert!(again.is_empty(), "a second run finds nothing more");
    let listed =
        json(app.authed(Method::GET, &town.at("/personal-data/erasures"), &town.admin().await).send().await.unwrap())
            .await;
    assert_eq!(listed["items"][0]["requested_by"], "retention");
    assert!(
        implication_app::identity::personal_data::apply_retention(&app.db, 0, None).await.is_err(),
        "0 years is refused"
    );
}

/// Makes request `id` last changed at `at`.
async fn backdate(app: &TestApp, id: &str, at: chrono::DateTime<chrono::Utc>) {
    use implication_storage::sea_orm::ConnectionTrait;
    use implication_storage::sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let conn = app.db.conn();
    let backend = conn.get_database_backend();
    let id = uuid::Uuid::parse_str(id).unwrap();
    let update = Query::update()
        .table(Alias::new("requests"))
        .value(Alias::new("updated_at"), at)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    conn.execute_raw(backend.build(&update)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signatory_is_forgotten_in_the_signed_text_and_the_signatures_which_stay() {
    let app = spawn_demo_app().await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let who = "Un voisin référent";
    let conventions = json(app.authed(Method::GET, &format!("{LOOS}/conventions"), &admin).send().await.unwrap()).await;
    let mut naming = Vec::new();
    for c in conventions["items"].as_array().unwrap() {
        let path = format!("{LOOS}/conventions/{}", c["id"].as_str().unwrap());
        let read = json(app.authed(Method::GET, &path, &admin).send().await.unwrap()).await;
        if read.to_string().contains(who) {
            naming.push((path, read["signatures"].as_array().map_or(0, Vec::len)));
        }
    }
    assert!(!naming.is_empty(), "the demo names {who} in a signed convention");

    let erased = app.authed(Method::POST, &format!("{LOOS}/personal-data/erasures"), &admin);
    let erased = erased.json(&json!({ "name": who })).send().await.unwrap();
    assert_eq!(erased.status(), 201);
    let erasure = json(erased).await;
    assert!(erasure["erased"]["convention_signatures"].as_i64() >= Some(1), "{erasure}");
    assert!(erasure["erased"]["convention_versions"].as_i64() >= Some(1), "{erasure}");
    for (path, signatures) in naming {
        for suffix in ["", "/document", "/versions/1"] {
            let read = app.authed(Method::GET, &format!("{path}{suffix}"), &admin).send().await.unwrap();
            assert_eq!(read.status(), 200, "{path}{suffix}");
            let text = read.text().await.unwrap();
            assert!(!text.contains(who) && !text.contains("voisin r"), "{path}{suffix}: {text}");
        }
        let read = json(app.authed(Method::GET, &path, &admin).send().await.unwrap()).await;
        assert_eq!(read["signatures"].as_array().map_or(0, Vec::len), signatures, "the signatures stay");
    }
    // The database still refuses any other change of a signed text or a signature.
    use implication_storage::sea_orm::ConnectionTrait;
    let conn = app.db.conn();
    assert!(conn.execute_unprepared("UPDATE convention_signatures SET signatory = 'Quelqu''un'").await.is_err());
    assert!(
        conn.execute_unprepared("UPDATE convention_signatures SET capacity = 'x', signatory = '[erased]'")
            .await
            .is_err()
    );
    let rewritten = "UPDATE convention_versions SET content = '{}' WHERE content_hash IS NOT NULL";
    assert!(conn.execute_unprepared(rewritten).await.is_err());
}
