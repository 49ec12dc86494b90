//! A request's milestones (issue 15, item 9): the town's days it was first qualified, first left
//! intake (`received`, `qualifying`), was first answered and first answered publicly — written by
//! the changes that reach them, so that the indicators' delays read one index range of the town's
//! requests instead of grouping every request's history. Existing requests get theirs from their
//! history and answers, dated in their town's time zone. The indexes of events and answers by
//! instant, which the delays read until now, go; the PostgreSQL index of the requests' figures
//! carries the milestones, for an index-only read.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Requests {
    Table,
    QualifiedOn,
    LeftIntakeOn,
    FirstAnswerOn,
    FirstPublicAnswerOn,
}

const MILESTONES: [Requests; 4] =
    [Requests::QualifiedOn, Requests::LeftIntakeOn, Requests::FirstAnswerOn, Requests::FirstPublicAnswerOn];

/// The statuses of intake, as they were when this migration was written.
const INTAKE: &str = "('received', 'qualifying')";

fn postgres_backfill() -> [String; 2] {
    [
        format!(
            "UPDATE requests r SET \
               qualified_on = CAST((f.qualified_at AT TIME ZONE m.time_zone) AS DATE), \
               left_intake_on = CAST((f.left_at AT TIME ZONE m.time_zone) AS DATE) \
             FROM (SELECT request_id, MIN(CASE WHEN to_status = 'qualified' THEN at END) AS qualified_at, \
                     MIN(CASE WHEN from_status IN {INTAKE} AND to_status NOT IN {INTAKE} THEN at END) AS left_at \
                   FROM request_events GROUP BY request_id) f, municipalities m \
             WHERE f.request_id = r.id AND m.id = r.municipality_id \
               AND (f.qualified_at IS NOT NULL OR f.left_at IS NOT NULL)"
        ),
        "UPDATE requests r SET \
           first_answer_on = CAST((f.first_at AT TIME ZONE m.time_zone) AS DATE), \
           first_public_answer_on = CAST((f.public_at AT TIME ZONE m.time_zone) AS DATE) \
         FROM (SELECT request_id, MIN(created_at) AS first_at, MIN(CASE WHEN public THEN created_at END) AS public_at \
               FROM request_answers GROUP BY request_id) f, municipalities m \
         WHERE f.request_id = r.id AND m.id = r.municipality_id"
            .to_owned(),
    ]
}

const POSTGRES_INDEXES: &[&str] = &[
    "DROP INDEX IF EXISTS ix_requests_figures",
    "CREATE INDEX ix_requests_figures ON requests (municipality_id, received_on) \
     INCLUDE (id, status, channel, kind, neighbourhood_code, themes, published_at, \
              qualified_on, left_intake_on, first_answer_on, first_public_answer_on)",
];

const DROPPED: &[&str] =
    &["DROP INDEX IF EXISTS ix_request_events_town_at", "DROP INDEX IF EXISTS ix_request_answers_town_at"];

/// SQLite has no time zones: each request's first instants are read, dated in Rust, written back
/// (an embedded town's requests are few).
async fn sqlite_backfill(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let read = format!(
        "SELECT r.id, m.time_zone, \
           (SELECT MIN(e.at) FROM request_events e WHERE e.request_id = r.id AND e.to_status = 'qualified'), \
           (SELECT MIN(e.at) FROM request_events e WHERE e.request_id = r.id \
              AND e.from_status IN {INTAKE} AND e.to_status NOT IN {INTAKE}), \
           (SELECT MIN(a.created_at) FROM request_answers a WHERE a.request_id = r.id), \
           (SELECT MIN(a.created_at) FROM request_answers a WHERE a.request_id = r.id AND a.public) \
         FROM requests r JOIN municipalities m ON m.id = r.municipality_id"
    );
    for row in db.query_all_raw(Statement::from_string(DbBackend::Sqlite, read)).await? {
        let id: uuid::Uuid = row.try_get_by_index(0)?;
        let zone: String = row.try_get_by_index(1)?;
        let zone: Tz = zone.parse().unwrap_or(Tz::Europe__Paris);
        let mut days: Vec<Option<NaiveDate>> = Vec::with_capacity(4);
        for i in 2..6 {
            let at: Option<DateTime<Utc>> = row.try_get_by_index(i)?;
            days.push(at.map(|at| at.with_timezone(&zone).date_naive()));
        }
        if days.iter().all(Option::is_none) {
            continue;
        }
        let mut values: Vec<Value> = days.into_iter().map(Value::from).collect();
        values.push(id.into());
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "UPDATE requests SET qualified_on = ?, left_intake_on = ?, first_answer_on = ?, first_public_answer_on = ? \
             WHERE id = ?",
            values,
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in MILESTONES {
            manager.alter_table(Table::alter().table(Requests::Table).add_column(date_null(column)).to_owned()).await?;
        }
        let db = manager.get_connection();
        for statement in DROPPED {
            db.execute_unprepared(statement).await?;
        }
        match db.get_database_backend() {
            DbBackend::Postgres => {
                for statement in postgres_backfill() {
                    db.execute_unprepared(&statement).await?;
                }
                for statement in POSTGRES_INDEXES {
                    db.execute_unprepared(statement).await?;
                }
            }
            _ => sqlite_backfill(db).await?,
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let restored: &[&str] = match db.get_database_backend() {
            DbBackend::Postgres => &[
                "DROP INDEX IF EXISTS ix_requests_figures",
                "CREATE INDEX ix_requests_figures ON requests (municipality_id, received_on) \
                 INCLUDE (id, status, channel, kind, neighbourhood_code, themes, published_at)",
                "CREATE INDEX ix_request_events_town_at ON request_events (municipality_id, at) \
                 INCLUDE (request_id, from_status, to_status)",
                "CREATE INDEX ix_request_answers_town_at ON request_answers (municipality_id, created_at) \
                 INCLUDE (request_id, public)",
            ],
            _ => &[
                "CREATE INDEX ix_request_events_town_at ON request_events \
                 (municipality_id, at, request_id, from_status, to_status)",
                "CREATE INDEX ix_request_answers_town_at ON request_answers (municipality_id, created_at, request_id, public)",
            ],
        };
        for statement in restored {
            db.execute_unprepared(statement).await?;
        }
        for column in MILESTONES {
            manager.alter_table(Table::alter().table(Requests::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
