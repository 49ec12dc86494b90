//! Demo fifty-fifty projects (§5.6.4, §6.3, annex A3): the rural paths renovated with the farmers
//! (a coproduction process, a heavy project whose risks were resolved, annex A3's tripartite
//! convention attested and signed by its three parties, 4 to 15 June 2018); and the football
//! shelters the club asked for — heavy (a concrete slab on a UNESCO-listed square), with the
//! heritage architect's review, the club's statutes and the volunteers' safety still open — taken
//! over by the services. Written through the use cases; loaded once (a town that has projects is
//! left as it is).

use crate::UseCaseError;
use crate::conventions::convention::{self, Attesting, Following};
use crate::conventions::{self, ProjectInput};
use crate::participation::ProcessInput;
use crate::requests::RoutingCodes;
use chrono::NaiveDate;
use implication_domain::AccountId;
use implication_domain::Precondition;
use implication_domain::conventions::convention::{CommitmentDraft, ContentDraft, PartyDraft, RepresentativeDraft};
use implication_domain::conventions::diagnostic::ResolutionDraft;
use implication_domain::conventions::follow_up::{EndingAsk, FulfilmentDraft, PartyCostDraft};
use implication_domain::conventions::organisation::OrganisationDraft;
use implication_domain::conventions::renewal::RenewalDraft;
use implication_domain::conventions::signature::{InsuranceDraft, SignatureDraft};
use implication_domain::conventions::{
    CarrierDraft, DiagnosticDraft, ProjectDraft, RiskDraft, TaskDraft, TransitionAsk,
};
use implication_domain::identity::{Email, Standing};
use implication_domain::participation::{PerimeterDraft, ProcessDraft};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::{
    CommitmentFulfilment, CommitmentKind, ConventionStatus, ParticipationLevel, PartyKind, PerimeterKind,
    UpkeepRecurrence,
};
use implication_domain::vocabulary::{ProjectRisk, ProjectStatus, ProjectWeight, RequestStatus, RequesterKind};
use implication_domain::{Municipality, time};
use implication_storage::Database;
use implication_storage::identity::accounts;
// Reads only: every write goes through the use cases.
use implication_storage::conventions::{self as store, Filter};
use implication_storage::requests::{self as request_store, Sort};

/// The land consolidation association of annex A3 (its tool is a demo client).
pub const AFR: &str = "Association foncière de remembrement de Loos-en-Gohelle";

const SHELTERS: &str = "Nouveaux abris pour les joueurs de football";

/// Records `following` on `current`, at its version, as the demo agent; the convention as written.
async fn follow(
    db: &Database,
    agent: Actor,
    municipality: &Municipality,
    current: &implication_domain::conventions::Convention,
    following: &Following,
) -> Result<implication_domain::conventions::Convention, crate::UseCaseError> {
    let at = Precondition::at(current.version);
    Ok(convention::follow(db, &staff(agent), municipality, current.id, at, following).await?.0)
}

/// The demo agent's standing: staff.
fn staff(agent: Actor) -> Standing {
    match agent {
        Actor::Account(id) => Standing::Staff(id),
        _ => Standing::Public,
    }
}

pub async fn load(db: &Database, municipality: &Municipality, agent: Actor) -> anyhow::Result<()> {
    if municipality.slug.as_str() != "loos-en-gohelle" {
        return Ok(());
    }
    let existing = store::list(db, municipality.id, &Filter::default(), 1, None).await?;
    if !existing.items.is_empty() {
        return Ok(());
    }
    football_shelters(db, municipality, agent).await.map_err(|e| anyhow::anyhow!("demo football shelters: {e}"))?;
    let elected = Email::parse("email", "elected@loos-en-gohelle.demo").map_err(|e| anyhow::anyhow!(e.message))?;
    let elected = accounts::find_with_password_by_email(db, &elected)
        .await?
        .map(|(account, _)| account.id)
        .ok_or_else(|| anyhow::anyhow!("the demo elected official of Loos is missing"))?;
    rural_paths(db, municipality, agent, elected).await.map_err(|e| anyhow::anyhow!("demo rural paths: {e}"))?;
    flower_boxes(db, municipality, agent, elected).await.map_err(|e| anyhow::anyhow!("demo flower boxes: {e}"))?;
    Ok(())
}

fn party(kind: PartyKind, name: &str, representative: (&str, &str), commitments: Vec<CommitmentDraft>) -> PartyDraft {
    PartyDraft {
        kind: Some(kind),
        name: text(name),
        representative: Some(RepresentativeDraft { name: text(representative.0), capacity: text(representative.1) }),
        commitments,
        ..PartyDraft::default()
    }
}

fn commitment(kind: CommitmentKind, description: &str, amount_cents: Option<i64>) -> CommitmentDraft {
    CommitmentDraft { kind: Some(kind), description: text(description), amount_cents, ..CommitmentDraft::default() }
}

/// Annex A3's convention, as the town and its farmers signed it in May 2018.
fn annex_a3() -> ContentDraft {
    use CommitmentKind::*;
    ContentDraft {
        title: text(
            "Convention fifty-fifty tripartite pour la rénovation des voies communales et des chemins de l'AFR à \
usage agricole",
        ),
        context: text(
            "Il est constaté que les chemins agricoles du domaine public ou du domaine privé de la Commune ou de \
l'Association foncière de remembrement sur le territoire de la ville de Loos-en-Gohelle se dégradent fortement. Cette \
dégradation est due essentiellement à l'usage des engins agricoles. Il est donc convenu d'un commun accord de rénover \
ces chemins sur le principe du fifty-fifty instauré par la Ville de Loos-en-Gohelle.",
        ),
        purpose: text("La rénovation des voies communales et des chemins de l'AFR à usage agricole."),
        works: text(
            "Les travaux consistent à rénover les chemins agricoles dégradés par la reprise des fonds de forme et par \
un surfaçage gravillonné et compacté. Les matériaux sont fournis par un négociant de Mazingarbe. L'exploitation agricole \
est tenue de transporter les déblais et les remblais avec un matériel adapté, et éventuellement de mettre à disposition \
un matériel de manutention ou autre.",
        ),
        starts_on: NaiveDate::from_ymd_opt(2018, 6, 4),
        ends_on: NaiveDate::from_ymd_opt(2018, 6, 15),
        parties: vec![
            party(
                PartyKind::Municipality,
                "Commune de Loos-en-Gohelle",
                ("Jean-François Caron", "Maire"),
                vec![
                    commitment(Funding, "Acquisition des matériaux", Some(1_250_000)),
                    commitment(Equipment, "Location des engins de travaux avec ou sans chauffeur", None),
                    commitment(
                        StaffTime,
                        "Mise à disposition de personnels communaux pour la coordination, la conduite d'engins de \
location et d'éventuels menus travaux",
                        None,
                    ),
                ],
            ),
            party(
                PartyKind::Association,
                AFR,
                ("Le président de l'AFR", "Président"),
                vec![
                    commitment(Funding, "Acquisition des matériaux", Some(750_000)),
                    commitment(Equipment, "Location des engins de travaux avec ou sans chauffeur", None),
                ],
            ),
            party(
                PartyKind::Farm,
                "EARL du Marais",
                ("L'exploitant de l'EARL du Marais", "Exploitant agricole"),
                vec![
                    commitment(EquipmentWithDriver, "Un tracteur et une benne avec chauffeur", None),
                    commitment(Labour, "Transport des déblais et des remblais", None),
                ],
            ),
        ],
        clauses: None,
    }
}

/// The rural paths, 2018: a coproduction with the farmers, a heavy project whose risks were
/// resolved, annex A3's convention attested and signed by its three parties.
async fn rural_paths(
    db: &Database,
    municipality: &Municipality,
    agent: Actor,
    elected: AccountId,
) -> Result<(), UseCaseError> {
    let process = ProcessInput {
        draft: ProcessDraft {
            subject: text("Les chemins ruraux avec les agriculteurs"),
            description: text(
                "Les chemins entre les champs sont défoncés ; leur rénovation en enrobé coûterait environ 100 000 € \
les 500 m. Les agriculteurs et les services techniques cherchent ensemble une technique et une organisation.",
            ),
            perimeter: Some(PerimeterDraft {
                kind: Some(PerimeterKind::Neighbourhoods),
                neighbourhoods: vec!["secteur-rural".to_owned()],
                streets: Vec::new(),
            }),
            level: Some(ParticipationLevel::Coproduction),
            requests: Vec::new(),
        },
        routing: RoutingCodes {
            delegation: Some("travaux-et-urbanisme".to_owned()),
            services: vec!["services-techniques".to_owned()],
        },
    };
    let process = crate::participation::create(db, agent, municipality, &process).await?;
    let input = ProjectInput {
        draft: ProjectDraft {
            title: text("Rénovation des chemins ruraux 2018"),
            description: text("Un kilomètre de chemins rénové chaque année, les agriculteurs choisissant l'ordre."),
            requests: Vec::new(),
            process: Some(process.id),
            carriers: Some(vec![
                CarrierDraft {
                    kind: Some(RequesterKind::Association),
                    name: text(AFR),
                    interest: text("Des chemins praticables pour les engins agricoles."),
                },
                CarrierDraft { kind: Some(RequesterKind::Farm), name: text("EARL du Marais"), interest: None },
            ]),
        },
        routing: None,
    };
    let project = conventions::create(db, agent, municipality, &input).await?;
    let resolved = |how: &str, by: &str| {
        Some(ResolutionDraft { how: text(how), by: text(by), on: NaiveDate::from_ymd_opt(2018, 5, 15) })
    };
    let diagnostic = DiagnosticDraft {
        weight: Some(ProjectWeight::Heavy),
        tasks: vec![
            task("Choisir les chemins à rénover en priorité", "Les agriculteurs"),
            task("Reprendre les fonds de forme et gravillonner", "Les agriculteurs et les services techniques"),
            task("Fournir les matériaux et coordonner le chantier", "La commune"),
        ],
        estimated_cost_cents: Some(2_500_000),
        risks: vec![
            risk(
                ProjectRisk::Insurance,
                "Les agriculteurs manipulent des engins de chantier : qui est couvert en cas d'accident ?",
                resolved(
                    "Chaque partie assurée (article 4) ; les bénévoles couverts par l'assurance de l'AFR.",
                    "Services techniques",
                ),
            ),
            risk(
                ProjectRisk::Conformity,
                "La conformité d'un chemin rénové par des agriculteurs.",
                resolved(
                    "Technique de surfaçage validée et chantier coordonné par les services techniques.",
                    "Services techniques",
                ),
            ),
        ],
        notes: None,
    };
    let project = conventions::record_diagnostic(
        db,
        agent,
        municipality,
        project.id,
        Precondition::at(project.version),
        &diagnostic,
    )
    .await?;
    let drafting = TransitionAsk { to: Some(ProjectStatus::Drafting), reason: None, learnt: None };
    let project =
        conventions::transition(db, agent, municipality, project.id, Precondition::at(project.version), &drafting)
            .await?;
    // The association and the farm, from the town's directory (both agreed to be listed).
    let mut text_2018 = annex_a3();
    for (i, kind, representative) in [
        (1, PartyKind::Association, ("Le président de l'AFR", "Président")),
        (2, PartyKind::Farm, ("L'exploitant de l'EARL du Marais", "Exploitant agricole")),
    ] {
        let listed = OrganisationDraft {
            name: text_2018.parties[i].name.clone(),
            kind: Some(kind),
            representative: Some(RepresentativeDraft {
                name: text(representative.0),
                capacity: text(representative.1),
            }),
            public: Some(true),
        };
        let organisation = crate::conventions::organisations::create(db, municipality, &listed).await?;
        let party = &mut text_2018.parties[i];
        party.organisation = Some(organisation.id);
        (party.kind, party.name, party.representative) = (None, None, None);
    }
    let (convention, version) =
        convention::draft(db, agent, municipality, project.id, Precondition::at(project.version), &text_2018).await?;
    let mut current = convention;
    let cover = Attesting::Volunteers {
        how: text("Une assurance accident souscrite par l'AFR pour chaque bénévole du chantier, partie ou non."),
        attested_on: NaiveDate::from_ymd_opt(2018, 5, 20),
    };
    current =
        convention::attest(db, &staff(agent), municipality, current.id, Precondition::at(current.version), &cover)
            .await?;
    for (i, insurer) in ["SMACL Assurances", "Groupama Nord-Est", "Crédit Agricole Assurances"].iter().enumerate() {
        let party = version.content.parties[i].id;
        let draft = InsuranceDraft {
            equipment: Some(true),
            bodily_injury: Some(true),
            civil_liability: Some(true),
            insurer: text(insurer),
            policy_number: text(&format!("DEMO-2018-{:03}", i + 1)),
            attested_on: NaiveDate::from_ymd_opt(2018, 5, 20),
            statutes_allow_work: (version.content.parties[i].kind == PartyKind::Association).then_some(true),
        };
        let attesting = Attesting::Insurance { party, draft };
        current = convention::attest(
            db,
            &staff(agent),
            municipality,
            current.id,
            Precondition::at(current.version),
            &attesting,
        )
        .await?;
    }
    let (opened, frozen) =
        convention::open_for_signature(db, agent, municipality, current.id, Precondition::at(current.version)).await?;
    current = opened;
    let hash = frozen.content_hash.clone();
    // The association and the farm signed on paper (their scans' hashes are the demo's own); the
    // mayor signs by his account.
    let agent_standing = staff(agent);
    for (i, scan) in [(1, "a1"), (2, "b2")] {
        let draft = SignatureDraft {
            party: Some(frozen.content.parties[i].id),
            content_hash: hash.clone(),
            signed_on: NaiveDate::from_ymd_opt(2018, 5, 28),
            scan_sha256: Some(scan.repeat(32)),
            ..SignatureDraft::default()
        };
        current = convention::sign(
            db,
            agent,
            &agent_standing,
            municipality,
            current.id,
            Precondition::at(current.version),
            &draft,
        )
        .await?;
    }
    let mayor = SignatureDraft {
        party: Some(frozen.content.parties[0].id),
        content_hash: hash,
        signed_on: NaiveDate::from_ymd_opt(2018, 5, 30),
        ..SignatureDraft::default()
    };
    current = convention::sign(
        db,
        Actor::Account(elected),
        &Standing::Staff(elected),
        municipality,
        current.id,
        Precondition::at(current.version),
        &mayor,
    )
    .await?;
    // Followed, and completed with its costs: a kilometre for about €25,000, where asphalt costs
    // about €100,000 per 500 m.
    for party in &frozen.content.parties {
        for commitment in &party.commitments {
            let following = Following::Fulfilment {
                commitment: commitment.id,
                draft: FulfilmentDraft {
                    status: Some(CommitmentFulfilment::Fulfilled),
                    on: NaiveDate::from_ymd_opt(2018, 6, 15),
                    ..FulfilmentDraft::default()
                },
            };
            current = follow(db, agent, municipality, &current, &following).await?;
        }
    }
    let participants = Following::Participants { registered: Vec::new(), open_events_low_bound: Some(12) };
    current = follow(db, agent, municipality, &current, &participants).await?;
    let parties = &frozen.content.parties;
    let costs = Following::Costs {
        parties: vec![
            PartyCostDraft {
                party: Some(parties[0].id),
                planned_cents: Some(1_250_000),
                actual_cents: Some(1_198_000),
            },
            PartyCostDraft { party: Some(parties[1].id), planned_cents: Some(750_000), actual_cents: Some(802_000) },
            PartyCostDraft { party: Some(parties[2].id), planned_cents: Some(500_000), actual_cents: Some(480_000) },
        ],
        comparison: Some((
            Some(20_000_000),
            text("Enrobé classique : environ 100 000 € les 500 m, soit 200 000 € pour le kilomètre rénové."),
        )),
        achieved: Some((Some(1_000), text("m de chemins"))),
    };
    current = follow(db, agent, municipality, &current, &costs).await?;
    let completed = EndingAsk {
        to: Some(ConventionStatus::Completed),
        reason: text("Un kilomètre de chemins rénové du 4 au 15 juin 2018."),
        ..EndingAsk::default()
    };
    let done =
        convention::end(db, agent, municipality, current.id, Precondition::at(current.version), &completed).await?;
    // Renewed for 2019, the farmers choosing which paths go first: a new draft from 2018's text.
    let next_year = RenewalDraft {
        title: text("Rénovation des chemins ruraux 2019"),
        starts_on: NaiveDate::from_ymd_opt(2019, 6, 3),
        ends_on: NaiveDate::from_ymd_opt(2019, 6, 14),
    };
    convention::renew(db, agent, municipality, done.id, &next_year).await?;
    Ok(())
}

const FLOWERS: &str = "Des bacs à fleurs rue Bayard";

/// The flower boxes of rue Bayard (§5.6.2): the town bought them, the neighbours committed to water
/// them every week — and stopped, so the services stepped in (an eroded upkeep).
async fn flower_boxes(
    db: &Database,
    municipality: &Municipality,
    agent: Actor,
    elected: AccountId,
) -> Result<(), UseCaseError> {
    let page = request_store::list(db, municipality.id, &Default::default(), Sort::CreatedAtAsc, 200, None).await?;
    let found = page.into_iter().flat_map(|p| p.items).find(|r| r.title.as_str() == FLOWERS);
    let Some(request) = found.filter(|r| r.status == RequestStatus::InFiftyFifty) else {
        return Ok(());
    };
    let input = ProjectInput {
        draft: ProjectDraft {
            title: text("Fleurissement de la rue Bayard"),
            description: text("Douze bacs fournis par la commune, entretenus par les voisins."),
            requests: vec![request.id],
            process: None,
            carriers: Some(vec![CarrierDraft {
                kind: Some(RequesterKind::InformalGroup),
                name: text("Voisins de la rue Bayard"),
                interest: text("Une rue fleurie."),
            }]),
        },
        routing: None,
    };
    let project = conventions::create(db, agent, municipality, &input).await?;
    let diagnostic = DiagnosticDraft {
        weight: Some(ProjectWeight::Light),
        tasks: vec![
            task("Choisir avec les voisins l'emplacement des bacs", "Les voisins et les services techniques"),
            task("Installer douze bacs", "Les services techniques"),
            task("Arroser et entretenir les bacs chaque semaine", "Les voisins"),
        ],
        estimated_cost_cents: Some(180_000),
        risks: Vec::new(),
        notes: None,
    };
    let project = conventions::record_diagnostic(
        db,
        agent,
        municipality,
        project.id,
        Precondition::at(project.version),
        &diagnostic,
    )
    .await?;
    let drafting = TransitionAsk { to: Some(ProjectStatus::Drafting), reason: None, learnt: None };
    let project =
        conventions::transition(db, agent, municipality, project.id, Precondition::at(project.version), &drafting)
            .await?;
    let today = time::today();
    let content = ContentDraft {
        title: text("Convention fifty-fifty pour le fleurissement de la rue Bayard"),
        context: text("Les habitants de la rue Bayard souhaitent fleurir leur rue et s'occuper de son entretien."),
        purpose: text("Fleurir la rue Bayard sur le principe du fifty-fifty."),
        works: text("Installation de douze bacs à fleurs sur le trottoir communal, puis leur entretien."),
        starts_on: Some(today - chrono::Days::new(150)),
        ends_on: Some(today + chrono::Days::new(215)),
        parties: vec![
            party(
                PartyKind::Municipality,
                "Commune de Loos-en-Gohelle",
                ("Jean-François Caron", "Maire"),
                vec![commitment(CommitmentKind::Materials, "Douze bacs à fleurs, le terreau et les plants", None)],
            ),
            party(
                PartyKind::InformalGroup,
                "Voisins de la rue Bayard",
                ("Un voisin référent", "Référent"),
                vec![CommitmentDraft {
                    recurrence: Some(UpkeepRecurrence::Weekly),
                    ..commitment(CommitmentKind::Upkeep, "Arroser et entretenir les bacs", None)
                }],
            ),
        ],
        clauses: None,
    };
    let (convention, version) =
        convention::draft(db, agent, municipality, project.id, Precondition::at(project.version), &content).await?;
    let mut current = convention;
    for (i, insurer) in ["SMACL Assurances", "Assurances des voisins"].iter().enumerate() {
        let draft = InsuranceDraft {
            equipment: Some(true),
            bodily_injury: Some(true),
            civil_liability: Some(true),
            insurer: text(insurer),
            policy_number: text(&format!("DEMO-BAYARD-{:03}", i + 1)),
            ..InsuranceDraft::default()
        };
        let attesting = Attesting::Insurance { party: version.content.parties[i].id, draft };
        current = convention::attest(
            db,
            &staff(agent),
            municipality,
            current.id,
            Precondition::at(current.version),
            &attesting,
        )
        .await?;
    }
    let (opened, frozen) =
        convention::open_for_signature(db, agent, municipality, current.id, Precondition::at(current.version)).await?;
    current = opened;
    let agent_standing = staff(agent);
    let neighbours = SignatureDraft {
        party: Some(frozen.content.parties[1].id),
        content_hash: frozen.content_hash.clone(),
        scan_sha256: Some("c3".repeat(32)),
        ..SignatureDraft::default()
    };
    current = convention::sign(
        db,
        agent,
        &agent_standing,
        municipality,
        current.id,
        Precondition::at(current.version),
        &neighbours,
    )
    .await?;
    let mayor = SignatureDraft {
        party: Some(frozen.content.parties[0].id),
        content_hash: frozen.content_hash.clone(),
        ..SignatureDraft::default()
    };
    current = convention::sign(
        db,
        Actor::Account(elected),
        &Standing::Staff(elected),
        municipality,
        current.id,
        Precondition::at(current.version),
        &mayor,
    )
    .await?;
    let boxes = Following::Fulfilment {
        commitment: frozen.content.parties[0].commitments[0].id,
        draft: FulfilmentDraft {
            status: Some(CommitmentFulfilment::Fulfilled),
            on: Some(today - chrono::Days::new(140)),
            ..FulfilmentDraft::default()
        },
    };
    current = follow(db, agent, municipality, &current, &boxes).await?;
    let watering = Following::Fulfilment {
        commitment: frozen.content.parties[1].commitments[0].id,
        draft: FulfilmentDraft {
            status: Some(CommitmentFulfilment::NotFulfilled),
            on: Some(today - chrono::Days::new(30)),
            notes: text("Les bacs ne sont plus arrosés depuis l'été ; les services techniques ont pris le relais."),
            services_stepped_in: Some(true),
        },
    };
    follow(db, agent, municipality, &current, &watering).await?;
    Ok(())
}

fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn task(what: &str, by: &str) -> TaskDraft {
    TaskDraft { text: text(what), by: text(by) }
}

fn risk(kind: ProjectRisk, description: &str, resolution: Option<ResolutionDraft>) -> RiskDraft {
    RiskDraft { kind: Some(kind), description: text(description), resolution }
}

async fn football_shelters(db: &Database, municipality: &Municipality, agent: Actor) -> Result<(), UseCaseError> {
    let page = request_store::list(db, municipality.id, &Default::default(), Sort::CreatedAtAsc, 200, None).await?;
    let found = page.into_iter().flat_map(|p| p.items).find(|r| r.title.as_str() == SHELTERS);
    let Some(request) = found.filter(|r| r.status == RequestStatus::Qualified) else {
        return Ok(());
    };
    let input = ProjectInput {
        draft: ProjectDraft {
            title: text("Abris de touche du stade Mirabeau"),
            description: text(
                "Le club demande des abris de touche en dur, construits par ses bénévoles, pour remplacer les abris \
cassés et décourager les vols et les dégradations.",
            ),
            requests: vec![request.id],
            process: None,
            carriers: Some(vec![CarrierDraft {
                kind: Some(RequesterKind::Association),
                name: text("Union sportive de Loos"),
                interest: text("Des abris solides pour les joueurs et les entraîneurs."),
            }]),
        },
        routing: None,
    };
    let project = conventions::create(db, agent, municipality, &input).await?;
    let diagnostic = DiagnosticDraft {
        weight: Some(ProjectWeight::Heavy),
        tasks: vec![
            task("Terrasser et couler une dalle de béton", "Les bénévoles du club"),
            task("Monter les abris en dur", "Les bénévoles du club"),
            task("Fournir le béton et les parpaings", "La commune"),
        ],
        estimated_cost_cents: Some(1_800_000),
        risks: vec![
            risk(
                ProjectRisk::Heritage,
                "La place Mirabeau est classée au patrimoine mondial de l'UNESCO : toute construction doit être \
étudiée et avalisée par l'architecte des bâtiments de France, un dossier qui dépasse les compétences du club.",
                None,
            ),
            risk(
                ProjectRisk::Insurance,
                "Les statuts du club ne prévoient pas de travaux de construction : son assurance couvrirait-elle \
les bénévoles ? Leur responsabilité civile couvre les dommages causés aux autres, pas à eux-mêmes.",
                None,
            ),
            risk(
                ProjectRisk::ParticipantSafety,
                "Couler une dalle de béton expose les bénévoles à des risques de blessure.",
                None,
            ),
            risk(
                ProjectRisk::Conformity,
                "Qui garantit la conformité d'un abri construit par des bénévoles, s'il s'effondrait sur les joueurs ?",
                Some(ResolutionDraft {
                    how: text("Les plans seraient ceux d'un modèle homologué, vérifiés par les services techniques."),
                    by: text("Services techniques"),
                    on: Some(time::today() - chrono::Days::new(20)),
                }),
            ),
        ],
        notes: text("Un fifty-fifty lourd : gros œuvre, long, coûteux, qui peut ne pas aboutir."),
    };
    let project = conventions::record_diagnostic(
        db,
        agent,
        municipality,
        project.id,
        Precondition::at(project.version),
        &diagnostic,
    )
    .await?;
    let ask = TransitionAsk {
        to: Some(ProjectStatus::TakenOverByServices),
        reason: text(
            "Trop de risques juridiques et assurantiels pour un chantier de bénévoles sur un site classé : la commune \
construit les abris elle-même, après avis de l'architecte des bâtiments de France.",
        ),
        learnt: None,
    };
    conventions::transition(db, agent, municipality, project.id, Precondition::at(project.version), &ask).await?;
    Ok(())
}
