//! Notices: written with their entry in the process's history, in one transaction; lists.

use super::{corrupt, history, neighbourhoods_json, perimeter, streets_json};
use crate::entities::{notice, process};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::NaiveDate;
use implication_domain::participation::notice::NoticeText;
use implication_domain::participation::{Notice, ProcessEvent};
use implication_domain::vocabulary::NoticeMedium;
use implication_domain::{MunicipalityId, NoticeId, ProcessId, Slug};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

/// Writes a new `notice` with its entry in the process's history.
pub async fn insert(db: &Database, notice: &Notice, event: &ProcessEvent) -> Result<(), StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    notice::Entity::insert(notice::ActiveModel {
        id: Set(notice.id.as_uuid()),
        municipality_id: Set(notice.municipality.as_uuid()),
        process_id: Set(notice.process.as_uuid()),
        channel: Set(notice.channel.code().to_owned()),
        perimeter_kind: Set(notice.perimeter.kind.code().to_owned()),
        perimeter_neighbourhoods: Set(neighbourhoods_json(&notice.perimeter)),
        perimeter_streets: Set(streets_json(&notice.perimeter)),
        published_on: Set(notice.published_on),
        text: Set(notice.text.as_str().to_owned()),
        created_at: Set(notice.created_at),
    })
    .exec(&txn)
    .await?;
    history::insert(&txn, notice.municipality, event, None).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: NoticeId) -> Result<Option<Notice>, StorageError> {
    notice::Entity::find_by_id(id.as_uuid())
        .filter(notice::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// What a list of notices keeps.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    pub process: Option<ProcessId>,
    pub channels: Vec<NoticeMedium>,
    /// Notices whose perimeter names this neighbourhood.
    pub neighbourhood: Option<Slug>,
    /// Only the notices out on this local day, of processes opened to the public.
    pub public_on: Option<NaiveDate>,
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct NoticeAfter {
    pub published_on: NaiveDate,
    pub id: NoticeId,
}

/// A page of a municipality's notices, the latest publication first.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &NoticeFilter,
    limit: u64,
    after: Option<&NoticeAfter>,
) -> Result<Page<Notice>, StorageError> {
    use notice::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if let Some(process) = filter.process {
        condition = condition.add(Column::ProcessId.eq(process.as_uuid()));
    }
    if !filter.channels.is_empty() {
        condition = condition.add(Column::Channel.is_in(filter.channels.iter().map(|c| c.code())));
    }
    if let Some(neighbourhood) = &filter.neighbourhood {
        condition = condition.add(Column::PerimeterNeighbourhoods.like(format!("%\"{neighbourhood}\"%")));
    }
    if let Some(today) = filter.public_on {
        let opened = Query::select()
            .column(process::Column::Id)
            .from(process::Entity)
            .and_where(process::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(process::Column::OpenedAt.is_not_null())
            .to_owned();
        condition = condition.add(Column::ProcessId.in_subquery(opened)).add(Column::PublishedOn.lte(today));
    }
    if let Some(after) = after {
        condition = condition.add(
            Condition::any().add(Column::PublishedOn.lt(after.published_on)).add(
                Condition::all()
                    .add(Expr::col(Column::PublishedOn).eq(after.published_on))
                    .add(Column::Id.lt(after.id.as_uuid())),
            ),
        );
    }
    let rows = notice::Entity::find()
        .filter(condition)
        .order_by_desc(Column::PublishedOn)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn to_domain(row: notice::Model) -> Result<Notice, StorageError> {
    let id = row.id;
    Ok(Notice {
        id: NoticeId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        process: ProcessId::from_uuid(row.process_id),
        channel: NoticeMedium::from_code(&row.channel)
            .ok_or_else(|| corrupt(id, format!("channel {}", row.channel)))?,
        perimeter: perimeter(id, &row.perimeter_kind, &row.perimeter_neighbourhoods, &row.perimeter_streets)?,
        published_on: row.published_on,
        text: NoticeText::parse("text", &row.text).map_err(|e| corrupt(id, e.message))?,
        created_at: row.created_at,
    })
}
