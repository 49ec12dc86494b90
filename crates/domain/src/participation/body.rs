//! The town's standing bodies (§5.5, §4.3.1.3, §6.1.1): commissions such as "fête et
//! cérémonie", neighbourhood groups, the yearly meetings with farmers, teachers and shopkeepers.
//! Each has its members — named with their consent, which they may withdraw: they are then erased
//! — and its meetings, with their minutes. The public reads a body and its meetings; only staff
//! read who its members are.

use super::meeting::{Agenda, MinutesText, Place};
use super::{Code, MeetingDraft, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::Email;
use crate::identity::municipality::{MunicipalitySettings, parse_name};
use crate::ids::{BodyId, MemberId, MunicipalityId};
use crate::requests::{Catalogue, Phone};
use crate::slug::Slug;
use crate::vocabulary::BodyKind;
use chrono::{DateTime, NaiveDate, Utc};

text_type!(
    /// A body's name ("Commission fête et cérémonie"): 1 to 200 characters.
    BodyName, 200, parse_name
);
text_type!(
    /// What a body is for: 1 to 2,000 characters.
    BodyPurpose, 2_000, parse_text
);
text_type!(
    /// A member's name: 1 to 200 characters (personal data: staff only).
    MemberName, 200, parse_name
);
text_type!(
    /// A member's role in the body ("présidente", "représentant des commerçants"): 1 to 200 characters.
    MemberRole, 200, parse_name
);

/// A standing body, as stored.
#[derive(Debug, Clone)]
pub struct Body {
    pub id: BodyId,
    pub municipality: MunicipalityId,
    pub name: BodyName,
    pub kind: BodyKind,
    pub purpose: Option<BodyPurpose>,
    /// The neighbourhood of a neighbourhood group.
    pub neighbourhood: Option<Slug>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A body as received.
#[derive(Debug, Clone, Default)]
pub struct BodyDraft {
    pub name: Option<String>,
    pub kind: Option<BodyKind>,
    pub purpose: Option<String>,
    pub neighbourhood: Option<String>,
}

impl BodyDraft {
    pub fn parse(
        &self,
        municipality: MunicipalityId,
        catalogue: &Catalogue<'_>,
        now: DateTime<Utc>,
    ) -> Result<Body, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = match self.name.as_deref() {
            Some(name) => errors.collect(BodyName::parse("name", name)),
            None => {
                errors.push(missing("name", "name the body", "nommez l'instance"));
                None
            }
        };
        if self.kind.is_none() {
            errors.push(missing("kind", "name the kind of body", "nommez le type d'instance"));
        }
        let purpose = self.purpose.as_deref().and_then(|p| errors.collect(BodyPurpose::parse("purpose", p)));
        let neighbourhood = self
            .neighbourhood
            .as_deref()
            .and_then(|code| catalogue.check_neighbourhood("neighbourhood", code, &mut errors));
        if self.kind == Some(BodyKind::NeighbourhoodGroup) && self.neighbourhood.is_none() {
            errors.push(missing(
                "neighbourhood",
                "a neighbourhood group names its neighbourhood",
                "un groupe de quartier nomme son quartier",
            ));
        }
        errors.into_result()?;
        let (Some(name), Some(kind)) = (name, self.kind) else { return Err(ValidationErrors::default()) };
        Ok(Body {
            id: BodyId::new(),
            municipality,
            name,
            kind,
            purpose,
            neighbourhood,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }
}

/// A member of a body, as stored: named with their consent.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: MemberId,
    pub municipality: MunicipalityId,
    pub body: BodyId,
    pub name: MemberName,
    pub role: Option<MemberRole>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    /// The day they agreed to be named in the body (and contacted for it).
    pub consented_on: NaiveDate,
    pub joined_at: DateTime<Utc>,
}

/// A member as received.
#[derive(Debug, Clone, Default)]
pub struct MemberDraft {
    pub name: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// They agreed: required, and `true`.
    pub consent: Option<bool>,
    /// Default: today.
    pub consented_on: Option<NaiveDate>,
}

impl MemberDraft {
    /// A member of `body`, who consented on a day already come (`today`: the municipality's).
    pub fn parse(&self, body: &Body, today: NaiveDate, now: DateTime<Utc>) -> Result<Member, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = match self.name.as_deref() {
            Some(name) => errors.collect(MemberName::parse("name", name)),
            None => {
                errors.push(missing("name", "name the member", "nommez le membre"));
                None
            }
        };
        let role = self.role.as_deref().and_then(|r| errors.collect(MemberRole::parse("role", r)));
        let email = self.email.as_deref().and_then(|e| errors.collect(Email::parse("email", e)));
        let phone = self.phone.as_deref().and_then(|p| errors.collect(Phone::parse("phone", p)));
        if self.consent != Some(true) {
            errors.push(FieldError::new(
                "consent",
                Code::ConsentRequired,
                Message::new(
                    "a member is named only with their consent: record it (true)",
                    "un membre n'est nommé qu'avec son accord : enregistrez-le (true)",
                ),
            ));
        }
        let consented_on = match self.consented_on {
            None => Some(today),
            Some(day) => match crate::time::check_date("consented_on", day) {
                Ok(day) if day > today => {
                    errors.push(FieldError::new(
                        "consented_on",
                        Code::InTheFuture,
                        Message::new("must be a day already come", "doit être un jour déjà venu"),
                    ));
                    None
                }
                Ok(day) => Some(day),
                Err(error) => {
                    errors.push(error);
                    None
                }
            },
        };
        errors.into_result()?;
        let (Some(name), Some(consented_on)) = (name, consented_on) else { return Err(ValidationErrors::default()) };
        Ok(Member {
            id: MemberId::new(),
            municipality: body.municipality,
            body: body.id,
            name,
            role,
            email,
            phone,
            consented_on,
            joined_at: now,
        })
    }
}

/// A meeting of a body, as stored: set like a process's meeting (a day in the municipality's
/// time zone, by default 18:00 to 19:30), with its minutes once held.
#[derive(Debug, Clone)]
pub struct BodyMeeting {
    pub id: crate::ids::MeetingId,
    pub municipality: MunicipalityId,
    pub body: BodyId,
    pub place: Place,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub agenda: Option<Agenda>,
    pub attendance: Option<u32>,
    /// The minutes and when they were first published.
    pub minutes: Option<(MinutesText, DateTime<Utc>)>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl BodyMeeting {
    /// A meeting of `body` from a meeting draft (its kind and stage do not apply to a body).
    pub fn parse(
        draft: &MeetingDraft,
        body: &Body,
        settings: &MunicipalitySettings,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let place = match draft.place.as_deref() {
            Some(place) => errors.collect(Place::parse("place", place)),
            None => {
                errors.push(missing("place", "give where it takes place", "dites où elle a lieu"));
                None
            }
        };
        let times = match draft.date.map(|d| crate::time::check_date("date", d)) {
            Some(Ok(date)) => draft.times(date, settings.time_zone, &mut errors),
            Some(Err(error)) => {
                errors.push(error);
                None
            }
            None => {
                errors.push(missing("date", "give its day, such as 2026-12-10", "donnez son jour, comme 2026-12-10"));
                None
            }
        };
        let (agenda, _, attendance) = draft.details(&mut errors);
        errors.into_result()?;
        let (Some(place), Some((starts_at, ends_at))) = (place, times) else {
            return Err(ValidationErrors::default());
        };
        Ok(Self {
            id: crate::ids::MeetingId::new(),
            municipality: body.municipality,
            body: body.id,
            place,
            starts_at,
            ends_at,
            agenda,
            attendance,
            minutes: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    /// Its minutes, once it has ended (a correction keeps the first publication).
    pub fn record_minutes(&self, text: Option<&str>, now: DateTime<Utc>) -> Result<Self, super::Refusal> {
        if self.ends_at > now {
            return Err(super::Refusal::Guard {
                rule: super::Rule::MeetingNotHeld,
                message: Message::new(
                    format!("the meeting ends at {}: its minutes come after", self.ends_at),
                    format!("la réunion se termine le {} : son compte rendu vient après", self.ends_at),
                ),
                allowed: Vec::new(),
            });
        }
        let text = match text {
            Some(text) => MinutesText::parse("text", text).map_err(|e| super::Refusal::Invalid(e.into()))?,
            None => return Err(super::Refusal::Invalid(missing("text", "the minutes", "le compte rendu").into())),
        };
        let published_at = self.minutes.as_ref().map_or(now, |(_, at)| *at);
        Ok(Self { minutes: Some((text, published_at)), updated_at: now, ..self.clone() })
    }
}
