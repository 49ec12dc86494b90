//! Following a signed convention (§5.6.4): each commitment's fulfilment — pending, fulfilled,
//! partly or not fulfilled, with its day and notes; an upkeep commitment not (fully) kept
//! *erodes* (the residents stop watering the flowers), and "the services stepped in" is
//! recorded —; the participants (registered names, with consent, plus a low-bound estimate for
//! open events, §5.6.2 note 35); and the costs planned and actual per party, in cents, with
//! their totals and, optionally, what a conventional approach would have cost (the rural paths:
//! about €25,000 a km, against €100,000 per 500 m of asphalt).
//!
//! And how a convention ends: completed; lapsed (caducity: a proven breach of an article, by
//! whom, when, annex A3's article 7); or terminated, with a reason.

use super::convention::{Content, Convention};
use super::lifecycle::{Refusal, Rule};
use super::{Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{CommitmentId, PartyId};
use crate::vocabulary::{CommitmentFulfilment, CommitmentKind, ConventionStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

text_type!(
    /// Notes on a commitment's fulfilment, a breach, a reason: 1 to 2,000 characters.
    FollowUpText, 2_000, parse_text
);
text_type!(
    /// A participant's name, who recorded a breach: 1 to 200 characters.
    FollowUpName, 200, parse_name
);

/// How many registered participants a convention lists at most.
pub const MAX_PARTICIPANTS: usize = 500;
/// The most a cost may be, in cents (ten million euros).
pub const MAX_CENTS: i64 = 1_000_000_000;

/// How far one commitment was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfilment {
    pub commitment: CommitmentId,
    pub status: CommitmentFulfilment,
    pub on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// The services did it instead (an eroded upkeep).
    pub services_stepped_in: bool,
}

impl Fulfilment {
    /// An upkeep commitment not fully kept erodes.
    pub fn eroded(&self, kind: CommitmentKind) -> bool {
        kind == CommitmentKind::Upkeep
            && matches!(self.status, CommitmentFulfilment::NotFulfilled | CommitmentFulfilment::PartlyFulfilled)
    }
}

/// A participant registered by name, with their consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub name: String,
    pub consented_on: NaiveDate,
}

/// Who took part: registered names, and a low-bound estimate of those who came to open events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    pub registered: Vec<Participant>,
    pub open_events_low_bound: Option<u32>,
}

impl Participants {
    /// At least this many took part.
    pub fn at_least(&self) -> u32 {
        let registered = u32::try_from(self.registered.len()).unwrap_or(u32::MAX);
        registered.max(self.open_events_low_bound.unwrap_or(0))
    }
}

/// What a party's share cost, planned and actual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyCost {
    pub party: PartyId,
    pub planned_cents: Option<i64>,
    pub actual_cents: Option<i64>,
}

/// What a conventional approach would have cost, and on what basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub conventional_cents: i64,
    pub basis: String,
}

/// What the works achieved, as a quantity and its unit ("1000 m" of paths): what a series adds up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Achieved {
    pub quantity: i64,
    pub unit: String,
}

/// The costs of a convention.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Costs {
    pub parties: Vec<PartyCost>,
    pub comparison: Option<Comparison>,
    #[serde(default)]
    pub achieved: Option<Achieved>,
}

impl Costs {
    /// The planned and actual totals over the parties (in cents).
    pub fn totals(&self) -> (i64, i64) {
        self.parties.iter().fold((0, 0), |(planned, actual), p| {
            (planned + p.planned_cents.unwrap_or(0), actual + p.actual_cents.unwrap_or(0))
        })
    }
}

/// A proven breach, which voids the convention (caducity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    /// The article breached (1 to the last).
    pub article: u32,
    pub description: String,
    pub recorded_by: String,
    pub on: NaiveDate,
}

/// How a convention ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub breach: Option<Breach>,
}

/// A convention's follow-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub fulfilments: Vec<Fulfilment>,
    pub participants: Participants,
    pub costs: Costs,
    pub closing: Option<Closing>,
}

impl FollowUp {
    pub fn fulfilment(&self, commitment: CommitmentId) -> Option<&Fulfilment> {
        self.fulfilments.iter().find(|f| f.commitment == commitment)
    }
}

/// Whether a convention is followed: once signed (its signed version's commitments), until it ends.
pub fn may_follow(convention: &Convention) -> Result<(), Refusal> {
    if convention.signed_version.is_none() {
        return Err(Refusal::guard(
            Rule::NotSigned,
            Message::new(
                "a convention is followed once signed by every party",
                "une convention se suit une fois signée par toutes les parties",
            ),
            Vec::new(),
        ));
    }
    if matches!(
        convention.status,
        ConventionStatus::Completed | ConventionStatus::Lapsed | ConventionStatus::Terminated
    ) {
        return Err(Refusal::guard(
            Rule::ConventionEnded,
            Message::new(
                format!("the convention is {}: it changes no more", convention.status),
                format!("la convention est {} : elle ne change plus", convention.status),
            ),
            Vec::new(),
        ));
    }
    Ok(())
}

fn cents(field: &str, value: Option<i64>, errors: &mut ValidationErrors) -> Option<i64> {
    match value {
        Some(v) if !(0..=MAX_CENTS).contains(&v) => {
            errors.push(FieldError::new(
                field,
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must be between 0 and {MAX_CENTS} cents"),
                    format!("doit être compris entre 0 et {MAX_CENTS} centimes"),
                ),
            ));
            None
        }
        other => other,
    }
}

/// Whether no amendment is being drafted or signed: a convention with one ends once the amendment
/// is signed (or the project ends, which terminates it).
pub fn no_amendment_pending(convention: &Convention) -> Result<(), Refusal> {
    if convention.signed_version.is_some_and(|signed| signed != convention.current_version) {
        return Err(Refusal::guard(
            Rule::AmendmentPending,
            Message::new(
                format!("version {} (an amendment) is not signed yet: sign it first", convention.current_version),
                format!(
                    "la version {} (un avenant) n'est pas encore signée : signez-la d'abord",
                    convention.current_version
                ),
            ),
            Vec::new(),
        ));
    }
    Ok(())
}

/// A fulfilment as received.
#[derive(Debug, Clone, Default)]
pub struct FulfilmentDraft {
    pub status: Option<CommitmentFulfilment>,
    pub on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub services_stepped_in: Option<bool>,
}

impl FulfilmentDraft {
    /// The fulfilment of `commitment` of the signed text `content` (`None`: no such commitment).
    pub fn parse(
        &self,
        content: &Content,
        commitment: CommitmentId,
        today: NaiveDate,
    ) -> Option<Result<Fulfilment, ValidationErrors>> {
        let kind = content.parties.iter().flat_map(|p| &p.commitments).find(|c| c.id == commitment)?.kind;
        let mut errors = ValidationErrors::default();
        if self.status.is_none() {
            errors.push(missing(
                "status",
                "say how far it was kept: pending, fulfilled, partly_fulfilled, not_fulfilled",
                "dites s'il a été tenu : pending, fulfilled, partly_fulfilled, not_fulfilled",
            ));
        }
        let on = self.on.and_then(|d| errors.collect(crate::time::check_past_date("on", d, today)));
        let notes = self.notes.as_deref().and_then(|n| errors.collect(FollowUpText::parse("notes", n)));
        let stepped_in = self.services_stepped_in.unwrap_or(false);
        if stepped_in && kind != CommitmentKind::Upkeep {
            errors.push(FieldError::new(
                "services_stepped_in",
                Code::NotApplicable,
                Message::new(
                    "the services step in for an eroded upkeep",
                    "les services prennent le relais d'un entretien qui s'érode",
                ),
            ));
        }
        if stepped_in && self.status == Some(CommitmentFulfilment::Fulfilled) {
            errors.push(FieldError::new(
                "services_stepped_in",
                Code::NotApplicable,
                Message::new(
                    "a commitment kept needed no one to step in",
                    "un engagement tenu n'a eu besoin de personne",
                ),
            ));
        }
        let result = errors.into_result().map(|()| Fulfilment {
            commitment,
            status: self.status.unwrap_or(CommitmentFulfilment::Pending),
            on,
            notes: notes.map(|n| n.as_str().to_owned()),
            services_stepped_in: stepped_in,
        });
        Some(result)
    }
}

/// A participant as received.
#[derive(Debug, Clone, Default)]
pub struct ParticipantDraft {
    pub name: Option<String>,
    pub consent: Option<bool>,
}

/// Parses the participants: each named with their consent (`consent: true`), today.
pub fn participants(
    registered: &[ParticipantDraft],
    open_events_low_bound: Option<i64>,
    today: NaiveDate,
) -> Result<Participants, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if registered.len() > MAX_PARTICIPANTS {
        errors.push(FieldError::new(
            "registered",
            crate::error::Code::TooMany,
            Message::new(format!("at most {MAX_PARTICIPANTS}"), format!("{MAX_PARTICIPANTS} au plus")),
        ));
    }
    let mut list = Vec::new();
    for (i, p) in registered.iter().enumerate() {
        let name = match p.name.as_deref() {
            Some(n) => errors.collect(FollowUpName::parse(&format!("registered[{i}].name"), n)),
            None => {
                errors.push(missing(&format!("registered[{i}].name"), "name the participant", "nommez le participant"));
                None
            }
        };
        if p.consent != Some(true) {
            errors.push(FieldError::new(
                format!("registered[{i}].consent"),
                crate::participation::Code::ConsentRequired,
                Message::new(
                    "a participant is registered by name only with their consent",
                    "un participant n'est inscrit par son nom qu'avec son accord",
                ),
            ));
        }
        if let Some(name) = name {
            list.push(Participant { name: name.as_str().to_owned(), consented_on: today });
        }
    }
    let low_bound = match open_events_low_bound {
        Some(n) => match u32::try_from(n) {
            Ok(n) if n <= 1_000_000 => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "open_events_low_bound",
                    crate::error::Code::OutOfRange,
                    Message::new("must be between 0 and 1,000,000", "doit être compris entre 0 et 1 000 000"),
                ));
                None
            }
        },
        None => None,
    };
    errors.into_result()?;
    Ok(Participants { registered: list, open_events_low_bound: low_bound })
}

/// A party's cost as received.
#[derive(Debug, Clone, Default)]
pub struct PartyCostDraft {
    pub party: Option<PartyId>,
    pub planned_cents: Option<i64>,
    pub actual_cents: Option<i64>,
}

/// Parses the costs of the signed text `content`: each party once, amounts in cents.
pub fn costs(
    content: &Content,
    parties: &[PartyCostDraft],
    comparison: Option<(Option<i64>, Option<String>)>,
    achieved: Option<(Option<i64>, Option<String>)>,
) -> Result<Costs, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut list: Vec<PartyCost> = Vec::new();
    for (i, p) in parties.iter().enumerate() {
        let at = format!("parties[{i}]");
        let party = match p.party {
            Some(id) if content.party(id).is_none() => {
                errors.push(FieldError::new(
                    format!("{at}.party"),
                    Code::UnknownParty,
                    Message::new(
                        "no such party in the convention",
                        "aucune partie de cet identifiant dans la convention",
                    ),
                ));
                None
            }
            Some(id) if list.iter().any(|c| c.party == id) => {
                errors.push(FieldError::new(
                    format!("{at}.party"),
                    Code::UnknownParty,
                    Message::new("this party's costs are given already", "les coûts de cette partie sont déjà donnés"),
                ));
                None
            }
            Some(id) => Some(id),
            None => {
                errors.push(missing(&format!("{at}.party"), "name the party", "nommez la partie"));
                None
            }
        };
        let planned = cents(&format!("{at}.planned_cents"), p.planned_cents, &mut errors);
        let actual = cents(&format!("{at}.actual_cents"), p.actual_cents, &mut errors);
        if let Some(party) = party {
            list.push(PartyCost { party, planned_cents: planned, actual_cents: actual });
        }
    }
    let comparison = match comparison {
        None => None,
        Some((value, basis)) => {
            let value = match value {
                Some(v) => cents("comparison.conventional_cents", Some(v), &mut errors),
                None => {
                    errors.push(missing(
                        "comparison.conventional_cents",
                        "what would it have cost, in cents?",
                        "combien cela aurait-il coûté, en centimes ?",
                    ));
                    None
                }
            };
            let basis = match basis.as_deref() {
                Some(b) => errors.collect(FollowUpText::parse("comparison.basis", b)),
                None => {
                    errors.push(missing(
                        "comparison.basis",
                        "say on what basis (100,000 € per 500 m of asphalt…)",
                        "dites sur quelle base (100 000 € les 500 m d'enrobé…)",
                    ));
                    None
                }
            };
            match (value, basis) {
                (Some(conventional_cents), Some(basis)) => {
                    Some(Comparison { conventional_cents, basis: basis.as_str().to_owned() })
                }
                _ => None,
            }
        }
    };
    let achieved = achieved.and_then(|(quantity, unit)| {
        let quantity = match quantity {
            Some(q) if (0..=1_000_000_000).contains(&q) => Some(q),
            Some(_) => {
                errors.push(FieldError::new(
                    "achieved.quantity",
                    crate::error::Code::OutOfRange,
                    Message::new("must be between 0 and 1,000,000,000", "doit être compris entre 0 et 1 000 000 000"),
                ));
                None
            }
            None => {
                errors.push(missing("achieved.quantity", "how much was achieved?", "combien a été réalisé ?"));
                None
            }
        };
        let unit = match unit.as_deref() {
            Some(u) => errors.collect(FollowUpName::parse("achieved.unit", u)),
            None => {
                errors.push(missing(
                    "achieved.unit",
                    "in which unit (m, trees, boxes…)?",
                    "en quelle unité (m, arbres, bacs…) ?",
                ));
                None
            }
        };
        Some(Achieved { quantity: quantity?, unit: unit?.as_str().to_owned() })
    });
    errors.into_result()?;
    Ok(Costs { parties: list, comparison, achieved })
}

/// What a caller asks to end a convention with.
#[derive(Debug, Clone, Default)]
pub struct EndingAsk {
    pub to: Option<ConventionStatus>,
    pub reason: Option<String>,
    pub breach_article: Option<i64>,
    pub breach_description: Option<String>,
    pub breach_recorded_by: Option<String>,
    pub breach_on: Option<NaiveDate>,
}

/// Ends a signed convention: `completed`, `lapsed` (a breach of one of its articles, by whom,
/// when) or `terminated` (a reason). `articles` is how many the signed text has.
pub fn end(
    convention: &Convention,
    ask: &EndingAsk,
    articles: u32,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Convention, Closing), Refusal> {
    may_follow(convention)?;
    no_amendment_pending(convention)?;
    let mut errors = ValidationErrors::default();
    let to = ask
        .to
        .filter(|t| matches!(t, ConventionStatus::Completed | ConventionStatus::Lapsed | ConventionStatus::Terminated));
    let reason = ask.reason.as_deref().and_then(|r| errors.collect(FollowUpText::parse("reason", r)));
    if to == Some(ConventionStatus::Terminated) && reason.is_none() && ask.reason.is_none() {
        errors.push(missing(
            "reason",
            "say why the convention is terminated",
            "dites pourquoi la convention est résiliée",
        ));
    }
    let breach = if to == Some(ConventionStatus::Lapsed) {
        let article = match ask.breach_article {
            Some(n) if n >= 1 && n <= i64::from(articles) => u32::try_from(n).ok(),
            Some(_) => {
                errors.push(FieldError::new(
                    "breach.article",
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("the convention has articles 1 to {articles}"),
                        format!("la convention a des articles 1 à {articles}"),
                    ),
                ));
                None
            }
            None => {
                errors.push(missing("breach.article", "name the article breached", "nommez l'article manqué"));
                None
            }
        };
        let description = match ask.breach_description.as_deref() {
            Some(d) => errors.collect(FollowUpText::parse("breach.description", d)),
            None => {
                errors.push(missing(
                    "breach.description",
                    "describe the proven breach",
                    "décrivez le manquement avéré",
                ));
                None
            }
        };
        let by = match ask.breach_recorded_by.as_deref() {
            Some(b) => errors.collect(FollowUpName::parse("breach.recorded_by", b)),
            None => {
                errors.push(missing("breach.recorded_by", "say who found it", "dites qui l'a constaté"));
                None
            }
        };
        let on = match ask.breach_on {
            Some(d) => errors.collect(crate::time::check_past_date("breach.on", d, today)),
            None => Some(today),
        };
        match (article, description, by, on) {
            (Some(article), Some(d), Some(b), Some(on)) => {
                Some(Breach { article, description: d.as_str().to_owned(), recorded_by: b.as_str().to_owned(), on })
            }
            _ => None,
        }
    } else {
        None
    };
    if to.is_none() {
        errors.push(FieldError::new(
            "to",
            Code::NotApplicable,
            Message::new(
                "a signed convention ends completed, lapsed or terminated",
                "une convention signée s'achève exécutée, caduque ou résiliée",
            ),
        ));
    }
    errors.into_result().map_err(Refusal::Invalid)?;
    let Some(to) = to else { return Err(Refusal::Invalid(ValidationErrors::default())) };
    let closing = Closing { at: now, reason: reason.map(|r| r.as_str().to_owned()), breach };
    Ok((Convention { status: to, updated_at: now, ..convention.clone() }, closing))
}
