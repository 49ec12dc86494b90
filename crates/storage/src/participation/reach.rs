//! How minutes reach people: their deliveries (each written with its entry in the process's
//! history, in one transaction) and the reactions readers send back.

use super::{code, corrupt, history, json};
use crate::entities::{minutes_delivery, minutes_reaction};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::identity::Email;
use implication_domain::participation::delivery::{ReactionText, ReaderName};
use implication_domain::participation::{Delivery, ProcessEvent, Reaction};
use implication_domain::vocabulary::{Channel, MinutesAudience, NoticeMedium};
use implication_domain::{DeliveryId, MeetingId, MunicipalityId, ReactionId, Slug};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use std::collections::HashMap;
use uuid::Uuid;

/// Writes `delivery` with its entry in the process's history, in one transaction.
pub async fn insert_delivery(db: &Database, delivery: &Delivery, event: &ProcessEvent) -> Result<(), StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let neighbourhoods: Vec<&str> = delivery.neighbourhoods.iter().map(Slug::as_str).collect();
    let row = minutes_delivery::ActiveModel {
        id: Set(delivery.id.as_uuid()),
        municipality_id: Set(delivery.municipality.as_uuid()),
        meeting_id: Set(delivery.meeting.as_uuid()),
        audience: Set(delivery.audience.code().to_owned()),
        neighbourhoods: Set(json(&neighbourhoods)),
        channel: Set(delivery.channel.code().to_owned()),
        delivered_on: Set(delivery.delivered_on),
        copies: Set(delivery.copies.and_then(|c| i32::try_from(c).ok())),
        created_at: Set(delivery.created_at),
    };
    minutes_delivery::Entity::insert(row).exec(&txn).await?;
    history::insert(&txn, delivery.municipality, event, None).await?;
    txn.commit().await?;
    Ok(())
}

/// How many deliveries a meeting's view shows at most.
pub const DELIVERIES_SHOWN: u64 = 100;

/// The deliveries of these meetings, each meeting's in the order they were made, and how many
/// reactions each received: two statements whatever the number of meetings.
pub async fn reach_of(
    db: &Database,
    municipality: MunicipalityId,
    meetings: &[MeetingId],
) -> Result<HashMap<MeetingId, (Vec<Delivery>, u64)>, StorageError> {
    let mut reach: HashMap<MeetingId, (Vec<Delivery>, u64)> = HashMap::new();
    if meetings.is_empty() {
        return Ok(reach);
    }
    let ids: Vec<Uuid> = meetings.iter().map(|m| m.as_uuid()).collect();
    let rows = minutes_delivery::Entity::find()
        .filter(minutes_delivery::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(minutes_delivery::Column::MeetingId.is_in(ids.clone()))
        .order_by_asc(minutes_delivery::Column::DeliveredOn)
        .order_by_asc(minutes_delivery::Column::Id)
        .all(db.conn())
        .await?;
    for row in rows {
        let delivery = delivery_to_domain(row)?;
        let (list, _) = reach.entry(delivery.meeting).or_default();
        if (list.len() as u64) < DELIVERIES_SHOWN {
            list.push(delivery);
        }
    }
    let counts: Vec<(Uuid, i64)> = minutes_reaction::Entity::find()
        .select_only()
        .column(minutes_reaction::Column::MeetingId)
        .column_as(Expr::col(minutes_reaction::Column::Id).count(), "reactions")
        .filter(minutes_reaction::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(minutes_reaction::Column::MeetingId.is_in(ids))
        .group_by(minutes_reaction::Column::MeetingId)
        .into_tuple()
        .all(db.conn())
        .await?;
    for (meeting, count) in counts {
        reach.entry(MeetingId::from_uuid(meeting)).or_default().1 = u64::try_from(count).unwrap_or(0);
    }
    Ok(reach)
}

fn delivery_to_domain(row: minutes_delivery::Model) -> Result<Delivery, StorageError> {
    let id = row.id;
    let neighbourhoods: Vec<String> = serde_json::from_str(&row.neighbourhoods).map_err(|e| corrupt(id, e))?;
    Ok(Delivery {
        id: DeliveryId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        meeting: MeetingId::from_uuid(row.meeting_id),
        audience: code(id, "audience", &row.audience, MinutesAudience::from_code)?,
        neighbourhoods: neighbourhoods
            .iter()
            .map(|n| Slug::parse(n).map_err(|e| corrupt(id, e)))
            .collect::<Result<_, _>>()?,
        channel: code(id, "channel", &row.channel, NoticeMedium::from_code)?,
        delivered_on: row.delivered_on,
        copies: row.copies.and_then(|c| u32::try_from(c).ok()),
        created_at: row.created_at,
    })
}

pub async fn insert_reaction(db: &Database, reaction: &Reaction) -> Result<(), StorageError> {
    // Anyone may send one: on SQLite, bursts queue here rather than time out on the lock.
    let _turn = db.sqlite_write_turn().await?;
    let row = minutes_reaction::ActiveModel {
        id: Set(reaction.id.as_uuid()),
        municipality_id: Set(reaction.municipality.as_uuid()),
        meeting_id: Set(reaction.meeting.as_uuid()),
        channel: Set(reaction.channel.code().to_owned()),
        text: Set(reaction.text.as_str().to_owned()),
        name: Set(reaction.name.as_ref().map(|n| n.as_str().to_owned())),
        email: Set(reaction.email.as_ref().map(|e| e.as_str().to_owned())),
        received_at: Set(reaction.received_at),
    };
    minutes_reaction::Entity::insert(row).exec(db.conn()).await?;
    Ok(())
}

/// Where the previous page of reactions ended.
#[derive(Debug, Clone)]
pub struct ReactionAfter {
    pub received_at: DateTime<Utc>,
    pub id: ReactionId,
}

/// A page of a meeting's reactions, the latest first.
pub async fn reactions(
    db: &Database,
    municipality: MunicipalityId,
    meeting: MeetingId,
    limit: u64,
    after: Option<&ReactionAfter>,
) -> Result<Page<Reaction>, StorageError> {
    use minutes_reaction::Column;
    let mut condition = Condition::all()
        .add(Column::MunicipalityId.eq(municipality.as_uuid()))
        .add(Column::MeetingId.eq(meeting.as_uuid()));
    if let Some(after) = after {
        condition =
            condition.add(super::before_in_time(Column::ReceivedAt, Column::Id, after.received_at, after.id.as_uuid()));
    }
    let rows = minutes_reaction::Entity::find()
        .filter(condition)
        .order_by_desc(Column::ReceivedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(reaction_to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn reaction_to_domain(row: minutes_reaction::Model) -> Result<Reaction, StorageError> {
    let id = row.id;
    Ok(Reaction {
        id: ReactionId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        meeting: MeetingId::from_uuid(row.meeting_id),
        channel: code(id, "channel", &row.channel, Channel::from_code)?,
        text: ReactionText::parse("text", &row.text).map_err(|e| corrupt(id, e.message))?,
        name: row
            .name
            .as_deref()
            .map(|n| ReaderName::parse("name", n).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        email: row
            .email
            .as_deref()
            .map(|e| Email::parse("email", e).map_err(|e| corrupt(id, e.message)))
            .transpose()?,
        received_at: row.received_at,
    })
}
