//! A project's history: entries only ever added (triggers refuse UPDATE and DELETE).

use super::{code, corrupt};
use crate::entities::project_event;
use crate::error::StorageError;
use crate::requests::actor;
use crate::{Database, Page};
use implication_domain::conventions::ProjectEvent;
use implication_domain::vocabulary::{ProjectEventKind, ProjectStatus, Resolution};
use implication_domain::{MunicipalityId, ProjectEventId, ProjectId, RequestId};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The row of an entry.
pub(super) fn row(municipality: MunicipalityId, event: &ProjectEvent) -> project_event::ActiveModel {
    let code = |v: Option<&'static str>| v.map(str::to_owned);
    project_event::ActiveModel {
        id: Set(event.id.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        project_id: Set(event.project.as_uuid()),
        kind: Set(event.kind.code().to_owned()),
        actor_kind: Set(event.actor.kind().code().to_owned()),
        actor_id: Set(event.actor.id()),
        from_status: Set(code(event.from.map(ProjectStatus::code))),
        to_status: Set(code(event.to.map(ProjectStatus::code))),
        reason: Set(event.reason.clone()),
        resolution: Set(code(event.resolution.map(Resolution::code))),
        related_request_id: Set(event.related_request.map(|r| r.as_uuid())),
        at: Set(event.at),
    }
}

/// A page of a project's history, oldest first, after the entry `after`.
pub async fn history(
    db: &Database,
    municipality: MunicipalityId,
    project: ProjectId,
    limit: u64,
    after: Option<ProjectEventId>,
) -> Result<Page<ProjectEvent>, StorageError> {
    let mut query = project_event::Entity::find()
        .filter(project_event::Column::ProjectId.eq(project.as_uuid()))
        .filter(project_event::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(project_event::Column::Id)
        .limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(project_event::Column::Id.gt(after.as_uuid()));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

fn to_domain(row: project_event::Model) -> Result<ProjectEvent, StorageError> {
    let id = row.id;
    let status = |v: Option<&str>| v.map(|s| code(id, "status", s, ProjectStatus::from_code)).transpose();
    Ok(ProjectEvent {
        id: ProjectEventId::from_uuid(id),
        project: ProjectId::from_uuid(row.project_id),
        kind: code(id, "kind", &row.kind, ProjectEventKind::from_code)?,
        actor: actor(id, &row.actor_kind, row.actor_id).map_err(|_| corrupt(id, "actor"))?,
        at: row.at,
        from: status(row.from_status.as_deref())?,
        to: status(row.to_status.as_deref())?,
        reason: row.reason,
        resolution: row.resolution.as_deref().map(|r| code(id, "resolution", r, Resolution::from_code)).transpose()?,
        related_request: row.related_request_id.map(RequestId::from_uuid),
    })
}
