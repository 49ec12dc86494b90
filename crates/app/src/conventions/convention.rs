//! A convention's life: drafted for a project, its text changed (in place while a draft, as an
//! amendment once frozen), opened for signature, its parties' insurance attested, signed. Each
//! change is written with what it does to the project (`signing` when opened, `running` once
//! signed by all, back to `drafting` when an amendment replaces the text before it was signed)
//! and with the project's history, in one transaction.

use super::{load_at as load_project_at, refused};
use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::conventions::convention as text;
use implication_domain::conventions::follow_up::{
    self, EndingAsk, FollowUp, FulfilmentDraft, ParticipantDraft, PartyCostDraft,
};
use implication_domain::conventions::readers;
use implication_domain::conventions::renewal::{self, RenewalDraft};
use implication_domain::conventions::signature::{
    self, Attestations, InsuranceDraft, NotTheirs, SignatureDraft, Signer, SigningState,
};
use implication_domain::conventions::{ContentDraft, Convention, Project, ProjectEvent, Version};
use implication_domain::identity::{Standing, holds_delegation};
use implication_domain::participation::meeting::local_today;
use implication_domain::requests::Actor;
use implication_domain::vocabulary::{ConventionStatus, ProjectEventKind, ProjectStatus};
use implication_domain::{CommitmentId, ConventionId, Municipality, PartyId, Precondition, ProjectId};
use implication_storage::Database;
use implication_storage::conventions::ProjectWrite;
use implication_storage::conventions::convention::{self as store, ConventionWrite, Stored};

/// A convention as loaded: with its attestations, its current version and its project.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub stored: Stored,
    pub current: Version,
    pub project: Project,
}

/// The convention `id` of this municipality, its current version and its project.
pub async fn load(db: &Database, municipality: &Municipality, id: ConventionId) -> Result<Loaded, UseCaseError> {
    let stored = store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Convention))?;
    let current = store::version(db, municipality.id, id, stored.convention.current_version)
        .await?
        .ok_or_else(|| UseCaseError::Internal(format!("convention {id}: its current version is missing")))?;
    let project = super::load(db, municipality, stored.convention.project).await?;
    Ok(Loaded { stored, current, project })
}

async fn load_at(
    db: &Database,
    municipality: &Municipality,
    id: ConventionId,
    expected: &Precondition,
) -> Result<Loaded, UseCaseError> {
    let loaded = load(db, municipality, id).await?;
    if expected.admits(loaded.stored.convention.version) { Ok(loaded) } else { Err(UseCaseError::Stale) }
}

/// The project as the convention's change leaves it, with the history entry saying what happened.
fn project_write<'a>(project: &Project, next: &'a Project, events: Vec<ProjectEvent>) -> ProjectWrite<'a> {
    ProjectWrite {
        expected_version: Some(project.version),
        project: next,
        events,
        linked: Vec::new(),
        requests: Vec::new(),
        outbox: Vec::new(),
    }
}

/// Whether the fulfilment just recorded for `commitment` says an upkeep commitment erodes.
fn eroded_now(
    content: &implication_domain::conventions::Content,
    follow_up: &FollowUp,
    commitment: implication_domain::CommitmentId,
) -> bool {
    let kind = content.parties.iter().flat_map(|p| &p.commitments).find(|c| c.id == commitment).map(|c| c.kind);
    let fulfilment = follow_up.fulfilments.iter().find(|f| f.commitment == commitment);
    matches!((kind, fulfilment), (Some(kind), Some(f)) if f.eroded(kind))
}

fn event(project: &Project, kind: ProjectEventKind, actor: Actor, now: chrono::DateTime<chrono::Utc>) -> ProjectEvent {
    ProjectEvent::new(project.id, kind, actor, now)
}

fn moved(project: &Project, to: ProjectStatus, now: chrono::DateTime<chrono::Utc>) -> Project {
    Project { status: to, updated_at: now, ..project.clone() }
}

/// Drafts the convention of project `project`, read at a version `expected` admits (the project's
/// ETag): once, while the project is `drafting`; without clauses, annex A3's articles 4 to 7.
pub async fn draft(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    project: ProjectId,
    expected: Precondition,
    draft: &ContentDraft,
) -> Result<(Convention, Version), UseCaseError> {
    let project = load_project_at(db, municipality, project, &expected).await?;
    let existing = store::of_project(db, municipality.id, project.id).await?;
    signature::may_draft(&project, existing.is_some()).map_err(refused)?;
    let templates = super::templates::load(db, municipality).await?;
    let content = super::organisations::resolve(db, municipality, draft).await?.parse(None, &templates.clauses)?;
    let now = crate::clock::now();
    let (convention, version) = text::draft(municipality.id, project.id, content, now);
    let next = Project { updated_at: now, ..project.clone() };
    let events = vec![ProjectEvent { ..event(&project, ProjectEventKind::ConventionDrafted, actor, now) }];
    let attestations = Attestations::default();
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: None,
            convention: &convention,
            attestations: &attestations,
            follow_up: &FollowUp::default(),
            text: Some((&version, true)),
            signature: None,
            project: project_write(&project, &next, events),
        },
    )
    .await?;
    tracing::info!(convention = %written.id, project = %project.id, "convention drafted");
    Ok((written, version))
}

/// Replaces the text of convention `id`, read at a version `expected` admits: in place while its
/// current version is a draft; once frozen, as an amendment (a new version, signed again). An
/// amendment before every party signed sends the project back to `drafting`.
pub async fn change_text(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
    draft: &ContentDraft,
) -> Result<(Convention, Version), UseCaseError> {
    let Loaded { stored, current, project } = load_at(db, municipality, id, &expected).await?;
    let content = super::organisations::resolve(db, municipality, draft).await?.parse(Some(&current.content), &[])?;
    if content == current.content {
        return Ok((stored.convention, current));
    }
    let now = crate::clock::now();
    let (next, version) =
        signature::change_text(&stored.convention, &current, &project, content, now).map_err(refused)?;
    let amended = version.number != current.number;
    let kind = if amended { ProjectEventKind::ConventionAmended } else { ProjectEventKind::ConventionChanged };
    let next_project = match project.status {
        ProjectStatus::Signing if amended => moved(&project, ProjectStatus::Drafting, now),
        _ => Project { updated_at: now, ..project.clone() },
    };
    let mut entry = event(&project, kind, actor, now);
    if next_project.status != project.status {
        entry.from = Some(project.status);
        entry.to = Some(next_project.status);
    }
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: Some(stored.convention.version),
            convention: &next,
            attestations: &stored.attestations,
            follow_up: &stored.follow_up,
            text: Some((&version, amended)),
            signature: None,
            project: project_write(&project, &next_project, vec![entry]),
        },
    )
    .await?;
    tracing::info!(convention = %written.id, version = version.number, amended, "convention text changed");
    Ok((written, version))
}

/// Moves convention `id`, read at a version `expected` admits, as `ask` says: `open_for_signature`,
/// or, once signed, `completed`, `lapsed` or `terminated` (`signed` follows the last signature).
pub async fn transition(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
    ask: &EndingAsk,
) -> Result<Convention, UseCaseError> {
    match ask.to {
        Some(ConventionStatus::OpenForSignature) => {
            let loaded = load_at(db, municipality, id, &expected).await?;
            Ok(open(db, actor, loaded).await?.0)
        }
        Some(ConventionStatus::Completed | ConventionStatus::Lapsed | ConventionStatus::Terminated) => {
            end(db, actor, municipality, id, expected, ask).await
        }
        other => {
            load_at(db, municipality, id, &expected).await?;
            Err(signature::asked_transition(other).err().unwrap_or_default().into())
        }
    }
}

/// Opens convention `id` for signature, read at a version `expected` admits: its current version
/// freezes with its hash, and a project `drafting` goes to `signing`.
pub async fn open_for_signature(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
) -> Result<(Convention, Version), UseCaseError> {
    let loaded = load_at(db, municipality, id, &expected).await?;
    open(db, actor, loaded).await
}

async fn open(db: &Database, actor: Actor, loaded: Loaded) -> Result<(Convention, Version), UseCaseError> {
    let Loaded { stored, current, project } = loaded;
    let now = crate::clock::now();
    let (next, frozen) =
        signature::open_for_signature(&stored.convention, &current, &project, &stored.attestations, now)
            .map_err(refused)?;
    let next_project = match project.status {
        ProjectStatus::Drafting => moved(&project, ProjectStatus::Signing, now),
        _ => Project { updated_at: now, ..project.clone() },
    };
    let mut entry = event(&project, ProjectEventKind::OpenedForSignature, actor, now);
    if next_project.status != project.status {
        entry.from = Some(project.status);
        entry.to = Some(next_project.status);
    }
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: Some(stored.convention.version),
            convention: &next,
            attestations: &stored.attestations,
            follow_up: &stored.follow_up,
            text: Some((&frozen, false)),
            signature: None,
            project: project_write(&project, &next_project, vec![entry]),
        },
    )
    .await?;
    tracing::info!(convention = %written.id, version = frozen.number, "convention opened for signature");
    Ok((written, frozen))
}

/// What an attestation is about: one party's insurance, or the volunteers' cover.
#[derive(Debug, Clone)]
pub enum Attesting {
    Insurance { party: PartyId, draft: InsuranceDraft },
    Volunteers { how: Option<String>, attested_on: Option<chrono::NaiveDate> },
}

/// Records an attestation on convention `id`, read at a version `expected` admits (a party's
/// insurance replaces its earlier one), until the convention ends: staff for any party, a party's
/// own account for its own insurance (see [`readers::may_attest_for`]).
pub async fn attest(
    db: &Database,
    standing: &Standing,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
    attesting: &Attesting,
) -> Result<Convention, UseCaseError> {
    let actor = standing.actor();
    let loaded = load(db, municipality, id).await?;
    let readers = super::readers(db, municipality, standing).await?;
    // A draft is the services' work: they record paper certificates meanwhile.
    if !readers::may_know(&loaded.stored.convention, &loaded.current, readers) {
        return Err(UseCaseError::NotFound(Resource::Convention));
    }
    if let Attesting::Insurance { party, .. } = attesting
        && let Some(party) = loaded.current.content.party(*party)
    {
        readers::may_attest_for(readers, party).map_err(|NotTheirs(why)| UseCaseError::Forbidden(why))?;
    } else if !readers.is_staff() {
        return Err(UseCaseError::NotFound(Resource::Convention));
    }
    if !expected.admits(loaded.stored.convention.version) {
        return Err(UseCaseError::Stale);
    }
    let Loaded { stored, current, project } = loaded;
    signature::may_attest(&stored.convention).map_err(refused)?;
    let now = crate::clock::now();
    let today = local_today(now, municipality.settings.time_zone);
    let mut attestations = stored.attestations.clone();
    match attesting {
        Attesting::Insurance { party, draft } => {
            let insurance = draft.parse(&current.content, *party, today)?;
            attestations.insurance.retain(|i| i.party != *party);
            attestations.insurance.push(insurance);
        }
        Attesting::Volunteers { how, attested_on } => {
            attestations.volunteers = Some(signature::volunteers_cover(how.as_deref(), *attested_on, today)?);
        }
    }
    let next = Convention { updated_at: now, ..stored.convention.clone() };
    let next_project = Project { updated_at: now, ..project.clone() };
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: Some(stored.convention.version),
            convention: &next,
            attestations: &attestations,
            follow_up: &stored.follow_up,
            text: None,
            signature: None,
            project: project_write(
                &project,
                &next_project,
                vec![event(&project, ProjectEventKind::InsuranceAttested, actor, now)],
            ),
        },
    )
    .await?;
    tracing::info!(convention = %written.id, "insurance attested");
    Ok(written)
}

/// Who `standing` signs as for `project`: staff may record paper originals; the municipality's
/// signatory is the mayor or the elected official holding the project's delegation.
pub async fn signer(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    actor: Actor,
    project: &Project,
) -> Result<Signer, UseCaseError> {
    let (account, staff) = match standing {
        Standing::Staff(account) => (Some(*account), true),
        Standing::Inhabitant(account) => (Some(*account), false),
        _ => (None, false),
    };
    let (mut municipal_signatory, mut mayor, mut name) = (false, false, None);
    if let Some(account) = account
        && let Some(member) = implication_storage::identity::accounts::find_member(db, municipality.id, account).await?
    {
        let delegations = implication_storage::identity::services::all_delegations(db, municipality.id).await?;
        let delegation = project.routing.delegation.and_then(|id| delegations.into_iter().find(|d| d.id == id));
        let elected = member.active && member.role == implication_domain::vocabulary::Role::Elected;
        mayor = elected && member.mayor;
        municipal_signatory = elected && (member.mayor || delegation.is_some_and(|d| holds_delegation(&member, &d)));
        name = member.account.display_name.clone();
    }
    Ok(Signer { actor, staff, municipal_signatory, mayor, name })
}

/// Signs convention `id`, read at a version `expected` admits, for a party (see
/// [`signature::sign`]); the last signature signs the convention and a project `signing` runs.
pub async fn sign(
    db: &Database,
    actor: Actor,
    standing: &Standing,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
    draft: &SignatureDraft,
) -> Result<Convention, UseCaseError> {
    let loaded = load(db, municipality, id).await?;
    // Someone who is neither staff nor a party learns nothing of it.
    let readers = super::readers(db, municipality, standing).await?;
    if !readers.is_staff() && !loaded.current.names(readers) {
        return Err(UseCaseError::NotFound(Resource::Convention));
    }
    if !expected.admits(loaded.stored.convention.version) {
        return Err(UseCaseError::Stale);
    }
    let Loaded { stored, current, project } = loaded;
    let signed = store::signatures(db, municipality.id, id).await?;
    let who = signer(db, municipality, standing, actor, &project).await?;
    let now = crate::clock::now();
    let state = SigningState {
        project: &project,
        convention: &stored.convention,
        current: &current,
        signed: &signed,
        attestations: &stored.attestations,
    };
    let (signature, all) =
        match signature::sign(&state, draft, who, local_today(now, municipality.settings.time_zone), now)
            .map_err(refused)?
        {
            Ok(done) => done,
            Err(NotTheirs(why)) => return Err(UseCaseError::Forbidden(why)),
        };
    let next = if all {
        signature::fully_signed(&stored.convention, now)
    } else {
        Convention { updated_at: now, ..stored.convention.clone() }
    };
    let next_project = match project.status {
        ProjectStatus::Signing if all => moved(&project, ProjectStatus::Running, now),
        _ => Project { updated_at: now, ..project.clone() },
    };
    let mut events = vec![ProjectEvent {
        reason: Some(format!("{} ({})", signature.signatory, signature.capacity)),
        ..event(&project, ProjectEventKind::Signed, actor, now)
    }];
    if all {
        let mut entry = event(&project, ProjectEventKind::ConventionSigned, actor, now);
        if next_project.status != project.status {
            entry.from = Some(project.status);
            entry.to = Some(next_project.status);
        }
        events.push(entry);
    }
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: Some(stored.convention.version),
            convention: &next,
            attestations: &stored.attestations,
            follow_up: &stored.follow_up,
            text: None,
            signature: Some(&signature),
            project: project_write(&project, &next_project, events),
        },
    )
    .await?;
    tracing::info!(convention = %written.id, party = %signature.party, all, "convention signed by a party");
    Ok(written)
}

fn staff_only() -> implication_domain::Message {
    implication_domain::Message::new("only staff record this", "seuls les services l'indiquent")
}

/// The signed text of a followed convention.
async fn signed_text(db: &Database, municipality: &Municipality, stored: &Stored) -> Result<Version, UseCaseError> {
    let number = stored.convention.signed_version.unwrap_or(stored.convention.current_version);
    store::version(db, municipality.id, stored.convention.id, number).await?.ok_or_else(|| {
        UseCaseError::Internal(format!("convention {}: its signed version is missing", stored.convention.id))
    })
}

/// What a follow-up records.
#[derive(Debug, Clone)]
pub enum Following {
    Fulfilment {
        commitment: CommitmentId,
        draft: FulfilmentDraft,
    },
    Participants {
        registered: Vec<ParticipantDraft>,
        open_events_low_bound: Option<i64>,
    },
    Costs {
        parties: Vec<PartyCostDraft>,
        comparison: Option<(Option<i64>, Option<String>)>,
        achieved: Option<(Option<i64>, Option<String>)>,
    },
}

/// Records a follow-up of convention `id`, read at a version `expected` admits: once signed by
/// every party, until it ends (its signed version's commitments and parties). Staff record
/// anything; a partner's tool with `projects:write`, its own organisation's commitments (see
/// [`readers::fulfilment_by`]).
pub async fn follow(
    db: &Database,
    standing: &Standing,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
    following: &Following,
) -> Result<(Convention, FollowUp), UseCaseError> {
    let actor = standing.actor();
    let loaded = load(db, municipality, id).await?;
    let readers = super::readers(db, municipality, standing).await?;
    let signed = signed_text(db, municipality, &loaded.stored).await?;
    if !readers::may_know(&loaded.stored.convention, &loaded.current, readers) {
        return Err(UseCaseError::NotFound(Resource::Convention));
    }
    let asked_fulfilment = match following {
        Following::Fulfilment { commitment, draft } => {
            let before = loaded.stored.follow_up.fulfilment(*commitment);
            Some(
                readers::fulfilment_by(readers, &signed, *commitment, draft, before)
                    .map_err(|NotTheirs(why)| UseCaseError::Forbidden(why))?,
            )
        }
        _ if readers.is_staff() => None,
        _ => return Err(UseCaseError::Forbidden(staff_only())),
    };
    if !expected.admits(loaded.stored.convention.version) {
        return Err(UseCaseError::Stale);
    }
    let Loaded { stored, project, .. } = loaded;
    follow_up::may_follow(&stored.convention).map_err(refused)?;
    let now = crate::clock::now();
    let today = local_today(now, municipality.settings.time_zone);
    let mut next_follow_up = stored.follow_up.clone();
    let kind = match following {
        Following::Fulfilment { commitment, draft } => {
            let draft = asked_fulfilment.as_ref().unwrap_or(draft);
            let fulfilment = draft
                .parse(&signed.content, *commitment, today)
                .ok_or(UseCaseError::NotFound(Resource::Convention))??;
            next_follow_up.fulfilments.retain(|f| f.commitment != *commitment);
            next_follow_up.fulfilments.push(fulfilment);
            ProjectEventKind::FulfilmentRecorded
        }
        Following::Participants { registered, open_events_low_bound } => {
            let mut participants = follow_up::participants(registered, *open_events_low_bound, today)?;
            // Those registered already keep the day they consented.
            for participant in &mut participants.registered {
                if let Some(before) =
                    stored.follow_up.participants.registered.iter().find(|p| p.name == participant.name)
                {
                    participant.consented_on = before.consented_on;
                }
            }
            next_follow_up.participants = participants;
            ProjectEventKind::ParticipantsRecorded
        }
        Following::Costs { parties, comparison, achieved } => {
            next_follow_up.costs = follow_up::costs(&signed.content, parties, comparison.clone(), achieved.clone())?;
            ProjectEventKind::CostsRecorded
        }
    };
    let next = Convention { updated_at: now, ..stored.convention.clone() };
    let next_project = Project { updated_at: now, ..project.clone() };
    let mut project_change = project_write(&project, &next_project, vec![event(&project, kind, actor, now)]);
    if let Following::Fulfilment { commitment, .. } = following
        && eroded_now(&signed.content, &next_follow_up, *commitment)
    {
        project_change.outbox.push(implication_domain::webhooks::events::commitment_eroded(
            &next_project,
            *commitment,
            now,
        ));
    }
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: Some(stored.convention.version),
            convention: &next,
            attestations: &stored.attestations,
            follow_up: &next_follow_up,
            text: None,
            signature: None,
            project: project_change,
        },
    )
    .await?;
    tracing::info!(convention = %written.id, kind = %kind, "convention followed up");
    Ok((written, next_follow_up))
}

/// Ends convention `id`, read at a version `expected` admits: `completed` — its project, running,
/// completes and its requests close `done`, in the same transaction —, `lapsed` (a breach) or
/// `terminated` (a reason); the project's own outcome after a lapse or a termination is the
/// staff's next step (abandoned, or taken over by the services).
pub async fn end(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ConventionId,
    expected: Precondition,
    ask: &EndingAsk,
) -> Result<Convention, UseCaseError> {
    let Loaded { stored, project, .. } = load_at(db, municipality, id, &expected).await?;
    let signed = signed_text(db, municipality, &stored).await?;
    let now = crate::clock::now();
    let articles = u32::try_from(3 + signed.content.clauses.len()).unwrap_or(u32::MAX);
    let (next, closing) =
        follow_up::end(&stored.convention, ask, articles, local_today(now, municipality.settings.time_zone), now)
            .map_err(refused)?;
    let mut next_follow_up = stored.follow_up.clone();
    next_follow_up.closing = Some(closing);
    let mut events = vec![ProjectEvent {
        reason: next_follow_up.closing.as_ref().and_then(|c| c.reason.clone()),
        ..event(&project, ProjectEventKind::ConventionEnded, actor, now)
    }];
    let (next_project, moved) = if next.status == ConventionStatus::Completed
        && project.status == ProjectStatus::Running
    {
        let ask =
            implication_domain::conventions::TransitionAsk { to: Some(ProjectStatus::Completed), ..Default::default() };
        let change = implication_domain::conventions::lifecycle::transition(&project, &ask).map_err(refused)?;
        let moved = super::projects::closing(db, municipality, &project, &change, actor, now).await?;
        events.push(change.event(&project, actor, now));
        (change.apply(&project, now), moved)
    } else {
        (Project { updated_at: now, ..project.clone() }, Vec::new())
    };
    let mut write = project_write(&project, &next_project, events);
    write.requests = moved.iter().map(crate::participation::Moved::write).collect();
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: Some(stored.convention.version),
            convention: &next,
            attestations: &stored.attestations,
            follow_up: &next_follow_up,
            text: None,
            signature: None,
            project: write,
        },
    )
    .await?;
    tracing::info!(convention = %written.id, status = %written.status, "convention ended");
    Ok(written)
}

/// Renews last year's completed convention `id`: next year's project (`drafting`, last year's
/// diagnostic, renewing last year's) and its convention's first draft (last year's signed text for
/// the new period), in one transaction. A year is renewed once.
pub async fn renew(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ConventionId,
    draft: &RenewalDraft,
) -> Result<(Convention, Version), UseCaseError> {
    let Loaded { stored, project, .. } = load(db, municipality, id).await?;
    let signed = signed_text(db, municipality, &stored).await?;
    let renewed = implication_storage::conventions::renewal_of(db, municipality.id, project.id).await?.is_some();
    let now = crate::clock::now();
    let (next_project, content) =
        renewal::renew(&project, &stored.convention, &signed.content, renewed, draft, now).map_err(refused)?;
    let (convention, version) = text::draft(municipality.id, next_project.id, content, now);
    let events = vec![
        ProjectEvent {
            reason: Some(format!("Renouvelle « {} ».", project.title.as_str())),
            ..implication_domain::conventions::history::created(&next_project, actor)
        },
        event(&next_project, ProjectEventKind::ConventionDrafted, actor, now),
    ];
    let written = store::write(
        db,
        ConventionWrite {
            expected_version: None,
            convention: &convention,
            attestations: &Attestations::default(),
            follow_up: &FollowUp::default(),
            text: Some((&version, true)),
            signature: None,
            project: ProjectWrite {
                expected_version: None,
                project: &next_project,
                events,
                linked: Vec::new(),
                requests: Vec::new(),
                outbox: Vec::new(),
            },
        },
    )
    .await?;
    tracing::info!(convention = %written.id, renews = %id, "convention renewed");
    Ok((written, version))
}
