//! Corrections: what staff may fix in a registered request, and which fields changed.

use super::intake::{check_consent, intake_date};
use super::{
    Catalogue, Description, InternalNote, Location, LocationDraft, Offer, ProposedSolution, Request, Requester,
    RequesterDraft, Submitter, Title,
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
    pub proposed_solution: Option<Option<String>>,
    pub offer: Option<Option<String>>,
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
    // Exhaustive on purpose (no `..`): a field added to `RequestEdit` must be applied here, or the
    // compiler complains; otherwise a PATCH of only that field would silently change nothing.
    let RequestEdit {
        kind,
        title,
        description,
        channel,
        themes,
        neighbourhood,
        location,
        requester,
        proposed_solution,
        offer,
        personal_data_consent,
        received_on,
        internal_note,
    } = edit;
    let mut errors = ValidationErrors::default();
    let mut next = current.clone();
    if let Some(kind) = kind {
        next.kind = *kind;
    }
    if let Some(title) = title
        && let Some(title) = errors.collect(Title::parse("title", title))
    {
        next.title = title;
    }
    if let Some(description) = description
        && let Some(description) = errors.collect(Description::parse("description", description))
    {
        next.description = description;
    }
    if let Some(channel) = channel {
        next.channel = *channel;
    }
    if let Some(themes) = themes {
        next.themes = catalogue.check_themes("themes", themes, &mut errors);
    }
    if let Some(neighbourhood) = neighbourhood {
        next.neighbourhood =
            neighbourhood.as_deref().and_then(|c| catalogue.check_neighbourhood("neighbourhood", c, &mut errors));
    }
    if let Some(location) = location {
        next.location = location.as_ref().and_then(|l| Location::parse("location", l, &mut errors));
    }
    if let Some(requester) = requester {
        next.requester = requester.as_ref().and_then(|r| Requester::parse(r, &mut errors));
    }
    if let Some(solution) = proposed_solution {
        next.proposed_solution =
            solution.as_deref().and_then(|v| errors.collect(ProposedSolution::parse("proposed_solution", v)));
    }
    if let Some(offer) = offer {
        next.offer = offer.as_deref().and_then(|v| errors.collect(Offer::parse("offer", v)));
    }
    match personal_data_consent {
        Some(true) if next.consent_at.is_none() => next.consent_at = Some(now),
        Some(false) => next.consent_at = None,
        _ => {}
    }
    let gives_personal_data = match requester {
        Some(draft) => draft.as_ref().is_some_and(RequesterDraft::has_personal_data),
        None => next.requester.as_ref().is_some_and(Requester::has_personal_data),
    };
    check_consent(&mut errors, gives_personal_data, next.consent_at.is_some());
    if let Some(date) = received_on {
        next.received_on = intake_date(&mut errors, &Submitter::Staff(AccountId::new()), Some(*date), today);
    }
    if let Some(note) = internal_note {
        next.internal_note = note.as_deref().and_then(|n| errors.collect(InternalNote::parse("internal_note", n)));
    }
    errors.into_result()?;
    let changed = changed_fields(current, &next);
    if !changed.is_empty() {
        next.updated_at = now;
    }
    Ok((next, changed))
}

/// The names of the fields staff may correct that differ between `before` and `after`.
fn changed_fields(before: &Request, after: &Request) -> Vec<&'static str> {
    // Exhaustive on purpose (no `..`): a field added to `Request` must be classified here, as
    // correctable (compared) or not (`_`), or the compiler complains.
    let Request {
        id: _,
        municipality: _,
        registration_number: _,
        kind,
        title,
        description,
        channel,
        themes,
        neighbourhood,
        location,
        requester,
        proposed_solution,
        offer,
        consent_at,
        association: _,
        submitted_by: _,
        received_on,
        status: _,
        resolution: _,
        merged_into: _,
        published_at: _,
        internal_note,
        milestones: _,
        link: _,
        version: _,
        created_at: _,
        updated_at: _,
    } = after;
    let fields = [
        ("kind", *kind != before.kind),
        ("title", *title != before.title),
        ("description", *description != before.description),
        ("channel", *channel != before.channel),
        ("themes", *themes != before.themes),
        ("neighbourhood", *neighbourhood != before.neighbourhood),
        ("location", *location != before.location),
        ("requester", *requester != before.requester),
        ("proposed_solution", *proposed_solution != before.proposed_solution),
        ("offer", *offer != before.offer),
        ("personal_data_consent", consent_at.is_some() != before.consent_at.is_some()),
        ("received_on", *received_on != before.received_on),
        ("internal_note", *internal_note != before.internal_note),
    ];
    fields.iter().filter(|(_, changed)| *changed).map(|(name, _)| *name).collect()
}
