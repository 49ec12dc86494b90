//! Webhooks: subscriptions, signed deliveries from the outbox, retries on a clock the test
//! controls, disabling and redelivery, SSRF refusals, and what a partner's tool is told.
//!
//! The app's own worker is off (as in every test): each test runs the worker's passes itself,
//! at the instants it chooses.

use crate::fixtures::TestTown;
use crate::helpers::{TestApp, json, problem, spawn_app_with, spawn_demo_app_with};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, Utc};
use implication_api::demo::{CLIENT_ID, CLIENT_SECRET};
use implication_app::webhooks::{Sender, SenderSettings, worker};
use implication_domain::webhooks::target::Policy;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a receiver got: the `webhook-*` headers and the body.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn payload(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// Whether one of its signatures is `secret`'s, as Standard Webhooks computes it.
    fn signed_with(&self, secret: &str) -> bool {
        use hmac::{Hmac, Mac};
        let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.signature.split(' ').any(|s| s == expected)
    }
}

/// A webhook receiver of a few lines on this machine: it answers `status` to every POST and keeps
/// what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<Mutex<u16>>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let (got, status) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(204)));
        let (kept, answer) = (got.clone(), status.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (kept, answer) = (kept.clone(), answer.clone());
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0_u8; 4096];
                    let (head, body) = loop {
                        let n = socket.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buffer.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buffer).to_string();
                        if let Some((head, body)) = text.split_once("\r\n\r\n") {
                            let length = header(head, "content-length").parse::<usize>().unwrap_or(0);
                            if body.len() >= length {
                                break (head.to_owned(), body[..length].to_owned());
                            }
                        }
                    };
                    kept.lock().unwrap().push(Received {
                        id: header(&head, "webhook-id"),
                        timestamp: header(&head, "webhook-timestamp"),
                        signature: header(&head, "webhook-signature"),
                        body,
                    });
                    let status = *answer.lock().unwrap();
                    let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        Self { url, got, status }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn answer(&self, status: u16) {
        *self.status.lock().unwrap() = status;
    }
}

fn header(head: &str, name: &str) -> String {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// A clock stopped at `instant`, for a worker's pass.
fn at(instant: chrono::DateTime<Utc>) -> impl Fn() -> chrono::DateTime<Utc> + Clone + Send + Sync + 'static {
    move || instant
}

fn sender() -> Sender {
    Sender::new(SenderSettings { policy: Policy { allow_loopback: true }, timeout: std::time::Duration::from_secs(5) })
        .unwrap()
}

async fn loopback_app() -> TestApp {
    spawn_app_with(&[("WEBHOOKS_ALLOW_LOOPBACK", "true")]).await
}

/// Subscribes `url` to `types` as `token`; the subscription and its secret.
async fn subscribe(app: &TestApp, town: &str, token: &str, url: &str, types: &[&str]) -> (Value, String) {
    let response = app
        .authed(Method::POST, &format!("{town}/webhooks"), token)
        .json(&json!({ "url": url, "event_types": types }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created = json(response).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    (created, secret)
}

#[tokio::test]
async fn every_event_of_a_scenario_is_delivered_once_signed_in_order() {
    let app = loopback_app().await;
    let town = TestTown::new(&app).await;
    let (admin, agent) = (town.admin().await, town.agent().await);
    let receiver = Receiver::start().await;
    let types = ["request.created", "request.status_changed", "request.published", "request.answered"];
    let (_, secret) = subscribe(&app, &town.path, &admin, &receiver.url, &types).await;
    let submitted = town.submit(None, &json!({ "kind": "idea", "title": "Un banc", "description": "Au parc." })).await;
    let id = json(submitted).await["id"].as_str().unwrap().to_owned();
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualifying" })).await.status(), 200);
    town.publish(&id).await;

    let pass = worker::pass(&app.db, &sender(), Utc::now).await.unwrap();
    assert_eq!((pass.attempted, pass.delivered), (3, 3));
    let got = receiver.got();
    let kinds: Vec<Value> = got.iter().map(|r| r.payload()["type"].clone()).collect();
    assert_eq!(kinds, [json!("request.created"), json!("request.status_changed"), json!("request.published")]);
    for received in &got {
        assert!(received.signed_with(&secret), "{received:?}");
        assert!(received.id.starts_with("evt_"));
        let payload = received.payload();
        assert_eq!(payload["data"]["request"]["id"], json!(id));
        assert_eq!(payload["data"]["municipality"], json!(town.slug));
        assert!(!received.body.contains("Un banc"), "no text a person wrote: {}", received.body);
    }
    assert_eq!(got[1].payload()["data"]["to"], json!("qualifying"));
    let again = worker::pass(&app.db, &sender(), at(Utc::now() + Duration::hours(30))).await.unwrap();
    assert_eq!(again.attempted, 0, "each is delivered once");
    // A month on, what was delivered is forgotten, with its log.
    let municipality =
        implication_storage::identity::municipalities::resolve(&app.db, &town.slug).await.unwrap().unwrap();
    let events =
        || async { implication_storage::webhooks::outbox::events_of(&app.db, municipality.id).await.unwrap().len() };
    assert_eq!(worker::prune(&app.db, Utc::now()).await.unwrap(), 0, "kept for a month");
    assert_eq!(events().await, 3);
    assert_eq!(worker::prune(&app.db, Utc::now() + Duration::days(31)).await.unwrap(), 3);
    assert_eq!(events().await, 0);
}

#[tokio::test]
async fn a_change_that_is_refused_or_stale_writes_no_event() {
    let app = loopback_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let submitted = town.submit(None, &json!({ "kind": "idea", "title": "Un banc", "description": "Au parc." })).await;
    let id = json(submitted).await["id"].as_str().unwrap().to_owned();
    let municipality =
        implication_storage::identity::municipalities::resolve(&app.db, &town.slug).await.unwrap().unwrap();
    let count =
        || async { implication_storage::webhooks::outbox::events_of(&app.db, municipality.id).await.unwrap().len() };
    assert_eq!(count().await, 1, "request.created");
    problem(town.transition(&agent, &id, json!({ "to": "closed" })).await, 409).await;
    let stale = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/transitions")), &agent)
        .header("If-Match", "\"7\"")
        .json(&json!({ "to": "qualifying" }))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    assert_eq!(count().await, 1, "neither the refused nor the stale change made an event");
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualifying" })).await.status(), 200);
    assert_eq!(count().await, 2);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_on_the_schedule_then_disabled_and_a_delivery_can_be_sent_again() {
    let app = loopback_app().await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let (created, secret) = subscribe(&app, &town.path, &admin, &receiver.url, &["request.created"]).await;
    let hook = town.at(&format!("/webhooks/{}", created["id"].as_str().unwrap()));
    town.submit(None, &json!({ "kind": "idea", "title": "Un banc", "description": "Au parc." })).await;
    let sender = sender();
    let mut now = Utc::now();
    assert_eq!(worker::pass(&app.db, &sender, at(now)).await.unwrap().attempted, 1);
    for attempts in 1..implication_domain::webhooks::retry::MAX_ATTEMPTS {
        let (low, high) = implication_domain::webhooks::retry::delay_bounds(attempts).unwrap();
        let early = worker::pass(&app.db, &sender, at(now + low - Duration::milliseconds(1))).await.unwrap();
        assert_eq!(early.attempted, 0, "not before {low} after attempt {attempts}");
        now += high;
        assert_eq!(
            worker::pass(&app.db, &sender, at(now)).await.unwrap().attempted,
            1,
            "by {high} after attempt {attempts}"
        );
    }
    let got = receiver.got();
    assert_eq!(got.len(), 8);
    assert!(got.iter().all(|r| r.id == got[0].id && r.signed_with(&secret)), "every retry is the same event");

    let disabled = json(app.authed(Method::GET, &hook, &admin).send().await.unwrap()).await;
    assert_eq!((disabled["active"].clone(), disabled["disabled_reason"].clone()), (json!(false), json!("failing")));
    let log = json(app.authed(Method::GET, &format!("{hook}/deliveries"), &admin).send().await.unwrap()).await;
    let delivery = log["items"][0].clone();
    assert_eq!((delivery["status"].clone(), delivery["attempts"].clone()), (json!("failed"), json!(8)));
    assert_eq!(delivery["last_status_code"], json!(500));
    // Off: the town's next events wait for it, unsent.
    town.submit(None, &json!({ "kind": "idea", "title": "Un autre", "description": "Ailleurs." })).await;
    assert_eq!(worker::pass(&app.db, &sender, at(now)).await.unwrap().attempted, 0);

    receiver.answer(204);
    let etag = disabled["version"].to_string();
    let enabled = app
        .authed(Method::PATCH, &hook, &admin)
        .header("If-Match", format!("\"{etag}\""))
        .json(&json!({ "active": true }));
    let enabled = json(enabled.send().await.unwrap()).await;
    assert_eq!((enabled["active"].clone(), enabled["consecutive_failures"].clone()), (json!(true), json!(0)));
    let path = format!("{hook}/deliveries/{}/redeliver", delivery["id"].as_str().unwrap());
    let again = json(app.authed(Method::POST, &path, &admin).send().await.unwrap()).await;
    assert_eq!(again["status"], json!("pending"));
    assert_eq!(worker::pass(&app.db, &sender, Utc::now).await.unwrap().delivered, 1);
    let got = receiver.got();
    assert_eq!(got.last().unwrap().id, got[0].id, "redelivered with its id");
    // The event that waited while it was off goes too (due when it was dispatched, on this clock).
    assert_eq!(worker::pass(&app.db, &sender, at(now)).await.unwrap().delivered, 1);
    assert_eq!(receiver.got().len(), 10);
    let read = format!("{hook}/deliveries/{}", delivery["id"].as_str().unwrap());
    let read = json(app.authed(Method::GET, &read, &admin).send().await.unwrap()).await;
    assert_eq!(read["status"], json!("delivered"));
    assert_eq!(read["attempt_log"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn subscriptions_to_loopback_private_link_local_or_metadata_addresses_are_refused() {
    let app = spawn_app_with(&[]).await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    for (url, code) in [
        ("https://127.0.0.1/hooks", "forbidden_address"),
        ("https://10.0.0.8/hooks", "forbidden_address"),
        ("https://169.254.169.254/latest/meta-data", "forbidden_address"),
        ("https://[::ffff:127.0.0.1]/hooks", "forbidden_address"),
        ("https://localhost/hooks", "forbidden_address"),
        ("http://127.0.0.1/hooks", "insecure_url"),
    ] {
        let response = app
            .authed(Method::POST, &town.at("/webhooks"), &admin)
            .json(&json!({ "url": url, "event_types": ["request.created"] }))
            .send()
            .await
            .unwrap();
        let refused = problem(response, 422).await;
        assert_eq!(refused["errors"][0]["field"], json!("url"), "{url}: {refused}");
        assert_eq!(refused["errors"][0]["code"], json!(code), "{url}: {refused}");
    }
    let unknown = app
        .authed(Method::POST, &town.at("/webhooks"), &admin)
        .json(&json!({ "url": "https://hooks.invalid/in", "event_types": ["request.nothing"] }))
        .send()
        .await
        .unwrap();
    let refused = problem(unknown, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["event_types[0]"], "{refused}");
}

#[tokio::test]
async fn a_partner_is_told_of_its_associations_requests_only_and_sees_only_its_own_subscriptions() {
    let app = spawn_demo_app_with(&[("WEBHOOKS_ALLOW_LOOPBACK", "true")]).await;
    let loos = "/v1/municipalities/loos-en-gohelle";
    let partner = app.client_login(CLIENT_ID, CLIENT_SECRET).await;
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let (ours, theirs) = (Receiver::start().await, Receiver::start().await);
    let (mine, secret) =
        subscribe(&app, loos, &partner, &ours.url, &["request.created", "qualification.updated"]).await;
    assert_eq!((mine["owner"].clone(), mine["association"].is_string()), (json!("partner"), true));
    let (town_hook, _) = subscribe(&app, loos, &admin, &theirs.url, &["request.created"]).await;

    let body = json!({ "kind": "idea", "title": "Jardin partagé", "description": "Derrière l'école.",
        "requester": { "kind": "association", "name": "Jardins" }, "personal_data_consent": true });
    let submitted = app.authed(Method::POST, &format!("{loos}/requests"), &partner).json(&body).send().await.unwrap();
    assert_eq!(submitted.status(), 201, "{}", json(submitted).await);
    let anonymous = json!({ "kind": "need", "title": "Un lampadaire", "description": "Rue sombre." });
    assert_eq!(
        app.client.post(app.url(&format!("{loos}/requests"))).json(&anonymous).send().await.unwrap().status(),
        201
    );
    worker::pass(&app.db, &sender(), Utc::now).await.unwrap();

    let got = ours.got();
    assert_eq!(got.len(), 1, "only its association's request: {got:?}");
    assert!(got[0].signed_with(&secret));
    assert_eq!(theirs.got().len(), 2, "the town is told of both");
    assert!(!got[0].body.contains("Jardins"), "no requester in a payload: {}", got[0].body);

    let listed = json(app.authed(Method::GET, &format!("{loos}/webhooks"), &partner).send().await.unwrap()).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "its own only");

    let town_path = format!("{loos}/webhooks/{}", town_hook["id"].as_str().unwrap());
    assert_eq!(app.authed(Method::GET, &town_path, &partner).send().await.unwrap().status(), 404);
    assert_eq!(app.authed(Method::GET, &town_path, &admin).send().await.unwrap().status(), 200);
    // Its tool revoked, the partner is told of nothing more, even of a request submitted before.
    let submitted = app.authed(Method::POST, &format!("{loos}/requests"), &partner).json(&body).send().await.unwrap();
    assert_eq!(submitted.status(), 201);
    let clients = json(app.authed(Method::GET, &format!("{loos}/clients"), &admin).send().await.unwrap()).await;
    let tool =
        clients["items"].as_array().unwrap().iter().find(|c| c["client_id"] == json!(CLIENT_ID)).unwrap().clone();
    let revoke = app
        .authed(Method::PATCH, &format!("{loos}/clients/{}", tool["id"].as_str().unwrap()), &admin)
        .header("If-Match", format!("\"{}\"", tool["version"]))
        .json(&json!({ "active": false }));
    assert_eq!(revoke.send().await.unwrap().status(), 200);
    worker::pass(&app.db, &sender(), Utc::now).await.unwrap();
    assert_eq!(ours.got().len(), 1, "nothing after its revocation");
    assert_eq!(theirs.got().len(), 3);
}

#[tokio::test]
async fn a_ping_is_signed_and_a_rotated_secret_signs_beside_the_new_one() {
    let app = loopback_app().await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    let receiver = Receiver::start().await;
    let (created, old) = subscribe(&app, &town.path, &admin, &receiver.url, &["request.created"]).await;
    let hook = town.at(&format!("/webhooks/{}", created["id"].as_str().unwrap()));
    let rotated = json(app.authed(Method::POST, &format!("{hook}/secret"), &admin).send().await.unwrap()).await;
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated["secret_rotating_until"].is_string());
    let ping = json(app.authed(Method::POST, &format!("{hook}/ping"), &admin).send().await.unwrap()).await;
    assert_eq!((ping["succeeded"].clone(), ping["status_code"].clone()), (json!(true), json!(204)));
    let got = receiver.got();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].payload()["type"], json!("webhook.ping"));
    assert!(got[0].signed_with(&new) && got[0].signed_with(&old), "both during the overlap: {}", got[0].signature);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("implication_webhook_subscriptions{state=\"active\"} 1"), "{metrics}");
    assert!(metrics.contains("implication_outbox_backlog"), "{metrics}");
}

#[tokio::test]
async fn a_partner_lists_its_associations_requests_in_the_requester_view_and_nothing_else() {
    let app = spawn_demo_app_with(&[]).await;
    let loos = "/v1/municipalities/loos-en-gohelle";
    let partner = app.client_login(CLIENT_ID, CLIENT_SECRET).await;
    let body = json!({ "kind": "idea", "title": "Composteur collectif", "description": "Près des jardins." });
    let submitted = app.authed(Method::POST, &format!("{loos}/requests"), &partner).json(&body).send().await.unwrap();
    assert_eq!(submitted.status(), 201);
    let id = json(submitted).await["id"].as_str().unwrap().to_owned();
    let anonymous = json!({ "kind": "need", "title": "Un lampadaire", "description": "Rue sombre." });
    assert_eq!(
        app.client.post(app.url(&format!("{loos}/requests"))).json(&anonymous).send().await.unwrap().status(),
        201
    );

    let listed =
        app.authed(Method::GET, &format!("{loos}/association/requests?limit=200"), &partner).send().await.unwrap();
    assert_eq!(listed.status(), 200);
    let listed = json(listed).await;
    let items = listed["items"].as_array().unwrap();
    assert!(items.iter().any(|r| r["id"] == json!(id)), "its new, unpublished request");
    assert!(items.iter().all(|r| r["view"] == json!("requester")), "{listed}");
    assert!(items.iter().all(|r| r["title"] != json!("Un lampadaire")), "not the town's others");
    for item in items {
        let one = app.authed(Method::GET, &format!("{loos}/requests/{}", item["id"].as_str().unwrap()), &partner);
        assert_eq!(one.send().await.unwrap().status(), 200, "each is one it may read");
    }
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let staff = app.authed(Method::GET, &format!("{loos}/association/requests"), &admin).send().await.unwrap();
    problem(staff, 403).await;
    let elsewhere = app.authed(Method::GET, "/v1/municipalities/grenay/association/requests", &partner);
    assert_eq!(elsewhere.send().await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_type_of_the_demo_story_is_delivered_once_signed_and_verified() {
    use implication_domain::webhooks::{EventType, Owner, Subscription, SubscriptionId};
    let app = spawn_demo_app_with(&[]).await;
    let loos =
        implication_storage::identity::municipalities::resolve(&app.db, "loos-en-gohelle").await.unwrap().unwrap();
    let receiver = Receiver::start().await;
    // A subscription of the town that was there before the demo's story began (the API dates a
    // new one now, and a new subscription is not sent the past), to every event type.
    let secret = implication_app::webhooks::signing::new_secret().unwrap();
    let long_ago = chrono::DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").unwrap().to_utc();
    let subscription = Subscription {
        id: SubscriptionId::new(),
        municipality: loos.id,
        url: receiver.url.clone(),
        description: None,
        event_types: EventType::ALL.to_vec(),
        owner: Owner::Town,
        secret: secret.clone(),
        previous_secret: None,
        active: true,
        disabled_reason: None,
        disabled_at: None,
        consecutive_failures: 0,
        version: 1,
        created_at: long_ago,
        updated_at: long_ago,
    };
    implication_storage::webhooks::subscriptions::create(&app.db, &subscription).await.unwrap();
    // The event types the demo's story lacks: a request handed over to the other demo town, and a
    // process changing level.
    let redirected = json(
        app.authed(
            Method::GET,
            "/v1/municipalities/loos-en-gohelle/requests?status=redirected",
            &app.login("admin@loos-en-gohelle.demo").await,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let redirected = redirected["items"][0].clone();
    let at = format!("/v1/municipalities/loos-en-gohelle/requests/{}", redirected["id"].as_str().unwrap());
    let handed = app
        .authed(Method::POST, &format!("{at}/handover"), &app.login("admin@loos-en-gohelle.demo").await)
        .header("If-Match", format!("\"{}\"", redirected["version"]))
        .json(&json!({ "to": "grenay" }))
        .send()
        .await
        .unwrap();
    assert_eq!(handed.status(), 200, "{}", json(handed).await);
    let loos_path = "/v1/municipalities/loos-en-gohelle";
    let admin = app.login("admin@loos-en-gohelle.demo").await;
    let processes =
        json(app.authed(Method::GET, &format!("{loos_path}/processes?limit=200"), &admin).send().await.unwrap()).await;
    let open = processes["items"].as_array().unwrap().iter().find(|p| p["status"] == json!("open")).unwrap().clone();
    let at = format!("{loos_path}/processes/{}", open["id"].as_str().unwrap());
    let read = app.authed(Method::GET, &at, &admin).send().await.unwrap();
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let level = if open["level"] == json!("information") { "consultation" } else { "information" };
    let changed = app
        .authed(Method::POST, &format!("{at}/level"), &admin)
        .header("If-Match", etag)
        .json(&json!({ "level": level, "reason": "Pour le test des webhooks." }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    let written = implication_storage::webhooks::outbox::events_of(&app.db, loos.id).await.unwrap().len();
    let pass = worker::pass(&app.db, &sender(), Utc::now).await.unwrap();
    assert_eq!(pass.delivered, written, "{pass:?}");
    let got = receiver.got();
    let ids: std::collections::BTreeSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!((got.len(), ids.len()), (written, written), "each event once");
    assert!(got.iter().all(|r| r.signed_with(secret.expose())), "every signature verifies");
    let kinds: std::collections::BTreeSet<String> =
        got.iter().map(|r| r.payload()["type"].as_str().unwrap().to_owned()).collect();
    for kind in EventType::ALL {
        assert!(kinds.contains(kind.code()), "{} delivered: {kinds:?}", kind.code());
    }
    assert_eq!(worker::pass(&app.db, &sender(), Utc::now).await.unwrap().attempted, 0);
}
