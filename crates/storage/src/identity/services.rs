//! Services (departments of a town hall) and delegations (elected officials' portfolios): two
//! small catalogues of a municipality, managed by its admin.

use crate::entities::{delegation, service};
use crate::error::{StorageError, duplicate_of};
use crate::versioned::{self, stale_or_missing};
use crate::{Database, Page};
use implication_domain::Precondition;
use implication_domain::identity::{Delegation, Service};
use implication_domain::{AccountId, DelegationId, MunicipalityId, ServiceId, Slug, time};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub async fn create_service(
    db: &Database,
    municipality: MunicipalityId,
    code: &Slug,
    name: &str,
) -> Result<Service, StorageError> {
    let now = time::now();
    let row = service::ActiveModel {
        id: Set(ServiceId::new().as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        code: Set(code.as_str().to_owned()),
        name: Set(name.to_owned()),
        load_limit: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row =
        service::Entity::insert(row).exec_with_returning(db.conn()).await.map_err(|e| duplicate_of(e, &["code"]))?;
    to_service(row)
}

pub async fn list_services(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<&str>,
) -> Result<Page<Service>, StorageError> {
    let mut query = service::Entity::find()
        .filter(service::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(service::Column::Code)
        .limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(service::Column::Code.gt(after));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_service).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Every service of a municipality (a small catalogue an admin keeps), by code.
pub async fn all_services(db: &Database, municipality: MunicipalityId) -> Result<Vec<Service>, StorageError> {
    service::Entity::find()
        .filter(service::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(service::Column::Code)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_service)
        .collect()
}

/// Every delegation of a municipality, by code.
pub async fn all_delegations(db: &Database, municipality: MunicipalityId) -> Result<Vec<Delegation>, StorageError> {
    delegation::Entity::find()
        .filter(delegation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(delegation::Column::Code)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_delegation)
        .collect()
}

pub async fn find_service(
    db: &Database,
    municipality: MunicipalityId,
    code: &str,
) -> Result<Option<Service>, StorageError> {
    service::Entity::find()
        .filter(service::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(service::Column::Code.eq(code))
        .one(db.conn())
        .await?
        .map(to_service)
        .transpose()
}

/// Renames a service and/or sets its load limit (`Some(None)`: none) if it is still at a version
/// `expected` admits.
pub async fn update_service(
    db: &Database,
    municipality: MunicipalityId,
    code: &str,
    expected: &Precondition,
    name: Option<&str>,
    load_limit: Option<Option<u32>>,
) -> Result<Option<Service>, StorageError> {
    let mut update = service::Entity::update_many().col_expr(service::Column::UpdatedAt, Expr::value(time::now()));
    if let Some(name) = name {
        update = update.col_expr(service::Column::Name, Expr::value(name));
    }
    if let Some(limit) = load_limit {
        update = update
            .col_expr(service::Column::LoadLimit, Expr::value(limit.map(|l| i32::try_from(l).unwrap_or(i32::MAX))));
    }
    let update = update
        .filter(service::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(service::Column::Code.eq(code));
    match versioned::update(db, update, service::Column::Version, expected).await? {
        Some(row) => to_service(row).map(Some),
        None => stale_or_missing(find_service(db, municipality, code).await?),
    }
}

pub async fn create_delegation(
    db: &Database,
    municipality: MunicipalityId,
    code: &Slug,
    name: &str,
    holder: Option<AccountId>,
) -> Result<Delegation, StorageError> {
    let now = time::now();
    let row = delegation::ActiveModel {
        id: Set(DelegationId::new().as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        code: Set(code.as_str().to_owned()),
        name: Set(name.to_owned()),
        holder_account_id: Set(holder.map(|h| h.as_uuid())),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row =
        delegation::Entity::insert(row).exec_with_returning(db.conn()).await.map_err(|e| duplicate_of(e, &["code"]))?;
    to_delegation(row)
}

pub async fn list_delegations(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<&str>,
) -> Result<Page<Delegation>, StorageError> {
    let mut query = delegation::Entity::find()
        .filter(delegation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(delegation::Column::Code)
        .limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(delegation::Column::Code.gt(after));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_delegation).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

pub async fn find_delegation(
    db: &Database,
    municipality: MunicipalityId,
    code: &str,
) -> Result<Option<Delegation>, StorageError> {
    delegation::Entity::find()
        .filter(delegation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(delegation::Column::Code.eq(code))
        .one(db.conn())
        .await?
        .map(to_delegation)
        .transpose()
}

/// Renames a delegation and/or changes its holder, if it is still at a version `expected` admits.
pub async fn update_delegation(
    db: &Database,
    municipality: MunicipalityId,
    code: &str,
    expected: &Precondition,
    name: Option<&str>,
    holder: Option<Option<AccountId>>,
) -> Result<Option<Delegation>, StorageError> {
    let mut update = delegation::Entity::update_many()
        .col_expr(delegation::Column::UpdatedAt, Expr::value(time::now()))
        .filter(delegation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(delegation::Column::Code.eq(code));
    if let Some(name) = name {
        update = update.col_expr(delegation::Column::Name, Expr::value(name));
    }
    if let Some(holder) = holder {
        update = update.col_expr(delegation::Column::HolderAccountId, Expr::value(holder.map(|h| h.as_uuid())));
    }
    match versioned::update(db, update, delegation::Column::Version, expected).await? {
        Some(row) => to_delegation(row).map(Some),
        None => stale_or_missing(find_delegation(db, municipality, code).await?),
    }
}

fn slug(value: &str) -> Result<Slug, StorageError> {
    Slug::parse(value).map_err(|e| StorageError::Corrupt(e.to_owned()))
}

fn to_service(row: service::Model) -> Result<Service, StorageError> {
    Ok(Service {
        id: ServiceId::from_uuid(row.id),
        code: slug(&row.code)?,
        name: row.name,
        load_limit: row.load_limit.and_then(|l| u32::try_from(l).ok()),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn to_delegation(row: delegation::Model) -> Result<Delegation, StorageError> {
    Ok(Delegation {
        id: DelegationId::from_uuid(row.id),
        code: slug(&row.code)?,
        name: row.name,
        holder: row.holder_account_id.map(AccountId::from_uuid),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
