//! Machine clients: partner associations' tools, with scopes and a secret shown once.

use super::secrets::{random_secret, sha256_hex};
use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::Message;
use implication_domain::Precondition;
use implication_domain::identity::municipality::parse_name;
use implication_domain::identity::{MachineClient, Scope};
use implication_domain::{FieldError, Municipality, OrganisationId, Slug, ValidationErrors};
use implication_storage::Database;
use implication_storage::identity::clients::{self as store, ClientChanges, NewClient};

/// A client as an admin asks for it.
#[derive(Debug, Clone, Default)]
pub struct ClientDraft {
    pub name: String,
    pub association: String,
    /// Its association in the town's directory of organisations (for `projects:read`).
    pub organisation: Option<OrganisationId>,
    pub scopes: Vec<String>,
    /// Its public id (default: derived from the name).
    pub client_id: Option<String>,
}

/// Scopes by code, at least one, each once.
pub fn parse_scopes(codes: &[String], errors: &mut ValidationErrors) -> Option<Vec<Scope>> {
    if codes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            implication_domain::error::Code::Required,
            Message::new("give at least one scope", "donnez au moins une portée (scope)"),
        ));
        return None;
    }
    let mut scopes = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match Scope::from_code(code) {
            Some(scope) => scopes.push(scope),
            None => errors.push(FieldError::new(
                format!("scopes[{i}]"),
                implication_domain::identity::Code::UnknownScope,
                Message::new(
                    "must be requests:read, requests:write, projects:read, projects:write, processes:read or webhooks:manage",
                    "doit être requests:read, requests:write, projects:read, projects:write, processes:read ou webhooks:manage",
                ),
            )),
        }
    }
    scopes.sort();
    scopes.dedup();
    Some(scopes)
}

/// A new secret and how it is stored.
pub fn new_secret() -> Result<(String, String), UseCaseError> {
    let secret = random_secret().map_err(UseCaseError::Internal)?;
    let hash = sha256_hex(&secret);
    Ok((secret, hash))
}

/// Registers the client `draft`; returns it with its secret, shown only now.
pub async fn create(
    db: &Database,
    municipality: &Municipality,
    draft: &ClientDraft,
) -> Result<(MachineClient, String), UseCaseError> {
    let (secret, _) = new_secret()?;
    let client = create_with_secret(db, municipality, draft, &secret).await?;
    Ok((client, secret))
}

/// Registers the client `draft` with a secret the caller chose (the demo's, which the README
/// gives); only its hash is kept.
pub async fn create_with_secret(
    db: &Database,
    municipality: &Municipality,
    draft: &ClientDraft,
    secret: &str,
) -> Result<MachineClient, UseCaseError> {
    let mut errors = ValidationErrors::default();
    let name = errors.collect(parse_name("name", &draft.name, 120));
    let association = errors.collect(parse_name("association", &draft.association, 200));
    let scopes = parse_scopes(&draft.scopes, &mut errors);
    let client_id = match draft.client_id.as_deref() {
        Some(id) => errors.collect(Slug::parse_field("client_id", id)),
        None => errors.collect(Slug::from_name(&draft.name).map_err(|_| {
            FieldError::new(
                "client_id",
                implication_domain::error::Code::Required,
                Message::new(
                    "give a client_id: none can be derived from the name",
                    "donnez un client_id : aucun ne peut être tiré du nom",
                ),
            )
        })),
    };
    if let Some(organisation) = draft.organisation {
        check_organisation(db, municipality, organisation, &mut errors).await?;
    }
    let (Some(name), Some(association), Some(scopes), Some(client_id)) = (name, association, scopes, client_id) else {
        return Err(UseCaseError::Invalid(errors));
    };
    errors.into_result()?;
    let new = NewClient {
        client_id: client_id.as_str(),
        name: &name,
        association: &association,
        organisation: draft.organisation,
        scopes: &scopes,
        secret_hash: sha256_hex(secret),
    };
    Ok(store::create(db, municipality.id, new).await?)
}

/// Changes to a client, as received; `active: Some(false)` revokes it.
#[derive(Debug, Clone, Default)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub association: Option<String>,
    /// `Some(None)` unlinks it from its organisation.
    pub organisation: Option<Option<OrganisationId>>,
    pub scopes: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// Names `organisation` in `errors` unless the town's directory has it.
async fn check_organisation(
    db: &Database,
    municipality: &Municipality,
    organisation: OrganisationId,
    errors: &mut ValidationErrors,
) -> Result<(), UseCaseError> {
    let found = implication_storage::conventions::organisations::find_all(db, municipality.id, &[organisation]).await?;
    if found.is_empty() {
        errors.push(implication_domain::conventions::organisation::unknown("organisation"));
    }
    Ok(())
}

/// Changes client `id`, read at a version `expected` admits.
pub async fn update(
    db: &Database,
    municipality: &Municipality,
    id: uuid::Uuid,
    expected: Precondition,
    update: &ClientUpdate,
) -> Result<MachineClient, UseCaseError> {
    let mut errors = ValidationErrors::default();
    let name = update.name.as_deref().and_then(|n| errors.collect(parse_name("name", n, 120)));
    let association = update.association.as_deref().and_then(|a| errors.collect(parse_name("association", a, 200)));
    let scopes = update.scopes.as_deref().and_then(|codes| parse_scopes(codes, &mut errors));
    if let Some(Some(organisation)) = update.organisation {
        check_organisation(db, municipality, organisation, &mut errors).await?;
    }
    errors.into_result()?;
    let changes = ClientChanges {
        name,
        association,
        organisation: update.organisation,
        scopes,
        active: update.active,
        secret_hash: None,
    };
    store::update(db, municipality.id, id, &expected, changes).await?.ok_or(UseCaseError::NotFound(Resource::Client))
}

/// Gives client `id` a new secret, returned with it (shown only now); the old one stops working.
pub async fn rotate_secret(
    db: &Database,
    municipality: &Municipality,
    id: uuid::Uuid,
) -> Result<(MachineClient, String), UseCaseError> {
    let (secret, secret_hash) = new_secret()?;
    let changes = ClientChanges { secret_hash: Some(secret_hash), ..ClientChanges::default() };
    let client = store::update(db, municipality.id, id, &Precondition::Any, changes)
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Client))?;
    Ok((client, secret))
}
