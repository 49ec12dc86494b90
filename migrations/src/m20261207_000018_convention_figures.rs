//! What each convention adds to the indicators (issue 15, item 1): the costs planned and actual of
//! the town and of the other parties, its commitments by how far they were kept (and how many
//! eroded), and its participants — summed up from its text in force and its follow-up (JSON),
//! rewritten with every write of the convention, so that the indicators add up columns.
//! Existing conventions are summed up here, from their stored JSON.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Conventions {
    Table,
    Id,
    MunicipalityId,
    CurrentVersion,
    SignedVersion,
    FollowUp,
}

#[derive(DeriveIden)]
enum ConventionVersions {
    Table,
    ConventionId,
    Number,
    Content,
}

#[derive(DeriveIden)]
enum ConventionFigures {
    Table,
    ConventionId,
    MunicipalityId,
    TownPlannedCents,
    TownActualCents,
    OthersPlannedCents,
    OthersActualCents,
    Commitments,
    Fulfilled,
    PartlyFulfilled,
    NotFulfilled,
    Eroded,
    ParticipantsRegistered,
    ParticipantsAtLeast,
}

const COUNTS: [ConventionFigures; 11] = [
    ConventionFigures::TownPlannedCents,
    ConventionFigures::TownActualCents,
    ConventionFigures::OthersPlannedCents,
    ConventionFigures::OthersActualCents,
    ConventionFigures::Commitments,
    ConventionFigures::Fulfilled,
    ConventionFigures::PartlyFulfilled,
    ConventionFigures::NotFulfilled,
    ConventionFigures::Eroded,
    ConventionFigures::ParticipantsRegistered,
    ConventionFigures::ParticipantsAtLeast,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create()
            .table(ConventionFigures::Table)
            .col(uuid(ConventionFigures::ConventionId).primary_key())
            .col(uuid(ConventionFigures::MunicipalityId))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_convention_figures_convention")
                    .from(ConventionFigures::Table, ConventionFigures::ConventionId)
                    .to(Conventions::Table, Conventions::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        for column in COUNTS {
            table.col(big_integer(column).default(0));
        }
        manager.create_table(table).await?;
        sum_up_existing_conventions(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConventionFigures::Table).to_owned()).await
    }
}

/// Sums up each existing convention from its text in force (`{"parties": [{"id", "kind",
/// "commitments": [{"id", "kind"}]}]}`) and its follow-up (`{"fulfilments": [{"commitment",
/// "status"}], "participants": {"registered": […], "open_events_low_bound"}, "costs": {"parties":
/// [{"party", "planned_cents", "actual_cents"}]}}`).
async fn sum_up_existing_conventions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let conventions = db
        .query_all(
            &Query::select()
                .columns([
                    Conventions::Id,
                    Conventions::MunicipalityId,
                    Conventions::CurrentVersion,
                    Conventions::SignedVersion,
                    Conventions::FollowUp,
                ])
                .from(Conventions::Table)
                .to_owned(),
        )
        .await?;
    let mut texts = BTreeMap::new();
    for row in db
        .query_all(
            &Query::select()
                .columns([ConventionVersions::ConventionId, ConventionVersions::Number, ConventionVersions::Content])
                .from(ConventionVersions::Table)
                .to_owned(),
        )
        .await?
    {
        let convention: Uuid = row.try_get("", "convention_id")?;
        let number: i32 = row.try_get("", "number")?;
        let content: String = row.try_get("", "content")?;
        texts.insert((convention, number), content);
    }
    let parse = |id: Uuid, text: Option<&str>| -> Result<Value, DbErr> {
        text.map(serde_json::from_str)
            .transpose()
            .map(|v| v.unwrap_or(Value::Null))
            .map_err(|e| DbErr::Custom(format!("convention {id}: {e}")))
    };
    for row in conventions {
        let id: Uuid = row.try_get("", "id")?;
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let current: i32 = row.try_get("", "current_version")?;
        let signed: Option<i32> = row.try_get("", "signed_version")?;
        let follow_up: Option<String> = row.try_get("", "follow_up")?;
        let content = parse(id, texts.get(&(id, signed.unwrap_or(current))).map(String::as_str))?;
        let figures = figures(&content, &parse(id, follow_up.as_deref())?);
        let mut insert = Query::insert()
            .into_table(ConventionFigures::Table)
            .columns([ConventionFigures::ConventionId, ConventionFigures::MunicipalityId].into_iter().chain(COUNTS))
            .to_owned();
        let mut values: Vec<SimpleExpr> = vec![id.into(), municipality.into()];
        values.extend(figures.into_iter().map(SimpleExpr::from));
        insert.values(values).map_err(|e| DbErr::Custom(e.to_string()))?;
        db.execute(&insert).await?;
    }
    Ok(())
}

/// The eleven figures, in the order of `COUNTS`.
fn figures(content: &Value, follow_up: &Value) -> [i64; 11] {
    let list = |v: &Value, key: &str| v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_i64).unwrap_or(0);
    let parties = list(content, "parties");
    let town: Vec<String> =
        parties.iter().filter(|p| text(p, "kind") == "municipality").map(|p| text(p, "id")).collect();
    let mut f = [0i64; 11];
    for cost in list(follow_up.get("costs").unwrap_or(&Value::Null), "parties") {
        let offset = if town.contains(&text(&cost, "party")) { 0 } else { 2 };
        f[offset] += number(&cost, "planned_cents");
        f[offset + 1] += number(&cost, "actual_cents");
    }
    let fulfilments = list(follow_up, "fulfilments");
    for commitment in parties.iter().flat_map(|p| list(p, "commitments")) {
        f[4] += 1;
        let Some(kept) = fulfilments.iter().find(|k| text(k, "commitment") == text(&commitment, "id")) else {
            continue;
        };
        let status = text(kept, "status");
        match status.as_str() {
            "fulfilled" => f[5] += 1,
            "partly_fulfilled" => f[6] += 1,
            "not_fulfilled" => f[7] += 1,
            _ => {}
        }
        if text(&commitment, "kind") == "upkeep" && matches!(status.as_str(), "partly_fulfilled" | "not_fulfilled") {
            f[8] += 1;
        }
    }
    let participants = follow_up.get("participants").unwrap_or(&Value::Null);
    f[9] = list(participants, "registered").len() as i64;
    f[10] = Ord::max(f[9], number(participants, "open_events_low_bound"));
    f
}
