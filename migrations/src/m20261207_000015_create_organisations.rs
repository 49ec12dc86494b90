//! The town's directory of organisations (§5.5.1): associations, farms, informal groups, schools
//! and businesses party to its conventions, each with its usual representative, listed publicly
//! when it agreed. A name is unique in its town.
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
enum Organisations {
    Table,
    Id,
    MunicipalityId,
    Name,
    Kind,
    RepresentativeName,
    RepresentativeCapacity,
    Public,
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
                    .table(Organisations::Table)
                    .col(uuid(Organisations::Id).primary_key())
                    .col(uuid(Organisations::MunicipalityId))
                    .col(string_len(Organisations::Name, 200))
                    .col(string_len(Organisations::Kind, 30))
                    .col(string_len_null(Organisations::RepresentativeName, 200))
                    .col(string_len_null(Organisations::RepresentativeCapacity, 200))
                    .col(boolean(Organisations::Public))
                    .col(integer(Organisations::Version))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organisations_municipality")
                            .from(Organisations::Table, Organisations::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_organisations_municipality_name")
                    .table(Organisations::Table)
                    .col(Organisations::MunicipalityId)
                    .col(Organisations::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Organisations::Table).to_owned()).await
    }
}
