//! Requests: any need, idea, complaint or proposal that reaches the town, by any channel
//! (`DOMAIN.md`, "Requests"). Intake takes anything from anyone with the minimum of formality,
//! then gives it a formal trace: a registration number, a received date, an append-only history.
//! The context also holds what follows: the lifecycle, qualification and routing, similar
//! requests, answers, tracking, and the themes requests are filed under.

mod answers;
mod edit;
pub mod handover;
mod history;
mod intake;
pub mod lifecycle;
mod milestones;
pub mod open311;
mod published;
pub mod qualification;
mod search;
pub mod similarity;
pub mod theme;
mod tracking;

crate::error_codes!(
    /// Field error codes of the requests context.
    Code {
        ConsentRequired = "consent_required",
        InTheFuture = "in_the_future",
        InvalidPhone = "invalid_phone",
        MergedTarget = "merged_target",
        NotAllowed = "not_allowed",
        NotAnotherAuthority = "not_another_authority",
        NotApplicable = "not_applicable",
        SameRequest = "same_request",
        UnknownNeighbourhood = "unknown_neighbourhood",
        UnknownBody = "unknown_body",
        UnknownRequest = "unknown_request",
        UnknownTheme = "unknown_theme",
        Unmet = "unmet",
    }
);

pub use crate::common::actor::Actor;
pub use crate::common::text::{Address, PersonName, TEXT_PATTERN, parse_text};
pub use crate::vocabulary::{ActorKind, RequestEventKind};
pub use answers::Answer;
pub use answers::{AnswerDraft, AnswerRefusal, author_of};
pub use edit::{RequestEdit, apply_edit};
pub use history::RequestEvent;
pub use intake::{
    Catalogue, Location, LocationDraft, MAX_THEMES, NewRequest, Phone, Point, RegistrationNumber, RequestDraft,
    Requester, RequesterDraft, Submitter, SubmitterRefusal,
};
pub use milestones::Milestones;
pub use published::PublishedRequest;
pub use search::{fold_for_search, search_text};
pub use tracking::TrackingCode;

use crate::common::text::text_type;
use crate::identity::Standing;
use crate::identity::municipality::parse_name;
use crate::ids::{MunicipalityId, RequestId};
use crate::slug::Slug;
use crate::vocabulary::{Channel, RequestKind, RequestStatus, Resolution};
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

text_type!(
    /// A request's title: one line, 1 to 200 characters.
    Title, 200, parse_name
);
text_type!(
    /// A request's description: 1 to 5,000 characters, line breaks allowed.
    Description, 5_000, parse_text
);
text_type!(
    /// Why a status changed, as the requester will read it: 1 to 2,000 characters.
    Reason, 2_000, parse_text
);
text_type!(
    /// The town's answer to the requester: 1 to 5,000 characters.
    AnswerText, 5_000, parse_text
);
text_type!(
    /// A note for staff only, never shown to the public nor to the requester.
    InternalNote, 5_000, parse_text
);
text_type!(
    /// The solution the requester proposes, in their words: 1 to 2,000 characters. Staff only
    /// (it may hold personal details): never in a public view.
    ProposedSolution, 2_000, parse_text
);
text_type!(
    /// What the requester offers to do themselves (§6.4.2: "participation without
    /// responsibility" is a trap): 1 to 2,000 characters. Staff only, like the proposed solution;
    /// the qualification's `citizen_delivery` answer starts from it.
    Offer, 2_000, parse_text
);

/// A registered request, as stored.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: RequestId,
    pub municipality: MunicipalityId,
    pub registration_number: RegistrationNumber,
    pub kind: RequestKind,
    pub title: Title,
    pub description: Description,
    pub channel: Channel,
    pub themes: Vec<Slug>,
    pub neighbourhood: Option<Slug>,
    pub location: Option<Location>,
    pub requester: Option<Requester>,
    /// The solution the requester proposes, if they gave one (staff only).
    pub proposed_solution: Option<ProposedSolution>,
    /// What the requester offers to do themselves, if anything (staff only).
    pub offer: Option<Offer>,
    /// When the requester consented to the processing of their personal data.
    pub consent_at: Option<DateTime<Utc>>,
    pub association: Option<String>,
    pub submitted_by: Actor,
    pub received_on: NaiveDate,
    pub status: RequestStatus,
    pub resolution: Option<Resolution>,
    pub merged_into: Option<RequestId>,
    pub published_at: Option<DateTime<Utc>>,
    pub internal_note: Option<InternalNote>,
    /// The days it first reached what its delays are measured to.
    pub milestones: Milestones,
    /// The request of another body of the deployment it was handed over to, or received from.
    pub link: Option<handover::Link>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Request {
    /// A request as registration makes it: `received`, private, at version 1; consent (when
    /// given) dated now.
    pub fn registered(
        new: &NewRequest,
        id: RequestId,
        municipality: MunicipalityId,
        registration_number: RegistrationNumber,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            municipality,
            registration_number,
            kind: new.kind,
            title: new.title.clone(),
            description: new.description.clone(),
            channel: new.channel,
            themes: new.themes.clone(),
            neighbourhood: new.neighbourhood.clone(),
            location: new.location.clone(),
            requester: new.requester.clone(),
            proposed_solution: new.proposed_solution.clone(),
            offer: new.offer.clone(),
            consent_at: new.consent.then_some(now),
            association: new.association.clone(),
            submitted_by: new.submitted_by,
            received_on: new.received_on,
            status: RequestStatus::Received,
            resolution: None,
            merged_into: None,
            published_at: None,
            internal_note: None,
            milestones: Milestones::default(),
            link: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether it is late: still awaiting its first answer more than `answer_delay_days` after it
    /// was received.
    pub fn is_late(&self, answer_delay_days: u16, today: NaiveDate) -> bool {
        lifecycle::is_late(self.status, self.received_on, answer_delay_days, today)
    }

    /// The day by which it should have had an answer.
    pub fn answer_due_on(&self, answer_delay_days: u16) -> NaiveDate {
        self.received_on.checked_add_days(Days::new(answer_delay_days.into())).unwrap_or(NaiveDate::MAX)
    }
}

/// Which view of a request a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everything, personal data and internal note included.
    Staff,
    /// Who submitted it (an account or a partner's tool): its status, public history, answers.
    Requester,
    /// Anyone, once staff published it: no personal data.
    Public,
}

impl Request {
    /// Whether this caller submitted the request (and so may follow it as its requester).
    pub fn was_submitted_by(&self, standing: &Standing) -> bool {
        match (standing, self.submitted_by) {
            (Standing::Inhabitant(account) | Standing::Staff(account), Actor::Account(by)) => *account == by,
            (Standing::Client { client, .. }, Actor::Client(by)) => *client == by,
            _ => false,
        }
    }

    /// Whether a partner's tool acting for `association` follows it as its requester does: it was
    /// submitted for that association (by this tool or another of the association's).
    pub fn is_of_association(&self, association: &str) -> bool {
        self.association.as_deref() == Some(association)
    }

    /// The view this caller is entitled to; `None`: for them the request does not exist.
    pub fn audience(&self, standing: &Standing) -> Option<Audience> {
        if standing.is_staff() {
            Some(Audience::Staff)
        } else if self.was_submitted_by(standing) {
            Some(Audience::Requester)
        } else if self.published_at.is_some() {
            Some(Audience::Public)
        } else {
            None
        }
    }
}

impl Request {
    /// The request as an allowed transition leaves it, now, in a town in `time_zone` (which dates
    /// the milestones it reaches; the answer a redirection writes reaches its own, [`Self::answered`]).
    pub fn moved(&self, change: &lifecycle::Transition, now: DateTime<Utc>, time_zone: Tz) -> Self {
        Self {
            status: change.to,
            resolution: change.resolution,
            merged_into: change.into,
            milestones: self.milestones.then(Milestones::of_move(change.from, change.to, now, time_zone)),
            updated_at: now,
            ..self.clone()
        }
    }

    /// Its milestones once `answer` is written, in a town in `time_zone`.
    pub fn answered(&self, answer: &Answer, time_zone: Tz) -> Milestones {
        self.milestones.then(Milestones::of_answer(answer.public, answer.created_at, time_zone))
    }

    /// The request published (`true`) or taken out of public view; `None` when it already is.
    pub fn with_publication(&self, published: bool, now: DateTime<Utc>) -> Option<Self> {
        (self.published_at.is_some() != published).then(|| Self {
            published_at: published.then_some(now),
            updated_at: now,
            ..self.clone()
        })
    }

    /// The request filed under its qualification's themes and neighbourhood.
    pub fn refiled(&self, qualification: &qualification::Qualification, now: DateTime<Utc>) -> Self {
        Self {
            themes: qualification.themes.clone(),
            neighbourhood: qualification.neighbourhood.clone(),
            updated_at: now,
            ..self.clone()
        }
    }
}

/// The view of each request a caller's list shows: staff see theirs, everyone else the public
/// view (a requester follows their own request one by one, or by its tracking code).
pub fn listing_audience(standing: &Standing) -> Audience {
    if standing.is_staff() { Audience::Staff } else { Audience::Public }
}

/// Whether this caller can see a request only once it is published, whoever submitted it: the
/// public (no token, or another town's), for whom [`Request::audience`] is the public view of a
/// published request or nothing. Such a read needs no more than the public columns.
pub fn sees_only_published(standing: &Standing) -> bool {
    matches!(standing, Standing::Public)
}

/// Which requests a caller's list shows by publication: staff choose (`asked`, or all when
/// `None`); everyone else only ever sees what staff published, whatever they ask.
pub fn listed_publication(standing: &Standing, asked: Option<bool>) -> Option<bool> {
    if standing.is_staff() { asked } else { Some(true) }
}

/// Requests received before this day and still awaiting an answer are late.
pub fn late_before(today: NaiveDate, answer_delay_days: u16) -> NaiveDate {
    today.checked_sub_days(Days::new(answer_delay_days.into())).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests;
