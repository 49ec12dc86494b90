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
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_signatures_version")
                            .from_tbl(ConventionSignatures::Table)
                            .from_col(ConventionSignatures::ConventionId)
                            .from_col(ConventionSignatures::Version)
                            .to_tbl(ConventionVersions::Table)
                            .to_col(ConventionVersions::ConventionId)
                            .to_col(ConventionVersions::Number)
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
        }
        manager.drop_table(Table::drop().table(ConventionSignatures::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConventionVersions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Conventions::Table).to_owned()).await
    }
}

/// A version frozen for signature never changes: what was signed stays what was signed.
async fn frozen_stays_frozen(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION convention_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   RAISE EXCEPTION 'a convention version frozen for signature never changes';
                 END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER convention_versions_frozen BEFORE UPDATE ON convention_versions
                 FOR EACH ROW WHEN (OLD.content_hash IS NOT NULL)
                 EXECUTE FUNCTION convention_versions_frozen()",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER convention_versions_frozen BEFORE UPDATE ON convention_versions
                 WHEN OLD.content_hash IS NOT NULL
                 BEGIN SELECT RAISE(ABORT, 'a convention version frozen for signature never changes'); END",
            )
            .await?;
        }
    }
    Ok(())
}
