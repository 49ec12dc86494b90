//! Demo requests, in French, drawn from the stories of the référentiel (§5.4.2, §5.6.2): the
//! many complaints about waste collection (the agglomeration's competence), the speeding in an
//! estate that ended in a status quo chosen together, the skate park, the flower boxes, the
//! footballers' changing rooms, the rural paths. They go through the same rules and storage as
//! the API's own writes: registered by the demo agent, moved along the lifecycle, some published
//! and answered, through the same use cases as the API's own writes. Loaded once per town (skipped
//! when the town already has requests).

use super::qualifications::{self, Spec};
use crate::{UseCaseError, clock, requests};
use chrono::{Days, NaiveTime, TimeZone, Utc};
use implication_domain::Precondition;
use implication_domain::identity::Standing;
use implication_domain::requests::lifecycle::TransitionAsk;
use implication_domain::requests::{Actor, AnswerDraft, RequestDraft, RequesterDraft};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use implication_domain::{AccountId, Municipality, time};
use implication_storage::Database;
use implication_storage::requests::{self as store, Filter, Sort};

use Channel::*;
use RequestKind::*;
use RequestStatus::*;

/// A step of a demo request's life after registration.
enum Step {
    To(RequestStatus, Option<&'static str>),
    Close(Resolution, &'static str),
    /// Merged into the demo request of this index.
    MergeInto(usize, &'static str),
}

struct Demo {
    kind: RequestKind,
    channel: Channel,
    title: &'static str,
    description: &'static str,
    themes: &'static [&'static str],
    neighbourhood: Option<&'static str>,
    requester: Option<(RequesterKind, &'static str)>,
    days_ago: u64,
    steps: &'static [Step],
    published: bool,
    /// The town's answer, and whether it is public.
    answer: Option<(&'static str, bool)>,
}

/// What some requesters proposed and offered to do themselves (§6.4.2), by title: the
/// qualification's `citizen_delivery` answer starts from it.
const OFFERS: &[(&str, Option<&str>, &str)] = &[
    (
        "Rénover les chemins ruraux avec les agriculteurs",
        Some(
            "Remettre en état un kilomètre de chemin par an : reprofiler, empierrer avec des cailloux calcaires, \
compacter.",
        ),
        "Les exploitants prêtent leurs tracteurs et leurs remorques et font les travaux ; l'association foncière \
de remembrement cofinance les cailloux.",
    ),
    (
        "Repeindre les vestiaires du stade",
        None,
        "Les joueurs repeignent les vestiaires, si la mairie fournit la peinture.",
    ),
];

const QUALIFIED: &[Step] = &[Step::To(Qualifying, None), Step::To(Qualified, None)];

const AGGLO: &str = "Nous avons transmis votre demande au service de collecte de l'agglomération, avec les \
adresses signalées.";

const LOOS: &[Demo] = &[
    Demo {
        kind: Complaint,
        channel: Letter,
        title: "Poubelles non ramassées rue Bayard",
        description: "Depuis trois semaines, les bacs de la rue Bayard restent pleins après le passage du camion. \
Les sacs s'entassent sur le trottoir et attirent les rats.",
        themes: &["waste-and-cleanliness"],
        neighbourhood: Some("cite-5"),
        requester: Some((RequesterKind::InformalGroup, "Riverains de la rue Bayard")),
        days_ago: 62,
        steps: &[Step::To(Qualifying, None), Step::To(Qualified, None), Step::To(Redirected, Some(AGGLO))],
        published: true,
        // Redirection answers the requester by itself, naming the agglomeration.
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: Phone,
        title: "Les déchets, c'est un problème",
        description: "Les déchets traînent partout dans la cité, il faut que la mairie fasse quelque chose.",
        themes: &["waste-and-cleanliness"],
        neighbourhood: Some("cite-5"),
        requester: None,
        days_ago: 58,
        steps: &[Step::MergeInto(0, "Même sujet que la demande sur la collecte rue Bayard.")],
        published: false,
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: Website,
        title: "Collecte des encombrants oubliée",
        description: "Les encombrants déposés devant chez nous n'ont pas été enlevés le jour annoncé.",
        themes: &["waste-and-cleanliness"],
        neighbourhood: Some("cite-5"),
        requester: None,
        days_ago: 55,
        steps: &[Step::MergeInto(0, "Même sujet que la demande sur la collecte rue Bayard.")],
        published: false,
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: SocialMedia,
        title: "Dépôt sauvage au chemin des Mineurs",
        description: "Des gravats et un vieux canapé ont été abandonnés au bout du chemin des Mineurs, près du bois.",
        themes: &["waste-and-cleanliness", "green-spaces-and-biodiversity"],
        neighbourhood: Some("secteur-rural"),
        requester: None,
        days_ago: 12,
        steps: &[Step::To(Qualifying, None)],
        published: true,
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: PublicMeeting,
        title: "Vitesse excessive dans le lotissement des Tilleuls",
        description: "Dans la longue ligne droite du lotissement, les conducteurs accélèrent. Avec les enfants qui \
jouent dehors, c'est dangereux. Un stop ou un dos d'âne ?",
        themes: &["roads-and-traffic"],
        neighbourhood: Some("quartier-ouest"),
        requester: Some((RequesterKind::InformalGroup, "Riverains du lotissement des Tilleuls")),
        days_ago: 300,
        // Then a consultation: `demo::participation`.
        steps: &[Step::To(Qualifying, None), Step::To(Qualified, None)],
        published: true,
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: Appointment,
        title: "Ça roule trop vite rue Lamartine",
        description: "Le soir, des voitures traversent la cité 12 à toute allure. Les enfants jouent sur le trottoir.",
        themes: &["roads-and-traffic"],
        neighbourhood: Some("cite-12"),
        requester: Some((RequesterKind::Individual, "Dominique Lefebvre")),
        days_ago: 9,
        steps: &[Step::To(Qualifying, None)],
        published: true,
        answer: Some(("Nous avons bien reçu votre demande : un agent viendra voir la rue avec vous.", false)),
    },
    Demo {
        kind: Idea,
        channel: StreetStand,
        title: "Un skate-park pour les jeunes",
        description: "Nous sommes des skaters de 11 à 14 ans. Nous voudrions un skate-park et nous sommes prêts à \
aider à le construire.",
        themes: &["youth-and-sport"],
        neighbourhood: Some("centre-ville"),
        requester: Some((RequesterKind::InformalGroup, "Les jeunes skaters loossois")),
        days_ago: 240,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InFiftyFifty, Some("Projet coproduit avec les jeunes skaters et le service jeunesse.")),
        ],
        published: true,
        answer: Some(("Bonne idée : construisons-le ensemble en fifty-fifty.", true)),
    },
    Demo {
        kind: Idea,
        channel: PublicMeeting,
        title: "Des bacs à fleurs rue Bayard",
        description: "Les habitants de la rue aimeraient fleurir la rue avec des bacs, et s'occuper de leur entretien.",
        themes: &["green-spaces-and-biodiversity"],
        neighbourhood: Some("cite-5"),
        requester: Some((RequesterKind::InformalGroup, "Voisins de la rue Bayard")),
        days_ago: 200,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            // Its project (the demo's flower boxes, `demo/conventions.rs`) holds it.
            Step::To(InFiftyFifty, Some("La mairie fournit les bacs, les habitants les entretiennent.")),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: Need,
        channel: Letter,
        title: "Repeindre les vestiaires du stade",
        description: "Les vestiaires du club de football sont défraîchis. Les joueurs proposent de les repeindre si \
la mairie fournit la peinture.",
        themes: &["youth-and-sport"],
        neighbourhood: Some("cite-11"),
        requester: Some((RequesterKind::Association, "Union sportive de Loos")),
        days_ago: 150,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InFiftyFifty, Some("Fifty-fifty léger : la peinture par la commune, le travail par le club.")),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: Need,
        channel: Email,
        title: "Nouveaux abris pour les joueurs de football",
        description: "Les abris de touche sont cassés. Le club voudrait des abris en béton, construits avec les \
bénévoles.",
        themes: &["youth-and-sport"],
        neighbourhood: Some("cite-11"),
        requester: Some((RequesterKind::Association, "Union sportive de Loos")),
        days_ago: 40,
        steps: QUALIFIED,
        published: true,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: Appointment,
        title: "Rénover les chemins ruraux avec les agriculteurs",
        description: "Les chemins entre les champs sont défoncés. Les agriculteurs sont prêts à fournir matériel et \
main-d'œuvre.",
        themes: &["agriculture", "roads-and-traffic"],
        neighbourhood: Some("secteur-rural"),
        requester: Some((RequesterKind::Farm, "EARL du Marais")),
        days_ago: 120,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InProcess, Some("Concertation avec les exploitants avant un éventuel fifty-fifty lourd.")),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: Question,
        channel: Phone,
        title: "Horaires de la déchetterie",
        description: "Quels sont les horaires d'ouverture de la déchetterie le samedi ?",
        themes: &["waste-and-cleanliness"],
        neighbourhood: None,
        requester: None,
        days_ago: 20,
        steps: &[Step::To(Qualifying, None), Step::To(Qualified, None), Step::To(Answered, None)],
        published: false,
        answer: Some(("La déchetterie est ouverte le samedi de 9 h à 18 h.", false)),
    },
    Demo {
        kind: Need,
        channel: Letter,
        title: "Goudronner l'allée de ma propriété",
        description: "Je demande à la commune de goudronner l'allée privée qui mène à ma maison.",
        themes: &["roads-and-traffic"],
        neighbourhood: Some("quartier-ouest"),
        requester: Some((RequesterKind::Individual, "Claude Martin")),
        days_ago: 70,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(Declined, Some("Cette allée est privée : la commune ne peut pas y faire de travaux.")),
        ],
        published: false,
        answer: Some(("Cette allée est privée : la commune ne peut pas y faire de travaux.", false)),
    },
    Demo {
        kind: Need,
        channel: Letter,
        title: "Éclairage du chemin de l'école",
        description: "Le chemin entre la cité 12 et l'école est très sombre en hiver. Les parents s'inquiètent.",
        themes: &["roads-and-traffic", "school"],
        neighbourhood: Some("cite-12"),
        requester: Some((RequesterKind::Individual, "Sandrine Carpentier")),
        days_ago: 41,
        steps: &[],
        published: false,
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: Informal,
        title: "Banc cassé place de la République",
        description: "Le banc près de l'arrêt de bus est cassé depuis des semaines.",
        themes: &["urban-planning"],
        neighbourhood: Some("centre-ville"),
        requester: None,
        days_ago: 38,
        steps: &[Step::To(Qualifying, None)],
        published: true,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: Website,
        title: "Des panneaux solaires sur le toit de l'église",
        description: "Une coopérative d'habitants pourrait financer et installer des panneaux solaires sur l'église.",
        themes: &["energy"],
        neighbourhood: Some("centre-ville"),
        requester: Some((RequesterKind::Association, "Coopérative énergie citoyenne")),
        days_ago: 90,
        steps: QUALIFIED,
        published: true,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: PartnerTool,
        title: "Journée de ramassage des déchets sur les terrils",
        description: "Notre association de marcheurs propose une journée de ramassage sur les terrils, si la mairie \
fournit les sacs et l'enlèvement.",
        themes: &["waste-and-cleanliness", "green-spaces-and-biodiversity"],
        neighbourhood: Some("secteur-rural"),
        requester: Some((RequesterKind::Association, "Les Caribous des terrils")),
        days_ago: 30,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InFiftyFifty, Some("La commune fournit sacs et bennes, l'association mobilise les marcheurs.")),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: Appointment,
        title: "Planter des arbres cité Belgique",
        description: "Les habitants voudraient planter des arbres le long de la rue principale de la cité.",
        themes: &["green-spaces-and-biodiversity"],
        neighbourhood: Some("cite-11"),
        requester: Some((RequesterKind::InformalGroup, "Habitants de la cité Belgique")),
        days_ago: 180,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InFiftyFifty, Some("Plantation avec les habitants, plants fournis par la commune.")),
            Step::Close(Resolution::Done, "Trente arbres plantés un samedi de novembre."),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: Letter,
        title: "Une haie avec les écoles et les agriculteurs",
        description: "L'école propose de planter une haie en bordure des champs avec les élèves et les agriculteurs.",
        themes: &["school", "agriculture", "green-spaces-and-biodiversity"],
        neighbourhood: Some("secteur-rural"),
        requester: Some((RequesterKind::School, "École Jean-Jaurès")),
        days_ago: 15,
        steps: &[Step::To(Qualifying, None)],
        published: true,
        answer: None,
    },
    Demo {
        kind: Need,
        channel: Email,
        title: "Remplacer les tapis du club d'arts martiaux",
        description: "Les tapis de sol de la salle sont usés. Le club propose de faire la pose.",
        themes: &["youth-and-sport"],
        neighbourhood: Some("centre-ville"),
        requester: Some((RequesterKind::Association, "Judo club loossois")),
        days_ago: 25,
        steps: QUALIFIED,
        published: false,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: PublicMeeting,
        title: "Un jardin partagé au pied de l'immeuble Cœur de Loos",
        description: "Les habitants de l'immeuble voudraient cultiver un jardin partagé sur l'espace vert du bas.",
        themes: &["green-spaces-and-biodiversity", "social"],
        neighbourhood: Some("centre-ville"),
        requester: Some((RequesterKind::InformalGroup, "Habitants de Cœur de Loos")),
        days_ago: 330,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InFiftyFifty, Some("Jardin conçu avec les habitants.")),
            Step::Close(Resolution::Done, "Le jardin est cultivé par une vingtaine de voisins."),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: Complaint,
        channel: Website,
        title: "Parterres fleuris abandonnés",
        description: "Les parterres de la rue Pasteur ne sont plus entretenus depuis que les riverains ont déménagé.",
        themes: &["green-spaces-and-biodiversity"],
        neighbourhood: Some("cite-12"),
        requester: None,
        days_ago: 45,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(InProcess, Some("Rencontre avec les nouveaux riverains.")),
            Step::Close(Resolution::TakenOverByServices, "L'entretien est repris par le service environnement."),
        ],
        published: true,
        answer: None,
    },
    Demo {
        kind: RequestKind::Petition,
        channel: Channel::Petition,
        title: "Pétition pour un passage piéton devant la boulangerie",
        description: "Quatre-vingts signatures pour un passage piéton rue Jean-Jaurès, devant la boulangerie.",
        themes: &["roads-and-traffic", "shops"],
        neighbourhood: Some("centre-ville"),
        requester: Some((RequesterKind::InformalGroup, "Clients et commerçants de la rue Jean-Jaurès")),
        days_ago: 5,
        steps: &[],
        published: true,
        answer: None,
    },
    Demo {
        kind: Need,
        channel: Phone,
        title: "Aide pour remplir un dossier de logement",
        description: "Une habitante âgée demande de l'aide pour un dossier de demande de logement.",
        themes: &["social"],
        neighbourhood: Some("cite-5"),
        requester: Some((RequesterKind::Individual, "Jeanne Duhamel")),
        days_ago: 3,
        steps: &[],
        published: false,
        answer: None,
    },
    Demo {
        kind: Question,
        channel: Website,
        title: "Cantine du collège",
        description: "Pourquoi les repas de la cantine du collège ont-ils changé de prestataire ?",
        themes: &["school"],
        neighbourhood: None,
        requester: None,
        days_ago: 33,
        steps: &[
            Step::To(Qualifying, None),
            Step::To(Qualified, None),
            Step::To(
                Redirected,
                Some(
                    "La restauration du collège relève du Département du Pas-de-Calais : votre question lui a été transmise.",
                ),
            ),
        ],
        published: true,
        answer: None,
    },
];

const GRENAY: &[Demo] = &[
    Demo {
        kind: Complaint,
        channel: Letter,
        title: "Nids-de-poule rue Victor-Hugo",
        description: "La chaussée est très abîmée rue Victor-Hugo, surtout après la pluie.",
        themes: &["roads-and-traffic"],
        neighbourhood: Some("quartier-nord"),
        requester: None,
        days_ago: 14,
        steps: &[Step::To(Qualifying, None)],
        published: true,
        answer: None,
    },
    Demo {
        kind: Idea,
        channel: Website,
        title: "Une boîte à livres au parc",
        description: "Installer une boîte à livres près de l'aire de jeux.",
        themes: &["culture"],
        neighbourhood: Some("centre-ville"),
        requester: None,
        days_ago: 4,
        steps: &[],
        published: true,
        answer: None,
    },
];

/// Registers the demo requests of `municipality`, unless it has requests already. Every step
/// goes through the same use cases as the API's own writes, as the demo agent.
pub async fn load(db: &Database, municipality: &Municipality, agent: AccountId) -> anyhow::Result<()> {
    let existing = store::list(db, municipality.id, &Filter::default(), Sort::CreatedAtAsc, 1, None).await?;
    if existing.is_some_and(|page| !page.items.is_empty()) {
        return Ok(());
    }
    let (demos, specs): (&[Demo], &[Spec]) = match municipality.slug.as_str() {
        "loos-en-gohelle" => (LOOS, qualifications::LOOS),
        "grenay" => (GRENAY, &[]),
        _ => return Ok(()),
    };
    let today = time::today();
    let standing = Standing::Staff(agent);
    let actor = Actor::Account(agent);
    let failed = |title: &str, e: UseCaseError| anyhow::anyhow!("demo request {title:?}: {e}");
    let submitter = requests::submitter(db, &standing, municipality).await.map_err(|e| failed("", e))?;
    let mut ids = Vec::new();
    for demo in demos {
        let offered = OFFERS.iter().find(|(title, _, _)| *title == demo.title);
        let draft = RequestDraft {
            kind: Some(demo.kind),
            title: Some(demo.title.to_owned()),
            description: Some(demo.description.to_owned()),
            channel: Some(demo.channel),
            themes: demo.themes.iter().map(|t| (*t).to_owned()).collect(),
            neighbourhood: demo.neighbourhood.map(str::to_owned),
            location: None,
            requester: demo.requester.map(|(kind, name)| RequesterDraft {
                kind: Some(kind),
                name: Some(name.to_owned()),
                ..RequesterDraft::default()
            }),
            proposed_solution: offered.and_then(|(_, solution, _)| solution.map(str::to_owned)),
            offer: offered.map(|(_, _, offer)| (*offer).to_owned()),
            personal_data_consent: Some(demo.requester.is_some()),
            received_on: today.checked_sub_days(Days::new(demo.days_ago)),
        };
        // Each step is written on a plausible day — registered the day received, qualified three
        // days later, each next step a week after — so that the indicators' delays mean something.
        let received_on = draft.received_on.unwrap_or(today);
        let day = |after: usize| {
            let on = received_on.checked_add_days(Days::new(after as u64)).unwrap_or(received_on);
            municipality
                .settings
                .time_zone
                .from_local_datetime(&on.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default()))
                .earliest()
                .map_or_else(time::now, |local| local.with_timezone(&Utc))
        };
        // Demo tracking codes are random and not kept: try the API to get one of your own.
        let mut request = clock::at(day(0), requests::register(db, &standing, municipality, &submitter, &draft, None))
            .await
            .map_err(|e| failed(demo.title, e))?
            .request;
        for (i, step) in demo.steps.iter().enumerate() {
            let on = day(3 + 7 * i);
            if let (Step::To(Qualified, _), Some(spec)) = (step, specs.iter().find(|s| s.title == demo.title)) {
                let input = spec.input(&request);
                let qualified =
                    requests::qualify(db, actor, municipality, request.id, Precondition::at(request.version), &input);
                request = clock::at(on, qualified).await.map_err(|e| failed(demo.title, e))?.request;
            }
            let ask = match step {
                Step::To(to, reason) => {
                    TransitionAsk { to: Some(*to), reason: reason.map(str::to_owned), ..TransitionAsk::default() }
                }
                Step::Close(resolution, reason) => TransitionAsk {
                    to: Some(Closed),
                    reason: Some((*reason).to_owned()),
                    resolution: Some(*resolution),
                    into: None,
                },
                Step::MergeInto(index, reason) => TransitionAsk {
                    to: Some(Merged),
                    reason: Some((*reason).to_owned()),
                    resolution: None,
                    into: ids.get(*index).copied(),
                },
            };
            let moved =
                requests::transition(db, actor, municipality, request.id, Precondition::at(request.version), ask);
            request = clock::at(on, moved).await.map_err(|e| failed(demo.title, e))?;
        }
        let answered_on = day(4 + 7 * demo.steps.len());
        if let Some((text, public)) = demo.answer {
            let draft = AnswerDraft { text: Some(text.to_owned()), public };
            clock::at(answered_on, requests::answer(db, actor, municipality, request.id, &draft))
                .await
                .map_err(|e| failed(demo.title, e))?;
        }
        if demo.published {
            let published =
                requests::set_published(db, actor, municipality, request.id, Precondition::at(request.version), true);
            request = clock::at(answered_on, published).await.map_err(|e| failed(demo.title, e))?;
        }
        ids.push(request.id);
    }
    Ok(())
}
