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
