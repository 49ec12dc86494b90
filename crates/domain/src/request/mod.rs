//! Requests: any need, idea, complaint or proposal that reaches the town, by any channel
//! (`DOMAIN.md`, "Requests"). Intake takes anything from anyone with the minimum of formality,
//! then gives it a formal trace: a registration number, a received date, an append-only history.

pub mod lifecycle;
pub mod similarity;

use crate::error::{FieldError, ValidationErrors};
use crate::identity::{Email, Standing};
use crate::ids::{AccountId, AnswerId, MachineClientId, MunicipalityId, RequestEventId, RequestId};
use crate::municipality::parse_name;
use crate::slug::Slug;
use crate::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::fmt;

pub use crate::vocabulary::{ActorKind, RequestEventKind};

/// Trims, then requires 1..=max characters; line breaks and tabs are allowed, other control
/// characters are not (long texts: descriptions, reasons, answers, notes).
pub fn parse_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "required", "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(field, "too_long", format!("must be at most {max} characters")));
    }
    if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(field, "invalid_characters", "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// Schema pattern of [`parse_text`]: a visible character, no control characters but line breaks
/// and tabs.
pub const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, $max:expr, $parse:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
                $parse(field, value, Self::MAX_LEN).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Free texts may carry personal data: never in debug output (nor logs).
                write!(f, concat!(stringify!($name), "({} chars)"), self.0.chars().count())
            }
        }
    };
}

text_type!(
    /// A request's title: one line, 1 to 200 characters.
    Title, 200, parse_name
);
text_type!(
    /// A request's description: 1 to 5,000 characters, line breaks allowed.
    Description, 5_000, parse_text
);
text_type!(
    /// Why a status changed, as the requester will read it: 1 to 2,000 characters.
    Reason, 2_000, parse_text
);
text_type!(
    /// The town's answer to the requester: 1 to 5,000 characters.
    AnswerText, 5_000, parse_text
);
text_type!(
    /// A note for staff only, never shown to the public nor to the requester.
    InternalNote, 5_000, parse_text
);
text_type!(
    /// A person's or an organisation's name: 1 to 200 characters.
    PersonName, 200, parse_name
);
text_type!(
    /// A postal address or a place ("12 rue de la République", "chemin des Mineurs").
    Address, 300, parse_text
);

/// The most themes a request may carry.
pub const MAX_THEMES: usize = 5;

/// A phone number as people write it: an optional `+`, then digits, spaces, dots or dashes,
/// beginning and ending with a digit ("03 21 69 88 77", "+33 3 21 69 88 77").
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// The same rule as [`Phone::parse`], for schemas.
    pub const PATTERN: &'static str = "^\\+?[0-9][0-9 .-]{4,22}[0-9]$";

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let digits = value.strip_prefix('+').unwrap_or(value);
        let b = digits.as_bytes();
        let valid = (6..=24).contains(&b.len())
            && b[0].is_ascii_digit()
            && b[b.len() - 1].is_ascii_digit()
            && b.iter().all(|c| c.is_ascii_digit() || matches!(c, b' ' | b'.' | b'-'));
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "invalid_phone",
                "must be a phone number such as 03 21 69 88 77 or +33 3 21 69 88 77",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(…)")
    }
}

/// A WGS84 point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

impl Point {
    pub fn parse(field: &str, latitude: f64, longitude: f64) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if !(-90.0..=90.0).contains(&latitude) {
            errors.push(FieldError::new(format!("{field}.latitude"), "out_of_range", "must be between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            errors.push(FieldError::new(format!("{field}.longitude"), "out_of_range", "must be between -180 and 180"));
        }
        errors.into_result().map(|()| Self { latitude, longitude })
    }
}

/// Where a request is about: an address or place, a point, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub address: Option<Address>,
    pub point: Option<Point>,
}

/// A location as received.
#[derive(Debug, Clone, Default)]
pub struct LocationDraft {
    pub address: Option<String>,
    /// `(latitude, longitude)`.
    pub point: Option<(f64, f64)>,
}

impl Location {
    fn parse(field: &str, draft: &LocationDraft, errors: &mut ValidationErrors) -> Option<Self> {
        let address =
            draft.address.as_deref().and_then(|a| errors.collect(Address::parse(&format!("{field}.address"), a)));
        let point = match draft.point {
            Some((lat, lon)) => match Point::parse(&format!("{field}.point"), lat, lon) {
                Ok(point) => Some(point),
                Err(found) => {
                    errors.0.extend(found.0);
                    None
                }
            },
            None => None,
        };
        if draft.address.is_none() && draft.point.is_none() {
            errors.push(FieldError::new(field, "empty", "give an address, a point, or both (or no location)"));
        }
        Some(Self { address, point })
    }
}

/// Who carries a request, and how to reach them. Everything but the kind is personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub kind: RequesterKind,
    pub name: Option<PersonName>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub postal_address: Option<Address>,
}

impl Requester {
    pub fn has_personal_data(&self) -> bool {
        self.name.is_some() || self.email.is_some() || self.phone.is_some() || self.postal_address.is_some()
    }
}

/// A requester as received.
#[derive(Clone, Default)]
pub struct RequesterDraft {
    pub kind: Option<RequesterKind>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
}

/// Raw personal data never prints: only which fields were given.
impl fmt::Debug for RequesterDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequesterDraft")
            .field("kind", &self.kind)
            .field("name", &self.name.is_some())
            .field("email", &self.email.is_some())
            .field("phone", &self.phone.is_some())
            .field("postal_address", &self.postal_address.is_some())
            .finish()
    }
}

impl RequesterDraft {
    pub fn has_personal_data(&self) -> bool {
        self.name.is_some() || self.email.is_some() || self.phone.is_some() || self.postal_address.is_some()
    }
}

impl Requester {
    fn parse(draft: &RequesterDraft, errors: &mut ValidationErrors) -> Option<Self> {
        let kind = draft.kind;
        if kind.is_none() {
            errors.push(FieldError::new(
                "requester.kind",
                "required",
                "say who the requester is: individual, association, informal_group, school, business or farm",
            ));
        }
        let name = draft.name.as_deref().and_then(|v| errors.collect(PersonName::parse("requester.name", v)));
        let email = draft.email.as_deref().and_then(|v| errors.collect(Email::parse("requester.email", v)));
        let phone = draft.phone.as_deref().and_then(|v| errors.collect(Phone::parse("requester.phone", v)));
        let postal_address =
            draft.postal_address.as_deref().and_then(|v| errors.collect(Address::parse("requester.postal_address", v)));
        Some(Self { kind: kind?, name, email, phone, postal_address })
    }
}

/// A registration number: unique in its municipality and year, without gaps (`2026-00042`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegistrationNumber {
    pub year: i32,
    pub sequence: i32,
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:05}", self.year, self.sequence)
    }
}

/// Who submits a request, as far as intake rules go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitter {
    /// The town's website, without an account (or with another town's).
    Public,
    /// A signed-in inhabitant of the municipality.
    Inhabitant(AccountId),
    /// An agent, an elected official or an admin, typing in what arrived by any channel.
    Staff(AccountId),
    /// A partner's tool, for its association.
    Client { id: MachineClientId, association: String },
}

impl Submitter {
    pub fn actor(&self) -> Actor {
        match self {
            Submitter::Public => Actor::Public,
            Submitter::Inhabitant(account) | Submitter::Staff(account) => Actor::Account(*account),
            Submitter::Client { id, .. } => Actor::Client(*id),
        }
    }
}

/// Who did something recorded in a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Public,
    Account(AccountId),
    Client(MachineClientId),
}

impl Actor {
    pub fn kind(self) -> ActorKind {
        match self {
            Actor::Public => ActorKind::Public,
            Actor::Account(_) => ActorKind::Account,
            Actor::Client(_) => ActorKind::Client,
        }
    }

    pub fn id(self) -> Option<uuid::Uuid> {
        match self {
            Actor::Public => None,
            Actor::Account(id) => Some(id.as_uuid()),
            Actor::Client(id) => Some(id.as_uuid()),
        }
    }
}

/// What the municipality's catalogues hold, for checking the codes a request names.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue<'a> {
    pub themes: &'a [String],
    pub neighbourhoods: &'a [String],
}

impl Catalogue<'_> {
    pub(crate) fn check_themes(&self, field: &str, codes: &[String], errors: &mut ValidationErrors) -> Vec<Slug> {
        if codes.len() > MAX_THEMES {
            errors.push(FieldError::new(field, "too_many", format!("at most {MAX_THEMES} themes")));
        }
        let mut themes: Vec<Slug> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            if !self.themes.contains(code) {
                errors.push(FieldError::new(
                    format!("{field}[{i}]"),
                    "unknown_theme",
                    format!("no theme {code:?} in this municipality's catalogue"),
                ));
            } else if let Some(slug) = errors.collect(Slug::parse_field(&format!("{field}[{i}]"), code))
                && !themes.contains(&slug)
            {
                themes.push(slug);
            }
        }
        themes
    }

    pub(crate) fn check_neighbourhood(&self, field: &str, code: &str, errors: &mut ValidationErrors) -> Option<Slug> {
        if self.neighbourhoods.iter().any(|n| n == code) {
            errors.collect(Slug::parse_field(field, code))
        } else {
            errors.push(FieldError::new(
                field,
                "unknown_neighbourhood",
                format!("no neighbourhood {code:?} in this municipality"),
            ));
            None
        }
    }
}

/// A request as received, before parsing: required fields are options so that every missing one
/// is reported at once.
#[derive(Debug, Clone, Default)]
pub struct RequestDraft {
    pub kind: Option<RequestKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub channel: Option<Channel>,
    pub themes: Vec<String>,
    pub neighbourhood: Option<String>,
    pub location: Option<LocationDraft>,
    pub requester: Option<RequesterDraft>,
    pub personal_data_consent: Option<bool>,
    pub received_on: Option<NaiveDate>,
}

/// A request ready to be registered.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub title: Title,
    pub description: Description,
    pub channel: Channel,
    pub themes: Vec<Slug>,
    pub neighbourhood: Option<Slug>,
    pub location: Option<Location>,
    pub requester: Option<Requester>,
    /// Whether the requester consented to the processing of their personal data.
    pub consent: bool,
    /// The partner association a partner's tool submitted for.
    pub association: Option<String>,
    pub submitted_by: Actor,
    pub received_on: NaiveDate,
}

impl NewRequest {
    /// Checks a submission. The channel and the received date follow who submits: the public and
    /// inhabitants get `website` and today, a partner's tool `partner_tool` and today, staff say
    /// how it came and when (not in the future).
    pub fn parse(
        draft: &RequestDraft,
        catalogue: Catalogue<'_>,
        submitter: &Submitter,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind =
            required(&mut errors, "kind", draft.kind, "say what it is: idea, need, complaint, petition or question");
        let title = required_text(&mut errors, "title", draft.title.as_deref(), Title::parse);
        let description = required_text(&mut errors, "description", draft.description.as_deref(), Description::parse);
        let channel = intake_channel(&mut errors, submitter, draft.channel);
        let received_on = intake_date(&mut errors, submitter, draft.received_on, today);
        let themes = catalogue.check_themes("themes", &draft.themes, &mut errors);
        let neighbourhood =
            draft.neighbourhood.as_deref().and_then(|c| catalogue.check_neighbourhood("neighbourhood", c, &mut errors));
        let location = draft.location.as_ref().and_then(|l| Location::parse("location", l, &mut errors));
        let requester = draft.requester.as_ref().and_then(|r| Requester::parse(r, &mut errors));
        let consent = draft.personal_data_consent.unwrap_or(false);
        // Given personal data needs consent, even when some of it is invalid.
        check_consent(&mut errors, draft.requester.as_ref().is_some_and(RequesterDraft::has_personal_data), consent);
        let association = match submitter {
            Submitter::Client { association, .. } => Some(association.clone()),
            _ => None,
        };
        errors.into_result()?;
        match (kind, title, description, channel) {
            (Some(kind), Some(title), Some(description), Some(channel)) => Ok(Self {
                kind,
                title,
                description,
                channel,
                themes,
                neighbourhood,
                location,
                requester,
                consent,
                association,
                submitted_by: submitter.actor(),
                received_on,
            }),
            // Every missing value was recorded as an error above.
            _ => Err(ValidationErrors(vec![FieldError::new("", "invalid", "invalid request")])),
        }
    }
}

fn required<T: Copy>(errors: &mut ValidationErrors, field: &str, value: Option<T>, message: &str) -> Option<T> {
    if value.is_none() {
        errors.push(FieldError::new(field, "required", message));
    }
    value
}

fn required_text<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str, &str) -> Result<T, FieldError>,
) -> Option<T> {
    match value {
        Some(value) => errors.collect(parse(field, value)),
        None => {
            errors.push(FieldError::new(field, "required", "must be given"));
            None
        }
    }
}

fn intake_channel(errors: &mut ValidationErrors, submitter: &Submitter, asked: Option<Channel>) -> Option<Channel> {
    let imposed = match submitter {
        Submitter::Staff(_) => {
            return required(
                errors,
                "channel",
                asked,
                "say how the request reached the town (letter, appointment, phone…)",
            );
        }
        Submitter::Public | Submitter::Inhabitant(_) => Channel::Website,
        Submitter::Client { .. } => Channel::PartnerTool,
    };
    match asked {
        Some(channel) if channel != imposed => {
            errors.push(FieldError::new(
                "channel",
                "not_allowed",
                format!("only staff set the channel: this submission's channel is {imposed}"),
            ));
            None
        }
        _ => Some(imposed),
    }
}

fn intake_date(
    errors: &mut ValidationErrors,
    submitter: &Submitter,
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    match (submitter, asked) {
        (_, None) => today,
        (Submitter::Staff(_), Some(date)) if date > today => {
            errors.push(FieldError::new("received_on", "in_the_future", "a request cannot be received after today"));
            today
        }
        (Submitter::Staff(_), Some(date)) => date,
        (_, Some(date)) if date == today => today,
        (_, Some(_)) => {
            errors.push(FieldError::new(
                "received_on",
                "not_allowed",
                "only staff date a request: it is received today",
            ));
            today
        }
    }
}

/// Personal data is kept only with the requester's consent.
fn check_consent(errors: &mut ValidationErrors, gives_personal_data: bool, consent: bool) {
    if gives_personal_data && !consent {
        errors.push(FieldError::new(
            "personal_data_consent",
            "consent_required",
            "the requester's name or contact details are kept only with their consent: set personal_data_consent to true, or leave them out",
        ));
    }
}

/// A registered request, as stored.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: RequestId,
    pub municipality: MunicipalityId,
    pub registration_number: RegistrationNumber,
    pub kind: RequestKind,
    pub title: Title,
    pub description: Description,
    pub channel: Channel,
    pub themes: Vec<Slug>,
    pub neighbourhood: Option<Slug>,
    pub location: Option<Location>,
    pub requester: Option<Requester>,
    /// When the requester consented to the processing of their personal data.
    pub consent_at: Option<DateTime<Utc>>,
    pub association: Option<String>,
    pub submitted_by: Actor,
    pub received_on: NaiveDate,
    pub status: RequestStatus,
    pub resolution: Option<Resolution>,
    pub merged_into: Option<RequestId>,
    pub published_at: Option<DateTime<Utc>>,
    pub internal_note: Option<InternalNote>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Request {
    /// A request as registration makes it: `received`, private, at version 1; consent (when
    /// given) dated now.
    pub fn registered(
        new: &NewRequest,
        id: RequestId,
        municipality: MunicipalityId,
        registration_number: RegistrationNumber,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            municipality,
            registration_number,
            kind: new.kind,
            title: new.title.clone(),
            description: new.description.clone(),
            channel: new.channel,
            themes: new.themes.clone(),
            neighbourhood: new.neighbourhood.clone(),
            location: new.location.clone(),
            requester: new.requester.clone(),
            consent_at: new.consent.then_some(now),
            association: new.association.clone(),
            submitted_by: new.submitted_by,
            received_on: new.received_on,
            status: RequestStatus::Received,
            resolution: None,
            merged_into: None,
            published_at: None,
            internal_note: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether it is late: still awaiting its first answer more than `answer_delay_days` after it
    /// was received.
    pub fn is_late(&self, answer_delay_days: u16, today: NaiveDate) -> bool {
        lifecycle::awaits_answer(self.status) && self.received_on < late_before(today, answer_delay_days)
    }

    /// The day by which it should have had an answer.
    pub fn answer_due_on(&self, answer_delay_days: u16) -> NaiveDate {
        self.received_on.checked_add_days(Days::new(answer_delay_days.into())).unwrap_or(NaiveDate::MAX)
    }
}

/// Which view of a request a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everything, personal data and internal note included.
    Staff,
    /// Who submitted it (an account or a partner's tool): its status, public history, answers.
    Requester,
    /// Anyone, once staff published it: no personal data.
    Public,
}

impl Request {
    /// Whether this caller submitted the request (and so may follow it as its requester).
    pub fn was_submitted_by(&self, standing: &Standing) -> bool {
        match (standing, self.submitted_by) {
            (Standing::Inhabitant(account) | Standing::Staff(account), Actor::Account(by)) => *account == by,
            (Standing::Client { client, .. }, Actor::Client(by)) => *client == by,
            _ => false,
        }
    }

    /// The view this caller is entitled to; `None`: for them the request does not exist.
    pub fn audience(&self, standing: &Standing) -> Option<Audience> {
        if standing.is_staff() {
            Some(Audience::Staff)
        } else if self.was_submitted_by(standing) {
            Some(Audience::Requester)
        } else if self.published_at.is_some() {
            Some(Audience::Public)
        } else {
            None
        }
    }
}

/// Requests received before this day and still awaiting an answer are late.
pub fn late_before(today: NaiveDate, answer_delay_days: u16) -> NaiveDate {
    today.checked_sub_days(Days::new(answer_delay_days.into())).unwrap_or(NaiveDate::MIN)
}

/// What staff may correct with `PATCH`; `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct RequestEdit {
    pub kind: Option<RequestKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub channel: Option<Channel>,
    pub themes: Option<Vec<String>>,
    pub neighbourhood: Option<Option<String>>,
    pub location: Option<Option<LocationDraft>>,
    pub requester: Option<Option<RequesterDraft>>,
    pub personal_data_consent: Option<bool>,
    pub received_on: Option<NaiveDate>,
    pub internal_note: Option<Option<String>>,
}

/// Applies an edit to a request: the corrected request, and the names of the fields that changed
/// (the history records names, not values, which may be personal data).
pub fn apply_edit(
    current: &Request,
    edit: &RequestEdit,
    catalogue: Catalogue<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Request, Vec<&'static str>), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut next = current.clone();
    if let Some(kind) = edit.kind {
        next.kind = kind;
    }
    if let Some(title) = &edit.title
        && let Some(title) = errors.collect(Title::parse("title", title))
    {
        next.title = title;
    }
    if let Some(description) = &edit.description
        && let Some(description) = errors.collect(Description::parse("description", description))
    {
        next.description = description;
    }
    if let Some(channel) = edit.channel {
        next.channel = channel;
    }
    if let Some(themes) = &edit.themes {
        next.themes = catalogue.check_themes("themes", themes, &mut errors);
    }
    if let Some(neighbourhood) = &edit.neighbourhood {
        next.neighbourhood =
            neighbourhood.as_deref().and_then(|c| catalogue.check_neighbourhood("neighbourhood", c, &mut errors));
    }
    if let Some(location) = &edit.location {
        next.location = location.as_ref().and_then(|l| Location::parse("location", l, &mut errors));
    }
    if let Some(requester) = &edit.requester {
        next.requester = requester.as_ref().and_then(|r| Requester::parse(r, &mut errors));
    }
    match edit.personal_data_consent {
        Some(true) if next.consent_at.is_none() => next.consent_at = Some(now),
        Some(false) => next.consent_at = None,
        _ => {}
    }
    let gives_personal_data = match &edit.requester {
        Some(draft) => draft.as_ref().is_some_and(RequesterDraft::has_personal_data),
        None => next.requester.as_ref().is_some_and(Requester::has_personal_data),
    };
    check_consent(&mut errors, gives_personal_data, next.consent_at.is_some());
    if let Some(date) = edit.received_on {
        next.received_on = intake_date(&mut errors, &Submitter::Staff(AccountId::new()), Some(date), today);
    }
    if let Some(note) = &edit.internal_note {
        next.internal_note = note.as_deref().and_then(|n| errors.collect(InternalNote::parse("internal_note", n)));
    }
    errors.into_result()?;

    let fields: [(&'static str, bool); 11] = [
        ("kind", next.kind != current.kind),
        ("title", next.title != current.title),
        ("description", next.description != current.description),
        ("channel", next.channel != current.channel),
        ("themes", next.themes != current.themes),
        ("neighbourhood", next.neighbourhood != current.neighbourhood),
        ("location", next.location != current.location),
        ("requester", next.requester != current.requester),
        ("personal_data_consent", next.consent_at.is_some() != current.consent_at.is_some()),
        ("received_on", next.received_on != current.received_on),
        ("internal_note", next.internal_note != current.internal_note),
    ];
    let changed = fields.iter().filter(|(_, changed)| *changed).map(|(name, _)| *name).collect();
    Ok((next, changed))
}

/// Folds a text for search: lowercase, without French accents or ligatures ("Écoles" and
/// "ecoles" match alike). Both the stored text and the query are folded the same way.
pub fn fold_for_search(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => folded.push('a'),
            'ç' => folded.push('c'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' | 'ì' => folded.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' => folded.push('y'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            '\u{2019}' => folded.push('\''),
            other => folded.push(other),
        }
    }
    folded
}

/// What a request's text search looks in.
pub fn search_text(title: &Title, description: &Description) -> String {
    fold_for_search(&format!("{}\n{}", title.as_str(), description.as_str()))
}

/// An entry of a request's history. Entries are only ever added.
#[derive(Debug, Clone)]
pub struct RequestEvent {
    pub id: RequestEventId,
    pub request: RequestId,
    pub kind: RequestEventKind,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub from: Option<RequestStatus>,
    pub to: Option<RequestStatus>,
    pub reason: Option<String>,
    pub resolution: Option<Resolution>,
    /// The other request of a merge.
    pub related: Option<RequestId>,
    pub answer: Option<AnswerId>,
    /// The fields an edit changed.
    pub fields: Vec<String>,
}

impl RequestEventKind {
    /// Whether the requester and the public may see entries of this kind. Corrections,
    /// publication and qualification are staff business.
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            RequestEventKind::Edited
                | RequestEventKind::Published
                | RequestEventKind::Unpublished
                | RequestEventKind::Qualification
        )
    }
}

/// The town's answer to a requester.
#[derive(Debug, Clone)]
pub struct Answer {
    pub id: AnswerId,
    pub request: RequestId,
    pub text: AnswerText,
    /// Also shown in the request's public view (when it is published).
    pub public: bool,
    pub author: AccountId,
    pub created_at: DateTime<Utc>,
}

/// A tracking code: 128 random bits, written as 26 lowercase base32 characters. Only its hash is
/// stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

impl TrackingCode {
    pub const LEN: usize = 26;
    /// The same rule as [`TrackingCode::parse`], for schemas.
    pub const PATTERN: &'static str = "^[a-z2-7]{26}$";

    /// The code of 16 random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut code = String::with_capacity(Self::LEN);
        let (mut buffer, mut bits) = (0u32, 0u32);
        for byte in bytes {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                code.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
            }
        }
        if bits > 0 {
            code.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
        }
        Self(code)
    }

    pub fn parse(value: &str) -> Option<Self> {
        (value.len() == Self::LEN && value.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)))
            .then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackingCode(…)")
    }
}

#[cfg(test)]
mod tests;
