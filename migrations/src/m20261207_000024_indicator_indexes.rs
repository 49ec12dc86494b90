//! Indexes the indicators read (issue 15, item 9): a town's request events and answers by instant,
//! and on PostgreSQL its requests by day with the columns the figures group by — each read
//! from the index alone, rather than request by request.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE INDEX ix_request_events_town_at ON request_events (municipality_id, at)
     INCLUDE (request_id, from_status, to_status)",
    "CREATE INDEX ix_request_answers_town_at ON request_answers (municipality_id, created_at)
     INCLUDE (request_id, public)",
    "CREATE INDEX ix_requests_figures ON requests (municipality_id, received_on)
     INCLUDE (id, status, channel, kind, neighbourhood_code, themes, published_at)",
];

// SQLite has no INCLUDE: the columns follow the key (an embedded town's requests are few).
const SQLITE_UP: &[&str] = &[
    "CREATE INDEX ix_request_events_town_at ON request_events
     (municipality_id, at, request_id, from_status, to_status)",
    "CREATE INDEX ix_request_answers_town_at ON request_answers (municipality_id, created_at, request_id, public)",
];

const DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS ix_request_events_town_at",
    "DROP INDEX IF EXISTS ix_request_answers_town_at",
    "DROP INDEX IF EXISTS ix_requests_figures",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in match db.get_database_backend() {
            DbBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        } {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in DOWN {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
