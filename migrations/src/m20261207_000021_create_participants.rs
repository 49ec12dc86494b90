//! Who takes part (issue 15, items 3 and 6): the people whose participation is recorded with their
//! consent, and what each took part in — a meeting, a survey, a project, a process — so that the
//! indicators tell first-time from returning participants, and the contributors who agreed to be
//! listed are.
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
enum Participants {
    Table,
    Id,
    MunicipalityId,
    Name,
    AccountId,
    NeighbourhoodCode,
    ListedPublicly,
    ConsentAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Participations {
    Table,
    Id,
    MunicipalityId,
    ParticipantId,
    Kind,
    SubjectId,
    TookPartOn,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Participants::Table)
                    .col(uuid(Participants::Id).primary_key())
                    .col(uuid(Participants::MunicipalityId))
                    .col(text(Participants::Name))
                    .col(uuid_null(Participants::AccountId))
                    .col(string_len_null(Participants::NeighbourhoodCode, 63))
                    .col(boolean(Participants::ListedPublicly))
                    .col(timestamp_with_time_zone(Participants::ConsentAt))
                    .col(integer(Participants::Version))
                    .col(timestamp_with_time_zone(Participants::CreatedAt))
                    .col(timestamp_with_time_zone(Participants::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_participants_municipality")
                            .from(Participants::Table, Participants::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One record per account and town (accounts without one: as many as there are people).
        manager
            .create_index(
                Index::create()
                    .name("ux_participants_account")
                    .table(Participants::Table)
                    .col(Participants::MunicipalityId)
                    .col(Participants::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_participants_name")
                    .table(Participants::Table)
                    .col(Participants::MunicipalityId)
                    .col(Participants::Name)
                    .col(Participants::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Participations::Table)
                    .col(uuid(Participations::Id).primary_key())
                    .col(uuid(Participations::MunicipalityId))
                    .col(uuid(Participations::ParticipantId))
                    .col(string_len(Participations::Kind, 30))
                    .col(uuid(Participations::SubjectId))
                    .col(date(Participations::TookPartOn))
                    .col(timestamp_with_time_zone(Participations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_participations_participant")
                            .from(Participations::Table, Participations::ParticipantId)
                            .to(Participants::Table, Participants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Each thing once per participant and day; the indicators read a town's by day.
        manager
            .create_index(
                Index::create()
                    .name("ux_participations_once")
                    .table(Participations::Table)
                    .col(Participations::ParticipantId)
                    .col(Participations::Kind)
                    .col(Participations::SubjectId)
                    .col(Participations::TookPartOn)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_participations_day")
                    .table(Participations::Table)
                    .col(Participations::MunicipalityId)
                    .col(Participations::TookPartOn)
                    .col(Participations::ParticipantId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Participations::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Participants::Table).to_owned()).await
    }
}
