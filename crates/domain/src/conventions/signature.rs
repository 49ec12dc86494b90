//! Insurance, opening for signature, amendments and signatures (§6.3, §5.6.4.2, annex A3's
//! article 4).
//!
//! Each party attests its insurance — equipment, bodily injury, civil liability; its insurer and
//! policy number are never public — before it signs. Heavy work needs more before the text even
//! goes to signature: every volunteer covered, parties or not (a volunteer's civil liability
//! covers others, not themselves), and, for an association, statutes that allow the work; the
//! town's own policy may carry a fifty-fifty clause, for light work only. Opening freezes the
//! version and fixes its hash; each party signs that hash — by its own account, or recorded by
//! staff from the paper original with the scan's SHA-256 —; the municipality signs only by the
//! mayor or the elected official holding the project's delegation. A change after opening is an
//! amendment: a new version, signed again.

use super::convention::{Content, Convention, Version, content_hash};
use super::lifecycle::{Refusal, Rule};
use super::{Code, Project, diagnostic, missing};
use crate::common::actor::Actor;
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{ConventionId, PartyId};
use crate::vocabulary::{ConventionStatus, PartyKind, ProjectStatus, ProjectWeight};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

text_type!(
    /// An insurer's name, a policy number, a signatory's name or capacity: 1 to 200 characters.
    Short, 200, parse_name
);
text_type!(
    /// How the volunteers are covered: 1 to 2,000 characters.
    CoverText, 2_000, parse_text
);

/// A party's insurance, as attested (annex A3, article 4). Insurer and policy number: staff only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insurance {
    pub party: PartyId,
    pub equipment: bool,
    pub bodily_injury: bool,
    pub civil_liability: bool,
    pub insurer: String,
    pub policy_number: String,
    pub attested_on: NaiveDate,
    /// For an association: whether its statutes allow the work (heavy work needs it).
    pub statutes_allow_work: Option<bool>,
}

impl Insurance {
    /// Whether it covers the three risks article 4 names.
    pub fn is_complete(&self) -> bool {
        self.equipment && self.bodily_injury && self.civil_liability
    }
}

/// An insurance attestation as received.
#[derive(Debug, Clone, Default)]
pub struct InsuranceDraft {
    pub equipment: Option<bool>,
    pub bodily_injury: Option<bool>,
    pub civil_liability: Option<bool>,
    pub insurer: Option<String>,
    pub policy_number: Option<String>,
    pub attested_on: Option<NaiveDate>,
    pub statutes_allow_work: Option<bool>,
}

impl InsuranceDraft {
    /// The attestation of party `party` of `content` (an association may say whether its
    /// statutes allow the work; others may not).
    pub fn parse(&self, content: &Content, party: PartyId, today: NaiveDate) -> Result<Insurance, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let Some(found) = content.party(party) else {
            return Err(ValidationErrors(vec![unknown_party("party")]));
        };
        let mut flag = |field: &str, value: Option<bool>| {
            if value.is_none() {
                errors.push(missing(
                    field,
                    "say whether it is covered (true or false)",
                    "dites si elle est couverte (true ou false)",
                ));
            }
            value.unwrap_or(false)
        };
        let equipment = flag("equipment", self.equipment);
        let bodily_injury = flag("bodily_injury", self.bodily_injury);
        let civil_liability = flag("civil_liability", self.civil_liability);
        let short = |field: &str, value: &Option<String>, errors: &mut ValidationErrors| match value.as_deref() {
            Some(v) => errors.collect(Short::parse(field, v)).map(|s| s.as_str().to_owned()),
            None => {
                errors.push(missing(field, "required", "obligatoire"));
                None
            }
        };
        let insurer = short("insurer", &self.insurer, &mut errors);
        let policy_number = short("policy_number", &self.policy_number, &mut errors);
        let attested_on = match self.attested_on {
            Some(day) => errors.collect(crate::time::check_past_date("attested_on", day, today)),
            None => Some(today),
        };
        if self.statutes_allow_work.is_some() && found.kind != PartyKind::Association {
            errors.push(FieldError::new(
                "statutes_allow_work",
                Code::NotApplicable,
                Message::new(
                    "only an association has statutes to attest",
                    "seule une association a des statuts à attester",
                ),
            ));
        }
        errors.into_result()?;
        let (Some(insurer), Some(policy_number), Some(attested_on)) = (insurer, policy_number, attested_on) else {
            return Err(ValidationErrors::default());
        };
        Ok(Insurance {
            party,
            equipment,
            bodily_injury,
            civil_liability,
            insurer,
            policy_number,
            attested_on,
            statutes_allow_work: self.statutes_allow_work,
        })
    }
}

/// How every volunteer of a heavy project is covered, parties or not (an accident policy the
/// town or an association took out for them), as attested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteersCover {
    pub how: String,
    pub attested_on: NaiveDate,
}

/// Parses a volunteers' cover attestation.
pub fn volunteers_cover(
    how: Option<&str>,
    attested_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<VolunteersCover, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let how = match how {
        Some(text) => errors.collect(CoverText::parse("how", text)),
        None => {
            errors.push(missing(
                "how",
                "say how every volunteer is covered",
                "dites comment chaque bénévole est couvert",
            ));
            None
        }
    };
    let attested_on = match attested_on {
        Some(day) => errors.collect(crate::time::check_past_date("attested_on", day, today)),
        None => Some(today),
    };
    errors.into_result()?;
    match (how, attested_on) {
        (Some(how), Some(attested_on)) => Ok(VolunteersCover { how: how.as_str().to_owned(), attested_on }),
        _ => Err(ValidationErrors::default()),
    }
}

/// What a convention's signature rules look at besides its text.
#[derive(Debug, Clone, Default)]
pub struct Attestations {
    pub insurance: Vec<Insurance>,
    pub volunteers: Option<VolunteersCover>,
}

impl Attestations {
    pub fn of(&self, party: PartyId) -> Option<&Insurance> {
        self.insurance.iter().find(|i| i.party == party)
    }
}

fn unknown_party(field: &str) -> FieldError {
    FieldError::new(
        field,
        Code::UnknownParty,
        Message::new("no such party in the convention", "aucune partie de cet identifiant dans la convention"),
    )
}

fn ended(status: ConventionStatus) -> Refusal {
    Refusal::guard(
        Rule::ConventionEnded,
        Message::new(
            format!("the convention is {status}: it changes no more"),
            format!("la convention est {status} : elle ne change plus"),
        ),
        Vec::new(),
    )
}

fn is_ended(status: ConventionStatus) -> bool {
    matches!(status, ConventionStatus::Completed | ConventionStatus::Lapsed | ConventionStatus::Terminated)
}

/// Checks the status a client asks a convention to move to: only `open_for_signature` is asked
/// for; `signed` follows the last signature, and the others the follow-up.
pub fn asked_transition(to: Option<ConventionStatus>) -> Result<(), ValidationErrors> {
    match to {
        Some(ConventionStatus::OpenForSignature) => Ok(()),
        Some(ConventionStatus::Completed | ConventionStatus::Lapsed | ConventionStatus::Terminated) => Ok(()),
        Some(_) => Err(ValidationErrors(vec![FieldError::new(
            "to",
            Code::NotApplicable,
            Message::new(
                "a convention is opened for signature, then completed, lapsed or terminated; it is signed by its parties' signatures",
                "une convention s'ouvre à la signature, puis s'achève exécutée, caduque ou résiliée ; elle est signée par les signatures de ses parties",
            ),
        )])),
        None => Err(ValidationErrors(vec![missing("to", "name the status to move to", "nommez le statut visé")])),
    }
}

/// Whether a convention still takes attestations: until it ends.
pub fn may_attest(convention: &Convention) -> Result<(), Refusal> {
    if is_ended(convention.status) { Err(ended(convention.status)) } else { Ok(()) }
}

/// Whether `project` may have its convention drafted: once, while it is `drafting`.
pub fn may_draft(project: &Project, existing: bool) -> Result<(), Refusal> {
    if existing {
        return Err(Refusal::guard(
            Rule::ConventionExists,
            Message::new(
                "the project has its convention already: change it, or amend it",
                "le projet a déjà sa convention : modifiez-la, ou amendez-la",
            ),
            Vec::new(),
        ));
    }
    if project.status != ProjectStatus::Drafting {
        return Err(project_not_drafting(project.status));
    }
    Ok(())
}

fn project_not_drafting(status: ProjectStatus) -> Refusal {
    Refusal::guard(
        Rule::ProjectNotDrafting,
        Message::new(
            format!(
                "the project is {status}: a convention is drafted while the project is drafting, and amended while it runs"
            ),
            format!(
                "le projet est {status} : une convention se rédige pendant la rédaction du projet, et s'amende pendant qu'il se déroule"
            ),
        ),
        Vec::new(),
    )
}

/// A change of a convention's text: in place while its current version is a draft; once frozen
/// (open for signature, or signed), an amendment — a new version, in draft. `project` must be
/// drafting (or running, for an amendment of a signed convention).
pub fn change_text(
    convention: &Convention,
    current: &Version,
    project: &Project,
    content: Content,
    now: DateTime<Utc>,
) -> Result<(Convention, Version), Refusal> {
    if is_ended(convention.status) {
        return Err(ended(convention.status));
    }
    if !matches!(project.status, ProjectStatus::Drafting | ProjectStatus::Signing | ProjectStatus::Running) {
        return Err(project_not_drafting(project.status));
    }
    if !current.is_frozen() {
        let version = Version { content, ..current.clone() };
        return Ok((Convention { updated_at: now, ..convention.clone() }, version));
    }
    let number = current.number + 1;
    let version =
        Version { convention: convention.id, number, content, content_hash: None, frozen_at: None, created_at: now };
    // A signed convention stays in force while its amendment is drafted and signed; one never
    // signed goes back to draft.
    let status = if convention.signed_version.is_some() { convention.status } else { ConventionStatus::Draft };
    let next = Convention { status, current_version: number, updated_at: now, ..convention.clone() };
    Ok((next, version))
}

/// Heavy work needs every volunteer covered and each association's statutes allowing the work:
/// checked when the text opens for signature, and again at each signature (the diagnostic or an
/// attestation may have changed since).
fn heavy_work_covered(project: &Project, content: &Content, attestations: &Attestations) -> Result<(), Refusal> {
    if project.diagnostic.weight == Some(ProjectWeight::Heavy) {
        if attestations.volunteers.is_none() {
            return Err(Refusal::guard(
                Rule::VolunteersNotCovered,
                Message::new(
                    "heavy work needs every volunteer covered, parties or not (their civil liability covers others, not themselves): attest it first",
                    "des travaux lourds demandent que chaque bénévole soit couvert, partie ou non (sa responsabilité civile couvre les autres, pas lui-même) : attestez-le d'abord",
                ),
                vec![missing(
                    "volunteers_cover",
                    "attest the volunteers' cover",
                    "attestez la couverture des bénévoles",
                )],
            ));
        }
        let lacking: Vec<FieldError> = content
            .parties
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PartyKind::Association)
            .filter(|(_, p)| attestations.of(p.id).and_then(|i| i.statutes_allow_work) != Some(true))
            .map(|(i, _)| {
                FieldError::new(
                    format!("parties[{i}].insurance.statutes_allow_work"),
                    crate::error::Code::Required,
                    Message::new(
                        "attest that its statutes allow the work",
                        "attestez que ses statuts permettent les travaux",
                    ),
                )
            })
            .collect();
        if !lacking.is_empty() {
            return Err(Refusal::guard(
                Rule::StatutesNotAttested,
                Message::new(
                    "heavy work by an association needs its statutes to allow it (would its insurer cover it otherwise?)",
                    "des travaux lourds par une association demandent que ses statuts les permettent (son assureur les couvrirait-il sinon ?)",
                ),
                lacking,
            ));
        }
    }
    Ok(())
}

/// Opens the current version for signature, freezing it: its text complete; the project's
/// diagnostic letting it go (weighed, tasks listed, a heavy project's risks resolved); and, heavy,
/// every volunteer covered and each association's statutes allowing the work.
pub fn open_for_signature(
    convention: &Convention,
    current: &Version,
    project: &Project,
    attestations: &Attestations,
    now: DateTime<Utc>,
) -> Result<(Convention, Version), Refusal> {
    if is_ended(convention.status) {
        return Err(ended(convention.status));
    }
    if current.is_frozen() {
        return Err(Refusal::guard(
            Rule::NotADraft,
            Message::new(
                format!("version {} is open for signature already: only a draft opens", current.number),
                format!("la version {} est déjà ouverte à la signature : seul un brouillon s'ouvre", current.number),
            ),
            Vec::new(),
        ));
    }
    if !matches!(project.status, ProjectStatus::Drafting | ProjectStatus::Signing | ProjectStatus::Running) {
        return Err(project_not_drafting(project.status));
    }
    let lacking = current.content.missing();
    if !lacking.is_empty() {
        return Err(Refusal::guard(
            Rule::ConventionIncomplete,
            Message::new(
                "the convention lacks what signature needs",
                "il manque à la convention ce que la signature demande",
            ),
            lacking,
        ));
    }
    diagnostic::may_go_to_signature(&project.diagnostic)?;
    heavy_work_covered(project, &current.content, attestations)?;
    let frozen =
        Version { content_hash: Some(content_hash(&current.content)), frozen_at: Some(now), ..current.clone() };
    // An amendment opens while the signed version stays in force.
    let status =
        if convention.signed_version.is_some() { convention.status } else { ConventionStatus::OpenForSignature };
    let next = Convention { status, updated_at: now, ..convention.clone() };
    Ok((next, frozen))
}

/// A signature of one party on one version, tied to that version's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub convention: ConventionId,
    pub version: i32,
    pub party: PartyId,
    pub content_hash: String,
    pub signatory: String,
    pub capacity: String,
    pub signed_on: NaiveDate,
    /// Who recorded it: the signatory's own account, or staff from the paper original.
    pub recorded_by: Actor,
    /// The SHA-256 (hex) of the scan of the paper original, when staff recorded it.
    pub scan_sha256: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A signature as received.
#[derive(Debug, Clone, Default)]
pub struct SignatureDraft {
    pub party: Option<PartyId>,
    pub content_hash: Option<String>,
    pub signatory: Option<String>,
    pub capacity: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub scan_sha256: Option<String>,
}

/// Who is signing: the caller's account and what it may sign for.
#[derive(Debug, Clone)]
pub struct Signer {
    pub actor: Actor,
    /// Staff (who may record a paper original for a party other than the municipality).
    pub staff: bool,
    /// The mayor, or the elected official holding the project's delegation.
    pub municipal_signatory: bool,
    /// The mayor (the municipality's signature reads "Maire").
    pub mayor: bool,
    /// The account holder's name, recorded as the signatory of an online signature.
    pub name: Option<String>,
}

/// Why a signer may not sign for a party (a 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotTheirs(pub Message);

/// What a signature is checked against: the convention, its current version, the signatures it
/// has, and the attestations.
#[derive(Debug, Clone, Copy)]
pub struct SigningState<'a> {
    pub project: &'a Project,
    pub convention: &'a Convention,
    pub current: &'a Version,
    pub signed: &'a [Signature],
    pub attestations: &'a Attestations,
}

/// Signs the current version for a party: open for signature; the hash signed is the version's;
/// the party has not signed it yet, has attested complete insurance; and the signer is rightful —
/// the municipality by the mayor or the delegation's holder (by their own account), another party
/// by its own account, or by staff from the paper original (with the scan's SHA-256). Returns the
/// signature and whether every party has now signed.
pub fn sign(
    state: &SigningState<'_>,
    draft: &SignatureDraft,
    signer: Signer,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Result<(Signature, bool), NotTheirs>, Refusal> {
    let SigningState { project, convention, current, signed, attestations } = *state;
    let mut errors = ValidationErrors::default();
    let party = match draft.party {
        Some(id) => match current.content.party(id) {
            Some(party) => Some(party),
            None => {
                errors.push(unknown_party("party"));
                None
            }
        },
        None => {
            errors.push(missing("party", "name the party that signs", "nommez la partie qui signe"));
            None
        }
    };
    let hash = match draft.content_hash.as_deref() {
        Some(hash) if is_sha256(hash) => Some(hash.to_owned()),
        Some(_) => {
            errors.push(FieldError::new(
                "content_hash",
                Code::InvalidHash,
                Message::new("must be a SHA-256 in lowercase hex", "doit être un SHA-256 en hexadécimal minuscule"),
            ));
            None
        }
        None => {
            errors.push(missing(
                "content_hash",
                "name the hash of the version signed",
                "nommez l'empreinte de la version signée",
            ));
            None
        }
    };
    let signatory = draft.signatory.as_deref().map(|s| errors.collect(Short::parse("signatory", s)));
    let capacity = draft.capacity.as_deref().map(|s| errors.collect(Short::parse("capacity", s)));
    let signed_on = match draft.signed_on {
        Some(day) => errors.collect(crate::time::check_past_date("signed_on", day, today)),
        None => Some(today),
    };
    let scan = match draft.scan_sha256.as_deref() {
        Some(scan) if is_sha256(scan) => Some(scan.to_owned()),
        Some(_) => {
            errors.push(FieldError::new(
                "scan_sha256",
                Code::InvalidHash,
                Message::new("must be a SHA-256 in lowercase hex", "doit être un SHA-256 en hexadécimal minuscule"),
            ));
            None
        }
        None => None,
    };
    errors.into_result().map_err(Refusal::Invalid)?;
    let (Some(party), Some(hash), Some(signed_on)) = (party, hash, signed_on) else {
        return Err(Refusal::Invalid(ValidationErrors::default()));
    };
    if is_ended(convention.status) {
        return Err(ended(convention.status));
    }
    if super::lifecycle::is_finished(project.status) {
        return Err(super::lifecycle::finished(project.status));
    }
    if !current.is_frozen() || convention.signed_version == Some(current.number) {
        return Err(Refusal::guard(
            Rule::NotOpenForSignature,
            Message::new(
                format!("version {} of the convention is not open for signature", current.number),
                format!("la version {} de la convention n'est pas ouverte à la signature", current.number),
            ),
            Vec::new(),
        ));
    }
    if current.content_hash.as_deref() != Some(hash.as_str()) {
        return Err(Refusal::guard(
            Rule::StaleHash,
            Message::new(
                format!(
                    "this is not the hash of version {} open for signature: read it again before signing",
                    current.number
                ),
                format!(
                    "ce n'est pas l'empreinte de la version {} ouverte à la signature : relisez-la avant de signer",
                    current.number
                ),
            ),
            Vec::new(),
        ));
    }
    if signed.iter().any(|s| s.version == current.number && s.party == party.id) {
        return Err(Refusal::guard(
            Rule::AlreadySigned,
            Message::new(
                format!("{} signed this version already", party.name),
                format!("{} a déjà signé cette version", party.name),
            ),
            Vec::new(),
        ));
    }
    // Who may sign for this party.
    let own_account = matches!(signer.actor, Actor::Account(id) if party.account == Some(id));
    let rightful = match party.kind {
        PartyKind::Municipality => signer.municipal_signatory && scan.is_none(),
        _ => own_account || (signer.staff && scan.is_some()),
    };
    if !rightful {
        let why = match party.kind {
            PartyKind::Municipality => Message::new(
                "the municipality signs by the mayor or the elected official holding the project's delegation, by their own account",
                "la commune signe par le maire ou l'élu titulaire de la délégation du projet, avec son propre compte",
            ),
            _ => Message::new(
                "a party signs by its own account, or staff record its paper original with the scan's SHA-256",
                "une partie signe avec son propre compte, ou les services enregistrent l'original papier avec l'empreinte SHA-256 du scan",
            ),
        };
        return Ok(Err(NotTheirs(why)));
    }
    if !attestations.of(party.id).is_some_and(Insurance::is_complete) {
        return Err(Refusal::guard(
            Rule::InsuranceNotAttested,
            Message::new(
                format!(
                    "{} attests its insurance (equipment, bodily injury, civil liability) before it signs",
                    party.name
                ),
                format!(
                    "{} atteste son assurance (matériel, corporel, responsabilité civile) avant de signer",
                    party.name
                ),
            ),
            vec![missing(&format!("parties.{}.insurance", party.id), "attest the insurance", "attestez l'assurance")],
        ));
    }
    heavy_work_covered(project, &current.content, attestations)?;
    // Online, the signatory is the account's holder; on paper, whom the original names.
    let representative = party.representative.as_ref();
    let signatory = match (&scan, signatory.flatten()) {
        (Some(_), Some(named)) => named.as_str().to_owned(),
        _ => signer
            .name
            .clone()
            .filter(|_| scan.is_none())
            .or_else(|| representative.map(|r| r.name.clone()))
            .unwrap_or_else(|| party.name.clone()),
    };
    let capacity = match (capacity.flatten(), party.kind) {
        (Some(given), _) => given.as_str().to_owned(),
        (None, PartyKind::Municipality) if signer.mayor => "Maire".to_owned(),
        (None, PartyKind::Municipality) => "Élu titulaire de la délégation".to_owned(),
        (None, _) => representative.map_or_else(|| "Partie".to_owned(), |r| r.capacity.clone()),
    };
    let signature = Signature {
        convention: convention.id,
        version: current.number,
        party: party.id,
        content_hash: hash,
        signatory,
        capacity,
        signed_on,
        recorded_by: signer.actor,
        scan_sha256: scan,
        recorded_at: now,
    };
    let all = current
        .content
        .parties
        .iter()
        .all(|p| p.id == party.id || signed.iter().any(|s| s.version == current.number && s.party == p.id));
    Ok(Ok((signature, all)))
}

/// The convention once every party signed its current version.
pub fn fully_signed(convention: &Convention, now: DateTime<Utc>) -> Convention {
    Convention {
        status: ConventionStatus::Signed,
        signed_version: Some(convention.current_version),
        updated_at: now,
        ..convention.clone()
    }
}

/// Whether every party of `version` signed it (a version opened then replaced before that was
/// never in force).
pub fn signed_by_all(version: &Version, signatures: &[Signature]) -> bool {
    version.is_frozen()
        && version
            .content
            .parties
            .iter()
            .all(|p| signatures.iter().any(|s| s.version == version.number && s.party == p.id))
}

fn is_sha256(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
