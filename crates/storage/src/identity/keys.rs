//! The JWT signing keys of the embedded default (when no key is configured): generated on first
//! start and kept in the database, so tokens survive a restart.

use crate::Database;
use crate::entities::signing_key;
use crate::error::StorageError;
use implication_domain::time;
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder};

/// Every stored key as `(kid, private key PEM)`, newest first.
pub async fn all(db: &Database) -> Result<Vec<(String, String)>, StorageError> {
    let rows = signing_key::Entity::find().order_by_desc(signing_key::Column::CreatedAt).all(db.conn()).await?;
    Ok(rows.into_iter().map(|r| (r.kid, r.private_key_pem)).collect())
}

pub async fn insert(db: &Database, kid: &str, private_key_pem: &str) -> Result<(), StorageError> {
    let row = signing_key::ActiveModel {
        kid: Set(kid.to_owned()),
        private_key_pem: Set(private_key_pem.to_owned()),
        created_at: Set(time::now()),
    };
    signing_key::Entity::insert(row).exec(db.conn()).await?;
    Ok(())
}
