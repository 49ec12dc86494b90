//! Fifty-fifty projects: each with its diagnostic (a JSON document: weight, tasks, estimated
//! cost, risks), carriers and routing, its ending once over; the requests it started from; and
//! its history, only ever added to.
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
enum Projects {
    Table,
    Id,
    MunicipalityId,
    Title,
    Description,
    ProcessId,
    /// The project of the year before, that this one renews (a yearly fifty-fifty).
    RenewsId,
    /// A JSON array of carriers (kind, name, interest).
    Carriers,
    RoutedDelegationId,
    /// A JSON array of service ids.
    RoutedServices,
    Status,
    /// The diagnostic, a JSON document.
    Diagnostic,
    /// How it ended (outcome, when, why, what was learnt), a JSON document.
    Ending,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProjectRequests {
    Table,
    MunicipalityId,
    ProjectId,
    RequestId,
    LinkedAt,
}

#[derive(DeriveIden)]
enum ProjectEvents {
    Table,
    Id,
    MunicipalityId,
    ProjectId,
    Kind,
    ActorKind,
    ActorId,
    FromStatus,
    ToStatus,
    Reason,
    Resolution,
    RelatedRequestId,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(uuid(Projects::Id).primary_key())
                    .col(uuid(Projects::MunicipalityId))
                    .col(string_len(Projects::Title, 200))
                    .col(text_null(Projects::Description))
                    .col(uuid_null(Projects::ProcessId))
                    .col(uuid_null(Projects::RenewsId))
                    .col(text(Projects::Carriers))
                    .col(uuid_null(Projects::RoutedDelegationId))
                    .col(text(Projects::RoutedServices))
                    .col(string_len(Projects::Status, 30))
                    .col(text(Projects::Diagnostic))
                    .col(text_null(Projects::Ending))
                    .col(integer(Projects::Version))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .col(timestamp_with_time_zone(Projects::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_projects_municipality")
                            .from(Projects::Table, Projects::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_projects_renews")
                            .from(Projects::Table, Projects::RenewsId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_projects_process")
                            .from(Projects::Table, Projects::ProcessId)
                            .to(Processes::Table, Processes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_projects_municipality_created")
                    .table(Projects::Table)
                    .col(Projects::MunicipalityId)
                    .col(Projects::CreatedAt)
                    .col(Projects::Id)
                    .to_owned(),
            )
            .await?;
        // A year is renewed once (two renewals at once: the second is refused here).
        manager
            .create_index(
                Index::create()
                    .name("ux_projects_renews")
                    .table(Projects::Table)
                    .col(Projects::RenewsId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectRequests::Table)
                    .col(uuid(ProjectRequests::MunicipalityId))
                    .col(uuid(ProjectRequests::ProjectId))
                    .col(uuid(ProjectRequests::RequestId))
                    .col(timestamp_with_time_zone(ProjectRequests::LinkedAt))
                    .primary_key(Index::create().col(ProjectRequests::ProjectId).col(ProjectRequests::RequestId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_requests_project")
                            .from(ProjectRequests::Table, ProjectRequests::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_requests_request")
                            .from(ProjectRequests::Table, ProjectRequests::RequestId)
                            .to(Requests::Table, Requests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_project_requests_request")
                    .table(ProjectRequests::Table)
                    .col(ProjectRequests::MunicipalityId)
                    .col(ProjectRequests::RequestId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectEvents::Table)
                    .col(uuid(ProjectEvents::Id).primary_key())
                    .col(uuid(ProjectEvents::MunicipalityId))
                    .col(uuid(ProjectEvents::ProjectId))
                    .col(string_len(ProjectEvents::Kind, 30))
                    .col(string_len(ProjectEvents::ActorKind, 20))
                    .col(uuid_null(ProjectEvents::ActorId))
                    .col(string_len_null(ProjectEvents::FromStatus, 30))
                    .col(string_len_null(ProjectEvents::ToStatus, 30))
                    .col(text_null(ProjectEvents::Reason))
                    .col(string_len_null(ProjectEvents::Resolution, 30))
                    .col(uuid_null(ProjectEvents::RelatedRequestId))
                    .col(timestamp_with_time_zone(ProjectEvents::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_events_project")
                            .from(ProjectEvents::Table, ProjectEvents::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_project_events_project")
                    .table(ProjectEvents::Table)
                    .col(ProjectEvents::ProjectId)
                    .col(ProjectEvents::Id)
                    .to_owned(),
            )
            .await?;
        append_only(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS project_events_append_only() CASCADE").await?;
        }
        manager.drop_table(Table::drop().table(ProjectEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ProjectRequests::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Projects::Table).to_owned()).await
    }
}

/// History is append-only: the database refuses to change or remove an entry (a project is
/// removed only with its municipality, which takes its history along).
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION project_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM projects WHERE id = OLD.project_id) THEN
                     RETURN OLD;
                   END IF;
                   RAISE EXCEPTION 'project history is append-only';
                 END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER project_events_append_only BEFORE UPDATE OR DELETE ON project_events
                 FOR EACH ROW EXECUTE FUNCTION project_events_append_only()",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER project_events_no_update BEFORE UPDATE ON project_events
                 BEGIN SELECT RAISE(ABORT, 'project history is append-only'); END",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER project_events_no_delete BEFORE DELETE ON project_events
                 WHEN EXISTS (SELECT 1 FROM projects WHERE id = OLD.project_id)
                 BEGIN SELECT RAISE(ABORT, 'project history is append-only'); END",
            )
            .await?;
        }
    }
    Ok(())
}
