//! Demo fifty-fifty projects (§5.6.4.2, §6.3): the football shelters the club asked for — heavy
//! (a concrete slab on a UNESCO-listed square), with the heritage architect's review, the club's
//! statutes and the volunteers' safety still open — taken over by the services. Written through
//! the use cases; loaded once (a town that has projects is left as it is).

use crate::UseCaseError;
use crate::conventions::{self, ProjectInput};
use implication_domain::Precondition;
use implication_domain::conventions::diagnostic::ResolutionDraft;
use implication_domain::conventions::{
    CarrierDraft, DiagnosticDraft, ProjectDraft, RiskDraft, TaskDraft, TransitionAsk,
};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::{ProjectRisk, ProjectStatus, ProjectWeight, RequestStatus, RequesterKind};
use implication_domain::{Municipality, time};
use implication_storage::Database;
// Reads only: every write goes through the use cases.
use implication_storage::conventions::{self as store, Filter};
use implication_storage::requests::{self as request_store, Sort};

const SHELTERS: &str = "Nouveaux abris pour les joueurs de football";

pub async fn load(db: &Database, municipality: &Municipality, agent: Actor) -> anyhow::Result<()> {
    if municipality.slug.as_str() != "loos-en-gohelle" {
        return Ok(());
    }
    let existing = store::list(db, municipality.id, &Filter::default(), 1, None).await?;
    if !existing.items.is_empty() {
        return Ok(());
    }
    football_shelters(db, municipality, agent).await.map_err(|e| anyhow::anyhow!("demo football shelters: {e}"))?;
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
