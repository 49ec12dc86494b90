//! Machine clients of partner tools. Their secrets are stored only as SHA-256 hashes: they are
//! long random strings, so a slow password hash would add nothing but latency.

use crate::entities::{machine_client, municipality};
use crate::error::{StorageError, duplicate_of};
use crate::versioned::{self, stale_or_missing};
use crate::{Database, Page};
use implication_domain::Precondition;
use implication_domain::identity::{MachineClient, Scope};
use implication_domain::{MachineClientId, MunicipalityId, OrganisationId, Slug, time};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

#[derive(Debug)]
pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    pub association: &'a str,
    pub organisation: Option<OrganisationId>,
    pub scopes: &'a [Scope],
    pub secret_hash: String,
}

/// Changes to a client; `None` keeps the value.
#[derive(Debug, Default)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub association: Option<String>,
    /// `Some(None)` unlinks it from its organisation.
    pub organisation: Option<Option<OrganisationId>>,
    pub scopes: Option<Vec<Scope>>,
    pub active: Option<bool>,
    pub secret_hash: Option<String>,
}

pub async fn create(
    db: &Database,
    municipality: MunicipalityId,
    new: NewClient<'_>,
) -> Result<MachineClient, StorageError> {
    let now = time::now();
    let row = machine_client::ActiveModel {
        id: Set(MachineClientId::new().as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        client_id: Set(new.client_id.to_owned()),
        name: Set(new.name.to_owned()),
        association: Set(new.association.to_owned()),
        organisation_id: Set(new.organisation.map(|o| o.as_uuid())),
        scopes: Set(Scope::join(new.scopes)),
        secret_hash: Set(new.secret_hash),
        active: Set(true),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row = machine_client::Entity::insert(row)
        .exec_with_returning(db.conn())
        .await
        .map_err(|e| duplicate_of(e, &["client_id"]))?;
    to_client(row)
}

/// A client by its public `client_id`, with its municipality's slug and its secret hash.
pub async fn find_by_client_id(
    db: &Database,
    client_id: &str,
) -> Result<Option<(MachineClient, Slug, String)>, StorageError> {
    let row = machine_client::Entity::find()
        .filter(machine_client::Column::ClientId.eq(client_id))
        .find_also_related(municipality::Entity)
        .one(db.conn())
        .await?;
    let Some((client, Some(town))) = row else { return Ok(None) };
    let hash = client.secret_hash.clone();
    let slug = Slug::parse(&town.slug).map_err(|e| StorageError::Corrupt(e.to_owned()))?;
    Ok(Some((to_client(client)?, slug, hash)))
}

/// The client of `municipality` whose secret hashes to `secret_hash` (Open311's `api_key` is the
/// secret alone, without the client's id).
pub async fn find_by_secret_hash(
    db: &Database,
    municipality: MunicipalityId,
    secret_hash: &str,
) -> Result<Option<MachineClient>, StorageError> {
    machine_client::Entity::find()
        .filter(machine_client::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(machine_client::Column::SecretHash.eq(secret_hash))
        .one(db.conn())
        .await?
        .map(to_client)
        .transpose()
}

pub async fn find(
    db: &Database,
    municipality: MunicipalityId,
    id: Uuid,
) -> Result<Option<MachineClient>, StorageError> {
    machine_client::Entity::find_by_id(id)
        .filter(machine_client::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_client)
        .transpose()
}

/// Whether a client may still use its tokens.
pub async fn is_active(db: &Database, id: MachineClientId) -> Result<bool, StorageError> {
    Ok(machine_client::Entity::find_by_id(id.as_uuid()).one(db.conn()).await?.is_some_and(|c| c.active))
}

pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<Uuid>,
) -> Result<Page<MachineClient>, StorageError> {
    let mut query = machine_client::Entity::find()
        .filter(machine_client::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(machine_client::Column::Id)
        .limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(machine_client::Column::Id.gt(after));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_client).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Applies changes if the client is still at a version `expected` admits.
pub async fn update(
    db: &Database,
    municipality: MunicipalityId,
    id: Uuid,
    expected: &Precondition,
    changes: ClientChanges,
) -> Result<Option<MachineClient>, StorageError> {
    let mut update = machine_client::Entity::update_many()
        .col_expr(machine_client::Column::UpdatedAt, Expr::value(time::now()))
        .filter(machine_client::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(machine_client::Column::Id.eq(id));
    if let Some(name) = changes.name {
        update = update.col_expr(machine_client::Column::Name, Expr::value(name));
    }
    if let Some(association) = changes.association {
        update = update.col_expr(machine_client::Column::Association, Expr::value(association));
    }
    if let Some(organisation) = changes.organisation {
        update =
            update.col_expr(machine_client::Column::OrganisationId, Expr::value(organisation.map(|o| o.as_uuid())));
    }
    if let Some(scopes) = changes.scopes {
        update = update.col_expr(machine_client::Column::Scopes, Expr::value(Scope::join(&scopes)));
    }
    if let Some(active) = changes.active {
        update = update.col_expr(machine_client::Column::Active, Expr::value(active));
    }
    if let Some(hash) = changes.secret_hash {
        update = update.col_expr(machine_client::Column::SecretHash, Expr::value(hash));
    }
    match versioned::update(db, update, machine_client::Column::Version, expected).await? {
        Some(row) => to_client(row).map(Some),
        None => stale_or_missing(find(db, municipality, id).await?),
    }
}

fn to_client(row: machine_client::Model) -> Result<MachineClient, StorageError> {
    Ok(MachineClient {
        id: MachineClientId::from_uuid(row.id),
        client_id: row.client_id,
        name: row.name,
        association: row.association,
        organisation: row.organisation_id.map(OrganisationId::from_uuid),
        scopes: Scope::parse_list(&row.scopes)
            .map_err(|code| StorageError::Corrupt(format!("unknown scope {code}")))?,
        active: row.active,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
