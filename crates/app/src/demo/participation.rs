//! Demo processes (§5.5): the speeding complaint of the Tilleuls estate, taken to a consultation
//! of the residents — two scenarios, a stop sign or a speed bump, presented at a public meeting
//! whose minutes were published on time — whose collective decision was neither: the request
//! closes `status_quo` with the process. The school-hours reform, the town's initiative: a survey
//! of six scenarios (386 responses, 57 % participation, option 3 at 72 %), decided by the
//! education authority. And the square of the town centre, being consulted on: a workshop
//! whose minutes are overdue, a public meeting next week (in the calendar feed), the steps still
//! ahead of it (a study, the council — whose day slipped —, the works) and two promises, one of
//! them overdue. The mayor's promise to the Tilleuls families was kept late. Written through the
//! use cases; loaded once (a town that has processes is left as it is).

use crate::UseCaseError;
use crate::participation::follow_ups::{self, Settlement};
use crate::participation::{self, ProcessInput, meetings, notices, surveys};
use crate::participation::{bodies, draws};
use crate::requests::{self, RoutingCodes};
use chrono::Days;
use implication_domain::identity::Email;
use implication_domain::identity::Standing;
use implication_domain::participation::lifecycle::TransitionAsk;
use implication_domain::participation::survey::OptionDraft;
use implication_domain::participation::{
    BodyDraft, DecisionDraft, DrawDraft, MeetingDraft, MemberDraft, MinutesDraft, NoticeDraft, PerimeterDraft,
    PoolDraft, Process, ProcessDraft, PromiseDraft, StepDraft, SurveyDraft,
};
use implication_domain::requests::{Actor, AnswerDraft};
use implication_domain::vocabulary::{
    BodyKind, DecisionMaker, EligibleUnit, MeetingKind, MeetingStage, NoticeMedium, ParticipationLevel, PerimeterKind,
    ProcessStatus, PromiseKind, RequestStatus, Resolution, StepKind,
};
use implication_domain::{AccountId, Municipality, Precondition, time};
use implication_storage::Database;
// Reads only: every write goes through the use cases.
use implication_storage::identity::accounts;
use implication_storage::participation::{self as store, Filter};
use implication_storage::requests::{self as request_store, Sort};

const SPEEDING: &str = "Vitesse excessive dans le lotissement des Tilleuls";

pub async fn load(db: &Database, municipality: &Municipality, agent: AccountId) -> anyhow::Result<()> {
    if municipality.slug.as_str() != "loos-en-gohelle" {
        return Ok(());
    }
    let existing = store::list(db, municipality.id, &Filter::default(), 1, None).await?;
    if !existing.items.is_empty() {
        return Ok(());
    }
    let elected = Email::parse("email", "elected@loos-en-gohelle.demo").map_err(|e| anyhow::anyhow!(e.message))?;
    let elected = accounts::find_with_password_by_email(db, &elected)
        .await?
        .map(|(account, _)| Actor::Account(account.id))
        .ok_or_else(|| anyhow::anyhow!("the demo elected official of Loos is missing"))?;
    let agent = Actor::Account(agent);
    speeding(db, municipality, agent, elected).await.map_err(|e| anyhow::anyhow!("demo speeding process: {e}"))?;
    school_hours(db, municipality, agent, elected).await.map_err(|e| anyhow::anyhow!("demo school hours: {e}"))?;
    square(db, municipality, agent).await.map_err(|e| anyhow::anyhow!("demo square: {e}"))?;
    standing_bodies(db, municipality).await.map_err(|e| anyhow::anyhow!("demo standing bodies: {e}"))?;
    workshop_draw(db, municipality).await.map_err(|e| anyhow::anyhow!("demo draw: {e}"))?;
    Ok(())
}

/// The festivities commission with two members and its last meeting, a neighbourhood group and
/// the yearly meeting with the farmers (§5.5, §6.1.1). The members are the demo's own inventions.
async fn standing_bodies(db: &Database, municipality: &Municipality) -> Result<(), UseCaseError> {
    let commission = BodyDraft {
        name: Some("Commission fête et cérémonie".to_owned()),
        kind: Some(BodyKind::Commission),
        purpose: Some("Préparer avec les associations les fêtes et les cérémonies de la commune.".to_owned()),
        neighbourhood: None,
    };
    let commission = bodies::create(db, municipality, &commission).await?;
    for (name, role) in [("Dominique Exemple", "Présidente"), ("Camille Démo", "Représentant des associations")] {
        let member = MemberDraft {
            name: Some(name.to_owned()),
            role: Some(role.to_owned()),
            consent: Some(true),
            consented_on: days_ago(200),
            ..MemberDraft::default()
        };
        bodies::add_member(db, municipality, commission.id, &member).await?;
    }
    let meeting = MeetingDraft {
        place: Some("Salle des fêtes".to_owned()),
        date: days_ago(20),
        agenda: Some("Le programme de la fête de la Saint-Éloi.".to_owned()),
        attendance: Some(11),
        ..MeetingDraft::default()
    };
    let meeting = bodies::schedule(db, municipality, commission.id, &meeting).await?;
    let minutes = "Onze membres présents. Le défilé partira de la mairie ; les associations tiendront les stands.";
    bodies::publish_minutes(
        db,
        municipality,
        commission.id,
        meeting.id,
        Precondition::at(meeting.version),
        Some(minutes),
    )
    .await?;
    for (name, kind, neighbourhood) in [
        ("Groupe de quartier de la cité 5", BodyKind::NeighbourhoodGroup, Some("cite-5")),
        ("Rencontre annuelle avec les agriculteurs", BodyKind::YearlyMeeting, None),
    ] {
        let draft = BodyDraft {
            name: Some(name.to_owned()),
            kind: Some(kind),
            purpose: None,
            neighbourhood: neighbourhood.map(str::to_owned),
        };
        bodies::create(db, municipality, &draft).await?;
    }
    Ok(())
}

/// The draw of inhabitants invited to the 2011 local plan workshops (§5.3.2.2), from a seed
/// anyone can check: the pools are the demo's.
async fn workshop_draw(db: &Database, municipality: &Municipality) -> Result<(), UseCaseError> {
    let pool = |code: &str, size, seats| PoolDraft {
        neighbourhood: Some(code.to_owned()),
        size: Some(size),
        seats: Some(seats),
        alternates: Some(3),
    };
    let draft = DrawDraft {
        purpose: Some("Ateliers du plan local d'urbanisme : habitants invités par quartier".to_owned()),
        seed: Some("Loto du 12 mars 2011 : 4 17 23 31 42".to_owned()),
        pools: vec![pool("centre-ville", 1800, 8), pool("cite-5", 1000, 5), pool("quartier-ouest", 1200, 6)],
    };
    draws::draw(db, municipality, &draft).await?;
    Ok(())
}

async fn speeding(
    db: &Database,
    municipality: &Municipality,
    agent: Actor,
    elected: Actor,
) -> Result<(), UseCaseError> {
    let page = request_store::list(db, municipality.id, &Default::default(), Sort::CreatedAtAsc, 200, None).await?;
    // A database the demo of an earlier version loaded holds the request closed already.
    let found = page.into_iter().flat_map(|p| p.items).find(|r| r.title.as_str() == SPEEDING);
    let Some(request) = found.filter(|r| r.status == RequestStatus::Qualified) else {
        return Ok(());
    };
    let input = ProcessInput {
        draft: ProcessDraft {
            subject: Some("La vitesse dans le lotissement des Tilleuls".to_owned()),
            description: Some(
                "Des familles du lotissement demandent de faire ralentir les voitures dans la longue ligne droite. \
Un bureau d'études a étudié deux scénarios : un stop au carrefour, ou un dos d'âne au milieu de la ligne droite. \
Les riverains sont consultés en réunion publique."
                    .to_owned(),
            ),
            perimeter: Some(PerimeterDraft {
                kind: Some(PerimeterKind::Neighbourhoods),
                neighbourhoods: vec!["quartier-ouest".to_owned()],
                streets: Vec::new(),
            }),
            level: Some(ParticipationLevel::Consultation),
            requests: vec![request.id],
        },
        routing: RoutingCodes {
            delegation: Some("travaux-et-urbanisme".to_owned()),
            services: vec!["services-techniques".to_owned()],
        },
    };
    let process = participation::create(db, agent, municipality, &input).await?;
    let process = step(db, municipality, agent, process, ProcessStatus::Open).await?;
    let meeting = MeetingDraft {
        kind: Some(MeetingKind::PublicMeeting),
        place: Some("Salle des fêtes, rue des Tilleuls".to_owned()),
        date: days_ago(10),
        agenda: Some("Les deux scénarios du bureau d'études : un stop au carrefour, ou un dos d'âne.".to_owned()),
        facilitator: Some("Service démocratie participative".to_owned()),
        stage: Some(MeetingStage::Scenarios),
        attendance: Some(42),
        ..MeetingDraft::default()
    };
    let meeting = meetings::schedule(db, agent, municipality, process.id, &meeting).await?;
    let flyer = NoticeDraft {
        channel: Some(NoticeMedium::LetterboxDrop),
        perimeter: Some(PerimeterDraft {
            kind: Some(PerimeterKind::Neighbourhoods),
            neighbourhoods: vec!["quartier-ouest".to_owned()],
            streets: Vec::new(),
        }),
        published_on: days_ago(17),
        text: Some(
            "Vitesse dans le lotissement : un stop ou un dos d'âne ? Venez en parler à la réunion publique, \
salle des fêtes, à 18 h."
                .to_owned(),
        ),
    };
    notices::publish(db, agent, municipality, process.id, &flyer).await?;
    let minutes = MinutesDraft {
        text: Some(
            "Quarante-deux riverains présents. Le bureau d'études a présenté le stop et le dos d'âne, leurs coûts et \
leurs effets sur le bruit. Beaucoup craignent que le dos d'âne fasse freiner puis réaccélérer les voitures."
                .to_owned(),
        ),
        decisions: Some(
            "Les riverains se donnent une semaine pour en parler entre voisins, puis décideront ensemble.".to_owned(),
        ),
        actions: Some("Un comptage des véhicules a été fait avant la réunion.".to_owned()),
    };
    meetings::publish_minutes(db, agent, municipality, meeting.id, Precondition::at(meeting.version), &minutes).await?;
    let process = step(db, municipality, agent, process, ProcessStatus::Deciding).await?;
    let decision = DecisionDraft {
        outcome: Some(
            "Ni stop ni dos d'âne : la ligne droite reste telle quelle. Les riverains se retrouveront dans un an \
pour en reparler."
                .to_owned(),
        ),
        decided_by: Some(DecisionMaker::Participants),
        decided_on: days_ago(3),
        rationale: Some(
            "Les riverains présents ont craint le bruit d'un dos d'âne et des voitures qui freinent puis \
réaccélèrent ; un stop aurait déplacé le problème. Ils ont choisi ensemble la tranquillité et le statu quo."
                .to_owned(),
        ),
        resolution: Some(Resolution::StatusQuo),
        ..DecisionDraft::default()
    };
    let process = participation::decide(db, elected, municipality, process.id, at(&process), &decision).await?;
    step(db, municipality, agent, process, ProcessStatus::Closed).await?;
    let answer = AnswerDraft {
        text: Some(
            "Merci à tous les riverains venus à la réunion publique : la décision collective est de ne rien changer."
                .to_owned(),
        ),
        public: true,
    };
    requests::answer(db, agent, municipality, request.id, &answer).await?;
    // The mayor promised the families an answer within a fortnight; it came with the decision,
    // eleven days late — and shows so.
    let promise = PromiseDraft {
        kind: Some(PromiseKind::Answer),
        text: Some("Une réponse sur le stop ou le dos d'âne d'ici quinze jours.".to_owned()),
        made_by: Some("Le maire".to_owned()),
        made_on: days_ago(28),
        due_on: days_ago(14),
    };
    let promise = follow_ups::make_promise(db, municipality, (Some(request.id), None), &promise).await?;
    let kept = Settlement::Kept(days_ago(3));
    follow_ups::settle_promise(db, municipality, promise.id, Precondition::at(promise.version), &kept).await?;
    Ok(())
}

async fn school_hours(
    db: &Database,
    municipality: &Municipality,
    agent: Actor,
    elected: Actor,
) -> Result<(), UseCaseError> {
    let input = ProcessInput {
        draft: ProcessDraft {
            subject: Some("Les nouveaux rythmes scolaires".to_owned()),
            description: Some(
                "La réforme des rythmes scolaires laisse le choix de l'organisation de la semaine. Six scénarios \
ont été préparés avec les enseignants et les parents ; les familles sont consultées."
                    .to_owned(),
            ),
            perimeter: None,
            level: Some(ParticipationLevel::Consultation),
            requests: Vec::new(),
        },
        routing: RoutingCodes { delegation: Some("enfance-jeunesse-et-sport".to_owned()), services: Vec::new() },
    };
    let process = participation::create(db, agent, municipality, &input).await?;
    let process = step(db, municipality, agent, process, ProcessStatus::Open).await?;
    let survey = school_hours_survey(db, municipality, agent, &process).await?;
    let process = step(db, municipality, agent, process, ProcessStatus::Deciding).await?;
    let decision = DecisionDraft {
        outcome: Some(
            "L'organisation de la semaine retenue est celle du scénario 3, choisi par 72 % des familles.".to_owned(),
        ),
        decided_by: Some(DecisionMaker::OtherAuthority),
        authority: Some("Direction académique du Pas-de-Calais (Éducation nationale)".to_owned()),
        decided_on: Some(time::today()),
        rationale: Some(
            "Les horaires de l'école relèvent de l'Éducation nationale, qui a suivi l'avis des familles.".to_owned(),
        ),
        resolution: Some(Resolution::Done),
        surveys: vec![survey],
        ..DecisionDraft::default()
    };
    participation::decide(db, elected, municipality, process.id, at(&process), &decision).await?;
    Ok(())
}

/// The school-hours survey of §5.5.2: six scenarios, 386 responses, 57 % participation, option 3
/// chosen by 72 %. The seed gives only those three figures: an eligible population of 677
/// households reproduces the 57 %, and the other options share the rest. The ballots go through
/// the use cases — sixty by ballot code, the rest entered from paper — so that the figures come
/// out of the real arithmetic; then the town closes the survey.
async fn school_hours_survey(
    db: &Database,
    municipality: &Municipality,
    agent: Actor,
    process: &Process,
) -> Result<implication_domain::SurveyId, UseCaseError> {
    let scenarios = [
        "Semaine de quatre jours",
        "Mercredi matin, après-midi libérés tôt",
        "Mercredi matin, activités en fin de journée",
        "Samedi matin",
        "Mercredi matin, pause méridienne allongée",
        "Semaine de quatre jours et demi, horaires inchangés",
    ];
    let now = time::now();
    let draft = SurveyDraft {
        question: Some(
            "Parmi ces six organisations de la semaine scolaire, laquelle préférez-vous pour vos enfants ? (677 familles ayant un enfant à l'école publique : la population consultée qui redonne les 57 % du référentiel.)"
                .to_owned(),
        ),
        options: scenarios
            .iter()
            .enumerate()
            .map(|(i, title)| OptionDraft { title: Some(format!("Scénario {} : {title}", i + 1)), description: None })
            .collect(),
        eligible: Some(677),
        eligible_unit: Some(EligibleUnit::Households),
        opens_at: Some(now - chrono::Duration::hours(1)),
        closes_at: Some(now + chrono::Duration::hours(1)),
        live_results: false,
    };
    let survey = surveys::create(db, agent, municipality, process.id, &draft).await?;
    // Sixty by code: option 3 ×43, 1 ×5, 2 ×4, 4 ×3, 5 ×3, 6 ×2.
    let by_code: [(i64, usize); 6] = [(3, 43), (1, 5), (2, 4), (4, 3), (5, 3), (6, 2)];
    let codes = surveys::issue_codes(db, municipality, survey.id, Some(60)).await?;
    let mut codes = codes.iter();
    for (option, count) in by_code {
        for code in codes.by_ref().take(count) {
            let printed = code.printed();
            surveys::cast(db, municipality, survey.id, &Standing::Public, Some(&printed), Some(option)).await?;
        }
    }
    // The rest from paper: totals 30, 25, 278, 20, 18, 15 = 386.
    let paper = [(1, 25), (2, 21), (3, 235), (4, 17), (5, 15), (6, 13)].map(|(o, c)| (Some(o), Some(c)));
    surveys::enter_paper(db, agent, municipality, survey.id, &paper, Some(326)).await?;
    surveys::close(db, agent, municipality, survey.id).await?;
    Ok(survey.id)
}

/// The square of the town centre, being consulted on: a workshop held three weeks ago whose
/// minutes are overdue, and a public meeting next week.
async fn square(db: &Database, municipality: &Municipality, agent: Actor) -> Result<(), UseCaseError> {
    let input = ProcessInput {
        draft: ProcessDraft {
            subject: Some("Le réaménagement de la place du centre".to_owned()),
            description: Some(
                "La place doit être refaite. Avant tout plan, la commune demande aux habitants comment ils \
l'utilisent et ce qu'ils en attendent : marché, stationnement, jeux, ombre."
                    .to_owned(),
            ),
            perimeter: Some(PerimeterDraft {
                kind: Some(PerimeterKind::Neighbourhoods),
                neighbourhoods: vec!["centre-ville".to_owned()],
                streets: Vec::new(),
            }),
            level: Some(ParticipationLevel::Consultation),
            requests: Vec::new(),
        },
        routing: RoutingCodes { delegation: Some("travaux-et-urbanisme".to_owned()), services: Vec::new() },
    };
    let process = participation::create(db, agent, municipality, &input).await?;
    let process = step(db, municipality, agent, process, ProcessStatus::Open).await?;
    let workshop = MeetingDraft {
        kind: Some(MeetingKind::Workshop),
        place: Some("Médiathèque, salle du premier étage".to_owned()),
        date: days_ago(21),
        agenda: Some("Comment utilisez-vous la place aujourd'hui ?".to_owned()),
        stage: Some(MeetingStage::Discover),
        attendance: Some(17),
        ..MeetingDraft::default()
    };
    meetings::schedule(db, agent, municipality, process.id, &workshop).await?;
    let meeting = MeetingDraft {
        kind: Some(MeetingKind::PublicMeeting),
        place: Some("Salle Jacques-Brel".to_owned()),
        date: time::today().checked_add_days(Days::new(7)),
        agenda: Some("Ce que l'atelier a appris, et trois esquisses à discuter.".to_owned()),
        facilitator: Some("Service démocratie participative".to_owned()),
        stage: Some(MeetingStage::Scenarios),
        ..MeetingDraft::default()
    };
    meetings::schedule(db, agent, municipality, process.id, &meeting).await?;
    let notice = NoticeDraft {
        channel: Some(NoticeMedium::Website),
        perimeter: None,
        published_on: None,
        text: Some(
            "La place du centre sera refaite : venez dire ce que vous en attendez, réunion publique dans une semaine."
                .to_owned(),
        ),
    };
    notices::publish(db, agent, municipality, process.id, &notice).await?;
    let about = (None, Some(process.id));
    let ahead = [
        (StepKind::Study, "Relevé des usages de la place et étude du stationnement", 30),
        (StepKind::Council, "Délibération du conseil municipal sur le budget des travaux", 60),
        (StepKind::Works, "Les travaux de la place", 240),
    ];
    for (kind, description, days) in ahead {
        let draft = StepDraft {
            kind: Some(kind),
            description: Some(description.to_owned()),
            expected_on: days_ahead(days),
            done_on: None,
        };
        let step = follow_ups::add_step(db, municipality, about, &draft).await?;
        if kind == StepKind::Council {
            // The budget moved to the next council: the first day given stays visible.
            let slipped = StepDraft { expected_on: days_ahead(90), ..StepDraft::default() };
            follow_ups::change_step(db, municipality, step.id, Precondition::at(step.version), &slipped).await?;
        }
    }
    let promises = [
        (
            PromiseKind::Meeting,
            "Une réunion publique de restitution avant tout plan.",
            "L'adjoint aux travaux",
            10,
            45_i64,
        ),
        (
            PromiseKind::Answer,
            "Une réponse écrite aux commerçants sur le stationnement pendant les travaux.",
            "Le maire",
            30,
            -5,
        ),
    ];
    for (kind, text, by, made, due) in promises {
        let draft = PromiseDraft {
            kind: Some(kind),
            text: Some(text.to_owned()),
            made_by: Some(by.to_owned()),
            made_on: days_ago(made),
            due_on: if due < 0 { days_ago(due.unsigned_abs()) } else { days_ahead(due.unsigned_abs()) },
        };
        follow_ups::make_promise(db, municipality, about, &draft).await?;
    }
    Ok(())
}

fn days_ahead(days: u64) -> Option<chrono::NaiveDate> {
    time::today().checked_add_days(Days::new(days))
}

fn days_ago(days: u64) -> Option<chrono::NaiveDate> {
    time::today().checked_sub_days(Days::new(days))
}

fn at(process: &Process) -> Precondition {
    Precondition::at(process.version)
}

async fn step(
    db: &Database,
    municipality: &Municipality,
    actor: Actor,
    process: Process,
    to: ProcessStatus,
) -> Result<Process, UseCaseError> {
    let ask = TransitionAsk { to: Some(to), reason: None };
    Ok(participation::transition(db, actor, municipality, process.id, at(&process), &ask).await?.0)
}
