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

mod conventions {
    use super::super::convention::{
        ClauseDraft, CommitmentDraft, ContentDraft, PartyDraft, RepresentativeDraft, content_hash, default_clauses,
        draft,
    };
    use super::super::signature::{
        Attestations, Insurance, NotTheirs, SignatureDraft, Signer, SigningState, change_text, fully_signed,
        open_for_signature, sign, volunteers_cover,
    };
    use super::*;
    use crate::ids::AccountId;
    use crate::vocabulary::{CommitmentKind, ConventionStatus, PartyKind, UpkeepRecurrence};
    use sha2::Digest;

    fn commitment(kind: CommitmentKind, text: &str) -> CommitmentDraft {
        CommitmentDraft { kind: Some(kind), description: Some(text.into()), ..CommitmentDraft::default() }
    }

    fn party(kind: PartyKind, name: &str, account: Option<AccountId>) -> PartyDraft {
        PartyDraft {
            kind: Some(kind),
            name: Some(name.into()),
            representative: (kind != PartyKind::Individual)
                .then(|| RepresentativeDraft { name: Some("Jean Dupont".into()), capacity: Some("Président".into()) }),
            account,
            commitments: vec![commitment(CommitmentKind::Labour, "Transporter les déblais")],
            ..PartyDraft::default()
        }
    }

    /// The rural paths convention of annex A3, complete.
    fn rural_paths(farmer: AccountId) -> ContentDraft {
        let mut town = party(PartyKind::Municipality, "Commune de Loos-en-Gohelle", None);
        town.commitments = vec![CommitmentDraft {
            amount_cents: Some(1_250_000),
            ..commitment(CommitmentKind::Funding, "Acquisition des matériaux")
        }];
        ContentDraft {
            title: Some("Convention fifty-fifty tripartite pour la rénovation des chemins ruraux".into()),
            context: Some("Les chemins agricoles se dégradent fortement.".into()),
            purpose: Some("Rénover les chemins sur le principe du fifty-fifty.".into()),
            works: Some("Reprise des fonds de forme et surfaçage gravillonné.".into()),
            starts_on: Some(day("2018-06-04")),
            ends_on: Some(day("2018-06-15")),
            parties: vec![
                town,
                party(PartyKind::Association, "Association foncière de remembrement", None),
                party(PartyKind::Farm, "EARL du Marais", Some(farmer)),
            ],
            clauses: None,
        }
    }

    fn running_project(weight: ProjectWeight, risks: Vec<RiskDraft>) -> Project {
        Project { status: Drafting, ..diagnosed(weight, risks) }
    }

    fn insured(content: &super::super::Content, statutes: bool) -> Attestations {
        Attestations {
            insurance: content
                .parties
                .iter()
                .map(|p| Insurance {
                    party: p.id,
                    equipment: true,
                    bodily_injury: true,
                    civil_liability: true,
                    insurer: "MAIF".into(),
                    policy_number: "123".into(),
                    attested_on: day("2018-05-01"),
                    statutes_allow_work: (p.kind == PartyKind::Association).then_some(statutes),
                })
                .collect(),
            volunteers: Some(
                volunteers_cover(Some("Assurance accident des bénévoles par l'AFR"), None, day("2018-05-01")).unwrap(),
            ),
        }
    }

    #[test]
    fn a_content_takes_the_templates_without_clauses_and_names_what_signature_lacks() {
        let content = ContentDraft { title: Some("Convention".into()), ..ContentDraft::default() }
            .parse(None, &default_clauses())
            .unwrap();
        assert_eq!(content.clauses.len(), 4, "annex A3's articles 4 to 7");
        assert_eq!(content.clauses[3].title, "Caducité de la convention");
        let lacking: Vec<String> = content.missing().into_iter().map(|e| e.field).collect();
        assert_eq!(lacking, ["context", "purpose", "works", "starts_on", "ends_on", "parties", "parties"]);
        let full = rural_paths(AccountId::new()).parse(None, &default_clauses()).unwrap();
        assert!(full.missing().is_empty(), "{:?}", full.missing());
    }

    #[test]
    fn a_towns_clause_templates_need_one_clause_at_least_each_titled_and_written() {
        use super::super::convention::{ClauseTemplates, parse_templates};
        assert_eq!(ClauseTemplates::annex_a3().clauses, default_clauses());
        assert_eq!(ClauseTemplates::annex_a3().version, 0, "never written");
        let fields = |drafts: &[ClauseDraft]| -> Vec<String> {
            parse_templates(drafts).unwrap_err().0.into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(&[]), ["clauses"]);
        let untitled = ClauseDraft { title: None, text: Some("Texte".into()) };
        let blank = ClauseDraft { title: Some("Titre".into()), text: Some("  ".into()) };
        assert_eq!(fields(&[untitled, blank]), ["clauses[0].title", "clauses[1].text"]);
        let own = ClauseDraft { title: Some("Assurance".into()), text: Some("Chacun est assuré.".into()) };
        assert_eq!(parse_templates(&[own]).unwrap()[0].title, "Assurance");
    }

    #[test]
    fn every_invalid_field_of_a_content_is_named_at_once() {
        let bad = ContentDraft {
            title: None,
            starts_on: Some(day("2018-06-15")),
            ends_on: Some(day("2018-06-04")),
            parties: vec![
                PartyDraft {
                    kind: Some(PartyKind::Association),
                    named_publicly: Some(true),
                    commitments: vec![
                        CommitmentDraft {
                            kind: Some(CommitmentKind::Funding),
                            ..commitment(CommitmentKind::Funding, "x")
                        },
                        CommitmentDraft {
                            recurrence: Some(UpkeepRecurrence::Weekly),
                            ..commitment(CommitmentKind::Labour, "y")
                        },
                        commitment(CommitmentKind::Upkeep, "Arroser"),
                    ],
                    ..PartyDraft::default()
                },
                party(PartyKind::Municipality, "Commune", None),
                party(PartyKind::Municipality, "Commune bis", None),
            ],
            clauses: Some(vec![ClauseDraft { title: Some("Assurance".into()), text: None }]),
            ..ContentDraft::default()
        };
        let errors = bad.parse(None, &default_clauses()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "ends_on",
                "parties[0].name",
                "parties[0].named_publicly",
                "parties[0].commitments[0].amount_cents",
                "parties[0].commitments[1].recurrence",
                "parties[0].commitments[2].recurrence",
                "parties[2].kind",
                "clauses[0].text"
            ]
        );
    }

    #[test]
    fn ids_of_parties_and_commitments_are_kept_across_versions_and_unknown_ones_refused() {
        let first = rural_paths(AccountId::new()).parse(None, &default_clauses()).unwrap();
        let mut again = rural_paths(AccountId::new());
        again.parties[1].id = Some(first.parties[1].id);
        again.parties[1].commitments[0].id = Some(first.parties[1].commitments[0].id);
        let second = again.parse(Some(&first), &default_clauses()).unwrap();
        assert_eq!(second.parties[1].id, first.parties[1].id);
        assert_eq!(second.parties[1].commitments[0].id, first.parties[1].commitments[0].id);
        assert_ne!(second.parties[0].id, first.parties[0].id, "no id given: a new party");
        let mut unknown = rural_paths(AccountId::new());
        unknown.parties[0].id = Some(crate::ids::PartyId::new());
        let errors = unknown.parse(Some(&first), &default_clauses()).unwrap_err();
        assert_eq!(errors.0[0].field, "parties[0].id");
    }

    #[test]
    fn the_hash_is_that_of_the_documented_canonical_json_and_ignores_who_signs_online() {
        let content = ContentDraft {
            title: Some("Convention".into()),
            parties: vec![PartyDraft {
                id: None,
                kind: Some(PartyKind::Municipality),
                name: Some("Commune".into()),
                commitments: vec![commitment(CommitmentKind::Materials, "Des bacs")],
                ..PartyDraft::default()
            }],
            clauses: Some(Vec::new()),
            ..ContentDraft::default()
        }
        .parse(None, &default_clauses())
        .unwrap();
        let (party, item) = (content.parties[0].id, content.parties[0].commitments[0].id);
        let expected = format!(
            concat!(
                r#"{{"clauses":[],"context":null,"ends_on":null,"parties":[{{"commitments":[{{"amount_cents":null,"#,
                r#""description":"Des bacs","due_on":null,"id":"{item}","kind":"materials","quantity":null,"#,
                r#""recurrence":null}}],"id":"{party}","kind":"municipality","name":"Commune","representative":null}}],"#,
                r#""purpose":null,"schema":1,"starts_on":null,"title":"Convention","works":null}}"#
            ),
            item = item,
            party = party
        );
        let digest: String = sha2::Sha256::digest(expected.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(content_hash(&content), digest);
        let mut online = content.clone();
        online.parties[0].account = Some(AccountId::new());
        assert_eq!(content_hash(&online), digest, "who signs online is not part of the text");
    }

    #[test]
    fn an_amendment_without_clauses_keeps_the_texts_own() {
        let mut draft = rural_paths(AccountId::new());
        draft.clauses =
            Some(vec![ClauseDraft { title: Some("Entretien".into()), text: Some("Les haies sont taillées.".into()) }]);
        let first = draft.parse(None, &default_clauses()).unwrap();
        let again = rural_paths(AccountId::new()).parse(Some(&first), &default_clauses()).unwrap();
        assert_eq!(again.clauses, first.clauses);
    }

    #[test]
    fn the_hash_is_canonical_and_changes_with_any_word() {
        let content = rural_paths(AccountId::new()).parse(None, &default_clauses()).unwrap();
        let hash = content_hash(&content);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, content_hash(&content.clone()));
        let mut changed = content.clone();
        changed.works = Some("Reprise des fonds de forme.".into());
        assert_ne!(hash, content_hash(&changed));
    }

    fn opened(project: &Project) -> (super::super::Convention, super::super::Version, Attestations) {
        let content = rural_paths(AccountId::new()).parse(None, &default_clauses()).unwrap();
        let attestations = insured(&content, true);
        let (convention, version) = draft(project.municipality, project.id, content, Utc::now());
        let (convention, version) =
            open_for_signature(&convention, &version, project, &attestations, Utc::now()).unwrap();
        (convention, version, attestations)
    }

    #[test]
    fn opening_freezes_the_text_and_a_change_afterwards_is_an_amendment() {
        let project = running_project(ProjectWeight::Light, Vec::new());
        let content = rural_paths(AccountId::new()).parse(None, &default_clauses()).unwrap();
        let (convention, version) = draft(project.municipality, project.id, content.clone(), Utc::now());
        let mut edited = content.clone();
        edited.title = "Autre titre".into();
        let (same, in_place) = change_text(&convention, &version, &project, edited.clone(), Utc::now()).unwrap();
        assert_eq!((same.current_version, in_place.number), (1, 1), "a draft is edited in place");
        let (open, frozen) =
            open_for_signature(&same, &in_place, &project, &insured(&edited, true), Utc::now()).unwrap();
        assert_eq!(open.status, ConventionStatus::OpenForSignature);
        assert_eq!(frozen.content_hash.as_deref(), Some(content_hash(&edited).as_str()));
        let (amended, second) = change_text(&open, &frozen, &project, content, Utc::now()).unwrap();
        assert_eq!((amended.status, amended.current_version, second.number), (ConventionStatus::Draft, 2, 2));
        assert!(!second.is_frozen());
        let again = open_for_signature(&open, &frozen, &project, &insured(&edited, true), Utc::now()).unwrap_err();
        assert_eq!(rule_of(again).0, Rule::NotADraft);
    }

    #[test]
    fn opening_is_refused_for_an_incomplete_text_an_open_heavy_risk_uncovered_volunteers_or_unattested_statutes() {
        let light = running_project(ProjectWeight::Light, Vec::new());
        let incomplete = ContentDraft { title: Some("Convention".into()), ..ContentDraft::default() }
            .parse(None, &default_clauses())
            .unwrap();
        let (convention, version) = draft(light.municipality, light.id, incomplete, Utc::now());
        let refused =
            open_for_signature(&convention, &version, &light, &Attestations::default(), Utc::now()).unwrap_err();
        assert_eq!(rule_of(refused).0, Rule::ConventionIncomplete);

        let content = rural_paths(AccountId::new()).parse(None, &default_clauses()).unwrap();
        let heavy_open = running_project(ProjectWeight::Heavy, vec![risk(ProjectRisk::Heritage, false)]);
        let (convention, version) = draft(heavy_open.municipality, heavy_open.id, content.clone(), Utc::now());
        let refused =
            open_for_signature(&convention, &version, &heavy_open, &insured(&content, true), Utc::now()).unwrap_err();
        let (rule, lacking) = rule_of(refused);
        assert_eq!((rule, lacking), (Rule::OpenRisks, vec!["diagnostic.risks[0]".to_owned()]));

        let heavy = running_project(ProjectWeight::Heavy, vec![risk(ProjectRisk::Heritage, true)]);
        let uncovered = Attestations { volunteers: None, ..insured(&content, true) };
        let refused = open_for_signature(&convention, &version, &heavy, &uncovered, Utc::now()).unwrap_err();
        assert_eq!(rule_of(refused).0, Rule::VolunteersNotCovered);
        let refused =
            open_for_signature(&convention, &version, &heavy, &insured(&content, false), Utc::now()).unwrap_err();
        let (rule, lacking) = rule_of(refused);
        assert_eq!(
            (rule, lacking),
            (Rule::StatutesNotAttested, vec!["parties[1].insurance.statutes_allow_work".to_owned()])
        );
        assert!(open_for_signature(&convention, &version, &heavy, &insured(&content, true), Utc::now()).is_ok());
        assert!(
            open_for_signature(&convention, &version, &light, &Attestations::default(), Utc::now()).is_ok(),
            "light work: no volunteers' cover nor statutes needed to open"
        );
    }

    fn signer(actor: Actor, staff: bool, municipal: bool) -> Signer {
        Signer { actor, staff, municipal_signatory: municipal, mayor: municipal, name: None }
    }

    fn ask(party: crate::ids::PartyId, hash: &str, scan: Option<&str>) -> SignatureDraft {
        SignatureDraft {
            party: Some(party),
            content_hash: Some(hash.into()),
            scan_sha256: scan.map(str::to_owned),
            ..SignatureDraft::default()
        }
    }

    #[test]
    fn signatures_follow_the_rules_and_the_last_one_signs_the_convention() {
        let project = running_project(ProjectWeight::Light, Vec::new());
        let (convention, version, attestations) = opened(&project);
        let hash = version.content_hash.clone().unwrap();
        let (town, afr, farm) =
            (version.content.parties[0].id, version.content.parties[1].id, version.content.parties[2].id);
        let farmer = Actor::Account(version.content.parties[2].account.unwrap());
        let agent = Actor::Account(AccountId::new());
        let today = day("2018-06-01");
        let scan = "a".repeat(64);
        let go = |signed: &[Signature], draft: &SignatureDraft, who: Signer, attestations: &Attestations| {
            let state =
                SigningState { project: &project, convention: &convention, current: &version, signed, attestations };
            sign(&state, draft, who, today, Utc::now())
        };
        // A stale hash, an agent signing for the town, a paper signature without its scan.
        let stale =
            go(&[], &ask(farm, &"b".repeat(64), None), signer(farmer, false, false), &attestations).unwrap_err();
        assert_eq!(rule_of(stale).0, Rule::StaleHash);
        assert!(matches!(
            go(&[], &ask(town, &hash, None), signer(agent, true, false), &attestations),
            Ok(Err(NotTheirs(_)))
        ));
        assert!(matches!(
            go(&[], &ask(afr, &hash, None), signer(agent, true, false), &attestations),
            Ok(Err(NotTheirs(_)))
        ));
        // Insurance first.
        let uninsured =
            go(&[], &ask(farm, &hash, None), signer(farmer, false, false), &Attestations::default()).unwrap_err();
        assert_eq!(rule_of(uninsured).0, Rule::InsuranceNotAttested);

        let (first, all) =
            go(&[], &ask(farm, &hash, None), signer(farmer, false, false), &attestations).unwrap().unwrap();
        assert!(!all);
        assert_eq!(first.signatory, "Jean Dupont", "the representative by default");
        let twice =
            go(std::slice::from_ref(&first), &ask(farm, &hash, None), signer(farmer, false, false), &attestations)
                .unwrap_err();
        assert_eq!(rule_of(twice).0, Rule::AlreadySigned);
        let (second, all) =
            go(std::slice::from_ref(&first), &ask(afr, &hash, Some(&scan)), signer(agent, true, false), &attestations)
                .unwrap()
                .unwrap();
        assert!(!all && second.scan_sha256.is_some());
        let mayor = Actor::Account(AccountId::new());
        let (_, all) =
            go(&[first, second], &ask(town, &hash, None), signer(mayor, true, true), &attestations).unwrap().unwrap();
        assert!(all);
        let signed = fully_signed(&convention, Utc::now());
        assert_eq!((signed.status, signed.signed_version), (ConventionStatus::Signed, Some(1)));
        assert!(signed.is_public());
        assert_eq!(signed.shown_status(Some(day("2018-06-04")), day("2018-06-03")), ConventionStatus::Signed);
        assert_eq!(signed.shown_status(Some(day("2018-06-04")), day("2018-06-04")), ConventionStatus::Active);
    }

    #[test]
    fn a_signature_needs_the_convention_open_and_names_every_invalid_field() {
        let project = running_project(ProjectWeight::Light, Vec::new());
        let (convention, version, attestations) = opened(&project);
        let bad = SignatureDraft {
            party: None,
            content_hash: Some("XYZ".into()),
            scan_sha256: Some("1".into()),
            ..SignatureDraft::default()
        };
        let who = signer(Actor::Public, false, false);
        let state = SigningState {
            project: &project,
            convention: &convention,
            current: &version,
            signed: &[],
            attestations: &attestations,
        };
        match sign(&state, &bad, who.clone(), day("2018-06-01"), Utc::now()).unwrap_err() {
            Refusal::Invalid(errors) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["party", "content_hash", "scan_sha256"]);
            }
            other => panic!("{other:?}"),
        }
        let hash = version.content_hash.clone().unwrap();
        let party = version.content.parties[2].id;
        // A draft (not frozen), and a version every party signed already: neither takes signatures.
        let unfrozen = super::super::Version { content_hash: None, ..version.clone() };
        let signed = fully_signed(&convention, Utc::now());
        for (convention, current) in [(&convention, &unfrozen), (&signed, &version)] {
            let state =
                SigningState { project: &project, convention, current, signed: &[], attestations: &attestations };
            let refused =
                sign(&state, &ask(party, &hash, None), who.clone(), day("2018-06-01"), Utc::now()).unwrap_err();
            assert_eq!(rule_of(refused).0, Rule::NotOpenForSignature);
        }
        let ended = Project { status: Abandoned, ..project.clone() };
        let state = SigningState {
            project: &ended,
            convention: &convention,
            current: &version,
            signed: &[],
            attestations: &attestations,
        };
        let refused = sign(&state, &ask(party, &hash, None), who, day("2018-06-01"), Utc::now()).unwrap_err();
        assert_eq!(rule_of(refused).0, Rule::ProjectFinished, "an ended project takes no signature");
    }

    #[test]
    fn a_heavy_project_weighed_after_opening_needs_its_cover_at_each_signature() {
        let light = running_project(ProjectWeight::Light, Vec::new());
        let (convention, version, _) = opened(&light);
        let heavy = Project {
            status: Signing,
            ..running_project(ProjectWeight::Heavy, vec![risk(ProjectRisk::Heritage, true)])
        };
        let uncovered = Attestations { volunteers: None, ..insured(&version.content, true) };
        let farmer = Actor::Account(version.content.parties[2].account.unwrap());
        let hash = version.content_hash.clone().unwrap();
        let state = SigningState {
            project: &heavy,
            convention: &convention,
            current: &version,
            signed: &[],
            attestations: &uncovered,
        };
        let refused = sign(
            &state,
            &ask(version.content.parties[2].id, &hash, None),
            signer(farmer, false, false),
            day("2018-06-01"),
            Utc::now(),
        )
        .unwrap_err();
        assert_eq!(rule_of(refused).0, Rule::VolunteersNotCovered);
    }

    #[test]
    fn an_amendment_of_a_signed_convention_keeps_it_in_force() {
        let project = Project { status: Running, ..running_project(ProjectWeight::Light, Vec::new()) };
        let (convention, version, attestations) = opened(&Project { status: Drafting, ..project.clone() });
        let signed = fully_signed(&convention, Utc::now());
        let mut changed = version.content.clone();
        changed.works = Some("Autres travaux".into());
        let (amended, second) = change_text(&signed, &version, &project, changed, Utc::now()).unwrap();
        assert_eq!(
            (amended.status, amended.signed_version, amended.current_version),
            (ConventionStatus::Signed, Some(1), 2)
        );
        let (opened_again, frozen) =
            open_for_signature(&amended, &second, &project, &attestations, Utc::now()).unwrap();
        assert_eq!(opened_again.status, ConventionStatus::Signed, "version 1 stays in force while 2 is signed");
        assert!(frozen.is_frozen());
    }

    #[test]
    fn a_version_is_read_by_staff_its_parties_accounts_and_tools_and_once_signed_by_all_anyone() {
        use super::super::readers::{Readers, may_read};
        let project = running_project(ProjectWeight::Light, Vec::new());
        let (_, mut version, _) = opened(&project);
        let afr = crate::ids::OrganisationId::new();
        version.content.parties[1].organisation = Some(afr);
        let farmer = version.content.parties[2].account.unwrap();
        let stranger = Readers::Account(AccountId::new());
        let afr_tool = Readers::Organisation { organisation: afr, records: false };
        let other_tool = Readers::Organisation { organisation: crate::ids::OrganisationId::new(), records: true };
        assert!(may_read(&version, &[], Readers::All));
        assert!(may_read(&version, &[], Readers::Account(farmer)), "the party signing it");
        assert!(may_read(&version, &[], afr_tool), "the tool of an organisation party to it");
        assert!(!may_read(&version, &[], stranger) && !may_read(&version, &[], Readers::Public));
        assert!(!may_read(&version, &[], other_tool), "another organisation's tool");
        let mut draft = version.clone();
        (draft.frozen_at, draft.content_hash) = (None, None);
        assert!(
            !may_read(&draft, &[], afr_tool) && !may_read(&draft, &[], Readers::Account(farmer)),
            "a draft: staff's"
        );
        let all: Vec<Signature> = version
            .content
            .parties
            .iter()
            .map(|p| Signature {
                convention: version.convention,
                version: version.number,
                party: p.id,
                content_hash: version.content_hash.clone().unwrap(),
                signatory: "X".into(),
                capacity: "Y".into(),
                signed_on: day("2018-06-01"),
                recorded_by: Actor::Public,
                scan_sha256: None,
                recorded_at: Utc::now(),
            })
            .collect();
        assert!(may_read(&version, &all, Readers::Public), "signed by every party: public");
        assert!(!may_read(&version, &all[..2], Readers::Public), "not by every party: not public");
    }

    #[test]
    fn readers_follow_the_standing_and_a_tool_acts_for_its_organisation_with_a_projects_scope() {
        use super::super::readers::Readers;
        use crate::identity::{Scope, Standing};
        let (account, org) = (AccountId::new(), crate::ids::OrganisationId::new());
        let tool = |scopes: Vec<Scope>| Standing::Client { client: crate::ids::MachineClientId::new(), scopes };
        assert_eq!(Readers::of(&Standing::Staff(account), None), Readers::All);
        assert_eq!(Readers::of(&Standing::Inhabitant(account), Some(org)), Readers::Account(account));
        assert_eq!(Readers::of(&Standing::Public, Some(org)), Readers::Public);
        assert_eq!(
            Readers::of(&tool(vec![Scope::ProjectsRead]), Some(org)),
            Readers::Organisation { organisation: org, records: false }
        );
        assert_eq!(
            Readers::of(&tool(vec![Scope::ProjectsRead, Scope::ProjectsWrite]), Some(org)),
            Readers::Organisation { organisation: org, records: true }
        );
        assert_eq!(Readers::of(&tool(vec![Scope::ProjectsRead]), None), Readers::Public, "a tool of no organisation");
        assert_eq!(Readers::of(&tool(vec![Scope::RequestsRead]), Some(org)), Readers::Public, "no projects scope");
    }

    #[test]
    fn a_tool_records_its_own_commitments_only_and_never_that_the_services_stepped_in() {
        use super::super::follow_up::{Fulfilment, FulfilmentDraft};
        use super::super::readers::{Readers, fulfilment_by};
        use crate::vocabulary::CommitmentFulfilment;
        let project = running_project(ProjectWeight::Light, Vec::new());
        let (_, mut version, _) = opened(&project);
        let afr = crate::ids::OrganisationId::new();
        version.content.parties[1].organisation = Some(afr);
        let (theirs, town) =
            (version.content.parties[1].commitments[0].id, version.content.parties[0].commitments[0].id);
        let done = FulfilmentDraft { status: Some(CommitmentFulfilment::Fulfilled), ..FulfilmentDraft::default() };
        let writer = Readers::Organisation { organisation: afr, records: true };
        let recorded = fulfilment_by(writer, &version, theirs, &done, None).unwrap();
        assert_eq!(recorded.services_stepped_in, Some(false), "what the services said is kept (nothing yet)");
        assert!(fulfilment_by(writer, &version, town, &done, None).is_err(), "the town's commitment");
        let reader = Readers::Organisation { organisation: afr, records: false };
        assert!(fulfilment_by(reader, &version, theirs, &done, None).is_err(), "projects:read only");
        let other = Readers::Organisation { organisation: crate::ids::OrganisationId::new(), records: true };
        assert!(fulfilment_by(other, &version, theirs, &done, None).is_err(), "another organisation");
        let farmer = Readers::Account(version.content.parties[2].account.unwrap());
        assert!(fulfilment_by(farmer, &version, theirs, &done, None).is_err(), "a party's account: staff record it");
        let stepped = FulfilmentDraft { services_stepped_in: Some(true), ..done.clone() };
        assert!(fulfilment_by(writer, &version, theirs, &stepped, None).is_err(), "the services' word");
        let noted = FulfilmentDraft { notes: Some("Fait.".into()), ..done.clone() };
        assert!(fulfilment_by(writer, &version, theirs, &noted, None).is_err(), "the services' notes");
        let before = Fulfilment {
            commitment: theirs,
            status: CommitmentFulfilment::NotFulfilled,
            on: None,
            notes: Some("Les services ont étalé les graviers.".into()),
            services_stepped_in: true,
        };
        let kept = fulfilment_by(writer, &version, theirs, &done, Some(&before)).unwrap();
        assert_eq!(kept.services_stepped_in, Some(true), "a tool's record keeps what the services said");
        assert_eq!(kept.notes, before.notes, "and their notes");
        assert_eq!(
            fulfilment_by(Readers::All, &version, town, &stepped, None).unwrap().services_stepped_in,
            Some(true)
        );
    }

    #[test]
    fn insurance_is_attested_by_staff_or_the_partys_own_account() {
        use super::super::readers::{Readers, may_attest_for};
        let project = running_project(ProjectWeight::Light, Vec::new());
        let (_, version, _) = opened(&project);
        let (afr, farm) = (&version.content.parties[1], &version.content.parties[2]);
        let farmer = Readers::Account(farm.account.unwrap());
        assert!(may_attest_for(Readers::All, afr).is_ok());
        assert!(may_attest_for(farmer, farm).is_ok(), "its own");
        assert!(may_attest_for(farmer, afr).is_err(), "another party's");
        assert!(may_attest_for(Readers::Account(AccountId::new()), farm).is_err());
        assert!(may_attest_for(Readers::Public, farm).is_err());
    }

    use super::super::signature::Signature;
}

mod follow_ups {
    use super::super::convention::{CommitmentDraft, ContentDraft, PartyDraft, default_clauses};
    use super::super::follow_up::{
        EndingAsk, FulfilmentDraft, ParticipantDraft, PartyCostDraft, costs, end, may_follow, participants,
    };
    use super::*;
    use crate::vocabulary::{CommitmentFulfilment, CommitmentKind, ConventionStatus, PartyKind, UpkeepRecurrence};

    fn content() -> super::super::Content {
        let party = |kind, name: &str, commitment: CommitmentDraft| PartyDraft {
            kind: Some(kind),
            name: Some(name.into()),
            commitments: vec![commitment],
            ..PartyDraft::default()
        };
        ContentDraft {
            title: Some("Bacs".into()),
            parties: vec![
                party(
                    PartyKind::Municipality,
                    "Commune",
                    CommitmentDraft {
                        kind: Some(CommitmentKind::Materials),
                        description: Some("Bacs".into()),
                        ..Default::default()
                    },
                ),
                party(
                    PartyKind::InformalGroup,
                    "Voisins",
                    CommitmentDraft {
                        kind: Some(CommitmentKind::Upkeep),
                        description: Some("Arroser".into()),
                        recurrence: Some(UpkeepRecurrence::Weekly),
                        ..Default::default()
                    },
                ),
            ],
            ..ContentDraft::default()
        }
        .parse(None, &default_clauses())
        .unwrap()
    }

    fn signed() -> super::super::Convention {
        let project = project();
        let (convention, _) = super::super::convention::draft(project.municipality, project.id, content(), Utc::now());
        super::super::signature::fully_signed(&convention, Utc::now())
    }

    #[test]
    fn an_upkeep_not_kept_erodes_and_only_upkeep_is_taken_over_by_the_services() {
        let c = content();
        let (materials, upkeep) = (c.parties[0].commitments[0].id, c.parties[1].commitments[0].id);
        let today = day("2026-12-07");
        let not_kept = FulfilmentDraft {
            status: Some(CommitmentFulfilment::NotFulfilled),
            services_stepped_in: Some(true),
            ..FulfilmentDraft::default()
        };
        let eroded = not_kept.parse(&c, upkeep, today).unwrap().unwrap();
        assert!(eroded.eroded(CommitmentKind::Upkeep) && eroded.services_stepped_in);
        let partly =
            FulfilmentDraft { status: Some(CommitmentFulfilment::PartlyFulfilled), ..FulfilmentDraft::default() };
        assert!(partly.parse(&c, upkeep, today).unwrap().unwrap().eroded(CommitmentKind::Upkeep));
        let errors = not_kept.parse(&c, materials, today).unwrap().unwrap_err();
        assert_eq!(errors.0[0].field, "services_stepped_in");
        let kept_anyway = FulfilmentDraft { status: Some(CommitmentFulfilment::Fulfilled), ..not_kept.clone() };
        assert_eq!(kept_anyway.parse(&c, upkeep, today).unwrap().unwrap_err().0[0].field, "services_stepped_in");
        assert!(not_kept.parse(&c, crate::ids::CommitmentId::new(), today).is_none(), "no such commitment");
        let future = FulfilmentDraft { on: Some(day("2027-01-01")), ..not_kept };
        assert_eq!(future.parse(&c, upkeep, today).unwrap().unwrap_err().0[0].field, "on");
    }

    #[test]
    fn participants_are_named_with_consent_and_counted_at_least() {
        let today = day("2026-12-07");
        let named = ParticipantDraft { name: Some("Camille".into()), consent: Some(true) };
        let list = participants(&[named.clone(), named], Some(70), today).unwrap();
        assert_eq!(list.at_least(), 70);
        let list = participants(&[ParticipantDraft { name: Some("Camille".into()), consent: Some(true) }], None, today)
            .unwrap();
        assert_eq!(list.at_least(), 1);
        let errors = participants(&[ParticipantDraft { name: None, consent: None }], Some(-1), today).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["registered[0].name", "registered[0].consent", "open_events_low_bound"]);
    }

    #[test]
    fn costs_add_up_per_party_and_overall_each_party_once() {
        let c = content();
        let (a, b) = (c.parties[0].id, c.parties[1].id);
        let drafts = [
            PartyCostDraft { party: Some(a), planned_cents: Some(1_250_000), actual_cents: Some(1_198_000) },
            PartyCostDraft { party: Some(b), planned_cents: Some(750_000), actual_cents: None },
        ];
        let parsed =
            costs(&c, &drafts, Some((Some(20_000_000), Some("Enrobé".into()))), Some((Some(1000), Some("m".into()))))
                .unwrap();
        assert_eq!(parsed.achieved.as_ref().unwrap().quantity, 1000);
        assert_eq!(parsed.totals(), (2_000_000, 1_198_000));
        assert_eq!(parsed.comparison.unwrap().conventional_cents, 20_000_000);
        let twice = [
            PartyCostDraft { party: Some(a), ..Default::default() },
            PartyCostDraft { party: Some(a), ..Default::default() },
        ];
        assert_eq!(costs(&c, &twice, None, None).unwrap_err().0[0].field, "parties[1].party");
        let negative = [PartyCostDraft { party: Some(a), planned_cents: Some(-1), actual_cents: None }];
        assert_eq!(costs(&c, &negative, Some((None, None)), Some((Some(-1), None))).unwrap_err().0.len(), 5);
    }

    #[test]
    fn a_convention_ends_once_signed_completed_lapsed_with_its_breach_or_terminated_with_a_reason() {
        let today = day("2026-12-07");
        let project = project();
        let (draft, _) = super::super::convention::draft(project.municipality, project.id, content(), Utc::now());
        assert_eq!(rule_of(may_follow(&draft).unwrap_err()).0, Rule::NotSigned);
        let convention = signed();
        let done = end(
            &convention,
            &EndingAsk { to: Some(ConventionStatus::Completed), ..Default::default() },
            7,
            today,
            Utc::now(),
        );
        assert_eq!(done.unwrap().0.status, ConventionStatus::Completed);
        let lapse = EndingAsk { to: Some(ConventionStatus::Lapsed), breach_article: Some(8), ..Default::default() };
        match end(&convention, &lapse, 7, today, Utc::now()).unwrap_err() {
            Refusal::Invalid(errors) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["breach.article", "breach.description", "breach.recorded_by"]);
            }
            other => panic!("{other:?}"),
        }
        let breach = EndingAsk {
            to: Some(ConventionStatus::Lapsed),
            breach_article: Some(1),
            breach_description: Some("Jamais arrosés".into()),
            breach_recorded_by: Some("Services".into()),
            ..Default::default()
        };
        let (lapsed, closing) = end(&convention, &breach, 7, today, Utc::now()).unwrap();
        assert_eq!((lapsed.status, closing.breach.unwrap().on), (ConventionStatus::Lapsed, today));
        let bare = EndingAsk { to: Some(ConventionStatus::Terminated), ..Default::default() };
        assert!(matches!(end(&convention, &bare, 7, today, Utc::now()), Err(Refusal::Invalid(_))));
        let ended = super::super::Convention { status: ConventionStatus::Completed, ..convention };
        assert_eq!(rule_of(may_follow(&ended).unwrap_err()).0, Rule::ConventionEnded);
    }
}

mod renewals {
    use super::super::convention::{ContentDraft, default_clauses};
    use super::super::renewal::{RenewalDraft, renew};
    use super::super::signature::fully_signed;
    use super::*;
    use crate::vocabulary::ConventionStatus;

    #[test]
    fn a_completed_convention_renews_into_next_years_draft_once() {
        let previous = Project { status: Completed, ..diagnosed(ProjectWeight::Heavy, Vec::new()) };
        let text = ContentDraft {
            title: Some("Chemins 2018".into()),
            starts_on: Some(day("2018-06-04")),
            ends_on: Some(day("2018-06-15")),
            ..ContentDraft::default()
        }
        .parse(None, &default_clauses())
        .unwrap();
        let (draft, _) = super::super::convention::draft(previous.municipality, previous.id, text.clone(), Utc::now());
        let signed = fully_signed(&draft, Utc::now());
        let ask = RenewalDraft {
            title: Some("Chemins 2019".into()),
            starts_on: Some(day("2019-06-03")),
            ends_on: Some(day("2019-06-14")),
        };
        assert_eq!(
            rule_of(renew(&previous, &signed, &text, false, &ask, Utc::now()).unwrap_err()).0,
            Rule::NotCompleted
        );
        let completed = super::super::Convention { status: ConventionStatus::Completed, ..signed };
        assert_eq!(
            rule_of(renew(&previous, &completed, &text, true, &ask, Utc::now()).unwrap_err()).0,
            Rule::AlreadyRenewed
        );
        let (next, content) = renew(&previous, &completed, &text, false, &ask, Utc::now()).unwrap();
        assert_eq!((next.status, next.renews, next.version), (Drafting, Some(previous.id), 1));
        assert_eq!(next.diagnostic, previous.diagnostic);
        assert_eq!((content.starts_on, content.ends_on), (Some(day("2019-06-03")), Some(day("2019-06-14"))));
        let overlapping = RenewalDraft { starts_on: Some(day("2018-06-10")), ends_on: None, title: None };
        match renew(&previous, &completed, &text, false, &overlapping, Utc::now()).unwrap_err() {
            Refusal::Invalid(errors) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["title", "starts_on", "ends_on"]);
            }
            other => panic!("{other:?}"),
        }
    }
}

mod directory {
    use super::super::convention::{PartyDraft, RepresentativeDraft};
    use super::super::organisation::{OrganisationDraft, fill_party};
    use super::*;
    use crate::vocabulary::PartyKind;

    fn afr() -> OrganisationDraft {
        OrganisationDraft {
            name: Some("AFR".into()),
            kind: Some(PartyKind::Association),
            representative: Some(RepresentativeDraft {
                name: Some("Le président".into()),
                capacity: Some("Président".into()),
            }),
            public: None,
        }
    }

    #[test]
    fn the_directory_lists_organisations_not_the_town_nor_people_and_keeps_their_kind() {
        let listed = afr().parse(MunicipalityId::new(), Utc::now()).unwrap();
        assert!(!listed.public, "listed publicly only once it agreed");
        for kind in [PartyKind::Municipality, PartyKind::Individual] {
            let errors =
                OrganisationDraft { kind: Some(kind), ..afr() }.parse(MunicipalityId::new(), Utc::now()).unwrap_err();
            assert_eq!(errors.0[0].field, "kind");
        }
        let errors = OrganisationDraft::default().parse(MunicipalityId::new(), Utc::now()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind"]);
        let consent = OrganisationDraft { public: Some(true), ..OrganisationDraft::default() };
        let changed = consent.apply(&listed, Utc::now()).unwrap();
        assert!(changed.public && changed.name == "AFR" && changed.representative.is_some());
        let other_kind = OrganisationDraft { kind: Some(PartyKind::Farm), ..OrganisationDraft::default() };
        assert_eq!(other_kind.apply(&listed, Utc::now()).unwrap_err().0[0].field, "kind");
    }

    #[test]
    fn a_party_drawn_from_the_directory_takes_what_it_leaves_out() {
        let listed = afr().parse(MunicipalityId::new(), Utc::now()).unwrap();
        let mut party = PartyDraft { organisation: Some(listed.id), ..PartyDraft::default() };
        let mut errors = Default::default();
        fill_party(&mut party, &listed, "parties[0]", &mut errors);
        assert_eq!((party.kind, party.name.as_deref()), (Some(PartyKind::Association), Some("AFR")));
        assert_eq!(party.representative.unwrap().name.as_deref(), Some("Le président"));
        let mut named =
            PartyDraft { name: Some("AFR de Loos".into()), kind: Some(PartyKind::Farm), ..PartyDraft::default() };
        let mut errors = crate::error::ValidationErrors::default();
        fill_party(&mut named, &listed, "parties[1]", &mut errors);
        assert_eq!(named.name.as_deref(), Some("AFR de Loos"), "what it gives stays");
        assert_eq!(errors.0[0].field, "parties[1].kind");
    }
}
