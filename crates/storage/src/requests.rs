//! Requests: registration (numbers without gaps, idempotent submissions), lists with filters,
//! corrections, transitions, publication, answers, and the append-only history. Every change
//! and its history entry are written in one transaction.

use crate::entities::{
    idempotency_key, request, request_answer, request_counter, request_event, request_qualification,
    request_routed_service, request_term,
};
use crate::error::{StorageError, duplicate_of};
use crate::{Database, Page};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use implication_domain::identity::Assignment;
use implication_domain::identity::Email;
use implication_domain::requests::lifecycle::Transition;
use implication_domain::requests::similarity;
use implication_domain::requests::{
    Actor, Address, Answer, AnswerText, Description, InternalNote, Location, NewRequest, PersonName, Phone, Point,
    RegistrationNumber, Request, RequestEvent, RequestEventKind, Requester, Title, search_text,
};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use implication_domain::{
    AccountId, AnswerId, DelegationId, MachineClientId, MunicipalityId, RequestEventId, RequestId, ServiceId, Slug,
    time,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr, OnConflict, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
    TransactionTrait,
};
use uuid::Uuid;

/// The `Idempotency-Key` of a submission: a retry with the same key (in the same scope) and the
/// same body gets the first answer; with another body, [`Created::KeyReused`].
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    /// Who the key belongs to (`public`, `account:<id>`, `client:<id>`).
    pub scope: String,
    pub key: String,
    pub operation: &'static str,
    pub body_hash: String,
    /// A secret of the first answer (the tracking code), masked with a key only the client has.
    pub masked_secret: Option<String>,
}

/// What a submission did.
#[derive(Debug)]
pub enum Created {
    New(Request),
    /// The key was used before with the same body: the request it created, and the masked secret.
    Replay {
        request: Request,
        masked_secret: Option<String>,
    },
    /// The key was used before with another body.
    KeyReused,
}

/// Registers a request: its number is the next of its municipality and year, allocated in the
/// same transaction as the insert, so that a failed insert leaves no gap.
#[tracing::instrument(skip_all, fields(municipality = %municipality), err)]
pub async fn create(
    db: &Database,
    municipality: MunicipalityId,
    new: &NewRequest,
    tracking_hash: &str,
    idempotency: Option<&IdempotencyRecord>,
) -> Result<Created, StorageError> {
    if let Some(record) = idempotency
        && let Some(found) = replay(db, municipality, record).await?
    {
        return Ok(found);
    }
    let id = RequestId::new();
    let now = time::now();
    let txn = db.conn().begin().await?;
    if let Some(record) = idempotency {
        // First write of the transaction: a concurrent retry with the same key waits here, then
        // finds the key taken and replays this answer.
        let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
            id: Set(Uuid::now_v7()),
            municipality_id: Set(municipality.as_uuid()),
            scope: Set(record.scope.clone()),
            key: Set(record.key.clone()),
            operation: Set(record.operation.to_owned()),
            body_hash: Set(record.body_hash.clone()),
            resource_id: Set(id.as_uuid()),
            masked_secret: Set(record.masked_secret.clone()),
            created_at: Set(now),
        })
        .exec(&txn)
        .await;
        if let Err(err) = inserted {
            txn.rollback().await?;
            if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                return replay(db, municipality, record)
                    .await?
                    .ok_or_else(|| StorageError::Corrupt("idempotency key vanished".to_owned()));
            }
            return Err(err.into());
        }
    }
    let year = time::today().year();
    let sequence = next_sequence(&txn, municipality, year).await?;
    let request = Request::registered(new, id, municipality, RegistrationNumber { year, sequence }, now);
    let row = request::ActiveModel { tracking_hash: Set(tracking_hash.to_owned()), ..row(&request) };
    request::Entity::insert(row).exec(&txn).await.map_err(|e| duplicate_of(e, &["tracking_hash", "registration"]))?;
    insert_terms(&txn, &request).await?;
    let created = RequestEvent {
        kind: RequestEventKind::Created,
        to: Some(RequestStatus::Received),
        ..event(id, new.submitted_by, now)
    };
    insert_event(&txn, municipality, &created).await?;
    txn.commit().await?;
    Ok(Created::New(request))
}

/// Takes the next number of the year, creating the year's counter at 1.
async fn next_sequence(
    txn: &DatabaseTransaction,
    municipality: MunicipalityId,
    year: i32,
) -> Result<i32, StorageError> {
    use request_counter::Column;
    let statement = Query::insert()
        .into_table(request_counter::Entity)
        .columns([Column::MunicipalityId, Column::Year, Column::LastSequence])
        .values([municipality.as_uuid().into(), year.into(), 1.into()])
        .map_err(|e| StorageError::Corrupt(e.to_string()))?
        .on_conflict(
            OnConflict::columns([Column::MunicipalityId, Column::Year])
                .value(Column::LastSequence, Expr::col((request_counter::Entity, Column::LastSequence)).add(1))
                .to_owned(),
        )
        .returning_col(Column::LastSequence)
        .to_owned();
    let row = txn.query_one(&statement).await?.ok_or_else(|| StorageError::Corrupt("no counter row".to_owned()))?;
    Ok(row.try_get::<i32>("", "last_sequence")?)
}

async fn replay(
    db: &Database,
    municipality: MunicipalityId,
    record: &IdempotencyRecord,
) -> Result<Option<Created>, StorageError> {
    let Some(found) = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(idempotency_key::Column::Scope.eq(&record.scope))
        .filter(idempotency_key::Column::Key.eq(&record.key))
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    if found.body_hash != record.body_hash || found.operation != record.operation {
        return Ok(Some(Created::KeyReused));
    }
    let id = RequestId::from_uuid(found.resource_id);
    let request = find(db, municipality, id).await?.ok_or_else(|| vanished(id))?;
    Ok(Some(Created::Replay { request, masked_secret: found.masked_secret }))
}

/// Indexes the words of a request's title and description (see `similarity::terms`).
async fn insert_terms(txn: &DatabaseTransaction, request: &Request) -> Result<(), StorageError> {
    let rows: Vec<request_term::ActiveModel> = similarity::terms(request.title.as_str(), request.description.as_str())
        .into_iter()
        .map(|term| request_term::ActiveModel {
            municipality_id: Set(request.municipality.as_uuid()),
            term: Set(term),
            request_id: Set(request.id.as_uuid()),
        })
        .collect();
    if !rows.is_empty() {
        request_term::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

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
        tracking_hash: NotSet,
        version: Set(r.version),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
    }
}

pub(crate) fn themes_json(themes: &[Slug]) -> String {
    serde_json::to_string(&themes.iter().map(Slug::as_str).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".to_owned())
}

/// A blank history entry of `kind` created, to be completed with struct update syntax.
pub(crate) fn event(request: RequestId, actor: Actor, at: DateTime<Utc>) -> RequestEvent {
    RequestEvent {
        id: RequestEventId::new(),
        request,
        kind: RequestEventKind::Created,
        actor,
        at,
        from: None,
        to: None,
        reason: None,
        resolution: None,
        related: None,
        answer: None,
        fields: Vec::new(),
    }
}

pub(crate) async fn insert_event(
    txn: &DatabaseTransaction,
    municipality: MunicipalityId,
    event: &RequestEvent,
) -> Result<(), StorageError> {
    let fields = (!event.fields.is_empty()).then(|| serde_json::to_string(&event.fields).unwrap_or_default());
    request_event::Entity::insert(request_event::ActiveModel {
        id: Set(event.id.as_uuid()),
        request_id: Set(event.request.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        kind: Set(event.kind.code().to_owned()),
        actor_kind: Set(event.actor.kind().code().to_owned()),
        actor_id: Set(event.actor.id()),
        from_status: Set(event.from.map(|s| s.code().to_owned())),
        to_status: Set(event.to.map(|s| s.code().to_owned())),
        reason: Set(event.reason.clone()),
        resolution: Set(event.resolution.map(|r| r.code().to_owned())),
        related_request_id: Set(event.related.map(|r| r.as_uuid())),
        answer_id: Set(event.answer.map(|a| a.as_uuid())),
        fields: Set(fields),
        at: Set(event.at),
    })
    .exec(txn)
    .await?;
    Ok(())
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

/// How a list is ordered; every order ends with the id, so that keys are unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    ReceivedOnDesc,
    ReceivedOnAsc,
    CreatedAtDesc,
    CreatedAtAsc,
}

impl Sort {
    pub const CODES: [&'static str; 4] = ["-received_on", "received_on", "-created_at", "created_at"];

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "-received_on" => Some(Sort::ReceivedOnDesc),
            "received_on" => Some(Sort::ReceivedOnAsc),
            "-created_at" => Some(Sort::CreatedAtDesc),
            "created_at" => Some(Sort::CreatedAtAsc),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::ReceivedOnDesc => "-received_on",
            Sort::ReceivedOnAsc => "received_on",
            Sort::CreatedAtDesc => "-created_at",
            Sort::CreatedAtAsc => "created_at",
        }
    }

    /// The sort key of a request, as a cursor holds it.
    pub fn key_of(self, request: &Request) -> String {
        match self {
            Sort::ReceivedOnDesc | Sort::ReceivedOnAsc => request.received_on.to_string(),
            Sort::CreatedAtDesc | Sort::CreatedAtAsc => request.created_at.to_rfc3339(),
        }
    }
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct After {
    pub key: String,
    pub id: RequestId,
}

/// The filters of a list; empty vectors and `None` filter nothing.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<RequestStatus>,
    pub kinds: Vec<RequestKind>,
    pub channels: Vec<Channel>,
    pub theme: Option<Slug>,
    pub neighbourhood: Option<Slug>,
    pub received_after: Option<NaiveDate>,
    pub received_before: Option<NaiveDate>,
    /// `Some((late, before))`: only late (or only not late) requests, late meaning still
    /// awaiting an answer and received before `before`.
    pub late: Option<(bool, NaiveDate)>,
    pub published: Option<bool>,
    /// A folded search text (see `fold_for_search`).
    pub text: Option<String>,
    /// Only the requests of a partner association.
    pub association: Option<String>,
    /// Only the requests routed to this service.
    pub routed_service: Option<ServiceId>,
    /// Only the requests routed to this delegation.
    pub routed_delegation: Option<DelegationId>,
    /// Only the requests routed to one of these services or delegations ("my work"); an empty
    /// assignment matches nothing.
    pub assigned: Option<Assignment>,
}

/// Requests of `municipality` routed to one of `services` (the municipality keeps the
/// subquery on its index).
fn routed_to_services(municipality: MunicipalityId, services: &[ServiceId]) -> sea_orm::sea_query::SimpleExpr {
    use request_routed_service::Column;
    request::Column::Id.in_subquery(
        Query::select()
            .column(Column::RequestId)
            .from(request_routed_service::Entity)
            .and_where(Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(Column::ServiceId.is_in(services.iter().map(|s| s.as_uuid())))
            .to_owned(),
    )
}

/// Requests of `municipality` routed to one of `delegations`.
fn routed_to_delegations(municipality: MunicipalityId, delegations: &[DelegationId]) -> sea_orm::sea_query::SimpleExpr {
    use request_qualification::Column;
    request::Column::Id.in_subquery(
        Query::select()
            .column(Column::RequestId)
            .from(request_qualification::Entity)
            .and_where(Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(Column::RoutedDelegationId.is_in(delegations.iter().map(|d| d.as_uuid())))
            .to_owned(),
    )
}

/// A page of a municipality's requests. `None` from a bad cursor key.
// The filter stays out of the span: a search text may hold a name.
#[tracing::instrument(skip(db, filter), err)]
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &Filter,
    sort: Sort,
    limit: u64,
    after: Option<&After>,
) -> Result<Option<Page<Request>>, StorageError> {
    use request::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if !filter.statuses.is_empty() {
        condition = condition.add(Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if !filter.kinds.is_empty() {
        condition = condition.add(Column::Kind.is_in(filter.kinds.iter().map(|s| s.code())));
    }
    if !filter.channels.is_empty() {
        condition = condition.add(Column::Channel.is_in(filter.channels.iter().map(|s| s.code())));
    }
    if let Some(theme) = &filter.theme {
        // `themes` is a JSON array of slugs: a quoted code matches exactly one element, and a
        // slug holds no LIKE wildcard. Filtering the row itself keeps every list an ordered
        // index scan, whatever plan a prepared statement settles on.
        condition = condition.add(Column::Themes.like(format!("%\"{theme}\"%")));
    }
    if let Some(neighbourhood) = &filter.neighbourhood {
        condition = condition.add(Column::NeighbourhoodCode.eq(neighbourhood.as_str()));
    }
    if let Some(date) = filter.received_after {
        condition = condition.add(Column::ReceivedOn.gte(date));
    }
    if let Some(date) = filter.received_before {
        condition = condition.add(Column::ReceivedOn.lte(date));
    }
    if let Some((late, before)) = filter.late {
        let awaiting = [RequestStatus::Received.code(), RequestStatus::Qualifying.code()];
        let is_late = Condition::all().add(Column::Status.is_in(awaiting)).add(Column::ReceivedOn.lt(before));
        condition = condition.add(if late { is_late } else { is_late.not() });
    }
    if let Some(published) = filter.published {
        condition =
            condition.add(if published { Column::PublishedAt.is_not_null() } else { Column::PublishedAt.is_null() });
    }
    if let Some(text) = &filter.text {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        condition =
            condition.add(Expr::col(Column::SearchText).like(LikeExpr::new(format!("%{escaped}%")).escape('\\')));
    }
    if let Some(association) = &filter.association {
        condition = condition.add(Column::Association.eq(association.as_str()));
    }
    if let Some(service) = filter.routed_service {
        condition = condition.add(routed_to_services(municipality, &[service]));
    }
    if let Some(delegation) = filter.routed_delegation {
        condition = condition.add(routed_to_delegations(municipality, &[delegation]));
    }
    if let Some(assigned) = &filter.assigned {
        // `Id IS NULL` never holds: an empty assignment lists nothing.
        let mut mine = Condition::any().add(Column::Id.is_null());
        if !assigned.services.is_empty() {
            mine = mine.add(routed_to_services(municipality, &assigned.services));
        }
        if !assigned.delegations.is_empty() {
            mine = mine.add(routed_to_delegations(municipality, &assigned.delegations));
        }
        condition = condition.add(mine);
    }
    if let Some(after) = after {
        let Some(keyset) = keyset(sort, after) else { return Ok(None) };
        condition = condition.add(keyset);
    }
    let (column, descending) = match sort {
        Sort::ReceivedOnDesc => (Column::ReceivedOn, true),
        Sort::ReceivedOnAsc => (Column::ReceivedOn, false),
        Sort::CreatedAtDesc => (Column::CreatedAt, true),
        Sort::CreatedAtAsc => (Column::CreatedAt, false),
    };
    let query = request::Entity::find().filter(condition).limit(limit + 1);
    let query = if descending {
        query.order_by_desc(column).order_by_desc(Column::Id)
    } else {
        query.order_by_asc(column).order_by_asc(Column::Id)
    };
    let items = query.all(db.conn()).await?.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Some(Page::from_overfetch(items, limit)))
}

/// Rows strictly after the cursor in the sort's order: `(key, id)` beyond the cursor's.
fn keyset(sort: Sort, after: &After) -> Option<Condition> {
    use request::Column;
    let id = after.id.as_uuid();
    let descending = matches!(sort, Sort::ReceivedOnDesc | Sort::CreatedAtDesc);
    let (beyond, tie): (sea_orm::sea_query::SimpleExpr, sea_orm::sea_query::SimpleExpr) = match sort {
        Sort::ReceivedOnDesc | Sort::ReceivedOnAsc => {
            let date: NaiveDate = after.key.parse().ok()?;
            let beyond = if descending { Column::ReceivedOn.lt(date) } else { Column::ReceivedOn.gt(date) };
            (beyond, Column::ReceivedOn.eq(date))
        }
        Sort::CreatedAtDesc | Sort::CreatedAtAsc => {
            let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&after.key).ok()?.with_timezone(&Utc);
            let beyond = if descending { Column::CreatedAt.lt(at) } else { Column::CreatedAt.gt(at) };
            (beyond, Column::CreatedAt.eq(at))
        }
    };
    let next_id = if descending { Column::Id.lt(id) } else { Column::Id.gt(id) };
    Some(Condition::any().add(beyond).add(Condition::all().add(tie).add(next_id)))
}

/// Writes a corrected request if it is still at `expected_version`; `fields` names what changed.
pub async fn update(
    db: &Database,
    next: &Request,
    expected_version: i32,
    fields: Vec<String>,
    actor: Actor,
) -> Result<Request, StorageError> {
    use request::Column;
    let now = time::now();
    let written = Request { version: expected_version + 1, updated_at: now, ..next.clone() };
    // Every column is rewritten from the request read at `expected_version`: the guard makes sure
    // nothing else changed it meanwhile.
    let txn = db.conn().begin().await?;
    let updated = request::Entity::update_many()
        .set(request::ActiveModel { id: NotSet, ..row(&written) })
        .filter(Column::Id.eq(next.id.as_uuid()))
        .filter(Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    let txn = guarded(txn, updated.rows_affected).await?;
    if fields.iter().any(|f| f == "title" || f == "description") {
        request_term::Entity::delete_many()
            .filter(request_term::Column::RequestId.eq(next.id.as_uuid()))
            .exec(&txn)
            .await?;
        insert_terms(&txn, &written).await?;
    }
    let edited = RequestEvent { kind: RequestEventKind::Edited, fields, ..event(next.id, actor, now) };
    insert_event(&txn, next.municipality, &edited).await?;
    txn.commit().await?;
    Ok(written)
}

/// Records a transition the domain allowed, if the request is still at `expected_version`. A
/// merge also leaves an entry in the history of the request merged into.
pub async fn transition(
    db: &Database,
    current: &Request,
    expected_version: i32,
    change: &Transition,
    actor: Actor,
) -> Result<Request, StorageError> {
    use request::Column;
    let now = time::now();
    let txn = db.conn().begin().await?;
    let resolution = change.resolution.map(|r| r.code().to_owned());
    let updated = next_version(current.id, expected_version, now)
        .col_expr(Column::Status, Expr::value(change.to.code()))
        .col_expr(Column::Resolution, Expr::value(resolution))
        .col_expr(Column::MergedInto, Expr::value(change.into.map(|i| i.as_uuid())))
        .exec(&txn)
        .await?;
    let txn = guarded(txn, updated.rows_affected).await?;
    let recorded = RequestEvent {
        kind: change.event,
        from: Some(change.from),
        to: Some(change.to),
        reason: change.reason.as_ref().map(|r| r.as_str().to_owned()),
        resolution: change.resolution,
        related: change.into,
        ..event(current.id, actor, now)
    };
    insert_event(&txn, current.municipality, &recorded).await?;
    if let Some(text) = &change.answer {
        // The requester's answer goes with the change (a redirection names the authority).
        let answer = insert_answer(&txn, current, text, true, actor_account(actor)?, now).await?;
        let answered =
            RequestEvent { kind: RequestEventKind::Answered, answer: Some(answer), ..event(current.id, actor, now) };
        insert_event(&txn, current.municipality, &answered).await?;
    }
    if let Some(into) = change.into {
        // A merged request is no longer a candidate for suggestions: the one it went into is.
        request_term::Entity::delete_many()
            .filter(request_term::Column::RequestId.eq(current.id.as_uuid()))
            .exec(&txn)
            .await?;
        let received = RequestEvent {
            kind: RequestEventKind::MergedIn,
            reason: recorded.reason.clone(),
            related: Some(current.id),
            ..event(into, actor, now)
        };
        insert_event(&txn, current.municipality, &received).await?;
    }
    txn.commit().await?;
    find(db, current.municipality, current.id).await?.ok_or_else(|| vanished(current.id))
}

/// Publishes or unpublishes a request if it is still at `expected_version`.
pub async fn set_published(
    db: &Database,
    current: &Request,
    expected_version: i32,
    published: bool,
    actor: Actor,
) -> Result<Request, StorageError> {
    use request::Column;
    let now = time::now();
    let txn = db.conn().begin().await?;
    let updated = next_version(current.id, expected_version, now)
        .col_expr(Column::PublishedAt, Expr::value(published.then_some(now)))
        .exec(&txn)
        .await?;
    let txn = guarded(txn, updated.rows_affected).await?;
    let kind = if published { RequestEventKind::Published } else { RequestEventKind::Unpublished };
    insert_event(&txn, current.municipality, &RequestEvent { kind, ..event(current.id, actor, now) }).await?;
    txn.commit().await?;
    find(db, current.municipality, current.id).await?.ok_or_else(|| vanished(current.id))
}

/// Adds the town's answer to a request, with its history entry.
pub async fn add_answer(
    db: &Database,
    request: &Request,
    text: &AnswerText,
    public: bool,
    author: AccountId,
) -> Result<Answer, StorageError> {
    let now = time::now();
    let txn = db.conn().begin().await?;
    let id = insert_answer(&txn, request, text, public, author, now).await?;
    let answered = RequestEvent {
        kind: RequestEventKind::Answered,
        answer: Some(id),
        ..event(request.id, Actor::Account(author), now)
    };
    insert_event(&txn, request.municipality, &answered).await?;
    txn.commit().await?;
    Ok(Answer { id, request: request.id, text: text.clone(), public, author, created_at: now })
}

async fn insert_answer(
    txn: &DatabaseTransaction,
    request: &Request,
    text: &AnswerText,
    public: bool,
    author: AccountId,
    now: DateTime<Utc>,
) -> Result<AnswerId, StorageError> {
    let id = AnswerId::new();
    request_answer::Entity::insert(request_answer::ActiveModel {
        id: Set(id.as_uuid()),
        request_id: Set(request.id.as_uuid()),
        municipality_id: Set(request.municipality.as_uuid()),
        text: Set(text.as_str().to_owned()),
        public: Set(public),
        author_account_id: Set(author.as_uuid()),
        created_at: Set(now),
    })
    .exec(txn)
    .await?;
    Ok(id)
}

/// Answers are written by people: the account behind an actor.
fn actor_account(actor: Actor) -> Result<AccountId, StorageError> {
    match actor {
        Actor::Account(account) => Ok(account),
        other => Err(StorageError::Corrupt(format!("an answer by {:?}, not a person", other.kind()))),
    }
}

/// A request's answers, oldest first; only the public ones if `public_only`.
pub async fn answers(db: &Database, request: RequestId, public_only: bool) -> Result<Vec<Answer>, StorageError> {
    let mut query = request_answer::Entity::find()
        .filter(request_answer::Column::RequestId.eq(request.as_uuid()))
        .order_by_asc(request_answer::Column::Id);
    if public_only {
        query = query.filter(request_answer::Column::Public.eq(true));
    }
    query.all(db.conn()).await?.into_iter().map(answer_to_domain).collect()
}

/// A page of a request's history, oldest first, after the entry `after`; only the kinds the
/// public may see if `public_only`.
pub async fn history(
    db: &Database,
    request: RequestId,
    public_only: bool,
    limit: u64,
    after: Option<RequestEventId>,
) -> Result<Page<RequestEvent>, StorageError> {
    let mut query = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request.as_uuid()))
        .order_by_asc(request_event::Column::Id)
        .limit(limit + 1);
    if public_only {
        let public: Vec<&str> = RequestEventKind::ALL.iter().filter(|k| k.is_public()).map(|k| k.code()).collect();
        query = query.filter(request_event::Column::Kind.is_in(public));
    }
    if let Some(after) = after {
        query = query.filter(request_event::Column::Id.gt(after.as_uuid()));
    }
    let items = query.all(db.conn()).await?.into_iter().map(event_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// An update of request `id` that moves its version on, changing a row only while the request
/// is still at `expected` (then [`guarded`] tells a stale version).
pub(crate) fn next_version(id: RequestId, expected: i32, now: DateTime<Utc>) -> sea_orm::UpdateMany<request::Entity> {
    use request::Column;
    request::Entity::update_many()
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(Column::Version.eq(expected))
}

/// The transaction of an update guarded by `version = expected`, if it changed a row; otherwise
/// rolled back: the caller's version is stale.
pub(crate) async fn guarded(txn: DatabaseTransaction, rows_affected: u64) -> Result<DatabaseTransaction, StorageError> {
    if rows_affected == 0 {
        txn.rollback().await?;
        return Err(StorageError::Stale);
    }
    Ok(txn)
}

/// Who did something, as stored: a kind and, but for the public, an id.
fn actor(row: Uuid, kind: &str, id: Option<Uuid>) -> Result<Actor, StorageError> {
    match (kind, id) {
        ("public", _) => Ok(Actor::Public),
        ("account", Some(account)) => Ok(Actor::Account(AccountId::from_uuid(account))),
        ("client", Some(client)) => Ok(Actor::Client(MachineClientId::from_uuid(client))),
        (other, _) => Err(corrupt(row, format!("actor {other}"))),
    }
}

fn corrupt(id: Uuid, what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(format!("request {id}: {what}"))
}

fn code<T>(id: Uuid, column: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, StorageError> {
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
    let field = |e: implication_domain::FieldError| e.message;
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
        title: Title::parse("title", &row.title).map_err(|e| corrupt(id, e.message))?,
        description: Description::parse("description", &row.description).map_err(|e| corrupt(id, e.message))?,
        channel: code(id, "channel", &row.channel, Channel::from_code)?,
        themes,
        neighbourhood: optional(id, row.neighbourhood_code.as_deref(), Slug::parse)?,
        location,
        requester,
        consent_at: row.consent_at,
        association: row.association,
        submitted_by,
        received_on: row.received_on,
        status: code(id, "status", &row.status, RequestStatus::from_code)?,
        resolution: row.resolution.as_deref().map(|r| code(id, "resolution", r, Resolution::from_code)).transpose()?,
        merged_into: row.merged_into.map(RequestId::from_uuid),
        published_at: row.published_at,
        internal_note: optional(id, row.internal_note.as_deref(), |v| InternalNote::parse("note", v).map_err(field))?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn event_to_domain(row: request_event::Model) -> Result<RequestEvent, StorageError> {
    let id = row.id;
    let status = |value: Option<&str>| value.map(|s| code(id, "status", s, RequestStatus::from_code)).transpose();
    let actor = actor(id, &row.actor_kind, row.actor_id)?;
    Ok(RequestEvent {
        id: RequestEventId::from_uuid(id),
        request: RequestId::from_uuid(row.request_id),
        kind: code(id, "kind", &row.kind, RequestEventKind::from_code)?,
        actor,
        at: row.at,
        from: status(row.from_status.as_deref())?,
        to: status(row.to_status.as_deref())?,
        reason: row.reason,
        resolution: row.resolution.as_deref().map(|r| code(id, "resolution", r, Resolution::from_code)).transpose()?,
        related: row.related_request_id.map(RequestId::from_uuid),
        answer: row.answer_id.map(AnswerId::from_uuid),
        fields: row
            .fields
            .map(|f| serde_json::from_str(&f).map_err(|e| corrupt(id, e)))
            .transpose()?
            .unwrap_or_default(),
    })
}

fn answer_to_domain(row: request_answer::Model) -> Result<Answer, StorageError> {
    Ok(Answer {
        id: AnswerId::from_uuid(row.id),
        request: RequestId::from_uuid(row.request_id),
        text: AnswerText::parse("text", &row.text).map_err(|e| corrupt(row.id, e.message))?,
        public: row.public,
        author: AccountId::from_uuid(row.author_account_id),
        created_at: row.created_at,
    })
}

/// How many requests, newest first, one term brings as candidates: bounded work however common
/// the word (rare words, the telling ones, bring all their requests).
const CANDIDATES_PER_TERM: u64 = 200;
/// How many of the requests sharing the most terms are read.
const CANDIDATES_BY_TERMS: usize = 100;
/// How many requests, newest first, each shared theme (in the same neighbourhood, if any) brings.
const CANDIDATES_PER_THEME: u64 = 50;
/// How many of a request's terms are looked up (title first).
const TERMS_LOOKED_UP: usize = 12;

/// Requests that may be on the same subject as `request`: those sharing the most of its words
/// (merged requests have no terms left: they are never candidates),
/// and the newest sharing one of its themes (in its neighbourhood when it has one). The domain
/// ranks them (`similarity::rank`).
#[tracing::instrument(skip_all, fields(request = %request.id), err)]
pub async fn similar_candidates(db: &Database, request: &Request) -> Result<Vec<Request>, StorageError> {
    let municipality = request.municipality.as_uuid();
    let me = request.id.as_uuid();
    let mut hits: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    let terms = similarity::terms(request.title.as_str(), request.description.as_str());
    for term in terms.iter().take(TERMS_LOOKED_UP) {
        let ids: Vec<Uuid> = request_term::Entity::find()
            .select_only()
            .column(request_term::Column::RequestId)
            .filter(request_term::Column::MunicipalityId.eq(municipality))
            .filter(request_term::Column::Term.eq(term.as_str()))
            .order_by_desc(request_term::Column::RequestId)
            .limit(CANDIDATES_PER_TERM)
            .into_tuple()
            .all(db.conn())
            .await?;
        for id in ids.into_iter().filter(|id| *id != me) {
            *hits.entry(id).or_default() += 1;
        }
    }
    let mut hits: Vec<(Uuid, usize)> = hits.into_iter().collect();
    hits.sort_by(|(a, ha), (b, hb)| hb.cmp(ha).then(b.cmp(a)));
    hits.truncate(CANDIDATES_BY_TERMS);
    let mut found: Vec<Request> = if hits.is_empty() {
        Vec::new()
    } else {
        request::Entity::find()
            .filter(request::Column::MunicipalityId.eq(municipality))
            .filter(request::Column::Id.is_in(hits.iter().map(|(id, _)| *id)))
            .all(db.conn())
            .await?
            .into_iter()
            .map(to_domain)
            .collect::<Result<_, _>>()?
    };
    for theme in &request.themes {
        let mut query = request::Entity::find()
            .filter(request::Column::MunicipalityId.eq(municipality))
            .filter(request::Column::Themes.like(format!("%\"{theme}\"%")))
            .filter(request::Column::Id.ne(me))
            .filter(request::Column::Status.ne(RequestStatus::Merged.code()));
        if let Some(neighbourhood) = &request.neighbourhood {
            query = query.filter(request::Column::NeighbourhoodCode.eq(neighbourhood.as_str()));
        }
        let rows = query
            .order_by_desc(request::Column::ReceivedOn)
            .order_by_desc(request::Column::Id)
            .limit(CANDIDATES_PER_THEME)
            .all(db.conn())
            .await?;
        for row in rows {
            if !found.iter().any(|r| r.id.as_uuid() == row.id) {
                found.push(to_domain(row)?);
            }
        }
    }
    Ok(found)
}
