//! Evaluation rounds: insert, the versioned update, one by id, a keyset list (newest first) by
//! project and publicity. The survey, the group and the findings are JSON documents.

use crate::entities::evaluation_round;
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::evaluation::round::Round;
use implication_domain::vocabulary::RoundStatus;
use implication_domain::{MunicipalityId, ProjectId, RoundId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn row(r: &Round) -> evaluation_round::ActiveModel {
    evaluation_round::ActiveModel {
        id: Set(r.id.as_uuid()),
        municipality_id: Set(r.municipality.as_uuid()),
        title: Set(r.title.clone()),
        projects: Set(json(&r.projects)),
        status: Set(r.status.code().to_owned()),
        carriers_survey: Set(r.carriers_survey.as_ref().map(json)),
        working_group: Set(r.working_group.as_ref().map(json)),
        findings: Set(json(&r.findings)),
        concluded_at: Set(r.concluded_at),
        version: Set(r.version),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
    }
}

fn to_domain(row: evaluation_round::Model) -> Result<Round, StorageError> {
    let id = row.id;
    let corrupt = |e: &dyn std::fmt::Display| StorageError::Corrupt(format!("evaluation round {id}: {e}"));
    Ok(Round {
        id: RoundId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        title: row.title,
        projects: serde_json::from_str(&row.projects).map_err(|e| corrupt(&e))?,
        status: RoundStatus::from_code(&row.status).ok_or_else(|| corrupt(&format!("status {:?}", row.status)))?,
        carriers_survey: row
            .carriers_survey
            .as_deref()
            .map(|t| serde_json::from_str(t).map_err(|e| corrupt(&e)))
            .transpose()?,
        working_group: row
            .working_group
            .as_deref()
            .map(|t| serde_json::from_str(t).map_err(|e| corrupt(&e)))
            .transpose()?,
        findings: serde_json::from_str(&row.findings).map_err(|e| corrupt(&e))?,
        concluded_at: row.concluded_at,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub async fn insert(db: &Database, r: &Round) -> Result<(), StorageError> {
    evaluation_round::Entity::insert(row(r)).exec(db.conn()).await?;
    Ok(())
}

/// Writes `next` over the row at version `expected`; `Err(Stale)` when it moved on.
pub async fn update(db: &Database, expected: i32, next: &Round) -> Result<Round, StorageError> {
    let written = Round { version: expected + 1, ..next.clone() };
    let update = evaluation_round::Entity::update_many()
        .set(evaluation_round::ActiveModel { id: NotSet, ..row(&written) })
        .filter(evaluation_round::Column::Id.eq(written.id.as_uuid()))
        .filter(evaluation_round::Column::MunicipalityId.eq(written.municipality.as_uuid()));
    crate::versioned::replace(db, update, evaluation_round::Column::Version, expected).await?;
    Ok(written)
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: RoundId) -> Result<Option<Round>, StorageError> {
    evaluation_round::Entity::find_by_id(id.as_uuid())
        .filter(evaluation_round::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// A page of a town's rounds, newest first, after `(created_at, id)`: only the concluded ones
/// when `public_only`; those reviewing `project` when given.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    public_only: bool,
    project: Option<ProjectId>,
    limit: u64,
    after: Option<(DateTime<Utc>, RoundId)>,
) -> Result<Page<Round>, StorageError> {
    use evaluation_round::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if public_only {
        condition = condition.add(Column::Status.eq(RoundStatus::Concluded.code()));
    }
    if let Some(project) = project {
        // The projects are a JSON list of ids: an id is matched whole, quotes included.
        condition = condition.add(Column::Projects.like(format!("%\"{}\"%", project.as_uuid())));
    }
    if let Some((at, id)) = after {
        condition = condition.add(
            Condition::any()
                .add(Column::CreatedAt.lt(at))
                .add(Condition::all().add(Expr::col(Column::CreatedAt).eq(at)).add(Column::Id.lt(id.as_uuid()))),
        );
    }
    let rows = evaluation_round::Entity::find()
        .filter(condition)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}
