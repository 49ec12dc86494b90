//! Open311 GeoReport v2 over HTTP: each resource in JSON and XML, in the spec's shapes; reports
//! posted with a machine client's secret registered as requests; lists of the published
//! requests only, without personal data; errors as the spec's list of `{code, description}`.

use crate::fixtures::TestTown;
use crate::helpers::{TestApp, json, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// A machine client of the town with these scopes, as its admin registers it: its id and secret.
async fn client(town: &TestTown<'_>, scopes: &[&str]) -> (String, String) {
    let admin = town.admin().await;
    let name = format!("Outil du comité de quartier de {} ({})", town.slug, scopes.join(" "));
    let body = json!({ "name": name, "association": "Comité de quartier", "scopes": scopes });
    let response = town.app.authed(Method::POST, &town.at("/clients"), &admin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let created = json(response).await;
    (created["id"].as_str().unwrap().to_owned(), created["client_secret"].as_str().unwrap().to_owned())
}

async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, kind, response.text().await.unwrap())
}

async fn post(app: &TestApp, format: &str, form: &[(&str, &str)], key: Option<&str>) -> (u16, String) {
    let mut request = app.client.post(app.url(&format!("/open311/v2/requests.{format}"))).form(form);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn parsed(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The spec's JSON error list, one error with this code.
fn one_error(body: &str, code: u16) -> String {
    let errors = parsed(body);
    assert_eq!(errors.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(errors[0]["code"], code, "{body}");
    errors[0]["description"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn services_are_the_towns_themes_in_json_and_in_xml() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    // A single town: jurisdiction_id may be left out.
    let (status, kind, body) = get(&app, "/open311/v2/services.json").await;
    assert_eq!((status, kind.as_str()), (200, "application/json; charset=utf-8"));
    let services = parsed(&body);
    let roads = services.as_array().unwrap().iter().find(|s| s["service_code"] == "roads-and-traffic").unwrap();
    assert_eq!(
        roads,
        &json!({ "service_code": "roads-and-traffic", "service_name": "Voirie et circulation",
            "description": "Voirie et circulation", "metadata": false, "type": "realtime", "keywords": "", "group": "" })
    );
    let (status, kind, xml) = get(&app, &format!("/open311/v2/services.xml?jurisdiction_id={}", town.slug)).await;
    assert_eq!((status, kind.as_str()), (200, "text/xml; charset=utf-8"));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services><service>"), "{xml}");
    assert!(xml.contains(
        "<service><service_code>roads-and-traffic</service_code><service_name>Voirie et circulation</service_name>"
    ));
    assert_eq!(xml.matches("<service>").count(), services.as_array().unwrap().len());

    let (status, _, definition) = get(&app, "/open311/v2/services/roads-and-traffic.json").await;
    assert_eq!((status, parsed(&definition)), (200, json!({ "service_code": "roads-and-traffic", "attributes": [] })));
    let (_, _, xml) = get(&app, "/open311/v2/services/roads-and-traffic.xml").await;
    assert!(
        xml.ends_with(
            "<service_definition><service_code>roads-and-traffic</service_code><attributes/></service_definition>"
        ),
        "{xml}"
    );
    let (status, _, body) = get(&app, "/open311/v2/services/potholes.json").await;
    assert_eq!(status, 404);
    assert!(one_error(&body, 404).contains("potholes"));
}

#[tokio::test]
async fn the_jurisdiction_is_required_where_several_towns_are_hosted_and_errors_follow_the_format() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let _other = TestTown::new(&app).await;
    let (status, kind, body) = get(&app, "/open311/v2/services.json").await;
    assert_eq!((status, kind.as_str()), (400, "application/json; charset=utf-8"));
    assert!(one_error(&body, 400).contains("jurisdiction_id"));
    let (status, kind, xml) = get(&app, "/open311/v2/requests.xml").await;
    assert_eq!((status, kind.as_str()), (400, "text/xml; charset=utf-8"));
    assert!(xml.contains("<errors><error><code>400</code><description>jurisdiction_id is required"), "{xml}");
    let (status, _, body) = get(&app, "/open311/v2/services.json?jurisdiction_id=nowhere").await;
    assert_eq!(status, 404);
    assert!(one_error(&body, 404).contains("nowhere"));
    let (status, _, body) = get(&app, &format!("/open311/v2/services.yaml?jurisdiction_id={}", town.slug)).await;
    assert_eq!(status, 404);
    assert!(one_error(&body, 404).contains(".json or .xml"));

    let (status, _, body) = get(&app, "/open311/v2/discovery.json").await;
    assert_eq!(status, 200);
    let discovery = parsed(&body);
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(endpoint["formats"], json!(["application/json", "text/xml"]));
    let (_, _, xml) = get(&app, "/open311/v2/discovery.xml").await;
    assert!(xml.contains("<formats><format>application/json</format><format>text/xml</format></formats>"), "{xml}");
}

#[tokio::test]
async fn a_report_posted_with_a_clients_key_is_registered_like_any_request() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (_, secret) = client(&town, &["requests:read", "requests:write"]).await;
    let form = [
        ("api_key", secret.as_str()),
        ("jurisdiction_id", town.slug.as_str()),
        ("service_code", "roads-and-traffic"),
        ("lat", "50.4574"),
        ("long", "2.7934"),
        ("address_string", "12 rue Lamartine"),
        ("first_name", "Jeanne"),
        ("last_name", "Martin"),
        ("email", "jeanne.martin@example.org"),
        ("phone", "06 12 34 56 78"),
        ("description", "Un nid-de-poule devant l'école."),
        ("media_url", "https://photos.example.org/1.jpg"),
        ("attribute[WHISPAWN]", "123456"),
    ];
    let (status, body) = post(&app, "json", &form, Some("report-1")).await;
    assert_eq!(status, 201, "{body}");
    let created = parsed(&body);
    let id = created[0]["service_request_id"].as_str().unwrap().to_owned();
    let notice = created[0]["service_notice"].as_str().unwrap();
    assert!(notice.starts_with("Demande n° ") && notice.contains("Code de suivi : "), "{notice}");
    assert_eq!(created[0]["account_id"], Value::Null);
    let (status, again) = post(&app, "json", &form, Some("report-1")).await;
    assert_eq!((status, parsed(&again)[0]["service_request_id"].as_str()), (201, Some(id.as_str())), "a retry");

    // Staff read it as any request: a complaint from the partner's tool, for its association.
    let agent = town.agent().await;
    let (request, _) = town.staff_get(&agent, &id).await;
    assert_eq!(
        (&request["kind"], &request["channel"], &request["association"], &request["themes"]),
        (&json!("complaint"), &json!("partner_tool"), &json!("Comité de quartier"), &json!(["roads-and-traffic"]))
    );
    assert_eq!(request["title"], "Voirie et circulation — 12 rue Lamartine");
    assert_eq!(request["description"], "Un nid-de-poule devant l'école.\n\nPhoto : https://photos.example.org/1.jpg");
    assert_eq!(request["requester"]["name"], "Jeanne Martin");
    assert_eq!(request["location"]["point"], json!({ "latitude": 50.4574, "longitude": 2.7934 }));

    // Unpublished, no one lists it; published, its public part only.
    let single = format!("/open311/v2/requests/{id}.json");
    let (status, _, body) = get(&app, &single).await;
    assert_eq!(status, 404);
    one_error(&body, 404);
    town.publish(&id).await;
    let (status, _, body) = get(&app, &single).await;
    assert_eq!(status, 200);
    let listed = parsed(&body);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let item = &listed[0];
    assert_eq!((&item["service_request_id"], &item["status"]), (&json!(id), &json!("open")));
    assert_eq!(
        (&item["service_code"], &item["service_name"]),
        (&json!("roads-and-traffic"), &json!("Voirie et circulation"))
    );
    assert_eq!(
        (&item["lat"], &item["long"], &item["address"]),
        (&json!(50.4574), &json!(2.7934), &json!("12 rue Lamartine"))
    );
    for personal in ["Jeanne", "Martin", "jeanne.martin", "06 12"] {
        assert!(!body.contains(personal), "{personal} in {body}");
    }
    let (_, _, xml) = get(&app, &format!("/open311/v2/requests/{id}.xml")).await;
    assert!(xml.contains(&format!("<service_requests><request><service_request_id>{id}</service_request_id><status>open</status><status_notes/>")), "{xml}");
    let (status, xml) = post(
        &app,
        "xml",
        &[("api_key", &secret), ("service_code", "culture"), ("address_string", "Place de la mairie")],
        None,
    )
    .await;
    assert_eq!(status, 201);
    assert!(xml.contains("<service_requests><request><service_request_id>"), "{xml}");
}

#[tokio::test]
async fn a_report_needs_a_key_of_this_towns_active_client_that_may_write_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let other = TestTown::new(&app).await;
    let (_, reader) = client(&town, &["requests:read"]).await;
    let (_, elsewhere) = client(&other, &["requests:write"]).await;
    let (revoked_id, revoked) = client(&town, &["requests:write"]).await;
    let admin = town.admin().await;
    let response = app
        .authed(Method::PATCH, &town.at(&format!("/clients/{revoked_id}")), &admin)
        .header("If-Match", "\"1\"")
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for (key, why) in [
        (None, "no key"),
        (Some("not-a-secret"), "unknown"),
        (Some(reader.as_str()), "read only"),
        (Some(elsewhere.as_str()), "another town's"),
        (Some(revoked.as_str()), "revoked"),
    ] {
        let mut form =
            vec![("jurisdiction_id", town.slug.as_str()), ("service_code", "culture"), ("address_string", "Place")];
        if let Some(key) = key {
            form.push(("api_key", key));
        }
        let (status, body) = post(&app, "json", &form, None).await;
        assert_eq!(status, 403, "{why}: {body}");
        assert!(one_error(&body, 403).contains("api_key"), "{why}");
    }
    let (status, xml) = post(&app, "xml", &[("jurisdiction_id", &town.slug), ("api_key", "x")], None).await;
    assert_eq!(status, 403);
    assert!(xml.contains("<errors><error><code>403</code>"), "{xml}");
    let agent = town.agent().await;
    assert!(town.list_ids(Some(&agent), "").await.is_empty(), "nothing registered");
}

#[tokio::test]
async fn a_bad_report_is_told_each_thing_wrong_and_registers_nothing() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (_, secret) = client(&town, &["requests:write"]).await;
    let key = secret.as_str();
    let (status, body) =
        post(&app, "json", &[("api_key", key), ("service_code", "potholes"), ("address_string", "Place")], None).await;
    assert_eq!(status, 404);
    assert!(one_error(&body, 404).contains("potholes"));
    let (status, body) = post(&app, "json", &[("api_key", key), ("address_string", "Place")], None).await;
    assert_eq!(status, 400);
    assert!(one_error(&body, 400).contains("service_code"));
    let (status, body) = post(&app, "json", &[("api_key", key), ("service_code", "culture")], None).await;
    assert_eq!(status, 400);
    assert!(one_error(&body, 400).contains("location"));
    let long = "x".repeat(4_001);
    let wrong = [
        ("api_key", key),
        ("service_code", "culture"),
        ("lat", "north"),
        ("long", "2.79"),
        ("description", long.as_str()),
        ("media_url", "javascript:alert(1)"),
    ];
    let (status, body) = post(&app, "json", &wrong, None).await;
    assert_eq!(status, 400);
    let errors = parsed(&body);
    assert_eq!(errors.as_array().map(Vec::len), Some(3), "each one said: {body}");
    let (status, body) = post(
        &app,
        "json",
        &[("api_key", key), ("service_code", "culture"), ("address_string", "Place"), ("email", "jeanne-at-example")],
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(one_error(&body, 400).starts_with("email:"), "{body}");
    let agent = town.agent().await;
    assert!(town.list_ids(Some(&agent), "").await.is_empty(), "nothing registered");
}

#[tokio::test]
async fn lists_filter_by_status_service_and_window_and_show_only_published_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let roads = json!({ "kind": "complaint", "title": "Un trou", "description": "Rue Lamartine.",
        "themes": ["roads-and-traffic"], "requester": { "kind": "individual", "name": "Paul Durand" },
        "personal_data_consent": true });
    let open = town.request().body(roads.clone()).submitted().await.id;
    let closed = town
        .request()
        .body(json!({ "kind": "question", "title": "La cantine", "description": "Pourquoi ?",
        "themes": ["school"] }))
        .in_status("declined")
        .await
        .id;
    let private = town.request().body(roads).submitted().await.id;
    town.publish(&open).await;
    town.publish(&closed).await;
    let ids = |body: &str| -> Vec<String> {
        parsed(body).as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap().to_owned()).collect()
    };
    let (status, _, body) = get(&app, "/open311/v2/requests.json").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body), [closed.clone(), open.clone()], "newest first, the private one left out");
    assert!(!body.contains("Paul") && !body.contains("Durand"), "{body}");
    let (_, _, body) = get(&app, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(ids(&body), [closed.as_str()]);
    let (_, _, body) =
        get(&app, "/open311/v2/requests.json?status=open,closed&service_code=roads-and-traffic,culture").await;
    assert_eq!(ids(&body), [open.as_str()]);
    let (_, _, body) = get(&app, "/open311/v2/requests.json?service_code=Not%20a%20code").await;
    assert_eq!(ids(&body), Vec::<String>::new());
    let (_, _, body) =
        get(&app, &format!("/open311/v2/requests.json?service_request_id={open},{private}&status=closed")).await;
    assert_eq!(ids(&body), [open.as_str()], "the ids alone count; the private one is not listed");
    let (_, _, body) = get(&app, "/open311/v2/requests.json?end_date=2020-01-01T00:00:00Z").await;
    assert_eq!(ids(&body), Vec::<String>::new(), "the 90 days before 2020");
    let (_, _, xml) = get(&app, "/open311/v2/requests.xml?status=closed").await;
    assert!(xml.contains("<status>closed</status>") && !xml.contains("<status>open</status>"), "{xml}");
    let (_, _, xml) = get(&app, "/open311/v2/requests.xml").await;
    assert!(xml.contains(&open) && !xml.contains("Paul") && !xml.contains("Durand"), "{xml}");

    for (query, said) in [
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days"),
        ("start_date=yesterday", "start_date"),
        ("status=pending", "pending"),
        ("service_request_id=42", "42"),
    ] {
        let (status, _, body) = get(&app, &format!("/open311/v2/requests.json?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert!(one_error(&body, 400).contains(said), "{query}: {body}");
    }
    let (status, _, _) = get(&app, &format!("/open311/v2/requests/{private}.json")).await;
    assert_eq!(status, 404, "unpublished");
    let other = TestTown::new(&app).await;
    let (status, _, _) = get(&app, &format!("/open311/v2/requests/{open}.json?jurisdiction_id={}", other.slug)).await;
    assert_eq!(status, 404, "another town's");
    let (status, _, _) = get(&app, "/open311/v2/requests/not-an-id.json?jurisdiction_id=town-1").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_key_reused_with_another_report_is_refused_and_registers_nothing_more() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (_, secret) = client(&town, &["requests:write"]).await;
    let report = |place: &'static str| {
        vec![("api_key", secret.clone()), ("service_code", "culture".into()), ("address_string", place.into())]
    };
    let send = |form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/open311/v2/requests.json"))
                .header("Idempotency-Key", "same")
                .form(&form)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, _) = send(report("Place de la mairie")).await;
    assert_eq!(status, 201);
    let (status, body) = send(report("Rue Lamartine")).await;
    assert_eq!(status, 400, "{body}");
    one_error(&body, 400);
    let agent = town.agent().await;
    assert_eq!(town.list_ids(Some(&agent), "").await.len(), 1);
}

#[tokio::test]
async fn odd_queries_are_read_as_the_spec_means_them_and_never_fail_the_server() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let open = town
        .request()
        .body(json!({ "kind": "complaint", "title": "Un trou", "description": "Rue Lamartine.",
        "themes": ["culture", "roads-and-traffic"] }))
        .submitted()
        .await
        .id;
    town.publish(&open).await;
    let ids = |body: &str| -> Vec<String> {
        parsed(body).as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap().to_owned()).collect()
    };
    // A blank id list is no id list: the last 90 days.
    let (status, _, body) = get(&app, "/open311/v2/requests.json?service_request_id=,").await;
    assert_eq!((status, ids(&body)), (200, vec![open.clone()]));
    // A repeated parameter: the first counts.
    let (_, _, body) = get(&app, "/open311/v2/requests.json?status=closed&status=open").await;
    assert_eq!(ids(&body), Vec::<String>::new());
    // Thousands of codes, most of them no theme of the town's: only its own count, once each.
    let codes = format!("{}roads-and-traffic", "a,".repeat(3_000));
    let (status, _, body) = get(&app, &format!("/open311/v2/requests.json?service_code={codes}")).await;
    assert_eq!(status, 200, "{body}");
    let listed = parsed(&body);
    assert_eq!(ids(&body), [open.as_str()]);
    assert_eq!(listed[0]["service_code"], "roads-and-traffic", "the service asked for, not its first theme");
    let many: Vec<String> = (0..1_001).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let (status, _, body) =
        get(&app, &format!("/open311/v2/requests.json?service_request_id={}", many.join(","))).await;
    assert_eq!(status, 400);
    assert!(one_error(&body, 400).contains("more than 1000"));
    // Refused before any handler (a NUL), still in the spec's shape and the format asked.
    let (status, kind, xml) = get(&app, "/open311/v2/services.xml?jurisdiction_id=a%00b").await;
    assert_eq!((status, kind.as_str()), (400, "text/xml; charset=utf-8"));
    assert!(xml.contains("<errors><error><code>400</code><description>the query string holds a NUL"), "{xml}");
    let response = app.client.delete(app.url("/open311/v2/services.json")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert!(response.headers().contains_key("allow"));
    assert_eq!(one_error(&response.text().await.unwrap(), 405), "method not allowed");
    // The discovery document names the address the connection reached, not a forwarded one.
    let response = app
        .client
        .get(app.url("/open311/v2/discovery.json"))
        .header("X-Forwarded-Host", "evil.example")
        .send()
        .await
        .unwrap();
    let discovery: Value = response.json().await.unwrap();
    let url = discovery["endpoints"][0]["url"].as_str().unwrap();
    assert!(!url.contains("evil") && url.starts_with("http://127.0.0.1:"), "{url}");
}

#[tokio::test]
async fn wrong_keys_again_and_again_are_slowed_down() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let form = [
        ("jurisdiction_id", town.slug.as_str()),
        ("service_code", "culture"),
        ("address_string", "Place"),
        ("api_key", "guess"),
    ];
    let mut statuses = Vec::new();
    for _ in 0..25 {
        let response = app.client.post(app.url("/open311/v2/requests.xml")).form(&form).send().await.unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            let xml = response.text().await.unwrap();
            assert!(xml.contains("<errors><error><code>429</code>"), "{xml}");
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses[..statuses.len() - 1].iter().all(|s| *s == 403));
}
