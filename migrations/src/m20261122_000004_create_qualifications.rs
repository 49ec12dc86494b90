//! Qualification and routing: each request's qualification document, the services it is routed
//! to (for "my work" lists), and the index of the words of every request (to suggest precedents
//! among a town's many requests without reading them all).
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.
//! Requests registered before it are indexed by `implication reindex`, which computes the terms
//! with the domain's rules of the day (run it after upgrading, and after any change of
//! `similarity::terms`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RequestQualifications {
    Table,
    RequestId,
    MunicipalityId,
    Document,
    RoutedDelegationId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RequestRoutedServices {
    Table,
    RequestId,
    ServiceId,
    MunicipalityId,
}

#[derive(DeriveIden)]
enum RequestTerms {
    Table,
    MunicipalityId,
    Term,
    RequestId,
}

fn belongs_to_request(table: impl IntoIden + 'static, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, Alias::new("request_id"))
        .to(Requests::Table, Requests::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RequestQualifications::Table)
                    .col(uuid(RequestQualifications::RequestId).primary_key())
                    .col(uuid(RequestQualifications::MunicipalityId))
                    .col(text(RequestQualifications::Document))
                    .col(uuid_null(RequestQualifications::RoutedDelegationId))
                    .col(timestamp_with_time_zone(RequestQualifications::CreatedAt))
                    .col(timestamp_with_time_zone(RequestQualifications::UpdatedAt))
                    .foreign_key(&mut belongs_to_request(
                        RequestQualifications::Table,
                        "fk_request_qualifications_request",
                    ))
                    .to_owned(),
            )
            .await?;
        // The elected official's list: requests routed to a delegation.
        manager
            .create_index(
                Index::create()
                    .name("ix_request_qualifications_delegation")
                    .table(RequestQualifications::Table)
                    .col(RequestQualifications::MunicipalityId)
                    .col(RequestQualifications::RoutedDelegationId)
                    .col(RequestQualifications::RequestId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestRoutedServices::Table)
                    .col(uuid(RequestRoutedServices::RequestId))
                    .col(uuid(RequestRoutedServices::ServiceId))
                    .col(uuid(RequestRoutedServices::MunicipalityId))
                    .primary_key(
                        Index::create().col(RequestRoutedServices::RequestId).col(RequestRoutedServices::ServiceId),
                    )
                    .foreign_key(&mut belongs_to_request(
                        RequestRoutedServices::Table,
                        "fk_request_routed_services_request",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_request_routed_services_service")
                            .from(RequestRoutedServices::Table, RequestRoutedServices::ServiceId)
                            .to(Services::Table, Services::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // An agent's list: requests routed to one of their services.
        manager
            .create_index(
                Index::create()
                    .name("ix_request_routed_services_service")
                    .table(RequestRoutedServices::Table)
                    .col(RequestRoutedServices::MunicipalityId)
                    .col(RequestRoutedServices::ServiceId)
                    .col(RequestRoutedServices::RequestId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestTerms::Table)
                    .col(uuid(RequestTerms::MunicipalityId))
                    .col(string_len(RequestTerms::Term, 40))
                    .col(uuid(RequestTerms::RequestId))
                    .primary_key(
                        Index::create()
                            .col(RequestTerms::MunicipalityId)
                            .col(RequestTerms::Term)
                            .col(RequestTerms::RequestId),
                    )
                    .foreign_key(&mut belongs_to_request(RequestTerms::Table, "fk_request_terms_request"))
                    .to_owned(),
            )
            .await?;
        // Rewriting a request's terms after a correction.
        manager
            .create_index(
                Index::create()
                    .name("ix_request_terms_request")
                    .table(RequestTerms::Table)
                    .col(RequestTerms::RequestId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RequestTerms::Table.into_iden(),
            RequestRoutedServices::Table.into_iden(),
            RequestQualifications::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
