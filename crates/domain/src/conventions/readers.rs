//! Who reads and acts on projects and conventions: staff, a party's own account, a partner's
//! tool acting for an organisation of the town's directory, or the public. The partner's tool
//! (`projects:read`) sees the projects and conventions naming its organisation as a party and,
//! with `projects:write`, records how its own commitments were kept (§5.6.3.3: the parties
//! follow what they signed).

use super::convention::{Convention, Party, Version};
use super::follow_up::{Fulfilment, FulfilmentDraft};
use super::signature::{NotTheirs, Signature, signed_by_all};
use crate::error::Message;
use crate::identity::{Scope, Standing};
use crate::ids::{AccountId, CommitmentId, OrganisationId};

/// Which projects and conventions a caller reads, and in which view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    /// Staff: every project and convention, in the staff view.
    All,
    /// A person's account: the public views, and the frozen versions of a convention naming it
    /// as a party's account (what it signs).
    Account(AccountId),
    /// A partner's tool acting for an organisation of the directory (`projects:read`): the public
    /// views, and the projects and frozen versions of conventions naming the organisation as a
    /// party; with `records` (`projects:write`) it records its own commitments' fulfilment.
    Organisation { organisation: OrganisationId, records: bool },
    /// Everyone else.
    Public,
}

impl Readers {
    /// What `standing` reads, a partner's tool being acted for `organisation` (the directory's
    /// organisation its client is linked to, looked up by the caller).
    pub fn of(standing: &Standing, organisation: Option<OrganisationId>) -> Self {
        match standing {
            Standing::Staff(_) => Readers::All,
            Standing::Inhabitant(account) => Readers::Account(*account),
            Standing::Client { scopes, .. } => match organisation {
                Some(organisation) if Self::may_act_for_organisation(standing) => {
                    Readers::Organisation { organisation, records: scopes.contains(&Scope::ProjectsWrite) }
                }
                _ => Readers::Public,
            },
            Standing::Public => Readers::Public,
        }
    }

    /// Whether a caller of this standing may be a partner's tool acting for an organisation (so
    /// that its client is worth looking up).
    pub fn may_act_for_organisation(standing: &Standing) -> bool {
        standing.has_scope(Scope::ProjectsRead) || standing.has_scope(Scope::ProjectsWrite)
    }

    pub fn is_staff(self) -> bool {
        self == Readers::All
    }

    /// The organisation a partner's tool acts for.
    pub fn organisation(self) -> Option<OrganisationId> {
        match self {
            Readers::Organisation { organisation, .. } => Some(organisation),
            _ => None,
        }
    }

    /// Whether `party` is this caller: its own account, or the organisation its tool acts for.
    pub fn is(self, party: &Party) -> bool {
        match self {
            Readers::Account(account) => party.account == Some(account),
            Readers::Organisation { organisation, .. } => party.organisation == Some(organisation),
            Readers::All | Readers::Public => false,
        }
    }
}

impl Version {
    /// Whether `readers` is one of its parties (who may then read it to sign it, or follow it).
    pub fn names(&self, readers: Readers) -> bool {
        self.content.parties.iter().any(|p| readers.is(p))
    }

    /// Whether it is the frozen text `readers` signs as one of its parties (a draft is the
    /// services' work, which no party reads).
    pub fn frozen_for(&self, readers: Readers) -> bool {
        self.is_frozen() && self.names(readers)
    }

    /// The party that owns `commitment`, if it has one.
    pub fn party_committed_to(&self, commitment: CommitmentId) -> Option<&Party> {
        self.content.parties.iter().find(|p| p.commitments.iter().any(|c| c.id == commitment))
    }
}

/// Whether `readers` reads `version`: staff any; a party (its account, or its organisation's
/// tool), the frozen version it signs; anyone, a version every party signed.
pub fn may_read(version: &Version, signatures: &[Signature], readers: Readers) -> bool {
    readers.is_staff() || version.frozen_for(readers) || signed_by_all(version, signatures)
}

/// Whether `readers` learns that `convention` exists, `version` being the text shown: staff
/// always; anyone once every party signed; a party, from the frozen text it signs. Otherwise
/// it is a 404, the same as no convention at all.
pub fn may_know(convention: &Convention, version: &Version, readers: Readers) -> bool {
    readers.is_staff() || convention.is_public() || version.frozen_for(readers)
}

/// Whether `readers` attests `party`'s insurance: staff for any party (from the paper
/// certificate), a party's own account for its own.
pub fn may_attest_for(readers: Readers, party: &Party) -> Result<(), NotTheirs> {
    match readers {
        Readers::All => Ok(()),
        Readers::Account(_) if readers.is(party) => Ok(()),
        _ => Err(NotTheirs(Message::new(
            "only staff, or the party's own account, attest its insurance",
            "seuls les services, ou le compte de la partie elle-même, attestent son assurance",
        ))),
    }
}

/// Whether `readers` records the fulfilment of `commitment` of the signed `version`, as `draft`
/// says (`previous`: what was recorded before): staff any; a partner's tool with
/// `projects:write`, its own organisation's commitments only, and neither that the services
/// stepped in nor notes (the services' words: a tool's record keeps what they said). Returns the
/// draft to parse.
pub fn fulfilment_by(
    readers: Readers,
    version: &Version,
    commitment: CommitmentId,
    draft: &FulfilmentDraft,
    previous: Option<&Fulfilment>,
) -> Result<FulfilmentDraft, NotTheirs> {
    // No such commitment: nothing to record, and the parse says so.
    let Some(owner) = version.party_committed_to(commitment) else { return Ok(draft.clone()) };
    let theirs = readers.is(owner);
    match readers {
        Readers::All => Ok(draft.clone()),
        Readers::Organisation { records: true, .. } if theirs => {
            let stepped_in = previous.is_some_and(|f| f.services_stepped_in);
            if draft.services_stepped_in.is_some_and(|given| given != stepped_in) {
                return Err(NotTheirs(Message::new(
                    "only the services record that they stepped in",
                    "seuls les services indiquent qu'ils ont pris le relais",
                )));
            }
            if draft.notes.is_some() {
                return Err(NotTheirs(Message::new(
                    "the notes on a commitment are the services': a tool records its status and day",
                    "les notes sur un engagement sont celles des services : un outil en indique l'état et la date",
                )));
            }
            Ok(FulfilmentDraft {
                services_stepped_in: Some(stepped_in),
                notes: previous.and_then(|f| f.notes.clone()),
                ..draft.clone()
            })
        }
        Readers::Organisation { records: true, .. } => Err(NotTheirs(Message::new(
            "a partner's tool records its own organisation's commitments only",
            "l'outil d'un partenaire n'indique que les engagements de sa propre organisation",
        ))),
        Readers::Organisation { records: false, .. } => Err(NotTheirs(Message::new(
            "recording a commitment's fulfilment needs the projects:write scope",
            "indiquer si un engagement est tenu demande la portée projects:write",
        ))),
        Readers::Account(_) | Readers::Public => Err(NotTheirs(Message::new(
            "only staff, or a party's tool with projects:write, record a commitment's fulfilment",
            "seuls les services, ou l'outil d'une partie avec projects:write, indiquent si un engagement est tenu",
        ))),
    }
}
