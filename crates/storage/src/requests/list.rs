//! Lists of requests: filters, sorts and keyset paging.

use crate::entities::{request, request_qualification, request_routed_service};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::identity::Assignment;
use implication_domain::requests::lifecycle::{self};
use implication_domain::requests::{PublishedRequest, Request};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus};
use implication_domain::{DelegationId, MunicipalityId, RequestId, ServiceId, Slug};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr, Order, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

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

    /// The order of the rows: the sort's column, then the id (both ways alike).
    fn order(self) -> [(request::Column, Order); 2] {
        let (column, order) = match self {
            Sort::ReceivedOnDesc => (request::Column::ReceivedOn, Order::Desc),
            Sort::ReceivedOnAsc => (request::Column::ReceivedOn, Order::Asc),
            Sort::CreatedAtDesc => (request::Column::CreatedAt, Order::Desc),
            Sort::CreatedAtAsc => (request::Column::CreatedAt, Order::Asc),
        };
        [(column, order.clone()), (request::Column::Id, order)]
    }

    /// The sort key of a request, as a cursor holds it.
    pub fn key_of(self, request: &Request) -> String {
        self.key(request.received_on, request.created_at)
    }

    /// The same, of a public read.
    pub fn key_of_published(self, request: &PublishedRequest) -> String {
        self.key(request.received_on, request.created_at)
    }

    fn key(self, received_on: NaiveDate, created_at: DateTime<Utc>) -> String {
        match self {
            Sort::ReceivedOnDesc | Sort::ReceivedOnAsc => received_on.to_string(),
            Sort::CreatedAtDesc | Sort::CreatedAtAsc => created_at.to_rfc3339(),
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
    /// Only these requests (Open311's `service_request_id`).
    pub ids: Vec<RequestId>,
    /// Filed under any of these themes (Open311's `service_code` list).
    pub any_theme: Vec<Slug>,
    /// Registered in `[from, to]` (Open311's window).
    pub created_within: Option<(DateTime<Utc>, DateTime<Utc>)>,
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
#[tracing::instrument(skip(db, filter))]
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &Filter,
    sort: Sort,
    limit: u64,
    after: Option<&After>,
) -> Result<Option<Page<Request>>, StorageError> {
    let Some(condition) = condition(municipality, filter, sort, after) else { return Ok(None) };
    let mut query = request::Entity::find().filter(condition).limit(limit + 1);
    for (column, order) in sort.order() {
        query = QueryOrder::order_by(query, column, order);
    }
    let items = query.all(db.conn()).await?.into_iter().map(super::to_domain).collect::<Result<_, _>>()?;
    Ok(Some(Page::from_overfetch(items, limit)))
}

/// A page of a municipality's published requests, with only the columns of the public view (see
/// [`super::published`]). `None` from a bad cursor key.
#[tracing::instrument(skip(db, filter))]
pub async fn list_published(
    db: &Database,
    municipality: MunicipalityId,
    filter: &Filter,
    sort: Sort,
    limit: u64,
    after: Option<&After>,
) -> Result<Option<Page<PublishedRequest>>, StorageError> {
    let filter = Filter { published: Some(true), ..filter.clone() };
    let Some(condition) = condition(municipality, &filter, sort, after) else { return Ok(None) };
    let mut query = super::published::select();
    query.cond_where(condition).limit(limit + 1);
    for (column, order) in sort.order() {
        query.order_by(column, order);
    }
    let items = super::published::fetch_all(db, &query).await?;
    Ok(Some(Page::from_overfetch(items, limit)))
}

/// The rows a filter keeps, after the cursor. `None` from a bad cursor key.
fn condition(municipality: MunicipalityId, filter: &Filter, sort: Sort, after: Option<&After>) -> Option<Condition> {
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
    if !filter.any_theme.is_empty() {
        let mut any = Condition::any();
        for theme in &filter.any_theme {
            any = any.add(Column::Themes.like(format!("%\"{theme}\"%")));
        }
        condition = condition.add(any);
    }
    if !filter.ids.is_empty() {
        condition = condition.add(Column::Id.is_in(filter.ids.iter().map(|id| id.as_uuid())));
    }
    if let Some((from, to)) = filter.created_within {
        condition = condition.add(Column::CreatedAt.gte(from)).add(Column::CreatedAt.lte(to));
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
        let awaiting = lifecycle::awaiting_answer().map(|s| s.code());
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
        condition = condition.add(keyset(sort, after)?);
    }
    Some(condition)
}

/// Rows strictly after the cursor in the sort's order: `(key, id)` beyond the cursor's.
fn keyset(sort: Sort, after: &After) -> Option<Condition> {
    use request::Column;
    let id = after.id.as_uuid();
    let descending = matches!(sort, Sort::ReceivedOnDesc | Sort::CreatedAtDesc);
    type Expr = sea_orm::sea_query::SimpleExpr;
    let (bound, beyond, tie): (Expr, Expr, Expr) = match sort {
        Sort::ReceivedOnDesc | Sort::ReceivedOnAsc => {
            let date: NaiveDate = after.key.parse().ok()?;
            let (bound, beyond) = if descending {
                (Column::ReceivedOn.lte(date), Column::ReceivedOn.lt(date))
            } else {
                (Column::ReceivedOn.gte(date), Column::ReceivedOn.gt(date))
            };
            (bound, beyond, Column::ReceivedOn.eq(date))
        }
        Sort::CreatedAtDesc | Sort::CreatedAtAsc => {
            let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&after.key).ok()?.with_timezone(&Utc);
            let (bound, beyond) = if descending {
                (Column::CreatedAt.lte(at), Column::CreatedAt.lt(at))
            } else {
                (Column::CreatedAt.gte(at), Column::CreatedAt.gt(at))
            };
            (bound, beyond, Column::CreatedAt.eq(at))
        }
    };
    let next_id = if descending { Column::Id.lt(id) } else { Column::Id.gt(id) };
    // `bound` alone is what an index range can start from: without it the database reads the
    // town's rows from the first one and filters (a page deep in a million took two seconds).
    Some(Condition::all().add(bound).add(Condition::any().add(beyond).add(Condition::all().add(tie).add(next_id))))
}
