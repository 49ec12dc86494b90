//! Demo qualifications (§5.4.2, §5.6.1): the waste complaint redirected to the agglomeration,
//! the speeding in the Tilleuls estate recommended for consultation, the flower boxes and the
//! other fifty-fifty projects eligible, the football shelters eligible but heavy, the private
//! driveway and the solar panels not. Each is recorded, through the domain's rules, just before
//! its request is qualified. The speeding complaint of rue Lamartine is left for you to qualify.

use crate::requests::{QualificationInput, RoutingCodes};
use implication_domain::requests::Request;
use implication_domain::requests::qualification::{PrerequisiteDraft, QualificationDraft, Routing, StakeholderDraft};
use implication_domain::vocabulary::{
    Competence, FiftyFiftyPrerequisite, LivingEnvironmentAim, ParticipationLevel, StakeholderRole,
};

use Competence::*;
use FiftyFiftyPrerequisite::*;
use LivingEnvironmentAim::*;
use ParticipationLevel::*;
use StakeholderRole::*;

pub(super) struct Spec {
    /// The title of the demo request it qualifies.
    pub title: &'static str,
    need: &'static str,
    interest: &'static str,
    stakeholders: &'static [(&'static str, StakeholderRole, &'static str, bool)],
    competence: Competence,
    authority: Option<&'static str>,
    level: ParticipationLevel,
    delegation: Option<&'static str>,
    services: &'static [&'static str],
    /// Answers to the six prerequisites, in order; `aims` go with the living environment.
    prerequisites: Option<[(bool, &'static str); 6]>,
    aims: &'static [LivingEnvironmentAim],
}

const WORKS: Option<&str> = Some("travaux-et-urbanisme");
const YOUTH: Option<&str> = Some("enfance-jeunesse-et-sport");
const LIFE: Option<&str> = Some("democratie-participative-et-vie-associative");
const TECHNICAL: &[&str] = &["services-techniques"];

/// A project the inhabitants carry on public ground, for all: the six prerequisites hold.
const fn eligible(public: &'static str, delivery: &'static str) -> Option<[(bool, &'static str); 6]> {
    Some([
        (true, "Un projet ouvert à tous les habitants, pas à un intérêt particulier."),
        (true, public),
        (true, "Le cadre de vie du quartier en sort amélioré."),
        (true, delivery),
        (true, "Rien ne répond aujourd'hui à ce besoin dans le quartier."),
        (true, "Un travail que les services ne font pas et que personne n'est payé pour faire."),
    ])
}

pub(super) const LOOS: &[Spec] = &[
    Spec {
        title: "Poubelles non ramassées rue Bayard",
        need: "Que les bacs de la rue Bayard soient de nouveau collectés chaque semaine.",
        interest: "Les riverains de la rue, gênés par les sacs et les rats.",
        stakeholders: &[(
            "Communauté d'agglomération de Lens-Liévin",
            CompetentAuthority,
            "Organise la collecte.",
            false,
        )],
        competence: Intercommunality,
        authority: Some("Communauté d'agglomération de Lens-Liévin"),
        level: Information,
        delegation: WORKS,
        services: TECHNICAL,
        prerequisites: None,
        aims: &[],
    },
    Spec {
        title: "Vitesse excessive dans le lotissement des Tilleuls",
        need: "Faire ralentir les voitures dans la ligne droite du lotissement, là où jouent les enfants.",
        interest: "Des familles du lotissement, pour la sécurité des enfants.",
        stakeholders: &[
            ("Riverains de la ligne droite", AffectedGeographically, "Craignent le bruit d'un dos d'âne.", true),
            ("Bureau d'études voirie", Implementer, "Étudie un stop ou un dos d'âne.", false),
        ],
        competence: Municipality,
        authority: None,
        level: Consultation,
        delegation: WORKS,
        services: TECHNICAL,
        prerequisites: Some([
            (true, "La sécurité de tous les enfants du lotissement."),
            (true, "La voirie du lotissement est communale."),
            (true, "Moins de vitesse, plus de sécurité."),
            (false, "Des travaux de voirie : ni faits ni entretenus par des habitants."),
            (true, "Rien ne ralentit aujourd'hui les voitures dans la ligne droite."),
            (false, "Des travaux de voirie : le travail des services et des entreprises."),
        ]),
        aims: &[Safety],
    },
    Spec {
        title: "Un skate-park pour les jeunes",
        need: "Un lieu de glisse pour les adolescents, construit avec eux.",
        interest: "Les jeunes skaters, qui n'ont pas de lieu à eux.",
        stakeholders: &[("Service jeunesse", Implementer, "Encadre le chantier.", false)],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: YOUTH,
        services: &["service-jeunesse-et-sports", "services-techniques"],
        prerequisites: eligible(
            "Un terrain communal derrière la salle des sports.",
            "Les jeunes construisent les modules.",
        ),
        aims: &[Conviviality, Safety],
    },
    Spec {
        title: "Des bacs à fleurs rue Bayard",
        need: "Fleurir la rue Bayard avec des bacs que les voisins entretiennent.",
        interest: "Les voisins de la rue, pour leur cadre de vie.",
        stakeholders: &[("Services techniques", Implementer, "Livrent les bacs et la terre.", false)],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: LIFE,
        services: &["service-environnement"],
        prerequisites: eligible("Les bacs sont posés sur le trottoir communal.", "Les voisins plantent et arrosent."),
        aims: &[Embellishment, Conviviality],
    },
    Spec {
        title: "Repeindre les vestiaires du stade",
        need: "Des vestiaires repeints par le club, avec la peinture de la commune.",
        interest: "L'Union sportive de Loos et ses licenciés.",
        stakeholders: &[("Union sportive de Loos", Requester, "Ses joueurs se changent dans ces vestiaires.", false)],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: YOUTH,
        services: &["service-jeunesse-et-sports"],
        prerequisites: eligible("Les vestiaires sont un bâtiment communal.", "Les bénévoles du club peignent."),
        aims: &[Embellishment, Upkeep],
    },
    Spec {
        title: "Nouveaux abris pour les joueurs de football",
        need: "Des abris de touche en béton pour les joueurs, construits par les bénévoles du club.",
        interest: "L'Union sportive de Loos.",
        stakeholders: &[
            ("Union sportive de Loos", Requester, "Ses bénévoles feraient le chantier.", false),
            ("Services techniques", Implementer, "Un ouvrage lourd : fondations et conformité.", false),
        ],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: YOUTH,
        services: &["service-jeunesse-et-sports", "services-techniques"],
        prerequisites: eligible(
            "Le stade est communal.",
            "Les bénévoles construisent ; un projet lourd, dont les risques restent à lever.",
        ),
        aims: &[Safety, Conviviality],
    },
    Spec {
        title: "Rénover les chemins ruraux avec les agriculteurs",
        need: "Remettre en état les chemins ruraux, un kilomètre par an, avec les exploitants.",
        interest: "Les agriculteurs, les promeneurs et les cyclistes.",
        stakeholders: &[("EARL du Marais", Requester, "Prête engins et main-d'œuvre.", false)],
        competence: Municipality,
        authority: None,
        level: Consultation,
        delegation: WORKS,
        services: TECHNICAL,
        prerequisites: eligible("Les chemins ruraux appartiennent à la commune.", "Les exploitants font les travaux."),
        aims: &[Upkeep, Safety],
    },
    Spec {
        title: "Horaires de la déchetterie",
        need: "Connaître les horaires d'ouverture de la déchetterie.",
        interest: "Un habitant.",
        stakeholders: &[],
        competence: Municipality,
        authority: None,
        level: Information,
        delegation: None,
        services: &[],
        prerequisites: None,
        aims: &[],
    },
    Spec {
        title: "Goudronner l'allée de ma propriété",
        need: "Goudronner une allée privée.",
        interest: "Un propriétaire, pour son seul usage.",
        stakeholders: &[],
        competence: Municipality,
        authority: None,
        level: Information,
        delegation: WORKS,
        services: &[],
        prerequisites: Some([
            (false, "Un intérêt particulier."),
            (false, "Une allée privée, hors du domaine public."),
            (false, "Un terrain privé."),
            (false, "Le demandeur attend des travaux de la commune."),
            (false, "Un besoin privé, pas collectif."),
            (false, "Ce serait le travail payé d'une entreprise."),
        ]),
        aims: &[],
    },
    Spec {
        title: "Des panneaux solaires sur le toit de l'église",
        need: "Installer des panneaux photovoltaïques sur le toit de l'église, financés par une coopérative.",
        interest: "Une coopérative d'énergie citoyenne.",
        stakeholders: &[("Architecte des bâtiments de France", CompetentAuthority, "L'église est protégée.", true)],
        competence: Municipality,
        authority: None,
        level: Consultation,
        delegation: LIFE,
        services: TECHNICAL,
        prerequisites: Some([
            (true, "Une énergie produite pour la commune."),
            (true, "L'église est un bâtiment communal."),
            (true, "Une meilleure qualité environnementale."),
            (false, "Une pose sur toiture par des professionnels, pas par des habitants."),
            (true, "Aucune énergie n'est produite aujourd'hui sur les bâtiments communaux."),
            (true, "Aucun service public n'assure cette production."),
        ]),
        aims: &[EnvironmentalQuality],
    },
    Spec {
        title: "Journée de ramassage des déchets sur les terrils",
        need: "Une journée de ramassage des déchets sur les terrils, avec les marcheurs.",
        interest: "L'association Les Caribous des terrils.",
        stakeholders: &[("Les Caribous des terrils", Requester, "Mobilise les marcheurs.", false)],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: LIFE,
        services: &["service-environnement"],
        prerequisites: eligible("Les chemins des terrils sont communaux.", "Les marcheurs ramassent."),
        aims: &[Cleanliness, EnvironmentalQuality],
    },
    Spec {
        title: "Planter des arbres cité Belgique",
        need: "Planter des arbres dans la cité Belgique avec ses habitants.",
        interest: "Les habitants de la cité.",
        stakeholders: &[],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: LIFE,
        services: &["service-environnement"],
        prerequisites: eligible("Des espaces verts communaux.", "Les habitants plantent et arrosent."),
        aims: &[Embellishment, EnvironmentalQuality],
    },
    Spec {
        title: "Remplacer les tapis du club d'arts martiaux",
        need: "Changer les tapis usés du dojo, posés par les membres du club.",
        interest: "Le Judo club loossois.",
        stakeholders: &[],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: YOUTH,
        services: &["service-jeunesse-et-sports"],
        prerequisites: eligible("Le dojo est une salle communale.", "Les membres posent les tapis."),
        aims: &[Safety, Upkeep],
    },
    Spec {
        title: "Un jardin partagé au pied de l'immeuble Cœur de Loos",
        need: "Un jardin partagé cultivé par les habitants de l'immeuble.",
        interest: "Les habitants de Cœur de Loos.",
        stakeholders: &[],
        competence: Municipality,
        authority: None,
        level: Coproduction,
        delegation: LIFE,
        services: &["service-environnement"],
        prerequisites: eligible("Une pelouse communale.", "Les habitants cultivent."),
        aims: &[Conviviality, Embellishment],
    },
    Spec {
        title: "Parterres fleuris abandonnés",
        need: "Que les parterres de la cité 12 soient de nouveau entretenus.",
        interest: "Des habitants de la cité 12.",
        stakeholders: &[("Nouveaux riverains", AffectedGeographically, "N'ont pas repris l'arrosage.", false)],
        competence: Municipality,
        authority: None,
        level: Consultation,
        delegation: LIFE,
        services: &["service-environnement"],
        prerequisites: Some([
            (true, "Le cadre de vie de la rue."),
            (true, "Des parterres communaux."),
            (true, "Des parterres fleuris."),
            (false, "Plus personne ne se propose pour l'entretien."),
            (true, "Les parterres ne sont plus entretenus par personne."),
            (true, "Les services n'ont jamais entretenu ces parterres."),
        ]),
        aims: &[Embellishment],
    },
    Spec {
        title: "Cantine du collège",
        need: "Savoir qui décide des menus de la cantine du collège.",
        interest: "Des parents d'élèves.",
        stakeholders: &[(
            "Département du Pas-de-Calais",
            CompetentAuthority,
            "Gère la restauration des collèges.",
            false,
        )],
        competence: Department,
        authority: Some("Département du Pas-de-Calais"),
        level: Information,
        delegation: YOUTH,
        services: &[],
        prerequisites: None,
        aims: &[],
    },
];

impl Spec {
    /// The document that qualifies `request`, as a client would send it; the use case checks
    /// it like any other.
    pub(super) fn input(&self, request: &Request) -> QualificationInput {
        let prerequisites = self
            .prerequisites
            .map(|answers| {
                FiftyFiftyPrerequisite::ALL
                    .iter()
                    .zip(answers)
                    .map(|(p, (holds, why))| {
                        let aims = if *p == LivingEnvironment && holds { self.aims.to_vec() } else { Vec::new() };
                        (
                            *p,
                            PrerequisiteDraft {
                                holds: Some(holds),
                                justification: Some(why.to_owned()),
                                aims,
                                other_aim: None,
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let draft = QualificationDraft {
            restated_need: Some(self.need.to_owned()),
            requester_interest: Some(self.interest.to_owned()),
            stakeholders: self
                .stakeholders
                .iter()
                .map(|(name, role, interest, conflicts)| StakeholderDraft {
                    name: Some((*name).to_owned()),
                    role: Some(*role),
                    interest: Some((*interest).to_owned()),
                    conflicts_with_requester: Some(*conflicts),
                })
                .collect(),
            competence: Some(self.competence),
            competent_authority: self.authority.map(str::to_owned),
            previously_handled: Vec::new(),
            previously_handled_processes: Vec::new(),
            themes: request.themes.iter().map(ToString::to_string).collect(),
            neighbourhood: request.neighbourhood.as_ref().map(ToString::to_string),
            routing: Routing::default(),
            recommended_level: Some(self.level),
            prerequisites,
        };
        let routing = RoutingCodes {
            delegation: self.delegation.map(str::to_owned),
            services: self.services.iter().map(|s| (*s).to_owned()).collect(),
        };
        QualificationInput { draft, routing }
    }
}
