use super::diagnostic::{DiagnosticDraft, ResolutionDraft, RiskDraft, TaskDraft, may_go_to_signature};
use super::lifecycle::{self, allowed_targets, may_start, transition};
use super::project::{CarrierDraft, NewProject, ProjectDraft};
use super::*;
use crate::common::actor::Actor;
use crate::ids::{MunicipalityId, ProcessId, RequestId};
use crate::requests::qualification::Routing;
use crate::vocabulary::{ProjectRisk, ProjectStatus, ProjectWeight, RequestStatus, RequesterKind, Resolution};
use chrono::{NaiveDate, Utc};

use ProjectStatus::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn draft() -> ProjectDraft {
    ProjectDraft {
        title: Some("Rénovation des chemins ruraux 2018".into()),
        requests: vec![RequestId::new()],
        ..ProjectDraft::default()
    }
}

fn project() -> Project {
    NewProject::parse(MunicipalityId::new(), &draft(), Routing::default(), Utc::now()).unwrap().project
}

fn risk(kind: ProjectRisk, resolved: bool) -> RiskDraft {
    RiskDraft {
        kind: Some(kind),
        description: Some("Le site est classé au patrimoine mondial de l'UNESCO.".into()),
        resolution: resolved.then(|| ResolutionDraft {
            how: Some("Dossier validé".into()),
            by: Some("Architecte des bâtiments de France".into()),
            on: Some(day("2018-05-02")),
        }),
    }
}

fn diagnosed(weight: ProjectWeight, risks: Vec<RiskDraft>) -> Project {
    let doc = DiagnosticDraft {
        weight: Some(weight),
        tasks: vec![TaskDraft {
            text: Some("Reprendre les fonds de forme".into()),
            by: Some("Les agriculteurs".into()),
        }],
        estimated_cost_cents: Some(2_500_000),
        risks,
        notes: None,
    };
    Project { diagnostic: doc.parse(day("2018-05-10")).unwrap(), ..project() }
}

fn ask(to: ProjectStatus) -> TransitionAsk {
    TransitionAsk { to: Some(to), ..TransitionAsk::default() }
}

fn rule_of(refusal: Refusal) -> (Rule, Vec<String>) {
    match refusal {
        Refusal::Guard { rule, lacking, .. } => (rule, lacking.into_iter().map(|e| e.field).collect()),
        other => panic!("expected a guard, got {other:?}"),
    }
}

#[test]
fn a_project_needs_a_title_and_requests_or_a_process_each_named() {
    let errors =
        NewProject::parse(MunicipalityId::new(), &ProjectDraft::default(), Routing::default(), Utc::now()).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "requests"]);
    let from_process = ProjectDraft { requests: Vec::new(), process: Some(ProcessId::new()), ..draft() };
    let created = NewProject::parse(MunicipalityId::new(), &from_process, Routing::default(), Utc::now()).unwrap();
    assert_eq!(created.project.status, Diagnosing);
    assert!(created.requests.is_empty());
    assert!(!created.carriers_given);
}

#[test]
fn a_repeated_request_and_an_invalid_carrier_are_named() {
    let id = RequestId::new();
    let bad = ProjectDraft {
        requests: vec![id, id],
        carriers: Some(vec![CarrierDraft { kind: None, name: Some("  ".into()), interest: None }]),
        ..draft()
    };
    let errors = NewProject::parse(MunicipalityId::new(), &bad, Routing::default(), Utc::now()).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["requests[1]", "carriers[0].kind", "carriers[0].name"]);
}

#[test]
fn an_individual_carrier_is_never_named_publicly() {
    let carriers = CarrierDraft::parse_all(
        "carriers",
        &[
            CarrierDraft { kind: Some(RequesterKind::Individual), name: Some("Jeanne Martin".into()), interest: None },
            CarrierDraft { kind: Some(RequesterKind::Association), name: Some("AFR".into()), interest: None },
        ],
        &mut Default::default(),
    );
    assert!(!carriers[0].is_named_publicly());
    assert!(carriers[1].is_named_publicly());
}

#[test]
fn the_lifecycle_allows_exactly_its_arrows() {
    let every = ProjectStatus::ALL;
    let arrows = [
        (Diagnosing, Drafting),
        (Diagnosing, Abandoned),
        (Diagnosing, TakenOverByServices),
        (Drafting, Diagnosing),
        (Drafting, Abandoned),
        (Drafting, TakenOverByServices),
        (Signing, Abandoned),
        (Signing, TakenOverByServices),
        (Running, Completed),
        (Running, Abandoned),
        (Running, TakenOverByServices),
    ];
    for from in every {
        for to in every {
            assert_eq!(allowed_targets(*from).contains(to), arrows.contains(&(*from, *to)), "{from} → {to}");
        }
    }
}

#[test]
fn every_refused_transition_says_why() {
    let ready = diagnosed(ProjectWeight::Light, Vec::new());
    for from in ProjectStatus::ALL {
        for to in ProjectStatus::ALL {
            let current = Project { status: *from, ..ready.clone() };
            let full = TransitionAsk {
                to: Some(*to),
                reason: Some("Raison".into()),
                learnt: (*to == Abandoned).then(|| "S'être battus ensemble".into()),
            };
            match transition(&current, &full) {
                Ok(_) => assert!(allowed_targets(*from).contains(to), "{from} → {to} should be refused"),
                Err(Refusal::NotAllowed { allowed, .. }) => assert_eq!(allowed, allowed_targets(*from)),
                Err(Refusal::Guard { rule, .. }) => match rule {
                    Rule::ProjectFinished => assert!(lifecycle::is_finished(*from)),
                    Rule::ConventionMovesIt => assert!(matches!(to, Signing | Running)),
                    other => panic!("{from} → {to}: unexpected {other:?}"),
                },
                Err(Refusal::Invalid(errors)) => panic!("{from} → {to}: {errors:?}"),
            }
        }
    }
}

#[test]
fn drafting_needs_the_weight_and_the_tasks_named() {
    let (rule, lacking) = rule_of(transition(&project(), &ask(Drafting)).unwrap_err());
    assert_eq!(rule, Rule::DiagnosticIncomplete);
    assert_eq!(lacking, ["diagnostic.weight", "diagnostic.tasks"]);
    let done = transition(&diagnosed(ProjectWeight::Heavy, Vec::new()), &ask(Drafting)).unwrap();
    assert_eq!(done.closes_requests, None);
}

#[test]
fn abandoning_needs_a_reason_and_what_was_learnt_and_closes_the_requests_abandoned() {
    let errors = match transition(&project(), &ask(Abandoned)).unwrap_err() {
        Refusal::Invalid(errors) => errors,
        other => panic!("{other:?}"),
    };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["reason", "learnt"]);
    let full = TransitionAsk {
        to: Some(Abandoned),
        reason: Some("Le club n'a pas pu construire en dur.".into()),
        learnt: Some("S'être battus ensemble".into()),
    };
    let done = transition(&project(), &full).unwrap();
    assert_eq!(done.closes_requests, Some(Resolution::Abandoned));
    let ended = done.apply(&project(), Utc::now());
    assert_eq!(ended.status, Abandoned);
    let ending = ended.ending.unwrap();
    assert_eq!(ending.learnt.unwrap().as_str(), "S'être battus ensemble");
    assert!(ended.status != Diagnosing);
}

#[test]
fn taking_over_needs_a_reason_refuses_learnt_and_closes_the_requests_taken_over() {
    let errors = match transition(
        &project(),
        &TransitionAsk { to: Some(TakenOverByServices), reason: None, learnt: Some("x".into()) },
    )
    .unwrap_err()
    {
        Refusal::Invalid(errors) => errors,
        other => panic!("{other:?}"),
    };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["reason", "learnt"]);
    let done = transition(
        &project(),
        &TransitionAsk { to: Some(TakenOverByServices), reason: Some("Risque patrimonial".into()), learnt: None },
    )
    .unwrap();
    assert_eq!(done.closes_requests, Some(Resolution::TakenOverByServices));
    let ended = done.apply(&project(), Utc::now());
    assert!(ended.is_public(), "an outcome is public");
    assert!(done.request_reason(&ended).contains("repris par les services"));
}

#[test]
fn completing_closes_the_requests_done() {
    let running = Project { status: Running, ..diagnosed(ProjectWeight::Light, Vec::new()) };
    let done = transition(&running, &ask(Completed)).unwrap();
    assert_eq!(done.closes_requests, Some(Resolution::Done));
    assert_eq!(done.apply(&running, Utc::now()).ending.unwrap().outcome, crate::vocabulary::ProjectOutcome::Completed);
}

#[test]
fn a_heavy_project_with_an_open_risk_cannot_go_to_signature_and_each_open_risk_is_named() {
    let heavy = diagnosed(
        ProjectWeight::Heavy,
        vec![
            risk(ProjectRisk::Insurance, true),
            risk(ProjectRisk::Heritage, false),
            risk(ProjectRisk::ParticipantSafety, false),
        ],
    );
    let (rule, lacking) = rule_of(may_go_to_signature(&heavy.diagnostic).unwrap_err());
    assert_eq!(rule, Rule::OpenRisks);
    assert_eq!(lacking, ["diagnostic.risks[1]", "diagnostic.risks[2]"]);
    let resolved = diagnosed(ProjectWeight::Heavy, vec![risk(ProjectRisk::Heritage, true)]);
    assert!(may_go_to_signature(&resolved.diagnostic).is_ok());
    let light = diagnosed(ProjectWeight::Light, vec![risk(ProjectRisk::Heritage, false)]);
    assert!(may_go_to_signature(&light.diagnostic).is_ok(), "a light project's risks are the clauses' business");
    let (rule, _) = rule_of(may_go_to_signature(&project().diagnostic).unwrap_err());
    assert_eq!(rule, Rule::DiagnosticIncomplete);
}

#[test]
fn the_diagnostic_names_every_invalid_field_at_once() {
    let doc = DiagnosticDraft {
        weight: None,
        tasks: vec![TaskDraft { text: None, by: Some("\u{7}".into()) }],
        estimated_cost_cents: Some(-1),
        risks: vec![RiskDraft {
            kind: None,
            description: None,
            resolution: Some(ResolutionDraft { how: None, by: None, on: Some(day("2999-01-01")) }),
        }],
        notes: Some(" ".into()),
    };
    let errors = doc.parse(day("2026-12-07")).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "tasks[0].text",
            "tasks[0].by",
            "risks[0].kind",
            "risks[0].description",
            "risks[0].resolution.how",
            "risks[0].resolution.by",
            "risks[0].resolution.on",
            "estimated_cost_cents",
            "notes"
        ]
    );
}

#[test]
fn a_resolution_is_dated_today_by_default() {
    let doc = DiagnosticDraft {
        risks: vec![RiskDraft {
            resolution: Some(ResolutionDraft { on: None, ..risk(ProjectRisk::Conformity, true).resolution.unwrap() }),
            ..risk(ProjectRisk::Conformity, true)
        }],
        ..DiagnosticDraft::default()
    };
    let parsed = doc.parse(day("2026-12-07")).unwrap();
    assert_eq!(parsed.risks[0].resolution.as_ref().unwrap().on, day("2026-12-07"));
}

#[test]
fn a_diagnostic_never_undoes_what_the_status_needed() {
    let empty = project().diagnostic;
    let heavy_open = diagnosed(ProjectWeight::Heavy, vec![risk(ProjectRisk::Heritage, false)]).diagnostic;
    let heavy_resolved = diagnosed(ProjectWeight::Heavy, vec![risk(ProjectRisk::Heritage, true)]).diagnostic;
    assert!(lifecycle::may_record_diagnostic(Diagnosing, &empty).is_ok());
    let (rule, lacking) = rule_of(lifecycle::may_record_diagnostic(Drafting, &empty).unwrap_err());
    assert_eq!((rule, lacking.len()), (Rule::DiagnosticIncomplete, 2));
    assert!(lifecycle::may_record_diagnostic(Drafting, &heavy_open).is_ok(), "drafting may still weigh its risks");
    for status in [Signing, Running] {
        let (rule, lacking) = rule_of(lifecycle::may_record_diagnostic(status, &heavy_open).unwrap_err());
        assert_eq!((rule, lacking), (Rule::OpenRisks, vec!["diagnostic.risks[0]".to_owned()]));
        assert!(lifecycle::may_record_diagnostic(status, &heavy_resolved).is_ok());
    }
    for status in [Completed, Abandoned, TakenOverByServices] {
        assert_eq!(
            rule_of(lifecycle::may_record_diagnostic(status, &heavy_resolved).unwrap_err()).0,
            Rule::ProjectFinished
        );
    }
}

#[test]
fn a_project_is_public_from_signature_on_and_once_ended() {
    for status in ProjectStatus::ALL {
        let p = Project { status: *status, ..project() };
        assert_eq!(p.is_public(), !matches!(status, Diagnosing | Drafting), "{status}");
    }
}

#[test]
fn a_request_starts_a_project_when_qualified_or_in_a_fifty_fifty_of_no_project() {
    let id = RequestId::new();
    assert!(may_start(id, RequestStatus::Qualified, false).is_ok());
    assert!(may_start(id, RequestStatus::InFiftyFifty, false).is_ok());
    for status in
        RequestStatus::ALL.iter().filter(|s| !matches!(s, RequestStatus::Qualified | RequestStatus::InFiftyFifty))
    {
        let (rule, _) = rule_of(may_start(id, *status, false).unwrap_err());
        assert_eq!(rule, Rule::RequestNotAvailable);
    }
    let (rule, _) = rule_of(may_start(id, RequestStatus::InFiftyFifty, true).unwrap_err());
    assert_eq!(rule, Rule::RequestNotAvailable);
}

#[test]
fn history_entries_name_their_actor_and_statuses() {
    let p = project();
    let created = history::created(&p, Actor::Public);
    assert_eq!(created.to, Some(Diagnosing));
    let full = TransitionAsk { to: Some(TakenOverByServices), reason: Some("Trop risqué".into()), learnt: None };
    let event = transition(&p, &full).unwrap().event(&p, Actor::Public, Utc::now());
    assert_eq!((event.from, event.to), (Some(Diagnosing), Some(TakenOverByServices)));
    assert_eq!(event.resolution, Some(Resolution::TakenOverByServices));
}
