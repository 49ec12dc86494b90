//! Handing a request over to another body of the deployment (issue 16): a request names the
//! request it was handed over to, or received from, in another municipality; and a tracking code
//! is unique within a municipality (the request handed over keeps its requester's code, so that
//! they follow both).
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Requests {
    Table,
    MunicipalityId,
    TrackingHash,
    LinkedKind,
    LinkedMunicipalityId,
    LinkedMunicipalitySlug,
    LinkedRequestId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in [
            string_len_null(Requests::LinkedKind, 20),
            uuid_null(Requests::LinkedMunicipalityId),
            // Slugs never change: views name the other body by it without reading it.
            string_len_null(Requests::LinkedMunicipalitySlug, 63),
            uuid_null(Requests::LinkedRequestId),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(Requests::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_requests_town_tracking_hash")
                    .table(Requests::Table)
                    .col(Requests::MunicipalityId)
                    .col(Requests::TrackingHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.drop_index(Index::drop().name("ux_requests_tracking_hash").table(Requests::Table).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ux_requests_tracking_hash")
                    .table(Requests::Table)
                    .col(Requests::TrackingHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name("ux_requests_town_tracking_hash").table(Requests::Table).to_owned())
            .await?;
        for column in [
            Requests::LinkedKind,
            Requests::LinkedMunicipalityId,
            Requests::LinkedMunicipalitySlug,
            Requests::LinkedRequestId,
        ] {
            manager.alter_table(Table::alter().table(Requests::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
