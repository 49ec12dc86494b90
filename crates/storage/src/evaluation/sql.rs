//! A statement's text and its values, for the two databases: their placeholders (`$1` on
//! PostgreSQL, `?1` on SQLite), a town's day of an instant, and the days between two days.

use super::TownClock;
use crate::Database;
use crate::database::Backend;
use crate::error::StorageError;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

pub(super) struct Sql {
    backend: Backend,
    pub(super) text: String,
    values: Vec<Value>,
    /// The town's time zone (PostgreSQL) or offsets (SQLite), once bound.
    zone: Option<Zone>,
}

/// The placeholders of the town's time zone, or of its offsets from UTC with the instants they
/// take effect.
enum Zone {
    Named(String),
    Offsets(Vec<(String, String)>),
}

impl Sql {
    pub(super) fn new(db: &Database) -> Self {
        Self { backend: db.backend(), text: String::new(), values: Vec::new(), zone: None }
    }

    /// Binds `value`; its placeholder, which may be used more than once.
    pub(super) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            Backend::Postgres => format!("${}", self.values.len()),
            Backend::Sqlite => format!("?{}", self.values.len()),
        }
    }

    /// The town's day of the instant `column` (NULL for NULL): PostgreSQL converts it to the
    /// town's time zone; SQLite shifts it by the offset in force at that instant (`CASE` over the
    /// clock changes).
    pub(super) fn local_day(&mut self, column: &str, clock: &TownClock<'_>) -> String {
        if self.zone.is_none() {
            let zone = match self.backend {
                Backend::Postgres => Zone::Named(self.bind(clock.time_zone.to_owned())),
                Backend::Sqlite => Zone::Offsets(
                    clock
                        .utc_offsets
                        .iter()
                        .map(|(from, seconds)| (self.bind(*from), self.bind(format!("{seconds:+} seconds"))))
                        .collect(),
                ),
            };
            self.zone = Some(zone);
        }
        match &self.zone {
            Some(Zone::Named(zone)) => format!("CAST(({column} AT TIME ZONE CAST({zone} AS TEXT)) AS DATE)"),
            Some(Zone::Offsets(offsets)) => {
                // The latest change at or before the instant gives its offset.
                let mut case = String::from("CASE");
                for (from, offset) in offsets.iter().rev() {
                    case.push_str(&format!(" WHEN {column} >= {from} THEN {offset}"));
                }
                let first = offsets.first().map_or_else(|| "'+0 seconds'".to_owned(), |(_, o)| o.clone());
                format!("date({column}, {case} ELSE {first} END)")
            }
            None => format!("date({column})"),
        }
    }

    /// The whole days from day `earlier` to day `later` (NULL when either is).
    pub(super) fn days_between(&self, later: &str, earlier: &str) -> String {
        match self.backend {
            Backend::Postgres => format!("({later} - {earlier})"),
            Backend::Sqlite => format!("CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"),
        }
    }

    /// A day bound as a value, typed where PostgreSQL cannot infer it.
    pub(super) fn day(&mut self, day: chrono::NaiveDate) -> String {
        let placeholder = self.bind(day);
        match self.backend {
            Backend::Postgres => format!("CAST({placeholder} AS DATE)"),
            Backend::Sqlite => placeholder,
        }
    }

    pub(super) async fn rows(self, db: &Database) -> Result<Vec<QueryResult>, StorageError> {
        let backend = match self.backend {
            Backend::Postgres => DbBackend::Postgres,
            Backend::Sqlite => DbBackend::Sqlite,
        };
        Ok(db.conn().query_all_raw(Statement::from_sql_and_values(backend, self.text, self.values)).await?)
    }
}

/// A count read as the domain's, a negative or absent one as 0.
pub(super) fn count(row: &QueryResult, index: usize) -> Result<u64, StorageError> {
    let value: Option<i64> = row.try_get_by_index(index)?;
    Ok(value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0))
}

/// A flag the statement computed as 1 or 0.
pub(super) fn flag(row: &QueryResult, index: usize) -> Result<bool, StorageError> {
    let value: i32 = row.try_get_by_index(index)?;
    Ok(value == 1)
}
