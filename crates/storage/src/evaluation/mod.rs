//! The indicators' aggregates: the database counts, grouped; the domain adds the groups up
//! (`implication_domain::evaluation`). The requests' counts are built with the query builder; the
//! others, which date instants by the town's day and nest subqueries, are SQL written once for
//! both databases (`sql`), its few differences in [`sql::Sql`].

mod figures;
pub mod narratives;
pub mod participants;
pub mod rounds;
mod sql;
pub mod workload;

pub use figures::{conventions, day_counts, level_changes, meetings, processes, projects, surveys};

use crate::Database;
use crate::entities::request;
use crate::error::StorageError;
use chrono::{DateTime, NaiveDate, Utc};
use implication_domain::MunicipalityId;
use implication_domain::evaluation::Period;
use implication_domain::evaluation::requests::{Group, ThemeGroup};
use implication_domain::vocabulary::RequestStatus;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Select};

/// A group as the database counts it: in the period asked (1) or the previous one (0), channel,
/// kind, status, neighbourhood, how many.
type GroupRow = (i32, String, String, String, Option<String>, i64);

/// What the indicators count.
#[derive(Debug, Clone)]
pub struct RequestScope<'a> {
    /// The period asked; the previous one must end the day before it starts.
    pub current: Period,
    pub previous: Period,
    /// Only this neighbourhood's (requests in it; processes, meetings and surveys whose perimeter
    /// names it).
    pub neighbourhood: Option<&'a str>,
    /// Only the published ones (the public's figures).
    pub published_only: bool,
    /// Where and when the town is.
    pub clock: TownClock<'a>,
}

/// The town's time, for what the database dates by the town's day.
#[derive(Debug, Clone, Copy)]
pub struct TownClock<'a> {
    /// Its IANA time zone (PostgreSQL converts each instant exactly).
    pub time_zone: &'a str,
    /// Its offsets from UTC, in seconds, from the first instant the figures date on: the one in
    /// force then, and each change after (SQLite, which has no time zones, shifts by them).
    pub utc_offsets: &'a [(DateTime<Utc>, i32)],
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    /// The instants the previous period starts at, the current one starts at and ends before.
    pub previous_start: DateTime<Utc>,
    pub current_start: DateTime<Utc>,
    pub current_end: DateTime<Utc>,
}

/// The requests the indicators count (received in either period, not merged: a merged request
/// is a duplicate of the one it was merged into, counted once, there), with `in_current` (1 in
/// the period asked, else 0) as `current`.
fn counted(municipality: MunicipalityId, scope: &RequestScope<'_>) -> Select<request::Entity> {
    use request::Column;
    let in_current: Expr = Expr::case(Column::ReceivedOn.gte(scope.current.from), 1).finally(0).into();
    let mut query = request::Entity::find()
        .select_only()
        .column_as(in_current, "current")
        .filter(Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(Column::ReceivedOn.gte(scope.previous.from))
        .filter(Column::ReceivedOn.lte(scope.current.to))
        .filter(Column::Status.ne(RequestStatus::Merged.code()));
    if let Some(code) = scope.neighbourhood {
        query = query.filter(Column::NeighbourhoodCode.eq(code));
    }
    if scope.published_only {
        query = query.filter(Column::PublishedAt.is_not_null());
    }
    // By the output column: the CASE repeated would bind its day again, as another parameter,
    // which PostgreSQL does not take for the same expression.
    query.group_by(Expr::col(Alias::new("current")))
}

/// The requests received in either period, counted by period, channel, kind, status and
/// neighbourhood: one statement, one row per group.
pub async fn request_groups(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<Group>, StorageError> {
    use request::Column;
    let rows: Vec<GroupRow> = counted(municipality, scope)
        .column(Column::Channel)
        .column(Column::Kind)
        .column(Column::Status)
        .column(Column::NeighbourhoodCode)
        .column_as(Expr::col(Column::Id).count(), "count")
        .group_by(Column::Channel)
        .group_by(Column::Kind)
        .group_by(Column::Status)
        .group_by(Column::NeighbourhoodCode)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(current, channel, kind, status, neighbourhood, count)| Group {
            current: current == 1,
            channel,
            kind,
            status,
            neighbourhood,
            count: u64::try_from(count).unwrap_or(0),
        })
        .collect())
}

/// The same requests counted by period and themes (their JSON array: one row per combination).
pub async fn theme_groups(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<ThemeGroup>, StorageError> {
    use request::Column;
    let rows: Vec<(i32, String, i64)> = counted(municipality, scope)
        .column(Column::Themes)
        .column_as(Expr::col(Column::Id).count(), "count")
        .group_by(Column::Themes)
        .into_tuple()
        .all(db.conn())
        .await?;
    rows.into_iter()
        .map(|(current, themes, count)| {
            let themes: Vec<String> = serde_json::from_str(&themes)
                .map_err(|e| StorageError::Corrupt(format!("a request's themes {themes:?}: {e}")))?;
            Ok(ThemeGroup { current: current == 1, themes, count: u64::try_from(count).unwrap_or(0) })
        })
        .collect()
}
