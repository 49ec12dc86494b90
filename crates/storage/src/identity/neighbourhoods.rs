//! Neighbourhoods of a municipality.

use crate::entities::neighbourhood;
use crate::error::{StorageError, duplicate_of};
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::{MunicipalityId, Neighbourhood, NeighbourhoodId, NeighbourhoodName, NewNeighbourhood, Slug};
use sea_orm::sea_query::Condition;
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

/// Adds neighbourhoods inside the caller's transaction.
pub(crate) async fn insert_all(
    conn: &impl ConnectionTrait,
    municipality: MunicipalityId,
    neighbourhoods: &[NewNeighbourhood],
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    for new in neighbourhoods {
        let row = neighbourhood::ActiveModel {
            id: Set(NeighbourhoodId::new().as_uuid()),
            municipality_id: Set(municipality.as_uuid()),
            code: Set(new.code.as_str().to_owned()),
            name: Set(new.name.as_str().to_owned()),
            created_at: Set(now),
        };
        neighbourhood::Entity::insert(row).exec(conn).await.map_err(|e| duplicate_of(e, &["code"]))?;
    }
    Ok(())
}

fn to_domain(row: neighbourhood::Model) -> Result<Neighbourhood, StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("neighbourhood {}: {what}", row.id));
    Ok(Neighbourhood {
        id: NeighbourhoodId::from_uuid(row.id),
        municipality_id: MunicipalityId::from_uuid(row.municipality_id),
        code: Slug::parse(&row.code).map_err(corrupt)?,
        name: NeighbourhoodName::parse("name", &row.name).map_err(|e| corrupt(e.message.en()))?,
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
