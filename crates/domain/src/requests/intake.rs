//! Intake: a request as received from anyone, by any channel, parsed into what is registered.
//! Who submits decides the channel and the received date.

use super::{Actor, Description, Offer, ProposedSolution, Title};
use crate::common::text::{Address, PersonName};
use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::identity::{Email, Scope, Standing};
use crate::ids::{AccountId, MachineClientId};
use crate::slug::Slug;
use crate::vocabulary::{Channel, RequestKind, RequesterKind};
use chrono::NaiveDate;
use std::fmt;

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
                crate::requests::Code::InvalidPhone,
                Message::new(
                    "must be a phone number such as 03 21 69 88 77 or +33 3 21 69 88 77",
                    "doit être un numéro de téléphone comme 03 21 69 88 77 ou +33 3 21 69 88 77",
                ),
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
            errors.push(FieldError::new(
                format!("{field}.latitude"),
                crate::error::Code::OutOfRange,
                Message::new("must be between -90 and 90", "doit être compris entre -90 et 90"),
            ));
        }
        if !(-180.0..=180.0).contains(&longitude) {
            errors.push(FieldError::new(
                format!("{field}.longitude"),
                crate::error::Code::OutOfRange,
                Message::new("must be between -180 and 180", "doit être compris entre -180 et 180"),
            ));
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
    pub(super) fn parse(field: &str, draft: &LocationDraft, errors: &mut ValidationErrors) -> Option<Self> {
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
            errors.push(FieldError::new(
                field,
                crate::error::Code::Empty,
                Message::new(
                    "give an address, a point, or both (or no location)",
                    "donnez une adresse, un point, ou les deux (ou aucun lieu)",
                ),
            ));
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
    pub(super) fn parse(draft: &RequesterDraft, errors: &mut ValidationErrors) -> Option<Self> {
        let kind = draft.kind;
        if kind.is_none() {
            errors.push(FieldError::new(
                "requester.kind",
                crate::error::Code::Required,
                Message::new(
                    "say who the requester is: individual, association, informal_group, school, business or farm",
                    "dites qui est le demandeur : individual, association, informal_group, school, business ou farm",
                ),
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

/// Why a caller may not submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitterRefusal {
    /// A partner's tool without the scope `requests:write`.
    MissingScope,
    /// A partner's tool that its municipality no longer knows.
    UnknownClient,
}

impl Submitter {
    /// Who submits, from the caller's standing in the municipality. A partner's tool needs the
    /// scope `requests:write` and submits for its association (`association`, the client's own,
    /// looked up by the caller; `None` when the client is unknown).
    pub fn of(standing: &Standing, association: Option<&str>) -> Result<Self, SubmitterRefusal> {
        match standing {
            Standing::Public => Ok(Submitter::Public),
            Standing::Inhabitant(account) => Ok(Submitter::Inhabitant(*account)),
            Standing::Staff(account) => Ok(Submitter::Staff(*account)),
            Standing::Client { .. } if !standing.has_scope(Scope::RequestsWrite) => Err(SubmitterRefusal::MissingScope),
            Standing::Client { client, .. } => match association {
                Some(association) => Ok(Submitter::Client { id: *client, association: association.to_owned() }),
                None => Err(SubmitterRefusal::UnknownClient),
            },
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            Submitter::Public => Actor::Public,
            Submitter::Inhabitant(account) | Submitter::Staff(account) => Actor::Account(*account),
            Submitter::Client { id, .. } => Actor::Client(*id),
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
            errors.push(FieldError::new(
                field,
                crate::error::Code::TooMany,
                Message::new(format!("at most {MAX_THEMES} themes"), format!("{MAX_THEMES} thèmes au plus")),
            ));
        }
        let mut themes: Vec<Slug> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            if !self.themes.contains(code) {
                errors.push(FieldError::new(
                    format!("{field}[{i}]"),
                    crate::requests::Code::UnknownTheme,
                    Message::new(
                        format!("no theme {code:?} in this municipality's catalogue"),
                        format!("aucun thème {code:?} au catalogue de cette commune"),
                    ),
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
                crate::requests::Code::UnknownNeighbourhood,
                Message::new(
                    format!("no neighbourhood {code:?} in this municipality"),
                    format!("aucun quartier {code:?} dans cette commune"),
                ),
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
    /// The solution the requester proposes.
    pub proposed_solution: Option<String>,
    /// What the requester offers to do themselves.
    pub offer: Option<String>,
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
    pub proposed_solution: Option<ProposedSolution>,
    pub offer: Option<Offer>,
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
        let kind = required(
            &mut errors,
            "kind",
            draft.kind,
            Message::new(
                "say what it is: idea, need, complaint, petition or question",
                "dites ce que c'est : idea, need, complaint, petition ou question",
            ),
        );
        let title = required_text(&mut errors, "title", draft.title.as_deref(), Title::parse);
        let description = required_text(&mut errors, "description", draft.description.as_deref(), Description::parse);
        let channel = intake_channel(&mut errors, submitter, draft.channel);
        let received_on = intake_date(&mut errors, submitter, draft.received_on, today);
        let themes = catalogue.check_themes("themes", &draft.themes, &mut errors);
        let neighbourhood =
            draft.neighbourhood.as_deref().and_then(|c| catalogue.check_neighbourhood("neighbourhood", c, &mut errors));
        let location = draft.location.as_ref().and_then(|l| Location::parse("location", l, &mut errors));
        let requester = draft.requester.as_ref().and_then(|r| Requester::parse(r, &mut errors));
        let proposed_solution = draft
            .proposed_solution
            .as_deref()
            .and_then(|v| errors.collect(ProposedSolution::parse("proposed_solution", v)));
        let offer = draft.offer.as_deref().and_then(|v| errors.collect(Offer::parse("offer", v)));
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
                proposed_solution,
                offer,
                consent,
                association,
                submitted_by: submitter.actor(),
                received_on,
            }),
            // Every missing value was recorded as an error above.
            _ => Err(ValidationErrors(vec![FieldError::new(
                "",
                crate::error::Code::Invalid,
                Message::new("invalid request", "demande invalide"),
            )])),
        }
    }
}

fn required<T: Copy>(errors: &mut ValidationErrors, field: &str, value: Option<T>, message: Message) -> Option<T> {
    if value.is_none() {
        errors.push(FieldError::new(field, crate::error::Code::Required, message));
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
            errors.push(FieldError::new(
                field,
                crate::error::Code::Required,
                Message::new("must be given", "doit être donné"),
            ));
            None
        }
    }
}

fn intake_channel(errors: &mut ValidationErrors, submitter: &Submitter, asked: Option<Channel>) -> Option<Channel> {
    let imposed = match submitter {
        Submitter::Staff(_) if asked == Some(Channel::HandedOver) => {
            errors.push(FieldError::new(
                "channel",
                crate::error::Code::UnknownValue,
                Message::new(
                    "handed_over is the channel of requests another body hands over (…/handover), not one to type in",
                    "handed_over est le canal des demandes transmises par une autre collectivité (…/handover), pas une saisie",
                ),
            ));
            return None;
        }
        Submitter::Staff(_) => {
            return required(
                errors,
                "channel",
                asked,
                Message::new(
                    "say how the request reached the town (letter, appointment, phone…)",
                    "dites comment la demande est arrivée en mairie (letter, appointment, phone…)",
                ),
            );
        }
        Submitter::Public | Submitter::Inhabitant(_) => Channel::Website,
        Submitter::Client { .. } => Channel::PartnerTool,
    };
    match asked {
        Some(channel) if channel != imposed => {
            errors.push(FieldError::new(
                "channel",
                crate::requests::Code::NotAllowed,
                Message::new(
                    format!("only staff set the channel: this submission's channel is {imposed}"),
                    format!("seul le personnel fixe le canal : celui de ce dépôt est {imposed}"),
                ),
            ));
            None
        }
        _ => Some(imposed),
    }
}

pub(super) fn intake_date(
    errors: &mut ValidationErrors,
    submitter: &Submitter,
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    match (submitter, asked) {
        (_, None) => today,
        (Submitter::Staff(_), Some(date)) if date > today => {
            errors.push(FieldError::new(
                "received_on",
                crate::requests::Code::InTheFuture,
                Message::new(
                    "a request cannot be received after today",
                    "une demande ne peut pas être reçue après aujourd'hui",
                ),
            ));
            today
        }
        (Submitter::Staff(_), Some(date)) => date,
        (_, Some(date)) if date == today => today,
        (_, Some(_)) => {
            errors.push(FieldError::new(
                "received_on",
                crate::requests::Code::NotAllowed,
                Message::new(
                    "only staff date a request: it is received today",
                    "seul le personnel date une demande : elle est reçue aujourd'hui",
                ),
            ));
            today
        }
    }
}

/// Personal data is kept only with the requester's consent.
pub(super) fn check_consent(errors: &mut ValidationErrors, gives_personal_data: bool, consent: bool) {
    if gives_personal_data && !consent {
        errors.push(FieldError::new(
            "personal_data_consent",
            crate::requests::Code::ConsentRequired,
            Message::new("the requester's name or contact details are kept only with their consent: set personal_data_consent to true, or leave them out", "le nom et les coordonnées du demandeur ne sont gardés qu'avec son accord : mettez personal_data_consent à true, ou ne les donnez pas"),
        ));
    }
}
