//! Webhooks (issue 16): the transactional outbox every use case writes its events to, the
//! subscriptions of a town's admin or a partner's tool, one delivery per event and subscription,
//! and the log of each attempt.
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
enum MachineClients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OutboxEvents {
    Table,
    Id,
    MunicipalityId,
    EventType,
    ResourceKind,
    ResourceId,
    Audience,
    Data,
    OccurredAt,
    DispatchedAt,
}

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    Id,
    MunicipalityId,
    Url,
    Description,
    EventTypes,
    ClientId,
    Association,
    OrganisationId,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    Active,
    DisabledReason,
    DisabledAt,
    ConsecutiveFailures,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    MunicipalityId,
    SubscriptionId,
    EventId,
    ResourceKey,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastAttemptAt,
    LastStatusCode,
    LastLatencyMs,
    LastError,
    DeliveredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    MunicipalityId,
    DeliveryId,
    SubscriptionId,
    AttemptedAt,
    StatusCode,
    LatencyMs,
    Error,
    Succeeded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxEvents::Table)
                    // UUIDv7: ordered by when the change committed its transaction's events.
                    .col(uuid(OutboxEvents::Id).primary_key())
                    .col(uuid(OutboxEvents::MunicipalityId))
                    .col(string_len(OutboxEvents::EventType, 40))
                    .col(string_len(OutboxEvents::ResourceKind, 20))
                    .col(uuid(OutboxEvents::ResourceId))
                    .col(text(OutboxEvents::Audience))
                    .col(text(OutboxEvents::Data))
                    .col(timestamp_with_time_zone(OutboxEvents::OccurredAt))
                    .col(timestamp_with_time_zone_null(OutboxEvents::DispatchedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_events_municipality")
                            .from(OutboxEvents::Table, OutboxEvents::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_outbox_events_pending")
                    .table(OutboxEvents::Table)
                    .col(OutboxEvents::DispatchedAt)
                    .col(OutboxEvents::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscriptions::Table)
                    .col(uuid(WebhookSubscriptions::Id).primary_key())
                    .col(uuid(WebhookSubscriptions::MunicipalityId))
                    .col(text(WebhookSubscriptions::Url))
                    .col(text_null(WebhookSubscriptions::Description))
                    .col(text(WebhookSubscriptions::EventTypes))
                    // The partner's tool that made it (its association's events only), or none:
                    // the town's own.
                    .col(uuid_null(WebhookSubscriptions::ClientId))
                    .col(text_null(WebhookSubscriptions::Association))
                    .col(uuid_null(WebhookSubscriptions::OrganisationId))
                    // Kept as given: signing needs the secret itself, not a hash of it.
                    .col(text(WebhookSubscriptions::Secret))
                    .col(text_null(WebhookSubscriptions::PreviousSecret))
                    .col(timestamp_with_time_zone_null(WebhookSubscriptions::PreviousSecretUntil))
                    .col(boolean(WebhookSubscriptions::Active))
                    .col(string_len_null(WebhookSubscriptions::DisabledReason, 20))
                    .col(timestamp_with_time_zone_null(WebhookSubscriptions::DisabledAt))
                    .col(integer(WebhookSubscriptions::ConsecutiveFailures))
                    .col(integer(WebhookSubscriptions::Version))
                    .col(timestamp_with_time_zone(WebhookSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookSubscriptions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_subscriptions_municipality")
                            .from(WebhookSubscriptions::Table, WebhookSubscriptions::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_subscriptions_client")
                            .from(WebhookSubscriptions::Table, WebhookSubscriptions::ClientId)
                            .to(MachineClients::Table, MachineClients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_subscriptions_town")
                    .table(WebhookSubscriptions::Table)
                    .col(WebhookSubscriptions::MunicipalityId)
                    .col(WebhookSubscriptions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(uuid(WebhookDeliveries::Id).primary_key())
                    .col(uuid(WebhookDeliveries::MunicipalityId))
                    .col(uuid(WebhookDeliveries::SubscriptionId))
                    .col(uuid(WebhookDeliveries::EventId))
                    // `kind:id` of the resource: its events are delivered in order.
                    .col(string_len(WebhookDeliveries::ResourceKey, 60))
                    .col(string_len(WebhookDeliveries::Status, 12))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    // While a worker sends it: another worker leaves it until then.
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LeaseUntil))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LastAttemptAt))
                    .col(integer_null(WebhookDeliveries::LastStatusCode))
                    .col(integer_null(WebhookDeliveries::LastLatencyMs))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_deliveries_subscription")
                            .from(WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)
                            .to(WebhookSubscriptions::Table, WebhookSubscriptions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_deliveries_event")
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EventId)
                            .to(OutboxEvents::Table, OutboxEvents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ux_webhook_deliveries_once", vec![WebhookDeliveries::SubscriptionId, WebhookDeliveries::EventId]),
            ("ix_webhook_deliveries_due", vec![WebhookDeliveries::Status, WebhookDeliveries::NextAttemptAt]),
            (
                "ix_webhook_deliveries_order",
                vec![WebhookDeliveries::SubscriptionId, WebhookDeliveries::ResourceKey, WebhookDeliveries::EventId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(WebhookDeliveries::Table);
            if name.starts_with("ux_") {
                index.unique();
            }
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(uuid(WebhookAttempts::Id).primary_key())
                    .col(uuid(WebhookAttempts::MunicipalityId))
                    .col(uuid(WebhookAttempts::DeliveryId))
                    .col(uuid(WebhookAttempts::SubscriptionId))
                    .col(timestamp_with_time_zone(WebhookAttempts::AttemptedAt))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(integer(WebhookAttempts::LatencyMs))
                    .col(text_null(WebhookAttempts::Error))
                    .col(boolean(WebhookAttempts::Succeeded))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_attempts_delivery")
                            .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_attempts_delivery")
                    .table(WebhookAttempts::Table)
                    .col(WebhookAttempts::DeliveryId)
                    .col(WebhookAttempts::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookSubscriptions::Table.into_iden(),
            OutboxEvents::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
