//! What clients send and read of a convention's text: its parties with their commitments, its
//! parts, its clauses; and the views of a convention (staff: everything, attestations included;
//! public: the signed version, people named only with their consent, no insurer nor policy).

use crate::resources::requests::views::{PublicAudience, StaffAudience};
use crate::wire;
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::conventions::convention::{
    ClauseDraft, CommitmentDraft, Party, PartyDraft, RepresentativeDraft,
};
use implication_domain::conventions::signature::{Attestations, Signature};
use implication_domain::conventions::{Content, ContentDraft, Convention, Version};
use implication_domain::{AccountId, CommitmentId, PartyId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who signs for a party, and in which capacity.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepresentativeInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Jean-François Caron")]
    pub name: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Maire")]
    pub capacity: Option<String>,
}

/// One thing a party commits to (article 1).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    /// An existing commitment's id (kept across versions); leave it out for a new one.
    pub id: Option<Uuid>,
    #[schema(value_type = wire::CommitmentKind, required = true)]
    pub kind: Option<wire::CommitmentKind>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000,
        example = "Acquisition des matériaux (gravillons)")]
    pub description: Option<String>,
    #[schema(min_length = 1, max_length = 200, example = "un tracteur et une benne avec chauffeur")]
    pub quantity: Option<String>,
    /// In cents; required for funding.
    #[schema(minimum = 0, maximum = 1_000_000_000, example = 1_250_000)]
    pub amount_cents: Option<i64>,
    pub due_on: Option<NaiveDate>,
    /// Required for upkeep, refused otherwise.
    pub recurrence: Option<wire::UpkeepRecurrence>,
}

/// A party to the convention, with its commitments.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// An existing party's id (kept across versions, and by its signatures); leave it out for a
    /// new one.
    pub id: Option<Uuid>,
    /// An organisation of the town's directory (`GET …/organisations`): its name, kind and usual
    /// representative fill what is left out.
    pub organisation: Option<Uuid>,
    /// Required unless drawn from the directory.
    pub kind: Option<wire::PartyKind>,
    /// Required unless drawn from the directory.
    #[schema(min_length = 1, max_length = 200, example = "Association foncière de remembrement de Loos-en-Gohelle")]
    pub name: Option<String>,
    /// Required (to sign) for all but an individual.
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub representative: Option<RepresentativeInput>,
    /// The account that signs for it by itself (an inhabitant, an association's representative).
    pub account: Option<Uuid>,
    /// An individual's consent to be named in public views (organisations always are).
    pub named_publicly: Option<bool>,
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 30)]
    pub commitments: Vec<CommitmentInput>,
}

/// A clause (articles 4 onwards).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClauseInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Assurance")]
    pub title: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 10000)]
    pub text: Option<String>,
}

/// A convention's whole text, replacing the one before. Without `clauses`, a new text takes the
/// town's clause templates (`…/clause-templates`: annex A3's articles 4 to 7 — insurance,
/// accidents, equipment breakage, caducity — until its admin writes its own), a changed text keeps
/// its own.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 300,
        example = "Convention fifty-fifty tripartite pour la rénovation des voies communales et des chemins de l'AFR à usage agricole")]
    pub title: Option<String>,
    /// "Having set out the following": the context.
    #[schema(min_length = 1, max_length = 10000)]
    pub context: Option<String>,
    #[schema(min_length = 1, max_length = 10000)]
    pub purpose: Option<String>,
    /// The works (article 3).
    #[schema(min_length = 1, max_length = 10000)]
    pub works: Option<String>,
    /// The period (article 2).
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 20)]
    pub parties: Vec<PartyInput>,
    #[serde(default, deserialize_with = "crate::extract::objects_or_none")]
    #[schema(max_items = 20)]
    pub clauses: Option<Vec<ClauseInput>>,
}

impl From<&ContentInput> for ContentDraft {
    fn from(input: &ContentInput) -> Self {
        Self {
            title: input.title.clone(),
            context: input.context.clone(),
            purpose: input.purpose.clone(),
            works: input.works.clone(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            parties: input
                .parties
                .iter()
                .map(|p| PartyDraft {
                    id: p.id.map(PartyId::from_uuid),
                    organisation: p.organisation.map(implication_domain::OrganisationId::from_uuid),
                    kind: p.kind.map(|k| k.0),
                    name: p.name.clone(),
                    representative: p
                        .representative
                        .as_ref()
                        .map(|r| RepresentativeDraft { name: r.name.clone(), capacity: r.capacity.clone() }),
                    account: p.account.map(AccountId::from_uuid),
                    named_publicly: p.named_publicly,
                    commitments: p
                        .commitments
                        .iter()
                        .map(|c| CommitmentDraft {
                            id: c.id.map(CommitmentId::from_uuid),
                            kind: c.kind.map(|k| k.0),
                            description: c.description.clone(),
                            quantity: c.quantity.clone(),
                            amount_cents: c.amount_cents,
                            due_on: c.due_on,
                            recurrence: c.recurrence.map(|r| r.0),
                        })
                        .collect(),
                })
                .collect(),
            clauses: input.clauses.as_ref().map(|clauses| {
                clauses.iter().map(|c| ClauseDraft { title: c.title.clone(), text: c.text.clone() }).collect()
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RepresentativeView {
    pub name: String,
    pub capacity: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentView {
    pub id: Uuid,
    pub kind: wire::CommitmentKind,
    pub description: String,
    pub quantity: Option<String>,
    pub amount_cents: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub recurrence: Option<wire::UpkeepRecurrence>,
}

/// A party's insurance as attested (staff: with its insurer and policy number).
#[derive(Debug, Serialize, ToSchema)]
pub struct InsuranceView {
    pub equipment: bool,
    pub bodily_injury: bool,
    pub civil_liability: bool,
    pub insurer: String,
    pub policy_number: String,
    pub attested_on: NaiveDate,
    pub statutes_allow_work: Option<bool>,
}

/// A party, as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyView {
    pub id: Uuid,
    /// The organisation of the town's directory it is drawn from.
    pub organisation: Option<Uuid>,
    pub kind: wire::PartyKind,
    pub name: String,
    pub representative: Option<RepresentativeView>,
    pub account: Option<Uuid>,
    pub named_publicly: bool,
    pub commitments: Vec<CommitmentView>,
    /// Its insurance, once attested.
    pub insurance: Option<InsuranceView>,
    /// Whether it signed the current version.
    pub signed: bool,
}

/// A party, as the public sees it: an individual named only with their consent, no account, no
/// insurer nor policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPartyView {
    pub id: Uuid,
    pub kind: wire::PartyKind,
    /// `null` for an individual who did not consent to be named.
    pub name: Option<String>,
    pub representative: Option<RepresentativeView>,
    pub commitments: Vec<CommitmentView>,
    pub insured: bool,
    pub signed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClauseView {
    pub title: String,
    pub text: String,
}

fn commitments(party: &Party) -> Vec<CommitmentView> {
    party
        .commitments
        .iter()
        .map(|c| CommitmentView {
            id: c.id.as_uuid(),
            kind: c.kind.into(),
            description: c.description.clone(),
            quantity: c.quantity.clone(),
            amount_cents: c.amount_cents,
            due_on: c.due_on,
            recurrence: c.recurrence.map(Into::into),
        })
        .collect()
}

fn representative(party: &Party) -> Option<RepresentativeView> {
    party.representative.as_ref().map(|r| RepresentativeView { name: r.name.clone(), capacity: r.capacity.clone() })
}

fn clauses(content: &Content) -> Vec<ClauseView> {
    content.clauses.iter().map(|c| ClauseView { title: c.title.clone(), text: c.text.clone() }).collect()
}

fn has_signed(signatures: &[Signature], version: i32, party: PartyId) -> bool {
    signatures.iter().any(|s| s.version == version && s.party == party)
}

/// A signature, as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureView {
    pub version: i32,
    pub party: Uuid,
    pub signatory: String,
    pub capacity: String,
    pub signed_on: NaiveDate,
    /// The hash of the version signed.
    pub content_hash: String,
    /// Recorded by staff from the paper original (with the scan's SHA-256), rather than signed by
    /// the party's own account.
    pub scan_sha256: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl From<&Signature> for SignatureView {
    fn from(s: &Signature) -> Self {
        Self {
            version: s.version,
            party: s.party.as_uuid(),
            signatory: s.signatory.clone(),
            capacity: s.capacity.clone(),
            signed_on: s.signed_on,
            content_hash: s.content_hash.clone(),
            scan_sha256: s.scan_sha256.clone(),
            recorded_at: s.recorded_at,
        }
    }
}

/// A version of the text: its number, and its hash once frozen for signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    pub number: i32,
    pub content_hash: Option<String>,
    pub frozen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&Version> for VersionSummary {
    fn from(v: &Version) -> Self {
        Self {
            number: v.number,
            content_hash: v.content_hash.clone(),
            frozen_at: v.frozen_at,
            created_at: v.created_at,
        }
    }
}

/// How every volunteer is covered (heavy work).
#[derive(Debug, Serialize, ToSchema)]
pub struct VolunteersCoverView {
    pub how: String,
    pub attested_on: NaiveDate,
}

/// A version's text as staff read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextView {
    pub number: i32,
    /// Set once frozen for signature: the hash a signature names. SHA-256 (lowercase hex) of the
    /// canonical JSON (RFC 8785 style: object keys sorted by code point, no insignificant
    /// whitespace, UTF-8, integers only, dates as `YYYY-MM-DD`, absent values as `null`) of
    /// `{"schema": 1, "title", "context", "purpose", "works", "starts_on", "ends_on", "parties":
    /// [{"id", "kind", "name", "representative": {"name", "capacity"} | null, "commitments":
    /// [{"id", "kind", "description", "quantity", "amount_cents", "due_on", "recurrence"}]}],
    /// "clauses": [{"title", "text"}]}`, parties, commitments and clauses in the text's order:
    /// every field the parties read, not who signs online for a party nor an individual's consent
    /// to be named.
    pub content_hash: Option<String>,
    pub frozen_at: Option<DateTime<Utc>>,
    pub title: String,
    pub context: Option<String>,
    pub purpose: Option<String>,
    pub works: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub parties: Vec<PartyView>,
    pub clauses: Vec<ClauseView>,
}

impl TextView {
    pub fn new(version: &Version, attestations: &Attestations, signatures: &[Signature]) -> Self {
        let c = &version.content;
        Self {
            number: version.number,
            content_hash: version.content_hash.clone(),
            frozen_at: version.frozen_at,
            title: c.title.clone(),
            context: c.context.clone(),
            purpose: c.purpose.clone(),
            works: c.works.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            parties: c
                .parties
                .iter()
                .map(|p| PartyView {
                    id: p.id.as_uuid(),
                    organisation: p.organisation.map(|o| o.as_uuid()),
                    kind: p.kind.into(),
                    name: p.name.clone(),
                    representative: representative(p),
                    account: p.account.map(|a| a.as_uuid()),
                    named_publicly: p.named_publicly,
                    commitments: commitments(p),
                    insurance: attestations.of(p.id).map(|i| InsuranceView {
                        equipment: i.equipment,
                        bodily_injury: i.bodily_injury,
                        civil_liability: i.civil_liability,
                        insurer: i.insurer.clone(),
                        policy_number: i.policy_number.clone(),
                        attested_on: i.attested_on,
                        statutes_allow_work: i.statutes_allow_work,
                    }),
                    signed: has_signed(signatures, version.number, p.id),
                })
                .collect(),
            clauses: clauses(c),
        }
    }
}

/// A convention as staff see it: its current version in full, with attestations and signatures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConventionView {
    pub view: StaffAudience,
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub project: Uuid,
    /// `active` once signed and its period has begun.
    pub status: wire::ConventionStatus,
    pub current_version: i32,
    /// The latest version every party signed (in force while an amendment is drafted).
    pub signed_version: Option<i32>,
    /// An amendment's own state (`draft`, then `open_for_signature`) while the signed version
    /// stays in force; `null` when there is none.
    pub amendment_status: Option<wire::ConventionStatus>,
    /// The current version's text.
    pub text: TextView,
    pub volunteers_cover: Option<VolunteersCoverView>,
    /// Every signature, of every version.
    pub signatures: Vec<SignatureView>,
    /// Every version (each stays readable: `GET …/versions/{number}`).
    pub versions: Vec<VersionSummary>,
    /// Once signed: commitments kept or eroded, participants, costs, and how it ended.
    pub follow_up: Option<FollowUpView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ConventionView {
    pub fn new(
        convention: &Convention,
        current: &Version,
        attestations: &Attestations,
        signatures: &[Signature],
        versions: &[Version],
        today: NaiveDate,
    ) -> Self {
        Self {
            view: StaffAudience::Staff,
            id: convention.id.as_uuid(),
            version: convention.version,
            project: convention.project.as_uuid(),
            status: convention.shown_status(current.content.starts_on, today).into(),
            current_version: convention.current_version,
            signed_version: convention.signed_version,
            amendment_status: convention.signed_version.filter(|signed| *signed != convention.current_version).map(
                |_| {
                    let status = if current.is_frozen() {
                        implication_domain::vocabulary::ConventionStatus::OpenForSignature
                    } else {
                        implication_domain::vocabulary::ConventionStatus::Draft
                    };
                    status.into()
                },
            ),
            text: TextView::new(current, attestations, signatures),
            volunteers_cover: attestations
                .volunteers
                .as_ref()
                .map(|v| VolunteersCoverView { how: v.how.clone(), attested_on: v.attested_on }),
            signatures: signatures.iter().map(SignatureView::from).collect(),
            versions: versions.iter().map(VersionSummary::from).collect(),
            follow_up: None,
            created_at: convention.created_at,
            updated_at: convention.updated_at,
        }
    }
}

/// A signature as the public sees it: the signatory named when their party is.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSignatureView {
    pub party: Uuid,
    pub signatory: Option<String>,
    pub capacity: String,
    pub signed_on: NaiveDate,
    pub content_hash: String,
}

/// A signed convention as the public sees it: the version every party signed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicConventionView {
    pub view: PublicAudience,
    pub id: Uuid,
    pub project: Uuid,
    pub status: wire::ConventionStatus,
    /// The version shown: the latest every party signed.
    pub number: i32,
    pub content_hash: String,
    pub title: String,
    pub context: Option<String>,
    pub purpose: Option<String>,
    pub works: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub parties: Vec<PublicPartyView>,
    pub clauses: Vec<ClauseView>,
    pub signatures: Vec<PublicSignatureView>,
    /// Commitments kept or eroded, how many took part, the costs, and how it ended.
    pub follow_up: Option<FollowUpView>,
}

impl PublicConventionView {
    /// `signed` is the version every party signed (`convention.signed_version`).
    pub fn new(
        convention: &Convention,
        signed: &Version,
        attestations: &Attestations,
        signatures: &[Signature],
        today: NaiveDate,
    ) -> Self {
        let c = &signed.content;
        // A signatory is a person: named when their party's representative is (not for an
        // informal group, nor an individual who did not consent).
        let named = |party: PartyId| c.party(party).is_some_and(Party::representative_named_publicly);
        Self {
            view: PublicAudience::Public,
            id: convention.id.as_uuid(),
            project: convention.project.as_uuid(),
            status: convention.shown_status(c.starts_on, today).into(),
            number: signed.number,
            content_hash: signed.content_hash.clone().unwrap_or_default(),
            title: c.title.clone(),
            context: c.context.clone(),
            purpose: c.purpose.clone(),
            works: c.works.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            parties: c
                .parties
                .iter()
                .map(|p| PublicPartyView {
                    id: p.id.as_uuid(),
                    kind: p.kind.into(),
                    name: p.is_named_publicly().then(|| p.name.clone()),
                    representative: if p.representative_named_publicly() { representative(p) } else { None },
                    commitments: commitments(p),
                    insured: attestations.of(p.id).is_some_and(|i| i.is_complete()),
                    signed: has_signed(signatures, signed.number, p.id),
                })
                .collect(),
            clauses: clauses(c),
            signatures: signatures
                .iter()
                .filter(|s| s.version == signed.number)
                .map(|s| PublicSignatureView {
                    party: s.party.as_uuid(),
                    signatory: named(s.party).then(|| s.signatory.clone()),
                    capacity: s.capacity.clone(),
                    signed_on: s.signed_on,
                    content_hash: s.content_hash.clone(),
                })
                .collect(),
            follow_up: None,
        }
    }
}

/// One convention, in the view the caller is entitled to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConventionDocument {
    Staff(Box<ConventionView>),
    Public(Box<PublicConventionView>),
}

/// One version of a convention's text, in the view the caller is entitled to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum VersionDocument {
    Staff(Box<TextView>),
    Public(Box<PublicConventionView>),
}

/// How far one commitment (of the signed version) was kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct FulfilmentView {
    pub commitment: Uuid,
    pub party: Uuid,
    pub kind: wire::CommitmentKind,
    pub status: wire::CommitmentFulfilment,
    pub on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// The services did it instead.
    pub services_stepped_in: bool,
    /// An upkeep commitment not (fully) kept.
    pub eroded: bool,
}

/// Who took part.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantsView {
    /// Registered by name, with their consent (staff only; empty in the public view).
    pub registered: Vec<String>,
    pub registered_count: usize,
    /// A low-bound estimate of those who came to open events.
    pub open_events_low_bound: Option<u32>,
    /// At least this many took part.
    pub at_least: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyCostView {
    pub party: Uuid,
    pub planned_cents: Option<i64>,
    pub actual_cents: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonView {
    /// What a conventional approach would have cost.
    pub conventional_cents: i64,
    pub basis: String,
    /// The conventional cost less the actual total (negative: the fifty-fifty cost more).
    pub saved_cents: i64,
}

/// What the works achieved ("1000 m" of paths).
#[derive(Debug, Serialize, ToSchema)]
pub struct AchievedView {
    pub quantity: i64,
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostsView {
    pub parties: Vec<PartyCostView>,
    pub planned_total_cents: i64,
    pub actual_total_cents: i64,
    pub comparison: Option<ComparisonView>,
    pub achieved: Option<AchievedView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BreachView {
    pub article: u32,
    pub description: String,
    /// Who found it (staff only).
    pub recorded_by: Option<String>,
    pub on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosingView {
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    /// The breach that voided a lapsed convention.
    pub breach: Option<BreachView>,
}

/// A convention's follow-up: commitments kept or eroded, participants, costs, how it ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpView {
    /// Each commitment of the signed version, pending until followed up.
    pub commitments: Vec<FulfilmentView>,
    /// Whether an upkeep commitment eroded.
    pub eroded: bool,
    pub participants: ParticipantsView,
    pub costs: CostsView,
    pub closing: Option<ClosingView>,
}

impl FollowUpView {
    /// The follow-up of the signed text `signed`; `public` leaves out names and who found a breach.
    pub fn new(
        follow_up: &implication_domain::conventions::follow_up::FollowUp,
        signed: &Content,
        public: bool,
    ) -> Self {
        use implication_domain::vocabulary::CommitmentFulfilment;
        let commitments: Vec<FulfilmentView> = signed
            .parties
            .iter()
            .flat_map(|p| p.commitments.iter().map(move |c| (p, c)))
            .map(|(party, c)| {
                let found = follow_up.fulfilment(c.id);
                FulfilmentView {
                    commitment: c.id.as_uuid(),
                    party: party.id.as_uuid(),
                    kind: c.kind.into(),
                    status: found.map_or(CommitmentFulfilment::Pending, |f| f.status).into(),
                    on: found.and_then(|f| f.on),
                    // Notes are the services' (they may name people): staff only.
                    notes: if public { None } else { found.and_then(|f| f.notes.clone()) },
                    services_stepped_in: found.is_some_and(|f| f.services_stepped_in),
                    eroded: found.is_some_and(|f| f.eroded(c.kind)),
                }
            })
            .collect();
        let (planned, actual) = follow_up.costs.totals();
        Self {
            eroded: commitments.iter().any(|c| c.eroded),
            commitments,
            participants: ParticipantsView {
                registered: if public {
                    Vec::new()
                } else {
                    follow_up.participants.registered.iter().map(|p| p.name.clone()).collect()
                },
                registered_count: follow_up.participants.registered.len(),
                open_events_low_bound: follow_up.participants.open_events_low_bound,
                at_least: follow_up.participants.at_least(),
            },
            costs: CostsView {
                parties: follow_up
                    .costs
                    .parties
                    .iter()
                    .map(|p| PartyCostView {
                        party: p.party.as_uuid(),
                        planned_cents: p.planned_cents,
                        actual_cents: p.actual_cents,
                    })
                    .collect(),
                planned_total_cents: planned,
                actual_total_cents: actual,
                comparison: follow_up.costs.comparison.as_ref().map(|c| ComparisonView {
                    conventional_cents: c.conventional_cents,
                    basis: c.basis.clone(),
                    saved_cents: c.conventional_cents - actual,
                }),
                achieved: follow_up
                    .costs
                    .achieved
                    .as_ref()
                    .map(|a| AchievedView { quantity: a.quantity, unit: a.unit.clone() }),
            },
            closing: follow_up.closing.as_ref().map(|c| ClosingView {
                at: c.at,
                reason: c.reason.clone(),
                breach: c.breach.as_ref().map(|b| BreachView {
                    article: b.article,
                    description: b.description.clone(),
                    recorded_by: (!public).then(|| b.recorded_by.clone()),
                    on: b.on,
                }),
            }),
        }
    }
}
