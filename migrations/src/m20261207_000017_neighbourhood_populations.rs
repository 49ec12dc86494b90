//! Neighbourhoods the admin manages (issue 15, item 1): each gains its population, when known
//! (indicators then count requests per 1,000 inhabitants), and a version for `If-Match`.
//! Existing neighbourhoods have no known population, and version 1.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Neighbourhoods {
    Table,
    Population,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Neighbourhoods::Table)
                    .add_column(integer_null(Neighbourhoods::Population))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Neighbourhoods::Table)
                    .add_column(integer(Neighbourhoods::Version).default(1))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Neighbourhoods::Version, Neighbourhoods::Population] {
            manager.alter_table(Table::alter().table(Neighbourhoods::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
