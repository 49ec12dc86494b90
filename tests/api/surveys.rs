//! Surveys over HTTP: ballots by accounts and by codes (one each, also under concurrency),
//! results arithmetic and when they are public, paper ballots with their count check, codes as
//! a printable list, throttled guessing.

use crate::fixtures::{PASSWORD, TestTown};
use crate::helpers::{TestApp, json, problem, spawn_app};
use chrono::{Duration, Utc};
use implication_domain::identity::Email;
use implication_domain::vocabulary::Role;
use implication_storage::identity::{accounts, municipalities};
use reqwest::Method;
use serde_json::{Value, json};

/// An opened process of `town` and a survey of it, open now for an hour, with `options`.
async fn open_survey(town: &TestTown<'_>, options: usize, eligible: i64, live: bool) -> String {
    let agent = town.agent().await;
    let body =
        json!({ "subject": "Les rythmes scolaires", "description": "Une consultation.", "level": "consultation" });
    let created = town.app.authed(Method::POST, &town.at("/processes"), &agent).json(&body).send().await.unwrap();
    let process = json(created).await["id"].as_str().unwrap().to_owned();
    let path = town.at(&format!("/processes/{process}/transitions"));
    let opened = town
        .app
        .authed(Method::POST, &path, &agent)
        .header("If-Match", "*")
        .json(&json!({ "to": "open" }))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    let now = Utc::now();
    let survey = json!({
        "question": "Quelle organisation de la semaine préférez-vous ?",
        "options": (1..=options).map(|i| json!({ "title": format!("Scénario {i}") })).collect::<Vec<_>>(),
        "eligible": eligible, "eligible_unit": "households",
        "opens_at": now - Duration::minutes(5), "closes_at": now + Duration::hours(1), "live_results": live,
    });
    let path = town.at(&format!("/processes/{process}/surveys"));
    let created = town.app.authed(Method::POST, &path, &agent).json(&survey).send().await.unwrap();
    assert_eq!(created.status(), 201);
    json(created).await["id"].as_str().unwrap().to_owned()
}

async fn codes(town: &TestTown<'_>, survey: &str, count: u32) -> Vec<String> {
    let agent = town.agent().await;
    let path = town.at(&format!("/surveys/{survey}/codes"));
    let issued = town.app.authed(Method::POST, &path, &agent).json(&json!({ "count": count })).send().await.unwrap();
    assert_eq!(issued.status(), 201);
    json(issued).await["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect()
}

async fn vote(app: &TestApp, town: &TestTown<'_>, survey: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut call = app.client.post(app.url(&town.at(&format!("/surveys/{survey}/ballots")))).json(&body);
    if let Some(token) = token {
        call = call.bearer_auth(token);
    }
    call.send().await.unwrap()
}

/// Inhabitant accounts of `town` beyond the fixture's, signed in.
async fn inhabitants(app: &TestApp, town: &TestTown<'_>, count: usize) -> Vec<String> {
    let municipality = municipalities::find_by_slug(&app.db, &town.slug).await.unwrap().unwrap();
    let mut tokens = Vec::new();
    for i in 0..count {
        let email = format!("habitant{i}@{}.test", town.slug);
        let hash = implication_app::identity::secrets::hash_password(PASSWORD).unwrap();
        let new = accounts::NewAccount {
            email: &Email::parse("email", &email).unwrap(),
            password_hash: hash,
            display_name: None,
            platform_admin: false,
        };
        accounts::add_member(&app.db, municipality.id, None, Some(new), Role::Inhabitant).await.unwrap();
        let response = app.password_grant(&email, PASSWORD, None).await;
        tokens.push(json(response).await["access_token"].as_str().unwrap().to_owned());
    }
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_ballots_by_accounts_and_codes_give_exact_results_published_at_closing() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let survey = open_survey(&town, 3, 40, false).await;
    let mut voters = inhabitants(&app, &town, 3).await;
    voters.extend([town.inhabitant().await, town.agent().await]);
    // Five by accounts: options 3, 3, 3, 1, 2; fifteen by codes: ten for 3, four for 1, one for 2.
    for (token, option) in voters.iter().zip([3, 3, 3, 1, 2]) {
        let taken = vote(&app, &town, &survey, Some(token), json!({ "option": option })).await;
        assert_eq!(taken.status(), 204);
    }
    let handed_out = codes(&town, &survey, 15).await;
    for (code, option) in handed_out.iter().zip([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 2]) {
        // Typed from paper: lower case and without the dash is the same code.
        let typed = code.to_lowercase().replace('-', " ");
        let taken = vote(&app, &town, &survey, None, json!({ "option": option, "code": typed })).await;
        assert_eq!(taken.status(), 204, "{code}");
    }
    // The public sees no results while it runs; staff do.
    let path = town.at(&format!("/surveys/{survey}"));
    let public = json(app.get(&path).await).await;
    assert_eq!((public["status"].as_str(), public["results"].is_null()), (Some("open"), true));
    let agent = town.agent().await;
    let staff = json(app.authed(Method::GET, &path, &agent).send().await.unwrap()).await;
    assert_eq!(staff["results"]["responses"], 20);

    let closed = app.authed(Method::POST, &town.at(&format!("/surveys/{survey}/close")), &agent).send().await.unwrap();
    assert_eq!(closed.status(), 200);
    let late = vote(&app, &town, &survey, Some(&voters[0]), json!({ "option": 1 })).await;
    assert_eq!(problem(late, 409).await["rule"], "survey_not_open");
    let results = json(app.get(&path).await).await["results"].clone();
    assert_eq!(results["responses"], 20);
    assert_eq!(results["participation"], 50.0, "20 of 40 households");
    let options: Vec<(u64, f64)> = results["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["ballots"].as_u64().unwrap(), o["share"].as_f64().unwrap()))
        .collect();
    assert_eq!(options, [(5, 25.0), (2, 10.0), (13, 65.0)]);
    // Nothing in any public answer ties a ballot to a person or a code.
    let listed = json(app.get(&town.at("/surveys")).await).await;
    for text in [results.to_string(), listed.to_string()] {
        for code in &handed_out {
            assert!(!text.contains(code.as_str()));
        }
        assert!(!text.contains("account:") && !text.contains("habitant"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ballot_per_account_and_per_code_also_under_fifty_concurrent_submissions() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let survey = open_survey(&town, 2, 100, true).await;
    let inhabitant = town.inhabitant().await;
    assert_eq!(vote(&app, &town, &survey, Some(&inhabitant), json!({ "option": 1 })).await.status(), 204);
    let again = vote(&app, &town, &survey, Some(&inhabitant), json!({ "option": 2 })).await;
    assert_eq!(problem(again, 409).await["rule"], "already_answered");

    let code = codes(&town, &survey, 1).await.remove(0);
    let url = app.url(&town.at(&format!("/surveys/{survey}/ballots")));
    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let (client, url, body) = (app.client.clone(), url.clone(), json!({ "option": 2, "code": code }));
            tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 204).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [204, 422, 429].contains(s)), "{statuses:?}");
    // Live results: public while it runs, and exact.
    let results = json(app.get(&town.at(&format!("/surveys/{survey}"))).await).await["results"].clone();
    assert_eq!(results["responses"], 2);
    let ballots: Vec<u64> =
        results["options"].as_array().unwrap().iter().map(|o| o["ballots"].as_u64().unwrap()).collect();
    assert_eq!(ballots, [1, 1]);
}

#[tokio::test]
async fn wrong_codes_are_one_answer_and_guessing_is_throttled_per_address() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let survey = open_survey(&town, 2, 100, false).await;
    let used = codes(&town, &survey, 1).await.remove(0);
    assert_eq!(vote(&app, &town, &survey, None, json!({ "option": 1, "code": used })).await.status(), 204);
    let mut answers = Vec::new();
    for typed in [used.as_str(), "ACDEF-GHJKM", "not a code", "0000000000"] {
        let refused = vote(&app, &town, &survey, None, json!({ "option": 1, "code": typed })).await;
        let body = problem(refused, 422).await;
        answers.push((
            body["errors"][0]["field"].clone(),
            body["errors"][0]["code"].clone(),
            body["errors"][0]["message"].clone(),
        ));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0].1, "invalid_ballot_code");
    for _ in 0..6 {
        vote(&app, &town, &survey, None, json!({ "option": 1, "code": "ACDEF-GHJKM" })).await;
    }
    let throttled = vote(&app, &town, &survey, None, json!({ "option": 1, "code": "ACDEF-GHJKN" })).await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().get("retry-after").is_some());
    // Without a code nor an account: told how to answer.
    let anonymous = vote(&app, &town, &survey, None, json!({ "option": 1 })).await;
    assert_eq!(problem(anonymous, 422).await["errors"][0]["field"], "code");
}

#[tokio::test]
async fn paper_ballots_count_only_when_their_counts_add_up_and_codes_print_as_a_list() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let survey = open_survey(&town, 3, 677, false).await;
    let path = town.at(&format!("/surveys/{survey}/paper-ballots"));
    let wrong = json!({ "counts": [{ "option": 1, "count": 10 }, { "option": 3, "count": 5 }], "total": 16 });
    let refused = app.authed(Method::POST, &path, &agent).json(&wrong).send().await.unwrap();
    assert_eq!(problem(refused, 422).await["errors"][0]["code"], "count_mismatch");
    let right = json!({ "counts": [{ "option": 1, "count": 10 }, { "option": 3, "count": 5 }], "total": 15 });
    let entered = app.authed(Method::POST, &path, &agent).json(&right).send().await.unwrap();
    assert_eq!(entered.status(), 200);
    let entered = json(entered).await;
    assert_eq!(entered["results"]["responses"], 15, "the refused sheet wrote nothing");
    let inhabitant = town.inhabitant().await;
    let forbidden = app.authed(Method::POST, &path, &inhabitant).json(&right).send().await.unwrap();
    problem(forbidden, 403).await;

    let list = app
        .authed(Method::POST, &town.at(&format!("/surveys/{survey}/codes")), &agent)
        .header("Accept", "text/plain")
        .json(&json!({ "count": 3 }))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 201);
    assert!(list.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let printed = list.text().await.unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l.len() == 11 && l.as_bytes()[5] == b'-'), "{printed}");
    let too_many = app
        .authed(Method::POST, &town.at(&format!("/surveys/{survey}/codes")), &agent)
        .json(&json!({ "count": 5001 }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(too_many, 422).await["errors"][0]["field"], "count");
}

#[tokio::test]
async fn a_survey_names_every_invalid_field_and_takes_no_ballot_before_it_opens() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let survey = open_survey(&town, 2, 10, false).await;
    let process =
        json(app.get(&town.at(&format!("/surveys/{survey}"))).await).await["process"].as_str().unwrap().to_owned();
    let path = town.at(&format!("/processes/{process}/surveys"));
    let invalid = app
        .authed(Method::POST, &path, &agent)
        .json(&json!({ "options": [{ "title": "Seul" }], "eligible": 0 }))
        .send()
        .await
        .unwrap();
    let errors = problem(invalid, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["question", "options", "eligible", "eligible_unit", "opens_at", "closes_at"]);
    let later = Utc::now() + Duration::days(3);
    let upcoming = json!({ "question": "Plus tard ?", "options": [{ "title": "Oui" }, { "title": "Non" }], "eligible": 10,
        "eligible_unit": "people", "opens_at": later, "closes_at": later + Duration::days(1) });
    let created = json(app.authed(Method::POST, &path, &agent).json(&upcoming).send().await.unwrap()).await;
    let early =
        vote(&app, &town, created["id"].as_str().unwrap(), Some(&town.inhabitant().await), json!({ "option": 1 }))
            .await;
    assert_eq!(problem(early, 409).await["rule"], "survey_not_open");
    let unknown_option = vote(&app, &town, &survey, Some(&town.inhabitant().await), json!({ "option": 7 })).await;
    assert_eq!(problem(unknown_option, 422).await["errors"][0]["field"], "option");
    let ancient = json!({ "question": "Jadis ?", "options": [{ "title": "Oui" }, { "title": "Non" }], "eligible": 10,
        "eligible_unit": "people", "opens_at": "0100-01-01T00:00:00Z", "closes_at": "0100-01-02T00:00:00Z" });
    let refused = app.authed(Method::POST, &path, &agent).json(&ancient).send().await.unwrap();
    let errors = problem(refused, 422).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["opens_at", "closes_at"]);

    // A survey of a process still in preparation takes no ballot, and says nothing of itself.
    let body = json!({ "subject": "En préparation", "description": "Pas encore.", "level": "consultation" });
    let prepared =
        json(app.authed(Method::POST, &town.at("/processes"), &agent).json(&body).send().await.unwrap()).await;
    let now = Utc::now();
    let hidden = json!({ "question": "Secret ?", "options": [{ "title": "Oui" }, { "title": "Non" }], "eligible": 10,
        "eligible_unit": "people", "opens_at": now - Duration::minutes(1), "closes_at": now + Duration::hours(1) });
    let path = town.at(&format!("/processes/{}/surveys", prepared["id"].as_str().unwrap()));
    let hidden = json(app.authed(Method::POST, &path, &agent).json(&hidden).send().await.unwrap()).await;
    let ballot =
        vote(&app, &town, hidden["id"].as_str().unwrap(), Some(&town.inhabitant().await), json!({ "option": 1 })).await;
    problem(ballot, 404).await;
}

#[tokio::test]
async fn the_indicators_count_the_surveys_closed_with_their_ballots_over_the_eligible_voters() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let survey = open_survey(&town, 2, 8, false).await;
    let still_open = open_survey(&town, 2, 100, false).await;
    for token in [town.inhabitant().await, agent.clone()] {
        assert_eq!(vote(&app, &town, &survey, Some(&token), json!({ "option": 1 })).await.status(), 204);
        assert_eq!(vote(&app, &town, &still_open, Some(&token), json!({ "option": 2 })).await.status(), 204);
    }
    let closed = app.authed(Method::POST, &town.at(&format!("/surveys/{survey}/close")), &agent).send().await.unwrap();
    assert_eq!(closed.status(), 200);

    let figures = json(app.get(&town.at("/indicators")).await).await;
    assert_eq!(
        figures["surveys"],
        json!({ "closed": { "current": 1, "previous": 0 }, "ballots": { "current": 2, "previous": 0 },
            "by_unit": [{ "unit": "households", "closed": { "current": 1, "previous": 0 }, "ballots": { "current": 2, "previous": 0 },
                "eligible": { "current": 8, "previous": 0 }, "participation_share": { "current": 25.0, "previous": null } }] })
    );

    // The open data: an option per row; the ballots of the closed survey only, not yet the open one's.
    let jsonl = app.get(&town.at("/exports/surveys.jsonl")).await.text().await.unwrap();
    let rows: Vec<serde_json::Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let of = |id: &str| rows.iter().filter(|r| r["survey_id"] == id).cloned().collect::<Vec<_>>();
    let closed_rows = of(&survey);
    assert_eq!(closed_rows.len(), 2);
    assert_eq!((closed_rows[0]["option_number"].as_i64(), closed_rows[0]["ballots"].as_i64()), (Some(1), Some(2)));
    assert_eq!((closed_rows[0]["share_percent"].as_f64(), closed_rows[1]["ballots"].as_i64()), (Some(100.0), Some(0)));
    assert!(of(&still_open).iter().all(|r| r["ballots"].is_null() && r["responses"].is_null()), "{rows:?}");
}
