//! Lists of projects, newest first, with keyset paging.

use super::to_domain;
use crate::entities::{convention, convention_party, project, project_request};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::conventions::Project;
use implication_domain::vocabulary::ProjectStatus;
use implication_domain::{MunicipalityId, OrganisationId, ProcessId, ProjectId, RequestId};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// What a list keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<ProjectStatus>,
    /// The projects that came from this process.
    pub process: Option<ProcessId>,
    /// The projects this request started.
    pub request: Option<RequestId>,
    /// Only the public ones (from signature on, and once ended)…
    pub public_only: bool,
    /// …and, for a partner's tool, those whose convention names its organisation as a party.
    pub party: Option<OrganisationId>,
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct After {
    pub created_at: DateTime<Utc>,
    pub id: ProjectId,
}

/// The statuses in which a project is the services' work in progress, not public.
const PRIVATE: [ProjectStatus; 2] = [ProjectStatus::Diagnosing, ProjectStatus::Drafting];

/// A page of a municipality's projects, newest first.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &Filter,
    limit: u64,
    after: Option<&After>,
) -> Result<Page<Project>, StorageError> {
    use project::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if !filter.statuses.is_empty() {
        condition = condition.add(Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if filter.public_only {
        let public = Column::Status.is_not_in(PRIVATE.iter().map(|s| s.code()));
        condition = match filter.party {
            Some(organisation) => {
                let named = Query::select()
                    .column(convention::Column::ProjectId)
                    .from(convention::Entity)
                    .inner_join(
                        convention_party::Entity,
                        Expr::col((convention_party::Entity, convention_party::Column::ConventionId))
                            .equals((convention::Entity, convention::Column::Id)),
                    )
                    .and_where(
                        Expr::col((convention_party::Entity, convention_party::Column::MunicipalityId))
                            .eq(municipality.as_uuid()),
                    )
                    .and_where(
                        Expr::col((convention_party::Entity, convention_party::Column::OrganisationId))
                            .eq(organisation.as_uuid()),
                    )
                    .to_owned();
                condition.add(Condition::any().add(public).add(Column::Id.in_subquery(named)))
            }
            None => condition.add(public),
        };
    }
    if let Some(process) = filter.process {
        condition = condition.add(Column::ProcessId.eq(process.as_uuid()));
    }
    if let Some(request) = filter.request {
        let started = Query::select()
            .column(project_request::Column::ProjectId)
            .from(project_request::Entity)
            .and_where(project_request::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(project_request::Column::RequestId.eq(request.as_uuid()))
            .to_owned();
        condition = condition.add(Column::Id.in_subquery(started));
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
    let rows = project::Entity::find()
        .filter(condition)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}
