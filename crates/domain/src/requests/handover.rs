//! Handing a request over to the competent body when that body runs on the same deployment (a
//! neighbouring town, the agglomeration collecting waste: §4.5.3). The redirected request stays
//! here, closed for this town; a linked request is registered there, from the same words; the
//! two histories point to each other, and the requester follows both with their tracking code.
//! The requester's name and contact details go along only with the consent they gave; nothing
//! else of this town (its themes, neighbourhoods, notes, qualification) crosses.

use super::lifecycle::{Rule, TransitionRefusal};
use super::{Actor, Request, RequestEvent};
use crate::Slug;
use crate::error::Message;
use crate::identity::personal_data::Person;
use crate::ids::{MunicipalityId, RequestId};
use crate::requests::{Description, RegistrationNumber, Title};
use crate::vocabulary::{Channel, RequestEventKind, RequestStatus};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Which way a link goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// This request was handed over to the other.
    HandedOverTo,
    /// This request was received from the other.
    ReceivedFrom,
}

impl LinkKind {
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::HandedOverTo => "handed_over_to",
            LinkKind::ReceivedFrom => "received_from",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [LinkKind::HandedOverTo, LinkKind::ReceivedFrom].into_iter().find(|k| k.code() == code)
    }
}

/// The request of another body a request is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    pub municipality: MunicipalityId,
    /// The other body's slug (slugs never change), to name it in views and tracking addresses.
    pub slug: Slug,
    pub request: RequestId,
}

/// Whether `request` may be handed over to `to`: redirected (the town said whose competence it
/// is), not linked yet, and to another body.
pub fn may_hand_over(request: &Request, to: MunicipalityId) -> Result<(), TransitionRefusal> {
    let refuse = |en: &str, fr: &str| TransitionRefusal::Guard {
        rule: Rule::HandOverNeedsRedirect,
        message: Message::new(en.to_owned(), fr.to_owned()),
        allowed: Vec::new(),
        lacking: Vec::new(),
    };
    if to == request.municipality {
        return Err(refuse("the request is already this body's", "la demande est déjà celle de cette collectivité"));
    }
    if request.link.is_some() {
        return Err(refuse(
            "the request was already handed over, or received from another body",
            "la demande a déjà été transmise, ou reçue d'une autre collectivité",
        ));
    }
    if request.status != RequestStatus::Redirected {
        return Err(refuse(
            "redirect the request to the competent authority first, then hand it over",
            "réorientez d'abord la demande vers l'autorité compétente, puis transmettez-la",
        ));
    }
    Ok(())
}

/// What a hand-over writes: the request as it leaves this town, the one registered in the other,
/// and each one's history entry pointing at the other.
#[derive(Debug, Clone)]
pub struct HandOver {
    pub source: Request,
    pub target: Request,
    pub source_entry: RequestEvent,
    pub target_entry: RequestEvent,
}

/// Hands `request` (checked by [`may_hand_over`]) over to `to`, in `to_time_zone`, as `actor`
/// at `now`; the target's number is set when it is stored. With `personal_data` (and only if
/// the requester consented to its keeping), the requester's name and contact details go along.
pub fn hand_over(
    request: &Request,
    (to, to_slug): (MunicipalityId, &Slug),
    from_slug: &Slug,
    to_time_zone: Tz,
    personal_data: bool,
    actor: Actor,
    now: DateTime<Utc>,
) -> HandOver {
    let target_id = RequestId::new();
    let carries_person = personal_data && request.consent_at.is_some();
    // Without the person, neither are their words about themselves: what they propose or offer
    // stays here, and mentions of their name, email or phone are blotted out of the texts.
    let (title, description) = match (&request.requester, carries_person) {
        (Some(requester), false) => {
            let person = Person::requester(
                requester.name.as_ref().map(|n| n.as_str()),
                requester.email.as_ref().map(|e| e.as_str()),
                requester.phone.as_ref().map(|p| p.as_str()),
            );
            let title =
                Title::parse("title", &person.redact(request.title.as_str())).unwrap_or_else(|_| request.title.clone());
            let description = Description::parse("description", &person.redact(request.description.as_str()))
                .unwrap_or_else(|_| request.description.clone());
            (title, description)
        }
        _ => (request.title.clone(), request.description.clone()),
    };
    let target = Request {
        title,
        description,
        proposed_solution: if carries_person { request.proposed_solution.clone() } else { None },
        offer: if carries_person { request.offer.clone() } else { None },
        // A partner association is this town's: the other body's tools are not told of it.
        association: None,
        id: target_id,
        municipality: to,
        registration_number: RegistrationNumber {
            year: chrono::Datelike::year(&now.with_timezone(&to_time_zone).date_naive()),
            sequence: 0,
        },
        channel: Channel::HandedOver,
        // The other body's catalogues are its own.
        themes: Vec::new(),
        neighbourhood: None,
        requester: if carries_person { request.requester.clone() } else { None },
        consent_at: if carries_person { request.consent_at } else { None },
        // The agent who handed it over is no requester there (the history names them).
        submitted_by: Actor::Public,
        received_on: now.with_timezone(&to_time_zone).date_naive(),
        status: RequestStatus::Received,
        resolution: None,
        merged_into: None,
        published_at: None,
        internal_note: None,
        milestones: Default::default(),
        link: Some(Link {
            kind: LinkKind::ReceivedFrom,
            municipality: request.municipality,
            slug: from_slug.clone(),
            request: request.id,
        }),
        version: 1,
        created_at: now,
        updated_at: now,
        ..request.clone()
    };
    let source = Request {
        link: Some(Link { kind: LinkKind::HandedOverTo, municipality: to, slug: to_slug.clone(), request: target_id }),
        updated_at: now,
        ..request.clone()
    };
    let source_entry = RequestEvent {
        related: Some(target_id),
        ..RequestEvent::new(request.id, RequestEventKind::HandedOver, actor, now)
    };
    let target_entry = RequestEvent {
        related: Some(request.id),
        ..RequestEvent::new(target_id, RequestEventKind::ReceivedFrom, actor, now)
    };
    HandOver { source, target, source_entry, target_entry }
}
