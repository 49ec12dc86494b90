//! Themes: each municipality's catalogue of subjects. Every municipality starts with the
//! domain's default catalogue.

use crate::entities::theme;
use crate::error::{StorageError, duplicate_of};
use crate::versioned::{self, stale_or_missing};
use crate::{Database, Page};
use implication_domain::Precondition;
use implication_domain::requests::theme::{DEFAULT_THEMES, Theme};
use implication_domain::time;
use implication_domain::{MunicipalityId, Slug, ThemeId};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;

/// Gives a new municipality the default catalogue (inside its creation's transaction).
pub(crate) async fn insert_defaults(
    conn: &impl ConnectionTrait,
    municipality: MunicipalityId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StorageError> {
    let rows = DEFAULT_THEMES.iter().map(|(code, name)| theme::ActiveModel {
        id: Set(ThemeId::new().as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        code: Set((*code).to_owned()),
        name: Set((*name).to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    theme::Entity::insert_many(rows).exec(conn).await?;
    Ok(())
}

/// Adds a theme to a municipality's catalogue; its code is unique there.
pub async fn create(
    db: &Database,
    municipality: MunicipalityId,
    code: &Slug,
    name: &str,
) -> Result<Theme, StorageError> {
    let now = time::now();
    let row = theme::ActiveModel {
        id: Set(ThemeId::new().as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        code: Set(code.as_str().to_owned()),
        name: Set(name.to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row =
        theme::Entity::insert(row).exec_with_returning(db.conn()).await.map_err(|e| duplicate_of(e, &["code"]))?;
    db.caches().codes.evict(&municipality.as_uuid());
    to_domain(row)
}

pub async fn find(db: &Database, municipality: MunicipalityId, code: &str) -> Result<Option<Theme>, StorageError> {
    theme::Entity::find()
        .filter(theme::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(theme::Column::Code.eq(code))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Renames a theme if it is still at a version `expected` admits (its code, which requests hold, stays).
pub async fn rename(
    db: &Database,
    municipality: MunicipalityId,
    code: &str,
    expected: &Precondition,
    name: &str,
) -> Result<Option<Theme>, StorageError> {
    let update = theme::Entity::update_many()
        .col_expr(theme::Column::Name, Expr::value(name))
        .col_expr(theme::Column::UpdatedAt, Expr::value(time::now()))
        .filter(theme::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(theme::Column::Code.eq(code));
    match versioned::update(db, update, theme::Column::Version, expected).await? {
        Some(row) => to_domain(row).map(Some),
        None => stale_or_missing(find(db, municipality, code).await?),
    }
}

/// The catalogue in code order, after the code `after` if given.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<&str>,
) -> Result<Page<Theme>, StorageError> {
    let mut query = theme::Entity::find()
        .filter(theme::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(theme::Column::Code)
        .limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(theme::Column::Code.gt(after));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Every theme code of the municipality (to check the codes a request names).
pub async fn codes(db: &Database, municipality: MunicipalityId) -> Result<Vec<String>, StorageError> {
    Ok(theme::Entity::find()
        .select_only()
        .column(theme::Column::Code)
        .filter(theme::Column::MunicipalityId.eq(municipality.as_uuid()))
        .into_tuple::<String>()
        .all(db.conn())
        .await?)
}

/// The theme and neighbourhood codes a request of a municipality may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueCodes {
    pub themes: Vec<String>,
    pub neighbourhoods: Vec<String>,
}

/// The codes, from the cache when it holds them (see `cache`). Codes are only ever added, never
/// removed nor changed: a cached list may lack a code another instance just added, never hold
/// one that is gone. A caller that finds a code missing reads [`catalogue_codes_fresh`].
pub async fn catalogue_codes(db: &Database, municipality: MunicipalityId) -> Result<Arc<CatalogueCodes>, StorageError> {
    match db.caches().codes.get(&municipality.as_uuid()) {
        Some(codes) => Ok(codes),
        None => catalogue_codes_fresh(db, municipality).await,
    }
}

/// The codes as the database holds them now (and into the cache).
pub async fn catalogue_codes_fresh(
    db: &Database,
    municipality: MunicipalityId,
) -> Result<Arc<CatalogueCodes>, StorageError> {
    let read_at = db.caches().codes.generation();
    let codes = Arc::new(CatalogueCodes {
        themes: codes(db, municipality).await?,
        neighbourhoods: crate::identity::neighbourhoods::codes(db, municipality).await?,
    });
    db.caches().codes.put_if_current(municipality.as_uuid(), codes.clone(), read_at);
    Ok(codes)
}

fn to_domain(row: theme::Model) -> Result<Theme, StorageError> {
    let code = Slug::parse(&row.code).map_err(|e| StorageError::Corrupt(format!("theme code {}: {e}", row.code)))?;
    Ok(Theme {
        id: ThemeId::from_uuid(row.id),
        code,
        name: row.name,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
