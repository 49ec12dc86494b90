use super::*;
use crate::error::ValidationErrors;
use crate::identity::Email;
use crate::ids::{AccountId, MachineClientId};
use crate::vocabulary::RequesterKind;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
}

fn catalogue_codes() -> (Vec<String>, Vec<String>) {
    (
        vec!["waste-and-cleanliness".to_owned(), "roads-and-traffic".to_owned()],
        vec!["cite-5".to_owned(), "quartier-ouest".to_owned()],
    )
}

fn draft() -> RequestDraft {
    RequestDraft {
        kind: Some(RequestKind::Complaint),
        title: Some("Ça roule trop vite rue Lamartine".to_owned()),
        description: Some("Les voitures traversent la cité à toute allure.\nIl faut agir.".to_owned()),
        themes: vec!["roads-and-traffic".to_owned()],
        neighbourhood: Some("cite-5".to_owned()),
        ..RequestDraft::default()
    }
}

fn parse(draft: &RequestDraft, submitter: &Submitter) -> Result<NewRequest, ValidationErrors> {
    let (themes, neighbourhoods) = catalogue_codes();
    NewRequest::parse(draft, Catalogue { themes: &themes, neighbourhoods: &neighbourhoods }, submitter, today())
}

fn fields(result: Result<NewRequest, ValidationErrors>) -> Vec<(String, &'static str)> {
    match result {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

#[test]
fn the_public_gets_the_website_channel_and_today() {
    let parsed = parse(&draft(), &Submitter::Public);
    assert!(parsed.is_ok_and(|r| r.channel == Channel::Website && r.received_on == today() && r.association.is_none()));
}

#[test]
fn the_public_may_not_choose_the_channel_nor_the_date() {
    let mut asked = draft();
    asked.channel = Some(Channel::Letter);
    asked.received_on = NaiveDate::from_ymd_opt(2026, 11, 1);
    assert_eq!(
        fields(parse(&asked, &Submitter::Inhabitant(AccountId::new()))),
        [("channel".to_owned(), "not_allowed"), ("received_on".to_owned(), "not_allowed")]
    );
    asked.channel = Some(Channel::Website);
    asked.received_on = Some(today());
    assert!(parse(&asked, &Submitter::Public).is_ok(), "naming what is imposed anyway is fine");
}

#[test]
fn a_partner_tool_submits_for_its_association() {
    let client = Submitter::Client { id: MachineClientId::new(), association: "Les Bâtisseurs".to_owned() };
    let parsed = parse(&draft(), &client);
    assert!(parsed.is_ok_and(|r| r.channel == Channel::PartnerTool
        && r.association.as_deref() == Some("Les Bâtisseurs")
        && matches!(r.submitted_by, Actor::Client(_))));
    let mut asked = draft();
    asked.channel = Some(Channel::Website);
    assert_eq!(fields(parse(&asked, &client)), [("channel".to_owned(), "not_allowed")]);
}

#[test]
fn staff_say_how_and_when_a_request_came_but_not_in_the_future() {
    let agent = Submitter::Staff(AccountId::new());
    assert_eq!(fields(parse(&draft(), &agent)), [("channel".to_owned(), "required")]);
    let mut letter = draft();
    letter.channel = Some(Channel::Letter);
    letter.received_on = NaiveDate::from_ymd_opt(2026, 11, 15);
    assert!(
        parse(&letter, &agent)
            .is_ok_and(|r| r.channel == Channel::Letter && r.received_on == letter.received_on.unwrap_or_default())
    );
    letter.received_on = NaiveDate::from_ymd_opt(2026, 11, 23);
    assert_eq!(fields(parse(&letter, &agent)), [("received_on".to_owned(), "in_the_future")]);
}

#[test]
fn every_missing_or_invalid_field_is_named_at_once() {
    let empty = RequestDraft {
        themes: vec!["nope".to_owned()],
        neighbourhood: Some("atlantis".to_owned()),
        title: Some("  ".to_owned()),
        ..RequestDraft::default()
    };
    assert_eq!(
        fields(parse(&empty, &Submitter::Public)),
        [
            ("kind".to_owned(), "required"),
            ("title".to_owned(), "required"),
            ("description".to_owned(), "required"),
            ("themes[0]".to_owned(), "unknown_theme"),
            ("neighbourhood".to_owned(), "unknown_neighbourhood"),
        ]
    );
}

#[test]
fn sizes_are_bounded() {
    let mut long = draft();
    long.title = Some("x".repeat(Title::MAX_LEN + 1));
    long.description = Some("x".repeat(Description::MAX_LEN + 1));
    long.themes = vec!["roads-and-traffic".to_owned(); MAX_THEMES + 1];
    assert_eq!(
        fields(parse(&long, &Submitter::Public)),
        [("title".to_owned(), "too_long"), ("description".to_owned(), "too_long"), ("themes".to_owned(), "too_many")]
    );
    long.title = Some("x".repeat(Title::MAX_LEN));
    long.description = Some("x".repeat(Description::MAX_LEN));
    long.themes = vec!["roads-and-traffic".to_owned(), "roads-and-traffic".to_owned()];
    assert!(parse(&long, &Submitter::Public).is_ok_and(|r| r.themes.len() == 1), "a repeated theme counts once");
}

#[test]
fn what_the_requester_proposes_and_offers_is_optional_trimmed_and_bounded() {
    let mut offered = draft();
    offered.proposed_solution = Some("  Des bacs à fleurs devant chaque maison.  ".to_owned());
    offered.offer = Some("Nous planterons et arroserons.".to_owned());
    let parsed = parse(&offered, &Submitter::Public).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        parsed.proposed_solution.as_ref().map(ProposedSolution::as_str),
        Some("Des bacs à fleurs devant chaque maison.")
    );
    assert_eq!(parsed.offer.as_ref().map(Offer::as_str), Some("Nous planterons et arroserons."));
    assert!(parse(&draft(), &Submitter::Public).is_ok_and(|r| r.proposed_solution.is_none() && r.offer.is_none()));

    let mut invalid = draft();
    invalid.title = None;
    invalid.proposed_solution = Some("   ".to_owned());
    invalid.offer = Some("x".repeat(Offer::MAX_LEN + 1));
    assert_eq!(
        fields(parse(&invalid, &Submitter::Public)),
        [
            ("title".to_owned(), "required"),
            ("proposed_solution".to_owned(), "required"),
            ("offer".to_owned(), "too_long"),
        ],
        "named with the other fields, at once"
    );
    invalid.title = draft().title;
    invalid.proposed_solution = Some("x".repeat(ProposedSolution::MAX_LEN));
    invalid.offer = Some("x".repeat(Offer::MAX_LEN));
    assert!(parse(&invalid, &Submitter::Public).is_ok(), "2,000 characters each");
}

#[test]
fn personal_data_needs_consent() {
    let mut with_name = draft();
    with_name.requester = Some(RequesterDraft {
        kind: Some(RequesterKind::Individual),
        name: Some("Camille Dupont".to_owned()),
        ..RequesterDraft::default()
    });
    assert_eq!(
        fields(parse(&with_name, &Submitter::Public)),
        [("personal_data_consent".to_owned(), "consent_required")]
    );
    with_name.personal_data_consent = Some(true);
    assert!(parse(&with_name, &Submitter::Public).is_ok_and(|r| r.consent));
    let anonymous_group = RequestDraft {
        requester: Some(RequesterDraft { kind: Some(RequesterKind::InformalGroup), ..RequesterDraft::default() }),
        ..draft()
    };
    assert!(parse(&anonymous_group, &Submitter::Public).is_ok(), "a kind alone is not personal data");
}

#[test]
fn requester_contacts_are_checked() {
    let mut bad = draft();
    bad.personal_data_consent = Some(true);
    bad.requester = Some(RequesterDraft {
        kind: None,
        email: Some("not-an-email".to_owned()),
        phone: Some("call me".to_owned()),
        ..RequesterDraft::default()
    });
    assert_eq!(
        fields(parse(&bad, &Submitter::Public)),
        [
            ("requester.kind".to_owned(), "required"),
            ("requester.email".to_owned(), "invalid_email"),
            ("requester.phone".to_owned(), "invalid_phone"),
        ]
    );
    bad.personal_data_consent = None;
    assert!(
        fields(parse(&bad, &Submitter::Public)).contains(&("personal_data_consent".to_owned(), "consent_required")),
        "invalid contacts are still personal data"
    );
}

#[test]
fn a_location_is_an_address_a_point_or_both() {
    let mut located = draft();
    located.location = Some(LocationDraft { address: None, point: Some((50.457, 2.791)) });
    assert!(parse(&located, &Submitter::Public).is_ok());
    located.location = Some(LocationDraft { address: None, point: Some((91.0, -181.0)) });
    assert_eq!(
        fields(parse(&located, &Submitter::Public)),
        [
            ("location.point.latitude".to_owned(), "out_of_range"),
            ("location.point.longitude".to_owned(), "out_of_range")
        ]
    );
    located.location = Some(LocationDraft::default());
    assert_eq!(fields(parse(&located, &Submitter::Public)), [("location".to_owned(), "empty")]);
}

#[test]
fn phone_numbers_as_people_write_them() {
    for good in ["03 21 69 88 77", "+33 3 21 69 88 77", "0321698877", "03.21.69.88.77", "03-21-69-88-77"] {
        assert!(Phone::parse("phone", good).is_ok(), "{good}");
    }
    for bad in ["", "+", "12345", " 0321698877", "0321698877 ", "03 21 69 88 7x", "++33321698877"] {
        assert!(Phone::parse("phone", bad).is_err(), "{bad}");
    }
}

#[test]
fn texts_keep_line_breaks_but_no_other_control_characters() {
    assert!(parse_text("d", "ligne 1\nligne 2\ttab", 100).is_ok());
    assert!(parse_text("d", "bell\u{7}", 100).is_err());
    assert!(parse_name("t", "two\nlines", 100).is_err(), "a title is one line");
}

#[test]
fn registration_numbers_read_year_dash_five_digits() {
    assert_eq!(RegistrationNumber { year: 2026, sequence: 42 }.to_string(), "2026-00042");
    assert_eq!(RegistrationNumber { year: 2026, sequence: 123_456 }.to_string(), "2026-123456");
}

#[test]
fn tracking_codes_are_26_base32_characters_of_128_bits() {
    let zero = TrackingCode::from_random([0; 16]);
    let ones = TrackingCode::from_random([0xff; 16]);
    assert_eq!(zero.expose(), "a".repeat(26));
    assert_eq!(ones.expose(), format!("{}4", "7".repeat(25)));
    assert!(TrackingCode::parse(ones.expose()).is_some());
    assert!(TrackingCode::parse("ABCDEFGHIJKLMNOPQRSTUVWXYZ").is_none());
    assert!(TrackingCode::parse("abc").is_none());
    assert!(TrackingCode::parse(&"a".repeat(27)).is_none());
}

fn stored(status: RequestStatus, received_on: NaiveDate) -> Request {
    Request {
        id: RequestId::new(),
        municipality: MunicipalityId::new(),
        registration_number: RegistrationNumber { year: 2026, sequence: 1 },
        kind: RequestKind::Complaint,
        title: Title("Déchets".to_owned()),
        description: Description("Ramassage".to_owned()),
        channel: Channel::Website,
        themes: Vec::new(),
        neighbourhood: None,
        location: None,
        requester: None,
        proposed_solution: None,
        offer: None,
        consent_at: None,
        association: None,
        submitted_by: Actor::Public,
        received_on,
        status,
        resolution: None,
        merged_into: None,
        published_at: None,
        internal_note: None,
        milestones: Milestones::default(),
        link: None,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

#[test]
fn a_request_awaiting_an_answer_past_the_delay_is_late() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
    // Received 2026-10-23, delay 30 days: due 2026-11-22, late from 2026-11-23.
    assert!(!stored(RequestStatus::Received, day(23)).is_late(30, today()));
    assert!(stored(RequestStatus::Received, day(22)).is_late(30, today()));
    assert!(stored(RequestStatus::Qualifying, day(1)).is_late(30, today()));
    for status in [RequestStatus::Qualified, RequestStatus::Answered, RequestStatus::Declined, RequestStatus::Merged] {
        assert!(!stored(status, day(1)).is_late(30, today()), "{status} has had its answer");
    }
    assert_eq!(stored(RequestStatus::Received, day(23)).answer_due_on(30), today());
}

#[test]
fn only_a_published_request_has_a_public_read_and_it_holds_nothing_personal() {
    let mut request = stored(RequestStatus::Received, today());
    request.requester = Some(Requester {
        kind: RequesterKind::Individual,
        name: Some(PersonName::parse("name", "Camille Dupont").unwrap_or_else(|e| panic!("{e:?}"))),
        email: Some(Email::parse("email", "camille@example.org").unwrap_or_else(|e| panic!("{e:?}"))),
        phone: None,
        postal_address: None,
    });
    request.internal_note = Some(InternalNote("Voisine de l'adjoint".to_owned()));
    request.proposed_solution = Some(ProposedSolution("Un dos d'âne devant le 12".to_owned()));
    request.offer = Some(Offer("Je prête ma remorque".to_owned()));
    assert_eq!(PublishedRequest::of(&request), None, "unpublished: nothing for the public");
    request.published_at = Some(Utc::now());
    let public = PublishedRequest::of(&request).unwrap_or_else(|| panic!("published"));
    assert_eq!(public.requester_kind, Some(RequesterKind::Individual));
    let shown = format!("{public:?}");
    for secret in ["Camille", "camille@example.org", "adjoint", "dos d'âne", "remorque"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn who_sees_only_published_requests_gets_the_public_view_of_those_and_nothing_else() {
    assert!(sees_only_published(&Standing::Public));
    let mut request = stored(RequestStatus::Received, today());
    assert_eq!(request.audience(&Standing::Public), None);
    request.published_at = Some(Utc::now());
    assert_eq!(request.audience(&Standing::Public), Some(Audience::Public));
    assert!(!sees_only_published(&Standing::Staff(AccountId::new())));
    assert!(!sees_only_published(&Standing::Inhabitant(AccountId::new())), "may see what it submitted");
}

#[test]
fn a_public_read_is_late_exactly_when_its_request_is() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
    for (status, received) in
        [(RequestStatus::Received, 22), (RequestStatus::Received, 23), (RequestStatus::Answered, 1)]
    {
        let mut request = stored(status, day(received));
        request.published_at = Some(Utc::now());
        let public = PublishedRequest::of(&request).unwrap_or_else(|| panic!("published"));
        assert_eq!(public.is_late(30, today()), request.is_late(30, today()), "{status} received on the {received}");
    }
}

#[test]
fn an_edit_names_the_fields_it_changed_and_keeps_the_others() {
    let current = stored(RequestStatus::Received, today());
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let edit = RequestEdit {
        title: Some("Déchets".to_owned()),
        themes: Some(vec!["waste-and-cleanliness".to_owned()]),
        internal_note: Some(Some("Voir avec l'agglo".to_owned())),
        ..RequestEdit::default()
    };
    let (next, changed) = apply_edit(&current, &edit, catalogue, today(), Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed, ["themes", "internal_note"]);
    assert_eq!(next.title, current.title);
    let cleared = RequestEdit { internal_note: Some(None), ..RequestEdit::default() };
    let (after, changed) =
        apply_edit(&next, &cleared, catalogue, today(), Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(after.internal_note.is_none());
    assert_eq!(changed, ["internal_note"]);
}

#[test]
fn staff_correct_what_the_requester_proposes_and_offers() {
    let current = stored(RequestStatus::Received, today());
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let edit = RequestEdit {
        proposed_solution: Some(Some("Un passage piéton.".to_owned())),
        offer: Some(Some("Repeindre les bandes.".to_owned())),
        ..RequestEdit::default()
    };
    let (next, changed) = apply_edit(&current, &edit, catalogue, today(), Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed, ["proposed_solution", "offer"]);
    assert_eq!(next.offer.as_ref().map(Offer::as_str), Some("Repeindre les bandes."));
    let cleared = RequestEdit { offer: Some(None), ..RequestEdit::default() };
    let (after, changed) =
        apply_edit(&next, &cleared, catalogue, today(), Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(after.offer.is_none() && after.proposed_solution.is_some());
    assert_eq!(changed, ["offer"]);
    let too_long = RequestEdit { offer: Some(Some("x".repeat(Offer::MAX_LEN + 1))), ..RequestEdit::default() };
    let refused = apply_edit(&next, &too_long, catalogue, today(), Utc::now()).map(|_| ()).map_err(|e| e.0);
    assert!(refused.is_err_and(|e| e.len() == 1 && e[0].field == "offer" && e[0].code == "too_long"));
}

#[test]
fn an_edit_adding_personal_data_needs_consent_and_withdrawing_it_needs_them_gone() {
    let current = stored(RequestStatus::Received, today());
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let requester = RequesterDraft {
        kind: Some(RequesterKind::Individual),
        phone: Some("0321698877".to_owned()),
        ..RequesterDraft::default()
    };
    let without = RequestEdit { requester: Some(Some(requester.clone())), ..RequestEdit::default() };
    assert!(apply_edit(&current, &without, catalogue, today(), Utc::now()).is_err());
    let with =
        RequestEdit { requester: Some(Some(requester)), personal_data_consent: Some(true), ..RequestEdit::default() };
    let (next, _) = apply_edit(&current, &with, catalogue, today(), Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(next.consent_at.is_some());
    let withdraw = RequestEdit { personal_data_consent: Some(false), ..RequestEdit::default() };
    assert!(apply_edit(&next, &withdraw, catalogue, today(), Utc::now()).is_err());
    let erase = RequestEdit { personal_data_consent: Some(false), requester: Some(None), ..RequestEdit::default() };
    assert!(
        apply_edit(&next, &erase, catalogue, today(), Utc::now())
            .is_ok_and(|(r, _)| r.requester.is_none() && r.consent_at.is_none())
    );
}

#[test]
fn corrections_and_publication_stay_out_of_the_public_history() {
    let public: Vec<_> = RequestEventKind::ALL.iter().copied().filter(|k| k.is_public()).collect();
    assert_eq!(
        public,
        [
            RequestEventKind::Created,
            RequestEventKind::Transitioned,
            RequestEventKind::Reopened,
            RequestEventKind::Merged,
            RequestEventKind::MergedIn,
            RequestEventKind::Answered,
            RequestEventKind::HandedOver,
            RequestEventKind::ReceivedFrom
        ],
        "the requester follows a hand-over both ways"
    );
}

#[test]
fn only_a_redirected_request_not_yet_linked_is_handed_over_with_the_person_only_by_consent() {
    use crate::requests::handover::{LinkKind, hand_over, may_hand_over};
    let other = MunicipalityId::new();
    let mut request = stored(RequestStatus::Received, today());
    assert!(may_hand_over(&request, other).is_err(), "not redirected");
    request.status = RequestStatus::Redirected;
    assert!(may_hand_over(&request, request.municipality).is_err(), "to itself");
    assert!(may_hand_over(&request, other).is_ok());
    let actor = Actor::Account(AccountId::new());
    let (here, there) = (crate::Slug::parse("ici").unwrap(), crate::Slug::parse("la-bas").unwrap());
    let done = hand_over(&request, (other, &there), &here, chrono_tz::Europe::Paris, true, actor, Utc::now());
    assert_eq!(done.target.municipality, other);
    assert_eq!((done.target.status, done.target.themes.len()), (RequestStatus::Received, 0));
    assert_eq!(
        done.target.link.clone().map(|l| (l.kind, l.request, l.slug)),
        Some((LinkKind::ReceivedFrom, request.id, here.clone()))
    );
    assert_eq!(
        done.source.link.clone().map(|l| (l.kind, l.request, l.slug)),
        Some((LinkKind::HandedOverTo, done.target.id, there.clone()))
    );
    assert_eq!(done.source_entry.related, Some(done.target.id));
    assert_eq!(done.target_entry.related, Some(request.id));
    assert_eq!(done.target.requester, None, "no consent recorded: no person goes along");
    assert!(may_hand_over(&done.source, MunicipalityId::new()).is_err(), "once");
    request.consent_at = Some(Utc::now());
    request.requester = Some(Requester {
        kind: crate::vocabulary::RequesterKind::Individual,
        name: None,
        email: None,
        phone: None,
        postal_address: None,
    });
    let with = hand_over(&request, (other, &there), &here, chrono_tz::Europe::Paris, true, actor, Utc::now());
    assert!(with.target.requester.is_some() && with.target.consent_at.is_some());
    let without = hand_over(&request, (other, &there), &here, chrono_tz::Europe::Paris, false, actor, Utc::now());
    assert!(without.target.requester.is_none(), "not asked");
}

#[test]
fn debug_output_never_shows_personal_data() {
    let requester = Requester {
        kind: RequesterKind::Individual,
        name: PersonName::parse("n", "Camille Dupont").ok(),
        email: Email::parse("e", "camille@example.org").ok(),
        phone: Phone::parse("p", "0321698877").ok(),
        postal_address: Address::parse("a", "12 rue Lamartine").ok(),
    };
    let draft = RequesterDraft {
        kind: Some(RequesterKind::Individual),
        name: Some("Camille Dupont".to_owned()),
        email: Some("camille@example.org".to_owned()),
        phone: Some("0321698877".to_owned()),
        postal_address: Some("12 rue Lamartine".to_owned()),
    };
    let printed = format!("{requester:?} {draft:?}");
    for secret in ["Camille", "camille@", "0321698877", "Lamartine"] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

#[test]
fn search_folds_case_accents_and_ligatures() {
    assert_eq!(fold_for_search("Écoles, Cœur de VILLE, l’été"), "ecoles, coeur de ville, l'ete");
}

#[test]
fn staff_see_all_the_submitter_follows_and_the_public_sees_what_is_published() {
    use crate::identity::{Scope, Standing};
    let inhabitant = AccountId::new();
    let mut request = stored(RequestStatus::Received, today());
    request.submitted_by = Actor::Account(inhabitant);
    let client = MachineClientId::new();
    let tool = Standing::Client { client, scopes: vec![Scope::RequestsRead] };
    assert_eq!(request.audience(&Standing::Staff(AccountId::new())), Some(Audience::Staff));
    assert_eq!(request.audience(&Standing::Inhabitant(inhabitant)), Some(Audience::Requester));
    assert_eq!(request.audience(&Standing::Inhabitant(AccountId::new())), None);
    assert_eq!(request.audience(&Standing::Public), None);
    assert_eq!(request.audience(&tool), None);
    request.published_at = Some(Utc::now());
    assert_eq!(request.audience(&Standing::Public), Some(Audience::Public));
    assert_eq!(request.audience(&Standing::Inhabitant(inhabitant)), Some(Audience::Requester));
    request.submitted_by = Actor::Client(client);
    assert_eq!(request.audience(&tool), Some(Audience::Requester));
    request.submitted_by = Actor::Public;
    assert_eq!(
        request.audience(&Standing::Inhabitant(inhabitant)),
        Some(Audience::Public),
        "anonymous submissions have no owner"
    );
}

#[test]
fn the_submitter_follows_the_callers_standing_and_a_tool_needs_its_scope() {
    use crate::identity::Scope;
    let account = AccountId::new();
    assert_eq!(Submitter::of(&Standing::Public, None), Ok(Submitter::Public));
    assert_eq!(Submitter::of(&Standing::Inhabitant(account), None), Ok(Submitter::Inhabitant(account)));
    assert_eq!(Submitter::of(&Standing::Staff(account), None), Ok(Submitter::Staff(account)));
    let client = MachineClientId::new();
    let reader = Standing::Client { client, scopes: vec![Scope::RequestsRead] };
    assert_eq!(Submitter::of(&reader, Some("Les Bâtisseurs")), Err(SubmitterRefusal::MissingScope));
    let writer = Standing::Client { client, scopes: vec![Scope::RequestsWrite] };
    assert_eq!(Submitter::of(&writer, None), Err(SubmitterRefusal::UnknownClient));
    assert_eq!(
        Submitter::of(&writer, Some("Les Bâtisseurs")),
        Ok(Submitter::Client { id: client, association: "Les Bâtisseurs".to_owned() })
    );
}

#[test]
fn only_staff_list_unpublished_requests() {
    let staff = Standing::Staff(AccountId::new());
    assert_eq!(listed_publication(&staff, None), None);
    assert_eq!(listed_publication(&staff, Some(false)), Some(false));
    for other in [Standing::Public, Standing::Inhabitant(AccountId::new())] {
        assert_eq!(listed_publication(&other, None), Some(true));
        assert_eq!(listed_publication(&other, Some(false)), Some(true), "asking for private ones changes nothing");
    }
}

#[test]
fn publication_changes_the_request_only_when_it_differs() {
    let request = stored(RequestStatus::Received, today());
    let now = Utc::now();
    let published = request.with_publication(true, now).unwrap_or_else(|| panic!("publishing a private request"));
    assert_eq!(published.published_at, Some(now));
    assert_eq!(published.updated_at, now);
    assert!(published.with_publication(true, now).is_none(), "publishing twice changes nothing");
    assert!(published.with_publication(false, now).is_some_and(|r| r.published_at.is_none()));
    assert!(request.with_publication(false, now).is_none());
}

#[test]
fn a_transition_moves_the_status_and_records_its_entries() {
    use lifecycle::{QualificationFacts, TransitionAsk, transition};
    let request = stored(RequestStatus::Received, today());
    let into = RequestId::new();
    let ask = TransitionAsk {
        to: Some(RequestStatus::Merged),
        reason: Some("Même sujet.".to_owned()),
        resolution: None,
        into: Some(into),
    };
    let change =
        transition(request.id, request.status, ask, &QualificationFacts::default()).unwrap_or_else(|e| panic!("{e:?}"));
    let now = Utc::now();
    let moved = request.moved(&change, now, chrono_tz::Europe::Paris);
    assert_eq!((moved.status, moved.merged_into, moved.updated_at), (RequestStatus::Merged, Some(into), now));
    let actor = Actor::Account(AccountId::new());
    let events = change.events(request.id, actor, now, None);
    let kinds: Vec<(RequestId, RequestEventKind)> = events.iter().map(|e| (e.request, e.kind)).collect();
    assert_eq!(kinds, [(request.id, RequestEventKind::Merged), (into, RequestEventKind::MergedIn)]);
    assert_eq!(events[1].related, Some(request.id));
    assert_eq!(events[1].reason.as_deref(), Some("Même sujet."));
}

#[test]
fn a_merged_request_has_no_terms_in_the_index() {
    let mut request = stored(RequestStatus::Qualifying, today());
    assert!(!similarity::indexed_terms(&request).is_empty());
    request.status = RequestStatus::Merged;
    assert!(similarity::indexed_terms(&request).is_empty());
}

#[test]
fn awaiting_an_answer_is_received_or_qualifying() {
    let statuses: Vec<RequestStatus> = lifecycle::awaiting_answer().collect();
    assert_eq!(statuses, [RequestStatus::Received, RequestStatus::Qualifying]);
}

#[test]
fn an_edit_that_changes_nothing_keeps_the_request_as_it_was() {
    let request = stored(RequestStatus::Received, today());
    let (themes, neighbourhoods) = catalogue_codes();
    let catalogue = Catalogue { themes: &themes, neighbourhoods: &neighbourhoods };
    let same = RequestEdit { kind: Some(request.kind), ..RequestEdit::default() };
    let (next, changed) = apply_edit(&request, &same, catalogue, today(), Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(changed.is_empty());
    assert_eq!(next.updated_at, request.updated_at);
}

#[test]
fn staff_list_in_the_staff_view_and_everyone_else_in_the_public_view() {
    assert_eq!(listing_audience(&Standing::Staff(AccountId::new())), Audience::Staff);
    assert_eq!(listing_audience(&Standing::Inhabitant(AccountId::new())), Audience::Public);
    assert_eq!(listing_audience(&Standing::Public), Audience::Public);
}

#[test]
fn only_a_change_of_text_or_of_suggestibility_reindexes() {
    let before = stored(RequestStatus::Received, today());
    let moved = Request { status: RequestStatus::Qualifying, ..before.clone() };
    assert_eq!(similarity::reindexed_terms(&before, &moved), None);
    let merged = Request { status: RequestStatus::Merged, ..before.clone() };
    assert_eq!(similarity::reindexed_terms(&before, &merged), Some(Vec::new()));
    let retitled = Request { title: Title("Lampadaire éteint".to_owned()), ..before.clone() };
    assert!(similarity::reindexed_terms(&before, &retitled).is_some_and(|t| t.contains(&"lampadaire".to_owned())));
}
