//! Narratives (§4.4.2: "not everything that counts can be counted, but it can be told"; §6.2):
//! accounts written by the people who carried a fifty-fifty project or took part in a process —
//! critical ones welcome — attached to it.
//!
//! - An inhabitant writes their own, about a project or a process the public may read; staff
//!   record one on its author's behalf (a story told at a meeting, a letter), naming the author.
//! - It is published only with its author's consent, by staff, once its subject is public.
//! - Its author (or staff, at the author's request) withdraws it at any time: withdrawn, it is
//!   gone from every public view and export, and never comes back (a new one may be written).

use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{AccountId, MunicipalityId, NarrativeId, ProcessId, ProjectId};
use crate::vocabulary::{NarrativeStatus, NarrativeSubject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

text_type!(
    /// A narrative's title: 1 to 200 characters.
    NarrativeTitle, 200, parse_text
);
text_type!(
    /// A narrative's text: 1 to 20,000 characters.
    NarrativeText, 20_000, parse_text
);

/// What a narrative tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Project(ProjectId),
    Process(ProcessId),
}

impl Subject {
    pub fn kind(self) -> NarrativeSubject {
        match self {
            Subject::Project(_) => NarrativeSubject::Project,
            Subject::Process(_) => NarrativeSubject::Process,
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            Subject::Project(p) => p.as_uuid(),
            Subject::Process(p) => p.as_uuid(),
        }
    }

    pub fn of(kind: NarrativeSubject, id: Uuid) -> Self {
        match kind {
            NarrativeSubject::Project => Subject::Project(ProjectId::from_uuid(id)),
            NarrativeSubject::Process => Subject::Process(ProcessId::from_uuid(id)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrative {
    pub id: NarrativeId,
    pub municipality: MunicipalityId,
    pub subject: Subject,
    pub title: String,
    pub text: String,
    /// How its author is named publicly (a first name, a name, "a resident of the Cité 5").
    pub author_name: String,
    /// The author's own account, when they wrote it themselves.
    pub author_account: Option<AccountId>,
    /// The staff member who recorded it on its author's behalf.
    pub recorded_by: Option<AccountId>,
    /// When its author consented to its publication.
    pub consent_at: Option<DateTime<Utc>>,
    pub status: NarrativeStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who writes a narrative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// Its author, with their own account.
    Author(AccountId),
    /// A staff member, on its author's behalf.
    Staff(AccountId),
}

/// A narrative as received.
#[derive(Debug, Clone, Default)]
pub struct NarrativeDraft {
    pub subject: Option<NarrativeSubject>,
    pub subject_id: Option<Uuid>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub author_name: Option<String>,
    /// The author consents to its publication.
    pub consent: Option<bool>,
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new("required", "obligatoire"))
}

impl NarrativeDraft {
    /// The narrative `writer` writes, every invalid field named at once; `author_name` may be left
    /// out by an author (their account's display name, `default_name`, then names them).
    pub fn parse(
        &self,
        municipality: MunicipalityId,
        writer: Writer,
        default_name: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Narrative, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let subject = match (self.subject, self.subject_id) {
            (Some(kind), Some(id)) => Some(Subject::of(kind, id)),
            (None, _) => {
                errors.push(required("subject"));
                None
            }
            (_, None) => {
                errors.push(required("subject_id"));
                None
            }
        };
        let mut text =
            |field: &str, value: &Option<String>, parse: fn(&str, &str) -> Result<String, FieldError>| match value {
                Some(v) => errors.collect(parse(field, v)),
                None => {
                    errors.push(required(field));
                    None
                }
            };
        let title = text("title", &self.title, |f, v| NarrativeTitle::parse(f, v).map(|t| t.as_str().to_owned()));
        let body = text("text", &self.text, |f, v| NarrativeText::parse(f, v).map(|t| t.as_str().to_owned()));
        let author_name = match (&self.author_name, writer, default_name) {
            (Some(name), ..) => errors.collect(parse_name("author_name", name, 200)),
            (None, Writer::Author(_), Some(name)) => Some(name.to_owned()),
            (None, ..) => {
                errors.push(FieldError::new(
                    "author_name",
                    crate::error::Code::Required,
                    Message::new("say how its author is named", "dites comment son auteur est nommé"),
                ));
                None
            }
        };
        match (subject, title, body, author_name) {
            (Some(subject), Some(title), Some(text), Some(author_name)) if errors.is_empty() => Ok(Narrative {
                id: NarrativeId::new(),
                municipality,
                subject,
                title,
                text,
                author_name,
                author_account: match writer {
                    Writer::Author(account) => Some(account),
                    Writer::Staff(_) => None,
                },
                recorded_by: match writer {
                    Writer::Staff(account) => Some(account),
                    Writer::Author(_) => None,
                },
                consent_at: (self.consent == Some(true)).then_some(now),
                status: NarrativeStatus::Submitted,
                published_at: None,
                withdrawn_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// The rules that refuse a narrative's change: the `rule` of a 409.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Only a submitted narrative is published.
    NotSubmitted,
    /// A narrative is published only with its author's consent.
    NoConsent,
    /// …and once what it tells of is public.
    SubjectNotPublic,
    /// A withdrawn narrative stays withdrawn.
    AlreadyWithdrawn,
}

impl Rule {
    pub const ALL: &'static [Rule] =
        &[Rule::NotSubmitted, Rule::NoConsent, Rule::SubjectNotPublic, Rule::AlreadyWithdrawn];

    pub fn code(self) -> &'static str {
        match self {
            Rule::NotSubmitted => "narrative_not_submitted",
            Rule::NoConsent => "no_consent",
            Rule::SubjectNotPublic => "subject_not_public",
            Rule::AlreadyWithdrawn => "already_withdrawn",
        }
    }
}

/// Why a narrative's change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub message: Message,
}

impl Narrative {
    /// Whether the public (and every export) may read it.
    pub fn is_public(&self) -> bool {
        self.status == NarrativeStatus::Published
    }

    /// Whether `standing` reads it whole (status, consent, accounts): staff, and its author.
    pub fn read_whole_by(&self, standing: &crate::identity::Standing) -> bool {
        match standing {
            crate::identity::Standing::Staff(_) => true,
            crate::identity::Standing::Inhabitant(account) => self.is_authors(*account),
            _ => false,
        }
    }

    /// Whether `standing` may read it at all: published, or read whole.
    pub fn readable_by(&self, standing: &crate::identity::Standing) -> bool {
        self.is_public() || self.read_whole_by(standing)
    }

    /// Whether `account` wrote it with their own account.
    pub fn is_authors(&self, account: AccountId) -> bool {
        self.author_account == Some(account)
    }

    /// Published: it was submitted, its author consented, and its subject is public.
    pub fn publish(&self, subject_public: bool, now: DateTime<Utc>) -> Result<Self, Refusal> {
        let refuse =
            |rule, en: &str, fr: &str| Err(Refusal { rule, message: Message::new(en.to_owned(), fr.to_owned()) });
        if self.status != NarrativeStatus::Submitted {
            return refuse(
                Rule::NotSubmitted,
                "only a submitted narrative is published",
                "seul un récit proposé se publie",
            );
        }
        if self.consent_at.is_none() {
            return refuse(
                Rule::NoConsent,
                "its author has not consented to its publication",
                "son auteur n'a pas consenti à sa publication",
            );
        }
        if !subject_public {
            return refuse(
                Rule::SubjectNotPublic,
                "what it tells of is not public yet",
                "ce qu'il raconte n'est pas encore public",
            );
        }
        Ok(Self { status: NarrativeStatus::Published, published_at: Some(now), updated_at: now, ..self.clone() })
    }

    /// Withdrawn, whatever it was, unless it already is.
    pub fn withdraw(&self, now: DateTime<Utc>) -> Result<Self, Refusal> {
        if self.status == NarrativeStatus::Withdrawn {
            return Err(Refusal {
                rule: Rule::AlreadyWithdrawn,
                message: Message::new("the narrative is withdrawn already", "le récit est déjà retiré"),
            });
        }
        Ok(Self { status: NarrativeStatus::Withdrawn, withdrawn_at: Some(now), updated_at: now, ..self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> NarrativeDraft {
        NarrativeDraft {
            subject: Some(NarrativeSubject::Project),
            subject_id: Some(Uuid::now_v7()),
            title: Some("Nos bacs à fleurs".into()),
            text: Some("On a tenu deux étés, puis l'arrosage s'est perdu. On recommencera autrement.".into()),
            author_name: None,
            consent: Some(true),
        }
    }

    #[test]
    fn an_author_writes_under_their_name_and_staff_name_the_author() {
        let (town, amel) = (MunicipalityId::new(), AccountId::new());
        let now = Utc::now();
        let own = draft().parse(town, Writer::Author(amel), Some("Amel"), now).unwrap();
        assert_eq!((own.author_name.as_str(), own.author_account, own.consent_at), ("Amel", Some(amel), Some(now)));
        assert_eq!(own.status, NarrativeStatus::Submitted);
        let refused = draft().parse(town, Writer::Staff(amel), None, now).unwrap_err();
        assert_eq!(refused.0[0].field, "author_name");
        let empty = NarrativeDraft::default().parse(town, Writer::Author(amel), Some("Amel"), now).unwrap_err();
        let fields: Vec<&str> = empty.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["subject", "title", "text"]);
    }

    #[test]
    fn published_only_with_consent_once_its_subject_is_public_and_withdrawn_for_good() {
        let now = Utc::now();
        let town = MunicipalityId::new();
        let unconsented = NarrativeDraft { consent: None, author_name: Some("Un riverain".into()), ..draft() }
            .parse(town, Writer::Staff(AccountId::new()), None, now)
            .unwrap();
        assert_eq!(unconsented.publish(true, now).unwrap_err().rule, Rule::NoConsent);
        let narrative = draft().parse(town, Writer::Author(AccountId::new()), Some("Amel"), now).unwrap();
        assert_eq!(narrative.publish(false, now).unwrap_err().rule, Rule::SubjectNotPublic);
        let published = narrative.publish(true, now).unwrap();
        assert!(published.is_public());
        assert_eq!(published.publish(true, now).unwrap_err().rule, Rule::NotSubmitted);
        let withdrawn = published.withdraw(now).unwrap();
        assert!(!withdrawn.is_public());
        assert_eq!(withdrawn.withdraw(now).unwrap_err().rule, Rule::AlreadyWithdrawn);
        assert_eq!(withdrawn.publish(true, now).unwrap_err().rule, Rule::NotSubmitted, "never back");
    }
}
