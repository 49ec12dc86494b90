//! Municipalities: list, find, create (with their first neighbourhoods, in one transaction).

use crate::entities::municipality;
use crate::error::{StorageError, duplicate_of};
use crate::versioned::{self, stale_or_missing};
use crate::{Database, Page};
use implication_domain::Precondition;
use implication_domain::{
    InseeCode, Municipality, MunicipalityId, MunicipalityName, MunicipalitySettings, NewMunicipality, NewNeighbourhood,
    Population, Slug, time,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

/// Municipalities in slug order, after the slug `after` if given.
#[tracing::instrument(skip(db))]
pub async fn list(db: &Database, limit: u64, after: Option<&str>) -> Result<Page<Municipality>, StorageError> {
    let mut query = municipality::Entity::find().order_by_asc(municipality::Column::Slug).limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(municipality::Column::Slug.gt(after));
    }
    let rows = query.all(db.conn()).await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// The municipality of `slug`, from the cache when it holds it (see `cache`: another instance's
/// change to its settings shows within the cache's time to live). For the calls that only need
/// to know which municipality a path names, and its settings.
pub async fn resolve(db: &Database, slug: &str) -> Result<Option<Municipality>, StorageError> {
    if let Some(found) = db.caches().municipalities.get(slug) {
        return Ok(Some(found));
    }
    let read_at = db.caches().municipalities.generation();
    let found = find_by_slug(db, slug).await?;
    if let Some(municipality) = &found {
        db.caches().municipalities.put_if_current(slug.to_owned(), municipality.clone(), read_at);
    }
    Ok(found)
}

/// The slugs of the municipalities `ids` names (those that exist).
pub async fn slugs(
    db: &Database,
    ids: &[MunicipalityId],
) -> Result<std::collections::BTreeMap<MunicipalityId, String>, StorageError> {
    let rows: Vec<(uuid::Uuid, String)> = municipality::Entity::find()
        .select_only()
        .column(municipality::Column::Id)
        .column(municipality::Column::Slug)
        .filter(municipality::Column::Id.is_in(ids.iter().map(|m| m.as_uuid())))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|(id, slug)| (MunicipalityId::from_uuid(id), slug)).collect())
}

/// The municipality of `slug`, as the database holds it now.
#[tracing::instrument(skip(db))]
pub async fn find_by_slug(db: &Database, slug: &str) -> Result<Option<Municipality>, StorageError> {
    let row = municipality::Entity::find().filter(municipality::Column::Slug.eq(slug)).one(db.conn()).await?;
    row.map(to_domain).transpose()
}

/// Creates a municipality and its neighbourhoods, all or nothing.
#[tracing::instrument(skip_all, fields(slug = %new.slug))]
pub async fn create(
    db: &Database,
    new: &NewMunicipality,
    neighbourhoods: &[NewNeighbourhood],
) -> Result<Municipality, StorageError> {
    let now = time::now();
    let id = MunicipalityId::new();
    let txn = db.conn().begin().await?;
    let row = municipality::ActiveModel {
        id: Set(id.as_uuid()),
        slug: Set(new.slug.as_str().to_owned()),
        name: Set(new.name.as_str().to_owned()),
        insee_code: Set(new.insee_code.as_str().to_owned()),
        population: Set(i64::from(new.population.get())),
        answer_delay_days: Set(i32::from(new.settings.answer_delay_days)),
        minutes_delay_days: Set(i32::from(new.settings.minutes_delay_days)),
        time_zone: Set(new.settings.time_zone.name().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    municipality::Entity::insert(row).exec(&txn).await.map_err(|e| duplicate_of(e, &["slug", "insee_code"]))?;
    super::neighbourhoods::insert_all(&txn, id, neighbourhoods, now).await?;
    crate::requests::themes::insert_defaults(&txn, id, now).await?;
    txn.commit().await?;
    find_by_slug(db, new.slug.as_str())
        .await?
        .ok_or_else(|| StorageError::Corrupt(format!("municipality {} vanished after insert", new.slug)))
}

pub(crate) fn to_domain(row: municipality::Model) -> Result<Municipality, StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("municipality {}: {what}", row.id));
    let settings = MunicipalitySettings::parse(
        Some(row.answer_delay_days.into()),
        Some(row.minutes_delay_days.into()),
        Some(&row.time_zone),
    )
    .map_err(|e| corrupt(&e.to_string()))?;
    Ok(Municipality {
        id: MunicipalityId::from_uuid(row.id),
        slug: Slug::parse(&row.slug).map_err(corrupt)?,
        name: MunicipalityName::parse("name", &row.name).map_err(|e| corrupt(e.message.en()))?,
        insee_code: InseeCode::parse("insee_code", &row.insee_code).map_err(|e| corrupt(e.message.en()))?,
        population: Population::parse("population", row.population).map_err(|e| corrupt(e.message.en()))?,
        settings,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Changes to a municipality; `None` keeps the value.
#[derive(Debug, Default)]
pub struct MunicipalityChanges {
    pub name: Option<MunicipalityName>,
    pub population: Option<Population>,
    pub settings: Option<MunicipalitySettings>,
}

/// Applies changes if the municipality is still at a version `expected` admits.
pub async fn update(
    db: &Database,
    slug: &str,
    expected: &Precondition,
    changes: MunicipalityChanges,
) -> Result<Option<Municipality>, StorageError> {
    use sea_orm::sea_query::Expr;
    let mut update = municipality::Entity::update_many()
        .col_expr(municipality::Column::UpdatedAt, Expr::value(time::now()))
        .filter(municipality::Column::Slug.eq(slug));
    if let Some(name) = changes.name {
        update = update.col_expr(municipality::Column::Name, Expr::value(name.as_str()));
    }
    if let Some(population) = changes.population {
        update = update.col_expr(municipality::Column::Population, Expr::value(i64::from(population.get())));
    }
    if let Some(settings) = changes.settings {
        update = update
            .col_expr(municipality::Column::AnswerDelayDays, Expr::value(i32::from(settings.answer_delay_days)))
            .col_expr(municipality::Column::MinutesDelayDays, Expr::value(i32::from(settings.minutes_delay_days)))
            .col_expr(municipality::Column::TimeZone, Expr::value(settings.time_zone.name()));
    }
    let updated = versioned::update(db, update, municipality::Column::Version, expected).await;
    // After the commit: a read that began before it is not kept (see `TtlCache::put_if_current`).
    db.caches().municipalities.evict(slug);
    match updated? {
        Some(row) => to_domain(row).map(Some),
        None => stale_or_missing(find_by_slug(db, slug).await?),
    }
}
