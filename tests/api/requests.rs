//! Requests: intake by every kind of caller, registration numbers, idempotency, views, edits,
//! answers, tracking and the late flag. The lifecycle has its own module.

use crate::fixtures::{TestTown, every_guard_passes};
use crate::helpers::{json, problem, spawn_app, spawn_app_with};
use chrono::{Days, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;

pub const LOOS: &str = "/v1/municipalities/loos-en-gohelle";
pub const NAME: &str = "Camille Dupontel";
pub const EMAIL: &str = "camille.dupontel@example.org";
pub const PHONE: &str = "03 21 69 88 77";
pub const NOTE: &str = "Voisin déjà venu trois fois en mairie";

/// A request with personal data in every field that may hold it.
pub fn personal_request() -> Value {
    json!({
        "kind": "complaint",
        "title": "Les voitures roulent trop vite dans la cité 5",
        "description": "Le soir, des voitures traversent la cité à toute allure.",
        "themes": ["roads-and-traffic"],
        "neighbourhood": "cite-5",
        "location": { "address": "Rue Lamartine", "point": { "latitude": 50.4573, "longitude": 2.7925 } },
        "requester": { "kind": "individual", "name": NAME, "email": EMAIL, "phone": PHONE, "postal_address": "12 rue des Corons" },
        "personal_data_consent": true
    })
}

pub fn simple_request(title: &str) -> Value {
    json!({ "kind": "idea", "title": title, "description": "Une idée pour la commune." })
}

/// Submits a request to the town with an optional token; returns the response.
async fn submit(town: &TestTown<'_>, token: Option<&str>, body: &Value) -> reqwest::Response {
    town.submit(token, body).await
}

/// Submits and returns the receipt (asserting a 201).
async fn receipt(town: &TestTown<'_>, token: Option<&str>, body: &Value) -> Value {
    let response = submit(town, token, body).await;
    assert_eq!(response.status(), 201, "submission refused");
    json(response).await
}

fn sequence(registration_number: &Value) -> u32 {
    registration_number.as_str().unwrap().split_once('-').unwrap().1.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_inhabitant_submits_and_gets_a_number_and_a_tracking_code() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let response = submit(&town, None, &personal_request()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let receipt = json(response).await;
    let year = Utc::now().format("%Y").to_string();
    assert!(receipt["registration_number"].as_str().unwrap().starts_with(&format!("{year}-")), "{receipt}");
    assert_eq!(receipt["registration_number"].as_str().unwrap().len(), 10, "YYYY-NNNNN");
    let code = receipt["tracking_code"].as_str().unwrap();
    assert_eq!(code.len(), 26);
    assert_eq!(location, town.at(&format!("/requests/{}", receipt["id"].as_str().unwrap())));
    let agent = town.agent().await;
    let (request, _) = town.staff_get(&agent, receipt["id"].as_str().unwrap()).await;
    assert_eq!(request["channel"], "website");
    assert_eq!(request["status"], "received");
    assert_eq!(request["received_on"], crate::fixtures::town_day(0).to_string());
    assert_eq!(request["submitted_by"]["kind"], "public");
    assert_eq!(request["requester"]["name"], NAME);
    assert_eq!(request["personal_data_consent"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tracking_code_is_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let receipt = receipt(&town, None, &simple_request("Un banc")).await;
    let code = receipt["tracking_code"].as_str().unwrap();
    assert_eq!(code.len(), 26);
    use implication_storage::sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .conn()
        .query_all_raw(Statement::from_string(
            app.db.conn().get_database_backend(),
            "SELECT tracking_hash FROM requests",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the request just submitted, and only it");
    let stored: String = rows[0].try_get("", "tracking_hash").unwrap();
    assert!(!stored.contains(code), "the code itself is not stored");
    assert_eq!(stored, implication_api::auth::secrets::sha256_hex(code), "its SHA-256, in hexadecimal");
    let followed = app.get(&town.at(&format!("/tracking/{code}"))).await;
    assert_eq!(followed.status(), 200, "the code still finds the request through its hash");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_types_in_a_letter_received_last_week() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let last_week = crate::fixtures::town_day(0).checked_sub_days(Days::new(7)).unwrap().to_string();
    let mut letter = simple_request("Courrier : des jardinières rue Bayard");
    letter["channel"] = json!("letter");
    letter["received_on"] = json!(last_week);
    let receipt = receipt(&town, Some(&agent), &letter).await;
    assert_eq!(receipt["received_on"], last_week);
    let (request, _) = town.staff_get(&agent, receipt["id"].as_str().unwrap()).await;
    assert_eq!(request["channel"], "letter");
    assert_eq!(request["submitted_by"]["kind"], "account");

    let tomorrow = crate::fixtures::town_day(0).checked_add_days(Days::new(1)).unwrap().to_string();
    letter["received_on"] = json!(tomorrow);
    let refused = problem(submit(&town, Some(&agent), &letter).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "received_on");
    letter["received_on"] = json!(last_week);
    letter.as_object_mut().unwrap().remove("channel");
    let refused = problem(submit(&town, Some(&agent), &letter).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "channel", "staff say how a request came");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_cannot_choose_the_channel_nor_backdate() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let mut body = simple_request("Boîte à livres");
    body["channel"] = json!("letter");
    body["received_on"] = json!("2026-01-01");
    let refused = problem(submit(&town, None, &body).await, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["channel", "received_on"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_inhabitant_submits_and_follows_it_from_their_account() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let inhabitant = town.inhabitant().await;
    let receipt = receipt(&town, Some(&inhabitant), &simple_request("Des bancs au city-stade")).await;
    let id = receipt["id"].as_str().unwrap();
    let mine = app.authed(Method::GET, &town.at(&format!("/requests/{id}")), &inhabitant).send().await.unwrap();
    assert_eq!(mine.status(), 200);
    let mine = json(mine).await;
    assert_eq!(mine["view"], "requester");
    assert_eq!(mine["history"][0]["kind"], "created");
    let neighbour = TestTown::new(&app).await;
    let other = neighbour.admin().await;
    let foreign = app.authed(Method::GET, &town.at(&format!("/requests/{id}")), &other).send().await.unwrap();
    assert_eq!(foreign.status(), 404, "unpublished, and not theirs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_tool_submits_for_its_association() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    let new_client = |name: &'static str, scopes: Value| {
        let (app, town, admin) = (&app, &town, admin.clone());
        async move {
            let created = app
                .authed(Method::POST, &town.at("/clients"), &admin)
                .json(&json!({ "name": name, "association": "Les Bâtisseurs", "scopes": scopes }))
                .send()
                .await
                .unwrap();
            assert_eq!(created.status(), 201);
            let created = json(created).await;
            app.client_login(created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap()).await
        }
    };
    let client = new_client("Outil des Bâtisseurs", json!(["requests:read", "requests:write"])).await;
    let receipt = receipt(&town, Some(&client), &simple_request("Nettoyage du terril")).await;
    let agent = town.agent().await;
    let (request, _) = town.staff_get(&agent, receipt["id"].as_str().unwrap()).await;
    assert_eq!(request["channel"], "partner_tool");
    assert_eq!(request["submitted_by"]["kind"], "client");
    assert_eq!(request["association"], "Les Bâtisseurs");
    let theirs = app.authed(Method::GET, &town.at(&format!("/requests/{}", receipt["id"].as_str().unwrap())), &client);
    assert_eq!(json(theirs.send().await.unwrap()).await["view"], "requester");

    let unscoped = new_client("Lecteur", json!(["projects:read"])).await;
    problem(submit(&town, Some(&unscoped), &simple_request("Sans droit")).await, 403).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_submissions_get_fifty_consecutive_numbers() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let before = receipt(&town, None, &simple_request("Avant")).await;
    let first = sequence(&before["registration_number"]);
    let submissions = (0..50).map(|i| {
        let town = &town;
        async move { json(submit(town, None, &simple_request(&format!("Demande {i}"))).await).await }
    });
    let receipts = futures_join_all(submissions).await;
    let mut numbers: Vec<u32> = receipts.iter().map(|r| sequence(&r["registration_number"])).collect();
    numbers.sort_unstable();
    let expected: Vec<u32> = (first + 1..=first + 50).collect();
    assert_eq!(numbers, expected, "no gap, no duplicate");
}

/// Runs futures concurrently on the test's runtime.
pub async fn futures_join_all<F: std::future::Future<Output = T>, T>(futures: impl IntoIterator<Item = F>) -> Vec<T> {
    let futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut results = Vec::new();
    // Poll them all together: reqwest sends each on its own connection.
    let mut pending: Vec<_> = futures.into_iter().enumerate().collect();
    let mut done: Vec<Option<T>> = Vec::new();
    done.resize_with(pending.len(), || None);
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(i, future)| match future.as_mut().poll(cx) {
            std::task::Poll::Ready(value) => {
                done[*i] = Some(value);
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    results.extend(done.into_iter().flatten());
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_with_the_same_idempotency_key_gets_the_first_answer() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let send = |key: &'static str, body: Value| {
        let (app, town) = (&app, &town);
        async move {
            app.client
                .post(app.url(&town.at("/requests")))
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let mut body = personal_request();
    body["title"] = json!("Demande envoyée plusieurs fois 7431");
    let first = send("retry-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    let first = json(first).await;
    let again = send("retry-1", body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(json(again).await, first, "the same answer, tracking code included");
    let other = problem(send("retry-1", simple_request("Autre chose")).await, 422).await;
    assert_eq!(other["errors"][0]["field"], "Idempotency-Key");
    let agent = town.agent().await;
    let listed = town.list_ids(Some(&agent), "q=7431").await;
    assert_eq!(listed, [first["id"].as_str().unwrap()], "one request however often it is sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_retries_with_one_key_create_one_request() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let retries = (0..10).map(|_| {
        let (app, town) = (&app, &town);
        async move {
            let response = app
                .client
                .post(app.url(&town.at("/requests")))
                .header("Idempotency-Key", "concurrent-key")
                .json(&simple_request("Une seule fois"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
            json(response).await
        }
    });
    let answers = futures_join_all(retries).await;
    let ids: HashSet<&str> = answers.iter().map(|a| a["id"].as_str().unwrap()).collect();
    let codes: HashSet<&str> = answers.iter().map(|a| a["tracking_code"].as_str().unwrap()).collect();
    assert_eq!((ids.len(), codes.len()), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_from_two_callers_names_two_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let mut letter = simple_request("Même clé");
    letter["channel"] = json!("letter");
    let by_agent = app
        .authed(Method::POST, &town.at("/requests"), &agent)
        .header("Idempotency-Key", "shared")
        .json(&letter)
        .send()
        .await
        .unwrap();
    let by_public = app
        .client
        .post(app.url(&town.at("/requests")))
        .header("Idempotency-Key", "shared")
        .json(&simple_request("Même clé"))
        .send()
        .await
        .unwrap();
    assert_eq!((by_agent.status().as_u16(), by_public.status().as_u16()), (201, 201));
    let (by_agent, by_public) = (json(by_agent).await, json(by_public).await);
    assert!(by_agent["id"].is_string() && by_public["id"].is_string());
    assert_ne!(by_agent["id"], by_public["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_intake_is_rate_limited_per_address() {
    let app = spawn_app_with(&[("ANONYMOUS_INTAKE_PER_HOUR", "3")]).await;
    let town = TestTown::new(&app).await;
    for i in 0..3 {
        assert_eq!(submit(&town, None, &simple_request(&format!("Idée {i}"))).await.status(), 201);
    }
    let limited = submit(&town, None, &simple_request("Une de trop")).await;
    assert!(limited.headers().contains_key("retry-after"));
    problem(limited, 429).await;
    let agent = town.agent().await;
    let mut letter = simple_request("Les agents ne sont pas limités");
    letter["channel"] = json!("phone");
    assert_eq!(submit(&town, Some(&agent), &letter).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_names_every_invalid_field_and_writes_nothing() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    // Every request of the town, all pages read: a full page would hide a write.
    let count = || {
        let (town, agent) = (&town, agent.clone());
        async move { town.list_ids(Some(&agent), "").await.len() }
    };
    town.request().title("Déjà là").submitted().await;
    let before = count().await;
    assert_eq!(before, 1);
    let body = json!({
        "title": "x".repeat(201), "themes": ["nope", "a", "b", "c", "d", "e"], "neighbourhood": "atlantis",
        "requester": { "kind": "individual", "email": "pas-un-email", "phone": "appelez-moi" },
        "location": { "point": { "latitude": 91, "longitude": 0 } }
    });
    let refused = problem(submit(&town, None, &body).await, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for expected in [
        "kind",
        "title",
        "description",
        "themes",
        "themes[0]",
        "neighbourhood",
        "location.point.latitude",
        "requester.email",
        "requester.phone",
        "personal_data_consent",
    ] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    let unknown_kind =
        problem(submit(&town, None, &json!({ "kind": "rant", "title": "t", "description": "d" })).await, 422).await;
    assert_eq!(unknown_kind["errors"][0]["field"], "kind");
    assert_eq!(count().await, before, "nothing was written");
    submit(&town, None, &simple_request("Valide")).await;
    assert_eq!(count().await, before + 1, "the count sees a write");
    let malformed = app
        .client
        .post(app.url(&town.at("/requests")))
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    problem(malformed, 400).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_needs_consent() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let mut body = personal_request();
    body["personal_data_consent"] = json!(false);
    let refused = problem(submit(&town, None, &body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "personal_data_consent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_views_never_carry_personal_data() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let receipt = receipt(&town, None, &personal_request()).await;
    let id = receipt["id"].as_str().unwrap();
    let code = receipt["tracking_code"].as_str().unwrap();
    let (_, etag) = town.staff_get(&agent, id).await;
    let patched = app
        .authed(Method::PATCH, &town.at(&format!("/requests/{id}")), &agent)
        .header("If-Match", etag)
        .json(&json!({ "internal_note": NOTE }))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let (_, etag) = town.staff_get(&agent, id).await;
    let published = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/publish")), &agent)
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    let answer = json!({ "text": "Un comptage aura lieu.", "public": true });
    let answered = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/answers")), &agent)
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);

    let inhabitant = town.inhabitant().await;
    let public_paths = [
        town.at("/requests"),
        town.at("/requests?q=allure"),
        town.at(&format!("/requests/{id}")),
        town.at(&format!("/requests/{id}/answers")),
        town.at(&format!("/tracking/{code}")),
    ];
    for path in &public_paths {
        for token in [None, Some(inhabitant.as_str())] {
            let mut request = app.client.get(app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let text = response.text().await.unwrap();
            // Each answer shows the request (or its answer): the checks below are on a real view.
            let shown = if path.ends_with("/answers") { "Un comptage aura lieu." } else { id };
            assert!(text.contains(shown), "{path} does not show the request: {text}");
            for secret in [NAME, EMAIL, PHONE, "12 rue des Corons", NOTE] {
                assert!(!text.contains(secret), "{path} shows {secret}: {text}");
            }
        }
    }
    let staff_text = app
        .authed(Method::GET, &town.at(&format!("/requests/{id}")), &agent)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(staff_text.contains(NAME) && staff_text.contains(NOTE), "staff see everything");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpublished_request_is_invisible_to_the_public() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let receipt = receipt(&town, None, &simple_request("Privée pour l'instant")).await;
    let id = receipt["id"].as_str().unwrap();
    problem(app.get(&town.at(&format!("/requests/{id}"))).await, 404).await;
    problem(app.get(&town.at(&format!("/requests/{id}/answers"))).await, 404).await;
    // Beside it, a published request: the public list is not empty, so its absence means something.
    let agent = town.agent().await;
    let public = town.request().title("Publique").submitted().await;
    let public_id = public.id.as_str();
    let (_, etag) = town.staff_get(&agent, public_id).await;
    let published = app
        .authed(Method::POST, &town.at(&format!("/requests/{public_id}/publish")), &agent)
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    assert_eq!(town.list_ids(None, "").await, [public_id], "the published request, and not the private one");
    let listed = json(app.get(&town.at("/requests")).await).await;
    let views: Vec<&Value> = listed["items"].as_array().unwrap().iter().map(|r| &r["view"]).collect();
    assert_eq!(views, [&json!("public")]);
    let neighbour = TestTown::new(&app).await;
    let elsewhere = json(app.get(&neighbour.at(&format!("/requests/{id}"))).await).await;
    assert_eq!(elsewhere["status"], 404, "another municipality's path never finds it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracking_code_shows_only_its_own_request() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let mine = receipt(&town, None, &simple_request("Ma demande à moi")).await;
    let _other = receipt(&town, None, &simple_request("La demande du voisin")).await;
    let code = mine["tracking_code"].as_str().unwrap();
    let followed = app.get(&town.at(&format!("/tracking/{code}"))).await;
    assert_eq!(followed.status(), 200);
    assert_eq!(followed.headers()["cache-control"], "no-store");
    let followed = json(followed).await;
    assert_eq!(followed["id"], mine["id"]);
    assert_eq!(followed["title"], "Ma demande à moi");
    assert!(!followed.to_string().contains("voisin"));
    let keys: HashSet<&str> = followed.as_object().unwrap().keys().map(String::as_str).collect();
    for private in ["requester", "internal_note", "association", "submitted_by"] {
        assert!(!keys.contains(private), "{private}");
    }
    problem(app.get(&town.at(&format!("/tracking/{}", "a".repeat(26)))).await, 404).await;
    problem(app.get(&town.at("/tracking/not-a-code")).await, 404).await;
    let neighbour = TestTown::new(&app).await;
    problem(app.get(&neighbour.at(&format!("/tracking/{code}"))).await, 404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_reach_the_requester_and_public_ones_the_public() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let receipt = receipt(&town, None, &simple_request("Des fleurs rue Bayard")).await;
    let (id, code) = (receipt["id"].as_str().unwrap(), receipt["tracking_code"].as_str().unwrap());
    for (text, public) in [("Réponse privée au demandeur", false), ("Réponse publique", true)] {
        let posted = app
            .authed(Method::POST, &town.at(&format!("/requests/{id}/answers")), &agent)
            .json(&json!({ "text": text, "public": public }))
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 201);
    }
    let followed = json(app.get(&town.at(&format!("/tracking/{code}"))).await).await;
    assert_eq!(followed["answers"].as_array().unwrap().len(), 2);
    assert!(followed["history"].as_array().unwrap().iter().any(|e| e["kind"] == "answered"));
    let (_, etag) = town.staff_get(&agent, id).await;
    let published = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/publish")), &agent)
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    let public = json(app.get(&town.at(&format!("/requests/{id}/answers"))).await).await;
    let texts: Vec<&str> = public["items"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Réponse publique"]);
    let empty = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/answers")), &agent)
        .json(&json!({ "text": "  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(empty, 422).await["errors"][0]["field"], "text");
    let inhabitant = town.inhabitant().await;
    let forbidden = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/answers")), &inhabitant)
        .json(&json!({ "text": "Moi aussi" }))
        .send()
        .await
        .unwrap();
    problem(forbidden, 403).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_needs_the_current_etag_and_is_recorded_by_field_name() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let receipt = receipt(&town, None, &personal_request()).await;
    let id = receipt["id"].as_str().unwrap();
    let path = town.at(&format!("/requests/{id}"));
    let body = json!({ "title": "Vitesse excessive rue Lamartine", "neighbourhood": null });
    let missing = app.authed(Method::PATCH, &path, &agent).json(&body).send().await.unwrap();
    problem(missing, 428).await;
    let stale = app.authed(Method::PATCH, &path, &agent).header("If-Match", "\"7\"").json(&body).send().await.unwrap();
    problem(stale, 412).await;
    let (_, etag) = town.staff_get(&agent, id).await;
    let done = app.authed(Method::PATCH, &path, &agent).header("If-Match", &etag).json(&body).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert_ne!(done.headers()["etag"].to_str().unwrap(), etag);
    let corrected = json(done).await;
    assert_eq!(corrected["title"], "Vitesse excessive rue Lamartine");
    assert_eq!(corrected["neighbourhood"], Value::Null);
    assert_eq!(corrected["themes"], json!(["roads-and-traffic"]), "absent fields are kept");
    let replayed = app.authed(Method::PATCH, &path, &agent).header("If-Match", &etag).json(&body).send().await.unwrap();
    problem(replayed, 412).await;
    let history = json(app.authed(Method::GET, &format!("{path}/history"), &agent).send().await.unwrap()).await;
    let edited = history["items"].as_array().unwrap().iter().find(|e| e["kind"] == "edited").unwrap();
    assert_eq!(edited["fields"], json!(["title", "neighbourhood"]));
    assert!(!history.to_string().contains("Vitesse"), "the history keeps names, not values");
    let (_, etag) = town.staff_get(&agent, id).await;
    let bad = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", &etag)
        .json(&json!({ "themes": ["nope"], "personal_data_consent": false, "received_on": "2999-01-01" }))
        .send()
        .await
        .unwrap();
    let bad = problem(bad, 422).await;
    let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["themes[0]", "personal_data_consent", "received_on"]);
    let (after, _) = town.staff_get(&agent, id).await;
    assert_eq!(after["title"], "Vitesse excessive rue Lamartine", "a refused correction writes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_waiting_past_the_answer_delay_is_late() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let long_ago = crate::fixtures::town_day(0).checked_sub_days(Days::new(45)).unwrap().to_string();
    let mut letter = simple_request("Lettre restée sans réponse");
    letter["channel"] = json!("letter");
    letter["received_on"] = json!(long_ago);
    let late = receipt(&town, Some(&agent), &letter).await;
    let fresh = receipt(&town, None, &simple_request("Toute fraîche")).await;
    let (view, _) = town.staff_get(&agent, late["id"].as_str().unwrap()).await;
    assert_eq!(view["late"], true);
    let (view, _) = town.staff_get(&agent, fresh["id"].as_str().unwrap()).await;
    assert_eq!(view["late"], false);
    let listed = town.list_ids(Some(&agent), "late=true").await;
    assert!(listed.contains(&late["id"].as_str().unwrap().to_owned()));
    assert!(!listed.contains(&fresh["id"].as_str().unwrap().to_owned()));
    let id = late["id"].as_str().unwrap();
    assert_eq!(town.transition(&agent, id, json!({ "to": "qualifying" })).await.status(), 200);
    let (view, _) = town.staff_get(&agent, id).await;
    assert_eq!(view["late"], true, "qualifying is still waiting for an answer");
    town.record_qualification(&agent, id, &every_guard_passes()).await;
    assert_eq!(town.transition(&agent, id, json!({ "to": "qualified" })).await.status(), 200);
    let (view, _) = town.staff_get(&agent, id).await;
    assert_eq!(view["late"], false);
    let not_late = town.list_ids(Some(&agent), "late=false").await;
    assert!(not_late.contains(&id.to_owned()));
    assert!(not_late.contains(&fresh["id"].as_str().unwrap().to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_combine_and_bad_ones_are_named() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let mut phone = json!({ "kind": "need", "title": "Éclairage du chemin des Écoliers", "description": "Il fait trop sombre.",
        "channel": "phone", "themes": ["roads-and-traffic", "school"], "neighbourhood": "quartier-ouest" });
    let target = receipt(&town, Some(&agent), &phone).await;
    phone["kind"] = json!("idea");
    receipt(&town, Some(&agent), &phone).await;
    let query = "status=received&kind=need&channel=phone,letter&theme=school&neighbourhood=quartier-ouest&q=ECOLIERS&received_after=2000-01-01";
    let found =
        json(app.authed(Method::GET, &town.at(&format!("/requests?{query}")), &agent).send().await.unwrap()).await;
    let ids: Vec<&str> = found["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [target["id"].as_str().unwrap()]);
    let none =
        json(app.authed(Method::GET, &town.at("/requests?theme=culture&q=ecoliers"), &agent).send().await.unwrap())
            .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let bad = app
        .authed(Method::GET, &town.at("/requests?status=lost&late=maybe&received_after=yesterday&sort=title"), &agent)
        .send()
        .await
        .unwrap();
    let bad = problem(bad, 400).await;
    let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["late", "sort", "status", "received_after"]);
    let percent = receipt(&town, None, &simple_request("Une remise de 50 % sur la cantine")).await;
    let escaped = town.list_ids(Some(&agent), "q=%25").await;
    assert_eq!(escaped, [percent["id"].as_str().unwrap()], "% is a character, not a wildcard");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_neither_repeat_nor_skip_while_requests_arrive() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    for i in 0..24 {
        receipt(&town, None, &simple_request(&format!("Avant la lecture {i}"))).await;
    }
    for sort in ["-received_on", "created_at"] {
        // Every request before the reading starts, all pages read (24 the first time, 54 the second).
        let existing = town.list_ids(Some(&agent), &format!("sort={sort}")).await;
        assert!(existing.len() >= 24, "{} requests", existing.len());
        let reader = async {
            let mut seen = Vec::new();
            let mut next = town.at(&format!("/requests?limit=7&sort={sort}"));
            loop {
                let response = app.authed(Method::GET, &next, &agent).send().await.unwrap();
                let link = response.headers().get("link").map(|l| l.to_str().unwrap().to_owned());
                let page = json(response).await;
                seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
                match page["next_cursor"].as_str() {
                    Some(cursor) => {
                        assert!(link.is_some_and(|l| l.contains(cursor)));
                        next = town.at(&format!("/requests?limit=7&sort={sort}&cursor={cursor}"));
                    }
                    None => break,
                }
            }
            seen
        };
        // Meanwhile, agents type in letters received on days spread over the pages already read
        // and those still to come.
        let writer = async {
            for i in 0..30_u64 {
                let mut letter = simple_request("Pendant la lecture");
                letter["channel"] = json!("letter");
                letter["received_on"] =
                    json!(crate::fixtures::town_day(0).checked_sub_days(Days::new(i * 7 % 60)).unwrap());
                receipt(&town, Some(&agent), &letter).await;
            }
            Vec::new()
        };
        type Work<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Vec<String>> + 'a>>;
        let both: Vec<Work<'_>> = vec![Box::pin(reader), Box::pin(writer)];
        let seen = futures_join_all(both).await.swap_remove(0);
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no request twice ({sort})");
        for id in &existing {
            assert!(seen.contains(id), "{id} skipped ({sort})");
        }
    }
    let cursor_of_other_sort =
        json(app.authed(Method::GET, &town.at("/requests?limit=1"), &agent).send().await.unwrap()).await;
    let cursor = cursor_of_other_sort["next_cursor"].as_str().unwrap();
    let mixed = app
        .authed(Method::GET, &town.at(&format!("/requests?sort=created_at&cursor={cursor}")), &agent)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(mixed, 400).await["errors"][0]["field"], "cursor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_themes_catalogue_is_seeded_and_public() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let themes = json(app.get(&town.at("/themes?limit=200")).await).await;
    let codes: Vec<&str> = themes["items"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 11);
    for code in ["waste-and-cleanliness", "roads-and-traffic", "youth-and-sport", "school"] {
        assert!(codes.contains(&code), "{code}");
    }
    let created = app.create_municipality("testville", "62001", &[]).await;
    let fresh = json(app.get(&format!("/v1/municipalities/{}/themes", created.slug)).await).await;
    assert_eq!(fresh["items"].as_array().unwrap().len(), 11, "every new town starts with the default set");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_adds_and_renames_themes_but_never_recodes_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    let themes = town.at("/themes");
    let created =
        app.authed(Method::POST, &themes, &admin).json(&json!({ "name": "Patrimoine minier" })).send().await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], format!("{themes}/patrimoine-minier"));
    let again =
        app.authed(Method::POST, &themes, &admin).json(&json!({ "name": "Patrimoine minier" })).send().await.unwrap();
    assert_eq!(problem(again, 409).await["errors"][0]["field"], "code");
    let path = format!("{themes}/patrimoine-minier");
    let rename = json!({ "name": "Patrimoine minier et terrils" });
    problem(app.authed(Method::PATCH, &path, &admin).json(&rename).send().await.unwrap(), 428).await;
    problem(
        app.authed(Method::PATCH, &path, &admin).header("If-Match", "\"9\"").json(&rename).send().await.unwrap(),
        412,
    )
    .await;
    let renamed =
        app.authed(Method::PATCH, &path, &admin).header("If-Match", "\"1\"").json(&rename).send().await.unwrap();
    assert_eq!(renamed.status(), 200);
    let public = json(app.get(&path).await).await;
    assert_eq!(
        (public["code"].as_str(), public["name"].as_str()),
        (Some("patrimoine-minier"), Some("Patrimoine minier et terrils"))
    );
    let mut request = simple_request("Visite du terril 74");
    request["themes"] = json!(["patrimoine-minier"]);
    assert_eq!(submit(&town, None, &request).await.status(), 201, "a new theme is usable at once");
    let agent = town.agent().await;
    problem(app.authed(Method::POST, &themes, &agent).json(&json!({ "name": "Autre" })).send().await.unwrap(), 403)
        .await;
    let neighbour = TestTown::new(&app).await;
    let grenay = neighbour.admin().await;
    problem(
        app.authed(Method::PATCH, &path, &grenay).header("If-Match", "\"2\"").json(&rename).send().await.unwrap(),
        404,
    )
    .await;
    problem(app.get(&neighbour.at("/themes/patrimoine-minier")).await, 404).await;
}

/// A client that lists and then acts needs no other read: each item carries the version its
/// `ETag` names, for requests and for the resources of the identity and themes catalogues.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_items_carry_the_version_their_etag_names_so_a_client_can_act_on_them_directly() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let admin = town.admin().await;
    let created = town.request().title("Un banc place de la mairie").submitted().await;
    let moved = town.transition(&agent, &created.id, json!({ "to": "qualifying" })).await;
    assert_eq!(moved.status(), 200);
    for (token, list, item) in [
        (&agent, "/requests", format!("/requests/{}", created.id)),
        (&admin, "/services", "/services/services-techniques".to_owned()),
        (&admin, "/delegations", "/delegations/travaux-et-urbanisme".to_owned()),
        (&admin, "/themes", "/themes/culture".to_owned()),
        (&admin, "/accounts", String::new()),
        (&admin, "/clients", String::new()),
    ] {
        let page = json(app.authed(Method::GET, &town.at(list), token).send().await.unwrap()).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.iter().all(|i| i["version"].as_i64().is_some_and(|v| v >= 1)), "{list}: {page}");
        if item.is_empty() {
            continue;
        }
        let single = app.authed(Method::GET, &town.at(&item), token).send().await.unwrap();
        let etag = single.headers()["etag"].to_str().unwrap().to_owned();
        let body = json(single).await;
        let listed = items.iter().find(|i| i["id"] == body["id"]).unwrap();
        assert_eq!(etag, format!("\"{}\"", listed["version"]), "{list}");
    }
    // Acting on the listed version, with no read in between.
    let page = json(app.authed(Method::GET, &town.at("/requests"), &agent).send().await.unwrap()).await;
    let version = page["items"][0]["version"].clone();
    assert_eq!(version, 2);
    let publish = app.authed(Method::POST, &town.at(&format!("/requests/{}/publish", created.id)), &agent);
    assert_eq!(publish.header("If-Match", format!("\"{version}\"")).send().await.unwrap().status(), 200);
    let public = json(app.get(&town.at("/requests")).await).await;
    assert_eq!(public["items"][0]["version"], 3, "the public view carries it too: {public}");
}

const PROPOSED: &str = "Un ralentisseur devant le numéro 12, chez les Dupontel";
const OFFER: &str = "Nous repeindrons les bandes avec les voisins du 14";

/// Submits, anonymously, the personal request with a proposed solution and an offer (with
/// spaces around, trimmed at intake); returns the receipt.
async fn offered(town: &TestTown<'_>) -> Value {
    let mut body = personal_request();
    body["proposed_solution"] = json!(format!("  {PROPOSED}\n"));
    body["offer"] = json!(format!(" {OFFER} "));
    receipt(town, None, &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offer_and_the_proposed_solution_are_recorded_at_intake_and_shown_to_staff_only() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let receipt = offered(&town).await;
    let id = receipt["id"].as_str().unwrap();
    let code = receipt["tracking_code"].as_str().unwrap();
    let (staff, etag) = town.staff_get(&agent, id).await;
    assert_eq!(staff["proposed_solution"], PROPOSED, "trimmed");
    assert_eq!(staff["offer"], OFFER);
    let listed = json(app.authed(Method::GET, &town.at("/requests"), &agent).send().await.unwrap()).await;
    assert_eq!(listed["items"][0]["offer"], OFFER, "staff lists carry it too");
    let published = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/publish")), &agent)
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);

    let inhabitant = town.inhabitant().await;
    let public_paths = [
        town.at("/requests"),
        town.at("/requests?q=allure"),
        town.at(&format!("/requests/{id}")),
        town.at(&format!("/tracking/{code}")),
    ];
    for path in &public_paths {
        for token in [None, Some(inhabitant.as_str())] {
            let mut request = app.client.get(app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let text = response.text().await.unwrap();
            assert!(text.contains(id), "{path} does not show the request: {text}");
            assert!(!text.contains("\"offer\"") && !text.contains("\"proposed_solution\""), "{path}: {text}");
            for secret in [PROPOSED, OFFER, "ralentisseur", "repeindrons"] {
                assert!(!text.contains(secret), "{path} shows {secret}: {text}");
            }
        }
    }
    // The public search reads the title and description only.
    assert!(town.list_ids(None, "q=repeindrons").await.is_empty());
    assert_eq!(town.list_ids(Some(&agent), "").await, [id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_and_partner_tools_record_an_offer_too_and_a_request_without_one_has_none() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let mut letter = simple_request("Courrier : des jardinières rue Bayard");
    letter["channel"] = json!("letter");
    letter["offer"] = json!("Les voisins arroseront.");
    let typed_in = receipt(&town, Some(&agent), &letter).await;
    let (request, _) = town.staff_get(&agent, typed_in["id"].as_str().unwrap()).await;
    assert_eq!(request["offer"], "Les voisins arroseront.");
    assert_eq!(request["proposed_solution"], Value::Null);

    let admin = town.admin().await;
    let created = app
        .authed(Method::POST, &town.at("/clients"), &admin)
        .json(&json!({ "name": "Outil", "association": "Les Bâtisseurs", "scopes": ["requests:write"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created = json(created).await;
    let client =
        app.client_login(created["client_id"].as_str().unwrap(), created["client_secret"].as_str().unwrap()).await;
    let mut tool = simple_request("Nettoyage du terril");
    tool["proposed_solution"] = json!("Une journée de ramassage.");
    tool["offer"] = json!("Nos bénévoles ramassent.");
    let submitted = receipt(&town, Some(&client), &tool).await;
    let (request, _) = town.staff_get(&agent, submitted["id"].as_str().unwrap()).await;
    assert_eq!(request["proposed_solution"], "Une journée de ramassage.");
    assert_eq!(request["offer"], "Nos bénévoles ramassent.");

    let plain = receipt(&town, None, &simple_request("Sans offre")).await;
    let (request, _) = town.staff_get(&agent, plain["id"].as_str().unwrap()).await;
    assert_eq!((&request["proposed_solution"], &request["offer"]), (&Value::Null, &Value::Null));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_long_offer_is_named_with_the_other_invalid_fields_and_nothing_is_written() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let mut body = simple_request("Une idée");
    body["title"] = json!("   ");
    body["offer"] = json!("x".repeat(2_001));
    body["proposed_solution"] = json!(" \n ");
    let refused = problem(submit(&town, None, &body).await, 422).await;
    let named: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(named, [("title", "required"), ("proposed_solution", "required"), ("offer", "too_long")]);
    assert!(town.list_ids(Some(&agent), "").await.is_empty(), "nothing was written");
    body["title"] = json!("Une idée");
    body["offer"] = json!("x".repeat(2_000));
    body["proposed_solution"] = json!("y".repeat(2_000));
    receipt(&town, None, &body).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_correct_the_offer_and_the_history_names_it_without_its_words() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let receipt = offered(&town).await;
    let id = receipt["id"].as_str().unwrap();
    let path = town.at(&format!("/requests/{id}"));
    let (_, etag) = town.staff_get(&agent, id).await;
    let body = json!({ "proposed_solution": null, "offer": "Nous fournirons la peinture." });
    let done = app.authed(Method::PATCH, &path, &agent).header("If-Match", &etag).json(&body).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let corrected = json(done).await;
    assert_eq!(corrected["proposed_solution"], Value::Null);
    assert_eq!(corrected["offer"], "Nous fournirons la peinture.");
    let history = json(app.authed(Method::GET, &format!("{path}/history"), &agent).send().await.unwrap()).await;
    let edited = history["items"].as_array().unwrap().iter().find(|e| e["kind"] == "edited").unwrap();
    assert_eq!(edited["fields"], json!(["proposed_solution", "offer"]));
    assert!(!history.to_string().contains("peinture"), "the history keeps names, not values");
    let (_, etag) = town.staff_get(&agent, id).await;
    let too_long = json!({ "offer": "x".repeat(2_001) });
    let refused = app.authed(Method::PATCH, &path, &agent).header("If-Match", &etag).json(&too_long).send().await;
    assert_eq!(problem(refused.unwrap(), 422).await["errors"][0]["field"], "offer");
}
