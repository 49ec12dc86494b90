//! Minutes reach people: to whom a meeting's minutes were delivered, and the reactions readers
//! send back (their name and email, given to be answered, are personal data: staff only).
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MinutesDeliveries {
    Table,
    Id,
    MunicipalityId,
    MeetingId,
    Audience,
    /// A JSON array of neighbourhood codes.
    Neighbourhoods,
    Channel,
    DeliveredOn,
    Copies,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MinutesReactions {
    Table,
    Id,
    MunicipalityId,
    MeetingId,
    Channel,
    Text,
    Name,
    Email,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MinutesDeliveries::Table)
                    .col(uuid(MinutesDeliveries::Id).primary_key())
                    .col(uuid(MinutesDeliveries::MunicipalityId))
                    .col(uuid(MinutesDeliveries::MeetingId))
                    .col(string_len(MinutesDeliveries::Audience, 20))
                    .col(text(MinutesDeliveries::Neighbourhoods))
                    .col(string_len(MinutesDeliveries::Channel, 30))
                    .col(date(MinutesDeliveries::DeliveredOn))
                    .col(integer_null(MinutesDeliveries::Copies))
                    .col(timestamp_with_time_zone(MinutesDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_minutes_deliveries_meeting")
                            .from(MinutesDeliveries::Table, MinutesDeliveries::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_minutes_deliveries_meeting")
                    .table(MinutesDeliveries::Table)
                    .col(MinutesDeliveries::MeetingId)
                    .col(MinutesDeliveries::DeliveredOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MinutesReactions::Table)
                    .col(uuid(MinutesReactions::Id).primary_key())
                    .col(uuid(MinutesReactions::MunicipalityId))
                    .col(uuid(MinutesReactions::MeetingId))
                    .col(string_len(MinutesReactions::Channel, 30))
                    .col(text(MinutesReactions::Text))
                    .col(string_len_null(MinutesReactions::Name, 200))
                    .col(string_len_null(MinutesReactions::Email, 254))
                    .col(timestamp_with_time_zone(MinutesReactions::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_minutes_reactions_meeting")
                            .from(MinutesReactions::Table, MinutesReactions::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_minutes_reactions_meeting")
                    .table(MinutesReactions::Table)
                    .col(MinutesReactions::MeetingId)
                    .col(MinutesReactions::ReceivedAt)
                    .col(MinutesReactions::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MinutesReactions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MinutesDeliveries::Table).to_owned()).await
    }
}
