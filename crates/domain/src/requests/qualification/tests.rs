use super::*;
use crate::requests::Catalogue;
use FiftyFiftyPrerequisite::*;

fn catalogue_codes() -> (Vec<String>, Vec<String>) {
    (vec!["roads-and-traffic".to_owned(), "green-spaces-and-biodiversity".to_owned()], vec!["cite-5".to_owned()])
}

fn parse(draft: &QualificationDraft) -> Result<Qualification, ValidationErrors> {
    let (themes, neighbourhoods) = catalogue_codes();
    Qualification::parse(RequestId::new(), draft, Catalogue { themes: &themes, neighbourhoods: &neighbourhoods })
}

fn fields(result: Result<Qualification, ValidationErrors>) -> Vec<(String, &'static str)> {
    match result {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn yes(aims: &[LivingEnvironmentAim]) -> PrerequisiteDraft {
    PrerequisiteDraft {
        holds: Some(true),
        justification: Some("Vu avec les riverains.".to_owned()),
        aims: aims.to_vec(),
        other_aim: None,
    }
}

fn no() -> PrerequisiteDraft {
    PrerequisiteDraft {
        holds: Some(false),
        justification: Some("Terrain privé.".to_owned()),
        aims: Vec::new(),
        other_aim: None,
    }
}

/// The flower boxes of rue Bayard: complete and eligible.
fn flower_boxes() -> QualificationDraft {
    QualificationDraft {
        restated_need: Some("Fleurir la rue Bayard avec des bacs entretenus par les riverains.".to_owned()),
        requester_interest: Some("Les voisins de la rue, pour leur cadre de vie.".to_owned()),
        stakeholders: vec![StakeholderDraft {
            name: Some("Services techniques".to_owned()),
            role: Some(StakeholderRole::Implementer),
            interest: None,
            conflicts_with_requester: None,
        }],
        competence: Some(Competence::Municipality),
        themes: vec!["green-spaces-and-biodiversity".to_owned()],
        neighbourhood: Some("cite-5".to_owned()),
        recommended_level: Some(ParticipationLevel::Coproduction),
        prerequisites: vec![
            (GeneralInterest, yes(&[])),
            (PublicDomain, yes(&[])),
            (LivingEnvironment, yes(&[LivingEnvironmentAim::Embellishment, LivingEnvironmentAim::Conviviality])),
            (CitizenDelivery, yes(&[])),
            (UnmetNeed, yes(&[])),
            (NoPublicServiceReplaced, yes(&[])),
        ],
        ..QualificationDraft::default()
    }
}

#[test]
fn the_flower_boxes_are_complete_and_eligible() {
    let qualification = parse(&flower_boxes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(qualification.completeness(), Completeness { complete: true, missing: vec![] });
    assert_eq!(qualification.eligibility(), Eligibility { eligible: true, unmet: vec![] });
    let facts = qualification.facts();
    assert!(facts.complete() && facts.other_authority().is_none() && facts.eligible());
}

#[test]
fn completeness_names_each_missing_essential() {
    // Every combination of the three essentials present or absent.
    for mask in 0..8_u8 {
        let mut draft = flower_boxes();
        if mask & 1 == 0 {
            draft.restated_need = None;
        }
        if mask & 2 == 0 {
            draft.competence = None;
        }
        if mask & 4 == 0 {
            draft.recommended_level = None;
        }
        let completeness = parse(&draft).unwrap_or_else(|e| panic!("{e}")).completeness();
        let mut expected = Vec::new();
        if mask & 1 == 0 {
            expected.push("restated_need");
        }
        if mask & 2 == 0 {
            expected.push("competence");
        }
        if mask & 4 == 0 {
            expected.push("recommended_level");
        }
        assert_eq!(completeness.complete, expected.is_empty(), "mask {mask}");
        assert_eq!(completeness.missing, expected, "mask {mask}");
    }
}

#[test]
fn eligibility_needs_all_six_prerequisites_and_names_the_unmet_ones() {
    assert_eq!(
        FiftyFiftyPrerequisite::ALL,
        [GeneralInterest, PublicDomain, LivingEnvironment, CitizenDelivery, UnmetNeed, NoPublicServiceReplaced]
    );
    // Every combination of the six answered yes, no, or not answered.
    for code in 0..3_u32.pow(6) {
        let mut draft = flower_boxes();
        let mut expected_unmet = Vec::new();
        draft.prerequisites = Vec::new();
        for (i, prerequisite) in FiftyFiftyPrerequisite::ALL.iter().enumerate() {
            match code / 3_u32.pow(i as u32) % 3 {
                0 => draft
                    .prerequisites
                    .push((*prerequisite, yes(&[LivingEnvironmentAim::Safety]).with_aims_for(*prerequisite))),
                1 => {
                    draft.prerequisites.push((*prerequisite, no()));
                    expected_unmet.push(*prerequisite);
                }
                _ => expected_unmet.push(*prerequisite),
            }
        }
        let eligibility = parse(&draft).unwrap_or_else(|e| panic!("{code}: {e}")).eligibility();
        assert_eq!(eligibility.unmet, expected_unmet, "{code}");
        assert_eq!(eligibility.eligible, expected_unmet.is_empty(), "{code}");
    }
}

impl PrerequisiteDraft {
    /// Aims only where they belong.
    fn with_aims_for(mut self, prerequisite: FiftyFiftyPrerequisite) -> Self {
        if prerequisite != LivingEnvironment {
            self.aims.clear();
        }
        self
    }
}

#[test]
fn an_improved_living_environment_names_at_least_one_aim() {
    let mut draft = flower_boxes();
    draft.prerequisites[2] = (LivingEnvironment, yes(&[]));
    assert_eq!(fields(parse(&draft)), [("fifty_fifty_eligibility.living_environment.aims".to_owned(), "required")]);
    draft.prerequisites[2] = (LivingEnvironment, no());
    assert!(parse(&draft).is_ok(), "a no needs no aim");
    draft.prerequisites[0] = (GeneralInterest, yes(&[LivingEnvironmentAim::Safety]));
    assert_eq!(fields(parse(&draft)), [("fifty_fifty_eligibility.general_interest.aims".to_owned(), "not_applicable")]);
}

#[test]
fn an_unmet_need_and_no_public_service_replaced_count_like_the_four_others() {
    // As recorded before they were asked: the four of §5.6.1 hold, the two new ones unanswered.
    let mut four_only = flower_boxes();
    four_only.prerequisites.truncate(4);
    let eligibility = parse(&four_only).unwrap_or_else(|e| panic!("{e}")).eligibility();
    assert_eq!(eligibility, Eligibility { eligible: false, unmet: vec![UnmetNeed, NoPublicServiceReplaced] });
    for (i, prerequisite) in [(4, UnmetNeed), (5, NoPublicServiceReplaced)] {
        let mut draft = flower_boxes();
        draft.prerequisites[i] = (prerequisite, no());
        let parsed = parse(&draft).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.eligibility().unmet, [prerequisite]);
        assert!(!parsed.facts().eligible());
        draft.prerequisites[i] = (prerequisite, PrerequisiteDraft::default());
        assert_eq!(
            fields(parse(&draft)),
            [
                (format!("fifty_fifty_eligibility.{prerequisite}.holds"), "required"),
                (format!("fifty_fifty_eligibility.{prerequisite}.justification"), "required"),
            ]
        );
        draft.prerequisites[i] = (prerequisite, yes(&[LivingEnvironmentAim::Safety]));
        assert_eq!(fields(parse(&draft)), [(format!("fifty_fifty_eligibility.{prerequisite}.aims"), "not_applicable")]);
    }
}

#[test]
fn the_other_aim_is_named_in_words_and_only_with_it() {
    use LivingEnvironmentAim::{Embellishment, Other};
    let other_aim = "fifty_fifty_eligibility.living_environment.other_aim".to_owned();
    let mut draft = flower_boxes();
    draft.prerequisites[2] = (LivingEnvironment, yes(&[Embellishment, Other]));
    assert_eq!(fields(parse(&draft)), [(other_aim.clone(), "required")]);

    draft.prerequisites[2].1.other_aim = Some("  Mémoire du patrimoine minier  ".to_owned());
    let parsed = parse(&draft).unwrap_or_else(|e| panic!("{e}"));
    let (_, answer) = &parsed.prerequisites[2];
    assert_eq!(answer.aims, [Embellishment, Other]);
    assert_eq!(answer.other_aim.as_deref(), Some("Mémoire du patrimoine minier"));
    assert!(parsed.eligibility().eligible);

    draft.prerequisites[2].1.other_aim = Some("x".repeat(NAME_MAX + 1));
    assert_eq!(fields(parse(&draft)), [(other_aim.clone(), "too_long")]);
    draft.prerequisites[2].1.other_aim = Some("   ".to_owned());
    assert_eq!(fields(parse(&draft)), [(other_aim.clone(), "required")]);

    draft.prerequisites[2] = (LivingEnvironment, yes(&[Embellishment]));
    draft.prerequisites[2].1.other_aim = Some("Mémoire du patrimoine minier".to_owned());
    assert_eq!(fields(parse(&draft)), [(other_aim, "not_applicable")], "no other aim to name");
    draft.prerequisites[0].1.other_aim = Some("Rien".to_owned());
    assert_eq!(
        fields(parse(&draft)),
        [
            ("fifty_fifty_eligibility.general_interest.other_aim".to_owned(), "not_applicable"),
            ("fifty_fifty_eligibility.living_environment.other_aim".to_owned(), "not_applicable"),
        ],
        "every misplaced one is named at once"
    );
}

#[test]
fn every_answer_needs_a_yes_or_no_and_a_justification() {
    let mut draft = flower_boxes();
    draft.prerequisites[3] = (CitizenDelivery, PrerequisiteDraft::default());
    assert_eq!(
        fields(parse(&draft)),
        [
            ("fifty_fifty_eligibility.citizen_delivery.holds".to_owned(), "required"),
            ("fifty_fifty_eligibility.citizen_delivery.justification".to_owned(), "required"),
        ]
    );
}

#[test]
fn another_authority_must_be_named_and_makes_redirection_possible() {
    let mut waste = flower_boxes();
    waste.competence = Some(Competence::Intercommunality);
    assert_eq!(fields(parse(&waste)), [("competent_authority".to_owned(), "required")]);
    waste.competent_authority = Some("Communauté d'agglomération de Lens-Liévin".to_owned());
    let facts = parse(&waste).unwrap_or_else(|e| panic!("{e}")).facts();
    assert_eq!(facts.other_authority(), Some("Communauté d'agglomération de Lens-Liévin"));
    let mut ours = flower_boxes();
    ours.competent_authority = Some("La mairie".to_owned());
    assert_eq!(fields(parse(&ours)), [("competent_authority".to_owned(), "not_applicable")]);
    let mut unnamed = flower_boxes();
    unnamed.competence = None;
    unnamed.competent_authority = Some("La Région".to_owned());
    assert_eq!(fields(parse(&unnamed)), [("competent_authority".to_owned(), "not_applicable")]);
    let mut unknown = flower_boxes();
    unknown.competence = None;
    assert!(
        parse(&unknown).unwrap_or_else(|e| panic!("{e}")).facts().other_authority().is_none(),
        "nothing to redirect to yet"
    );
}

#[test]
fn stakeholders_need_a_name_and_a_role() {
    let mut draft = flower_boxes();
    draft.stakeholders.push(StakeholderDraft::default());
    assert_eq!(
        fields(parse(&draft)),
        [("stakeholders[1].name".to_owned(), "required"), ("stakeholders[1].role".to_owned(), "required")]
    );
}

#[test]
fn codes_and_links_are_checked() {
    let id = RequestId::new();
    let mut draft = flower_boxes();
    draft.themes = vec!["nope".to_owned()];
    draft.neighbourhood = Some("atlantis".to_owned());
    draft.previously_handled = vec![id];
    let (themes, neighbourhoods) = catalogue_codes();
    let result = Qualification::parse(id, &draft, Catalogue { themes: &themes, neighbourhoods: &neighbourhoods });
    assert_eq!(
        fields(result),
        [
            ("previously_handled".to_owned(), "same_request"),
            ("themes[0]".to_owned(), "unknown_theme"),
            ("neighbourhood".to_owned(), "unknown_neighbourhood"),
        ]
    );
}

#[test]
fn an_empty_document_is_valid_but_incomplete_and_ineligible() {
    let empty = parse(&QualificationDraft::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(empty.completeness().missing, ["restated_need", "competence", "recommended_level"]);
    assert_eq!(empty.eligibility().unmet, FiftyFiftyPrerequisite::ALL);
    let facts = empty.facts();
    assert!(!facts.complete() && !facts.eligible());
    assert_eq!(Qualification::default().facts(), facts, "no qualification is an empty one");
}

#[test]
fn changes_name_the_fields_that_differ() {
    let before = parse(&flower_boxes()).unwrap_or_else(|e| panic!("{e}"));
    assert!(before.changes(&before).is_empty());
    let mut draft = flower_boxes();
    draft.recommended_level = Some(ParticipationLevel::Consultation);
    draft.prerequisites[1].1 = no();
    draft.stakeholders.clear();
    let after = parse(&draft).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.changes(&before), ["stakeholders", "recommended_level", "fifty_fifty_eligibility"]);
    assert_eq!(Qualification::default().changes(&Qualification::default()), Vec::<&str>::new());
}

#[test]
fn repeated_links_and_services_count_once() {
    let earlier = RequestId::new();
    let service = crate::ids::ServiceId::new();
    let mut draft = flower_boxes();
    draft.previously_handled = vec![earlier, RequestId::new(), earlier];
    draft.routing.services = vec![service, service];
    let parsed = parse(&draft).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.previously_handled.len(), 2);
    assert_eq!(parsed.routing.services, [service]);
}
