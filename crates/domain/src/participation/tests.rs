use super::lifecycle::{self, Refusal, Rule, TransitionAsk};
use super::*;
use crate::common::actor::Actor;
use crate::vocabulary::{DecisionMaker, ProcessEventKind, RequestStatus, Resolution};
use chrono::NaiveDate;

fn catalogue_codes() -> (Vec<String>, Vec<String>) {
    (vec!["roads-and-traffic".to_owned()], vec!["cite-5".to_owned(), "centre".to_owned()])
}

fn draft() -> ProcessDraft {
    ProcessDraft {
        subject: Some("La vitesse dans la cité 5".to_owned()),
        description: Some("Des voitures traversent la cité à toute allure.".to_owned()),
        perimeter: Some(PerimeterDraft {
            kind: Some(PerimeterKind::Neighbourhoods),
            neighbourhoods: vec!["cite-5".to_owned()],
            streets: Vec::new(),
        }),
        level: Some(ParticipationLevel::Consultation),
        requests: Vec::new(),
    }
}

fn process() -> Process {
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let parsed = NewProcess::parse(MunicipalityId::new(), &draft(), Routing::default(), &catalogue, crate::time::now());
    match parsed {
        Ok(new) => new.process,
        Err(errors) => panic!("{errors}"),
    }
}

fn fields(errors: &ValidationErrors) -> Vec<&str> {
    errors.0.iter().map(|e| e.field.as_str()).collect()
}

fn today() -> NaiveDate {
    crate::time::today()
}

fn decision(resolution: Resolution) -> Decision {
    let draft = DecisionDraft {
        outcome: Some("Ni stop ni ralentisseur : les habitants gardent la rue telle quelle.".to_owned()),
        decided_by: Some(DecisionMaker::Participants),
        decided_on: Some(today()),
        rationale: Some("Les deux scénarios déplaçaient le problème.".to_owned()),
        resolution: Some(resolution),
        ..DecisionDraft::default()
    };
    match draft.parse(today()) {
        Ok(decision) => decision,
        Err(errors) => panic!("{errors}"),
    }
}

fn moved(process: &Process, to: ProcessStatus) -> Process {
    let ask = TransitionAsk { to: Some(to), reason: Some("parce que".to_owned()) };
    match lifecycle::transition(process, &ask) {
        Ok(change) => change.apply(process, crate::time::now()),
        Err(refusal) => panic!("{refusal:?}"),
    }
}

#[test]
fn a_process_without_requests_is_the_towns_initiative_and_starts_in_preparation_private() {
    let p = process();
    assert_eq!(p.origin, ProcessOrigin::TownInitiative);
    assert_eq!(p.status, ProcessStatus::Preparing);
    assert!(!p.is_public());
}

#[test]
fn every_missing_or_invalid_field_is_named_at_once() {
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let id = RequestId::new();
    let bad = ProcessDraft {
        subject: Some("  ".to_owned()),
        description: None,
        perimeter: Some(PerimeterDraft {
            kind: Some(PerimeterKind::WholeTown),
            neighbourhoods: vec!["cite-5".to_owned()],
            streets: Vec::new(),
        }),
        level: None,
        requests: vec![id, id],
    };
    let errors = NewProcess::parse(MunicipalityId::new(), &bad, Routing::default(), &catalogue, crate::time::now())
        .err()
        .unwrap_or_default();
    assert_eq!(fields(&errors), ["subject", "description", "perimeter.neighbourhoods", "level", "requests[1]"]);
}

#[test]
fn a_perimeter_names_what_its_kind_needs_and_only_known_neighbourhoods() {
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let mut errors = ValidationErrors::default();
    let streets = PerimeterDraft { kind: Some(PerimeterKind::Streets), ..PerimeterDraft::default() };
    assert!(PerimeterDraft::parse(Some(&streets), &catalogue, &mut errors).is_none());
    let unknown = PerimeterDraft {
        kind: Some(PerimeterKind::Neighbourhoods),
        neighbourhoods: vec!["nowhere".to_owned()],
        ..PerimeterDraft::default()
    };
    assert!(PerimeterDraft::parse(Some(&unknown), &catalogue, &mut errors).is_none());
    assert_eq!(fields(&errors), ["perimeter.streets", "perimeter.neighbourhoods[0]"]);
    let fine = PerimeterDraft {
        kind: Some(PerimeterKind::Streets),
        neighbourhoods: vec!["cite-5".to_owned()],
        streets: vec!["Rue Lamartine".to_owned(), "Rue Lamartine".to_owned()],
    };
    let parsed = PerimeterDraft::parse(Some(&fine), &catalogue, &mut ValidationErrors::default());
    assert_eq!(parsed.map(|p| p.streets.len()), Some(1));
    assert_eq!(PerimeterDraft::parse(None, &catalogue, &mut errors), Some(Perimeter::whole_town()));
}

#[test]
fn the_lifecycle_runs_preparing_open_deciding_and_opening_makes_it_public() {
    let open = moved(&process(), ProcessStatus::Open);
    assert!(open.is_public());
    let deciding = moved(&open, ProcessStatus::Deciding);
    assert_eq!(deciding.status, ProcessStatus::Deciding);
    assert_eq!(deciding.opened_at, open.opened_at);
}

#[test]
fn decided_is_reached_only_by_recording_the_decision() {
    let deciding = moved(&moved(&process(), ProcessStatus::Open), ProcessStatus::Deciding);
    let ask = TransitionAsk { to: Some(ProcessStatus::Decided), reason: None };
    assert!(matches!(lifecycle::transition(&deciding, &ask), Err(Refusal::Guard { rule: Rule::DecisionRequired, .. })));
    let (decided, event) =
        decision::record(&deciding, decision(Resolution::StatusQuo), Actor::Public, crate::time::now())
            .unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(decided.status, ProcessStatus::Decided);
    assert_eq!(event.kind, ProcessEventKind::Decided);
    let (_, amended) = decision::record(&decided, decision(Resolution::Done), Actor::Public, crate::time::now())
        .unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(amended.kind, ProcessEventKind::DecisionAmended);
}

#[test]
fn a_decision_is_refused_before_deciding_and_after_the_end() {
    let open = moved(&process(), ProcessStatus::Open);
    let refused = decision::record(&open, decision(Resolution::Done), Actor::Public, crate::time::now());
    assert!(matches!(refused, Err(Refusal::Guard { rule: Rule::NotDeciding, .. })));
    let abandoned = moved(&open, ProcessStatus::Abandoned);
    let refused = decision::record(&abandoned, decision(Resolution::Done), Actor::Public, crate::time::now());
    assert!(matches!(refused, Err(Refusal::Guard { rule: Rule::ProcessFinished, .. })));
}

#[test]
fn closing_hands_the_decisions_resolution_to_the_requests_and_abandoning_closes_them_abandoned() {
    let deciding = moved(&moved(&process(), ProcessStatus::Open), ProcessStatus::Deciding);
    let (decided, _) = decision::record(&deciding, decision(Resolution::StatusQuo), Actor::Public, crate::time::now())
        .unwrap_or_else(|r| panic!("{r:?}"));
    let close = lifecycle::transition(&decided, &TransitionAsk { to: Some(ProcessStatus::Closed), reason: None });
    assert_eq!(close.map(|c| c.closes_requests), Ok(Some(Resolution::StatusQuo)));
    let abandon = TransitionAsk { to: Some(ProcessStatus::Abandoned), reason: Some("plus de porteur".to_owned()) };
    assert_eq!(lifecycle::transition(&deciding, &abandon).map(|c| c.closes_requests), Ok(Some(Resolution::Abandoned)));
}

#[test]
fn abandoning_needs_a_reason_and_a_finished_process_goes_nowhere() {
    let p = process();
    let ask = TransitionAsk { to: Some(ProcessStatus::Abandoned), reason: None };
    assert!(matches!(lifecycle::transition(&p, &ask), Err(Refusal::Invalid(e)) if fields(&e) == ["reason"]));
    let abandoned = moved(&p, ProcessStatus::Abandoned);
    assert!(!abandoned.is_public());
    let reopen = TransitionAsk { to: Some(ProcessStatus::Open), reason: None };
    assert!(matches!(
        lifecycle::transition(&abandoned, &reopen),
        Err(Refusal::NotAllowed { allowed, .. }) if allowed.is_empty()
    ));
}

#[test]
fn a_level_change_needs_another_level_and_a_reason_and_is_refused_once_finished() {
    let p = process();
    let change = lifecycle::change_level(
        &p,
        Some(ParticipationLevel::Coproduction),
        Some("la concertation est devenue coproduction"),
    );
    assert_eq!(
        change.as_ref().map(|c| (c.from, c.to)),
        Ok((ParticipationLevel::Consultation, ParticipationLevel::Coproduction))
    );
    let same = lifecycle::change_level(&p, Some(ParticipationLevel::Consultation), None);
    assert!(matches!(same, Err(Refusal::Invalid(e)) if fields(&e) == ["level", "reason"]));
    let abandoned = moved(&p, ProcessStatus::Abandoned);
    let late = lifecycle::change_level(&abandoned, Some(ParticipationLevel::Information), Some("trop tard"));
    assert!(matches!(late, Err(Refusal::Guard { rule: Rule::ProcessFinished, .. })));
}

#[test]
fn only_a_qualified_request_joins_and_only_until_the_decision() {
    let p = process();
    assert!(lifecycle::may_join(RequestId::new(), RequestStatus::Qualified, &p).is_ok());
    for status in [RequestStatus::Received, RequestStatus::Qualifying, RequestStatus::InProcess, RequestStatus::Closed]
    {
        assert!(matches!(
            lifecycle::may_join(RequestId::new(), status, &p),
            Err(Refusal::Guard { rule: Rule::RequestNotQualified, .. })
        ));
    }
    let deciding = moved(&moved(&p, ProcessStatus::Open), ProcessStatus::Deciding);
    assert!(lifecycle::may_take_requests(&deciding).is_ok());
    let (decided, _) = decision::record(&deciding, decision(Resolution::Done), Actor::Public, crate::time::now())
        .unwrap_or_else(|r| panic!("{r:?}"));
    assert!(matches!(lifecycle::may_take_requests(&decided), Err(Refusal::Guard { rule: Rule::ProcessDecided, .. })));
}

#[test]
fn a_decision_names_its_author_as_its_kind_needs() {
    let base = DecisionDraft {
        outcome: Some("Horaires : option 3".to_owned()),
        decided_on: Some(today()),
        rationale: Some("72 % des réponses".to_owned()),
        resolution: Some(Resolution::Done),
        ..DecisionDraft::default()
    };
    let other = DecisionDraft { decided_by: Some(DecisionMaker::OtherAuthority), ..base.clone() };
    assert!(matches!(other.parse(today()), Err(e) if fields(&e) == ["authority"]));
    let council = DecisionDraft {
        decided_by: Some(DecisionMaker::MunicipalCouncil),
        authority: Some("Éducation nationale".to_owned()),
        ..base.clone()
    };
    assert!(
        matches!(council.parse(today()), Err(e) if fields(&e) == ["authority", "deliberation.number", "deliberation.date"])
    );
    let deliberated = DecisionDraft {
        decided_by: Some(DecisionMaker::MunicipalCouncil),
        deliberation_number: Some("2026-045".to_owned()),
        deliberation_date: Some(today()),
        ..base.clone()
    };
    assert!(deliberated.parse(today()).is_ok_and(|d| d.deliberation.is_some()));
    let future = DecisionDraft {
        decided_by: Some(DecisionMaker::ElectedOfficials),
        decided_on: today().succ_opt(),
        resolution: Some(Resolution::TakenOverByServices),
        ..base
    };
    assert!(matches!(future.parse(today()), Err(e) if fields(&e) == ["decided_on", "resolution"]));
}

#[test]
fn the_reason_a_closed_request_reads_fits_a_requests_reason_however_long_the_decision() {
    let deciding = moved(&moved(&process(), ProcessStatus::Open), ProcessStatus::Deciding);
    let long = DecisionDraft {
        outcome: Some("é".repeat(5_000)),
        decided_by: Some(DecisionMaker::ElectedOfficials),
        decided_on: Some(today()),
        rationale: Some("r".to_owned()),
        resolution: Some(Resolution::Done),
        ..DecisionDraft::default()
    };
    let decision = long.parse(today()).unwrap_or_else(|e| panic!("{e}"));
    let (decided, _) =
        decision::record(&deciding, decision, Actor::Public, crate::time::now()).unwrap_or_else(|r| panic!("{r:?}"));
    let close = lifecycle::transition(&decided, &TransitionAsk { to: Some(ProcessStatus::Closed), reason: None })
        .unwrap_or_else(|r| panic!("{r:?}"));
    let reason = close.request_reason(&decided).unwrap_or_default();
    assert!(crate::requests::Reason::parse("reason", &reason).is_ok());
    let abandon = TransitionAsk { to: Some(ProcessStatus::Abandoned), reason: Some("x".repeat(2_000)) };
    let abandon = lifecycle::transition(&deciding, &abandon).unwrap_or_else(|r| panic!("{r:?}"));
    assert!(crate::requests::Reason::parse("reason", &abandon.request_reason(&deciding).unwrap_or_default()).is_ok());
}

mod meetings {
    use super::super::meeting::{self, Meeting, MeetingDraft, MinutesDraft, minutes_due_on};
    use crate::identity::municipality::MunicipalitySettings;
    use crate::ids::{MunicipalityId, ProcessId};
    use crate::vocabulary::MeetingKind;
    use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

    fn settings(zone: chrono_tz::Tz, delay: u16) -> MunicipalitySettings {
        MunicipalitySettings { minutes_delay_days: delay, time_zone: zone, ..MunicipalitySettings::default() }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap_or_default()
    }

    fn draft(on: NaiveDate) -> MeetingDraft {
        MeetingDraft {
            kind: Some(MeetingKind::PublicMeeting),
            place: Some("Salle Jacques-Brel".to_owned()),
            date: Some(on),
            ..MeetingDraft::default()
        }
    }

    fn meeting(on: NaiveDate, settings: &MunicipalitySettings) -> Meeting {
        draft(on)
            .parse_new(MunicipalityId::new(), ProcessId::new(), settings, crate::time::now())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_meeting_defaults_to_the_evening_18_00_to_19_30_where_the_town_is() {
        let paris = meeting(date(2026, 1, 15), &settings(chrono_tz::Europe::Paris, 15));
        assert_eq!((paris.starts_at, paris.ends_at), (utc(2026, 1, 15, 17, 0), utc(2026, 1, 15, 18, 30)));
        let summer = meeting(date(2026, 7, 15), &settings(chrono_tz::Europe::Paris, 15));
        assert_eq!(summer.starts_at, utc(2026, 7, 15, 16, 0));
        let reunion = meeting(date(2026, 1, 15), &settings(chrono_tz::Indian::Reunion, 15));
        assert_eq!(reunion.starts_at, utc(2026, 1, 15, 14, 0));
    }

    #[test]
    fn minutes_are_due_fifteen_days_after_the_local_day_it_ends_across_month_and_year_ends() {
        let paris = settings(chrono_tz::Europe::Paris, 15);
        assert_eq!(minutes_due_on(utc(2026, 1, 20, 18, 30), &paris), date(2026, 2, 4));
        assert_eq!(minutes_due_on(utc(2026, 12, 20, 18, 30), &paris), date(2027, 1, 4));
        assert_eq!(minutes_due_on(utc(2028, 2, 14, 18, 30), &paris), date(2028, 2, 29));
        // 23:30 UTC on 31 January is already 1 February in Paris, still 31 January in Cayenne.
        assert_eq!(minutes_due_on(utc(2026, 1, 31, 23, 30), &paris), date(2026, 2, 16));
        let cayenne = settings(chrono_tz::America::Cayenne, 15);
        assert_eq!(minutes_due_on(utc(2026, 1, 31, 23, 30), &cayenne), date(2026, 2, 15));
        assert_eq!(minutes_due_on(utc(2026, 1, 31, 23, 30), &settings(chrono_tz::Europe::Paris, 1)), date(2026, 2, 2));
    }

    #[test]
    fn minutes_unpublished_after_their_due_day_are_overdue_and_published_late_show_as_late() {
        let paris = settings(chrono_tz::Europe::Paris, 15);
        let held = meeting(date(2026, 1, 20), &paris);
        assert_eq!(held.minutes_due_on, date(2026, 2, 4));
        assert!(!held.minutes_overdue(date(2026, 2, 4)));
        assert!(held.minutes_overdue(date(2026, 2, 5)));
        let minutes = MinutesDraft { text: Some("Compte rendu.".to_owned()), ..MinutesDraft::default() };
        let on_time =
            meeting::record_minutes(&held, &minutes, utc(2026, 2, 4, 22, 59)).unwrap_or_else(|r| panic!("{r:?}"));
        assert!(!on_time.minutes_late(paris.time_zone) && !on_time.minutes_overdue(date(2026, 3, 1)));
        let late = meeting::record_minutes(&held, &minutes, utc(2026, 2, 4, 23, 1)).unwrap_or_else(|r| panic!("{r:?}"));
        assert!(late.minutes_late(paris.time_zone), "00:01 on 5 February in Paris is late");
        // A correction keeps the first publication.
        let corrected =
            meeting::record_minutes(&on_time, &minutes, utc(2026, 3, 1, 10, 0)).unwrap_or_else(|r| panic!("{r:?}"));
        assert!(!corrected.minutes_late(paris.time_zone));
    }

    #[test]
    fn minutes_come_once_the_meeting_has_ended() {
        let held = meeting(date(2026, 1, 20), &settings(chrono_tz::Europe::Paris, 15));
        let minutes = MinutesDraft { text: Some("Trop tôt.".to_owned()), ..MinutesDraft::default() };
        let early = meeting::record_minutes(&held, &minutes, utc(2026, 1, 20, 18, 0));
        assert!(matches!(early, Err(super::Refusal::Guard { rule: super::Rule::MeetingNotHeld, .. })));
        let empty = meeting::record_minutes(&held, &MinutesDraft::default(), utc(2026, 1, 21, 9, 0));
        assert!(matches!(empty, Err(super::Refusal::Invalid(e)) if super::fields(&e) == ["text"]));
    }

    #[test]
    fn a_time_the_clocks_skip_or_an_end_before_the_start_is_refused_by_name() {
        let paris = settings(chrono_tz::Europe::Paris, 15);
        let skipped = MeetingDraft {
            start_time: NaiveTime::from_hms_opt(2, 30, 0),
            end_time: NaiveTime::from_hms_opt(4, 0, 0),
            ..draft(date(2026, 3, 29))
        };
        let errors = skipped
            .parse_new(MunicipalityId::new(), ProcessId::new(), &paris, crate::time::now())
            .err()
            .unwrap_or_default();
        assert_eq!(super::fields(&errors), ["start_time"]);
        let backwards = MeetingDraft { start_time: NaiveTime::from_hms_opt(20, 0, 0), ..draft(date(2026, 3, 2)) };
        let errors = backwards
            .parse_new(MunicipalityId::new(), ProcessId::new(), &paris, crate::time::now())
            .err()
            .unwrap_or_default();
        assert_eq!(super::fields(&errors), ["end_time"]);
        let nothing = MeetingDraft { attendance: Some(-1), ..MeetingDraft::default() };
        let errors = nothing
            .parse_new(MunicipalityId::new(), ProcessId::new(), &paris, crate::time::now())
            .err()
            .unwrap_or_default();
        assert_eq!(super::fields(&errors), ["kind", "place", "date", "attendance"]);
    }

    #[test]
    fn moving_a_meeting_moves_its_minutes_due_day_and_keeps_what_is_not_given() {
        let paris = settings(chrono_tz::Europe::Paris, 15);
        let planned = meeting(date(2026, 1, 20), &paris);
        let moved = MeetingDraft { date: Some(date(2026, 1, 27)), ..MeetingDraft::default() }
            .apply(&planned, &paris, crate::time::now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(moved.starts_at, utc(2026, 1, 27, 17, 0));
        assert_eq!(moved.minutes_due_on, date(2026, 2, 11));
        assert_eq!(moved.place, planned.place);
        let counted = MeetingDraft { attendance: Some(42), ..MeetingDraft::default() }
            .apply(&planned, &settings(chrono_tz::Europe::Paris, 30), crate::time::now())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((counted.attendance, counted.minutes_due_on), (Some(42), planned.minutes_due_on));
    }

    #[test]
    fn minutes_are_delivered_and_reacted_to_once_published_and_only_staff_set_a_reactions_channel() {
        use super::super::delivery::{DeliveryDraft, ReactionDraft};
        use super::super::{Refusal, Rule};
        use crate::requests::Catalogue;
        use crate::vocabulary::{Channel, MinutesAudience, NoticeMedium};
        let paris = settings(chrono_tz::Europe::Paris, 15);
        let held = meeting(date(2026, 11, 10), &paris);
        let now = utc(2026, 11, 20, 9, 0);
        let neighbourhoods = vec!["cite-5".to_owned()];
        let catalogue = Catalogue { themes: &[], neighbourhoods: &neighbourhoods };
        let letterboxes = DeliveryDraft {
            audience: Some(MinutesAudience::Participants),
            channel: Some(NoticeMedium::LetterboxDrop),
            ..DeliveryDraft::default()
        };
        let today = date(2026, 11, 20);
        let early = letterboxes.parse(&held, &catalogue, chrono_tz::Europe::Paris, today, now);
        assert!(matches!(early, Err(Refusal::Guard { rule: Rule::MinutesNotPublished, .. })));
        let reaction = ReactionDraft { text: Some("Merci.".to_owned()), ..ReactionDraft::default() };
        assert!(matches!(
            reaction.parse(&held, false, now),
            Err(Refusal::Guard { rule: Rule::MinutesNotPublished, .. })
        ));

        let minutes = MinutesDraft { text: Some("Vingt présents.".to_owned()), ..MinutesDraft::default() };
        let published =
            meeting::record_minutes(&held, &minutes, utc(2026, 11, 12, 8, 0)).unwrap_or_else(|e| panic!("{e:?}"));
        let delivered = letterboxes.parse(&published, &catalogue, chrono_tz::Europe::Paris, today, now);
        assert_eq!(delivered.map(|d| d.delivered_on).ok(), Some(today));
        let before = DeliveryDraft { delivered_on: Some(date(2026, 11, 11)), ..letterboxes.clone() };
        let missing = DeliveryDraft { audience: Some(MinutesAudience::Neighbourhoods), ..letterboxes.clone() };
        for (draft, field) in [(before, "delivered_on"), (missing, "neighbourhoods")] {
            let refused = draft.parse(&published, &catalogue, chrono_tz::Europe::Paris, today, now);
            assert!(matches!(refused, Err(Refusal::Invalid(e)) if e.0[0].field == field), "{field}");
        }
        let by_letter = ReactionDraft { channel: Some(Channel::Letter), ..reaction.clone() };
        assert!(
            matches!(by_letter.parse(&published, false, now), Err(Refusal::Invalid(e)) if e.0[0].field == "channel")
        );
        assert_eq!(by_letter.parse(&published, true, now).map(|r| r.channel).ok(), Some(Channel::Letter));
        assert_eq!(reaction.parse(&published, false, now).map(|r| r.channel).ok(), Some(Channel::Website));
    }
}

mod surveys {
    use super::super::survey::{self, BallotCode, OptionDraft, SurveyDraft, SurveyPhase, largest_remainder};
    use crate::ids::{MunicipalityId, ProcessId, SurveyId};
    use crate::vocabulary::EligibleUnit;
    use chrono::{Duration, Utc};

    fn school_hours(options: usize, eligible: i64) -> super::super::Survey {
        let now = Utc::now();
        let draft = SurveyDraft {
            question: Some("Quelle organisation de la semaine préférez-vous ?".to_owned()),
            options: (1..=options)
                .map(|i| OptionDraft { title: Some(format!("Scénario {i}")), description: None })
                .collect(),
            eligible: Some(eligible),
            eligible_unit: Some(EligibleUnit::Households),
            opens_at: Some(now - Duration::days(10)),
            closes_at: Some(now - Duration::days(1)),
            live_results: false,
        };
        draft.parse(MunicipalityId::new(), ProcessId::new(), now).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_school_hours_survey_gives_the_seeds_figures_from_its_ballots() {
        // §5.5.2: 386 responses, 57 % participation, option 3 chosen by 72 %; 677 households
        // eligible reproduce the 57 %.
        let survey = school_hours(6, 677);
        let counts = [(1, 30), (2, 25), (3, 278), (4, 20), (5, 18), (6, 15)];
        let results = survey::results(&survey, &counts);
        assert_eq!(results.responses, 386);
        assert_eq!(results.participation_permille, 570);
        assert_eq!(results.options[2], (3, 278, 720));
        assert_eq!(results.options.iter().map(|(_, _, s)| s).sum::<u64>(), 1000);
    }

    #[test]
    fn shares_always_sum_to_a_hundred_percent_and_ties_go_to_the_earlier_option() {
        assert_eq!(largest_remainder(&[1, 1, 1], 1000), [334, 333, 333]);
        assert_eq!(largest_remainder(&[2, 1], 1000), [667, 333]);
        assert_eq!(largest_remainder(&[0, 0, 0], 1000), [0, 0, 0]);
        assert_eq!(largest_remainder(&[7], 1000), [1000]);
        for counts in [[13u64, 29, 58, 1, 1, 1, 1], [1, 2, 3, 4, 5, 6, 7], [999, 1, 1, 1, 1, 1, 1]] {
            assert_eq!(largest_remainder(&counts, 1000).iter().sum::<u64>(), 1000, "{counts:?}");
        }
        let results = survey::results(&school_hours(3, 3), &[]);
        assert_eq!((results.responses, results.participation_permille), (0, 0));
        // Half up: 1 of 8 is 12.5 %; 1 of 2000 is 0.05 %, shown 0.1 %.
        assert_eq!(survey::results(&school_hours(2, 2000), &[(1, 1)]).participation_permille, 1);
    }

    #[test]
    fn results_are_public_once_closed_or_all_along_when_live() {
        let closed = school_hours(2, 10);
        let now = Utc::now();
        assert_eq!(closed.phase(now), SurveyPhase::Closed);
        assert!(closed.results_public(now));
        let running = super::super::Survey { closes_at: now + Duration::days(1), ..closed.clone() };
        assert!(!running.results_public(now));
        assert!(super::super::Survey { live_results: true, ..running.clone() }.results_public(now));
        let upcoming = super::super::Survey { opens_at: now + Duration::hours(1), live_results: true, ..running };
        assert_eq!(upcoming.phase(now), SurveyPhase::Upcoming);
        assert!(!upcoming.results_public(now));
    }

    #[test]
    fn a_survey_names_every_invalid_field() {
        let now = Utc::now();
        let draft = SurveyDraft {
            options: vec![OptionDraft { title: Some(" ".to_owned()), description: None }],
            eligible: Some(0),
            opens_at: Some(now),
            closes_at: Some(now),
            ..SurveyDraft::default()
        };
        let errors = draft.parse(MunicipalityId::new(), ProcessId::new(), now).err().unwrap_or_default();
        assert_eq!(
            super::fields(&errors),
            ["question", "options", "options[0].title", "eligible", "eligible_unit", "closes_at"]
        );
    }

    #[test]
    fn ballot_codes_are_typed_from_paper_whatever_the_case_and_dashes() {
        let code =
            BallotCode::from_random(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).unwrap_or_else(|| panic!("a code"));
        assert_eq!(code.printed(), "ACDEF-GHJKM");
        assert_eq!(BallotCode::parse("acdef ghjkm"), Some(code.clone()));
        assert_eq!(BallotCode::parse("ACDEF-GHJKM"), Some(code.clone()));
        assert_eq!(BallotCode::parse("ACDEF-GHJK0"), None, "no zero: it reads as an O");
        assert_eq!(BallotCode::parse("ACDEF"), None);
        // Bytes past the last whole round of the alphabet are skipped, so that each letter is as likely.
        assert!(BallotCode::from_random(&[255; 20]).is_none());
        assert_ne!(code.hashed_material(SurveyId::new()), code.hashed_material(SurveyId::new()));
    }

    #[test]
    fn paper_ballots_are_taken_only_when_their_counts_add_up_to_the_sheets_total() {
        let survey = school_hours(3, 100);
        let some = |pairs: &[(i64, i64)]| pairs.iter().map(|(o, c)| (Some(*o), Some(*c))).collect::<Vec<_>>();
        assert_eq!(survey::check_paper(&survey, &some(&[(1, 10), (3, 5)]), Some(15)), Ok(vec![(1, 10), (3, 5)]));
        let wrong = some(&[(1, 10), (4, 1), (1, 2), (2, -1), (70_000, 1)]);
        let errors = survey::check_paper(&survey, &wrong, Some(20)).err().unwrap_or_default();
        assert_eq!(
            super::fields(&errors),
            ["counts[1].option", "counts[2].option", "counts[3].count", "counts[4].option", "total"]
        );
        let missing = survey::check_paper(&survey, &[(None, Some(1)), (Some(1), None)], None).err().unwrap_or_default();
        assert_eq!(super::fields(&missing), ["counts[0].option", "counts[1].count", "total"]);
    }
}

#[test]
fn every_history_code_fits_its_column() {
    // `process_events.kind`, `from_status`, `to_status`, `from_level`, `to_level` are 20 characters wide.
    for code in ProcessEventKind::ALL.iter().map(|k| k.code()).chain(ProcessStatus::ALL.iter().map(|s| s.code())) {
        assert!(code.len() <= 20, "{code}");
    }
}

#[test]
fn the_public_reads_opened_processes_and_a_partners_tool_also_those_of_its_associations_requests() {
    let prepared = process();
    let opened = moved(&prepared, ProcessStatus::Open);
    assert!(Readers::All.read(&prepared, &[]));
    assert!(!Readers::Public.read(&prepared, &[]) && Readers::Public.read(&opened, &[]));
    let gardeners = Readers::PublicAnd { association: "Les Jardiniers".to_owned() };
    assert!(!gardeners.read(&prepared, &[]));
    assert!(gardeners.read(&opened, &[]));
}

mod steps_and_promises {
    use super::super::promise::{self, PromiseDraft};
    use super::super::step::StepDraft;
    use super::super::{About, Refusal, Rule};
    use crate::ids::{MunicipalityId, RequestId};
    use crate::vocabulary::{PromiseKind, PromiseStatus, StepKind};
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn promise_due(made: NaiveDate, due: NaiveDate) -> super::super::Promise {
        let draft = PromiseDraft {
            kind: Some(PromiseKind::Answer),
            text: Some("Une réponse sur le ralentisseur".to_owned()),
            made_by: Some("Le maire".to_owned()),
            made_on: Some(made),
            due_on: Some(due),
        };
        match draft.parse(MunicipalityId::new(), About::Request(RequestId::new()), made, crate::time::now()) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_promise_not_kept_after_its_due_day_is_overdue_and_kept_later_shows_as_kept_late() {
        let p = promise_due(date(2026, 11, 2), date(2026, 11, 30));
        assert!(!p.overdue(date(2026, 11, 30)));
        assert!(p.overdue(date(2026, 12, 1)));
        let kept = promise::keep(&p, Some(date(2026, 12, 10)), date(2026, 12, 12), crate::time::now());
        let kept = kept.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(kept.status, PromiseStatus::Kept);
        assert!(kept.kept_late() && !kept.overdue(date(2026, 12, 12)));
        let on_time = promise::keep(&p, Some(date(2026, 11, 30)), date(2026, 12, 12), crate::time::now());
        assert!(on_time.is_ok_and(|k| !k.kept_late()));
    }

    #[test]
    fn a_settled_promise_changes_no_more_and_a_withdrawal_needs_its_reason() {
        let p = promise_due(date(2026, 11, 2), date(2026, 11, 30));
        let today = date(2026, 11, 20);
        let Err(Refusal::Invalid(errors)) = promise::withdraw(&p, None, today, crate::time::now()) else {
            panic!("a withdrawal without a reason")
        };
        assert_eq!(errors.0[0].field, "reason");
        let withdrawn = promise::withdraw(&p, Some("La DDTM a refusé le permis."), today, crate::time::now());
        let withdrawn = withdrawn.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((withdrawn.status, withdrawn.settled_on), (PromiseStatus::Withdrawn, Some(today)));
        assert!(!withdrawn.overdue(date(2027, 1, 1)));
        let again = promise::keep(&withdrawn, None, today, crate::time::now());
        assert!(matches!(again, Err(Refusal::Guard { rule: Rule::PromiseSettled, .. })));
    }

    #[test]
    fn a_promise_is_not_due_before_it_was_made_nor_made_or_kept_in_the_future() {
        let draft = PromiseDraft {
            made_on: Some(date(2026, 12, 20)),
            due_on: Some(date(2026, 12, 1)),
            ..PromiseDraft::default()
        };
        let Err(errors) =
            draft.parse(MunicipalityId::new(), About::Request(RequestId::new()), date(2026, 12, 6), crate::time::now())
        else {
            panic!("refused")
        };
        let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["kind", "text", "made_by", "made_on"]);
        let p = promise_due(date(2026, 11, 2), date(2026, 11, 30));
        let future = promise::keep(&p, Some(date(2026, 12, 7)), date(2026, 12, 6), crate::time::now());
        assert!(matches!(future, Err(Refusal::Invalid(e)) if e.0[0].field == "kept_on"));
        let before = promise::keep(&p, Some(date(2026, 11, 1)), date(2026, 12, 6), crate::time::now());
        assert!(matches!(before, Err(Refusal::Invalid(e)) if e.0[0].field == "kept_on"));
        let draft = PromiseDraft { due_on: Some(date(2026, 11, 1)), ..PromiseDraft::default() };
        let Err(errors) =
            draft.parse(MunicipalityId::new(), About::Request(RequestId::new()), date(2026, 11, 2), crate::time::now())
        else {
            panic!("refused")
        };
        assert!(errors.0.iter().any(|e| e.field == "due_on"));
    }

    #[test]
    fn a_step_that_slips_keeps_its_first_expected_day_and_once_done_is_no_longer_ahead() {
        let draft = StepDraft {
            kind: Some(StepKind::Council),
            description: Some("Délibération du conseil municipal".to_owned()),
            expected_on: Some(date(2027, 1, 15)),
            done_on: None,
        };
        let today = date(2026, 12, 6);
        let step = draft.parse_new(MunicipalityId::new(), About::Request(RequestId::new()), today, crate::time::now());
        let step = step.unwrap_or_else(|e| panic!("{e}"));
        assert!(step.is_ahead() && !step.overdue(today) && !step.slipped());
        assert!(step.overdue(date(2027, 1, 16)));
        let moved = StepDraft { expected_on: Some(date(2027, 2, 12)), ..StepDraft::default() };
        let moved = moved.apply(&step, today, crate::time::now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((moved.first_expected_on, moved.expected_on), (date(2027, 1, 15), date(2027, 2, 12)));
        assert!(moved.slipped() && moved.description == step.description);
        let done = StepDraft { done_on: Some(today), ..StepDraft::default() };
        let done = done.apply(&moved, today, crate::time::now()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!done.is_ahead() && !done.overdue(date(2028, 1, 1)));
        let future = StepDraft { done_on: Some(date(2026, 12, 7)), ..StepDraft::default() };
        assert!(future.apply(&moved, today, crate::time::now()).is_err_and(|e| e.0[0].field == "done_on"));
        let empty = StepDraft::default().parse_new(
            MunicipalityId::new(),
            About::Request(RequestId::new()),
            today,
            crate::time::now(),
        );
        let named: Vec<String> = empty.err().map(|e| e.0.into_iter().map(|f| f.field).collect()).unwrap_or_default();
        assert_eq!(named, ["kind", "description", "expected_on"]);
    }
}

mod draws {
    use super::super::draw::{self, DrawDraft, PoolDraft, Seed};
    use crate::ids::MunicipalityId;
    use crate::requests::Catalogue;
    use crate::slug::Slug;

    fn slug(code: &str) -> Slug {
        Slug::parse(code).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_rule_gives_what_its_python_one_liner_gives() {
        // Computed with the rule's Python line (module documentation), not with this code.
        let seed = Seed::parse("seed", "Loto du 12 mars 2011 : 4 17 23 31 42").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draw::rank(&seed, &slug("cite-5"), 1000, 8), [882, 715, 965, 181, 642, 246, 220, 531]);
        let seed = Seed::parse("seed", "x").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draw::rank(&seed, &slug("centre-ville"), 3, 3), [3, 1, 2]);
        assert_eq!(draw::rank(&seed, &slug("centre-ville"), 3, 10), [3, 1, 2]);
    }

    #[test]
    fn a_draw_invites_the_first_lines_and_keeps_the_next_as_alternates_the_same_each_time() {
        let neighbourhoods = vec!["cite-5".to_owned(), "centre-ville".to_owned()];
        let catalogue = Catalogue { themes: &[], neighbourhoods: &neighbourhoods };
        let draft = DrawDraft {
            purpose: Some("Ateliers du plan local d'urbanisme".to_owned()),
            seed: Some("Loto du 12 mars 2011 : 4 17 23 31 42".to_owned()),
            pools: vec![PoolDraft {
                neighbourhood: Some("cite-5".to_owned()),
                size: Some(1000),
                seats: Some(5),
                alternates: Some(3),
            }],
        };
        let made = |d: &DrawDraft| d.draw(MunicipalityId::new(), &catalogue, || unreachable!(), crate::time::now());
        let first = made(&draft).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.pools[0].drawn, [882, 715, 965, 181, 642]);
        assert_eq!(first.pools[0].alternates_drawn, [246, 220, 531]);
        assert_eq!(made(&draft).map(|d| d.pools).ok(), Some(first.pools.clone()));
        let random = DrawDraft { seed: None, ..draft.clone() };
        let random = random.draw(MunicipalityId::new(), &catalogue, || "tiré au hasard".to_owned(), crate::time::now());
        assert_eq!(random.map(|d| d.seed.as_str().to_owned()).ok().as_deref(), Some("tiré au hasard"));
    }

    #[test]
    fn a_draw_names_every_invalid_pool_field() {
        let neighbourhoods = vec!["cite-5".to_owned()];
        let catalogue = Catalogue { themes: &[], neighbourhoods: &neighbourhoods };
        let pool = |code: &str, size, seats| PoolDraft {
            neighbourhood: Some(code.to_owned()),
            size: Some(size),
            seats: Some(seats),
            alternates: None,
        };
        let draft = DrawDraft {
            purpose: None,
            seed: Some("deux\nlignes".to_owned()),
            pools: vec![pool("cite-5", 10, 11), pool("atlantide", 0, 1), pool("cite-5", 10, 1)],
        };
        let errors = draft.draw(MunicipalityId::new(), &catalogue, String::new, crate::time::now());
        let fields: Vec<String> = errors.err().map(|e| e.0.into_iter().map(|f| f.field).collect()).unwrap_or_default();
        assert_eq!(
            fields,
            [
                "purpose",
                "seed",
                "pools[0].seats",
                "pools[1].neighbourhood",
                "pools[1].pool_size",
                "pools[2].neighbourhood"
            ]
        );
    }

    #[test]
    fn a_draw_invites_people_not_a_census_and_hashes_a_bounded_number_of_lines() {
        let neighbourhoods: Vec<String> = (0..4).map(|i| format!("quartier-{i}")).collect();
        let catalogue = Catalogue { themes: &[], neighbourhoods: &neighbourhoods };
        let pool = |i: usize, seats, alternates| PoolDraft {
            neighbourhood: Some(format!("quartier-{i}")),
            size: Some(draw::MAX_POOL),
            seats: Some(seats),
            alternates: Some(alternates),
        };
        let draft = DrawDraft {
            purpose: Some("Trop".to_owned()),
            seed: Some("s".to_owned()),
            pools: vec![pool(0, 900, 200), pool(1, 5, 0), pool(2, 5, 0), pool(3, 5, 0)],
        };
        let errors = draft.draw(MunicipalityId::new(), &catalogue, String::new, crate::time::now());
        let fields: Vec<String> = errors.err().map(|e| e.0.into_iter().map(|f| f.field).collect()).unwrap_or_default();
        assert_eq!(fields, ["pools[0].alternates", "pools"]);
    }
}
