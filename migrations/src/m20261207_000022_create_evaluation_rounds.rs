//! Evaluation rounds (issue 15, item 4): the fifty-fifty self-evaluation group reviewing a set of
//! projects — the carriers' survey, the mixed working group, its findings (JSON documents).
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
enum EvaluationRounds {
    Table,
    Id,
    MunicipalityId,
    Title,
    Projects,
    Status,
    CarriersSurvey,
    WorkingGroup,
    Findings,
    ConcludedAt,
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
                    .table(EvaluationRounds::Table)
                    .col(uuid(EvaluationRounds::Id).primary_key())
                    .col(uuid(EvaluationRounds::MunicipalityId))
                    .col(text(EvaluationRounds::Title))
                    .col(text(EvaluationRounds::Projects))
                    .col(string_len(EvaluationRounds::Status, 20))
                    .col(text_null(EvaluationRounds::CarriersSurvey))
                    .col(text_null(EvaluationRounds::WorkingGroup))
                    .col(text(EvaluationRounds::Findings))
                    .col(timestamp_with_time_zone_null(EvaluationRounds::ConcludedAt))
                    .col(integer(EvaluationRounds::Version))
                    .col(timestamp_with_time_zone(EvaluationRounds::CreatedAt))
                    .col(timestamp_with_time_zone(EvaluationRounds::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_evaluation_rounds_municipality")
                            .from(EvaluationRounds::Table, EvaluationRounds::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evaluation_rounds_town")
                    .table(EvaluationRounds::Table)
                    .col(EvaluationRounds::MunicipalityId)
                    .col(EvaluationRounds::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EvaluationRounds::Table).to_owned()).await
    }
}
