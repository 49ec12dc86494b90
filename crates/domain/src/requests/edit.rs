//! Corrections: what staff may fix in a registered request, and which fields changed.

use super::intake::{check_consent, intake_date};
use super::{
    Catalogue, Description, InternalNote, Location, LocationDraft, Request, Requester, RequesterDraft, Submitter, Title,
};
use crate::error::ValidationErrors;
use crate::ids::AccountId;
use crate::vocabulary::{Channel, RequestKind};
use chrono::{DateTime, NaiveDate, Utc};

/// What staff may correct with `PATCH`; `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct RequestEdit {
    pub kind: Option<RequestKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub channel: Option<Channel>,
    pub themes: Option<Vec<String>>,
    pub neighbourhood: Option<Option<String>>,
    pub location: Option<Option<LocationDraft>>,
    pub requester: Option<Option<RequesterDraft>>,
    pub personal_data_consent: Option<bool>,
    pub received_on: Option<NaiveDate>,
    pub internal_note: Option<Option<String>>,
}

/// Applies an edit to a request: the corrected request, and the names of the fields that changed
/// (the history records names, not values, which may be personal data).
pub fn apply_edit(
    current: &Request,
    edit: &RequestEdit,
    catalogue: Catalogue<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Request, Vec<&'static str>), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut next = current.clone();
    if let Some(kind) = edit.kind {
        next.kind = kind;
    }
    if let Some(title) = &edit.title
        && let Some(title) = errors.collect(Title::parse("title", title))
    {
        next.title = title;
    }
    if let Some(description) = &edit.description
        && let Some(description) = errors.collect(Description::parse("description", description))
    {
        next.description = description;
    }
    if let Some(channel) = edit.channel {
        next.channel = channel;
    }
    if let Some(themes) = &edit.themes {
        next.themes = catalogue.check_themes("themes", themes, &mut errors);
    }
    if let Some(neighbourhood) = &edit.neighbourhood {
        next.neighbourhood =
            neighbourhood.as_deref().and_then(|c| catalogue.check_neighbourhood("neighbourhood", c, &mut errors));
    }
    if let Some(location) = &edit.location {
        next.location = location.as_ref().and_then(|l| Location::parse("location", l, &mut errors));
    }
    if let Some(requester) = &edit.requester {
        next.requester = requester.as_ref().and_then(|r| Requester::parse(r, &mut errors));
    }
    match edit.personal_data_consent {
        Some(true) if next.consent_at.is_none() => next.consent_at = Some(now),
        Some(false) => next.consent_at = None,
        _ => {}
    }
    let gives_personal_data = match &edit.requester {
        Some(draft) => draft.as_ref().is_some_and(RequesterDraft::has_personal_data),
        None => next.requester.as_ref().is_some_and(Requester::has_personal_data),
    };
    check_consent(&mut errors, gives_personal_data, next.consent_at.is_some());
    if let Some(date) = edit.received_on {
        next.received_on = intake_date(&mut errors, &Submitter::Staff(AccountId::new()), Some(date), today);
    }
    if let Some(note) = &edit.internal_note {
        next.internal_note = note.as_deref().and_then(|n| errors.collect(InternalNote::parse("internal_note", n)));
    }
    errors.into_result()?;

    let fields: [(&'static str, bool); 11] = [
        ("kind", next.kind != current.kind),
        ("title", next.title != current.title),
        ("description", next.description != current.description),
        ("channel", next.channel != current.channel),
        ("themes", next.themes != current.themes),
        ("neighbourhood", next.neighbourhood != current.neighbourhood),
        ("location", next.location != current.location),
        ("requester", next.requester != current.requester),
        ("personal_data_consent", next.consent_at.is_some() != current.consent_at.is_some()),
        ("received_on", next.received_on != current.received_on),
        ("internal_note", next.internal_note != current.internal_note),
    ];
    let changed = fields.iter().filter(|(_, changed)| *changed).map(|(name, _)| *name).collect();
    Ok((next, changed))
}
