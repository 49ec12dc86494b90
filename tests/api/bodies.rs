//! Standing bodies and draws by lot over HTTP: members named only with their consent and erased
//! when they withdraw it, never shown to the public; a body's meetings and minutes; a draw
//! anyone re-runs from its published inputs and gets the same lines.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use base64::Engine;
use chrono::{Days, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn post(town: &TestTown<'_>, token: &str, path: &str, body: &Value) -> reqwest::Response {
    town.app.authed(Method::POST, &town.at(path), token).json(body).send().await.unwrap()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn members_are_named_with_their_consent_seen_by_staff_only_and_erased_when_they_withdraw_it() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let body = json!({ "name": "Commission fête et cérémonie", "kind": "commission",
        "purpose": "Préparer les fêtes avec les associations." });
    let created = post(&town, &agent, "/bodies", &body).await;
    assert_eq!(created.status(), 201);
    let id = json(created).await["id"].as_str().unwrap().to_owned();
    let again = post(&town, &agent, "/bodies", &body).await;
    assert_eq!(problem(again, 422).await["errors"][0]["code"], "taken");
    let group = json!({ "name": "Groupe de la cité 5", "kind": "neighbourhood_group" });
    assert_eq!(fields(&problem(post(&town, &agent, "/bodies", &group).await, 422).await), ["neighbourhood"]);

    let members = format!("/bodies/{id}/members");
    let without = json!({ "name": "Camille Secrète", "email": "camille.secrete@example.org" });
    let refused = problem(post(&town, &agent, &members, &without).await, 422).await;
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("consent"), Some("consent_required"))
    );
    let future = (Utc::now() + chrono::Duration::days(3)).date_naive();
    let invalid = json!({ "name": "", "phone": "abc", "consent": false, "consented_on": future });
    assert_eq!(
        fields(&problem(post(&town, &agent, &members, &invalid).await, 422).await),
        ["name", "phone", "consent", "consented_on"]
    );
    let with = json!({ "name": "Camille Secrète", "email": "camille.secrete@example.org", "phone": "06 12 34 56 78",
        "role": "Présidente", "consent": true });
    let named = post(&town, &agent, &members, &with).await;
    assert_eq!(named.status(), 201);
    let member = json(named).await;
    let inhabitant = town.inhabitant().await;
    problem(post(&town, &inhabitant, &members, &with).await, 403).await;

    // The public sees the body and a count; never who.
    let public = json(app.get(&town.at(&format!("/bodies/{id}"))).await).await;
    assert_eq!(public["members"], 1);
    let list = json(app.get(&town.at("/bodies?kind=commission")).await).await;
    for text in [public.to_string(), list.to_string()] {
        assert!(!text.contains("Camille") && !text.contains("06 12"), "{text}");
    }
    problem(app.get(&town.at(&members)).await, 401).await;
    problem(app.authed(Method::GET, &town.at(&members), &inhabitant).send().await.unwrap(), 403).await;
    let listed = json(app.authed(Method::GET, &town.at(&members), &agent).send().await.unwrap()).await;
    assert_eq!(listed["items"][0]["email"], "camille.secrete@example.org");
    let bad = app.get(&town.at("/bodies?kind=club")).await;
    assert_eq!(fields(&problem(bad, 400).await), ["kind"]);
    // Bodies page by name; a cursor names the last body seen, and one of nothing is refused.
    for name in ["Atelier couture", "Zèbres du quartier"] {
        let other = json!({ "name": name, "kind": "other" });
        assert_eq!(post(&town, &agent, "/bodies", &other).await.status(), 201);
    }
    let first = json(app.get(&town.at("/bodies?limit=2")).await).await;
    let names: Vec<&str> = first["items"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Atelier couture", "Commission fête et cérémonie"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let next = json(app.get(&town.at(&format!("/bodies?limit=2&cursor={cursor}"))).await).await;
    assert_eq!(next["items"][0]["name"], "Zèbres du quartier");
    let unknown = json!({ "i": uuid::Uuid::now_v7() }).to_string();
    let unknown = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(unknown);
    problem(app.get(&town.at(&format!("/bodies?cursor={unknown}"))).await, 400).await;

    // Consent withdrawn: erased, nothing kept; erasing again finds nothing.
    let erase = town.at(&format!("/bodies/{id}/members/{}", member["id"].as_str().unwrap()));
    assert_eq!(app.authed(Method::DELETE, &erase, &agent).send().await.unwrap().status(), 204);
    problem(app.authed(Method::DELETE, &erase, &agent).send().await.unwrap(), 404).await;
    let listed = json(app.authed(Method::GET, &town.at(&members), &agent).send().await.unwrap()).await;
    assert_eq!(listed["items"], json!([]));
    assert_eq!(json(app.get(&town.at(&format!("/bodies/{id}"))).await).await["members"], 0);
    let other = TestTown::new(&app).await;
    let other_agent = other.agent().await;
    problem(app.authed(Method::GET, &town.at(&members), &other_agent).send().await.unwrap(), 404).await;
    problem(app.get(&other.at(&format!("/bodies/{id}"))).await, 404).await;
}

#[tokio::test]
async fn a_bodys_meetings_are_public_and_take_their_minutes_once_held() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let body = json!({ "name": "Rencontre annuelle avec les agriculteurs", "kind": "yearly_meeting" });
    let id = json(post(&town, &agent, "/bodies", &body).await).await["id"].as_str().unwrap().to_owned();
    let today = crate::fixtures::town_day(0);
    let held = json!({ "place": "Ferme pédagogique", "date": today.checked_sub_days(Days::new(5)).unwrap(),
        "agenda": "Les chemins ruraux.", "attendance": 14 });
    let scheduled = post(&town, &agent, &format!("/bodies/{id}/meetings"), &held).await;
    assert_eq!(scheduled.status(), 201);
    let etag = scheduled.headers()["etag"].to_str().unwrap().to_owned();
    let meeting = json(scheduled).await;
    assert_eq!((meeting["start_time"].as_str(), meeting["end_time"].as_str()), (Some("18:00"), Some("19:30")));
    let ahead = json!({ "place": "Mairie", "date": today.checked_add_days(Days::new(30)).unwrap() });
    let ahead = post(&town, &agent, &format!("/bodies/{id}/meetings"), &ahead).await;
    let ahead_tag = ahead.headers()["etag"].to_str().unwrap().to_owned();
    let ahead = json(ahead).await;
    let invalid = json!({ "date": "2026-13-01" });
    problem(post(&town, &agent, &format!("/bodies/{id}/meetings"), &invalid).await, 422).await;
    assert_eq!(
        fields(&problem(post(&town, &agent, &format!("/bodies/{id}/meetings"), &json!({})).await, 422).await),
        ["place", "date"]
    );

    let minutes =
        |meeting: &Value| town.at(&format!("/bodies/{id}/meetings/{}/minutes", meeting["id"].as_str().unwrap()));
    let early = app
        .authed(Method::PUT, &minutes(&ahead), &agent)
        .header("If-Match", &ahead_tag)
        .json(&json!({ "text": "Trop tôt." }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(early, 409).await["rule"], "meeting_not_held");
    let text = "Quatorze agriculteurs présents ; deux chemins à réparer.";
    let published = app
        .authed(Method::PUT, &minutes(&meeting), &agent)
        .header("If-Match", &etag)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    let stale = app
        .authed(Method::PUT, &minutes(&meeting), &agent)
        .header("If-Match", &etag)
        .json(&json!({ "text": "Corrigé." }))
        .send()
        .await
        .unwrap();
    problem(stale, 412).await;
    let list = json(app.get(&town.at(&format!("/bodies/{id}/meetings"))).await).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!((items.len(), items[1]["minutes"]["text"].as_str()), (2, Some(text)));
    assert_eq!(items[0]["id"], ahead["id"]);
    let one = app.get(&town.at(&format!("/bodies/{id}/meetings/{}", meeting["id"].as_str().unwrap()))).await;
    assert_eq!(one.headers()["etag"], "\"2\"");
    assert_eq!(json(one).await["minutes"]["text"], text);
    problem(app.get(&town.at(&format!("/bodies/{id}/meetings/{}", uuid::Uuid::now_v7()))).await, 404).await;
}

/// The rule as its documentation gives it, written again here from that text.
fn rerun(seed: &str, code: &str, size: u32) -> Vec<u64> {
    let mut keyed: Vec<(Vec<u8>, u64)> = (1..=u64::from(size))
        .map(|n| (Sha256::digest(format!("{seed}\n{code}\n{n}").as_bytes()).to_vec(), n))
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, n)| n).collect()
}

#[tokio::test]
async fn a_draw_by_lot_is_reproduced_from_its_published_inputs_by_anyone() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let draft = json!({ "purpose": "Ateliers du plan local d'urbanisme",
        "pools": [{ "neighbourhood": "cite-5", "pool_size": 700, "seats": 6, "alternates": 2 },
                  { "neighbourhood": "centre-ville", "pool_size": 40, "seats": 40 }] });
    let made = post(&town, &agent, "/draws", &draft).await;
    assert_eq!(made.status(), 201);
    let location = made.headers()["location"].to_str().unwrap().to_owned();
    let made = json(made).await;
    assert_eq!(made["seed"].as_str().unwrap().len(), 32, "a random seed of 128 bits, published");

    // Anyone reads the draw and runs it again from what it publishes: the same lines.
    let published = json(app.get(&location).await).await;
    assert_eq!(published, made);
    assert_eq!(published["rule"], "sha256-rank-v1");
    let seed = published["seed"].as_str().unwrap();
    for pool in published["pools"].as_array().unwrap() {
        let size = u32::try_from(pool["pool_size"].as_u64().unwrap()).unwrap();
        let order = rerun(seed, pool["neighbourhood"].as_str().unwrap(), size);
        let seats = usize::try_from(pool["seats"].as_u64().unwrap()).unwrap();
        let alternates = usize::try_from(pool["alternates"].as_u64().unwrap()).unwrap();
        assert_eq!(pool["drawn"], json!(order[..seats]));
        assert_eq!(pool["alternates_drawn"], json!(order[seats..seats + alternates]));
    }
    // The whole pool drawn is every line, once.
    let everyone = published["pools"][1]["drawn"].as_array().unwrap();
    let mut lines: Vec<u64> = everyone.iter().map(|n| n.as_u64().unwrap()).collect();
    lines.sort_unstable();
    assert_eq!(lines, (1..=40).collect::<Vec<u64>>());

    // A seed given (drawn in public beforehand) gives the same draw every time.
    let seeded = json!({ "purpose": "Essai", "seed": "Loto du 12 mars 2011 : 4 17 23 31 42",
        "pools": [{ "neighbourhood": "cite-5", "pool_size": 1000, "seats": 5, "alternates": 3 }] });
    let first = json(post(&town, &agent, "/draws", &seeded).await).await;
    assert_eq!(first["pools"][0]["drawn"], json!([882, 715, 965, 181, 642]));
    assert_eq!(first["pools"][0]["alternates_drawn"], json!([246, 220, 531]));
    let listed = json(app.get(&town.at("/draws?limit=1")).await).await;
    assert_eq!(listed["items"][0]["id"], first["id"]);
    assert!(listed["next_cursor"].is_string());

    let invalid = json!({ "purpose": "", "seed": "deux\nlignes",
        "pools": [{ "neighbourhood": "atlantide", "pool_size": 0, "seats": 1 }, { "neighbourhood": "cite-5", "pool_size": 3, "seats": 3, "alternates": 1 }] });
    assert_eq!(
        fields(&problem(post(&town, &agent, "/draws", &invalid).await, 422).await),
        ["purpose", "seed", "pools[0].neighbourhood", "pools[0].pool_size", "pools[1].seats"]
    );
    assert_eq!(fields(&problem(post(&town, &agent, "/draws", &json!({ "purpose": "x" })).await, 422).await), ["pools"]);
    let inhabitant = town.inhabitant().await;
    problem(post(&town, &inhabitant, "/draws", &seeded).await, 403).await;
    problem(app.get(&town.at(&format!("/draws/{}", uuid::Uuid::now_v7()))).await, 404).await;
}
