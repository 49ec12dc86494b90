//! Minutes reach people (annex A1): the town records to whom a meeting's minutes were delivered —
//! the participants' letterboxes, neighbourhoods, the whole town — by which medium and on which
//! day, and the reactions readers send back. Both come once the minutes are published.

use super::lifecycle::{Refusal, Rule};
use super::{Code, Meeting, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::Email;
use crate::identity::municipality::parse_name;
use crate::ids::{DeliveryId, MeetingId, MunicipalityId, ReactionId};
use crate::requests::Catalogue;
use crate::slug::Slug;
use crate::vocabulary::{Channel, MinutesAudience, NoticeMedium};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

text_type!(
    /// What a reader says of the minutes: 1 to 5,000 characters.
    ReactionText, 5_000, parse_text
);
text_type!(
    /// The name a reader gives to be answered: 1 to 200 characters (personal data: staff only).
    ReaderName, 200, parse_name
);

/// How many neighbourhoods a delivery names at most.
pub const MAX_NEIGHBOURHOODS: usize = 30;
/// How many copies a delivery counts at most.
pub const MAX_COPIES: i64 = 1_000_000;

/// A delivery of a meeting's minutes, as stored.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: DeliveryId,
    pub municipality: MunicipalityId,
    pub meeting: MeetingId,
    pub audience: MinutesAudience,
    /// The neighbourhoods, when that is the audience.
    pub neighbourhoods: Vec<Slug>,
    pub channel: NoticeMedium,
    /// The day, where the municipality is.
    pub delivered_on: NaiveDate,
    /// How many copies, when counted.
    pub copies: Option<u32>,
    pub created_at: DateTime<Utc>,
}

/// A delivery as received.
#[derive(Debug, Clone, Default)]
pub struct DeliveryDraft {
    pub audience: Option<MinutesAudience>,
    pub neighbourhoods: Vec<String>,
    pub channel: Option<NoticeMedium>,
    /// Default: today.
    pub delivered_on: Option<NaiveDate>,
    pub copies: Option<i64>,
}

fn minutes_published(meeting: &Meeting, what: &str, quoi: &str) -> Result<DateTime<Utc>, Refusal> {
    meeting.minutes.as_ref().map(|m| m.published_at).ok_or_else(|| Refusal::Guard {
        rule: Rule::MinutesNotPublished,
        message: Message::new(
            format!("the meeting's minutes are not published: {what} comes after"),
            format!("le compte rendu de la réunion n'est pas publié : {quoi} vient après"),
        ),
        allowed: Vec::new(),
    })
}

impl DeliveryDraft {
    /// A delivery of `meeting`'s minutes: once they are published, on a day between their
    /// publication and `today` (the municipality's local days in `tz`).
    pub fn parse(
        &self,
        meeting: &Meeting,
        catalogue: &Catalogue<'_>,
        tz: Tz,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Delivery, Refusal> {
        let published_at = minutes_published(meeting, "their delivery", "sa distribution")?;
        let mut errors = ValidationErrors::default();
        if self.audience.is_none() {
            errors.push(missing(
                "audience",
                "name to whom: participants, neighbourhoods or whole_town",
                "nommez à qui : participants, neighbourhoods ou whole_town",
            ));
        }
        if self.channel.is_none() {
            errors.push(missing("channel", "name the medium", "nommez le support"));
        }
        let mut neighbourhoods: Vec<Slug> = Vec::new();
        if self.neighbourhoods.len() > MAX_NEIGHBOURHOODS {
            errors.push(FieldError::new(
                "neighbourhoods",
                crate::error::Code::TooMany,
                Message::new(
                    format!("at most {MAX_NEIGHBOURHOODS} neighbourhoods"),
                    format!("{MAX_NEIGHBOURHOODS} quartiers au plus"),
                ),
            ));
        } else {
            for (i, code) in self.neighbourhoods.iter().enumerate() {
                if let Some(slug) = catalogue.check_neighbourhood(&format!("neighbourhoods[{i}]"), code, &mut errors)
                    && !neighbourhoods.contains(&slug)
                {
                    neighbourhoods.push(slug);
                }
            }
        }
        match (self.audience, self.neighbourhoods.is_empty()) {
            (Some(MinutesAudience::Neighbourhoods), true) => {
                errors.push(missing("neighbourhoods", "name at least one", "nommez-en au moins un"));
            }
            (Some(MinutesAudience::Participants | MinutesAudience::WholeTown), false) => {
                errors.push(FieldError::new(
                    "neighbourhoods",
                    Code::NotApplicable,
                    Message::new(
                        "only a delivery to neighbourhoods names them",
                        "seule une distribution aux quartiers les nomme",
                    ),
                ));
            }
            _ => {}
        }
        let published_on = published_at.with_timezone(&tz).date_naive();
        let delivered_on = match self.delivered_on {
            None => Some(today),
            Some(day) => match crate::time::check_date("delivered_on", day) {
                Err(error) => {
                    errors.push(error);
                    None
                }
                Ok(day) if day > today => {
                    errors.push(FieldError::new(
                        "delivered_on",
                        Code::InTheFuture,
                        Message::new("must be a day already come", "doit être un jour déjà venu"),
                    ));
                    None
                }
                Ok(day) if day < published_on => {
                    errors.push(FieldError::new(
                        "delivered_on",
                        crate::error::Code::OutOfRange,
                        Message::new(
                            format!("must not come before the minutes were published ({published_on})"),
                            format!("ne doit pas précéder la publication du compte rendu ({published_on})"),
                        ),
                    ));
                    None
                }
                Ok(day) => Some(day),
            },
        };
        let copies = self.copies.and_then(|n| match u32::try_from(n) {
            Ok(n) if i64::from(n) <= MAX_COPIES => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "copies",
                    crate::error::Code::OutOfRange,
                    Message::new(format!("must be from 0 to {MAX_COPIES}"), format!("doit aller de 0 à {MAX_COPIES}")),
                ));
                None
            }
        });
        errors.into_result().map_err(Refusal::Invalid)?;
        let (Some(audience), Some(channel), Some(delivered_on)) = (self.audience, self.channel, delivered_on) else {
            return Err(Refusal::Invalid(ValidationErrors::default()));
        };
        Ok(Delivery {
            id: DeliveryId::new(),
            municipality: meeting.municipality,
            meeting: meeting.id,
            audience,
            neighbourhoods,
            channel,
            delivered_on,
            copies,
            created_at: now,
        })
    }
}

/// A reader's reaction to a meeting's minutes, as stored. The name and email are given to be
/// answered: only staff read them (and the text, which may carry personal data too).
#[derive(Debug, Clone)]
pub struct Reaction {
    pub id: ReactionId,
    pub municipality: MunicipalityId,
    pub meeting: MeetingId,
    /// How it reached the town (a reader online: `website`; staff type in the others).
    pub channel: Channel,
    pub text: ReactionText,
    pub name: Option<ReaderName>,
    pub email: Option<Email>,
    pub received_at: DateTime<Utc>,
}

/// A reaction as received.
#[derive(Debug, Clone, Default)]
pub struct ReactionDraft {
    pub text: Option<String>,
    /// Default: `website`.
    pub channel: Option<Channel>,
    pub name: Option<String>,
    pub email: Option<String>,
}

impl ReactionDraft {
    /// A reaction to `meeting`'s minutes, once they are published. Only staff (`by_staff`), who
    /// type in what came by letter or by phone, set its channel: a reader's own is `website`.
    pub fn parse(&self, meeting: &Meeting, by_staff: bool, now: DateTime<Utc>) -> Result<Reaction, Refusal> {
        minutes_published(meeting, "a reaction to them", "une réaction")?;
        let mut errors = ValidationErrors::default();
        if !by_staff && self.channel.is_some_and(|c| c != Channel::Website) {
            errors.push(FieldError::new(
                "channel",
                Code::NotAllowed,
                Message::new(
                    "only staff set the channel: a reader's reaction comes by the website",
                    "seul le personnel fixe le canal : la réaction d'un lecteur arrive par le site",
                ),
            ));
        }
        let text = match self.text.as_deref() {
            Some(text) => errors.collect(ReactionText::parse("text", text)),
            None => {
                errors.push(missing(
                    "text",
                    "say what you think of the minutes",
                    "dites ce que vous pensez du compte rendu",
                ));
                None
            }
        };
        let name = self.name.as_deref().and_then(|n| errors.collect(ReaderName::parse("name", n)));
        let email = self.email.as_deref().and_then(|e| errors.collect(Email::parse("email", e)));
        errors.into_result().map_err(Refusal::Invalid)?;
        let Some(text) = text else { return Err(Refusal::Invalid(ValidationErrors::default())) };
        Ok(Reaction {
            id: ReactionId::new(),
            municipality: meeting.municipality,
            meeting: meeting.id,
            channel: self.channel.unwrap_or(Channel::Website),
            text,
            name,
            email,
            received_at: now,
        })
    }
}
