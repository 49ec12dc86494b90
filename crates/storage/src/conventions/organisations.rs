//! The town's directory of organisations: insert (a name unique in its town), the versioned
//! update, reads, and a keyset list by name.

use crate::entities::organisation;
use crate::error::StorageError;
use crate::{Database, Page};
use implication_domain::conventions::convention::Representative;
use implication_domain::conventions::organisation::Organisation;
use implication_domain::vocabulary::PartyKind;
use implication_domain::{MunicipalityId, OrganisationId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

fn row(o: &Organisation) -> organisation::ActiveModel {
    organisation::ActiveModel {
        id: Set(o.id.as_uuid()),
        municipality_id: Set(o.municipality.as_uuid()),
        name: Set(o.name.clone()),
        kind: Set(o.kind.code().to_owned()),
        representative_name: Set(o.representative.as_ref().map(|r| r.name.clone())),
        representative_capacity: Set(o.representative.as_ref().map(|r| r.capacity.clone())),
        public: Set(o.public),
        version: Set(o.version),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
}

fn to_domain(row: organisation::Model) -> Result<Organisation, StorageError> {
    let kind = PartyKind::from_code(&row.kind)
        .ok_or_else(|| StorageError::Corrupt(format!("organisation {}: kind {:?}", row.id, row.kind)))?;
    Ok(Organisation {
        id: OrganisationId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        name: row.name,
        kind,
        representative: match (row.representative_name, row.representative_capacity) {
            (Some(name), Some(capacity)) => Some(Representative { name, capacity }),
            _ => None,
        },
        public: row.public,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn taken(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Inserts `o`; `false` when its town has an organisation of that name already.
pub async fn insert(db: &Database, o: &Organisation) -> Result<bool, StorageError> {
    match organisation::Entity::insert(row(o)).exec(db.conn()).await {
        Ok(_) => Ok(true),
        Err(err) if taken(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Writes `next` over the row at version `expected`; `Ok(None)`: its name is taken.
pub async fn update(db: &Database, expected: i32, next: &Organisation) -> Result<Option<Organisation>, StorageError> {
    let written = Organisation { version: expected + 1, ..next.clone() };
    let result = organisation::Entity::update_many()
        .set(organisation::ActiveModel { id: NotSet, ..row(&written) })
        .filter(organisation::Column::Id.eq(written.id.as_uuid()))
        .filter(organisation::Column::MunicipalityId.eq(written.municipality.as_uuid()))
        .filter(organisation::Column::Version.eq(expected))
        .exec(db.conn())
        .await;
    match result {
        Ok(done) if done.rows_affected == 0 => Err(StorageError::Stale),
        Ok(_) => Ok(Some(written)),
        Err(err) if taken(&err) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// The organisation `id` of this municipality.
pub async fn find(
    db: &Database,
    municipality: MunicipalityId,
    id: OrganisationId,
) -> Result<Option<Organisation>, StorageError> {
    organisation::Entity::find_by_id(id.as_uuid())
        .filter(organisation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// These organisations of this municipality (those that exist).
pub async fn find_all(
    db: &Database,
    municipality: MunicipalityId,
    ids: &[OrganisationId],
) -> Result<Vec<Organisation>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    organisation::Entity::find()
        .filter(organisation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(organisation::Column::Id.is_in(ids.iter().map(OrganisationId::as_uuid)))
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// A page of the directory by name, after `(name, id)`; only those listed publicly when
/// `public_only`.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    public_only: bool,
    limit: u64,
    after: Option<(String, OrganisationId)>,
) -> Result<Page<Organisation>, StorageError> {
    use organisation::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if public_only {
        condition = condition.add(Column::Public.eq(true));
    }
    if let Some((name, id)) = after {
        condition = condition.add(
            Condition::any()
                .add(Column::Name.gt(name.clone()))
                .add(Condition::all().add(Expr::col(Column::Name).eq(name)).add(Column::Id.gt(id.as_uuid()))),
        );
    }
    let rows = organisation::Entity::find()
        .filter(condition)
        .order_by_asc(Column::Name)
        .order_by_asc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}
