//! Who did something: the public, an account or a partner's tool. Every history names one.

use crate::ids::{AccountId, MachineClientId};
use crate::vocabulary::ActorKind;

/// Who did something recorded in a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Public,
    Account(AccountId),
    Client(MachineClientId),
}

impl Actor {
    pub fn kind(self) -> ActorKind {
        match self {
            Actor::Public => ActorKind::Public,
            Actor::Account(_) => ActorKind::Account,
            Actor::Client(_) => ActorKind::Client,
        }
    }

    pub fn id(self) -> Option<uuid::Uuid> {
        match self {
            Actor::Public => None,
            Actor::Account(id) => Some(id.as_uuid()),
            Actor::Client(id) => Some(id.as_uuid()),
        }
    }
}
