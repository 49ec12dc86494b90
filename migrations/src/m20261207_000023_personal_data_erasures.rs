//! Erasures (issue 15, item 8): each erasure of a person's data is recorded — who asked, when,
//! how many records of each kind forgot them — without the data it erased. And a request's
//! history stays append-only but for one change: an erasure may blot a person out of the reason
//! an entry gives — a reason may change only to one that reads `[erased]` somewhere — every other
//! column, and the entry itself, staying as written.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Erasures {
    Table,
    Id,
    MunicipalityId,
    RequestedBy,
    ActorId,
    Erased,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Erasures::Table)
                    .col(uuid(Erasures::Id).primary_key())
                    // Null for an account's own erasure: the account belongs to no municipality.
                    .col(uuid_null(Erasures::MunicipalityId))
                    .col(string_len(Erasures::RequestedBy, 20))
                    .col(uuid_null(Erasures::ActorId))
                    // {"requests": 2, "ballots": 1, …}: how many records of each kind.
                    .col(text(Erasures::Erased))
                    .col(timestamp_with_time_zone(Erasures::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_erasures_municipality")
                            .from(Erasures::Table, Erasures::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A town's list, newest first.
        manager
            .create_index(
                Index::create()
                    .name("ix_erasures_municipality")
                    .table(Erasures::Table)
                    .col(Erasures::MunicipalityId)
                    .col(Erasures::At)
                    .to_owned(),
            )
            .await?;
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
        for statement in match db.get_database_backend() {
            DbBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        } {
            db.execute_unprepared(statement).await?;
        }
        manager.drop_table(Table::drop().table(Erasures::Table).to_owned()).await
    }
}

/// Whether an update of a history entry changes anything but its reason (SQLite: `IS NOT`
/// compares NULLs as values; PostgreSQL: `IS DISTINCT FROM`).
macro_rules! other_than_reason {
    ($differ:literal) => {
        concat!(
            "NEW.id ",
            $differ,
            " OLD.id OR NEW.request_id ",
            $differ,
            " OLD.request_id OR NEW.municipality_id ",
            $differ,
            " OLD.municipality_id OR NEW.kind ",
            $differ,
            " OLD.kind OR NEW.actor_kind ",
            $differ,
            " OLD.actor_kind OR NEW.actor_id ",
            $differ,
            " OLD.actor_id OR NEW.from_status ",
            $differ,
            " OLD.from_status OR NEW.to_status ",
            $differ,
            " OLD.to_status OR NEW.resolution ",
            $differ,
            " OLD.resolution OR NEW.related_request_id ",
            $differ,
            " OLD.related_request_id OR NEW.answer_id ",
            $differ,
            " OLD.answer_id OR NEW.fields ",
            $differ,
            " OLD.fields OR NEW.at ",
            $differ,
            " OLD.at"
        )
    };
}

const SQLITE_UP: &[&str] = &[
    "DROP TRIGGER request_events_no_update",
    concat!(
        "CREATE TRIGGER request_events_update_reason_only BEFORE UPDATE ON request_events WHEN ",
        other_than_reason!("IS NOT"),
        // A reason changes only to blot something out.
        " OR (NEW.reason IS NOT OLD.reason AND (NEW.reason IS NULL OR instr(NEW.reason, '[erased]') = 0))",
        " BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END"
    ),
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER request_events_update_reason_only",
    "CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
     BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END",
];

const POSTGRES_UP: &[&str] = &[concat!(
    "CREATE OR REPLACE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM requests WHERE id = OLD.request_id) THEN
         RETURN OLD;
       END IF;
       IF TG_OP = 'UPDATE' AND NOT (",
    other_than_reason!("IS DISTINCT FROM"),
    ") AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR strpos(NEW.reason, '[erased]') > 0) THEN
         RETURN NEW;
       END IF;
       RAISE EXCEPTION 'request history is append-only';
     END $$"
)];

const POSTGRES_DOWN: &[&str] =
    &["CREATE OR REPLACE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM requests WHERE id = OLD.request_id) THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'request history is append-only';
     END $$"];
