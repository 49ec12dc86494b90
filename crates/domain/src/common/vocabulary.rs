//! Every enumeration of the domain, with its French and English labels.
//!
//! Each enumeration is declared once with [`vocabulary!`]: the Rust enum, its stable snake_case
//! codes (what the API speaks), and its labels. The vocabulary endpoint lists them all, so that a
//! town's website never hard-codes a label.

use serde::{Deserialize, Serialize};

/// The languages labels and messages come in. French is the default: the method is French.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    /// The language of a primary language tag (`fr`, `fr-FR`, `EN-gb`), if supported.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split('-').next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("fr") {
            Some(Language::Fr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Language::En)
        } else {
            None
        }
    }
}

/// A label in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Label {
    pub fn get(self, language: Language) -> &'static str {
        match language {
            Language::Fr => self.fr,
            Language::En => self.en,
        }
    }
}

/// What the vocabulary endpoint needs to know of an enumeration.
#[derive(Debug, Clone)]
pub struct Enumeration {
    /// Its name in the API (`request_kind`).
    pub name: &'static str,
    pub description: Label,
    /// Codes and labels, in their natural order.
    pub values: Vec<(&'static str, Label)>,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident = $api_name:literal, $fr_desc:literal / $en_desc:literal {
            $($variant:ident = $code:literal: $fr:literal / $en:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code the API uses.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn label(self) -> Label {
                match self { $($name::$variant => Label { fr: $fr, en: $en }),+ }
            }

            pub fn enumeration() -> Enumeration {
                Enumeration {
                    name: $api_name,
                    description: Label { fr: $fr_desc, en: $en_desc },
                    values: Self::ALL.iter().map(|v| (v.code(), v.label())).collect(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary!(
    /// What a request is (demande, saisine, idée, plainte, pétition).
    RequestKind = "request_kind", "Nature de la demande" / "Kind of request" {
        Idea = "idea": "Idée" / "Idea",
        Need = "need": "Besoin" / "Need",
        Complaint = "complaint": "Plainte" / "Complaint",
        Petition = "petition": "Pétition" / "Petition",
        Question = "question": "Question" / "Question",
    }
);

vocabulary!(
    /// How a request reached the town.
    Channel = "channel", "Canal de la demande" / "Channel" {
        Letter = "letter": "Courrier" / "Letter",
        Appointment = "appointment": "Rendez-vous" / "Appointment",
        Informal = "informal": "Rencontre informelle (dans la rue)" / "Informal (stopped in the street)",
        SocialMedia = "social_media": "Réseaux sociaux" / "Social media",
        StreetStand = "street_stand": "Stand dans la rue" / "Street stand",
        Website = "website": "Site internet" / "Website",
        Email = "email": "Courriel" / "Email",
        Phone = "phone": "Téléphone" / "Phone",
        PublicMeeting = "public_meeting": "Réunion publique" / "Public meeting",
        Petition = "petition": "Pétition" / "Petition",
        PartnerTool = "partner_tool": "Outil d'un partenaire" / "Partner tool",
        HandedOver = "handed_over": "Transmise par une autre collectivité" / "Handed over by another body",
    }
);

vocabulary!(
    /// Who carries a request (porteur de projet, demandeur).
    RequesterKind = "requester_kind", "Type de demandeur" / "Kind of requester" {
        Individual = "individual": "Habitant" / "Individual",
        Association = "association": "Association" / "Association",
        InformalGroup = "informal_group": "Collectif informel" / "Informal group",
        School = "school": "École" / "School",
        Business = "business": "Entreprise" / "Business",
        Farm = "farm": "Exploitation agricole" / "Farm",
    }
);

vocabulary!(
    /// Where a request stands in its lifecycle.
    RequestStatus = "request_status", "Statut de la demande" / "Request status" {
        Received = "received": "Reçue" / "Received",
        Qualifying = "qualifying": "En cours de qualification" / "Being qualified",
        Qualified = "qualified": "Qualifiée" / "Qualified",
        Redirected = "redirected": "Réorientée vers l'autorité compétente" / "Redirected to the competent authority",
        Declined = "declined": "Déclinée" / "Declined",
        Answered = "answered": "Répondue" / "Answered",
        InProcess = "in_process": "En démarche participative" / "In a participation process",
        InFiftyFifty = "in_fifty_fifty": "En projet fifty-fifty" / "In a fifty-fifty project",
        Closed = "closed": "Close" / "Closed",
        Merged = "merged": "Fusionnée" / "Merged",
    }
);

vocabulary!(
    /// How a request in a process or a fifty-fifty ended.
    Resolution = "resolution", "Issue de la demande" / "Resolution" {
        Done = "done": "Réalisée" / "Done",
        StatusQuo = "status_quo": "Statu quo choisi collectivement" / "Status quo, chosen together",
        Abandoned = "abandoned": "Abandonnée" / "Abandoned",
        TakenOverByServices = "taken_over_by_services": "Reprise par les services" / "Taken over by the services",
    }
);

vocabulary!(
    /// What an entry of a request's history records.
    RequestEventKind = "request_event_kind", "Événement de la demande" / "Request event" {
        Created = "created": "Demande enregistrée" / "Request registered",
        Edited = "edited": "Demande corrigée" / "Request corrected",
        Published = "published": "Demande rendue publique" / "Request published",
        Unpublished = "unpublished": "Demande retirée de la publication" / "Request unpublished",
        Transitioned = "transitioned": "Changement de statut" / "Status changed",
        Reopened = "reopened": "Demande rouverte" / "Request reopened",
        Merged = "merged": "Fusionnée dans une autre demande" / "Merged into another request",
        MergedIn = "merged_in": "Une autre demande y a été fusionnée" / "Another request merged into it",
        Answered = "answered": "Réponse de la commune" / "The town answered",
        Qualification = "qualification": "Qualification enregistrée" / "Qualification recorded",
        HandedOver = "handed_over": "Transmise à la collectivité compétente" / "Handed over to the competent body",
        ReceivedFrom = "received_from": "Reçue d'une autre collectivité" / "Received from another body",
    }
);

vocabulary!(
    /// Who did something recorded in a history.
    ActorKind = "actor_kind", "Auteur" / "Actor" {
        Public = "public": "Le public (sans compte)" / "The public (no account)",
        Account = "account": "Une personne (compte)" / "A person (account)",
        Client = "client": "L'outil d'un partenaire" / "A partner's tool",
    }
);

vocabulary!(
    /// Whose competence a subject is.
    Competence = "competence", "Compétence" / "Competence" {
        Municipality = "municipality": "Commune" / "Municipality",
        Intercommunality = "intercommunality": "Intercommunalité" / "Intercommunality",
        Department = "department": "Département" / "Department",
        Region = "region": "Région" / "Region",
        State = "state": "État" / "State",
        Other = "other": "Autre" / "Other",
    }
);

vocabulary!(
    /// A stakeholder's place in the map of actors (cartographie des acteurs).
    StakeholderRole = "stakeholder_role", "Rôle de l'acteur" / "Stakeholder role" {
        Requester = "requester": "Demandeur" / "Requester",
        Supporter = "supporter": "Soutien" / "Supporter",
        OpposedInterest = "opposed_interest": "Intérêt opposé" / "Opposed interest",
        AffectedGeographically = "affected_geographically": "Concerné géographiquement" / "Affected geographically",
        AffectedSocially = "affected_socially": "Concerné socialement" / "Affected socially",
        CompetentAuthority = "competent_authority": "Autorité compétente" / "Competent authority",
        Implementer = "implementer": "Maître d'œuvre" / "Implementer",
    }
);

vocabulary!(
    /// The three levels of participation (§5.5).
    ParticipationLevel = "participation_level", "Niveau de participation" / "Participation level" {
        Information = "information": "Information" / "Information",
        Consultation = "consultation": "Concertation" / "Consultation",
        Coproduction = "coproduction": "Coproduction" / "Coproduction",
    }
);

vocabulary!(
    /// The prerequisites of a fifty-fifty project: the four of §5.6.1, an unmet need (§5.6.3.1),
    /// and no public service replaced nor paid work hidden (§5.6.4.2). All must hold.
    FiftyFiftyPrerequisite = "fifty_fifty_prerequisite", "Prérequis du fifty-fifty" / "Fifty-fifty prerequisite" {
        GeneralInterest = "general_interest": "Projet d'intérêt général" / "General interest",
        PublicDomain = "public_domain": "Domaine public ou patrimoine communal" / "Public domain or municipal heritage",
        LivingEnvironment = "living_environment": "Amélioration du cadre de vie" / "Improves the living environment",
        CitizenDelivery = "citizen_delivery": "Réalisation et entretien par les habitants" / "Done and kept up by the inhabitants",
        UnmetNeed = "unmet_need": "Répond à un besoin non couvert" / "Meets an unmet need",
        NoPublicServiceReplaced = "no_public_service_replaced": "Ne remplace aucun service public existant ni un travail rémunéré" / "Replaces no existing public service nor hides paid work",
    }
);

vocabulary!(
    /// The aims that make a project improve the living environment (§5.6.1; the list ends in
    /// "etc.": `other` is named in words with the answer).
    LivingEnvironmentAim = "living_environment_aim", "Objectif d'amélioration du cadre de vie" / "Living-environment aim" {
        Embellishment = "embellishment": "Embellissement" / "Embellishment",
        Safety = "safety": "Sécurité" / "Safety",
        EnvironmentalQuality = "environmental_quality": "Qualité environnementale" / "Environmental quality",
        Cleanliness = "cleanliness": "Propreté" / "Cleanliness",
        Upkeep = "upkeep": "Entretien" / "Upkeep",
        Conviviality = "conviviality": "Convivialité" / "Conviviality",
        Other = "other": "Autre" / "Other",
    }
);

vocabulary!(
    /// Where a participation process applies.
    PerimeterKind = "perimeter_kind", "Périmètre" / "Perimeter" {
        WholeTown = "whole_town": "Toute la commune" / "Whole town",
        Neighbourhoods = "neighbourhoods": "Quartiers" / "Neighbourhoods",
        Streets = "streets": "Rues" / "Streets",
    }
);

vocabulary!(
    /// Where a notice is published.
    NoticeMedium = "notice_medium", "Support d'information" / "Notice medium" {
        MunicipalMagazine = "municipal_magazine": "Magazine municipal (Échos loossois)" / "Municipal magazine",
        FlashInfo = "flash_info": "Flash-info" / "Flash-info",
        Website = "website": "Site internet" / "Website",
        SocialMedia = "social_media": "Réseaux sociaux" / "Social media",
        DisplayPanel = "display_panel": "Panneaux d'affichage" / "Display panels",
        PublicMeeting = "public_meeting": "Réunion publique" / "Public meeting",
        LetterboxDrop = "letterbox_drop": "Distribution en boîtes aux lettres" / "Letterbox drop",
    }
);

vocabulary!(
    /// Kinds of meeting.
    MeetingKind = "meeting_kind", "Type de réunion" / "Kind of meeting" {
        PublicMeeting = "public_meeting": "Réunion publique" / "Public meeting",
        Workshop = "workshop": "Atelier" / "Workshop",
        SiteVisit = "site_visit": "Visite de terrain" / "Site visit",
    }
);

vocabulary!(
    /// A meeting's place in a cycle.
    MeetingStage = "meeting_stage", "Étape du cycle de réunions" / "Meeting stage" {
        Discover = "discover": "Découverte" / "Discover",
        Scenarios = "scenarios": "Scénarios" / "Scenarios",
        Decide = "decide": "Décision" / "Decide",
    }
);

vocabulary!(
    /// Kinds of standing body (§5.5, §4.3.1.3, §6.1.1).
    BodyKind = "body_kind", "Type d'instance" / "Kind of standing body" {
        Commission = "commission": "Commission (extra-)municipale" / "Commission",
        NeighbourhoodGroup = "neighbourhood_group": "Groupe de quartier" / "Neighbourhood group",
        YearlyMeeting = "yearly_meeting": "Rencontre annuelle (agriculteurs, enseignants, commerçants)" / "Yearly meeting (farmers, teachers, shopkeepers)",
        Council = "council": "Conseil (des jeunes, des sages)" / "Council (youth, elders)",
        Other = "other": "Autre" / "Other",
    }
);

vocabulary!(
    /// To whom a meeting's minutes were delivered (annex A1).
    MinutesAudience = "minutes_audience", "Destinataires du compte rendu" / "Minutes audience" {
        Participants = "participants": "Les participants (dans leur boîte aux lettres)" / "The participants (in their letterboxes)",
        Neighbourhoods = "neighbourhoods": "Des quartiers" / "Neighbourhoods",
        WholeTown = "whole_town": "Toute la commune" / "The whole town",
    }
);

vocabulary!(
    /// A step still ahead of a request or a process (§6.4.2).
    StepKind = "step_kind", "Étape à venir" / "Step ahead" {
        Permit = "permit": "Une autorisation (permis, déclaration)" / "A permit",
        OtherAuthority = "other_authority": "La décision d'une autre autorité" / "Another authority's decision",
        Council = "council": "Le conseil municipal" / "The municipal council",
        Study = "study": "Une étude des services" / "A study by the services",
        Works = "works": "Les travaux" / "The works",
        Other = "other": "Autre" / "Other",
    }
);

vocabulary!(
    /// What was promised to requesters.
    PromiseKind = "promise_kind", "Promesse" / "Promise" {
        Answer = "answer": "Une réponse à une date" / "An answer by a date",
        Meeting = "meeting": "Une réunion" / "A meeting",
        Works = "works": "Des travaux" / "Works",
        Other = "other": "Autre" / "Other",
    }
);

vocabulary!(
    /// Where a promise stands.
    PromiseStatus = "promise_status", "Suivi de la promesse" / "Promise status" {
        Pending = "pending": "En attente" / "Pending",
        Kept = "kept": "Tenue" / "Kept",
        Withdrawn = "withdrawn": "Retirée" / "Withdrawn",
    }
);

vocabulary!(
    /// What a survey's eligible population counts.
    EligibleUnit = "eligible_unit", "Population consultée" / "Eligible population" {
        People = "people": "Personnes" / "People",
        Households = "households": "Foyers" / "Households",
    }
);

vocabulary!(
    /// Who took a decision.
    DecisionMaker = "decision_maker", "Auteur de la décision" / "Decision maker" {
        ElectedOfficials = "elected_officials": "Les élus" / "The elected officials",
        MunicipalCouncil = "municipal_council": "Le conseil municipal (délibération)" / "The municipal council (deliberation)",
        Participants = "participants": "Les participants ensemble" / "The participants together",
        OtherAuthority = "other_authority": "Une autre autorité" / "Another authority",
    }
);

vocabulary!(
    /// Where a participation process stands in its lifecycle.
    ProcessStatus = "process_status", "Statut de la démarche" / "Process status" {
        Preparing = "preparing": "En préparation" / "Being prepared",
        Open = "open": "Ouverte" / "Open",
        Deciding = "deciding": "En décision" / "Being decided",
        Decided = "decided": "Décidée" / "Decided",
        Closed = "closed": "Close" / "Closed",
        Abandoned = "abandoned": "Abandonnée" / "Abandoned",
    }
);

vocabulary!(
    /// Where a participation process came from.
    ProcessOrigin = "process_origin", "Origine de la démarche" / "Process origin" {
        Requests = "requests": "Des demandes d'habitants" / "Inhabitants' requests",
        TownInitiative = "town_initiative": "L'initiative de la commune" / "The town's initiative",
    }
);

vocabulary!(
    /// What an entry of a process's history records.
    ProcessEventKind = "process_event_kind", "Événement de la démarche" / "Process event" {
        Created = "created": "Démarche ouverte en préparation" / "Process created",
        Edited = "edited": "Démarche corrigée" / "Process corrected",
        Transitioned = "transitioned": "Changement de statut" / "Status changed",
        LevelChanged = "level_changed": "Changement de niveau de participation" / "Participation level changed",
        RequestLinked = "request_linked": "Demande rattachée" / "Request linked",
        Decided = "decided": "Décision enregistrée" / "Decision recorded",
        DecisionAmended = "decision_amended": "Décision corrigée" / "Decision amended",
        MeetingScheduled = "meeting_scheduled": "Réunion programmée" / "Meeting scheduled",
        MeetingChanged = "meeting_changed": "Réunion modifiée" / "Meeting changed",
        MinutesPublished = "minutes_published": "Compte rendu publié" / "Minutes published",
        MinutesDelivered = "minutes_delivered": "Compte rendu distribué" / "Minutes delivered",
        NoticeAdded = "notice_added": "Information publiée" / "Notice published",
        SurveyCreated = "survey_created": "Sondage préparé" / "Survey created",
        SurveyClosed = "survey_closed": "Sondage clos avant l'heure" / "Survey closed early",
        PaperBallotsEntered = "paper_ballots": "Bulletins papier saisis" / "Paper ballots entered",
    }
);

vocabulary!(
    /// A fifty-fifty project's weight (§5.6.3.2).
    ProjectWeight = "project_weight", "Poids du projet" / "Project weight" {
        Light = "light": "Léger (finitions)" / "Light (finishing work)",
        Heavy = "heavy": "Lourd (structurel)" / "Heavy (structural work)",
    }
);

vocabulary!(
    /// Risks weighed in a fifty-fifty diagnostic (§6.3).
    ProjectRisk = "project_risk", "Risque du projet" / "Project risk" {
        Insurance = "insurance": "Assurance" / "Insurance",
        Conformity = "conformity": "Conformité des ouvrages" / "Conformity of the works",
        Heritage = "heritage": "Protection du patrimoine" / "Heritage protection",
        ParticipantSafety = "participant_safety": "Sécurité des participants" / "Participants' safety",
    }
);

vocabulary!(
    /// Where a fifty-fifty project stands (§5.6.3).
    ProjectStatus = "project_status", "Statut du projet fifty-fifty" / "Fifty-fifty project status" {
        Diagnosing = "diagnosing": "En diagnostic" / "Being diagnosed",
        Drafting = "drafting": "Convention en rédaction" / "Convention being drafted",
        Signing = "signing": "Convention à la signature" / "Convention being signed",
        Running = "running": "En cours" / "Running",
        Completed = "completed": "Réalisé" / "Completed",
        Abandoned = "abandoned": "Abandonné" / "Abandoned",
        TakenOverByServices = "taken_over_by_services": "Repris par les services" / "Taken over by the services",
    }
);

vocabulary!(
    /// What an entry of a project's history records.
    ProjectEventKind = "project_event_kind", "Événement du projet" / "Project event" {
        Created = "created": "Projet lancé" / "Project started",
        Diagnosed = "diagnosed": "Diagnostic enregistré" / "Diagnostic recorded",
        Transitioned = "transitioned": "Changement de statut" / "Status changed",
        RequestLinked = "request_linked": "Demande rattachée" / "Request linked",
        ConventionDrafted = "convention_drafted": "Convention rédigée" / "Convention drafted",
        ConventionChanged = "convention_changed": "Convention modifiée" / "Convention changed",
        ConventionAmended = "convention_amended": "Avenant à la convention" / "Convention amended",
        OpenedForSignature = "opened_for_signature": "Convention ouverte à la signature" / "Convention opened for signature",
        InsuranceAttested = "insurance_attested": "Assurance attestée" / "Insurance attested",
        Signed = "signed": "Signature d'une partie" / "Signed by a party",
        ConventionSigned = "convention_signed": "Convention signée par toutes les parties" / "Convention signed by every party",
        FulfilmentRecorded = "fulfilment_recorded": "Suivi d'un engagement" / "Commitment followed up",
        ParticipantsRecorded = "participants_recorded": "Participants recensés" / "Participants recorded",
        CostsRecorded = "costs_recorded": "Coûts enregistrés" / "Costs recorded",
        ConventionEnded = "convention_ended": "Convention achevée" / "Convention ended",
    }
);

vocabulary!(
    /// How often an upkeep commitment recurs.
    UpkeepRecurrence = "upkeep_recurrence", "Fréquence de l'entretien" / "Upkeep recurrence" {
        Weekly = "weekly": "Chaque semaine" / "Weekly",
        Monthly = "monthly": "Chaque mois" / "Monthly",
        Seasonal = "seasonal": "Chaque saison" / "Each season",
        Yearly = "yearly": "Chaque année" / "Yearly",
    }
);

vocabulary!(
    /// Where a narrative stands: written, published with its author's consent, or withdrawn.
    NarrativeStatus = "narrative_status", "Statut du récit" / "Narrative status" {
        Submitted = "submitted": "Proposé" / "Submitted",
        Published = "published": "Publié" / "Published",
        Withdrawn = "withdrawn": "Retiré" / "Withdrawn",
    }
);

vocabulary!(
    /// What a participant took part in.
    ParticipationKind = "participation_kind", "Participation" / "Participation" {
        AttendedMeeting = "attended_meeting": "Présence à une réunion" / "Attended a meeting",
        AnsweredSurvey = "answered_survey": "Réponse à un sondage" / "Answered a survey",
        CarriedProject = "carried_project": "Porteur d'un projet" / "Carried a project",
        TookPartInProject = "took_part_in_project": "Participant à un projet" / "Took part in a project",
        ContributedToProcess = "contributed_to_process": "Contribution à une démarche" / "Contributed to a process",
    }
);

vocabulary!(
    /// Where an evaluation round stands (§6.2.2).
    RoundStatus = "round_status", "Étape de la session d'évaluation" / "Evaluation round status" {
        CarriersSurvey = "carriers_survey": "Enquête auprès des porteurs" / "Carriers' survey",
        WorkingGroup = "working_group": "Groupe de travail mixte" / "Mixed working group",
        Concluded = "concluded": "Conclue" / "Concluded",
    }
);

vocabulary!(
    /// What an evaluation round found.
    FindingKind = "finding_kind", "Constat" / "Finding" {
        Success = "success": "Réussite" / "Success",
        Difficulty = "difficulty": "Difficulté" / "Difficulty",
        Failure = "failure": "Échec" / "Failure",
        Recommendation = "recommendation": "Recommandation" / "Recommendation",
    }
);

vocabulary!(
    /// What a narrative tells of.
    NarrativeSubject = "narrative_subject", "Objet du récit" / "Narrative subject" {
        Project = "project": "Un projet fifty-fifty" / "A fifty-fifty project",
        Process = "process": "Une démarche participative" / "A participation process",
    }
);

vocabulary!(
    /// A fifty-fifty project's outcome.
    ProjectOutcome = "project_outcome", "Issue du projet" / "Project outcome" {
        Completed = "completed": "Réalisé" / "Completed",
        Abandoned = "abandoned": "Abandonné" / "Abandoned",
        TakenOverByServices = "taken_over_by_services": "Repris par les services" / "Taken over by the services",
    }
);

vocabulary!(
    /// Where a convention stands.
    ConventionStatus = "convention_status", "Statut de la convention" / "Convention status" {
        Draft = "draft": "Brouillon" / "Draft",
        OpenForSignature = "open_for_signature": "Ouverte à la signature" / "Open for signature",
        Signed = "signed": "Signée" / "Signed",
        Active = "active": "En cours" / "Active",
        Completed = "completed": "Exécutée" / "Completed",
        Lapsed = "lapsed": "Caduque" / "Lapsed",
        Terminated = "terminated": "Résiliée" / "Terminated",
    }
);

vocabulary!(
    /// Who can be party to a convention.
    PartyKind = "party_kind", "Type de partie" / "Kind of party" {
        Municipality = "municipality": "Commune" / "Municipality",
        Association = "association": "Association" / "Association",
        Farm = "farm": "Exploitation agricole" / "Farm",
        Individual = "individual": "Habitant" / "Individual",
        InformalGroup = "informal_group": "Collectif informel" / "Informal group",
        School = "school": "École" / "School",
        Business = "business": "Entreprise" / "Business",
    }
);

vocabulary!(
    /// What a party commits to bring.
    CommitmentKind = "commitment_kind", "Type d'engagement" / "Kind of commitment" {
        Funding = "funding": "Financement" / "Funding",
        Materials = "materials": "Matériaux" / "Materials",
        Equipment = "equipment": "Matériel sans chauffeur" / "Equipment without driver",
        EquipmentWithDriver = "equipment_with_driver": "Matériel avec chauffeur" / "Equipment with driver",
        Labour = "labour": "Main-d'œuvre" / "Labour",
        StaffTime = "staff_time": "Temps d'agents" / "Staff time",
        Upkeep = "upkeep": "Entretien dans la durée" / "Upkeep over time",
    }
);

vocabulary!(
    /// How far a commitment was kept.
    CommitmentFulfilment = "commitment_fulfilment", "Respect de l'engagement" / "Commitment fulfilment" {
        Pending = "pending": "En attente" / "Pending",
        Fulfilled = "fulfilled": "Tenu" / "Fulfilled",
        PartlyFulfilled = "partly_fulfilled": "Partiellement tenu" / "Partly fulfilled",
        NotFulfilled = "not_fulfilled": "Non tenu" / "Not fulfilled",
    }
);

vocabulary!(
    /// A person's role in a municipality.
    Role = "role", "Rôle" / "Role" {
        Inhabitant = "inhabitant": "Habitant" / "Inhabitant",
        Agent = "agent": "Agent" / "Agent",
        Elected = "elected": "Élu" / "Elected official",
        Admin = "admin": "Administrateur de la commune" / "Municipality admin",
    }
);

/// Every enumeration, in the order the vocabulary endpoint lists them.
pub fn catalogue() -> Vec<Enumeration> {
    vec![
        RequestKind::enumeration(),
        Channel::enumeration(),
        RequesterKind::enumeration(),
        RequestStatus::enumeration(),
        Resolution::enumeration(),
        RequestEventKind::enumeration(),
        ActorKind::enumeration(),
        Competence::enumeration(),
        StakeholderRole::enumeration(),
        ParticipationLevel::enumeration(),
        FiftyFiftyPrerequisite::enumeration(),
        LivingEnvironmentAim::enumeration(),
        PerimeterKind::enumeration(),
        NoticeMedium::enumeration(),
        MeetingKind::enumeration(),
        MeetingStage::enumeration(),
        DecisionMaker::enumeration(),
        EligibleUnit::enumeration(),
        BodyKind::enumeration(),
        MinutesAudience::enumeration(),
        StepKind::enumeration(),
        PromiseKind::enumeration(),
        PromiseStatus::enumeration(),
        ProcessStatus::enumeration(),
        ProcessOrigin::enumeration(),
        ProcessEventKind::enumeration(),
        ProjectStatus::enumeration(),
        ProjectEventKind::enumeration(),
        ProjectWeight::enumeration(),
        ProjectRisk::enumeration(),
        ProjectOutcome::enumeration(),
        NarrativeStatus::enumeration(),
        ParticipationKind::enumeration(),
        RoundStatus::enumeration(),
        FindingKind::enumeration(),
        NarrativeSubject::enumeration(),
        ConventionStatus::enumeration(),
        PartyKind::enumeration(),
        CommitmentKind::enumeration(),
        UpkeepRecurrence::enumeration(),
        CommitmentFulfilment::enumeration(),
        Role::enumeration(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_snake_case_and_unique_within_each_enumeration() {
        for enumeration in catalogue() {
            let mut seen = HashSet::new();
            for (code, label) in &enumeration.values {
                assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
                assert!(seen.insert(*code), "{} repeats {code}", enumeration.name);
                assert!(!label.fr.is_empty() && !label.en.is_empty());
            }
        }
    }

    #[test]
    fn enumeration_names_are_unique() {
        let names: HashSet<_> = catalogue().iter().map(|e| e.name).collect();
        assert_eq!(names.len(), catalogue().len());
    }

    #[test]
    fn serde_speaks_the_same_codes_as_the_vocabulary() {
        for status in RequestStatus::ALL {
            let json = serde_json::to_string(status).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", status.code()));
            assert_eq!(serde_json::from_str::<RequestStatus>(&json).ok(), Some(*status));
        }
        assert_eq!(Channel::from_code("social_media"), Some(Channel::SocialMedia));
        assert_eq!(Channel::from_code("Social_Media"), None);
    }

    #[test]
    fn language_tags_pick_french_or_english() {
        assert_eq!(Language::from_tag("fr-FR"), Some(Language::Fr));
        assert_eq!(Language::from_tag("EN-gb"), Some(Language::En));
        assert_eq!(Language::from_tag("de"), None);
        assert_eq!(Language::default(), Language::Fr);
    }

    #[test]
    fn labels_come_in_the_asked_language() {
        assert_eq!(ParticipationLevel::Consultation.label().get(Language::Fr), "Concertation");
        assert_eq!(ParticipationLevel::Consultation.label().get(Language::En), "Consultation");
    }
}
