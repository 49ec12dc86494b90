//! Narratives (issue 15, item 5): accounts of a project or a process written by those who carried
//! it or took part, published only with their author's consent, withdrawable at any time.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Narratives {
    Table,
    Id,
    MunicipalityId,
    SubjectKind,
    SubjectId,
    Title,
    Text,
    AuthorName,
    AuthorAccountId,
    RecordedById,
    ConsentAt,
    Status,
    PublishedAt,
    WithdrawnAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Narratives::Table)
                    .col(uuid(Narratives::Id).primary_key())
                    .col(uuid(Narratives::MunicipalityId))
                    .col(string_len(Narratives::SubjectKind, 20))
                    .col(uuid(Narratives::SubjectId))
                    .col(text(Narratives::Title))
                    .col(text(Narratives::Text))
                    .col(text(Narratives::AuthorName))
                    .col(uuid_null(Narratives::AuthorAccountId))
                    .col(uuid_null(Narratives::RecordedById))
                    .col(timestamp_with_time_zone_null(Narratives::ConsentAt))
                    .col(string_len(Narratives::Status, 20))
                    .col(timestamp_with_time_zone_null(Narratives::PublishedAt))
                    .col(timestamp_with_time_zone_null(Narratives::WithdrawnAt))
                    .col(integer(Narratives::Version))
                    .col(timestamp_with_time_zone(Narratives::CreatedAt))
                    .col(timestamp_with_time_zone(Narratives::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_narratives_municipality")
                            .from(Narratives::Table, Narratives::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The lists: a town's, newest first, by subject and by status.
        manager
            .create_index(
                Index::create()
                    .name("ix_narratives_subject")
                    .table(Narratives::Table)
                    .col(Narratives::MunicipalityId)
                    .col(Narratives::SubjectId)
                    .col(Narratives::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_narratives_status")
                    .table(Narratives::Table)
                    .col(Narratives::MunicipalityId)
                    .col(Narratives::Status)
                    .col(Narratives::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Narratives::Table).to_owned()).await
    }
}
