//! Meetings and their minutes (and the meeting a process's history entry is about); and each municipality's time zone, in which meetings are set and
//! their minutes fall due (existing towns get `Europe/Paris`).
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    TimeZone,
}

#[derive(DeriveIden)]
enum Processes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProcessEvents {
    Table,
    RelatedMeetingId,
    /// The decision an entry records, a JSON document: an amendment leaves the earlier in history.
    Decision,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    MunicipalityId,
    ProcessId,
    Kind,
    Place,
    StartsAt,
    EndsAt,
    Agenda,
    Facilitator,
    Stage,
    Attendance,
    MinutesText,
    MinutesDecisions,
    MinutesActions,
    MinutesPublishedAt,
    MinutesDueOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Municipalities::Table)
                    .add_column(string_len(Municipalities::TimeZone, 64).default("Europe/Paris"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(uuid(Meetings::Id).primary_key())
                    .col(uuid(Meetings::MunicipalityId))
                    .col(uuid(Meetings::ProcessId))
                    .col(string_len(Meetings::Kind, 20))
                    .col(string_len(Meetings::Place, 300))
                    .col(timestamp_with_time_zone(Meetings::StartsAt))
                    .col(timestamp_with_time_zone(Meetings::EndsAt))
                    .col(text_null(Meetings::Agenda))
                    .col(string_len_null(Meetings::Facilitator, 200))
                    .col(string_len_null(Meetings::Stage, 20))
                    .col(integer_null(Meetings::Attendance))
                    .col(text_null(Meetings::MinutesText))
                    .col(text_null(Meetings::MinutesDecisions))
                    .col(text_null(Meetings::MinutesActions))
                    .col(timestamp_with_time_zone_null(Meetings::MinutesPublishedAt))
                    .col(date(Meetings::MinutesDueOn))
                    .col(integer(Meetings::Version))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meetings_process")
                            .from(Meetings::Table, Meetings::ProcessId)
                            .to(Processes::Table, Processes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A process's history names the meeting an entry is about.
        manager
            .alter_table(
                Table::alter()
                    .table(ProcessEvents::Table)
                    .add_column(uuid_null(ProcessEvents::RelatedMeetingId))
                    .to_owned(),
            )
            .await?;
        // …and keeps each decision (one column per statement: SQLite alters one at a time).
        manager
            .alter_table(
                Table::alter().table(ProcessEvents::Table).add_column(text_null(ProcessEvents::Decision)).to_owned(),
            )
            .await?;
        // The municipality's meetings in time order (lists, the calendar feed).
        manager
            .create_index(
                Index::create()
                    .name("ix_meetings_municipality_starts")
                    .table(Meetings::Table)
                    .col(Meetings::MunicipalityId)
                    .col(Meetings::StartsAt)
                    .col(Meetings::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_meetings_process")
                    .table(Meetings::Table)
                    .col(Meetings::ProcessId)
                    .col(Meetings::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Meetings::Table).to_owned()).await?;
        for column in [ProcessEvents::RelatedMeetingId, ProcessEvents::Decision] {
            manager.alter_table(Table::alter().table(ProcessEvents::Table).drop_column(column).to_owned()).await?;
        }
        manager
            .alter_table(Table::alter().table(Municipalities::Table).drop_column(Municipalities::TimeZone).to_owned())
            .await
    }
}
