//! Notices of a process (what the town publishes, where, to which perimeter, on which day), and
//! the notice a process's history entry is about.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Processes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProcessEvents {
    Table,
    RelatedNoticeId,
}

#[derive(DeriveIden)]
enum Notices {
    Table,
    Id,
    MunicipalityId,
    ProcessId,
    Channel,
    PerimeterKind,
    /// JSON arrays of codes and of street names.
    PerimeterNeighbourhoods,
    PerimeterStreets,
    PublishedOn,
    Text,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notices::Table)
                    .col(uuid(Notices::Id).primary_key())
                    .col(uuid(Notices::MunicipalityId))
                    .col(uuid(Notices::ProcessId))
                    .col(string_len(Notices::Channel, 30))
                    .col(string_len(Notices::PerimeterKind, 20))
                    .col(text(Notices::PerimeterNeighbourhoods))
                    .col(text(Notices::PerimeterStreets))
                    .col(date(Notices::PublishedOn))
                    .col(text(Notices::Text))
                    .col(timestamp_with_time_zone(Notices::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notices_process")
                            .from(Notices::Table, Notices::ProcessId)
                            .to(Processes::Table, Processes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The municipality's notices, the latest publication first.
        manager
            .create_index(
                Index::create()
                    .name("ix_notices_municipality_published")
                    .table(Notices::Table)
                    .col(Notices::MunicipalityId)
                    .col(Notices::PublishedOn)
                    .col(Notices::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ProcessEvents::Table)
                    .add_column(uuid_null(ProcessEvents::RelatedNoticeId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(ProcessEvents::Table).drop_column(ProcessEvents::RelatedNoticeId).to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(Notices::Table).to_owned()).await
    }
}
