//! Municipalities (the tenants) and their neighbourhoods.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    Slug,
    Name,
    InseeCode,
    Population,
    AnswerDelayDays,
    MinutesDelayDays,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Neighbourhoods {
    Table,
    Id,
    MunicipalityId,
    Code,
    Name,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Municipalities::Table)
                    .col(uuid(Municipalities::Id).primary_key())
                    .col(string_len_uniq(Municipalities::Slug, 63))
                    .col(string_len(Municipalities::Name, 120))
                    .col(string_len_uniq(Municipalities::InseeCode, 5))
                    .col(big_integer(Municipalities::Population))
                    .col(integer(Municipalities::AnswerDelayDays))
                    .col(integer(Municipalities::MinutesDelayDays))
                    .col(integer(Municipalities::Version))
                    .col(timestamp_with_time_zone(Municipalities::CreatedAt))
                    .col(timestamp_with_time_zone(Municipalities::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Neighbourhoods::Table)
                    .col(uuid(Neighbourhoods::Id).primary_key())
                    .col(uuid(Neighbourhoods::MunicipalityId))
                    .col(string_len(Neighbourhoods::Code, 63))
                    .col(string_len(Neighbourhoods::Name, 120))
                    .col(timestamp_with_time_zone(Neighbourhoods::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_neighbourhoods_municipality")
                            .from(Neighbourhoods::Table, Neighbourhoods::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // A code names one neighbourhood within its municipality; listing walks (name, id).
        manager
            .create_index(
                Index::create()
                    .name("ux_neighbourhoods_municipality_code")
                    .table(Neighbourhoods::Table)
                    .col(Neighbourhoods::MunicipalityId)
                    .col(Neighbourhoods::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_neighbourhoods_municipality_name")
                    .table(Neighbourhoods::Table)
                    .col(Neighbourhoods::MunicipalityId)
                    .col(Neighbourhoods::Name)
                    .col(Neighbourhoods::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Neighbourhoods::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Municipalities::Table).to_owned()).await
    }
}
