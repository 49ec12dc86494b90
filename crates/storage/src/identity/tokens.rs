//! Refresh tokens: stored only as hashes, rotated at each use; using one twice revokes its family.

use crate::Database;
use crate::entities::{municipality, refresh_token};
use crate::error::StorageError;
use chrono::{DateTime, Utc};
use implication_domain::{AccountId, Slug, time};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

/// What a valid refresh token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshGrant {
    pub family: Uuid,
    pub account: AccountId,
    pub municipality: Option<Slug>,
}

/// The outcome of presenting a refresh token.
#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// It was valid; it is now used, and `new_hash` replaces it in the same family.
    Rotated(RefreshGrant),
    /// It had been used or revoked already: its whole family is now revoked.
    Reused,
    /// Unknown or expired.
    Invalid,
}

/// Starts a new family with its first token.
pub async fn issue(
    db: &Database,
    account: AccountId,
    municipality: Option<&Slug>,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    let municipality_id = match municipality {
        Some(slug) => municipality_id(db.conn(), slug).await?,
        None => None,
    };
    insert(db.conn(), Uuid::now_v7(), account, municipality_id, token_hash, expires_at).await
}

async fn insert(
    conn: &impl ConnectionTrait,
    family: Uuid,
    account: AccountId,
    municipality_id: Option<Uuid>,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    let row = refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family),
        account_id: Set(account.as_uuid()),
        municipality_id: Set(municipality_id),
        token_hash: Set(token_hash.to_owned()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(time::now()),
    };
    refresh_token::Entity::insert(row).exec(conn).await?;
    Ok(())
}

/// Uses the token `token_hash` and, if it was valid, stores `new_hash` in its place — at most once
/// even under concurrent use (the conditional update decides which request wins).
pub async fn rotate(
    db: &Database,
    token_hash: &str,
    new_hash: &str,
    new_expires_at: DateTime<Utc>,
) -> Result<Rotation, StorageError> {
    let now = time::now();
    let txn = db.conn().begin().await?;
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    let Some(row) =
        refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(token_hash)).one(&txn).await?
    else {
        return Ok(Rotation::Invalid);
    };
    if claimed.rows_affected == 0 {
        if row.used_at.is_some() || row.revoked_at.is_some() {
            revoke_family_in(&txn, row.family_id).await?;
            txn.commit().await?;
            return Ok(Rotation::Reused);
        }
        return Ok(Rotation::Invalid);
    }
    insert(&txn, row.family_id, AccountId::from_uuid(row.account_id), row.municipality_id, new_hash, new_expires_at)
        .await?;
    let municipality = match row.municipality_id {
        Some(id) => municipality::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|m| Slug::parse(&m.slug).map_err(|e| StorageError::Corrupt(e.to_owned())))
            .transpose()?,
        None => None,
    };
    txn.commit().await?;
    Ok(Rotation::Rotated(RefreshGrant {
        family: row.family_id,
        account: AccountId::from_uuid(row.account_id),
        municipality,
    }))
}

/// Revokes the family of the token with this hash, if there is one (RFC 7009 asks no more).
pub async fn revoke_by_hash(db: &Database, token_hash: &str) -> Result<(), StorageError> {
    if let Some(row) =
        refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(token_hash)).one(db.conn()).await?
    {
        revoke_family_in(db.conn(), row.family_id).await?;
    }
    Ok(())
}

/// Revokes every refresh token of an account (after a password change).
pub async fn revoke_all_of(db: &Database, account: AccountId) -> Result<(), StorageError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(time::now()))
        .filter(refresh_token::Column::AccountId.eq(account.as_uuid()))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db.conn())
        .await?;
    Ok(())
}

async fn revoke_family_in(conn: &impl ConnectionTrait, family: Uuid) -> Result<(), StorageError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(time::now()))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

async fn municipality_id(conn: &impl ConnectionTrait, slug: &Slug) -> Result<Option<Uuid>, StorageError> {
    Ok(municipality::Entity::find().filter(municipality::Column::Slug.eq(slug.as_str())).one(conn).await?.map(|m| m.id))
}
