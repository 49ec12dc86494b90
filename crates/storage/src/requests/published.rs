//! Public reads: a published request with only the columns its public view shows, in one
//! statement, decoded by position. The requester's name and contact, the internal note and the
//! search text are never selected, and values checked when they were written are not parsed
//! again into the domain's types (a public list of 50 read 33 columns and parsed every text).
//!
//! One published request, the most called read, runs a statement written once, with sqlx
//! itself: building it with SeaQuery and running it through SeaORM took about half of the
//! instructions the API spent on it (callgrind, in `bench/README.md`).

use super::{code, corrupt};
use crate::Backend;
use crate::Database;
use crate::entities::request;
use crate::error::StorageError;
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::requests::{Point, PublishedRequest, RegistrationNumber};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use implication_domain::{MunicipalityId, RequestId};
use sea_orm::sea_query::{PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder};
use sea_orm::{ColumnTrait, DbBackend, sqlx};
use sea_query_sqlx::SqlxBinder;
use std::sync::OnceLock;
use uuid::Uuid;

/// The columns of the public view, in the order [`from_row`] reads them.
const COLUMNS: [request::Column; 21] = {
    use request::Column::*;
    [
        Id,
        Version,
        Year,
        Sequence,
        Kind,
        Title,
        Description,
        Channel,
        RequesterKind,
        Themes,
        NeighbourhoodCode,
        LocationAddress,
        Latitude,
        Longitude,
        ReceivedOn,
        Status,
        Resolution,
        MergedInto,
        PublishedAt,
        CreatedAt,
        UpdatedAt,
    ]
};

/// A select of the public columns (the caller adds the filter and the order). SeaQuery's own
/// statement: SeaORM's `Entity::find().select_only().columns(…)` first lists all 33 columns, then
/// casts each it keeps, which cost more than the rest of the read.
pub(super) fn select() -> SelectStatement {
    Query::select().columns(COLUMNS).from(request::Entity).to_owned()
}

/// The published request `id` of this municipality, if there is one.
#[tracing::instrument(skip(db))]
pub async fn find_published(
    db: &Database,
    municipality: MunicipalityId,
    id: RequestId,
) -> Result<Option<PublishedRequest>, StorageError> {
    let (id, municipality) = (id.as_uuid(), municipality.as_uuid());
    match db.backend() {
        Backend::Postgres => {
            let pool = db.conn().get_postgres_connection_pool();
            let sql = FIND_POSTGRES.get_or_init(|| find_statement(DbBackend::Postgres));
            // Written by SeaQuery from constants (no value in its text): safe.
            let row =
                sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(municipality).fetch_optional(pool).await?;
            row.as_ref().map(from_sqlx_row).transpose()
        }
        Backend::Sqlite => {
            let pool = db.conn().get_sqlite_connection_pool();
            let sql = FIND_SQLITE.get_or_init(|| find_statement(DbBackend::Sqlite));
            // Written by SeaQuery from constants (no value in its text): safe.
            let row =
                sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).bind(municipality).fetch_optional(pool).await?;
            row.as_ref().map(from_sqlx_row).transpose()
        }
    }
}

/// The rows of a select of [`select`] (a list: its filter, order and limit added), run with sqlx
/// itself.
pub(super) async fn fetch_all(db: &Database, query: &SelectStatement) -> Result<Vec<PublishedRequest>, StorageError> {
    match db.backend() {
        Backend::Postgres => {
            let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
            // SeaQuery's text, every value bound: safe.
            let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                .fetch_all(db.conn().get_postgres_connection_pool())
                .await?;
            rows.iter().map(from_sqlx_row).collect()
        }
        Backend::Sqlite => {
            let (sql, values) = query.build_sqlx(SqliteQueryBuilder);
            let rows = sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
                .fetch_all(db.conn().get_sqlite_connection_pool())
                .await?;
            rows.iter().map(from_sqlx_row).collect()
        }
    }
}

static FIND_POSTGRES: OnceLock<String> = OnceLock::new();
static FIND_SQLITE: OnceLock<String> = OnceLock::new();

/// `SELECT <COLUMNS> FROM requests WHERE id = $1 AND municipality_id = $2 AND published_at IS NOT
/// NULL`, as SeaQuery writes it for `backend` (bound values in that order).
fn find_statement(backend: DbBackend) -> String {
    use request::Column;
    let query = select()
        .and_where(Column::Id.eq(Uuid::nil()))
        .and_where(Column::MunicipalityId.eq(Uuid::nil()))
        .and_where(Column::PublishedAt.is_not_null())
        .to_owned();
    backend.build(&query).sql
}

/// A row of [`COLUMNS`], as sqlx reads it (either backend), by position.
fn from_sqlx_row<'r, R>(row: &'r R) -> Result<PublishedRequest, StorageError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    NaiveDate: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let id: Uuid = row.try_get(0)?;
    let text = |i: usize| row.try_get::<String, _>(i);
    let optional = |i: usize| row.try_get::<Option<String>, _>(i);
    let point = match (row.try_get::<Option<f64>, _>(12)?, row.try_get::<Option<f64>, _>(13)?) {
        (Some(latitude), Some(longitude)) => Some(Point { latitude, longitude }),
        _ => None,
    };
    Ok(PublishedRequest {
        id: RequestId::from_uuid(id),
        version: row.try_get(1)?,
        registration_number: RegistrationNumber { year: row.try_get(2)?, sequence: row.try_get(3)? },
        kind: code(id, "kind", &text(4)?, RequestKind::from_code)?,
        title: text(5)?,
        description: text(6)?,
        channel: code(id, "channel", &text(7)?, Channel::from_code)?,
        requester_kind: optional(8)?.map(|k| code(id, "requester_kind", &k, RequesterKind::from_code)).transpose()?,
        themes: serde_json::from_str(&text(9)?).map_err(|e| corrupt(id, e))?,
        neighbourhood: optional(10)?,
        location_address: optional(11)?,
        location_point: point,
        received_on: row.try_get(14)?,
        status: code(id, "status", &text(15)?, RequestStatus::from_code)?,
        resolution: optional(16)?.map(|r| code(id, "resolution", &r, Resolution::from_code)).transpose()?,
        merged_into: row.try_get::<Option<Uuid>, _>(17)?.map(RequestId::from_uuid),
        published_at: row
            .try_get::<Option<DateTime<Utc>>, _>(18)?
            .ok_or_else(|| corrupt(id, "a public read of an unpublished request"))?,
        created_at: row.try_get(19)?,
        updated_at: row.try_get(20)?,
    })
}
