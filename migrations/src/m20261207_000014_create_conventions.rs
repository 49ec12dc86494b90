//! Fifty-fifty conventions: one per project, with its status, the insurance its parties attested
//! and the volunteers' cover (JSON documents: insurers and policy numbers are staff-only data);
//! its numbered versions, each a JSON document frozen with its SHA-256 once opened for signature
//! (the database refuses to change a frozen version); and its signatures, one per party per
//! version.
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
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Conventions {
    Table,
    Id,
    MunicipalityId,
    ProjectId,
    Status,
    CurrentVersion,
    SignedVersion,
    /// A JSON array of the parties' insurance attestations.
    Insurance,
    /// The volunteers' cover, a JSON document.
    VolunteersCover,
    /// The follow-up (fulfilments, participants, costs, how it ended), a JSON document.
    FollowUp,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConventionVersions {
    Table,
    ConventionId,
    Number,
    MunicipalityId,
    /// The text, a JSON document.
    Content,
    ContentHash,
    FrozenAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConventionSignatures {
    Table,
    ConventionId,
    Version,
    PartyId,
    MunicipalityId,
    ContentHash,
    Signatory,
    Capacity,
    SignedOn,
    RecordedByKind,
    RecordedById,
    ScanSha256,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Conventions::Table)
                    .col(uuid(Conventions::Id).primary_key())
                    .col(uuid(Conventions::MunicipalityId))
                    .col(uuid(Conventions::ProjectId))
                    .col(string_len(Conventions::Status, 30))
                    .col(integer(Conventions::CurrentVersion))
                    .col(integer_null(Conventions::SignedVersion))
                    .col(text(Conventions::Insurance))
                    .col(text_null(Conventions::VolunteersCover))
                    .col(text_null(Conventions::FollowUp))
                    .col(integer(Conventions::Version))
                    .col(timestamp_with_time_zone(Conventions::CreatedAt))
                    .col(timestamp_with_time_zone(Conventions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conventions_municipality")
                            .from(Conventions::Table, Conventions::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_conventions_project")
                            .from(Conventions::Table, Conventions::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_conventions_project")
                    .table(Conventions::Table)
                    .col(Conventions::ProjectId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_conventions_municipality_created")
                    .table(Conventions::Table)
                    .col(Conventions::MunicipalityId)
                    .col(Conventions::CreatedAt)
                    .col(Conventions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConventionVersions::Table)
                    .col(uuid(ConventionVersions::ConventionId))
                    .col(integer(ConventionVersions::Number))
                    .col(uuid(ConventionVersions::MunicipalityId))
                    .col(text(ConventionVersions::Content))
                    .col(string_len_null(ConventionVersions::ContentHash, 64))
                    .col(timestamp_with_time_zone_null(ConventionVersions::FrozenAt))
                    .col(timestamp_with_time_zone(ConventionVersions::CreatedAt))
                    .primary_key(Index::create().col(ConventionVersions::ConventionId).col(ConventionVersions::Number))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_versions_convention")
                            .from(ConventionVersions::Table, ConventionVersions::ConventionId)
                            .to(Conventions::Table, Conventions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // What a signature names: a version and its hash (null until frozen).
        manager
            .create_index(
                Index::create()
                    .name("ux_convention_versions_hash")
                    .table(ConventionVersions::Table)
                    .col(ConventionVersions::ConventionId)
                    .col(ConventionVersions::Number)
                    .col(ConventionVersions::ContentHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConventionSignatures::Table)
                    .col(uuid(ConventionSignatures::ConventionId))
                    .col(integer(ConventionSignatures::Version))
                    .col(uuid(ConventionSignatures::PartyId))
                    .col(uuid(ConventionSignatures::MunicipalityId))
                    .col(string_len(ConventionSignatures::ContentHash, 64))
                    .col(string_len(ConventionSignatures::Signatory, 200))
                    .col(string_len(ConventionSignatures::Capacity, 200))
                    .col(date(ConventionSignatures::SignedOn))
                    .col(string_len(ConventionSignatures::RecordedByKind, 20))
                    .col(uuid_null(ConventionSignatures::RecordedById))
                    .col(string_len_null(ConventionSignatures::ScanSha256, 64))
                    .col(timestamp_with_time_zone(ConventionSignatures::RecordedAt))
                    .primary_key(
                        Index::create()
                            .col(ConventionSignatures::ConventionId)
                            .col(ConventionSignatures::Version)
                            .col(ConventionSignatures::PartyId),
                    )
                    // A signature names its version's hash: the database refuses any other.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_signatures_version")
                            .from_tbl(ConventionSignatures::Table)
                            .from_col(ConventionSignatures::ConventionId)
                            .from_col(ConventionSignatures::Version)
                            .from_col(ConventionSignatures::ContentHash)
                            .to_tbl(ConventionVersions::Table)
                            .to_col(ConventionVersions::ConventionId)
                            .to_col(ConventionVersions::Number)
                            .to_col(ConventionVersions::ContentHash)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        frozen_stays_frozen(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS convention_versions_frozen() CASCADE").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS convention_signatures_kept() CASCADE").await?;
        }
        manager.drop_table(Table::drop().table(ConventionSignatures::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConventionVersions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Conventions::Table).to_owned()).await
    }
}

/// A version frozen for signature never changes nor goes, and a signature is never changed nor
/// removed: what was signed stays what was signed (a convention is removed only with its
/// municipality, which takes them along).
async fn frozen_stays_frozen(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION convention_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id) THEN
                     RETURN OLD;
                   END IF;
                   RAISE EXCEPTION 'a convention version frozen for signature never changes';
                 END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER convention_versions_frozen BEFORE UPDATE OR DELETE ON convention_versions
                 FOR EACH ROW WHEN (OLD.content_hash IS NOT NULL)
                 EXECUTE FUNCTION convention_versions_frozen()",
            )
            .await?;
            db.execute_unprepared(
                "CREATE FUNCTION convention_signatures_kept() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id) THEN
                     RETURN OLD;
                   END IF;
                   RAISE EXCEPTION 'a signature is never changed nor removed';
                 END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER convention_signatures_kept BEFORE UPDATE OR DELETE ON convention_signatures
                 FOR EACH ROW EXECUTE FUNCTION convention_signatures_kept()",
            )
            .await?;
        }
        _ => {
            for statement in [
                "CREATE TRIGGER convention_versions_frozen BEFORE UPDATE ON convention_versions
                 WHEN OLD.content_hash IS NOT NULL
                 BEGIN SELECT RAISE(ABORT, 'a convention version frozen for signature never changes'); END",
                "CREATE TRIGGER convention_versions_kept BEFORE DELETE ON convention_versions
                 WHEN OLD.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id)
                 BEGIN SELECT RAISE(ABORT, 'a convention version frozen for signature never changes'); END",
                "CREATE TRIGGER convention_signatures_no_update BEFORE UPDATE ON convention_signatures
                 BEGIN SELECT RAISE(ABORT, 'a signature is never changed nor removed'); END",
                "CREATE TRIGGER convention_signatures_no_delete BEFORE DELETE ON convention_signatures
                 WHEN EXISTS (SELECT 1 FROM conventions WHERE id = OLD.convention_id)
                 BEGIN SELECT RAISE(ABORT, 'a signature is never changed nor removed'); END",
            ] {
                db.execute_unprepared(statement).await?;
            }
        }
    }
    Ok(())
}
