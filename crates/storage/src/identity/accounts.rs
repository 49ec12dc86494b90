//! Accounts, and their roles in municipalities (memberships) and services.

use crate::entities::{account, membership, municipality, service, service_member};
use crate::error::{StorageError, duplicate_of};
use crate::{Database, Page, versioned};
use implication_domain::Precondition;
use implication_domain::identity::{Account, Email, Membership, MunicipalAccount};
use implication_domain::vocabulary::Role;
use implication_domain::{AccountId, MunicipalityId, ServiceId, Slug, time};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// What a new account needs; the password arrives already hashed.
#[derive(Debug)]
pub struct NewAccount<'a> {
    pub email: &'a Email,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub platform_admin: bool,
}

/// Changes an admin makes to an account of their municipality; `None` keeps the value.
#[derive(Debug, Default)]
pub struct MemberChanges {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub display_name: Option<Option<String>>,
    pub services: Option<Vec<ServiceId>>,
    /// Making someone mayor removes the title from whoever held it: a town has one mayor.
    pub mayor: Option<bool>,
}

pub async fn create(db: &Database, new: NewAccount<'_>) -> Result<Account, StorageError> {
    insert(db.conn(), new).await
}

async fn insert(conn: &impl ConnectionTrait, new: NewAccount<'_>) -> Result<Account, StorageError> {
    let now = time::now();
    let row = account::ActiveModel {
        id: Set(AccountId::new().as_uuid()),
        email: Set(new.email.as_str().to_owned()),
        password_hash: Set(new.password_hash),
        display_name: Set(new.display_name),
        platform_admin: Set(new.platform_admin),
        active: Set(true),
        email_verified: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row = account::Entity::insert(row).exec_with_returning(conn).await.map_err(|e| duplicate_of(e, &["email"]))?;
    to_account(row)
}

/// The account with this email, and its password hash (for a login).
pub async fn find_with_password_by_email(
    db: &Database,
    email: &Email,
) -> Result<Option<(Account, String)>, StorageError> {
    let row = account::Entity::find().filter(account::Column::Email.eq(email.as_str())).one(db.conn()).await?;
    row.map(|row| {
        let hash = row.password_hash.clone();
        to_account(row).map(|account| (account, hash))
    })
    .transpose()
}

pub async fn find_with_password(db: &Database, id: AccountId) -> Result<Option<(Account, String)>, StorageError> {
    let row = account::Entity::find_by_id(id.as_uuid()).one(db.conn()).await?;
    row.map(|row| {
        let hash = row.password_hash.clone();
        to_account(row).map(|account| (account, hash))
    })
    .transpose()
}

pub async fn find(db: &Database, id: AccountId) -> Result<Option<Account>, StorageError> {
    account::Entity::find_by_id(id.as_uuid()).one(db.conn()).await?.map(to_account).transpose()
}

pub async fn set_password_hash(db: &Database, id: AccountId, password_hash: String) -> Result<(), StorageError> {
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(account::Column::UpdatedAt, Expr::value(time::now()))
        .col_expr(account::Column::Version, Expr::col(account::Column::Version).add(1))
        .filter(account::Column::Id.eq(id.as_uuid()))
        .exec(db.conn())
        .await?;
    Ok(())
}

pub async fn set_platform_admin(db: &Database, id: AccountId) -> Result<(), StorageError> {
    account::Entity::update_many()
        .col_expr(account::Column::PlatformAdmin, Expr::value(true))
        .col_expr(account::Column::UpdatedAt, Expr::value(time::now()))
        .filter(account::Column::Id.eq(id.as_uuid()))
        .exec(db.conn())
        .await?;
    Ok(())
}

/// Every role of an account, with the municipality's slug.
pub async fn memberships(db: &Database, id: AccountId) -> Result<Vec<Membership>, StorageError> {
    let rows = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(id.as_uuid()))
        .find_also_related(municipality::Entity)
        .order_by_asc(membership::Column::CreatedAt)
        .all(db.conn())
        .await?;
    rows.into_iter()
        .filter_map(|(m, town)| town.map(|town| (m, town)))
        .map(|(m, town)| {
            Ok(Membership {
                municipality: Slug::parse(&town.slug).map_err(|e| StorageError::Corrupt(e.to_owned()))?,
                role: parse_role(&m.role)?,
                active: m.active,
            })
        })
        .collect()
}

/// Whether an account (and, for a municipality, its role there) may still use its tokens.
pub async fn is_active(db: &Database, id: AccountId, municipality: Option<&Slug>) -> Result<bool, StorageError> {
    let Some(row) = account::Entity::find_by_id(id.as_uuid()).one(db.conn()).await? else { return Ok(false) };
    if !row.active {
        return Ok(false);
    }
    let Some(slug) = municipality else { return Ok(true) };
    let found = membership::Entity::find()
        .inner_join(municipality::Entity)
        .filter(membership::Column::AccountId.eq(id.as_uuid()))
        .filter(municipality::Column::Slug.eq(slug.as_str()))
        .one(db.conn())
        .await?;
    // No membership: a platform admin acting in a municipality; their account flag decides.
    Ok(found.map_or(row.platform_admin, |m| m.active))
}

/// Gives an existing account a role in a municipality (or creates the account first).
pub async fn add_member(
    db: &Database,
    municipality: MunicipalityId,
    account: Option<AccountId>,
    new: Option<NewAccount<'_>>,
    role: Role,
) -> Result<MunicipalAccount, StorageError> {
    let txn = db.conn().begin().await?;
    let account_id = match (account, new) {
        (Some(id), _) => id,
        (None, Some(new)) => insert(&txn, new).await?.id,
        (None, None) => return Err(StorageError::Corrupt("add_member needs an account".to_owned())),
    };
    let now = time::now();
    let row = membership::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(account_id.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        role: Set(role.code().to_owned()),
        active: Set(true),
        mayor: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    membership::Entity::insert(row).exec(&txn).await.map_err(|e| duplicate_of(e, &["account"]))?;
    txn.commit().await?;
    find_member(db, municipality, account_id)
        .await?
        .ok_or_else(|| StorageError::Corrupt("membership vanished after insert".to_owned()))
}

pub async fn find_member(
    db: &Database,
    municipality: MunicipalityId,
    account: AccountId,
) -> Result<Option<MunicipalAccount>, StorageError> {
    member_on(db.conn(), municipality, account).await
}

/// A member, read on `conn` (inside a transaction, the member as that transaction wrote it).
async fn member_on<C: sea_orm::ConnectionTrait>(
    conn: &C,
    municipality: MunicipalityId,
    account: AccountId,
) -> Result<Option<MunicipalAccount>, StorageError> {
    let row = membership::Entity::find()
        .filter(membership::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(membership::Column::AccountId.eq(account.as_uuid()))
        .find_also_related(account::Entity)
        .one(conn)
        .await?;
    let Some((m, Some(a))) = row else { return Ok(None) };
    let mut services = services_of(conn, municipality, &[a.id]).await?;
    Ok(Some(to_member(m, a, services.remove(&account.as_uuid()).unwrap_or_default())?))
}

/// A municipality's accounts, by email then id, after the `(email, id)` key if given.
pub async fn list_members(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<(&str, Uuid)>,
) -> Result<Page<MunicipalAccount>, StorageError> {
    let mut query = membership::Entity::find()
        .filter(membership::Column::MunicipalityId.eq(municipality.as_uuid()))
        .find_also_related(account::Entity)
        .order_by_asc(account::Column::Email)
        .order_by_asc(account::Column::Id)
        .limit(limit + 1);
    if let Some((email, id)) = after {
        query = query.filter(
            Condition::any()
                .add(account::Column::Email.gt(email))
                .add(Condition::all().add(account::Column::Email.eq(email)).add(account::Column::Id.gt(id))),
        );
    }
    let rows = query.all(db.conn()).await?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|(_, a)| a.as_ref().map(|a| a.id)).collect();
    let mut services = services_of(db.conn(), municipality, &ids).await?;
    let items = rows
        .into_iter()
        .filter_map(|(m, a)| a.map(|a| (m, a)))
        .map(|(m, a)| {
            let account_services = services.remove(&a.id).unwrap_or_default();
            to_member(m, a, account_services)
        })
        .collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Applies an admin's changes if the membership is still at a version `expected` admits.
/// `Ok(None)`: no such member; `Err(Stale)`: changed meanwhile.
pub async fn update_member(
    db: &Database,
    municipality: MunicipalityId,
    account: AccountId,
    expected: &Precondition,
    changes: MemberChanges,
) -> Result<Option<MunicipalAccount>, StorageError> {
    let txn = db.conn().begin().await?;
    let now = time::now();
    let mut update = membership::Entity::update_many()
        .col_expr(membership::Column::Version, Expr::col(membership::Column::Version).add(1))
        .col_expr(membership::Column::UpdatedAt, Expr::value(now))
        .filter(membership::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(membership::Column::AccountId.eq(account.as_uuid()))
        .filter(versioned::admitted(membership::Column::Version, expected));
    if let Some(role) = changes.role {
        update = update.col_expr(membership::Column::Role, Expr::value(role.code()));
    }
    if let Some(active) = changes.active {
        update = update.col_expr(membership::Column::Active, Expr::value(active));
    }
    if let Some(mayor) = changes.mayor {
        update = update.col_expr(membership::Column::Mayor, Expr::value(mayor));
    }
    let updated = update.exec(&txn).await?;
    if updated.rows_affected == 0 {
        let exists = membership::Entity::find()
            .filter(membership::Column::MunicipalityId.eq(municipality.as_uuid()))
            .filter(membership::Column::AccountId.eq(account.as_uuid()))
            .one(&txn)
            .await?
            .is_some();
        return if exists { Err(StorageError::Stale) } else { Ok(None) };
    }
    if changes.mayor == Some(true) {
        membership::Entity::update_many()
            .col_expr(membership::Column::Mayor, Expr::value(false))
            .col_expr(membership::Column::Version, Expr::col(membership::Column::Version).add(1))
            .filter(membership::Column::MunicipalityId.eq(municipality.as_uuid()))
            .filter(membership::Column::AccountId.ne(account.as_uuid()))
            .filter(membership::Column::Mayor.eq(true))
            .exec(&txn)
            .await?;
    }
    if let Some(display_name) = changes.display_name {
        account::Entity::update_many()
            .col_expr(account::Column::DisplayName, Expr::value(display_name))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(account.as_uuid()))
            .exec(&txn)
            .await?;
    }
    if let Some(services) = changes.services {
        let in_town: Vec<Uuid> = service::Entity::find()
            .select_only()
            .column(service::Column::Id)
            .filter(service::Column::MunicipalityId.eq(municipality.as_uuid()))
            .into_tuple()
            .all(&txn)
            .await?;
        service_member::Entity::delete_many()
            .filter(service_member::Column::AccountId.eq(account.as_uuid()))
            .filter(service_member::Column::ServiceId.is_in(in_town))
            .exec(&txn)
            .await?;
        for service in services {
            let row =
                service_member::ActiveModel { service_id: Set(service.as_uuid()), account_id: Set(account.as_uuid()) };
            service_member::Entity::insert(row).exec(&txn).await?;
        }
    }
    // The member as this transaction wrote it: a read after the commit could see a later
    // change, and hand out its ETag with this body.
    let written = member_on(&txn, municipality, account).await?;
    txn.commit().await?;
    Ok(written)
}

/// The codes of the services (of this municipality) each account belongs to.
async fn services_of(
    conn: &impl ConnectionTrait,
    municipality: MunicipalityId,
    accounts: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Slug>>, StorageError> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = service_member::Entity::find()
        .select_only()
        .column(service_member::Column::AccountId)
        .column(service::Column::Code)
        .inner_join(service::Entity)
        .filter(service::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(service_member::Column::AccountId.is_in(accounts.to_vec()))
        .order_by_asc(service::Column::Code)
        .into_tuple()
        .all(conn)
        .await?;
    let mut by_account: HashMap<Uuid, Vec<Slug>> = HashMap::new();
    for (account, code) in rows {
        by_account
            .entry(account)
            .or_default()
            .push(Slug::parse(&code).map_err(|e| StorageError::Corrupt(e.to_owned()))?);
    }
    Ok(by_account)
}

pub(crate) fn parse_role(code: &str) -> Result<Role, StorageError> {
    Role::from_code(code).ok_or_else(|| StorageError::Corrupt(format!("unknown role {code}")))
}

fn to_member(m: membership::Model, a: account::Model, services: Vec<Slug>) -> Result<MunicipalAccount, StorageError> {
    Ok(MunicipalAccount {
        role: parse_role(&m.role)?,
        active: m.active,
        services,
        mayor: m.mayor,
        version: m.version,
        updated_at: m.updated_at,
        account: to_account(a)?,
    })
}

fn to_account(row: account::Model) -> Result<Account, StorageError> {
    Ok(Account {
        id: AccountId::from_uuid(row.id),
        email: Email::parse("email", &row.email)
            .map_err(|e| StorageError::Corrupt(format!("account {}: {}", row.id, e.message)))?,
        display_name: row.display_name,
        platform_admin: row.platform_admin,
        active: row.active,
        email_verified: row.email_verified,
        created_at: row.created_at,
    })
}
