//! Partner tools acting for an organisation of the directory (issue 14, item 10), lists that
//! tell `active` from `signed`, and each town's own clause templates (item 4).
//!
//! - A machine client may be linked to an organisation of its town's directory
//!   (`machine_clients.organisation_id`, nullable: existing clients are linked to none). With
//!   `projects:read` it then reads the projects and conventions naming that organisation as a
//!   party; with `projects:write` it records its own commitments' fulfilment.
//! - `convention_parties` indexes which organisations a convention names as parties, in any of
//!   its versions (a version's parties are inside its JSON text): a partner's list of projects is
//!   one statement.
//! - `conventions.starts_on` copies the start of the period in force (the signed version's, else
//!   the current one's) from its JSON text, so that a list tells `active` (signed, its period
//!   begun) from `signed` in SQL.
//! - `clause_templates` holds the clauses a town's new conventions start with, once its admin
//!   wrote them (one row per municipality; none: annex A3's articles 4 to 7).
//!
//! Existing conventions are indexed from their versions here.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ClauseTemplates {
    Table,
    MunicipalityId,
    Clauses,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MachineClients {
    Table,
    OrganisationId,
}

#[derive(DeriveIden)]
enum Conventions {
    Table,
    Id,
    CurrentVersion,
    SignedVersion,
    StartsOn,
}

#[derive(DeriveIden)]
enum ConventionVersions {
    Table,
    ConventionId,
    Number,
    MunicipalityId,
    Content,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ConventionParties {
    Table,
    ConventionId,
    OrganisationId,
    MunicipalityId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MachineClients::Table)
                    .add_column(uuid_null(MachineClients::OrganisationId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Conventions::Table).add_column(date_null(Conventions::StartsOn)).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConventionParties::Table)
                    .col(uuid(ConventionParties::ConventionId))
                    .col(uuid(ConventionParties::OrganisationId))
                    .col(uuid(ConventionParties::MunicipalityId))
                    .primary_key(
                        Index::create().col(ConventionParties::ConventionId).col(ConventionParties::OrganisationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_parties_convention")
                            .from(ConventionParties::Table, ConventionParties::ConventionId)
                            .to(Conventions::Table, Conventions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_convention_parties_organisation")
                            .from(ConventionParties::Table, ConventionParties::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_convention_parties_organisation")
                    .table(ConventionParties::Table)
                    .col(ConventionParties::MunicipalityId)
                    .col(ConventionParties::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClauseTemplates::Table)
                    .col(uuid(ClauseTemplates::MunicipalityId).primary_key())
                    .col(text(ClauseTemplates::Clauses))
                    .col(integer(ClauseTemplates::Version))
                    .col(timestamp_with_time_zone(ClauseTemplates::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_clause_templates_municipality")
                            .from(ClauseTemplates::Table, ClauseTemplates::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index_existing_conventions(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ClauseTemplates::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ConventionParties::Table).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(Conventions::Table).drop_column(Conventions::StartsOn).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table(MachineClients::Table).drop_column(MachineClients::OrganisationId).to_owned(),
            )
            .await?;
        Ok(())
    }
}

/// Indexes each existing convention from its versions' texts (`{"starts_on": "YYYY-MM-DD" | null,
/// "parties": [{"organisation": "<uuid>" | null, …}, …], …}`): the organisations it names, and
/// the start of the period in force.
async fn index_existing_conventions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let conventions = db
        .query_all(
            &Query::select()
                .columns([Conventions::Id, Conventions::CurrentVersion, Conventions::SignedVersion])
                .from(Conventions::Table)
                .to_owned(),
        )
        .await?;
    let mut in_force = std::collections::BTreeMap::new();
    for row in conventions {
        let id: Uuid = row.try_get("", "id")?;
        let current: i32 = row.try_get("", "current_version")?;
        let signed: Option<i32> = row.try_get("", "signed_version")?;
        in_force.insert(id, signed.unwrap_or(current));
    }
    let rows = db
        .query_all(
            &Query::select()
                .columns([
                    ConventionVersions::ConventionId,
                    ConventionVersions::Number,
                    ConventionVersions::MunicipalityId,
                    ConventionVersions::Content,
                ])
                .from(ConventionVersions::Table)
                .to_owned(),
        )
        .await?;
    let mut named = BTreeSet::new();
    for row in rows {
        let convention: Uuid = row.try_get("", "convention_id")?;
        let number: i32 = row.try_get("", "number")?;
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let content: String = row.try_get("", "content")?;
        let content: serde_json::Value =
            serde_json::from_str(&content).map_err(|e| DbErr::Custom(format!("convention {convention}: {e}")))?;
        if in_force.get(&convention) == Some(&number) {
            let starts_on = content
                .get("starts_on")
                .and_then(|d| d.as_str())
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            db.execute(
                &Query::update()
                    .table(Conventions::Table)
                    .value(Conventions::StartsOn, starts_on)
                    .and_where(Expr::col(Conventions::Id).eq(convention))
                    .to_owned(),
            )
            .await?;
        }
        let parties = content.get("parties").and_then(|p| p.as_array()).cloned().unwrap_or_default();
        for party in parties {
            if let Some(organisation) =
                party.get("organisation").and_then(|o| o.as_str()).and_then(|o| Uuid::parse_str(o).ok())
            {
                named.insert((convention, organisation, municipality));
            }
        }
    }
    for (convention, organisation, municipality) in named {
        let mut insert = Query::insert()
            .into_table(ConventionParties::Table)
            .columns([
                ConventionParties::ConventionId,
                ConventionParties::OrganisationId,
                ConventionParties::MunicipalityId,
            ])
            .to_owned();
        insert
            .values([convention.into(), organisation.into(), municipality.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        db.execute(&insert).await?;
    }
    Ok(())
}
