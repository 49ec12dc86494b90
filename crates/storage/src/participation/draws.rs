//! Draws by lot: written once, never changed; listed the latest first.

use super::{corrupt, json};
use crate::entities::draw;
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::participation::Draw;
use implication_domain::participation::draw::{DrawPurpose, Pool, RULE, Seed};
use implication_domain::{DrawId, MunicipalityId, Slug};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

/// A pool as its JSON column keeps it.
#[derive(Serialize, Deserialize)]
struct PoolDocument {
    neighbourhood: String,
    size: u32,
    seats: u32,
    alternates: u32,
    drawn: Vec<u32>,
    alternates_drawn: Vec<u32>,
}

pub async fn insert(db: &Database, draw: &Draw) -> Result<(), StorageError> {
    let pools: Vec<PoolDocument> = draw
        .pools
        .iter()
        .map(|p| PoolDocument {
            neighbourhood: p.neighbourhood.to_string(),
            size: p.size,
            seats: p.seats,
            alternates: p.alternates,
            drawn: p.drawn.clone(),
            alternates_drawn: p.alternates_drawn.clone(),
        })
        .collect();
    let row = draw::ActiveModel {
        id: Set(draw.id.as_uuid()),
        municipality_id: Set(draw.municipality.as_uuid()),
        purpose: Set(draw.purpose.as_str().to_owned()),
        seed: Set(draw.seed.as_str().to_owned()),
        rule: Set(draw.rule.to_owned()),
        pools: Set(json(&pools)),
        drawn_at: Set(draw.drawn_at),
    };
    draw::Entity::insert(row).exec(db.conn()).await?;
    Ok(())
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: DrawId) -> Result<Option<Draw>, StorageError> {
    draw::Entity::find_by_id(id.as_uuid())
        .filter(draw::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct DrawAfter {
    pub drawn_at: DateTime<Utc>,
    pub id: DrawId,
}

/// A page of the municipality's draws, the latest first.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<&DrawAfter>,
) -> Result<Page<Draw>, StorageError> {
    use draw::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if let Some(after) = after {
        condition =
            condition.add(super::before_in_time(Column::DrawnAt, Column::Id, after.drawn_at, after.id.as_uuid()));
    }
    let rows = draw::Entity::find()
        .filter(condition)
        .order_by_desc(Column::DrawnAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn to_domain(row: draw::Model) -> Result<Draw, StorageError> {
    let id = row.id;
    if row.rule != RULE {
        return Err(corrupt(id, format!("rule {:?}", row.rule)));
    }
    let pools: Vec<PoolDocument> = serde_json::from_str(&row.pools).map_err(|e| corrupt(id, e))?;
    Ok(Draw {
        id: DrawId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        purpose: DrawPurpose::parse("purpose", &row.purpose).map_err(|e| corrupt(id, e.message))?,
        seed: Seed::parse("seed", &row.seed).map_err(|e| corrupt(id, e.message))?,
        rule: RULE,
        pools: pools
            .into_iter()
            .map(|p| {
                Ok(Pool {
                    neighbourhood: Slug::parse(&p.neighbourhood).map_err(|e| corrupt(id, e))?,
                    size: p.size,
                    seats: p.seats,
                    alternates: p.alternates,
                    drawn: p.drawn,
                    alternates_drawn: p.alternates_drawn,
                })
            })
            .collect::<Result<_, StorageError>>()?,
        drawn_at: row.drawn_at,
    })
}
