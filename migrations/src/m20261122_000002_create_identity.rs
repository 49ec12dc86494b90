//! Identity and access: accounts and their roles per municipality, services, delegations,
//! machine clients, refresh tokens, and the JWT signing keys of the embedded default.

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
enum Accounts {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    PlatformAdmin,
    Active,
    EmailVerified,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    AccountId,
    MunicipalityId,
    Role,
    Active,
    Mayor,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Services {
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
enum ServiceMembers {
    Table,
    ServiceId,
    AccountId,
}

#[derive(DeriveIden)]
enum Delegations {
    Table,
    Id,
    MunicipalityId,
    Code,
    Name,
    HolderAccountId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MachineClients {
    Table,
    Id,
    MunicipalityId,
    ClientId,
    Name,
    Association,
    Scopes,
    SecretHash,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    FamilyId,
    AccountId,
    MunicipalityId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    PrivateKeyPem,
    CreatedAt,
}

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

fn belongs_to_account(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(uuid(Accounts::Id).primary_key())
                    .col(string_len_uniq(Accounts::Email, 254))
                    .col(text(Accounts::PasswordHash))
                    .col(string_len_null(Accounts::DisplayName, 120))
                    .col(boolean(Accounts::PlatformAdmin))
                    .col(boolean(Accounts::Active))
                    .col(boolean(Accounts::EmailVerified))
                    .col(integer(Accounts::Version))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(uuid(Memberships::Id).primary_key())
                    .col(uuid(Memberships::AccountId))
                    .col(uuid(Memberships::MunicipalityId))
                    .col(string_len(Memberships::Role, 20))
                    .col(boolean(Memberships::Active))
                    .col(boolean(Memberships::Mayor).default(false))
                    .col(integer(Memberships::Version))
                    .col(timestamp_with_time_zone(Memberships::CreatedAt))
                    .col(timestamp_with_time_zone(Memberships::UpdatedAt))
                    .foreign_key(&mut belongs_to_account(
                        Memberships::Table,
                        Memberships::AccountId,
                        "fk_memberships_account",
                    ))
                    .foreign_key(&mut belongs_to_municipality(
                        Memberships::Table,
                        Memberships::MunicipalityId,
                        "fk_memberships_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        // One role per person per municipality; listing a town's accounts starts from the town.
        manager
            .create_index(
                Index::create()
                    .name("ux_memberships_municipality_account")
                    .table(Memberships::Table)
                    .col(Memberships::MunicipalityId)
                    .col(Memberships::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_memberships_account")
                    .table(Memberships::Table)
                    .col(Memberships::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Services::Table)
                    .col(uuid(Services::Id).primary_key())
                    .col(uuid(Services::MunicipalityId))
                    .col(string_len(Services::Code, 63))
                    .col(string_len(Services::Name, 120))
                    .col(integer(Services::Version))
                    .col(timestamp_with_time_zone(Services::CreatedAt))
                    .col(timestamp_with_time_zone(Services::UpdatedAt))
                    .foreign_key(&mut belongs_to_municipality(
                        Services::Table,
                        Services::MunicipalityId,
                        "fk_services_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_services_municipality_code")
                    .table(Services::Table)
                    .col(Services::MunicipalityId)
                    .col(Services::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceMembers::Table)
                    .col(uuid(ServiceMembers::ServiceId))
                    .col(uuid(ServiceMembers::AccountId))
                    .primary_key(Index::create().col(ServiceMembers::ServiceId).col(ServiceMembers::AccountId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_members_service")
                            .from(ServiceMembers::Table, ServiceMembers::ServiceId)
                            .to(Services::Table, Services::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut belongs_to_account(
                        ServiceMembers::Table,
                        ServiceMembers::AccountId,
                        "fk_service_members_account",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_service_members_account")
                    .table(ServiceMembers::Table)
                    .col(ServiceMembers::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Delegations::Table)
                    .col(uuid(Delegations::Id).primary_key())
                    .col(uuid(Delegations::MunicipalityId))
                    .col(string_len(Delegations::Code, 63))
                    .col(string_len(Delegations::Name, 120))
                    .col(uuid_null(Delegations::HolderAccountId))
                    .col(integer(Delegations::Version))
                    .col(timestamp_with_time_zone(Delegations::CreatedAt))
                    .col(timestamp_with_time_zone(Delegations::UpdatedAt))
                    .foreign_key(&mut belongs_to_municipality(
                        Delegations::Table,
                        Delegations::MunicipalityId,
                        "fk_delegations_municipality",
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_delegations_holder")
                            .from(Delegations::Table, Delegations::HolderAccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_delegations_municipality_code")
                    .table(Delegations::Table)
                    .col(Delegations::MunicipalityId)
                    .col(Delegations::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MachineClients::Table)
                    .col(uuid(MachineClients::Id).primary_key())
                    .col(uuid(MachineClients::MunicipalityId))
                    .col(string_len_uniq(MachineClients::ClientId, 63))
                    .col(string_len(MachineClients::Name, 120))
                    .col(string_len(MachineClients::Association, 200))
                    .col(string_len(MachineClients::Scopes, 400))
                    .col(string_len(MachineClients::SecretHash, 64))
                    .col(boolean(MachineClients::Active))
                    .col(integer(MachineClients::Version))
                    .col(timestamp_with_time_zone(MachineClients::CreatedAt))
                    .col(timestamp_with_time_zone(MachineClients::UpdatedAt))
                    .foreign_key(&mut belongs_to_municipality(
                        MachineClients::Table,
                        MachineClients::MunicipalityId,
                        "fk_machine_clients_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_machine_clients_municipality")
                    .table(MachineClients::Table)
                    .col(MachineClients::MunicipalityId)
                    .col(MachineClients::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(uuid(RefreshTokens::Id).primary_key())
                    .col(uuid(RefreshTokens::FamilyId))
                    .col(uuid(RefreshTokens::AccountId))
                    .col(uuid_null(RefreshTokens::MunicipalityId))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .foreign_key(&mut belongs_to_account(
                        RefreshTokens::Table,
                        RefreshTokens::AccountId,
                        "fk_refresh_tokens_account",
                    ))
                    .foreign_key(&mut belongs_to_municipality(
                        RefreshTokens::Table,
                        RefreshTokens::MunicipalityId,
                        "fk_refresh_tokens_municipality",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_family")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::FamilyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_account")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .col(string_len(SigningKeys::Kid, 64).primary_key())
                    .col(text(SigningKeys::PrivateKeyPem))
                    .col(timestamp_with_time_zone(SigningKeys::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SigningKeys::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            MachineClients::Table.into_iden(),
            Delegations::Table.into_iden(),
            ServiceMembers::Table.into_iden(),
            Services::Table.into_iden(),
            Memberships::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
