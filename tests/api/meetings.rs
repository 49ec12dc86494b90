//! Meetings and minutes over HTTP: the default evening in the town's time zone, minutes due
//! dates, overdue and late minutes, who sees what, and the iCalendar feed.

use crate::fixtures::TestTown;
use crate::helpers::{json, problem, spawn_app};
use chrono::{Days, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};

impl TestTown<'_> {
    /// A process of this town, opened to the public unless `prepared`; its id.
    async fn process(&self, subject: &str, prepared: bool) -> String {
        let agent = self.agent().await;
        let body = json!({ "subject": subject, "description": "Une démarche.", "level": "consultation" });
        let created = self.app.authed(Method::POST, &self.at("/processes"), &agent).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        let etag = created.headers()["etag"].to_str().unwrap().to_owned();
        let id = json(created).await["id"].as_str().unwrap().to_owned();
        if !prepared {
            let opened = self
                .app
                .authed(Method::POST, &self.at(&format!("/processes/{id}/transitions")), &agent)
                .header("If-Match", etag)
                .json(&json!({ "to": "open" }))
                .send()
                .await
                .unwrap();
            assert_eq!(opened.status(), 200);
        }
        id
    }

    /// Schedules a meeting of `process` (asserting a 201); its view and ETag.
    async fn meeting(&self, process: &str, body: Value) -> (Value, String) {
        let agent = self.agent().await;
        let path = self.at(&format!("/processes/{process}/meetings"));
        let response = self.app.authed(Method::POST, &path, &agent).json(&body).send().await.unwrap();
        let status = response.status();
        let etag = response.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let view = json(response).await;
        assert_eq!(status, 201, "meeting refused: {view}");
        (view, etag)
    }
}

fn days_from_today(days: i64) -> NaiveDate {
    let today = crate::fixtures::town_day(0);
    if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs())).unwrap()
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs())).unwrap()
    }
}

fn public_meeting(on: NaiveDate) -> Value {
    json!({ "kind": "public_meeting", "place": "Salle Jacques-Brel", "date": on, "stage": "scenarios",
        "agenda": "Deux scénarios ; un stop, ou un dos d'âne, à discuter." })
}

#[tokio::test]
async fn a_meeting_defaults_to_the_evening_where_the_town_is_and_its_minutes_fall_due_after_the_towns_delay() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let process = town.process("Le stationnement", false).await;
    let (view, etag) = town.meeting(&process, public_meeting(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(
        (view["starts_at"].as_str(), view["ends_at"].as_str()),
        (Some("2026-01-31T17:00:00Z"), Some("2026-01-31T18:30:00Z"))
    );
    assert_eq!((view["start_time"].as_str(), view["end_time"].as_str()), (Some("18:00"), Some("19:30")));
    assert_eq!(view["time_zone"], "Europe/Paris");
    assert_eq!(view["minutes_due_on"], "2026-02-15");
    assert_eq!(view["minutes_overdue"], true);

    // The same evening in a town of French Guiana, whose minutes delay is 30 days.
    let admin = town.admin().await;
    let settings = json!({ "settings": { "time_zone": "America/Cayenne", "minutes_delay_days": 30 } });
    let changed =
        app.authed(Method::PATCH, &town.path, &admin).header("If-Match", "*").json(&settings).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(json(changed).await["settings"]["time_zone"], "America/Cayenne");
    let later = json!({ "kind": "workshop", "place": "Médiathèque", "date": "2026-01-31", "start_time": "20:00", "end_time": "22:30" });
    // The municipality cache of this instance is refreshed by its own change.
    let (view, _) = town.meeting(&process, later).await;
    assert_eq!(
        (view["starts_at"].as_str(), view["ends_at"].as_str()),
        (Some("2026-01-31T23:00:00Z"), Some("2026-02-01T01:30:00Z"))
    );
    assert_eq!(view["date"], "2026-01-31");
    assert_eq!(view["minutes_due_on"], "2026-03-02", "the local day it ends, plus 30 days");
    let bad = app
        .authed(Method::PATCH, &town.path, &admin)
        .header("If-Match", "*")
        .json(&json!({ "settings": { "time_zone": "Mars/Olympus" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(bad, 422).await["errors"][0]["field"], "settings.time_zone");
}

#[tokio::test]
async fn minutes_come_after_the_meeting_and_overdue_or_late_ones_show_and_filter() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let process = town.process("Le parc", false).await;
    let (upcoming, upcoming_etag) = town.meeting(&process, public_meeting(days_from_today(7))).await;
    let (past, past_etag) = town.meeting(&process, public_meeting(days_from_today(-20))).await;
    let (recent, _) = town.meeting(&process, public_meeting(days_from_today(-2))).await;
    assert_eq!(
        (upcoming["minutes_overdue"].as_bool(), past["minutes_overdue"].as_bool(), recent["minutes_overdue"].as_bool()),
        (Some(false), Some(true), Some(false))
    );

    let minutes =
        json!({ "text": "Vingt riverains présents.", "decisions": "Un second atelier.", "actions": "Comptage fait." });
    let path = |m: &Value| town.at(&format!("/meetings/{}/minutes", m["id"].as_str().unwrap()));
    let early = app
        .authed(Method::PUT, &path(&upcoming), &agent)
        .header("If-Match", &upcoming_etag)
        .json(&minutes)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(early, 409).await["rule"], "meeting_not_held");
    let empty = app
        .authed(Method::PUT, &path(&past), &agent)
        .header("If-Match", &past_etag)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(empty, 422).await["errors"][0]["field"], "text");

    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
    };
    let list = |query: &'static str| {
        let url = town.at(&format!("/meetings?{query}"));
        let app = &app;
        async move { json(app.get(&url).await).await }
    };
    assert_eq!(ids(&list("minutes_overdue=true").await), [past["id"].as_str().unwrap()]);
    let published = app
        .authed(Method::PUT, &path(&past), &agent)
        .header("If-Match", &past_etag)
        .json(&minutes)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    let published = json(published).await;
    assert_eq!(published["minutes"]["late"], true, "published after they were due");
    assert_eq!(published["minutes_overdue"], false);
    assert_eq!(published["minutes"]["decisions"], "Un second atelier.");
    assert!(ids(&list("minutes_overdue=true").await).is_empty());
    assert_eq!(ids(&list("minutes_overdue=false").await).len(), 3);
    assert_eq!(ids(&list("upcoming=true").await), [upcoming["id"].as_str().unwrap()]);
    let all = list("").await;
    assert_eq!(
        ids(&all),
        [upcoming["id"].as_str().unwrap(), recent["id"].as_str().unwrap(), past["id"].as_str().unwrap()]
    );
    let bad = app.get(&town.at("/meetings?minutes_overdue=maybe&process=nope")).await;
    let errors = problem(bad, 400).await["errors"].clone();
    let fields: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["process", "minutes_overdue"]);

    // The process's history names each meeting scheduled and the minutes published.
    let history = json(app.get(&town.at(&format!("/processes/{process}/history"))).await).await;
    let kinds: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["created", "transitioned", "meeting_scheduled", "meeting_scheduled", "meeting_scheduled", "minutes_published"]
    );
    assert_eq!(history["items"][5]["meeting"], past["id"]);
}

#[tokio::test]
async fn moving_a_meeting_needs_its_etag_and_moves_its_minutes_due_day() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let process = town.process("Le marché", false).await;
    let (view, etag) = town.meeting(&process, public_meeting(NaiveDate::from_ymd_opt(2030, 3, 1).unwrap())).await;
    let path = town.at(&format!("/meetings/{}", view["id"].as_str().unwrap()));
    let moved = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", &etag)
        .json(&json!({ "date": "2030-03-08", "attendance": 12 }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    let moved = json(moved).await;
    assert_eq!((moved["date"].as_str(), moved["minutes_due_on"].as_str()), (Some("2030-03-08"), Some("2030-03-23")));
    assert_eq!(moved["place"], "Salle Jacques-Brel");
    let stale = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", &etag)
        .json(&json!({ "attendance": 99 }))
        .send()
        .await
        .unwrap();
    problem(stale, 412).await;
    let backwards = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", "*")
        .json(&json!({ "start_time": "21:00" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(backwards, 422).await["errors"][0]["field"], "end_time");
    let missing = app.authed(Method::PATCH, &path, &agent).json(&json!({ "attendance": 99 })).send().await.unwrap();
    problem(missing, 428).await;
    let ancient = app
        .authed(Method::PATCH, &path, &agent)
        .header("If-Match", "*")
        .json(&json!({ "date": "0999-01-01" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(ancient, 422).await["errors"][0]["field"], "date");
    // Once its minutes are out, a meeting was held: it moves no more.
    let (held, held_etag) = town.meeting(&process, public_meeting(days_from_today(-3))).await;
    let minutes_path = town.at(&format!("/meetings/{}/minutes", held["id"].as_str().unwrap()));
    let minutes = app
        .authed(Method::PUT, &minutes_path, &agent)
        .header("If-Match", &held_etag)
        .json(&json!({ "text": "Tenue." }))
        .send()
        .await
        .unwrap();
    assert_eq!(minutes.status(), 200);
    let held_path = town.at(&format!("/meetings/{}", held["id"].as_str().unwrap()));
    let moved = app
        .authed(Method::PATCH, &held_path, &agent)
        .header("If-Match", "*")
        .json(&json!({ "date": "2030-01-01" }))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(moved, 422).await["errors"][0]["field"], "date");
}

#[tokio::test]
async fn meetings_of_a_process_in_preparation_or_ended_are_not_public_nor_open_to_new_ones() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let other = TestTown::new(&app).await;
    let agent = town.agent().await;
    let prepared = town.process("En préparation", true).await;
    let (hidden, _) = town.meeting(&prepared, public_meeting(days_from_today(3))).await;
    let path = town.at(&format!("/meetings/{}", hidden["id"].as_str().unwrap()));
    problem(app.get(&path).await, 404).await;
    assert_eq!(app.authed(Method::GET, &path, &agent).send().await.unwrap().status(), 200);
    assert!(json(app.get(&town.at("/meetings")).await).await["items"].as_array().unwrap().is_empty());
    let stranger = other.agent().await;
    let foreign = app.authed(Method::GET, &path, &stranger).send().await.unwrap();
    problem(foreign, 404).await;
    let inhabitant = town.inhabitant().await;
    let refused = app
        .authed(Method::POST, &town.at(&format!("/processes/{prepared}/meetings")), &inhabitant)
        .json(&public_meeting(days_from_today(3)))
        .send()
        .await
        .unwrap();
    problem(refused, 403).await;

    let abandon = app
        .authed(Method::POST, &town.at(&format!("/processes/{prepared}/transitions")), &agent)
        .header("If-Match", "*")
        .json(&json!({ "to": "abandoned", "reason": "Le projet est repoussé." }))
        .send()
        .await
        .unwrap();
    assert_eq!(abandon.status(), 200);
    let late = app
        .authed(Method::POST, &town.at(&format!("/processes/{prepared}/meetings")), &agent)
        .json(&public_meeting(days_from_today(3)))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(late, 409).await["rule"], "process_finished");
    let invalid = app
        .authed(
            Method::POST,
            &town.at(&format!("/processes/{}/meetings", town.process("Ouverte", false).await)),
            &agent,
        )
        .json(&json!({ "kind": "picnic", "date": "2026-02-30" }))
        .send()
        .await
        .unwrap();
    assert!([400, 422].contains(&invalid.status().as_u16()));
}

/// Unfolds an RFC 5545 calendar, checking its line ends and folding on the way.
fn unfold(calendar: &str) -> Vec<String> {
    assert!(calendar.ends_with("\r\n"));
    let mut lines: Vec<String> = Vec::new();
    for raw in calendar.trim_end_matches("\r\n").split("\r\n") {
        assert!(raw.len() <= 75, "a line longer than 75 octets: {raw:?}");
        assert!(!raw.contains('\n') && !raw.contains('\r'), "a bare line break: {raw:?}");
        match raw.strip_prefix(' ') {
            Some(continued) => lines.last_mut().expect("a folded line follows another").push_str(continued),
            None => lines.push(raw.to_owned()),
        }
    }
    lines
}

#[tokio::test]
async fn the_calendar_feed_holds_the_upcoming_public_meetings_as_rfc_5545_events() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let process = town.process("Une place, des arbres ; des bancs, et plus", false).await;
    let (upcoming, _) = town.meeting(&process, public_meeting(days_from_today(5))).await;
    town.meeting(&process, public_meeting(days_from_today(-5))).await;
    let prepared = town.process("Secrète", true).await;
    town.meeting(&prepared, public_meeting(days_from_today(6))).await;
    // A process abandoned holds no more meetings: its upcoming one leaves the feed.
    let abandoned = town.process("Abandonnée", false).await;
    town.meeting(&abandoned, public_meeting(days_from_today(4))).await;
    let agent = town.agent().await;
    let path = town.at(&format!("/processes/{abandoned}/transitions"));
    let body = json!({ "to": "abandoned", "reason": "Plus de porteur." });
    let ended = app.authed(Method::POST, &path, &agent).header("If-Match", "*").json(&body).send().await.unwrap();
    assert_eq!(ended.status(), 200);

    let response = app.get(&town.at("/meetings.ics")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/calendar; charset=utf-8");
    let lines = unfold(&response.text().await.unwrap());
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_owned()) && lines.iter().any(|l| l.starts_with("PRODID:")));
    let events: Vec<&[String]> = lines.split(|l| l == "BEGIN:VEVENT").skip(1).collect();
    assert_eq!(events.len(), 1, "only the upcoming meeting of the public process: {lines:?}");
    let event = events[0];
    let property =
        |name: &str| event.iter().find_map(|l| l.strip_prefix(&format!("{name}:"))).unwrap_or_default().to_owned();
    assert_eq!(property("UID"), format!("{}@implication", upcoming["id"].as_str().unwrap()));
    let utc = |iso: &Value| iso.as_str().unwrap().replace(['-', ':'], "");
    assert_eq!(property("DTSTART"), utc(&upcoming["starts_at"]));
    assert_eq!(property("DTEND"), utc(&upcoming["ends_at"]));
    assert_eq!(property("SUMMARY"), "Réunion publique : Une place\\, des arbres \\; des bancs\\, et plus");
    assert_eq!(property("DESCRIPTION"), "Deux scénarios \\; un stop\\, ou un dos d'âne\\, à discuter.");
    assert!(event.iter().any(|l| l == "END:VEVENT"));
    problem(app.get("/v1/municipalities/nowhere/meetings.ics").await, 404).await;
}

#[tokio::test]
async fn minutes_are_delivered_and_reacted_to_once_published_and_only_staff_read_the_reactions() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let process = town.process("Le city-stade", false).await;
    let (meeting, etag) = town.meeting(&process, public_meeting(days_from_today(-3))).await;
    let id = meeting["id"].as_str().unwrap();
    let at = |suffix: &str| town.at(&format!("/meetings/{id}{suffix}"));
    let letterboxes = json!({ "audience": "participants", "channel": "letterbox_drop", "copies": 42 });

    // Before the minutes, nothing to deliver nor react to.
    let early = app.authed(Method::POST, &at("/deliveries"), &agent).json(&letterboxes).send().await.unwrap();
    assert_eq!(problem(early, 409).await["rule"], "minutes_not_published");
    let reaction = json!({ "text": "Il manque le stationnement.", "name": "Camille Secrète", "email": "camille.secrete@example.org" });
    let early = app.client.post(app.url(&at("/reactions"))).json(&reaction).send().await.unwrap();
    assert_eq!(problem(early, 409).await["rule"], "minutes_not_published");

    let minutes = app
        .authed(Method::PUT, &at("/minutes"), &agent)
        .header("If-Match", &etag)
        .json(&json!({ "text": "Trente riverains présents." }))
        .send()
        .await
        .unwrap();
    assert_eq!(minutes.status(), 200);
    let delivered = app.authed(Method::POST, &at("/deliveries"), &agent).json(&letterboxes).send().await.unwrap();
    assert_eq!(delivered.status(), 201);
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive();
    assert_eq!(json(delivered).await["delivered_on"], json!(today));
    let invalid = json!({ "audience": "whole_town", "neighbourhoods": ["cite-5", "atlantide"], "channel": "website",
        "delivered_on": days_from_today(-10), "copies": -1 });
    let errors =
        problem(app.authed(Method::POST, &at("/deliveries"), &agent).json(&invalid).send().await.unwrap(), 422).await;
    let fields: Vec<&str> = errors["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["neighbourhoods[1]", "neighbourhoods", "delivered_on", "copies"]);
    let estate = json!({ "audience": "neighbourhoods", "neighbourhoods": ["cite-5"], "channel": "municipal_magazine" });
    assert_eq!(app.authed(Method::POST, &at("/deliveries"), &agent).json(&estate).send().await.unwrap().status(), 201);
    let inhabitant = town.inhabitant().await;
    problem(app.authed(Method::POST, &at("/deliveries"), &inhabitant).json(&estate).send().await.unwrap(), 403).await;

    // Anyone reacts; the public sees the deliveries and a count, never who reacted nor what they said.
    let received = app.client.post(app.url(&at("/reactions"))).json(&reaction).send().await.unwrap();
    assert_eq!(received.status(), 201);
    let receipt = json(received).await;
    assert!(!receipt.to_string().contains("Camille"));
    let by_letter = json!({ "text": "Merci pour ce compte rendu.", "channel": "letter" });
    let forged = app.client.post(app.url(&at("/reactions"))).json(&by_letter).send().await.unwrap();
    let forged = problem(forged, 422).await;
    assert_eq!(
        (forged["errors"][0]["field"].as_str(), forged["errors"][0]["code"].as_str()),
        (Some("channel"), Some("not_allowed"))
    );
    assert_eq!(
        app.authed(Method::POST, &at("/reactions"), &agent).json(&by_letter).send().await.unwrap().status(),
        201
    );
    let empty =
        app.client.post(app.url(&at("/reactions"))).json(&json!({ "email": "pas-un-email" })).send().await.unwrap();
    let errors = problem(empty, 422).await;
    let fields: Vec<&str> = errors["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["text", "email"]);
    let public = json(app.get(&at("")).await).await;
    let audiences: Vec<&str> =
        public["deliveries"].as_array().unwrap().iter().map(|d| d["audience"].as_str().unwrap()).collect();
    assert_eq!(audiences, ["participants", "neighbourhoods"]);
    assert_eq!(public["reactions"], 2);
    let listed = json(app.get(&town.at(&format!("/meetings?process={process}"))).await).await;
    assert_eq!(listed["items"][0]["reactions"], 2);
    let history = json(app.get(&town.at(&format!("/processes/{process}/history"))).await).await;
    for text in [public.to_string(), listed.to_string(), history.to_string()] {
        assert!(!text.contains("Camille") && !text.contains("stationnement"), "{text}");
    }
    let kinds: Vec<&str> = history["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "minutes_delivered").count(), 2);
    problem(app.get(&at("/reactions")).await, 401).await;
    problem(app.authed(Method::GET, &at("/reactions"), &inhabitant).send().await.unwrap(), 403).await;
    let reactions = json(app.authed(Method::GET, &at("/reactions?limit=1"), &agent).send().await.unwrap()).await;
    assert_eq!(reactions["items"][0]["channel"], "letter");
    let next = reactions["next_cursor"].as_str().unwrap();
    let older =
        json(app.authed(Method::GET, &at(&format!("/reactions?limit=1&cursor={next}")), &agent).send().await.unwrap())
            .await;
    assert_eq!(older["items"][0]["email"], "camille.secrete@example.org");

    // The meetings of a process in preparation take no reaction from the public.
    let prepared = town.process("En préparation", true).await;
    let (hidden, hidden_etag) = town.meeting(&prepared, public_meeting(days_from_today(-2))).await;
    let hidden_at = |suffix: &str| town.at(&format!("/meetings/{}{suffix}", hidden["id"].as_str().unwrap()));
    let minutes = app
        .authed(Method::PUT, &hidden_at("/minutes"), &agent)
        .header("If-Match", &hidden_etag)
        .json(&json!({ "text": "Réunion interne." }))
        .send()
        .await
        .unwrap();
    assert_eq!(minutes.status(), 200);
    problem(app.client.post(app.url(&hidden_at("/reactions"))).json(&by_letter).send().await.unwrap(), 404).await;
}

#[tokio::test]
async fn the_indicators_count_processes_by_level_and_meetings_held_with_their_minutes_on_time_late_or_overdue() {
    let app = spawn_app().await;
    let town = TestTown::new(&app).await;
    let agent = town.agent().await;
    let park = town.process("Le parc", false).await;
    let garden = town.process("Le jardin partagé", false).await;
    let prepared = town.process("La cantine", true).await;
    for process in [&garden, &prepared] {
        let changed = app
            .authed(Method::POST, &town.at(&format!("/processes/{process}/level")), &agent)
            .header("If-Match", "*")
            .json(&json!({ "level": "coproduction", "reason": "Les habitants veulent le faire avec nous." }))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 200);
    }
    // Held in the last 60 days: minutes published late (due 5 days ago), on time, overdue, and not
    // yet due; one upcoming, not held; one held 70 days ago, in the previous period, overdue.
    let with_attendance = |on: NaiveDate, attendance: u32| {
        let mut body = public_meeting(on);
        body["attendance"] = json!(attendance);
        body
    };
    let (late, late_etag) = town.meeting(&park, with_attendance(days_from_today(-20), 25)).await;
    let (on_time, on_time_etag) = town.meeting(&park, with_attendance(days_from_today(-3), 10)).await;
    town.meeting(&park, public_meeting(days_from_today(-25))).await;
    town.meeting(&garden, public_meeting(days_from_today(-2))).await;
    town.meeting(&garden, public_meeting(days_from_today(7))).await;
    town.meeting(&park, public_meeting(days_from_today(-70))).await;
    let minutes = json!({ "text": "Vingt riverains présents.", "decisions": "Un second atelier.", "actions": "Rien." });
    for (meeting, etag) in [(&late, &late_etag), (&on_time, &on_time_etag)] {
        let path = town.at(&format!("/meetings/{}/minutes", meeting["id"].as_str().unwrap()));
        let published =
            app.authed(Method::PUT, &path, &agent).header("If-Match", etag).json(&minutes).send().await.unwrap();
        assert_eq!(published.status(), 200);
    }

    let query = format!("/indicators?from={}&to={}", days_from_today(-59), days_from_today(0));
    let staff = json(app.authed(Method::GET, &town.at(&query), &agent).send().await.unwrap()).await;
    let processes = &staff["processes"];
    assert_eq!(processes["opened"], json!({ "current": 2, "previous": 0 }), "the prepared one was never opened");
    assert_eq!(
        processes["by_level"],
        json!([{ "code": "consultation", "current": 1, "previous": 0 }, { "code": "coproduction", "current": 1, "previous": 0 }])
    );
    assert_eq!(
        processes["level_changes"],
        json!([{ "from": "consultation", "to": "coproduction", "current": 2, "previous": 0 }])
    );
    let meetings = &staff["meetings"];
    assert_eq!(meetings["held"], json!({ "current": 4, "previous": 1 }));
    assert_eq!(meetings["attendance"], json!({ "current": 35, "previous": 0 }));
    assert_eq!(meetings["minutes_on_time"], json!({ "current": 1, "previous": 0 }));
    assert_eq!(meetings["minutes_late"], json!({ "current": 1, "previous": 0 }));
    assert_eq!(meetings["minutes_overdue"], json!({ "current": 1, "previous": 1 }));
    assert_eq!(meetings["minutes_on_time_share"], json!({ "current": 33.3, "previous": 0.0 }));

    // The public's count the level changes of opened processes only.
    let public = json(app.get(&town.at(&query)).await).await;
    assert_eq!(public["processes"]["level_changes"][0]["current"], 1);
    assert_eq!(public["meetings"]["held"], json!({ "current": 4, "previous": 1 }));
}
