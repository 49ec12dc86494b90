//! Open data over HTTP: the CSV and JSON Lines of the published requests, their columns those of
//! the package descriptor, no personal data in them, streamed page after page whatever their
//! number; unknown files are 404.

use crate::fixtures::TestTown;
use crate::helpers::{json, spawn_app};
use implication_app::requests as usecases;
use implication_domain::Precondition;
use implication_domain::identity::Standing;
use implication_domain::requests::{Actor, RequestDraft};
use implication_domain::vocabulary::{Channel, RequestKind};
use implication_storage::identity::municipalities;
use reqwest::Method;
use serde_json::{Value, json};

async fn text(app: &crate::helpers::TestApp, path: &str) -> (String, String) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn the_exports_columns_are_the_descriptors_and_carry_no_personal_data() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let body = json!({ "kind": "complaint", "title": "Un trottoir, défoncé", "description": "Il dit \"attention\".\nDeux lignes.",
        "channel": "letter", "themes": ["roads-and-traffic", "culture"], "neighbourhood": "cite-5",
        "requester": { "kind": "individual", "name": "Camille Secret", "email": "camille@secret.test", "phone": "0600000000" },
        "personal_data_consent": true });
    let published = town.request().by(&agent).body(body).submitted().await;
    town.request().title("Pas publiée").submitted().await;
    let (_, etag) = town.staff_get(&agent, &published.id).await;
    let path = town.at(&format!("/requests/{}/publish", published.id));
    assert_eq!(app.authed(Method::POST, &path, &agent).header("If-Match", etag).send().await.unwrap().status(), 200);

    let descriptor = json(app.get(&town.at("/exports/datapackage.json")).await).await;
    let resource = &descriptor["resources"][0];
    assert_eq!((resource["name"].as_str(), resource["path"].as_str()), (Some("requests"), Some("requests.csv")));
    let names: Vec<&str> =
        resource["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(resource["schema"]["fields"].as_array().unwrap().iter().all(|f| f["description"].is_string()));

    let (content_type, csv) = text(&app, &town.at("/exports/requests.csv")).await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next().unwrap().split(',').collect::<Vec<_>>(), names, "the header is the descriptor's columns");
    assert!(csv.contains("\"Un trottoir, défoncé\""), "{csv}");
    assert!(csv.contains("\"Il dit \"\"attention\"\".\nDeux lignes.\""), "quoted as RFC 4180 says: {csv}");
    assert!(csv.contains("roads-and-traffic;culture") || csv.contains("culture;roads-and-traffic"));
    assert!(!csv.contains("Pas publiée"), "only the published ones");
    for secret in ["Camille", "camille@secret.test", "0600000000"] {
        assert!(!csv.contains(secret), "{secret} in {csv}");
    }

    let (content_type, jsonl) = text(&app, &town.at("/exports/requests.jsonl")).await;
    assert_eq!(content_type, "application/jsonl; charset=utf-8");
    let rows: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let keys: Vec<&str> = jsonl
        .lines()
        .next()
        .unwrap()
        .trim_matches(['{', '}'])
        .split(",\"")
        .map(|m| m.trim_matches('"').split('"').next().unwrap())
        .collect();
    assert_eq!(keys, names, "the same columns, in the same order");
    assert_eq!(rows[0]["neighbourhood"], "cite-5");
    assert!(!jsonl.contains("Camille"));

    // Every dataset the package names: its CSV's header is its Table Schema's columns, and its
    // JSON Lines are there too.
    for resource in descriptor["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let fields: Vec<&str> =
            resource["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        let (_, csv) = text(&app, &town.at(&format!("/exports/{path}"))).await;
        assert_eq!(csv.split("\r\n").next().unwrap().split(',').collect::<Vec<_>>(), fields, "{path}");
        let jsonl = path.replace(".csv", ".jsonl");
        assert_eq!(app.get(&town.at(&format!("/exports/{jsonl}"))).await.status(), 200, "{jsonl}");
    }
    let names: Vec<&str> =
        descriptor["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["requests", "processes", "meetings", "surveys", "conventions", "indicators"]);
    let (_, figures) = text(&app, &town.at("/exports/indicators.csv")).await;
    assert!(figures.contains("\r\nrequests.received,"), "{figures}");
    assert!(figures.contains("requests.by_neighbourhood.cite-5,"), "{figures}");

    for unknown in ["/exports/people.csv", "/exports/requests.xlsx", "/exports/requests"] {
        assert_eq!(app.get(&town.at(unknown)).await.status(), 404, "{unknown}");
    }
}

#[tokio::test]
async fn an_export_larger_than_a_page_streams_every_published_request_once_in_order() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let municipality = municipalities::find_by_slug(&app.db, &town.slug).await.unwrap().unwrap();
    let agent = implication_storage::identity::accounts::find_with_password_by_email(
        &app.db,
        &implication_domain::identity::Email::parse("email", &town.email("agent")).unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .0
    .id;
    let standing = Standing::Staff(agent);
    let submitter = usecases::submitter(&app.db, &standing, &municipality).await.unwrap();
    // More than two of the stream's pages (500 rows each), through the intake's own use cases.
    let total = 1_101;
    for i in 0..total {
        let draft = RequestDraft {
            kind: Some(RequestKind::Idea),
            title: Some(format!("Idée numéro {i}")),
            description: Some("Une idée parmi beaucoup.".to_owned()),
            channel: Some(Channel::Website),
            ..RequestDraft::default()
        };
        let request =
            usecases::register(&app.db, &standing, &municipality, &submitter, &draft, None).await.unwrap().request;
        let at = Precondition::at(request.version);
        usecases::set_published(&app.db, Actor::Account(agent), &municipality, request.id, at, true).await.unwrap();
    }
    let (_, csv) = text(&app, &town.at("/exports/requests.csv")).await;
    let rows: Vec<&str> = csv.split("\r\n").skip(1).filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), total, "every one, once");
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), total);
    let titles: Vec<String> = rows.iter().map(|r| r.split(',').nth(3).unwrap().to_owned()).collect();
    assert_eq!(titles[0], "Idée numéro 0");
    assert_eq!(titles[total - 1], format!("Idée numéro {}", total - 1), "in the order they were registered");
    let (_, jsonl) = text(&app, &town.at("/exports/requests.jsonl")).await;
    assert_eq!(jsonl.lines().count(), total);
}
