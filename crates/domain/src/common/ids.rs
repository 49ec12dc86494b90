//! Typed identifiers: UUIDv7, so that they sort by creation time (cursor tie-breakers rely on it).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new identifier, ordered after every one made before it.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A municipality (the tenant: every other object belongs to exactly one).
    MunicipalityId
);
typed_id!(
    /// A named area of a municipality.
    NeighbourhoodId
);

typed_id!(
    /// A person's account (one per email, across municipalities).
    AccountId
);
typed_id!(
    /// A partner association's machine client.
    MachineClientId
);
typed_id!(
    /// A department of a town hall.
    ServiceId
);
typed_id!(
    /// An elected official's portfolio.
    DelegationId
);
typed_id!(
    /// An inhabitant's request.
    RequestId
);
typed_id!(
    /// An entry of a request's history.
    RequestEventId
);
typed_id!(
    /// The town's answer to a request.
    AnswerId
);
typed_id!(
    /// A theme of a municipality's catalogue.
    ThemeId
);
typed_id!(
    /// A participation process (démarche participative).
    ProcessId
);
typed_id!(
    /// An entry of a process's history.
    ProcessEventId
);
typed_id!(
    /// A meeting of a process (public meeting, workshop, site visit).
    MeetingId
);
typed_id!(
    /// A survey of a process.
    SurveyId
);
typed_id!(
    /// A notice of a process (information published on a medium, to a perimeter).
    NoticeId
);
typed_id!(
    /// A step still ahead of a request or a process (a permit, the council, the works).
    StepId
);
typed_id!(
    /// A promise made to requesters.
    PromiseId
);
typed_id!(
    /// A delivery of a meeting's minutes (to whom, by which medium, on which day).
    DeliveryId
);
typed_id!(
    /// A reader's reaction to a meeting's minutes.
    ReactionId
);
typed_id!(
    /// A draw by lot of inhabitants to invite.
    DrawId
);
typed_id!(
    /// One of the town's standing bodies (a commission, a neighbourhood group, a yearly meeting).
    BodyId
);
typed_id!(
    /// A member of a standing body.
    MemberId
);
typed_id!(
    /// A fifty-fifty project.
    ProjectId
);
typed_id!(
    /// An entry of a fifty-fifty project's history.
    ProjectEventId
);
typed_id!(
    /// A fifty-fifty convention.
    ConventionId
);
typed_id!(
    /// A party to a convention, the same in every version of it.
    PartyId
);
typed_id!(
    /// One party's commitment in a convention.
    CommitmentId
);
typed_id!(
    /// An organisation of the town's directory (an association, a farm, a school…).
    OrganisationId
);
typed_id!(
    /// An account of a project or a process, written by someone who carried it or took part.
    NarrativeId
);
typed_id!(
    /// A person whose participation is recorded (with their consent).
    ParticipantId
);
typed_id!(
    /// One thing a participant took part in.
    ParticipationId
);
typed_id!(
    /// An evaluation round of a set of projects.
    RoundId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_sort_in_creation_order() {
        let first = MunicipalityId::new();
        let second = MunicipalityId::new();
        assert!(first < second);
    }
}
