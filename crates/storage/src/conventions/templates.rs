//! A municipality's clause templates: one row once its admin wrote them, versioned; none means
//! annex A3's articles 4 to 7.

use crate::Database;
use crate::entities::clause_template;
use crate::error::StorageError;
use chrono::{DateTime, Utc};
use implication_domain::MunicipalityId;
use implication_domain::conventions::convention::{Clause, ClauseTemplates};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The municipality's templates (annex A3's, version 0, until written).
pub async fn find(db: &Database, municipality: MunicipalityId) -> Result<ClauseTemplates, StorageError> {
    let Some(row) = clause_template::Entity::find_by_id(municipality.as_uuid()).one(db.conn()).await? else {
        return Ok(ClauseTemplates::annex_a3());
    };
    let clauses: Vec<Clause> = serde_json::from_str(&row.clauses)
        .map_err(|e| StorageError::Corrupt(format!("clause templates of {}: {e}", row.municipality_id)))?;
    Ok(ClauseTemplates { clauses, version: row.version, updated_at: Some(row.updated_at) })
}

/// Writes `clauses` over the templates at version `expected` (0: annex A3's, never written);
/// another write in between is [`StorageError::Stale`].
pub async fn write(
    db: &Database,
    municipality: MunicipalityId,
    expected: i32,
    clauses: &[Clause],
    now: DateTime<Utc>,
) -> Result<ClauseTemplates, StorageError> {
    let json = serde_json::to_string(clauses).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let row = clause_template::ActiveModel {
        municipality_id: Set(municipality.as_uuid()),
        clauses: Set(json),
        version: Set(expected + 1),
        updated_at: Set(now),
    };
    if expected == 0 {
        // The first write: a concurrent first write hits the primary key.
        match clause_template::Entity::insert(row).exec(db.conn()).await {
            Ok(_) => {}
            Err(err) if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                return Err(StorageError::Stale);
            }
            Err(err) => return Err(err.into()),
        }
    } else {
        let done = clause_template::Entity::update_many()
            .set(row)
            .filter(clause_template::Column::MunicipalityId.eq(municipality.as_uuid()))
            .filter(clause_template::Column::Version.eq(expected))
            .exec(db.conn())
            .await?;
        if done.rows_affected == 0 {
            return Err(StorageError::Stale);
        }
    }
    Ok(ClauseTemplates { clauses: clauses.to_vec(), version: expected + 1, updated_at: Some(now) })
}
