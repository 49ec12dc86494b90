//! The load a municipality sets per service (issue 15, item 2): how many open requests,
//! processes, projects and promises it carries before a qualification routing more to it is
//! warned. Existing services have none set.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Services {
    Table,
    LoadLimit,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Services::Table).add_column(integer_null(Services::LoadLimit)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Services::Table).drop_column(Services::LoadLimit).to_owned()).await
    }
}
