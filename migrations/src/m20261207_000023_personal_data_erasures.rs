//! Erasures (issue 15, item 8): each erasure of a person's data is recorded — who asked, when,
//! how many records of each kind forgot them — without the data it erased. And a request's
//! history stays append-only but for one change: an erasure may blot a person out of the reason
//! an entry gives — a reason may change only to one that reads `[erased]` somewhere — every other
//! column, and the entry itself, staying as written. Likewise a convention's frozen text may change
//! only to one that reads `[erased]` (its hash, naming what was signed, stays), and a signature only
//! to the signatory `[erased]`.
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

/// Whether an update of a frozen convention version changes anything but its content, or not to
/// a blotted-out one (`$lacks`: the content reads no `[erased]`).
macro_rules! version_not_erasure {
    ($differ:literal, $lacks:literal) => {
        concat!(
            "NEW.convention_id ",
            $differ,
            " OLD.convention_id OR NEW.number ",
            $differ,
            " OLD.number OR ",
            "NEW.municipality_id ",
            $differ,
            " OLD.municipality_id OR NEW.content_hash ",
            $differ,
            " OLD.content_hash OR NEW.frozen_at ",
            $differ,
            " OLD.frozen_at OR NEW.created_at ",
            $differ,
            " OLD.created_at OR ",
            $lacks
        )
    };
}

/// Whether an update of a signature changes anything but its signatory, or not to `[erased]`.
macro_rules! signature_not_erasure {
    ($differ:literal) => {
        concat!(
            "NEW.convention_id ",
            $differ,
            " OLD.convention_id OR NEW.version ",
            $differ,
            " OLD.version OR ",
            "NEW.party_id ",
            $differ,
            " OLD.party_id OR NEW.municipality_id ",
            $differ,
            " OLD.municipality_id OR ",
            "NEW.content_hash ",
            $differ,
            " OLD.content_hash OR NEW.capacity ",
            $differ,
            " OLD.capacity OR ",
            "NEW.signed_on ",
            $differ,
            " OLD.signed_on OR NEW.recorded_by_kind ",
            $differ,
            " OLD.recorded_by_kind OR ",
            "NEW.recorded_by_id ",
            $differ,
            " OLD.recorded_by_id OR NEW.recorded_at ",
            $differ,
            " OLD.recorded_at OR ",
            "NEW.signatory ",
            $differ,
            " '[erased]'"
        )
    };
}

// SQLite: the triggers are replaced under new names (a trigger dropped and created again under
// its own name in one migration was refused as existing by another pooled connection).
const SQLITE_UP: &[&str] = &[
    "DROP TRIGGER request_events_no_update",
    concat!(
        "CREATE TRIGGER request_events_update_reason_only BEFORE UPDATE ON request_events WHEN ",
        other_than_reason!("IS NOT"),
        // A reason changes only to blot something out.
        " OR (NEW.reason IS NOT OLD.reason AND (NEW.reason IS NULL OR instr(NEW.reason, '[erased]') = 0))",
        " BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END"
    ),
    "DROP TRIGGER convention_versions_frozen",
    concat!(
        "CREATE TRIGGER convention_versions_frozen_but_erased BEFORE UPDATE ON convention_versions ",
        "WHEN OLD.content_hash IS NOT NULL AND (",
        version_not_erasure!("IS NOT", "instr(NEW.content, '[erased]') = 0"),
        ") BEGIN SELECT RAISE(ABORT, 'a convention version frozen for signature never changes'); END"
    ),
    "DROP TRIGGER convention_signatures_no_update",
    concat!(
        "CREATE TRIGGER convention_signatures_kept_but_erased BEFORE UPDATE ON convention_signatures WHEN ",
        signature_not_erasure!("IS NOT"),
        " BEGIN SELECT RAISE(ABORT, 'a signature is never changed nor removed'); END"
    ),
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER request_events_update_reason_only",
    "CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
     BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END",
    "DROP TRIGGER convention_versions_frozen_but_erased",
    "CREATE TRIGGER convention_versions_frozen BEFORE UPDATE ON convention_versions
     WHEN OLD.content_hash IS NOT NULL
     BEGIN SELECT RAISE(ABORT, 'a convention version frozen for signature never changes'); END",
    "DROP TRIGGER convention_signatures_kept_but_erased",
    "CREATE TRIGGER convention_signatures_no_update BEFORE UPDATE ON convention_signatures
     BEGIN SELECT RAISE(ABORT, 'a signature is never changed nor removed'); END",
];

const POSTGRES_UP: &[&str] = &[
    concat!(
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
    ),
    concat!(
        "CREATE OR REPLACE FUNCTION convention_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id) THEN
             RETURN OLD;
           END IF;
           IF TG_OP = 'UPDATE' AND NOT (",
        version_not_erasure!("IS DISTINCT FROM", "strpos(NEW.content, '[erased]') = 0"),
        ") THEN
             RETURN NEW;
           END IF;
           RAISE EXCEPTION 'a convention version frozen for signature never changes';
         END $$"
    ),
    concat!(
        "CREATE OR REPLACE FUNCTION convention_signatures_kept() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id) THEN
             RETURN OLD;
           END IF;
           IF TG_OP = 'UPDATE' AND NOT (",
        signature_not_erasure!("IS DISTINCT FROM"),
        ") THEN
             RETURN NEW;
           END IF;
           RAISE EXCEPTION 'a signature is never changed nor removed';
         END $$"
    ),
];

const POSTGRES_DOWN: &[&str] = &[
    "CREATE OR REPLACE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM requests WHERE id = OLD.request_id) THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'request history is append-only';
     END $$",
    "CREATE OR REPLACE FUNCTION convention_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id) THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'a convention version frozen for signature never changes';
     END $$",
    "CREATE OR REPLACE FUNCTION convention_signatures_kept() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id) THEN
         RETURN OLD;
       END IF;
       RAISE EXCEPTION 'a signature is never changed nor removed';
     END $$",
];
