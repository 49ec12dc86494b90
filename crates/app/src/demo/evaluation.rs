//! Demo narratives (§6.2: the stories of those who carried the projects, critical ones
//! welcome): a neighbour's account of the flower boxes, whose watering wore off, recorded by the
//! agent with her consent and published; a resident's account of the speeding process, not
//! consented to publication, which stays with the services. Through the narratives' use cases.

use crate::evaluation::narratives;
use implication_domain::evaluation::narrative::NarrativeDraft;
use implication_domain::identity::Standing;
use implication_domain::vocabulary::NarrativeSubject;
use implication_domain::{AccountId, Municipality, Precondition};
use implication_storage::Database;
use implication_storage::evaluation::narratives::{self as store, NarrativeFilter};

/// The demo narratives of `municipality`, unless it has narratives already.
pub async fn load(db: &Database, municipality: &Municipality, agent: AccountId) -> anyhow::Result<()> {
    if municipality.slug.as_str() != "loos-en-gohelle" {
        return Ok(());
    }
    if !store::list(db, municipality.id, &NarrativeFilter::default(), 1, None).await?.items.is_empty() {
        return Ok(());
    }
    let projects = implication_storage::conventions::list(
        db,
        municipality.id,
        &implication_storage::conventions::Filter::default(),
        100,
        None,
    )
    .await?;
    let processes = implication_storage::participation::list(
        db,
        municipality.id,
        &implication_storage::participation::Filter::default(),
        100,
        None,
    )
    .await?;
    let staff = Standing::Staff(agent);
    if let Some(flowers) = projects.items.iter().find(|p| p.title.as_str() == "Fleurissement de la rue Bayard") {
        let draft = NarrativeDraft {
            subject: Some(NarrativeSubject::Project),
            subject_id: Some(flowers.id.as_uuid()),
            title: Some("Deux étés de bacs à fleurs".to_owned()),
            text: Some(
                "Le premier été, toute la rue arrosait, on se croisait le soir avec nos arrosoirs. Le second, nous \
n'étions plus que trois, et les services ont dû prendre le relais en juillet. Ce n'est pas un échec : il \
faudrait un tour d'arrosage affiché et une réunion de rue au printemps, pas seulement une convention."
                    .to_owned(),
            ),
            author_name: Some("Une voisine de la rue Bayard".to_owned()),
            consent: Some(true),
        };
        let written = narratives::write(db, municipality, &staff, &draft).await?;
        narratives::publish(db, municipality, written.id, Precondition::at(written.version)).await?;
    }
    if let Some(speeding) = processes.items.iter().find(|p| p.subject.as_str().starts_with("La vitesse")) {
        let draft = NarrativeDraft {
            subject: Some(NarrativeSubject::Process),
            subject_id: Some(speeding.id.as_uuid()),
            title: Some("Le statu quo, choisi ensemble".to_owned()),
            text: Some(
                "J'étais venu pour le dos d'âne. J'en suis reparti convaincu du contraire, et c'est la première fois \
qu'on m'écoutait autant qu'un bureau d'études."
                    .to_owned(),
            ),
            author_name: Some("Un riverain des Tilleuls".to_owned()),
            consent: None,
        };
        narratives::write(db, municipality, &staff, &draft).await?;
    }
    participants(db, municipality, &staff, &projects.items, &processes.items).await?;
    round(db, municipality, &projects.items).await
}

/// The 2026 round of the self-evaluation group (§6.2.2), concluded: the flower boxes, whose
/// watering wore off, and the football shelters, taken over by the services — failures included.
async fn round(
    db: &Database,
    municipality: &Municipality,
    projects: &[implication_domain::conventions::Project],
) -> anyhow::Result<()> {
    use crate::evaluation::rounds;
    use implication_domain::evaluation::round::RoundDraft;
    use implication_domain::vocabulary::{FindingKind, RoundStatus};
    let find = |title: &str| projects.iter().find(|p| p.title.as_str().starts_with(title)).map(|p| p.id.as_uuid());
    let (Some(flowers), Some(shelters)) = (find("Fleurissement de la rue Bayard"), find("Abris")) else {
        return Ok(());
    };
    let draft = RoundDraft {
        title: Some("Bilan des fifty-fifty 2026".to_owned()),
        projects: Some(vec![flowers, shelters]),
        ..RoundDraft::default()
    };
    let round = rounds::open(db, municipality, &draft).await?;
    let survey = RoundDraft {
        carriers_survey: Some((
            Some(6),
            Some(5),
            Some(
                "Cinq porteurs sur six ont répondu. Tous saluent l'appui des services techniques ; trois trouvent les délais de la convention trop longs ; deux disent s'être sentis seuls pour l'entretien."
                    .to_owned(),
            ),
        )),
        ..RoundDraft::default()
    };
    let round = rounds::change(db, municipality, round.id, Precondition::at(round.version), &survey).await?;
    let round =
        rounds::advance(db, municipality, round.id, Precondition::at(round.version), Some(RoundStatus::WorkingGroup))
            .await?;
    let met_on = implication_domain::time::today().checked_sub_days(chrono::Days::new(12));
    let group = RoundDraft {
        working_group: Some((met_on, Some("2 élus, 3 agents, 4 porteurs de projets".to_owned()))),
        findings: Some(vec![
            (
                Some(flowers),
                Some(FindingKind::Failure),
                Some("L'arrosage s'est perdu au second été : l'entretien reposait sur trois voisins.".to_owned()),
            ),
            (
                Some(flowers),
                Some(FindingKind::Recommendation),
                Some("Un tour d'arrosage affiché et une réunion de rue au printemps.".to_owned()),
            ),
            (
                Some(shelters),
                Some(FindingKind::Difficulty),
                Some("Un risque patrimonial ouvert : les travaux lourds sont revenus aux services.".to_owned()),
            ),
            (None, Some(FindingKind::Success), Some("Les services et les habitants se connaissent mieux.".to_owned())),
        ]),
        ..RoundDraft::default()
    };
    let round = rounds::change(db, municipality, round.id, Precondition::at(round.version), &group).await?;
    rounds::advance(db, municipality, round.id, Precondition::at(round.version), Some(RoundStatus::Concluded)).await?;
    Ok(())
}

/// Four participants recorded with their consent (the demo's own inventions): two neighbours of
/// the rue Bayard who took part in the flower boxes, one listed among the contributors; a
/// resident of the Quartier Ouest who contributed to the speeding process; a farmer who took part
/// in the rural paths two years running (listed).
async fn participants(
    db: &Database,
    municipality: &Municipality,
    staff: &Standing,
    projects: &[implication_domain::conventions::Project],
    processes: &[implication_domain::participation::Process],
) -> anyhow::Result<()> {
    use crate::evaluation::participants as usecases;
    use implication_domain::evaluation::participants::ParticipantDraft;
    use implication_domain::vocabulary::ParticipationKind;
    let today = implication_domain::participation::meeting::local_today(
        implication_domain::time::now(),
        municipality.settings.time_zone,
    );
    let ago = |days: u64| today.checked_sub_days(chrono::Days::new(days));
    let flowers =
        projects.iter().find(|p| p.title.as_str() == "Fleurissement de la rue Bayard").map(|p| p.id.as_uuid());
    let speeding = processes.iter().find(|p| p.subject.as_str().starts_with("La vitesse")).map(|p| p.id.as_uuid());
    let paths = |year: &str| {
        projects
            .iter()
            .find(|p| p.title.as_str() == format!("Rénovation des chemins ruraux {year}"))
            .map(|p| p.id.as_uuid())
    };
    let people = [
        ("Martine Caron", "centre-ville", true, vec![(ParticipationKind::CarriedProject, flowers, ago(150))]),
        ("Karim Benali", "centre-ville", false, vec![(ParticipationKind::TookPartInProject, flowers, ago(140))]),
        ("Lucie Vasseur", "quartier-ouest", false, vec![(ParticipationKind::ContributedToProcess, speeding, ago(10))]),
        (
            "Jean Delattre",
            "secteur-rural",
            true,
            vec![
                (ParticipationKind::TookPartInProject, paths("2018"), chrono::NaiveDate::from_ymd_opt(2018, 6, 4)),
                (ParticipationKind::TookPartInProject, paths("2019"), chrono::NaiveDate::from_ymd_opt(2019, 6, 3)),
            ],
        ),
    ];
    for (name, neighbourhood, listed, took_part) in people {
        let draft = ParticipantDraft {
            name: Some(name.to_owned()),
            neighbourhood: Some(neighbourhood.to_owned()),
            listed_publicly: Some(listed),
            consent: Some(true),
        };
        let participant = usecases::register(db, municipality, staff, &draft).await?;
        for (kind, subject, on) in took_part {
            if let Some(subject) = subject {
                usecases::record(db, municipality, participant.id, Some(kind), Some(subject), on).await?;
            }
        }
    }
    Ok(())
}
