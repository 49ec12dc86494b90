//! Requests: registration (numbers without gaps, idempotent submissions), lists with filters,
//! the one versioned write (a change, its history, its side tables, in one transaction),
//! answers, the append-only history, the term index, and qualification documents.
//!
//! This module maps a request between its row and the domain's `Request`; each file below does
//! one job.

mod answers;
mod history;
mod list;
mod published;
pub mod qualifications;
mod register;
pub(crate) mod terms;
pub mod themes;
mod write;

pub use answers::{add_answer, answers};
pub use history::history;
pub use list::{After, Filter, Sort, list, list_published};
pub use published::find_published;
pub use register::{Created, IdempotencyRecord, create, hand_over};
pub use terms::{requests_after, rewrite_terms, similar_candidates};
pub(crate) use write::write_in;
pub use write::{RequestWrite, write};

use crate::Database;
use crate::entities::request;
use crate::error::StorageError;
use implication_domain::identity::Email;
use implication_domain::requests::handover::{Link, LinkKind};
use implication_domain::requests::{
    Actor, Address, Description, InternalNote, Location, Milestones, Offer, PersonName, Phone, Point, ProposedSolution,
    RegistrationNumber, Request, Requester, Title, search_text,
};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use implication_domain::{AccountId, MachineClientId, MunicipalityId, RequestId, Slug};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect, UpdateMany,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

pub(crate) fn vanished(id: RequestId) -> StorageError {
    StorageError::Corrupt(format!("request {id} vanished after being written"))
}

/// Every column of a request but its tracking hash, which only registration writes.
fn row(r: &Request) -> request::ActiveModel {
    let requester = r.requester.as_ref();
    let location = r.location.as_ref();
    let text = |v: Option<&str>| v.map(str::to_owned);
    request::ActiveModel {
        id: Set(r.id.as_uuid()),
        municipality_id: Set(r.municipality.as_uuid()),
        year: Set(r.registration_number.year),
        sequence: Set(r.registration_number.sequence),
        kind: Set(r.kind.code().to_owned()),
        title: Set(r.title.as_str().to_owned()),
        description: Set(r.description.as_str().to_owned()),
        search_text: Set(search_text(&r.title, &r.description)),
        channel: Set(r.channel.code().to_owned()),
        themes: Set(themes_json(&r.themes)),
        neighbourhood_code: Set(text(r.neighbourhood.as_ref().map(Slug::as_str))),
        location_address: Set(text(location.and_then(|l| l.address.as_ref()).map(Address::as_str))),
        latitude: Set(location.and_then(|l| l.point).map(|p| p.latitude)),
        longitude: Set(location.and_then(|l| l.point).map(|p| p.longitude)),
        requester_kind: Set(requester.map(|q| q.kind.code().to_owned())),
        requester_name: Set(text(requester.and_then(|q| q.name.as_ref()).map(PersonName::as_str))),
        requester_email: Set(text(requester.and_then(|q| q.email.as_ref()).map(Email::as_str))),
        requester_phone: Set(text(requester.and_then(|q| q.phone.as_ref()).map(Phone::as_str))),
        requester_postal_address: Set(text(requester.and_then(|q| q.postal_address.as_ref()).map(Address::as_str))),
        proposed_solution: Set(text(r.proposed_solution.as_ref().map(ProposedSolution::as_str))),
        offer: Set(text(r.offer.as_ref().map(Offer::as_str))),
        consent_at: Set(r.consent_at),
        association: Set(r.association.clone()),
        submitted_by_kind: Set(r.submitted_by.kind().code().to_owned()),
        submitted_by_id: Set(r.submitted_by.id()),
        received_on: Set(r.received_on),
        status: Set(r.status.code().to_owned()),
        resolution: Set(r.resolution.map(|v| v.code().to_owned())),
        merged_into: Set(r.merged_into.map(|m| m.as_uuid())),
        published_at: Set(r.published_at),
        internal_note: Set(text(r.internal_note.as_ref().map(InternalNote::as_str))),
        qualified_on: Set(r.milestones.qualified_on),
        left_intake_on: Set(r.milestones.left_intake_on),
        first_answer_on: Set(r.milestones.first_answer_on),
        first_public_answer_on: Set(r.milestones.first_public_answer_on),
        tracking_hash: NotSet,
        linked_kind: Set(r.link.as_ref().map(|l| l.kind.code().to_owned())),
        linked_municipality_id: Set(r.link.as_ref().map(|l| l.municipality.as_uuid())),
        linked_municipality_slug: Set(r.link.as_ref().map(|l| l.slug.as_str().to_owned())),
        linked_request_id: Set(r.link.as_ref().map(|l| l.request.as_uuid())),
        version: Set(r.version),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
    }
}

/// `update` also moving the request's milestones on: each reached one is written only where the
/// stored one is empty, so that two changes reaching it concurrently (an answer beside a
/// transition, neither guarded by the other's version) keep the first day.
fn reaching(update: UpdateMany<request::Entity>, reached: &Milestones) -> UpdateMany<request::Entity> {
    use request::Column;
    [
        (Column::QualifiedOn, reached.qualified_on),
        (Column::LeftIntakeOn, reached.left_intake_on),
        (Column::FirstAnswerOn, reached.first_answer_on),
        (Column::FirstPublicAnswerOn, reached.first_public_answer_on),
    ]
    .into_iter()
    .filter_map(|(column, day)| day.map(|day| (column, day)))
    .fold(update, |update, (column, day)| {
        update.col_expr(column, Func::coalesce([Expr::col(column), Expr::val(day)]).into())
    })
}

pub(crate) fn themes_json(themes: &[Slug]) -> String {
    serde_json::to_string(&themes.iter().map(Slug::as_str).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".to_owned())
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: RequestId) -> Result<Option<Request>, StorageError> {
    request::Entity::find_by_id(id.as_uuid())
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Which of `ids` are requests of this municipality.
pub async fn existing(
    db: &Database,
    municipality: MunicipalityId,
    ids: &[RequestId],
) -> Result<Vec<RequestId>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Uuid> = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(request::Column::Id.is_in(ids.iter().map(|id| id.as_uuid())))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(found.into_iter().map(RequestId::from_uuid).collect())
}

/// The request a tracking code (by its hash) follows, in this municipality only.
pub async fn find_by_tracking_hash(
    db: &Database,
    municipality: MunicipalityId,
    tracking_hash: &str,
) -> Result<Option<Request>, StorageError> {
    request::Entity::find()
        .filter(request::Column::TrackingHash.eq(tracking_hash))
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Who did something, as stored: a kind and, but for the public, an id.
pub(crate) fn actor(row: Uuid, kind: &str, id: Option<Uuid>) -> Result<Actor, StorageError> {
    match (kind, id) {
        ("public", _) => Ok(Actor::Public),
        ("account", Some(account)) => Ok(Actor::Account(AccountId::from_uuid(account))),
        ("client", Some(client)) => Ok(Actor::Client(MachineClientId::from_uuid(client))),
        (other, _) => Err(corrupt(row, format!("actor {other}"))),
    }
}

pub(super) fn corrupt(id: Uuid, what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("request {id}: {what}"))
}

pub(super) fn code<T>(id: Uuid, column: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, StorageError> {
    parse(value).ok_or_else(|| corrupt(id, format!("{column} {value:?}")))
}

fn optional<T, E: std::fmt::Display>(
    id: Uuid,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, StorageError> {
    value.map(|v| parse(v).map_err(|e| corrupt(id, e))).transpose()
}

pub(crate) fn to_domain(row: request::Model) -> Result<Request, StorageError> {
    let id = row.id;
    let field = |e: implication_domain::FieldError| e.message.to_string();
    let requester = match row.requester_kind.as_deref() {
        None => None,
        Some(kind) => Some(Requester {
            kind: code(id, "requester_kind", kind, RequesterKind::from_code)?,
            name: optional(id, row.requester_name.as_deref(), |v| PersonName::parse("name", v).map_err(field))?,
            email: optional(id, row.requester_email.as_deref(), |v| Email::parse("email", v).map_err(field))?,
            phone: optional(id, row.requester_phone.as_deref(), |v| Phone::parse("phone", v).map_err(field))?,
            postal_address: optional(id, row.requester_postal_address.as_deref(), |v| {
                Address::parse("postal_address", v).map_err(field)
            })?,
        }),
    };
    let point = match (row.latitude, row.longitude) {
        (Some(latitude), Some(longitude)) => Some(Point { latitude, longitude }),
        _ => None,
    };
    let address = optional(id, row.location_address.as_deref(), |v| Address::parse("address", v).map_err(field))?;
    let location = (address.is_some() || point.is_some()).then_some(Location { address, point });
    let themes: Vec<String> = serde_json::from_str(&row.themes).map_err(|e| corrupt(id, e))?;
    let themes = themes.iter().map(|t| Slug::parse(t).map_err(|e| corrupt(id, e))).collect::<Result<_, _>>()?;
    let submitted_by = actor(id, &row.submitted_by_kind, row.submitted_by_id)?;
    Ok(Request {
        id: RequestId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        registration_number: RegistrationNumber { year: row.year, sequence: row.sequence },
        kind: code(id, "kind", &row.kind, RequestKind::from_code)?,
        title: Title::parse("title", &row.title).map_err(|e| corrupt(id, e.message.to_string()))?,
        description: Description::parse("description", &row.description)
            .map_err(|e| corrupt(id, e.message.to_string()))?,
        channel: code(id, "channel", &row.channel, Channel::from_code)?,
        themes,
        neighbourhood: optional(id, row.neighbourhood_code.as_deref(), Slug::parse)?,
        location,
        requester,
        proposed_solution: optional(id, row.proposed_solution.as_deref(), |v| {
            ProposedSolution::parse("proposed_solution", v).map_err(field)
        })?,
        offer: optional(id, row.offer.as_deref(), |v| Offer::parse("offer", v).map_err(field))?,
        consent_at: row.consent_at,
        association: row.association,
        submitted_by,
        received_on: row.received_on,
        status: code(id, "status", &row.status, RequestStatus::from_code)?,
        resolution: row.resolution.as_deref().map(|r| code(id, "resolution", r, Resolution::from_code)).transpose()?,
        merged_into: row.merged_into.map(RequestId::from_uuid),
        published_at: row.published_at,
        internal_note: optional(id, row.internal_note.as_deref(), |v| InternalNote::parse("note", v).map_err(field))?,
        milestones: Milestones {
            qualified_on: row.qualified_on,
            left_intake_on: row.left_intake_on,
            first_answer_on: row.first_answer_on,
            first_public_answer_on: row.first_public_answer_on,
        },
        link: match (
            row.linked_kind.as_deref(),
            row.linked_municipality_id,
            &row.linked_municipality_slug,
            row.linked_request_id,
        ) {
            (Some(kind), Some(municipality), Some(slug), Some(request)) => Some(Link {
                kind: code(id, "linked_kind", kind, LinkKind::from_code)?,
                municipality: MunicipalityId::from_uuid(municipality),
                slug: Slug::parse(slug).map_err(|e| corrupt(id, e))?,
                request: RequestId::from_uuid(request),
            }),
            _ => None,
        },
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
