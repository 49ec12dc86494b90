//! Qualification and routing over HTTP: the document and its ETag, the domain's completeness and
//! eligibility, the lifecycle's guards refusing and accepting, the history, "my work" lists by
//! role, and suggestions of requests on the same subject.

use crate::fixtures::{GREEN_SERVICE, PASSWORD, TestTown, WORKS_DELEGATION, WORKS_SERVICE, every_guard_passes};
use crate::helpers::{TestApp, json, problem, spawn_app, spawn_demo_app};
use crate::requests::{LOOS, personal_request};
use reqwest::Method;
use serde_json::{Value, json};

/// The speeding complaint, complete: the municipality's competence, a consultation.
fn speeding() -> Value {
    json!({
        "restated_need": "Faire ralentir les voitures rue Lamartine, le soir.",
        "requester_interest": "Des parents de la cité 12.",
        "stakeholders": [{ "name": "Riverains de la rue Lamartine", "role": "affected_geographically",
            "interest": "Le bruit d'un ralentisseur", "conflicts_with_requester": true }],
        "competence": "municipality",
        "themes": ["roads-and-traffic"], "neighbourhood": "cite-12",
        "routing": { "delegation": "travaux-et-urbanisme", "services": ["services-techniques"] },
        "recommended_level": "consultation"
    })
}

fn qualification_path(town: &TestTown<'_>, id: &str) -> String {
    town.at(&format!("/requests/{id}/qualification"))
}

async fn get_qualification(town: &TestTown<'_>, token: &str, id: &str) -> (Value, String) {
    let response = town.app.authed(Method::GET, &qualification_path(town, id), token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (json(response).await, etag)
}

/// A new request of the town moved to `qualifying`, with its id.
async fn qualifying(town: &TestTown<'_>, title: &str) -> String {
    town.request().title(title).in_status("qualifying").await.id
}

/// A request of the town moved to `qualified` with `document`.
async fn qualified(town: &TestTown<'_>, document: &Value) -> String {
    let agent = town.agent().await;
    let id = qualifying(town, "À qualifier").await;
    town.record_qualification(&agent, &id, document).await;
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualified" })).await.status(), 200);
    id
}

/// Submits `body` anonymously to the town; returns the receipt.
async fn submitted(town: &TestTown<'_>, body: &Value) -> Value {
    town.request().body(body.clone()).submitted().await.receipt
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_request_reads_as_an_empty_incomplete_ineligible_qualification() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = town.request().body(personal_request()).submitted().await.id;
    let (_, request_etag) = town.staff_get(&agent, &id).await;
    let (view, etag) = get_qualification(&town, &agent, &id).await;
    assert_eq!(etag, request_etag, "the request's ETag covers its qualification");
    assert_eq!(view["recorded"], false);
    assert_eq!(view["complete"], false);
    assert_eq!(view["missing"], json!(["restated_need", "competence", "recommended_level"]));
    assert_eq!(view["eligible"], false);
    assert_eq!(
        view["unmet"],
        json!([
            "general_interest",
            "public_domain",
            "living_environment",
            "citizen_delivery",
            "unmet_need",
            "no_public_service_replaced"
        ])
    );
    assert_eq!(view["document"]["themes"], json!(["roads-and-traffic"]), "the request's own themes");
    assert_eq!(view["document"]["neighbourhood"], "cite-5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_qualified_only_once_the_essentials_are_recorded() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = qualifying(&town, "Vitesse rue Lamartine").await;

    let refused = problem(town.transition(&agent, &id, json!({ "to": "qualified" })).await, 409).await;
    assert_eq!(refused["rule"], "qualification_incomplete");
    assert_eq!(fields(&refused), ["restated_need", "competence", "recommended_level"]);
    assert_eq!(refused["allowed_transitions"], json!(["qualified", "merged"]));

    let partial =
        town.record_qualification(&agent, &id, &json!({ "restated_need": "Faire ralentir les voitures." })).await;
    assert_eq!(partial["complete"], false);
    assert_eq!(partial["missing"], json!(["competence", "recommended_level"]));
    let still = problem(town.transition(&agent, &id, json!({ "to": "qualified" })).await, 409).await;
    assert_eq!(fields(&still), ["competence", "recommended_level"]);

    let complete = town.record_qualification(&agent, &id, &speeding()).await;
    assert_eq!(complete["complete"], true);
    assert_eq!(complete["missing"], json!([]));
    let moved = town.transition(&agent, &id, json!({ "to": "qualified" })).await;
    assert_eq!(moved.status(), 200);
    assert_eq!(json(moved).await["status"], "qualified");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_redirected_only_to_another_named_authority_and_the_requester_is_told_which() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let submitted = town.request().title("Poubelles non ramassées").submitted().await.receipt;
    let id = submitted["id"].as_str().unwrap().to_owned();
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualifying" })).await.status(), 200);
    town.record_qualification(&agent, &id, &speeding()).await;
    assert_eq!(town.transition(&agent, &id, json!({ "to": "qualified" })).await.status(), 200);

    let reason = "Nous lui avons transmis les adresses signalées.";
    let refused =
        problem(town.transition(&agent, &id, json!({ "to": "redirected", "reason": reason })).await, 409).await;
    assert_eq!(refused["rule"], "competence_is_municipal");
    assert_eq!(fields(&refused), ["competence"]);

    let mut unnamed = speeding();
    unnamed["competence"] = json!("intercommunality");
    let invalid = problem(town.put_qualification(&agent, &id, &unnamed).await, 422).await;
    assert_eq!(fields(&invalid), ["competent_authority"]);
    unnamed["competent_authority"] = json!("Communauté d'agglomération de Lens-Liévin");
    town.record_qualification(&agent, &id, &unnamed).await;
    let moved = town.transition(&agent, &id, json!({ "to": "redirected", "reason": reason })).await;
    assert_eq!(moved.status(), 200);

    // The requester reads, with their tracking code, who is competent and what was sent on.
    let tracking = json(app.get(submitted["tracking_url"].as_str().unwrap()).await).await;
    let answers = tracking["answers"].as_array().unwrap();
    let text = answers.last().unwrap()["text"].as_str().unwrap();
    assert!(text.contains("Communauté d'agglomération de Lens-Liévin"), "{text}");
    assert!(text.contains(reason), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_eligible_request_goes_to_a_fifty_fifty_and_the_unmet_prerequisites_are_named() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let mut document = speeding();
    document["fifty_fifty_eligibility"] = json!({
        "general_interest": { "holds": true, "justification": "Pour tous." },
        "public_domain": { "holds": false, "justification": "Un terrain privé." },
        "living_environment": { "holds": true, "justification": "Plus sûr.", "aims": ["safety"] }
    });
    let id = qualified(&town, &document).await;
    let (view, _) = get_qualification(&town, &agent, &id).await;
    assert_eq!(view["eligible"], false);
    assert_eq!(view["unmet"], json!(["public_domain", "citizen_delivery", "unmet_need", "no_public_service_replaced"]));
    let refused = problem(town.transition(&agent, &id, json!({ "to": "in_fifty_fifty" })).await, 409).await;
    assert_eq!(refused["rule"], "not_eligible_for_fifty_fifty");
    assert_eq!(
        fields(&refused),
        [
            "fifty_fifty_eligibility.public_domain",
            "fifty_fifty_eligibility.citizen_delivery",
            "fifty_fifty_eligibility.unmet_need",
            "fifty_fifty_eligibility.no_public_service_replaced"
        ]
    );

    let view = town.record_qualification(&agent, &id, &every_guard_passes()).await;
    assert_eq!(view["eligible"], true);
    assert_eq!(town.transition(&agent, &id, json!({ "to": "in_fifty_fifty" })).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qualification_never_undoes_what_the_status_of_its_request_required() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = qualified(&town, &every_guard_passes()).await;
    assert_eq!(town.transition(&agent, &id, json!({ "to": "in_fifty_fifty" })).await.status(), 200);
    let mut weaker = every_guard_passes();
    weaker["fifty_fifty_eligibility"]["citizen_delivery"]["holds"] = json!(false);
    let refused = problem(town.put_qualification(&agent, &id, &weaker).await, 422).await;
    assert_eq!(fields(&refused), ["fifty_fifty_eligibility.citizen_delivery"]);
    let emptied = problem(town.put_qualification(&agent, &id, &json!({})).await, 422).await;
    assert_eq!(fields(&emptied).len(), 9, "the essentials and the six prerequisites");
    let mut routed = every_guard_passes();
    routed["routing"] = json!({ "services": ["service-environnement"] });
    assert_eq!(town.put_qualification(&agent, &id, &routed).await.status(), 200, "what keeps the rules may change");

    let redirected = qualified(&town, &every_guard_passes()).await;
    let reason = json!({ "to": "redirected", "reason": "Transmis à l'agglomération." });
    assert_eq!(town.transition(&agent, &redirected, reason).await.status(), 200);
    let mut ours = every_guard_passes();
    ours["competence"] = json!("municipality");
    ours["competent_authority"] = json!(null);
    let refused = problem(town.put_qualification(&agent, &redirected, &ours).await, 422).await;
    assert_eq!(fields(&refused), ["competence"]);
    let reopen = json!({ "to": "qualifying", "reason": "L'agglomération nous renvoie la demande." });
    assert_eq!(town.transition(&agent, &redirected, reopen).await.status(), 200);
    assert_eq!(town.put_qualification(&agent, &redirected, &ours).await.status(), 200, "reopened, it is free again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_needs_the_current_etag_and_moves_the_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = qualifying(&town, "Un banc").await;
    let path = qualification_path(&town, &id);
    let missing = app.authed(Method::PUT, &path, &agent).json(&speeding()).send().await.unwrap();
    problem(missing, 428).await;
    let (_, before) = town.staff_get(&agent, &id).await;
    let first =
        app.authed(Method::PUT, &path, &agent).header("If-Match", &before).json(&speeding()).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let after = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(after, before);
    assert_eq!(town.staff_get(&agent, &id).await.1, after, "the request moved with its qualification");

    let mut other = speeding();
    other["recommended_level"] = json!("information");
    let stale = app.authed(Method::PUT, &path, &agent).header("If-Match", &before).json(&other).send().await.unwrap();
    problem(stale, 412).await;
    let stale_move = app
        .authed(Method::POST, &town.at(&format!("/requests/{id}/transitions")), &agent)
        .header("If-Match", &before)
        .json(&json!({ "to": "qualified" }))
        .send()
        .await
        .unwrap();
    problem(stale_move, 412).await;
    let (view, _) = get_qualification(&town, &agent, &id).await;
    assert_eq!(view["document"]["recommended_level"], "consultation", "the stale write changed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_of_the_qualification_is_in_the_staff_history_by_field_name() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let submitted = town.request().title("Un banc cassé").submitted().await.receipt;
    let id = submitted["id"].as_str().unwrap().to_owned();
    town.record_qualification(&agent, &id, &json!({ "restated_need": "Réparer le banc." })).await;
    let mut more = json!({ "restated_need": "Réparer le banc.", "competence": "municipality", "recommended_level": "information" });
    town.record_qualification(&agent, &id, &more).await;
    let (_, etag) = town.staff_get(&agent, &id).await;
    let unchanged = town.record_qualification(&agent, &id, &more).await;
    assert_eq!(unchanged["complete"], true);
    assert_eq!(town.staff_get(&agent, &id).await.1, etag, "the same document again changes nothing");
    more["restated_need"] = json!("Remplacer le banc.");
    town.record_qualification(&agent, &id, &more).await;

    let history =
        json(app.authed(Method::GET, &town.at(&format!("/requests/{id}/history")), &agent).send().await.unwrap()).await;
    let entries: Vec<&Value> =
        history["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "qualification").collect();
    let changed: Vec<Value> = entries.iter().map(|e| e["fields"].clone()).collect();
    assert_eq!(
        changed,
        [json!(["restated_need"]), json!(["competence", "recommended_level"]), json!(["restated_need"])]
    );
    assert!(entries.iter().all(|e| e["actor"]["kind"] == "account"));

    // The requester follows the request without ever seeing its qualification.
    let tracking = json(app.get(submitted["tracking_url"].as_str().unwrap()).await).await;
    let text = tracking.to_string();
    assert!(!text.contains("qualification") && !text.contains("Remplacer le banc"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_document_names_every_field_and_changes_nothing() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = town.request().title("Un banc").submitted().await.id;
    let (_, etag) = town.staff_get(&agent, &id).await;
    let document = json!({
        "restated_need": "   ",
        "stakeholders": [{ "name": "Les voisins" }],
        "competence": "municipality",
        "competent_authority": "La mairie",
        "previously_handled": [id, "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"],
        "themes": ["atlantis"],
        "routing": { "delegation": "nope", "services": ["services-techniques", "nope"] },
        "fifty_fifty_eligibility": {
            "public_domain": { "holds": true, "justification": "Communal.", "aims": ["safety"] },
            "living_environment": { "holds": true, "justification": "Plus beau." }
        }
    });
    let invalid = problem(town.put_qualification(&agent, &id, &document).await, 422).await;
    let mut named = fields(&invalid);
    named.sort();
    assert_eq!(
        named,
        [
            "competent_authority",
            "fifty_fifty_eligibility.living_environment.aims",
            "fifty_fifty_eligibility.public_domain.aims",
            "previously_handled",
            "previously_handled[1]",
            "restated_need",
            "routing.delegation",
            "routing.services[1]",
            "stakeholders[0].role",
            "themes[0]",
        ]
    );
    let unknown_field = town.put_qualification(&agent, &id, &json!({ "eligible": true })).await;
    assert_eq!(fields(&problem(unknown_field, 422).await), ["eligible"], "computed, never set by a client");
    let (view, after) = get_qualification(&town, &agent, &id).await;
    assert_eq!(after, etag);
    assert_eq!(view["recorded"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_themes_and_neighbourhood_become_the_requests_and_links_name_earlier_requests() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let earlier = json!(town.request().title("La même chose l'an dernier").submitted().await.id);
    let id = town.request().title("Un banc").submitted().await.id;
    let mut document = speeding();
    document["previously_handled"] = json!([earlier]);
    let view = town.record_qualification(&agent, &id, &document).await;
    assert_eq!(view["document"]["previously_handled"], json!([earlier]));
    assert_eq!(
        view["document"]["routing"],
        json!({ "delegation": "travaux-et-urbanisme", "services": ["services-techniques"] })
    );
    let (request, _) = town.staff_get(&agent, &id).await;
    assert_eq!(request["themes"], json!(["roads-and-traffic"]));
    assert_eq!(request["neighbourhood"], "cite-12");
    let listed = town.list_ids(Some(&agent), "theme=roads-and-traffic&neighbourhood=cite-12").await;
    assert_eq!(
        listed,
        std::slice::from_ref(&id),
        "found by the codes its qualification gave it, and the earlier one not"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_but_the_towns_staff_sees_a_qualification() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let inhabitant = town.inhabitant().await;
    // The inhabitant's own request: still not theirs to see qualified.
    let own = town.request().title("Ma demande").by(&inhabitant).submitted().await.id;
    town.record_qualification(&agent, &own, &speeding()).await;
    let path = qualification_path(&town, &own);
    problem(app.authed(Method::GET, &path, &inhabitant).send().await.unwrap(), 403).await;
    problem(app.get(&path).await, 401).await;
    let neighbour = TestTown::new(&app).await;
    let neighbours_admin = neighbour.admin().await;
    problem(app.authed(Method::GET, &path, &neighbours_admin).send().await.unwrap(), 404).await;
    let as_requester =
        json(app.authed(Method::GET, &town.at(&format!("/requests/{own}")), &inhabitant).send().await.unwrap()).await;
    assert!(!as_requester.to_string().contains("Faire ralentir"), "{as_requester}");
    // The neighbouring town's request through this town's path does not exist.
    let theirs = neighbour.request().title("Chez les voisins").submitted().await.id;
    let theirs_here = qualification_path(&town, &theirs);
    problem(app.authed(Method::GET, &theirs_here, &agent).send().await.unwrap(), 404).await;
    let neighbours_agent = neighbour.agent().await;
    get_qualification(&neighbour, &neighbours_agent, &theirs).await;
}

/// Every request of the town a staff list with `query` answers, all pages read.
async fn ids_of(town: &TestTown<'_>, token: &str, query: &str) -> Vec<String> {
    town.list_ids(Some(token), query).await
}

/// Creates an account of the town with a role (and services) through the API, and signs it in.
async fn member(town: &TestTown<'_>, email: &str, role: &str, services: &[&str]) -> (String, String) {
    let (app, admin) = (town.app, town.admin().await);
    let password = PASSWORD;
    let created = app
        .authed(Method::POST, &town.at("/accounts"), &admin)
        .json(&json!({ "email": email, "role": role, "password": password, "services": services }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = json(created).await["id"].as_str().unwrap().to_owned();
    let token =
        json(app.password_grant(email, password, None).await).await["access_token"].as_str().unwrap().to_owned();
    (id, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_work_is_what_is_routed_to_my_services_and_to_the_delegations_i_hold() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let admin = town.admin().await;
    let agent = town.agent().await; // in the works service
    let mayor = town.elected().await; // holds every delegation
    let (_, gardener) = member(&town, "jardins@town.test", "agent", &[GREEN_SERVICE]).await;
    let (deputy_id, deputy) = member(&town, "adjointe@town.test", "elected", &[]).await;
    let created = app
        .authed(Method::POST, &town.at("/delegations"), &admin)
        .json(&json!({ "name": "Culture", "holder": deputy_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let flowers = town.request().title("Des fleurs").submitted().await.id;
    let mut document = speeding();
    document["routing"] = json!({ "delegation": "culture", "services": [GREEN_SERVICE] });
    town.record_qualification(&agent, &flowers, &document).await;
    let road = town.request().title("La route").submitted().await.id;
    town.record_qualification(&agent, &road, &speeding()).await;
    let unrouted = town.request().title("Rien").submitted().await.id;

    let mine = |list: &[String], expected: &[&String], absent: &[&String]| {
        expected.iter().all(|id| list.contains(id)) && absent.iter().all(|id| !list.contains(id))
    };
    assert!(mine(&ids_of(&town, &agent, "assigned_to=me").await, &[&road], &[&flowers, &unrouted]));
    assert!(mine(&ids_of(&town, &gardener, "assigned_to=me").await, &[&flowers], &[&road, &unrouted]));
    assert!(mine(&ids_of(&town, &deputy, "assigned_to=me").await, &[&flowers], &[&road, &unrouted]));
    assert!(mine(&ids_of(&town, &mayor, "assigned_to=me").await, &[&flowers, &road], &[&unrouted]));
    assert!(ids_of(&town, &admin, "assigned_to=me").await.is_empty(), "the admin is in no service and holds nothing");

    assert!(mine(&ids_of(&town, &agent, &format!("routed_service={GREEN_SERVICE}")).await, &[&flowers], &[&road]));
    assert_eq!(ids_of(&town, &agent, "routed_delegation=culture").await, std::slice::from_ref(&flowers));
    assert!(
        ids_of(&town, &agent, &format!("routed_service={GREEN_SERVICE}&routed_delegation={WORKS_DELEGATION}"))
            .await
            .is_empty()
    );
    assert!(mine(
        &ids_of(&town, &agent, &format!("routed_delegation={WORKS_DELEGATION}")).await,
        &[&road],
        &[&flowers]
    ));

    // Rerouting moves it out of the old lists.
    let mut rerouted = speeding();
    rerouted["routing"] = json!({ "services": [WORKS_SERVICE] });
    town.record_qualification(&agent, &flowers, &rerouted).await;
    assert!(!ids_of(&town, &gardener, "assigned_to=me").await.contains(&flowers));
    assert!(ids_of(&town, &agent, "assigned_to=me").await.contains(&flowers));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_filters_are_for_staff_and_name_unknown_codes() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let inhabitant = town.inhabitant().await;
    let agent = town.agent().await;
    let list = town.at("/requests?assigned_to=me");
    problem(app.get(&list).await, 401).await;
    problem(app.authed(Method::GET, &list, &inhabitant).send().await.unwrap(), 403).await;
    let neighbour = TestTown::new(&app).await;
    let neighbours_agent = neighbour.agent().await;
    problem(
        app.authed(Method::GET, &town.at(&format!("/requests?routed_service={WORKS_SERVICE}")), &neighbours_agent)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let bad = app
        .authed(Method::GET, &town.at("/requests?assigned_to=you&routed_service=nope&routed_delegation=nope"), &agent)
        .send()
        .await
        .unwrap();
    let bad = problem(bad, 400).await;
    assert_eq!(fields(&bad), ["assigned_to", "routed_service", "routed_delegation"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_put_the_same_subject_first_and_leave_out_the_unrelated() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let submit_one = |title: &str, description: &str, theme: &str, neighbourhood: &str| {
        json!({ "kind": "complaint", "title": title, "description": description,
            "themes": [theme], "neighbourhood": neighbourhood })
    };
    let me = submitted(
        &town,
        &submit_one(
            "Lampadaire éteint rue des Glycines",
            "Le lampadaire du 12 ne s'allume plus.",
            "roads-and-traffic",
            "cite-11",
        ),
    )
    .await;
    let twin = submitted(
        &town,
        &submit_one(
            "Rue des Glycines : lampadaire en panne",
            "Plus de lumière le soir.",
            "roads-and-traffic",
            "cite-11",
        ),
    )
    .await;
    let elsewhere =
        submitted(&town, &submit_one("Lampadaire cassé", "Près de la gare.", "roads-and-traffic", "centre-ville"))
            .await;
    let nearby =
        submitted(&town, &submit_one("Trottoir défoncé", "Devant la boulangerie.", "roads-and-traffic", "cite-11"))
            .await;
    let unrelated = submitted(&town, &submit_one("Concert au parc", "Un concert en juin.", "culture", "cite-11")).await;
    let merged = submitted(
        &town,
        &submit_one("Lampadaire éteint rue des Glycines", "Toujours éteint.", "roads-and-traffic", "cite-11"),
    )
    .await;
    let (merged_id, twin_id) = (merged["id"].as_str().unwrap(), twin["id"].as_str().unwrap());
    let merge = json!({ "to": "merged", "into": twin_id, "reason": "Même lampadaire." });
    assert_eq!(town.transition(&agent, merged_id, merge).await.status(), 200);

    let id = me["id"].as_str().unwrap();
    let response =
        app.authed(Method::GET, &town.at(&format!("/requests/{id}/suggestions")), &agent).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let items = json(response).await["items"].as_array().unwrap().clone();
    let order: Vec<&str> = items.iter().map(|s| s["request"]["id"].as_str().unwrap()).collect();
    assert_eq!(order[0], twin_id, "{items:?}");
    assert_eq!(items[0]["same_neighbourhood"], true);
    assert_eq!(items[0]["shared_themes"], json!(["roads-and-traffic"]));
    assert!(items[0]["shared_words"].as_array().unwrap().contains(&json!("glycine")));
    for other in [&elsewhere, &nearby] {
        assert!(order.contains(&other["id"].as_str().unwrap()), "{items:?}");
    }
    for absent in [id, merged_id, unrelated["id"].as_str().unwrap()] {
        assert!(!order.contains(&absent), "{absent} suggested: {items:?}");
    }
    let scores: Vec<u64> = items.iter().map(|s| s["score"].as_u64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    let one = json(
        app.authed(Method::GET, &town.at(&format!("/requests/{id}/suggestions?limit=1")), &agent).send().await.unwrap(),
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let bad =
        app.authed(Method::GET, &town.at(&format!("/requests/{id}/suggestions?limit=0")), &agent).send().await.unwrap();
    assert_eq!(fields(&problem(bad, 400).await), ["limit"]);
    let inhabitant = town.inhabitant().await;
    let refused =
        app.authed(Method::GET, &town.at(&format!("/requests/{id}/suggestions")), &inhabitant).send().await.unwrap();
    problem(refused, 403).await;
}

/// The qualification of a demo request of Loos.
async fn demo_qualification(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    let response = app.authed(Method::GET, &format!("{LOOS}/requests/{id}/qualification"), token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (json(response).await, etag)
}

/// The status of a demo request of Loos.
async fn demo_status(app: &TestApp, token: &str, id: &str) -> Value {
    let response = app.authed(Method::GET, &format!("{LOOS}/requests/{id}"), token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    json(response).await["status"].clone()
}

/// The id of the demo request with this title.
async fn demo_request(app: &TestApp, token: &str, title: &str) -> String {
    let q: String = title.chars().take(20).collect();
    let url = format!("{LOOS}/requests?q={}&limit=200", urlencode(&q));
    let listed = json(app.authed(Method::GET, &url, token).send().await.unwrap()).await;
    let found = listed["items"].as_array().unwrap().iter().find(|r| r["title"] == title).cloned();
    found.unwrap_or_else(|| panic!("no demo request {title}"))["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_requests_come_qualified_in_several_ways() {
    let app = spawn_demo_app().await;
    let agent = app.login("agent@loos-en-gohelle.demo").await;
    let waste = demo_request(&app, &agent, "Poubelles non ramassées rue Bayard").await;
    let (view, _) = demo_qualification(&app, &agent, &waste).await;
    assert_eq!(view["document"]["competence"], "intercommunality");
    assert_eq!(view["document"]["competent_authority"], "Communauté d'agglomération de Lens-Liévin");
    assert_eq!(demo_status(&app, &agent, &waste).await, "redirected");

    let speeding = demo_request(&app, &agent, "Vitesse excessive dans le lotissement des Tilleuls").await;
    let (view, _) = demo_qualification(&app, &agent, &speeding).await;
    assert_eq!(view["document"]["recommended_level"], "consultation");

    let flowers = demo_request(&app, &agent, "Des bacs à fleurs rue Bayard").await;
    assert_eq!(demo_qualification(&app, &agent, &flowers).await.0["eligible"], true);
    let shelters = demo_request(&app, &agent, "Nouveaux abris pour les joueurs de football").await;
    let (view, _) = demo_qualification(&app, &agent, &shelters).await;
    assert_eq!(view["eligible"], true);
    // Eligible, but heavy with its risks open: its project was taken over by the services.
    assert_eq!(demo_status(&app, &agent, &shelters).await, "closed");

    let paths = demo_request(&app, &agent, "Rénover les chemins ruraux avec les agriculteurs").await;
    let (view, _) = demo_qualification(&app, &agent, &paths).await;
    assert_eq!(view["eligible"], true, "the six prerequisites hold");
    let offer = view["offered"]["offer"].as_str().unwrap();
    assert!(offer.contains("tracteurs") && offer.contains("association foncière"), "{offer}");
    assert!(view["offered"]["proposed_solution"].is_string());

    let driveway = demo_request(&app, &agent, "Goudronner l'allée de ma propriété").await;
    assert_eq!(demo_qualification(&app, &agent, &driveway).await.0["eligible"], false);
    let lamartine = demo_request(&app, &agent, "Ça roule trop vite rue Lamartine").await;
    assert_eq!(demo_qualification(&app, &agent, &lamartine).await.0["recorded"], false, "left for the walkthrough");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindexing_rebuilds_the_term_index_that_suggestions_read() {
    use implication_storage::sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    // No theme nor neighbourhood: only shared words make them alike.
    let one = |title: &str| json!({ "kind": "complaint", "title": title, "description": "Le soir, plus de lumière." });
    let me = submitted(&town, &one("Lampadaire éteint rue des Glycines")).await;
    let twin = submitted(&town, &one("Rue des Glycines : lampadaire éteint")).await;
    let (id, twin_id) = (me["id"].as_str().unwrap(), twin["id"].as_str().unwrap());
    let suggested = || async {
        let url = town.at(&format!("/requests/{id}/suggestions"));
        let body = json(app.authed(Method::GET, &url, &agent).send().await.unwrap()).await;
        body["items"].as_array().unwrap().iter().map(|s| s["request"]["id"].as_str().unwrap().to_owned()).collect()
    };
    let before: Vec<String> = suggested().await;
    assert_eq!(before, [twin_id], "the twin is suggested from the index");

    // As after an upgrade from a version without the index, or a change of how terms are made.
    app.db.conn().execute_unprepared("DELETE FROM request_terms").await.unwrap();
    let lost: Vec<String> = suggested().await;
    assert!(lost.is_empty(), "without terms, nothing is suggested: {lost:?}");

    let indexed = implication_app::requests::reindex(&app.db).await.unwrap();
    assert!(indexed >= 2, "every request is reindexed, {indexed} were");
    let after: Vec<String> = suggested().await;
    assert_eq!(after, [twin_id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unmet_need_and_no_public_service_replaced_are_prerequisites_like_the_four_others() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    for prerequisite in ["unmet_need", "no_public_service_replaced"] {
        let id = qualified(&town, &every_guard_passes()).await;
        let field = format!("fifty_fifty_eligibility.{prerequisite}");
        let mut unanswered = every_guard_passes();
        unanswered["fifty_fifty_eligibility"].as_object_mut().unwrap().remove(prerequisite);
        let mut unmet = every_guard_passes();
        unmet["fifty_fifty_eligibility"][prerequisite] = json!({ "holds": false, "justification": "Non." });
        for document in [&unanswered, &unmet] {
            let view = town.record_qualification(&agent, &id, document).await;
            assert_eq!(view["eligible"], false, "{prerequisite}");
            assert_eq!(view["unmet"], json!([prerequisite]));
            let refused = problem(town.transition(&agent, &id, json!({ "to": "in_fifty_fifty" })).await, 409).await;
            assert_eq!(refused["rule"], "not_eligible_for_fifty_fifty");
            assert_eq!(fields(&refused), [field.as_str()]);
        }
        let mut incomplete = every_guard_passes();
        incomplete["fifty_fifty_eligibility"][prerequisite] = json!({ "holds": true });
        let invalid = problem(town.put_qualification(&agent, &id, &incomplete).await, 422).await;
        assert_eq!(fields(&invalid), [format!("{field}.justification")]);
        let view = town.record_qualification(&agent, &id, &every_guard_passes()).await;
        assert_eq!(view["eligible"], true);
        assert_eq!(town.transition(&agent, &id, json!({ "to": "in_fifty_fifty" })).await.status(), 200);
        // While in a fifty-fifty, the qualification keeps it.
        let refused = problem(town.put_qualification(&agent, &id, &unmet).await, 422).await;
        assert_eq!(fields(&refused), [field.as_str()]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_aim_is_named_in_words_and_only_with_it() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = qualifying(&town, "La mémoire de la fosse 11").await;
    let field = "fifty_fifty_eligibility.living_environment.other_aim";
    let mut document = every_guard_passes();
    document["fifty_fifty_eligibility"]["living_environment"]["aims"] = json!(["embellishment", "other"]);
    let missing = problem(town.put_qualification(&agent, &id, &document).await, 422).await;
    assert_eq!(fields(&missing), [field]);
    assert_eq!(missing["errors"][0]["code"], "required");
    document["fifty_fifty_eligibility"]["living_environment"]["other_aim"] = json!("x".repeat(201));
    assert_eq!(fields(&problem(town.put_qualification(&agent, &id, &document).await, 422).await), [field]);

    let mut misplaced = every_guard_passes();
    misplaced["fifty_fifty_eligibility"]["living_environment"]["other_aim"] = json!("La mémoire minière");
    let refused = problem(town.put_qualification(&agent, &id, &misplaced).await, 422).await;
    assert_eq!(fields(&refused), [field]);
    assert_eq!(refused["errors"][0]["code"], "not_applicable");

    document["fifty_fifty_eligibility"]["living_environment"]["other_aim"] = json!(" La mémoire minière ");
    let view = town.record_qualification(&agent, &id, &document).await;
    let living = &view["document"]["fifty_fifty_eligibility"]["living_environment"];
    assert_eq!(living["aims"], json!(["embellishment", "other"]));
    assert_eq!(living["other_aim"], "La mémoire minière");
    assert_eq!(view["eligible"], true);
    let (read, _) = get_qualification(&town, &agent, &id).await;
    assert_eq!(read["document"], view["document"], "stored with the answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qualification_shows_what_the_requester_offered_and_the_document_read_puts_back_unchanged() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let mut body = personal_request();
    body["proposed_solution"] = json!("Des chicanes fleuries.");
    body["offer"] = json!("Les voisins planteront et arroseront les chicanes.");
    let id = town.request().body(body).submitted().await.id;
    let (view, etag) = get_qualification(&town, &agent, &id).await;
    assert_eq!(
        view["offered"],
        json!({ "proposed_solution": "Des chicanes fleuries.",
            "offer": "Les voisins planteront et arroseront les chicanes." })
    );
    assert_eq!(view["document"]["fifty_fifty_eligibility"]["citizen_delivery"], Value::Null, "not answered yet");

    // What was read goes back as it is: the offer is beside the document, not in it.
    let put = |document: Value, etag: String| {
        let (app, path, agent) = (&app, qualification_path(&town, &id), agent.clone());
        async move { app.authed(Method::PUT, &path, &agent).header("If-Match", etag).json(&document).send().await.unwrap() }
    };
    let first = put(view["document"].clone(), etag).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let mut document = json(first).await["document"].clone();
    document["fifty_fifty_eligibility"]["citizen_delivery"] =
        json!({ "holds": true, "justification": "Les voisins planteront et arroseront les chicanes." });
    let answered = put(document, etag).await;
    assert_eq!(answered.status(), 200);
    let etag = answered.headers()["etag"].to_str().unwrap().to_owned();
    let (read, read_etag) = get_qualification(&town, &agent, &id).await;
    assert_eq!(read_etag, etag);
    assert_eq!(read["offered"], view["offered"], "still shown once answered");
    let again = put(read["document"].clone(), etag.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag, "the same document again changes nothing");
    let mut with_offered = read["document"].clone();
    with_offered["offered"] = read["offered"].clone();
    let refused = problem(put(with_offered, etag).await, 422).await;
    assert_eq!(fields(&refused), ["offered"], "read-only: never part of the document");

    let plain = town.request().title("Sans offre").submitted().await.id;
    let (view, _) = get_qualification(&town, &agent, &plain).await;
    assert_eq!(view["offered"], json!({ "proposed_solution": null, "offer": null }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qualification_recorded_before_the_new_prerequisites_carries_over_with_them_unmet() {
    use implication_storage::sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let id = qualified(&town, &speeding()).await;

    // Back to the schema before migration 000012 (and whatever came after it)…
    let states = app.db.migration_states().await.unwrap();
    let position = states.iter().position(|m| m.name == "m20261207_000012_offers_and_prerequisites").unwrap();
    assert!(states[position..].iter().all(|m| m.applied));
    let steps = u32::try_from(states.len() - position).unwrap();
    app.db.migrate_down(steps).await.unwrap();
    assert!(!app.db.migration_states().await.unwrap()[position].applied);
    // …where this request went to a fifty-fifty on the four prerequisites of the time, with its
    // qualification as that version stored it.
    let four = r#"{"restated_need":"Faire ralentir les voitures rue Lamartine, le soir.","requester_interest":null,"stakeholders":[],"competence":"municipality","competent_authority":null,"previously_handled":[],"previously_handled_processes":[],"delegation":null,"services":[],"recommended_level":"coproduction","prerequisites":[{"prerequisite":"general_interest","holds":true,"justification":"Pour tous.","aims":[]},{"prerequisite":"public_domain","holds":true,"justification":"La rue est communale.","aims":[]},{"prerequisite":"living_environment","holds":true,"justification":"Plus sûr.","aims":["safety","conviviality"]},{"prerequisite":"citizen_delivery","holds":true,"justification":"Les parents peignent les marquages.","aims":[]}]}"#;
    let conn = app.db.conn();
    // The test's database holds this request and its qualification alone.
    conn.execute_unprepared(&format!("UPDATE request_qualifications SET document = '{four}'")).await.unwrap();
    conn.execute_unprepared("UPDATE requests SET status = 'in_fifty_fifty'").await.unwrap();
    app.db.migrate_up().await.unwrap();
    assert!(app.db.migration_states().await.unwrap().iter().all(|m| m.applied));

    let (view, _) = get_qualification(&town, &agent, &id).await;
    assert_eq!(view["recorded"], true);
    let eligibility = &view["document"]["fifty_fifty_eligibility"];
    assert_eq!(
        eligibility["living_environment"],
        json!({ "holds": true, "justification": "Plus sûr.", "aims": ["safety", "conviviality"], "other_aim": null })
    );
    for (prerequisite, justification) in [
        ("general_interest", "Pour tous."),
        ("public_domain", "La rue est communale."),
        ("citizen_delivery", "Les parents peignent les marquages."),
    ] {
        assert_eq!(eligibility[prerequisite]["holds"], true, "{prerequisite}");
        assert_eq!(eligibility[prerequisite]["justification"], justification);
    }
    assert_eq!(eligibility["unmet_need"], Value::Null);
    assert_eq!(eligibility["no_public_service_replaced"], Value::Null);
    assert_eq!(view["eligible"], false, "eligible then, not since");
    assert_eq!(view["unmet"], json!(["unmet_need", "no_public_service_replaced"]));
    assert_eq!(view["document"]["recommended_level"], "coproduction");
    let (request, _) = town.staff_get(&agent, &id).await;
    assert_eq!(request["status"], "in_fifty_fifty", "its status is kept");
    assert_eq!((&request["proposed_solution"], &request["offer"]), (&Value::Null, &Value::Null));

    // Its rule applies when the qualification is next written: the document read goes back
    // unchanged, a change must answer the two.
    let (_, etag) = town.staff_get(&agent, &id).await;
    let unchanged = town.put_qualification(&agent, &id, &view["document"]).await;
    assert_eq!(unchanged.status(), 200);
    assert_eq!(unchanged.headers()["etag"].to_str().unwrap(), etag);
    let mut changed = view["document"].clone();
    changed["restated_need"] = json!("Faire ralentir les voitures rue Lamartine.");
    let refused = problem(town.put_qualification(&agent, &id, &changed).await, 422).await;
    assert_eq!(
        fields(&refused),
        ["fifty_fifty_eligibility.unmet_need", "fifty_fifty_eligibility.no_public_service_replaced"]
    );
    let mut answered = view["document"].clone();
    answered["fifty_fifty_eligibility"]["unmet_need"] = json!({ "holds": true, "justification": "Rien ne ralentit." });
    answered["fifty_fifty_eligibility"]["no_public_service_replaced"] =
        json!({ "holds": true, "justification": "Des marquages que les services ne font pas." });
    let view = town.record_qualification(&agent, &id, &answered).await;
    assert_eq!(view["eligible"], true);
}
