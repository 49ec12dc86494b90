//! Participation processes: the processes themselves (their level and status, their decision as
//! a document), their append-only history, and the requests each gathers.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Processes {
    Table,
    Id,
    MunicipalityId,
    Subject,
    Description,
    PerimeterKind,
    /// JSON arrays of codes and of street names.
    PerimeterNeighbourhoods,
    PerimeterStreets,
    Origin,
    RoutedDelegationId,
    /// JSON array of service ids.
    RoutedServices,
    Level,
    Status,
    OpenedAt,
    /// The decision, a JSON document (null until decided).
    Decision,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcessEvents {
    Table,
    Id,
    ProcessId,
    MunicipalityId,
    Kind,
    ActorKind,
    ActorId,
    FromStatus,
    ToStatus,
    FromLevel,
    ToLevel,
    Reason,
    Resolution,
    RelatedRequestId,
    At,
}

#[derive(DeriveIden)]
enum ProcessRequests {
    Table,
    ProcessId,
    RequestId,
    MunicipalityId,
    LinkedAt,
}

fn belongs_to(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    to: impl IntoIden + 'static,
    to_column: impl IntoIden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(to, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Processes::Table)
                    .col(uuid(Processes::Id).primary_key())
                    .col(uuid(Processes::MunicipalityId))
                    .col(string_len(Processes::Subject, 200))
                    .col(text(Processes::Description))
                    .col(string_len(Processes::PerimeterKind, 20))
                    .col(text(Processes::PerimeterNeighbourhoods))
                    .col(text(Processes::PerimeterStreets))
                    .col(string_len(Processes::Origin, 20))
                    .col(uuid_null(Processes::RoutedDelegationId))
                    .col(text(Processes::RoutedServices))
                    .col(string_len(Processes::Level, 20))
                    .col(string_len(Processes::Status, 20))
                    .col(timestamp_with_time_zone_null(Processes::OpenedAt))
                    .col(text_null(Processes::Decision))
                    .col(integer(Processes::Version))
                    .col(timestamp_with_time_zone(Processes::CreatedAt))
                    .col(timestamp_with_time_zone(Processes::UpdatedAt))
                    .foreign_key(&mut belongs_to(
                        Processes::Table,
                        Processes::MunicipalityId,
                        Municipalities::Table,
                        Municipalities::Id,
                        "fk_processes_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        // Lists, newest first (the public's skip the processes never opened).
        manager
            .create_index(
                Index::create()
                    .name("ix_processes_municipality_created")
                    .table(Processes::Table)
                    .col(Processes::MunicipalityId)
                    .col(Processes::CreatedAt)
                    .col(Processes::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProcessEvents::Table)
                    .col(uuid(ProcessEvents::Id).primary_key())
                    .col(uuid(ProcessEvents::ProcessId))
                    .col(uuid(ProcessEvents::MunicipalityId))
                    .col(string_len(ProcessEvents::Kind, 20))
                    .col(string_len(ProcessEvents::ActorKind, 20))
                    .col(uuid_null(ProcessEvents::ActorId))
                    .col(string_len_null(ProcessEvents::FromStatus, 20))
                    .col(string_len_null(ProcessEvents::ToStatus, 20))
                    .col(string_len_null(ProcessEvents::FromLevel, 20))
                    .col(string_len_null(ProcessEvents::ToLevel, 20))
                    .col(text_null(ProcessEvents::Reason))
                    .col(string_len_null(ProcessEvents::Resolution, 30))
                    .col(uuid_null(ProcessEvents::RelatedRequestId))
                    .col(timestamp_with_time_zone(ProcessEvents::At))
                    .foreign_key(&mut belongs_to(
                        ProcessEvents::Table,
                        ProcessEvents::ProcessId,
                        Processes::Table,
                        Processes::Id,
                        "fk_process_events_process",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_process_events_process")
                    .table(ProcessEvents::Table)
                    .col(ProcessEvents::ProcessId)
                    .col(ProcessEvents::Id)
                    .to_owned(),
            )
            .await?;
        append_only(manager).await?;

        manager
            .create_table(
                Table::create()
                    .table(ProcessRequests::Table)
                    .col(uuid(ProcessRequests::ProcessId))
                    .col(uuid(ProcessRequests::RequestId))
                    .col(uuid(ProcessRequests::MunicipalityId))
                    .col(timestamp_with_time_zone(ProcessRequests::LinkedAt))
                    .primary_key(
                        Index::create()
                            .col(ProcessRequests::MunicipalityId)
                            .col(ProcessRequests::ProcessId)
                            .col(ProcessRequests::RequestId),
                    )
                    .foreign_key(&mut belongs_to(
                        ProcessRequests::Table,
                        ProcessRequests::ProcessId,
                        Processes::Table,
                        Processes::Id,
                        "fk_process_requests_process",
                    ))
                    .foreign_key(&mut belongs_to(
                        ProcessRequests::Table,
                        ProcessRequests::RequestId,
                        Requests::Table,
                        Requests::Id,
                        "fk_process_requests_request",
                    ))
                    .to_owned(),
            )
            .await?;
        // A request's processes (its tracking page names them).
        manager
            .create_index(
                Index::create()
                    .name("ix_process_requests_request")
                    .table(ProcessRequests::Table)
                    .col(ProcessRequests::RequestId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS process_events_append_only() CASCADE").await?;
        }
        for table in
            [ProcessRequests::Table.into_iden(), ProcessEvents::Table.into_iden(), Processes::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// History is append-only: the database refuses to change or remove an entry (a process is
/// removed only with its municipality, which takes its history along).
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION process_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM processes WHERE id = OLD.process_id) THEN
                     RETURN OLD;
                   END IF;
                   RAISE EXCEPTION 'process history is append-only';
                 END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER process_events_append_only BEFORE UPDATE OR DELETE ON process_events
                 FOR EACH ROW EXECUTE FUNCTION process_events_append_only()",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER process_events_no_update BEFORE UPDATE ON process_events
                 BEGIN SELECT RAISE(ABORT, 'process history is append-only'); END",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER process_events_no_delete BEFORE DELETE ON process_events
                 WHEN EXISTS (SELECT 1 FROM processes WHERE id = OLD.process_id)
                 BEGIN SELECT RAISE(ABORT, 'process history is append-only'); END",
            )
            .await?;
        }
    }
    Ok(())
}
