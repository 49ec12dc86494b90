//! Municipalities and neighbourhoods: public reads, paging, ETags.

use crate::helpers::{json, problem, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn municipalities_are_listed_in_slug_order() {
    let app = spawn_app().await;
    app.create_municipality("loos-en-gohelle", "62528", &[]).await;
    app.create_municipality("grenay", "62386", &[]).await;
    let response = app.get("/v1/municipalities").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("link").is_none(), "a single page has no next link");
    let body = json(response).await;
    let slugs: Vec<&str> = body["items"].as_array().unwrap().iter().map(|m| m["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["grenay", "loos-en-gohelle"]);
    assert!(body["next_cursor"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn municipalities_are_paged_with_a_cursor_and_a_link_header() {
    let app = spawn_app().await;
    for (slug, insee) in [("aa-town", "62001"), ("bb-town", "62002"), ("cc-town", "62003")] {
        app.create_municipality(slug, insee, &[]).await;
    }
    let first = app.get("/v1/municipalities?limit=2").await;
    let link = first.headers()["link"].to_str().unwrap().to_owned();
    let body = json(first).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    let cursor = body["next_cursor"].as_str().unwrap();
    assert_eq!(link, format!("</v1/municipalities?limit=2&cursor={cursor}>; rel=\"next\""));

    let next_path = link.trim_start_matches('<').split('>').next().unwrap();
    let second = json(app.get(next_path).await).await;
    assert_eq!(second["items"][0]["slug"], "cc-town");
    assert!(second["next_cursor"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_stays_valid_when_municipalities_are_added_before_it() {
    let app = spawn_app().await;
    app.create_municipality("bb-town", "62002", &[]).await;
    app.create_municipality("cc-town", "62003", &[]).await;
    let first = json(app.get("/v1/municipalities?limit=1").await).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    app.create_municipality("aa-town", "62001", &[]).await;
    let second = json(app.get(&format!("/v1/municipalities?limit=1&cursor={cursor}")).await).await;
    assert_eq!(second["items"][0]["slug"], "cc-town");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_municipality_is_found_by_slug_with_its_settings_and_an_etag() {
    let app = spawn_app().await;
    app.create_municipality("loos-en-gohelle", "62528", &[]).await;
    let response = app.get("/v1/municipalities/loos-en-gohelle").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let body = json(response).await;
    assert_eq!(body["insee_code"], "62528");
    assert_eq!(body["settings"]["answer_delay_days"], 30);
    assert_eq!(body["settings"]["minutes_delay_days"], 15);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn if_none_match_with_the_current_etag_answers_304() {
    let app = spawn_app().await;
    app.create_municipality("grenay", "62386", &[]).await;
    let url = app.url("/v1/municipalities/grenay");
    let fresh = app.client.get(&url).header("If-None-Match", "\"1\"").send().await.unwrap();
    assert_eq!(fresh.status(), 304);
    let stale = app.client.get(&url).header("If-None-Match", "\"0\"").send().await.unwrap();
    assert_eq!(stale.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_municipality_is_a_404_problem() {
    let app = spawn_app().await;
    let body = problem(app.get("/v1/municipalities/atlantis").await, 404).await;
    assert_eq!(body["detail"], "aucune commune atlantis");
    problem(app.get("/v1/municipalities/atlantis/neighbourhoods").await, 404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn neighbourhoods_are_listed_by_name_and_paged() {
    let app = spawn_app().await;
    app.create_municipality("loos-en-gohelle", "62528", &["Quartier Ouest", "Centre-ville", "Cité 5"]).await;
    app.create_municipality("grenay", "62386", &["Centre-ville"]).await;
    let first = json(app.get("/v1/municipalities/loos-en-gohelle/neighbourhoods?limit=2").await).await;
    let names: Vec<&str> = first["items"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Centre-ville", "Cité 5"]);
    assert_eq!(first["items"][1]["code"], "cite-5");
    let cursor = first["next_cursor"].as_str().unwrap();
    let path = format!("/v1/municipalities/loos-en-gohelle/neighbourhoods?limit=2&cursor={cursor}");
    let second = json(app.get(&path).await).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1, "only this town's neighbourhoods: {second}");
    assert_eq!(second["items"][0]["code"], "quartier-ouest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slug_or_insee_code_already_taken_is_refused_and_nothing_is_written() {
    use implication_domain::identity::municipality::MunicipalityDraft;
    use implication_domain::{NewMunicipality, NewNeighbourhood};
    use implication_storage::{StorageError, identity::municipalities};

    let app = spawn_app().await;
    app.create_municipality("grenay", "62386", &[]).await;
    let draft = MunicipalityDraft {
        slug: "grenay-bis".into(),
        name: "Grenay bis".into(),
        insee_code: "62386".into(),
        population: 1,
        ..Default::default()
    };
    let new = NewMunicipality::parse(&draft).unwrap();
    let neighbourhoods = [NewNeighbourhood::parse("Centre", None).unwrap()];
    let refused = municipalities::create(&app.db, &new, &neighbourhoods).await;
    assert!(matches!(refused, Err(StorageError::Duplicate("insee_code"))), "{refused:?}");
    problem(app.get("/v1/municipalities/grenay-bis").await, 404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_neighbourhoods_with_the_same_code_roll_the_whole_creation_back() {
    use implication_domain::identity::municipality::MunicipalityDraft;
    use implication_domain::{NewMunicipality, NewNeighbourhood};
    use implication_storage::{StorageError, identity::municipalities};

    let app = spawn_app().await;
    let draft = MunicipalityDraft {
        slug: "loos".into(),
        name: "Loos".into(),
        insee_code: "62528".into(),
        population: 1,
        ..Default::default()
    };
    let new = NewMunicipality::parse(&draft).unwrap();
    let twins = [NewNeighbourhood::parse("Cité 5", None).unwrap(), NewNeighbourhood::parse("Cite 5", None).unwrap()];
    let refused = municipalities::create(&app.db, &new, &twins).await;
    assert!(matches!(refused, Err(StorageError::Duplicate("code"))), "{refused:?}");
    problem(app.get("/v1/municipalities/loos").await, 404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_loads_twice_without_duplicating_anything() {
    let app = spawn_app().await;
    let first = implication_api::demo::load(&app.db).await.unwrap();
    assert_eq!(first, ["loos-en-gohelle", "grenay"]);
    let second = implication_api::demo::load(&app.db).await.unwrap();
    assert!(second.is_empty());
    let body = json(app.get("/v1/municipalities").await).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    let quartiers = json(app.get("/v1/municipalities/loos-en-gohelle/neighbourhoods").await).await;
    assert!(quartiers["items"].as_array().unwrap().iter().any(|n| n["code"] == "quartier-ouest"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_adds_and_changes_neighbourhoods_with_their_population_and_anyone_reads_them() {
    use crate::fixtures::TestTown;
    use reqwest::Method;
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (admin, agent) = (town.admin().await, town.agent().await);
    let add = |token: &str, body: serde_json::Value| {
        app.authed(Method::POST, &town.at("/neighbourhoods"), token).json(&body).send()
    };
    let marais = serde_json::json!({ "name": "Secteur des Marais", "population": 420 });
    problem(add(&agent, marais.clone()).await.unwrap(), 403).await;
    let refused = problem(
        add(&admin, serde_json::json!({ "name": " ", "code": "Pas un code", "population": -1 })).await.unwrap(),
        422,
    )
    .await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "code", "population"]);
    let created = add(&admin, marais.clone()).await.unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, town.at("/neighbourhoods/secteur-des-marais"));
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let view = json(created).await;
    assert_eq!(
        (view["code"].as_str(), view["population"].as_i64(), view["version"].as_i64()),
        (Some("secteur-des-marais"), Some(420), Some(1))
    );
    problem(add(&admin, marais).await.unwrap(), 409).await;

    // Anyone reads it; its admin changes its population, or forgets it, with its ETag.
    let public = json(app.get(&location).await).await;
    assert_eq!(public["name"], "Secteur des Marais");
    let change = |token: &str, etag: Option<&str>, body: serde_json::Value| {
        let mut request = app.authed(Method::PATCH, &location, token).json(&body);
        if let Some(etag) = etag {
            request = request.header("If-Match", etag);
        }
        request.send()
    };
    problem(change(&admin, None, serde_json::json!({ "population": 430 })).await.unwrap(), 428).await;
    problem(change(&agent, Some(&etag), serde_json::json!({ "population": 430 })).await.unwrap(), 403).await;
    let refused =
        problem(change(&admin, Some(&etag), serde_json::json!({ "population": 1e12 })).await.unwrap(), 422).await;
    assert_eq!(refused["errors"][0]["field"], "population");
    let changed = change(&admin, Some(&etag), serde_json::json!({ "population": 430.0 })).await.unwrap();
    assert_eq!(changed.status(), 200);
    let new_etag = changed.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(json(changed).await["population"], 430);
    problem(change(&admin, Some(&etag), serde_json::json!({ "population": 440 })).await.unwrap(), 412).await;
    let forgotten =
        json(change(&admin, Some(&new_etag), serde_json::json!({ "population": null })).await.unwrap()).await;
    assert_eq!(
        (forgotten["population"].clone(), forgotten["name"].as_str()),
        (serde_json::Value::Null, Some("Secteur des Marais"))
    );
    let listed = json(app.get(&town.at("/neighbourhoods?limit=50")).await).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|n| n["code"] == "secteur-des-marais"));

    // Another municipality's admin learns nothing of it.
    let other = TestTown::new(&app).await;
    let elsewhere = other.admin().await;
    problem(change(&elsewhere, Some(&new_etag), serde_json::json!({ "population": 1 })).await.unwrap(), 404).await;
    problem(app.get(&town.at("/neighbourhoods/nulle-part")).await, 404).await;
}
