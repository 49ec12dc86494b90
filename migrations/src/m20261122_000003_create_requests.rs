//! Requests: the themes catalogue, the requests themselves, their registration counters, their
//! append-only history, the town's answers, and the idempotency keys of submissions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Themes {
    Table,
    Id,
    MunicipalityId,
    Code,
    Name,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
    MunicipalityId,
    Year,
    Sequence,
    Kind,
    Title,
    Description,
    SearchText,
    Channel,
    Themes,
    NeighbourhoodCode,
    LocationAddress,
    Latitude,
    Longitude,
    RequesterKind,
    RequesterName,
    RequesterEmail,
    RequesterPhone,
    RequesterPostalAddress,
    ConsentAt,
    Association,
    SubmittedByKind,
    SubmittedById,
    ReceivedOn,
    Status,
    Resolution,
    MergedInto,
    PublishedAt,
    InternalNote,
    TrackingHash,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RequestCounters {
    Table,
    MunicipalityId,
    Year,
    LastSequence,
}

#[derive(DeriveIden)]
enum RequestEvents {
    Table,
    Id,
    RequestId,
    MunicipalityId,
    Kind,
    ActorKind,
    ActorId,
    FromStatus,
    ToStatus,
    Reason,
    Resolution,
    RelatedRequestId,
    AnswerId,
    Fields,
    At,
}

#[derive(DeriveIden)]
enum RequestAnswers {
    Table,
    Id,
    RequestId,
    MunicipalityId,
    Text,
    Public,
    AuthorAccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    MunicipalityId,
    Scope,
    Key,
    Operation,
    BodyHash,
    ResourceId,
    MaskedSecret,
    CreatedAt,
}

/// The default catalogue at the time of this migration, for the municipalities that exist
/// already (new ones get the domain's current default when created).
const DEFAULT_THEMES: [(&str, &str); 11] = [
    ("urban-planning", "Urbanisme"),
    ("roads-and-traffic", "Voirie et circulation"),
    ("waste-and-cleanliness", "Déchets et propreté"),
    ("green-spaces-and-biodiversity", "Espaces verts et biodiversité"),
    ("culture", "Culture"),
    ("youth-and-sport", "Jeunesse et sport"),
    ("shops", "Commerces"),
    ("agriculture", "Agriculture"),
    ("energy", "Énergie"),
    ("social", "Action sociale"),
    ("school", "École"),
];

fn belongs_to_municipality(
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

fn belongs_to_request(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Requests::Table, Requests::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(manager: &SchemaManager<'_>, statement: IndexCreateStatement) -> Result<(), DbErr> {
    manager.create_index(statement).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Themes::Table)
                    .col(uuid(Themes::Id).primary_key())
                    .col(uuid(Themes::MunicipalityId))
                    .col(string_len(Themes::Code, 63))
                    .col(text(Themes::Name))
                    .col(integer(Themes::Version))
                    .col(timestamp_with_time_zone(Themes::CreatedAt))
                    .col(timestamp_with_time_zone(Themes::UpdatedAt))
                    .foreign_key(&mut belongs_to_municipality(
                        Themes::Table,
                        Themes::MunicipalityId,
                        "fk_themes_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Index::create()
                .name("ux_themes_municipality_code")
                .table(Themes::Table)
                .col(Themes::MunicipalityId)
                .col(Themes::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Requests::Table)
                    .col(uuid(Requests::Id).primary_key())
                    .col(uuid(Requests::MunicipalityId))
                    .col(integer(Requests::Year))
                    .col(integer(Requests::Sequence))
                    .col(string_len(Requests::Kind, 20))
                    .col(text(Requests::Title))
                    .col(text(Requests::Description))
                    .col(text(Requests::SearchText))
                    .col(string_len(Requests::Channel, 20))
                    .col(text(Requests::Themes))
                    .col(string_len_null(Requests::NeighbourhoodCode, 63))
                    .col(text_null(Requests::LocationAddress))
                    .col(double_null(Requests::Latitude))
                    .col(double_null(Requests::Longitude))
                    .col(string_len_null(Requests::RequesterKind, 20))
                    .col(text_null(Requests::RequesterName))
                    .col(text_null(Requests::RequesterEmail))
                    .col(text_null(Requests::RequesterPhone))
                    .col(text_null(Requests::RequesterPostalAddress))
                    .col(timestamp_with_time_zone_null(Requests::ConsentAt))
                    .col(text_null(Requests::Association))
                    .col(string_len(Requests::SubmittedByKind, 20))
                    .col(uuid_null(Requests::SubmittedById))
                    .col(date(Requests::ReceivedOn))
                    .col(string_len(Requests::Status, 20))
                    .col(string_len_null(Requests::Resolution, 30))
                    .col(uuid_null(Requests::MergedInto))
                    .col(timestamp_with_time_zone_null(Requests::PublishedAt))
                    .col(text_null(Requests::InternalNote))
                    .col(string_len(Requests::TrackingHash, 64))
                    .col(integer(Requests::Version))
                    .col(timestamp_with_time_zone(Requests::CreatedAt))
                    .col(timestamp_with_time_zone(Requests::UpdatedAt))
                    .foreign_key(&mut belongs_to_municipality(
                        Requests::Table,
                        Requests::MunicipalityId,
                        "fk_requests_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        // The registre: one number per municipality and year.
        index(
            manager,
            Index::create()
                .name("ux_requests_registration")
                .table(Requests::Table)
                .col(Requests::MunicipalityId)
                .col(Requests::Year)
                .col(Requests::Sequence)
                .unique()
                .to_owned(),
        )
        .await?;
        index(
            manager,
            Index::create()
                .name("ux_requests_tracking_hash")
                .table(Requests::Table)
                .col(Requests::TrackingHash)
                .unique()
                .to_owned(),
        )
        .await?;
        // Lists sort by received date or creation, newest first, with the id as tie-breaker.
        index(
            manager,
            Index::create()
                .name("ix_requests_received")
                .table(Requests::Table)
                .col(Requests::MunicipalityId)
                .col(Requests::ReceivedOn)
                .col(Requests::Id)
                .to_owned(),
        )
        .await?;
        index(
            manager,
            Index::create()
                .name("ix_requests_created")
                .table(Requests::Table)
                .col(Requests::MunicipalityId)
                .col(Requests::CreatedAt)
                .col(Requests::Id)
                .to_owned(),
        )
        .await?;
        // Status filters (the late ones are `received` or `qualifying` before a date).
        index(
            manager,
            Index::create()
                .name("ix_requests_status")
                .table(Requests::Table)
                .col(Requests::MunicipalityId)
                .col(Requests::Status)
                .col(Requests::ReceivedOn)
                .col(Requests::Id)
                .to_owned(),
        )
        .await?;

        // The public sees published requests only: its lists scan published rows alone, however
        // many new requests wait unpublished on top. (A partial index: SeaQuery has no builder
        // for it; the statement is the same on SQLite and PostgreSQL.)
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_requests_published ON requests (municipality_id, received_on, id) \
                 WHERE published_at IS NOT NULL",
            )
            .await?;
        // Lists of a neighbourhood, newest first.
        index(
            manager,
            Index::create()
                .name("ix_requests_neighbourhood")
                .table(Requests::Table)
                .col(Requests::MunicipalityId)
                .col(Requests::NeighbourhoodCode)
                .col(Requests::ReceivedOn)
                .col(Requests::Id)
                .to_owned(),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestCounters::Table)
                    .col(uuid(RequestCounters::MunicipalityId))
                    .col(integer(RequestCounters::Year))
                    .col(integer(RequestCounters::LastSequence))
                    .primary_key(Index::create().col(RequestCounters::MunicipalityId).col(RequestCounters::Year))
                    .foreign_key(&mut belongs_to_municipality(
                        RequestCounters::Table,
                        RequestCounters::MunicipalityId,
                        "fk_request_counters_municipality",
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestEvents::Table)
                    .col(uuid(RequestEvents::Id).primary_key())
                    .col(uuid(RequestEvents::RequestId))
                    .col(uuid(RequestEvents::MunicipalityId))
                    .col(string_len(RequestEvents::Kind, 20))
                    .col(string_len(RequestEvents::ActorKind, 20))
                    .col(uuid_null(RequestEvents::ActorId))
                    .col(string_len_null(RequestEvents::FromStatus, 20))
                    .col(string_len_null(RequestEvents::ToStatus, 20))
                    .col(text_null(RequestEvents::Reason))
                    .col(string_len_null(RequestEvents::Resolution, 30))
                    .col(uuid_null(RequestEvents::RelatedRequestId))
                    .col(uuid_null(RequestEvents::AnswerId))
                    .col(text_null(RequestEvents::Fields))
                    .col(timestamp_with_time_zone(RequestEvents::At))
                    .foreign_key(&mut belongs_to_request(
                        RequestEvents::Table,
                        RequestEvents::RequestId,
                        "fk_request_events_request",
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Index::create()
                .name("ix_request_events_request")
                .table(RequestEvents::Table)
                .col(RequestEvents::RequestId)
                .col(RequestEvents::Id)
                .to_owned(),
        )
        .await?;
        append_only(manager).await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestAnswers::Table)
                    .col(uuid(RequestAnswers::Id).primary_key())
                    .col(uuid(RequestAnswers::RequestId))
                    .col(uuid(RequestAnswers::MunicipalityId))
                    .col(text(RequestAnswers::Text))
                    .col(boolean(RequestAnswers::Public))
                    .col(uuid(RequestAnswers::AuthorAccountId))
                    .col(timestamp_with_time_zone(RequestAnswers::CreatedAt))
                    .foreign_key(&mut belongs_to_request(
                        RequestAnswers::Table,
                        RequestAnswers::RequestId,
                        "fk_request_answers_request",
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Index::create()
                .name("ix_request_answers_request")
                .table(RequestAnswers::Table)
                .col(RequestAnswers::RequestId)
                .col(RequestAnswers::Id)
                .to_owned(),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(uuid(IdempotencyKeys::Id).primary_key())
                    .col(uuid(IdempotencyKeys::MunicipalityId))
                    .col(string_len(IdempotencyKeys::Scope, 80))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::Operation, 40))
                    .col(string_len(IdempotencyKeys::BodyHash, 64))
                    .col(uuid(IdempotencyKeys::ResourceId))
                    .col(text_null(IdempotencyKeys::MaskedSecret))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .foreign_key(&mut belongs_to_municipality(
                        IdempotencyKeys::Table,
                        IdempotencyKeys::MunicipalityId,
                        "fk_idempotency_keys_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            Index::create()
                .name("ux_idempotency_keys_scope_key")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::MunicipalityId)
                .col(IdempotencyKeys::Scope)
                .col(IdempotencyKeys::Key)
                .unique()
                .to_owned(),
        )
        .await?;

        seed_default_themes(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS request_events_append_only() CASCADE").await?;
        }
        for table in [
            IdempotencyKeys::Table.into_iden(),
            RequestAnswers::Table.into_iden(),
            RequestEvents::Table.into_iden(),
            RequestCounters::Table.into_iden(),
            Requests::Table.into_iden(),
            Themes::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// History is append-only: the database itself refuses to change or remove an entry (a request
/// is removed only with its municipality, which takes its history along).
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM requests WHERE id = OLD.request_id) THEN
                     RETURN OLD;
                   END IF;
                   RAISE EXCEPTION 'request history is append-only';
                 END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events
                 FOR EACH ROW EXECUTE FUNCTION request_events_append_only()",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
                 BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
                 WHEN EXISTS (SELECT 1 FROM requests WHERE id = OLD.request_id)
                 BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END",
            )
            .await?;
        }
    }
    Ok(())
}

async fn seed_default_themes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let municipalities =
        db.query_all(&Query::select().column(Municipalities::Id).from(Municipalities::Table).to_owned()).await?;
    let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
    for row in municipalities {
        let municipality: Uuid = row.try_get("", "id")?;
        let mut insert = Query::insert()
            .into_table(Themes::Table)
            .columns([
                Themes::Id,
                Themes::MunicipalityId,
                Themes::Code,
                Themes::Name,
                Themes::Version,
                Themes::CreatedAt,
                Themes::UpdatedAt,
            ])
            .to_owned();
        for (code, name) in DEFAULT_THEMES {
            insert
                .values([
                    Uuid::now_v7().into(),
                    municipality.into(),
                    code.into(),
                    name.into(),
                    1.into(),
                    now.into(),
                    now.into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        db.execute(&insert).await?;
    }
    Ok(())
}
