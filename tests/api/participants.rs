//! Who takes part, over HTTP: participants recorded only with their consent, what they took part
//! in, first-time against returning participants by neighbourhood in the indicators (no names),
//! the contributors listed publicly only with their consent, an inhabitant recording themselves
//! and their ballots recorded with them.

use crate::fixtures::{TestTown, town_day};
use crate::helpers::{json, problem, spawn_app};
use chrono::{Duration, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};

impl TestTown<'_> {
    /// A process, opened unless `prepared`; its id.
    async fn some_process(&self, subject: &str, prepared: bool) -> String {
        let agent = self.agent().await;
        let body = json!({ "subject": subject, "description": "Une démarche.", "level": "consultation" });
        let created = self.app.authed(Method::POST, &self.at("/processes"), &agent).json(&body).send().await.unwrap();
        let id = json(created).await["id"].as_str().unwrap().to_owned();
        if !prepared {
            let path = self.at(&format!("/processes/{id}/transitions"));
            let call =
                self.app.authed(Method::POST, &path, &agent).header("If-Match", "*").json(&json!({ "to": "open" }));
            assert_eq!(call.send().await.unwrap().status(), 200);
        }
        id
    }

    async fn participant(&self, token: &str, body: Value) -> reqwest::Response {
        self.app.authed(Method::POST, &self.at("/participants"), token).json(&body).send().await.unwrap()
    }

    async fn took_part(&self, participant: &str, kind: &str, subject: &str, on: NaiveDate) -> reqwest::Response {
        let agent = self.agent().await;
        let path = self.at(&format!("/participants/{participant}/participations"));
        let body = json!({ "kind": kind, "subject_id": subject, "on": on });
        self.app.authed(Method::POST, &path, &agent).json(&body).send().await.unwrap()
    }
}

async fn recorded(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 201);
    json(response).await["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn first_time_and_returning_participants_are_counted_by_neighbourhood_without_naming_anyone() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let process = town.some_process("Le jardin partagé", false).await;
    let person =
        |name: &str, neighbourhood: &str| json!({ "name": name, "neighbourhood": neighbourhood, "consent": true });
    let awa = recorded(town.participant(&agent, person("Awa Diallo", "cite-5")).await).await;
    let bruno = recorded(town.participant(&agent, person("Bruno Lefebvre", "cite-5")).await).await;
    let chloe = recorded(town.participant(&agent, person("Chloé Martin", "centre-ville")).await).await;
    // Awa took part 70 days ago and again 5 days ago (returning now); Bruno for the first time 3
    // days ago; Chloé 80 days ago only.
    for (who, on) in [(&awa, town_day(-70)), (&bruno, town_day(-3)), (&chloe, town_day(-80))] {
        assert_eq!(town.took_part(who, "contributed_to_process", &process, on).await.status(), 201);
    }
    let other = town.some_process("Le city-stade", false).await;
    assert_eq!(town.took_part(&awa, "contributed_to_process", &other, town_day(-5)).await.status(), 201);

    let query = format!("/indicators?from={}&to={}", town_day(-59), town_day(0));
    let figures = json(app.authed(Method::GET, &town.at(&query), &agent).send().await.unwrap()).await;
    let participants = &figures["participants"];
    assert_eq!(participants["first_time"], json!({ "current": 1, "previous": 2 }));
    assert_eq!(participants["returning"], json!({ "current": 1, "previous": 0 }));
    let line = |code: &str| {
        participants["by_neighbourhood"].as_array().unwrap().iter().find(|l| l["code"] == code).unwrap().clone()
    };
    assert_eq!(line("cite-5")["first_time"], json!({ "current": 1, "previous": 1 }));
    assert_eq!(line("cite-5")["returning"], json!({ "current": 1, "previous": 0 }));
    assert_eq!(line("centre-ville")["first_time"], json!({ "current": 0, "previous": 1 }));
    let text = figures.to_string();
    assert!(!text.contains("Awa") && !text.contains("Bruno") && !text.contains("Chlo"), "{text}");
    let cite =
        json(app.authed(Method::GET, &town.at(&format!("{query}&neighbourhood=cite-5")), &agent).send().await.unwrap())
            .await;
    assert_eq!(cite["participants"]["first_time"], json!({ "current": 1, "previous": 1 }), "those who live there");
    // The public's: counts of 1 to 4 are not shown, so that nobody can be singled out.
    let public = json(app.get(&town.at(&query)).await).await;
    assert_eq!(public["participants"]["first_time"], json!({ "current": null, "previous": null }));
    let line = |code: &str| {
        public["participants"]["by_neighbourhood"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(line("cite-11")["returning"], json!({ "current": 0, "previous": 0 }), "none is none");
}

#[tokio::test]
async fn contributors_are_listed_only_with_their_consent_and_the_public_show_what_is_public() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let opened = town.some_process("Le jardin partagé", false).await;
    let prepared = town.some_process("La cantine", true).await;
    let listed = |name: &str, listed: bool| json!({ "name": name, "listed_publicly": listed, "consent": true });
    let awa = town.participant(&agent, listed("Awa Diallo", true)).await;
    let awa_etag = awa.headers()["etag"].to_str().unwrap().to_owned();
    let awa = json(awa).await["id"].as_str().unwrap().to_owned();
    let bruno = recorded(town.participant(&agent, listed("Bruno Lefebvre", false)).await).await;
    let chloe = recorded(town.participant(&agent, listed("Chloé Martin", true)).await).await;
    for subject in [&opened, &prepared] {
        assert_eq!(town.took_part(&awa, "contributed_to_process", subject, town_day(0)).await.status(), 201);
    }
    assert_eq!(town.took_part(&bruno, "contributed_to_process", &opened, town_day(0)).await.status(), 201);
    // Chloé attended a meeting only: a participant, not a contributor.
    let meeting = json!({ "kind": "public_meeting", "place": "Salle Brel", "date": town_day(-2) });
    let scheduled = app
        .authed(Method::POST, &town.at(&format!("/processes/{opened}/meetings")), &agent)
        .json(&meeting)
        .send()
        .await
        .unwrap();
    let meeting = json(scheduled).await["id"].as_str().unwrap().to_owned();
    assert_eq!(town.took_part(&chloe, "attended_meeting", &meeting, town_day(-2)).await.status(), 201);

    let public = json(app.get(&town.at("/contributors")).await).await;
    assert_eq!(public["items"].as_array().unwrap().len(), 1, "{public}");
    assert_eq!(public["items"][0]["name"], "Awa Diallo");
    let contributions = public["items"][0]["contributions"].as_array().unwrap();
    assert_eq!(contributions.len(), 1, "the prepared process is not public");
    assert_eq!(
        (contributions[0]["subject_id"].as_str(), contributions[0]["title"].as_str()),
        (Some(opened.as_str()), Some("Le jardin partagé"))
    );
    let staff = json(app.authed(Method::GET, &town.at("/contributors"), &agent).send().await.unwrap()).await;
    assert_eq!(staff["items"][0]["contributions"].as_array().unwrap().len(), 2);

    // Awa withdraws her consent to be listed: nobody is.
    let patched = app
        .authed(Method::PATCH, &town.at(&format!("/participants/{awa}")), &agent)
        .header("If-Match", &awa_etag)
        .json(&json!({ "listed_publicly": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    assert_eq!(json(app.get(&town.at("/contributors")).await).await["items"], json!([]));
    let stale = app
        .authed(Method::PATCH, &town.at(&format!("/participants/{awa}")), &agent)
        .header("If-Match", &awa_etag)
        .json(&json!({ "name": "Awa D." }))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    // The list of participants (with names) is staff's only.
    assert_eq!(app.get(&town.at("/participants")).await.status(), 401);
    let inhabitant = town.inhabitant().await;
    assert_eq!(app.authed(Method::GET, &town.at("/participants"), &inhabitant).send().await.unwrap().status(), 403);
    // Someone listed who contributed only to a process not public yet is not named publicly.
    let dora = recorded(town.participant(&agent, listed("Dora Petit", true)).await).await;
    assert_eq!(town.took_part(&dora, "contributed_to_process", &prepared, town_day(0)).await.status(), 201);
    let public = json(app.get(&town.at("/contributors")).await).await;
    assert!(!public.to_string().contains("Dora"), "{public}");
    let staff = json(app.authed(Method::GET, &town.at("/contributors"), &agent).send().await.unwrap()).await;
    assert!(staff.to_string().contains("Dora"));
}

#[tokio::test]
async fn an_inhabitant_records_themselves_once_with_consent_and_their_ballots_are_recorded_with_them() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let (agent, inhabitant) = (town.agent().await, town.inhabitant().await);
    let refused = problem(town.participant(&inhabitant, json!({ "neighbourhood": "nulle-part" })).await, 422).await;
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["neighbourhood", "consent"]);
    let me = town.participant(&inhabitant, json!({ "neighbourhood": "cite-5", "consent": true })).await;
    assert_eq!(me.status(), 201);
    let me = json(me).await;
    assert_eq!(me["name"], "inhabitant de town-1", "their display name");
    assert!(me["account"].is_string());
    let id = me["id"].as_str().unwrap().to_owned();
    assert_eq!(town.participant(&inhabitant, json!({ "consent": true })).await.status(), 409, "once");

    // Their ballot is recorded as a participation, in the same write.
    let process = town.some_process("Les rythmes scolaires", false).await;
    let now = Utc::now();
    let survey = json!({ "question": "Quelle semaine ?", "options": [{ "title": "Quatre jours" }, { "title": "Quatre jours et demi" }],
        "eligible": 40, "eligible_unit": "households", "opens_at": now - Duration::minutes(5), "closes_at": now + Duration::hours(1) });
    let created = app
        .authed(Method::POST, &town.at(&format!("/processes/{process}/surveys")), &agent)
        .json(&survey)
        .send()
        .await
        .unwrap();
    let survey = json(created).await["id"].as_str().unwrap().to_owned();
    // Staff recorded it already (a paper sign-in, say): the ballot stands all the same.
    assert_eq!(town.took_part(&id, "answered_survey", &survey, town_day(0)).await.status(), 201);
    let vote = app.authed(Method::POST, &town.at(&format!("/surveys/{survey}/ballots")), &inhabitant);
    assert_eq!(vote.json(&json!({ "option": 1 })).send().await.unwrap().status(), 204);
    let mine =
        json(app.authed(Method::GET, &town.at(&format!("/participants/{id}")), &inhabitant).send().await.unwrap())
            .await;
    assert_eq!(mine["participations"].as_array().unwrap().len(), 1, "recorded once: {mine}");
    assert_eq!(mine["participations"][0]["kind"], "answered_survey");
    assert_eq!(mine["participations"][0]["subject_id"], json!(survey));

    // Staff record what they took part in: a subject of the town, not in the future; once.
    let unknown = town.took_part(&id, "attended_meeting", &process, town_day(0)).await;
    assert_eq!(problem(unknown, 422).await["errors"][0]["code"], "unknown_subject");
    let future = town.took_part(&id, "contributed_to_process", &process, town_day(0) + Duration::days(2)).await;
    assert_eq!(problem(future, 422).await["errors"][0]["field"], "on");
    assert_eq!(town.took_part(&id, "contributed_to_process", &process, town_day(0)).await.status(), 201);
    assert_eq!(town.took_part(&id, "contributed_to_process", &process, town_day(0)).await.status(), 200, "once");
    let by_inhabitant = app
        .authed(Method::POST, &town.at(&format!("/participants/{id}/participations")), &inhabitant)
        .json(&json!({ "kind": "contributed_to_process", "subject_id": process }))
        .send()
        .await
        .unwrap();
    assert_eq!(by_inhabitant.status(), 403);
    // Another town sees none of them.
    let other = TestTown::new(&app).await;
    let outsider = other.agent().await;
    let path = town.at(&format!("/participants/{id}"));
    assert_eq!(app.authed(Method::GET, &path, &outsider).send().await.unwrap().status(), 404);
    assert_eq!(app.authed(Method::DELETE, &path, &outsider).send().await.unwrap().status(), 404);

    // They withdraw their consent: the record and what they took part in are erased; they may
    // record themselves again.
    assert_eq!(app.authed(Method::DELETE, &path, &inhabitant).send().await.unwrap().status(), 204);
    assert_eq!(app.authed(Method::GET, &path, &agent).send().await.unwrap().status(), 404);
    assert_eq!(app.authed(Method::DELETE, &path, &inhabitant).send().await.unwrap().status(), 404);
    assert_eq!(town.participant(&inhabitant, json!({ "consent": true })).await.status(), 201);
}
