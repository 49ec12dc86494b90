//! Lists of processes, newest first, with keyset paging.

use super::to_domain;
use crate::entities::{process, process_request, request};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::participation::Process;
use implication_domain::vocabulary::{ParticipationLevel, ProcessStatus};
use implication_domain::{MunicipalityId, ProcessId, Slug};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// What a list keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<ProcessStatus>,
    pub levels: Vec<ParticipationLevel>,
    /// Processes whose perimeter names this neighbourhood.
    pub neighbourhood: Option<Slug>,
    /// Only the processes opened to the public…
    pub public_only: bool,
    /// …and, beside them, those that gathered a request of this association (a partner's tool
    /// with `processes:read`).
    pub association: Option<String>,
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct After {
    pub created_at: DateTime<Utc>,
    pub id: ProcessId,
}

/// A page of a municipality's processes, newest first.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &Filter,
    limit: u64,
    after: Option<&After>,
) -> Result<Page<Process>, StorageError> {
    use process::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if !filter.statuses.is_empty() {
        condition = condition.add(Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if !filter.levels.is_empty() {
        condition = condition.add(Column::Level.is_in(filter.levels.iter().map(|l| l.code())));
    }
    if let Some(neighbourhood) = &filter.neighbourhood {
        // A JSON array of slugs: a quoted code matches exactly one element (a slug holds no LIKE
        // wildcard).
        condition = condition.add(Column::PerimeterNeighbourhoods.like(format!("%\"{neighbourhood}\"%")));
    }
    if filter.public_only {
        let mut visible = Condition::any().add(Column::OpenedAt.is_not_null());
        if let Some(association) = &filter.association {
            let theirs = Query::select()
                .column(request::Column::Id)
                .from(request::Entity)
                .and_where(request::Column::MunicipalityId.eq(municipality.as_uuid()))
                .and_where(request::Column::Association.eq(association.as_str()))
                .to_owned();
            let gathering = Query::select()
                .column(process_request::Column::ProcessId)
                .from(process_request::Entity)
                .and_where(process_request::Column::MunicipalityId.eq(municipality.as_uuid()))
                .and_where(process_request::Column::RequestId.in_subquery(theirs))
                .to_owned();
            visible = visible.add(Column::Id.in_subquery(gathering));
        }
        condition = condition.add(visible);
    }
    if let Some(after) = after {
        condition = condition.add(
            Condition::any().add(Column::CreatedAt.lt(after.created_at)).add(
                Condition::all()
                    .add(Expr::col(Column::CreatedAt).eq(after.created_at))
                    .add(Column::Id.lt(after.id.as_uuid())),
            ),
        );
    }
    let rows = process::Entity::find()
        .filter(condition)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}
