//! The steps still ahead of a request or a process, and the promises made to requesters (the
//! principle of truth): each row is about one request or one process, never both.
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
enum Requests {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Steps {
    Table,
    Id,
    MunicipalityId,
    RequestId,
    ProcessId,
    Kind,
    Description,
    ExpectedOn,
    FirstExpectedOn,
    DoneOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Promises {
    Table,
    Id,
    MunicipalityId,
    RequestId,
    ProcessId,
    Kind,
    Text,
    MadeBy,
    MadeOn,
    DueOn,
    Status,
    SettledOn,
    WithdrawalReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

/// Exactly one of the two subjects is set.
fn one_subject(request: impl IntoIden, process: impl IntoIden) -> SimpleExpr {
    let (request, process) = (Expr::col(request.into_iden()), Expr::col(process.into_iden()));
    Condition::any()
        .add(Condition::all().add(request.clone().is_not_null()).add(process.clone().is_null()))
        .add(Condition::all().add(request.is_null()).add(process.is_not_null()))
        .into()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Steps::Table)
                    .col(uuid(Steps::Id).primary_key())
                    .col(uuid(Steps::MunicipalityId))
                    .col(uuid_null(Steps::RequestId))
                    .col(uuid_null(Steps::ProcessId))
                    .col(string_len(Steps::Kind, 20))
                    .col(text(Steps::Description))
                    .col(date(Steps::ExpectedOn))
                    .col(date(Steps::FirstExpectedOn))
                    .col(date_null(Steps::DoneOn))
                    .col(integer(Steps::Version))
                    .col(timestamp_with_time_zone(Steps::CreatedAt))
                    .col(timestamp_with_time_zone(Steps::UpdatedAt))
                    .check(one_subject(Steps::RequestId, Steps::ProcessId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_steps_request")
                            .from(Steps::Table, Steps::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_steps_process")
                            .from(Steps::Table, Steps::ProcessId)
                            .to(Processes::Table, Processes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Promises::Table)
                    .col(uuid(Promises::Id).primary_key())
                    .col(uuid(Promises::MunicipalityId))
                    .col(uuid_null(Promises::RequestId))
                    .col(uuid_null(Promises::ProcessId))
                    .col(string_len(Promises::Kind, 20))
                    .col(text(Promises::Text))
                    .col(string_len(Promises::MadeBy, 200))
                    .col(date(Promises::MadeOn))
                    .col(date(Promises::DueOn))
                    .col(string_len(Promises::Status, 20))
                    .col(date_null(Promises::SettledOn))
                    .col(text_null(Promises::WithdrawalReason))
                    .col(integer(Promises::Version))
                    .col(timestamp_with_time_zone(Promises::CreatedAt))
                    .col(timestamp_with_time_zone(Promises::UpdatedAt))
                    .check(one_subject(Promises::RequestId, Promises::ProcessId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_promises_request")
                            .from(Promises::Table, Promises::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_promises_process")
                            .from(Promises::Table, Promises::ProcessId)
                            .to(Processes::Table, Processes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Lists go by expected or due day; a request's or a process's own are found by subject.
        for (name, table, columns) in [
            (
                "ix_steps_municipality_expected",
                Steps::Table.into_iden(),
                [Steps::MunicipalityId.into_iden(), Steps::ExpectedOn.into_iden(), Steps::Id.into_iden()],
            ),
            (
                "ix_steps_request",
                Steps::Table.into_iden(),
                [Steps::RequestId.into_iden(), Steps::ExpectedOn.into_iden(), Steps::Id.into_iden()],
            ),
            (
                "ix_steps_process",
                Steps::Table.into_iden(),
                [Steps::ProcessId.into_iden(), Steps::ExpectedOn.into_iden(), Steps::Id.into_iden()],
            ),
            (
                "ix_promises_municipality_due",
                Promises::Table.into_iden(),
                [Promises::MunicipalityId.into_iden(), Promises::DueOn.into_iden(), Promises::Id.into_iden()],
            ),
            (
                "ix_promises_request",
                Promises::Table.into_iden(),
                [Promises::RequestId.into_iden(), Promises::DueOn.into_iden(), Promises::Id.into_iden()],
            ),
            (
                "ix_promises_process",
                Promises::Table.into_iden(),
                [Promises::ProcessId.into_iden(), Promises::DueOn.into_iden(), Promises::Id.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Promises::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Steps::Table).to_owned()).await
    }
}
