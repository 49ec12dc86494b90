//! A fifty-fifty convention (§5.6.3.3, annex A3): the parties — the municipality through its
//! mayor or the elected official holding the delegation, associations, farms, individuals,
//! informal groups, schools, businesses, each with its representative —, the context ("having set
//! out the following"), the purpose, what each party commits to (article 1), the period (article
//! 2), the works (article 3), and the clauses (insurance, accidents, equipment breakage, caducity:
//! articles 4 to 7 of annex A3 unless the town wrote its own).
//!
//! Its text lives in numbered versions. A draft is edited in place; opening it for signature
//! freezes the version and fixes its content hash ([`content_hash`]); a change afterwards is a new
//! version — an amendment — that every party signs again. Every version stays readable.

use super::{Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{AccountId, CommitmentId, ConventionId, MunicipalityId, OrganisationId, PartyId, ProjectId};
use crate::vocabulary::{CommitmentKind, ConventionStatus, PartyKind, UpkeepRecurrence};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

text_type!(
    /// A convention's title ("Convention fifty-fifty tripartite pour la rénovation des chemins
    /// ruraux"): 1 to 300 characters.
    ConventionTitle, 300, parse_name
);
text_type!(
    /// A long part of a convention (the context, the purpose, the works, a clause): 1 to 10,000
    /// characters, line breaks allowed.
    ConventionText, 10_000, parse_text
);
text_type!(
    /// A party's name, a representative's, or their capacity ("Maire", "Président"): 1 to 200
    /// characters.
    PartyName, 200, parse_name
);
text_type!(
    /// What a party commits to: 1 to 2,000 characters.
    CommitmentText, 2_000, parse_text
);
text_type!(
    /// How much, in words ("un tracteur et une benne", "200 m³ de gravillons"): 1 to 200 characters.
    Quantity, 200, parse_name
);
text_type!(
    /// A clause's heading ("Assurance"): 1 to 200 characters.
    ClauseTitle, 200, parse_name
);

/// How many parties, commitments per party and clauses a convention holds at most.
pub const MAX_PARTIES: usize = 20;
pub const MAX_COMMITMENTS: usize = 30;
pub const MAX_CLAUSES: usize = 20;
/// The most one commitment may be worth, in cents (ten million euros).
pub const MAX_AMOUNT_CENTS: i64 = 1_000_000_000;

/// Who signs for a party, and in which capacity ("représentée par son Maire").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    pub name: String,
    pub capacity: String,
}

/// One thing a party commits to (article 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: CommitmentId,
    pub kind: CommitmentKind,
    pub description: String,
    pub quantity: Option<String>,
    /// In cents (required for funding).
    pub amount_cents: Option<i64>,
    pub due_on: Option<NaiveDate>,
    /// How often (required for upkeep).
    pub recurrence: Option<UpkeepRecurrence>,
}

/// A party to the convention, with its commitments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: PartyId,
    /// The organisation of the town's directory it is, if drawn from it.
    #[serde(default)]
    pub organisation: Option<OrganisationId>,
    pub kind: PartyKind,
    pub name: String,
    pub representative: Option<Representative>,
    /// The account that signs for it by itself (an inhabitant, an association's representative).
    /// The municipality's signs by the mayor or the elected official holding the delegation.
    pub account: Option<AccountId>,
    /// An individual named in public views: only with their consent.
    pub named_publicly: bool,
    pub commitments: Vec<Commitment>,
}

impl Party {
    /// Whether the public may read its name: organisations yes, individuals with consent.
    pub fn is_named_publicly(&self) -> bool {
        self.kind != PartyKind::Individual || self.named_publicly
    }

    /// Whether the public may read who represents it: an organisation's representative acts in
    /// its name; an informal group's is a private person, and so is an individual who did not
    /// consent.
    pub fn representative_named_publicly(&self) -> bool {
        self.is_named_publicly() && self.kind != PartyKind::InformalGroup
    }
}

/// A clause (articles 4 onwards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub title: String,
    pub text: String,
}

/// The text of a convention, as one version holds it. Parsed texts are kept as plain strings here
/// so that the content serialises canonically (see [`content_hash`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub title: String,
    /// "Having set out the following" (the context).
    pub context: Option<String>,
    pub purpose: Option<String>,
    pub works: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub parties: Vec<Party>,
    pub clauses: Vec<Clause>,
}

impl Content {
    /// What the text lacks before it can go to signature, each named as the document reads it.
    pub fn missing(&self) -> Vec<FieldError> {
        let mut lacking = Vec::new();
        for (field, given, en, fr) in [
            ("context", self.context.is_some(), "set out the context", "exposez le contexte"),
            ("purpose", self.purpose.is_some(), "say what the convention is for", "dites l'objet de la convention"),
            ("works", self.works.is_some(), "describe the works", "décrivez les travaux"),
            ("starts_on", self.starts_on.is_some(), "give the period's first day", "donnez le premier jour"),
            ("ends_on", self.ends_on.is_some(), "give the period's last day", "donnez le dernier jour"),
        ] {
            if !given {
                lacking.push(missing(field, en, fr));
            }
        }
        let municipal = self.parties.iter().filter(|p| p.kind == PartyKind::Municipality).count();
        if municipal != 1 {
            lacking.push(FieldError::new(
                "parties",
                Code::MunicipalityParty,
                Message::new("the municipality is one party, and only one", "la commune est une partie, et une seule"),
            ));
        }
        if self.parties.len() < 2 {
            lacking.push(missing(
                "parties",
                "a convention binds the municipality and at least one other party",
                "une convention lie la commune et au moins une autre partie",
            ));
        }
        for (i, party) in self.parties.iter().enumerate() {
            if party.kind != PartyKind::Individual && party.representative.is_none() {
                lacking.push(missing(
                    &format!("parties[{i}].representative"),
                    "name who represents it, and in which capacity",
                    "nommez qui la représente, et en quelle qualité",
                ));
            }
            if party.commitments.is_empty() {
                lacking.push(missing(
                    &format!("parties[{i}].commitments"),
                    "fifty-fifty: every party commits to something",
                    "fifty-fifty : chaque partie s'engage à quelque chose",
                ));
            }
        }
        lacking
    }

    pub fn party(&self, id: PartyId) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }
}

/// The SHA-256 (lowercase hex) of a version's text as signed: the canonical JSON (RFC 8785
/// style: object keys sorted by code point, no insignificant whitespace, UTF-8, integers only,
/// dates as `YYYY-MM-DD`, absent values as `null`) of
/// `{"schema": 1, "title", "context", "purpose", "works", "starts_on", "ends_on", "parties":
/// [{"id", "kind", "name", "representative": {"name", "capacity"} | null, "commitments": [{"id",
/// "kind", "description", "quantity", "amount_cents", "due_on", "recurrence"}]}], "clauses":
/// [{"title", "text"}]}` — every field of the text that the parties read; not who signs online
/// for a party nor an individual's consent to be named, which are no part of what is agreed.
/// A signature names the hash of the version it signs.
pub fn content_hash(content: &Content) -> String {
    let value = canonical_document(content);
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The document [`content_hash`] hashes (schema 1).
pub fn canonical_document(content: &Content) -> serde_json::Value {
    use serde_json::json;
    json!({
        "schema": 1,
        "title": content.title,
        "context": content.context,
        "purpose": content.purpose,
        "works": content.works,
        "starts_on": content.starts_on,
        "ends_on": content.ends_on,
        "parties": content.parties.iter().map(|p| json!({
            "id": p.id,
            "kind": p.kind,
            "name": p.name,
            "representative": p.representative.as_ref().map(|r| json!({ "name": r.name, "capacity": r.capacity })),
            "commitments": p.commitments.iter().map(|c| json!({
                "id": c.id,
                "kind": c.kind,
                "description": c.description,
                "quantity": c.quantity,
                "amount_cents": c.amount_cents,
                "due_on": c.due_on,
                "recurrence": c.recurrence,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "clauses": content.clauses.iter().map(|c| json!({ "title": c.title, "text": c.text })).collect::<Vec<_>>(),
    })
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*key).clone()).to_string());
                out.push(':');
                write_canonical(&map[*key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Annex A3's articles 4 to 7: the clauses a convention starts with, unless the town wrote its own.
pub fn default_clauses() -> Vec<Clause> {
    [
        (
            "Assurance",
            "Chaque partie doit être assurée pour le matériel et les risques de la conduite, pour le corporel du ou des conducteurs et des autres, et pour la responsabilité civile.",
        ),
        (
            "Accident corporel ou matériel",
            "Chaque partie est responsable de son activité, de son matériel et de son fonctionnement. En cas d'accident ou d'incident, la partie responsable devra prendre à sa charge les frais occasionnés aux autres et à elle-même. La commune est dégagée de tout incident ou accident qui trouverait son origine dans un défaut de gestion ou dans un défaut de coordination.",
        ),
        (
            "Casse de matériel",
            "Chaque partie est responsable de son activité, de son matériel et de son fonctionnement. En cas de casse de matériel, son propriétaire aura les frais de réparations à sa charge.",
        ),
        (
            "Caducité de la convention",
            "Tout manquement avéré dans les articles 1 à 6 conduit immédiatement à la caducité de la présente convention.",
        ),
    ]
    .into_iter()
    .map(|(title, text)| Clause { title: title.to_owned(), text: text.to_owned() })
    .collect()
}

/// The clauses a municipality's new conventions start with: its admin's own, or, until the admin
/// writes them, annex A3's articles 4 to 7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseTemplates {
    pub clauses: Vec<Clause>,
    /// 0 while annex A3's stand (never written); the `If-Match` that changes them names it.
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
}

impl ClauseTemplates {
    /// Annex A3's, as every town starts.
    pub fn annex_a3() -> Self {
        Self { clauses: default_clauses(), version: 0, updated_at: None }
    }
}

/// The templates `drafts` give: one clause at least, each titled and written, every invalid
/// field named under `clauses[i]`.
pub fn parse_templates(drafts: &[ClauseDraft]) -> Result<Vec<Clause>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if drafts.is_empty() {
        errors.push(missing(
            "clauses",
            "give at least one clause (annex A3's articles 4 to 7 are a start)",
            "donnez au moins une clause (les articles 4 à 7 de l'annexe A3 sont un point de départ)",
        ));
    }
    let clauses = parse_clauses(drafts, &mut errors);
    errors.into_result().map(|()| clauses)
}

/// A representative as received.
#[derive(Debug, Clone, Default)]
pub struct RepresentativeDraft {
    pub name: Option<String>,
    pub capacity: Option<String>,
}

/// A commitment as received (`id`: an existing one's, kept across versions).
#[derive(Debug, Clone, Default)]
pub struct CommitmentDraft {
    pub id: Option<CommitmentId>,
    pub kind: Option<CommitmentKind>,
    pub description: Option<String>,
    pub quantity: Option<String>,
    pub amount_cents: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub recurrence: Option<UpkeepRecurrence>,
}

/// A party as received (`id`: an existing one's, kept across versions and by its signatures).
#[derive(Debug, Clone, Default)]
pub struct PartyDraft {
    pub id: Option<PartyId>,
    /// An organisation of the directory (the caller filled the rest from it: see
    /// [`super::organisation::fill_party`]).
    pub organisation: Option<OrganisationId>,
    pub kind: Option<PartyKind>,
    pub name: Option<String>,
    pub representative: Option<RepresentativeDraft>,
    pub account: Option<AccountId>,
    pub named_publicly: Option<bool>,
    pub commitments: Vec<CommitmentDraft>,
}

/// A clause as received.
#[derive(Debug, Clone, Default)]
pub struct ClauseDraft {
    pub title: Option<String>,
    pub text: Option<String>,
}

/// A convention's text as received: the whole of it, replacing the one before. Without
/// `clauses`, the town's templates (annex A3's articles 4 to 7 by default) are taken.
#[derive(Debug, Clone, Default)]
pub struct ContentDraft {
    pub title: Option<String>,
    pub context: Option<String>,
    pub purpose: Option<String>,
    pub works: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub parties: Vec<PartyDraft>,
    pub clauses: Option<Vec<ClauseDraft>>,
}

impl ContentDraft {
    /// Checks every field at once. `before` is the text in force: a party or commitment `id` must
    /// be one of its own (a new one gets a new id). A draft may be incomplete (see
    /// [`Content::missing`]), but what it gives must be valid.
    pub fn parse(&self, before: Option<&Content>, templates: &[Clause]) -> Result<Content, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = match self.title.as_deref() {
            Some(title) => errors.collect(ConventionTitle::parse("title", title)),
            None => {
                errors.push(missing("title", "give the convention a title", "donnez un titre à la convention"));
                None
            }
        };
        let long = |field: &str, value: &Option<String>, errors: &mut ValidationErrors| {
            value
                .as_deref()
                .and_then(|v| errors.collect(ConventionText::parse(field, v)))
                .map(|t| t.as_str().to_owned())
        };
        let context = long("context", &self.context, &mut errors);
        let purpose = long("purpose", &self.purpose, &mut errors);
        let works = long("works", &self.works, &mut errors);
        let starts_on = self.starts_on.and_then(|d| errors.collect(crate::time::check_date("starts_on", d)));
        let ends_on = self.ends_on.and_then(|d| errors.collect(crate::time::check_date("ends_on", d)));
        if let (Some(start), Some(end)) = (starts_on, ends_on)
            && end < start
        {
            errors.push(FieldError::new(
                "ends_on",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must not come before the first day ({start})"),
                    format!("ne doit pas précéder le premier jour ({start})"),
                ),
            ));
        }
        let parties = self.parse_parties(before, &mut errors);
        let clauses = match &self.clauses {
            // Left out: the text's own clauses, or the templates for a new one.
            None => before.map_or_else(|| templates.to_vec(), |b| b.clauses.clone()),
            Some(drafts) => parse_clauses(drafts, &mut errors),
        };
        errors.into_result()?;
        let Some(title) = title else { return Err(ValidationErrors::default()) };
        Ok(Content { title: title.as_str().to_owned(), context, purpose, works, starts_on, ends_on, parties, clauses })
    }

    fn parse_parties(&self, before: Option<&Content>, errors: &mut ValidationErrors) -> Vec<Party> {
        if self.parties.len() > MAX_PARTIES {
            errors.push(too_many("parties", MAX_PARTIES));
        }
        let known_party = |id: PartyId| before.is_some_and(|c| c.party(id).is_some());
        let known_commitment = |id: CommitmentId| {
            before.is_some_and(|c| c.parties.iter().flat_map(|p| &p.commitments).any(|k| k.id == id))
        };
        let mut parties: Vec<Party> = Vec::with_capacity(self.parties.len());
        for (i, draft) in self.parties.iter().enumerate() {
            let at = format!("parties[{i}]");
            let id = match draft.id {
                Some(id) if !known_party(id) || parties.iter().any(|p| p.id == id) => {
                    errors.push(FieldError::new(
                        format!("{at}.id"),
                        Code::UnknownParty,
                        Message::new(
                            "no such party in the convention (leave the id out for a new one)",
                            "aucune partie de cet identifiant dans la convention (omettez-le pour une nouvelle)",
                        ),
                    ));
                    None
                }
                Some(id) => Some(id),
                None => Some(PartyId::new()),
            };
            if draft.kind.is_none() {
                errors.push(missing(
                    &format!("{at}.kind"),
                    "name the kind of party: municipality, association, farm, individual…",
                    "nommez le type de partie : commune, association, exploitation agricole, habitant…",
                ));
            }
            let name = match draft.name.as_deref() {
                Some(name) => errors.collect(PartyName::parse(&format!("{at}.name"), name)),
                None => {
                    errors.push(missing(&format!("{at}.name"), "name the party", "nommez la partie"));
                    None
                }
            };
            let representative = draft.representative.as_ref().and_then(|r| {
                let name = match r.name.as_deref() {
                    Some(n) => errors.collect(PartyName::parse(&format!("{at}.representative.name"), n)),
                    None => {
                        errors.push(missing(
                            &format!("{at}.representative.name"),
                            "name the representative",
                            "nommez le représentant",
                        ));
                        None
                    }
                };
                let capacity = match r.capacity.as_deref() {
                    Some(c) => errors.collect(PartyName::parse(&format!("{at}.representative.capacity"), c)),
                    None => {
                        errors.push(missing(
                            &format!("{at}.representative.capacity"),
                            "say in which capacity (mayor, president…)",
                            "dites en quelle qualité (maire, président…)",
                        ));
                        None
                    }
                };
                Some(Representative { name: name?.as_str().to_owned(), capacity: capacity?.as_str().to_owned() })
            });
            if draft.named_publicly.is_some() && draft.kind != Some(PartyKind::Individual) {
                errors.push(FieldError::new(
                    format!("{at}.named_publicly"),
                    Code::NotApplicable,
                    Message::new(
                        "only an individual chooses whether to be named publicly (organisations are)",
                        "seul un habitant choisit d'être nommé publiquement (les organisations le sont)",
                    ),
                ));
            }
            if self.parties.iter().take(i).any(|p| p.kind == Some(PartyKind::Municipality))
                && draft.kind == Some(PartyKind::Municipality)
            {
                errors.push(FieldError::new(
                    format!("{at}.kind"),
                    Code::MunicipalityParty,
                    Message::new("the municipality is one party only", "la commune n'est qu'une partie"),
                ));
            }
            let commitments = parse_commitments(&at, &draft.commitments, &known_commitment, errors);
            if let (Some(id), Some(kind), Some(name)) = (id, draft.kind, name) {
                parties.push(Party {
                    id,
                    organisation: draft.organisation,
                    kind,
                    name: name.as_str().to_owned(),
                    representative,
                    account: draft.account,
                    named_publicly: draft.named_publicly.unwrap_or(false),
                    commitments,
                });
            }
        }
        parties
    }
}

fn parse_commitments(
    at: &str,
    drafts: &[CommitmentDraft],
    known: &dyn Fn(CommitmentId) -> bool,
    errors: &mut ValidationErrors,
) -> Vec<Commitment> {
    if drafts.len() > MAX_COMMITMENTS {
        errors.push(too_many(&format!("{at}.commitments"), MAX_COMMITMENTS));
    }
    let mut commitments: Vec<Commitment> = Vec::with_capacity(drafts.len());
    for (j, draft) in drafts.iter().enumerate() {
        let at = format!("{at}.commitments[{j}]");
        let id = match draft.id {
            Some(id) if !known(id) || commitments.iter().any(|c| c.id == id) => {
                errors.push(FieldError::new(
                    format!("{at}.id"),
                    Code::UnknownCommitment,
                    Message::new(
                        "no such commitment in the convention (leave the id out for a new one)",
                        "aucun engagement de cet identifiant dans la convention (omettez-le pour un nouveau)",
                    ),
                ));
                None
            }
            Some(id) => Some(id),
            None => Some(CommitmentId::new()),
        };
        if draft.kind.is_none() {
            errors.push(missing(
                &format!("{at}.kind"),
                "name the kind of commitment: funding, materials, equipment, labour, staff time, upkeep…",
                "nommez le type d'engagement : financement, matériaux, matériel, main-d'œuvre, temps d'agents, entretien…",
            ));
        }
        let description = match draft.description.as_deref() {
            Some(text) => errors.collect(CommitmentText::parse(&format!("{at}.description"), text)),
            None => {
                errors.push(missing(
                    &format!("{at}.description"),
                    "say what is committed to",
                    "dites à quoi la partie s'engage",
                ));
                None
            }
        };
        let quantity =
            draft.quantity.as_deref().and_then(|q| errors.collect(Quantity::parse(&format!("{at}.quantity"), q)));
        let amount_cents = match draft.amount_cents {
            Some(cents) if !(0..=MAX_AMOUNT_CENTS).contains(&cents) => {
                errors.push(FieldError::new(
                    format!("{at}.amount_cents"),
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("must be between 0 and {MAX_AMOUNT_CENTS} cents"),
                        format!("doit être compris entre 0 et {MAX_AMOUNT_CENTS} centimes"),
                    ),
                ));
                None
            }
            None if draft.kind == Some(CommitmentKind::Funding) => {
                errors.push(missing(
                    &format!("{at}.amount_cents"),
                    "funding gives its amount, in cents",
                    "un financement donne son montant, en centimes",
                ));
                None
            }
            other => other,
        };
        let due_on = draft.due_on.and_then(|d| errors.collect(crate::time::check_date(&format!("{at}.due_on"), d)));
        match (draft.kind, draft.recurrence) {
            (Some(CommitmentKind::Upkeep), None) => errors.push(missing(
                &format!("{at}.recurrence"),
                "upkeep says how often: weekly, monthly, seasonal, yearly",
                "l'entretien dit à quelle fréquence : chaque semaine, mois, saison, année",
            )),
            (Some(kind), Some(_)) if kind != CommitmentKind::Upkeep => errors.push(FieldError::new(
                format!("{at}.recurrence"),
                Code::NotApplicable,
                Message::new("only upkeep recurs", "seul l'entretien est récurrent"),
            )),
            _ => {}
        }
        if let (Some(id), Some(kind), Some(description)) = (id, draft.kind, description) {
            commitments.push(Commitment {
                id,
                kind,
                description: description.as_str().to_owned(),
                quantity: quantity.map(|q| q.as_str().to_owned()),
                amount_cents,
                due_on,
                recurrence: draft.recurrence,
            });
        }
    }
    commitments
}

fn parse_clauses(drafts: &[ClauseDraft], errors: &mut ValidationErrors) -> Vec<Clause> {
    if drafts.len() > MAX_CLAUSES {
        errors.push(too_many("clauses", MAX_CLAUSES));
    }
    let mut clauses = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.iter().enumerate() {
        let title = match draft.title.as_deref() {
            Some(t) => errors.collect(ClauseTitle::parse(&format!("clauses[{i}].title"), t)),
            None => {
                errors.push(missing(
                    &format!("clauses[{i}].title"),
                    "give the clause a heading",
                    "donnez un intitulé à la clause",
                ));
                None
            }
        };
        let text = match draft.text.as_deref() {
            Some(t) => errors.collect(ConventionText::parse(&format!("clauses[{i}].text"), t)),
            None => {
                errors.push(missing(&format!("clauses[{i}].text"), "write the clause", "rédigez la clause"));
                None
            }
        };
        if let (Some(title), Some(text)) = (title, text) {
            clauses.push(Clause { title: title.as_str().to_owned(), text: text.as_str().to_owned() });
        }
    }
    clauses
}

fn too_many(field: &str, max: usize) -> FieldError {
    FieldError::new(
        field,
        crate::error::Code::TooMany,
        Message::new(format!("at most {max}"), format!("{max} au plus")),
    )
}

/// A convention, as stored: its status and which versions matter. Its text is in its versions.
#[derive(Debug, Clone)]
pub struct Convention {
    pub id: ConventionId,
    pub municipality: MunicipalityId,
    pub project: ProjectId,
    /// `draft`, `open_for_signature`, `signed`, `completed`, `lapsed` or `terminated` (`active` is
    /// computed: signed, and its period has begun).
    pub status: ConventionStatus,
    /// The latest version (the one being drafted, or signed).
    pub current_version: i32,
    /// The latest version every party signed: the one in force while an amendment is drafted.
    pub signed_version: Option<i32>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Convention {
    /// Its status as shown: `signed` becomes `active` once its period has begun (`today`, the
    /// town's day), without any job.
    pub fn shown_status(&self, starts_on: Option<NaiveDate>, today: NaiveDate) -> ConventionStatus {
        match (self.status, starts_on) {
            (ConventionStatus::Signed, Some(start)) if today >= start => ConventionStatus::Active,
            (status, _) => status,
        }
    }

    /// Whether it ended (completed, lapsed or terminated).
    pub fn is_ended(&self) -> bool {
        matches!(self.status, ConventionStatus::Completed | ConventionStatus::Lapsed | ConventionStatus::Terminated)
    }

    /// Whether the public may read it: once signed by every party (its amendments being drafted
    /// stay the services' work; the signed version is what is public).
    pub fn is_public(&self) -> bool {
        self.signed_version.is_some()
    }
}

/// One version of a convention's text: editable while it is the current draft, frozen (with its
/// hash) once opened for signature.
#[derive(Debug, Clone)]
pub struct Version {
    pub convention: ConventionId,
    pub number: i32,
    pub content: Content,
    /// Set when frozen: what signatures name.
    pub content_hash: Option<String>,
    pub frozen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Version {
    pub fn is_frozen(&self) -> bool {
        self.content_hash.is_some()
    }
}

/// A new convention for `project`, its first version drafted from `content`.
pub fn draft(
    municipality: MunicipalityId,
    project: ProjectId,
    content: Content,
    now: DateTime<Utc>,
) -> (Convention, Version) {
    let convention = Convention {
        id: ConventionId::new(),
        municipality,
        project,
        status: ConventionStatus::Draft,
        current_version: 1,
        signed_version: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let version =
        Version { convention: convention.id, number: 1, content, content_hash: None, frozen_at: None, created_at: now };
    (convention, version)
}
