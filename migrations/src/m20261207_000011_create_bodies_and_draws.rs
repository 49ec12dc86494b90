//! The town's standing bodies (commissions, neighbourhood groups, yearly meetings) with their
//! members — personal data, kept with their consent and erased when it is withdrawn — and their
//! meetings; and the draws by lot of inhabitants to invite, which never change once made.
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

/// The foreign key of a table's `municipality_id`: a town's rows go with it.
fn of_municipality(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Municipalities::Table, Municipalities::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden)]
enum Draws {
    Table,
    Id,
    MunicipalityId,
    Purpose,
    Seed,
    Rule,
    /// A JSON array: each neighbourhood's pool size, seats, alternates and the lines drawn.
    Pools,
    DrawnAt,
}

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
    MunicipalityId,
    Name,
    Kind,
    Purpose,
    Neighbourhood,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BodyMembers {
    Table,
    Id,
    MunicipalityId,
    BodyId,
    Name,
    Role,
    Email,
    Phone,
    ConsentedOn,
    JoinedAt,
}

#[derive(DeriveIden)]
enum BodyMeetings {
    Table,
    Id,
    MunicipalityId,
    BodyId,
    Place,
    StartsAt,
    EndsAt,
    Agenda,
    Attendance,
    MinutesText,
    MinutesPublishedAt,
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
                    .table(Draws::Table)
                    .col(uuid(Draws::Id).primary_key())
                    .col(uuid(Draws::MunicipalityId))
                    .col(text(Draws::Purpose))
                    .col(string_len(Draws::Seed, 200))
                    .col(string_len(Draws::Rule, 30))
                    .col(text(Draws::Pools))
                    .col(timestamp_with_time_zone(Draws::DrawnAt))
                    .foreign_key(&mut of_municipality(Draws::Table, Draws::MunicipalityId, "fk_draws_municipality"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_draws_municipality_drawn")
                    .table(Draws::Table)
                    .col(Draws::MunicipalityId)
                    .col(Draws::DrawnAt)
                    .col(Draws::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Bodies::Table)
                    .col(uuid(Bodies::Id).primary_key())
                    .col(uuid(Bodies::MunicipalityId))
                    .col(string_len(Bodies::Name, 200))
                    .col(string_len(Bodies::Kind, 30))
                    .col(text_null(Bodies::Purpose))
                    .col(string_len_null(Bodies::Neighbourhood, 63))
                    .col(integer(Bodies::Version))
                    .col(timestamp_with_time_zone(Bodies::CreatedAt))
                    .col(timestamp_with_time_zone(Bodies::UpdatedAt))
                    .foreign_key(&mut of_municipality(Bodies::Table, Bodies::MunicipalityId, "fk_bodies_municipality"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_bodies_municipality_name")
                    .table(Bodies::Table)
                    .col(Bodies::MunicipalityId)
                    .col(Bodies::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BodyMembers::Table)
                    .col(uuid(BodyMembers::Id).primary_key())
                    .col(uuid(BodyMembers::MunicipalityId))
                    .col(uuid(BodyMembers::BodyId))
                    .col(string_len(BodyMembers::Name, 200))
                    .col(string_len_null(BodyMembers::Role, 200))
                    .col(string_len_null(BodyMembers::Email, 254))
                    .col(string_len_null(BodyMembers::Phone, 30))
                    .col(date(BodyMembers::ConsentedOn))
                    .col(timestamp_with_time_zone(BodyMembers::JoinedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_body_members_body")
                            .from(BodyMembers::Table, BodyMembers::BodyId)
                            .to(Bodies::Table, Bodies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_body_members_body")
                    .table(BodyMembers::Table)
                    .col(BodyMembers::BodyId)
                    .col(BodyMembers::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BodyMeetings::Table)
                    .col(uuid(BodyMeetings::Id).primary_key())
                    .col(uuid(BodyMeetings::MunicipalityId))
                    .col(uuid(BodyMeetings::BodyId))
                    .col(string_len(BodyMeetings::Place, 300))
                    .col(timestamp_with_time_zone(BodyMeetings::StartsAt))
                    .col(timestamp_with_time_zone(BodyMeetings::EndsAt))
                    .col(text_null(BodyMeetings::Agenda))
                    .col(integer_null(BodyMeetings::Attendance))
                    .col(text_null(BodyMeetings::MinutesText))
                    .col(timestamp_with_time_zone_null(BodyMeetings::MinutesPublishedAt))
                    .col(integer(BodyMeetings::Version))
                    .col(timestamp_with_time_zone(BodyMeetings::CreatedAt))
                    .col(timestamp_with_time_zone(BodyMeetings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_body_meetings_body")
                            .from(BodyMeetings::Table, BodyMeetings::BodyId)
                            .to(Bodies::Table, Bodies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_body_meetings_body_starts")
                    .table(BodyMeetings::Table)
                    .col(BodyMeetings::BodyId)
                    .col(BodyMeetings::StartsAt)
                    .col(BodyMeetings::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BodyMeetings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(BodyMembers::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Bodies::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Draws::Table).to_owned()).await
    }
}
