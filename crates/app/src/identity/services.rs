//! A municipality's services and delegations.

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::Message;
use implication_domain::Precondition;
use implication_domain::identity::municipality::parse_name;
use implication_domain::identity::{Delegation, Service, may_hold_delegation};
use implication_domain::{AccountId, FieldError, Municipality, Slug, ValidationErrors};
use implication_storage::Database;
use implication_storage::identity::{accounts, services as store};

/// Adds the service `name` under `code`.
pub async fn create_service(
    db: &Database,
    municipality: &Municipality,
    code: &Slug,
    name: &str,
) -> Result<Service, UseCaseError> {
    Ok(store::create_service(db, municipality.id, code, name).await?)
}

/// Adds the delegation `name` under `code`, held by `holder` if given: an active elected
/// official of the municipality.
pub async fn create_delegation(
    db: &Database,
    municipality: &Municipality,
    code: &Slug,
    name: &str,
    holder: Option<AccountId>,
) -> Result<Delegation, UseCaseError> {
    if let Some(holder) = holder {
        check_holder(db, municipality, holder).await?;
    }
    Ok(store::create_delegation(db, municipality.id, code, name, holder).await?)
}

/// A delegation is held by an active elected official of its municipality.
pub async fn check_holder(db: &Database, municipality: &Municipality, holder: AccountId) -> Result<(), UseCaseError> {
    match accounts::find_member(db, municipality.id, holder).await? {
        Some(member) if member.active && may_hold_delegation(member.role) => Ok(()),
        _ => Err(UseCaseError::Invalid(ValidationErrors(vec![FieldError::new(
            "holder",
            implication_domain::identity::Code::NotElected,
            Message::new("must be an elected official of this municipality", "doit être un élu de cette commune"),
        )]))),
    }
}

fn name(field: &str, value: &str) -> Result<String, UseCaseError> {
    parse_name(field, value, 120).map_err(|e| UseCaseError::Invalid(ValidationErrors(vec![e])))
}

/// What a service's change asks: a new name, a new load limit (`Some(None)`: none).
#[derive(Debug, Clone, Default)]
pub struct ServiceChanges {
    pub name: Option<String>,
    pub load_limit: Option<Option<i64>>,
}

/// Renames service `code` and/or sets its load limit, read at a version `expected` admits (its
/// code, which routing holds, stays); every invalid field named at once.
pub async fn update_service(
    db: &Database,
    municipality: &Municipality,
    code: &str,
    expected: Precondition,
    changes: &ServiceChanges,
) -> Result<Service, UseCaseError> {
    let mut errors = ValidationErrors::default();
    let new_name = changes.name.as_deref().and_then(|n| errors.collect(parse_name("name", n, 120)));
    let load_limit = match changes.load_limit {
        Some(Some(limit)) => errors.collect(Service::parse_load_limit("load_limit", limit)).map(|l| Some(Some(l))),
        Some(None) => Some(Some(None)),
        None => Some(None),
    };
    if changes.name.is_none() && changes.load_limit.is_none() {
        // Nothing asked: nothing changes, not even the version.
        let current =
            store::find_service(db, municipality.id, code).await?.ok_or(UseCaseError::NotFound(Resource::Service))?;
        return if expected.admits(current.version) { Ok(current) } else { Err(UseCaseError::Stale) };
    }
    match (errors.is_empty(), load_limit) {
        (true, Some(load_limit)) => {
            store::update_service(db, municipality.id, code, &expected, new_name.as_deref(), load_limit)
                .await?
                .ok_or(UseCaseError::NotFound(Resource::Service))
        }
        _ => Err(UseCaseError::Invalid(errors)),
    }
}

/// Renames delegation `code` and/or changes its holder (`Some(None)`: nobody), read at version
/// `expected`.
pub async fn update_delegation(
    db: &Database,
    municipality: &Municipality,
    code: &str,
    expected: Precondition,
    new_name: Option<&str>,
    holder: Option<Option<AccountId>>,
) -> Result<Delegation, UseCaseError> {
    let new_name = new_name.map(|n| name("name", n)).transpose()?;
    if let Some(Some(holder)) = holder {
        check_holder(db, municipality, holder).await?;
    }
    store::update_delegation(db, municipality.id, code, &expected, new_name.as_deref(), holder)
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Delegation))
}
