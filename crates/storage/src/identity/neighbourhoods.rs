//! Neighbourhoods of a municipality: listed by name, added and changed by its admin.

use crate::entities::neighbourhood;
use crate::error::{StorageError, duplicate_of};
use crate::versioned::{self, stale_or_missing};
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::{
    MunicipalityId, Neighbourhood, NeighbourhoodId, NeighbourhoodName, NewNeighbourhood, Population, Precondition, Slug,
};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// A municipality's neighbourhoods by name (then id), after the `(name, id)` key if given.
#[tracing::instrument(skip(db))]
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<(&str, Uuid)>,
) -> Result<Page<Neighbourhood>, StorageError> {
    let mut query = neighbourhood::Entity::find()
        .filter(neighbourhood::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(neighbourhood::Column::Name)
        .order_by_asc(neighbourhood::Column::Id)
        .limit(limit + 1);
    if let Some((name, id)) = after {
        query = query.filter(
            Condition::any()
                .add(neighbourhood::Column::Name.gt(name))
                .add(Condition::all().add(neighbourhood::Column::Name.eq(name)).add(neighbourhood::Column::Id.gt(id))),
        );
    }
    let rows = query.all(db.conn()).await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Every neighbourhood of the municipality, by name (the indicators' lines).
pub async fn all(db: &Database, municipality: MunicipalityId) -> Result<Vec<Neighbourhood>, StorageError> {
    neighbourhood::Entity::find()
        .filter(neighbourhood::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(neighbourhood::Column::Name)
        .order_by_asc(neighbourhood::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Adds neighbourhoods inside the caller's transaction.
pub(crate) async fn insert_all(
    conn: &impl ConnectionTrait,
    municipality: MunicipalityId,
    neighbourhoods: &[NewNeighbourhood],
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    for new in neighbourhoods {
        neighbourhood::Entity::insert(new_row(municipality, new, now))
            .exec(conn)
            .await
            .map_err(|e| duplicate_of(e, &["code"]))?;
    }
    Ok(())
}

fn new_row(municipality: MunicipalityId, new: &NewNeighbourhood, now: DateTime<Utc>) -> neighbourhood::ActiveModel {
    neighbourhood::ActiveModel {
        id: Set(NeighbourhoodId::new().as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name.as_str().to_owned()),
        population: Set(new.population.map(population)),
        version: Set(1),
        created_at: Set(now),
    }
}

fn population(p: Population) -> i32 {
    // At most 100,000,000 (`Population::MAX`): within an i32.
    i32::try_from(p.get()).unwrap_or(i32::MAX)
}

/// Adds `new` to the municipality; a code it has already is a duplicate.
pub async fn create(
    db: &Database,
    municipality: MunicipalityId,
    new: &NewNeighbourhood,
    now: DateTime<Utc>,
) -> Result<Neighbourhood, StorageError> {
    let row = neighbourhood::Entity::insert(new_row(municipality, new, now))
        .exec_with_returning(db.conn())
        .await
        .map_err(|e| duplicate_of(e, &["code"]))?;
    to_domain(row)
}

/// The neighbourhood `code` of the municipality.
pub async fn find(
    db: &Database,
    municipality: MunicipalityId,
    code: &str,
) -> Result<Option<Neighbourhood>, StorageError> {
    neighbourhood::Entity::find()
        .filter(neighbourhood::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(neighbourhood::Column::Code.eq(code))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Writes `next` (its name and population) over neighbourhood `next.code`, while it is at a
/// version `expected` admits.
pub async fn update(
    db: &Database,
    expected: &Precondition,
    next: &Neighbourhood,
) -> Result<Option<Neighbourhood>, StorageError> {
    let update = neighbourhood::Entity::update_many()
        .col_expr(neighbourhood::Column::Name, Expr::value(next.name.as_str()))
        .col_expr(neighbourhood::Column::Population, Expr::value(next.population.map(population)))
        .filter(neighbourhood::Column::MunicipalityId.eq(next.municipality_id.as_uuid()))
        .filter(neighbourhood::Column::Code.eq(next.code.as_str()));
    match versioned::update(db, update, neighbourhood::Column::Version, expected).await? {
        Some(row) => to_domain(row).map(Some),
        None => stale_or_missing(find(db, next.municipality_id, next.code.as_str()).await?),
    }
}

fn to_domain(row: neighbourhood::Model) -> Result<Neighbourhood, StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("neighbourhood {}: {what}", row.id));
    Ok(Neighbourhood {
        id: NeighbourhoodId::from_uuid(row.id),
        municipality_id: MunicipalityId::from_uuid(row.municipality_id),
        code: Slug::parse(&row.code).map_err(corrupt)?,
        name: NeighbourhoodName::parse("name", &row.name).map_err(|e| corrupt(e.message.en()))?,
        population: row
            .population
            .map(|p| Population::parse("population", i64::from(p)))
            .transpose()
            .map_err(|e| corrupt(e.message.en()))?,
        version: row.version,
        created_at: row.created_at,
    })
}

/// Every neighbourhood code of the municipality (to check the code a request names).
pub async fn codes(db: &Database, municipality: MunicipalityId) -> Result<Vec<String>, StorageError> {
    Ok(neighbourhood::Entity::find()
        .select_only()
        .column(neighbourhood::Column::Code)
        .filter(neighbourhood::Column::MunicipalityId.eq(municipality.as_uuid()))
        .into_tuple::<String>()
        .all(db.conn())
        .await?)
}
