//! Accounts and memberships: an admin adds a person, an inhabitant registers, an admin changes
//! a member, a platform admin is made.

use super::blocking;
use super::secrets::{hash_password, verify_password};
use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::Message;
use implication_domain::Precondition;
use implication_domain::identity::municipality::parse_name;
use implication_domain::identity::{
    Account, Email, MunicipalAccount, Password, mayor_after_change, self_change_allowed,
};
use implication_domain::vocabulary::Role;
use implication_domain::{AccountId, FieldError, Municipality, MunicipalityId, ServiceId, ValidationErrors};
use implication_storage::identity::accounts::{self as store, MemberChanges, NewAccount};
use implication_storage::identity::{municipalities, services, tokens};
use implication_storage::{Database, StorageError};

/// A person an admin adds to the municipality, as received. An existing account (by email)
/// joins with its own password; a new one needs a first password.
#[derive(Debug, Clone, Default)]
pub struct MemberDraft {
    pub email: String,
    pub role: String,
    pub display_name: Option<String>,
    pub password: Option<String>,
    /// Codes of the municipality's services the person belongs to.
    pub services: Vec<String>,
}

/// Changes to a member, as received; `None` keeps a value.
#[derive(Debug, Clone, Default)]
pub struct MemberUpdate {
    pub role: Option<String>,
    pub active: Option<bool>,
    pub display_name: Option<String>,
    pub services: Option<Vec<String>>,
    pub mayor: Option<bool>,
}

/// An inhabitant registering themselves, as received.
#[derive(Debug, Clone, Default)]
pub struct RegistrationDraft {
    pub email: String,
    pub password: String,
    pub display_name: Option<String>,
    /// The municipality's slug.
    pub municipality: String,
}

fn role(field: &str, code: &str) -> Result<Role, FieldError> {
    Role::from_code(code).ok_or_else(|| {
        FieldError::new(
            field,
            implication_domain::identity::Code::UnknownRole,
            Message::new(
                "must be inhabitant, agent, elected or admin",
                "doit être inhabitant, agent, elected ou admin",
            ),
        )
    })
}

fn display_name(errors: &mut ValidationErrors, raw: Option<&str>) -> Option<Option<String>> {
    match raw {
        Some(name) => errors.collect(parse_name("display_name", name, 120)).map(Some),
        None => Some(None),
    }
}

/// Resolves service codes to ids, naming the unknown ones.
async fn service_ids(
    db: &Database,
    municipality: MunicipalityId,
    codes: &[String],
    errors: &mut ValidationErrors,
) -> Result<Vec<ServiceId>, UseCaseError> {
    let mut ids = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match services::find_service(db, municipality, code).await? {
            Some(service) => ids.push(service.id),
            None => errors.push(FieldError::new(
                format!("services[{i}]"),
                implication_domain::identity::Code::UnknownService,
                Message::new("no such service here", "aucun service de ce code ici"),
            )),
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

async fn hash(password: &Password) -> Result<String, UseCaseError> {
    let given = password.expose().to_owned();
    blocking(move || hash_password(&given)).await?.map_err(UseCaseError::Internal)
}

/// Adds the person `draft` to `municipality`, naming every invalid field at once.
pub async fn add_member(
    db: &Database,
    municipality: &Municipality,
    draft: &MemberDraft,
) -> Result<MunicipalAccount, UseCaseError> {
    let mut errors = ValidationErrors::default();
    let email = errors.collect(Email::parse("email", &draft.email));
    let role = errors.collect(role("role", &draft.role));
    let display_name = display_name(&mut errors, draft.display_name.as_deref());
    let service_ids = service_ids(db, municipality.id, &draft.services, &mut errors).await?;
    let existing = match &email {
        Some(email) => store::find_with_password_by_email(db, email).await?.map(|(a, _)| a),
        None => None,
    };
    let password = match (&existing, draft.password.as_deref()) {
        (Some(_), _) => None,
        (None, Some(p)) => errors.collect(Password::parse("password", p)),
        (None, None) => {
            errors.push(FieldError::new(
                "password",
                implication_domain::error::Code::Required,
                Message::new(
                    "a new account needs a first password",
                    "un nouveau compte a besoin d'un premier mot de passe",
                ),
            ));
            None
        }
    };
    let (Some(email), Some(role), Some(display_name)) = (email, role, display_name) else {
        return Err(UseCaseError::Invalid(errors));
    };
    errors.into_result()?;

    // Either way, a taken slot is named by the email the admin typed.
    let taken = |e: StorageError| match e {
        StorageError::Duplicate(_) => UseCaseError::Storage(StorageError::Duplicate("email")),
        other => other.into(),
    };
    let member = match (existing, password) {
        (Some(account), _) => {
            store::add_member(db, municipality.id, Some(account.id), None, role).await.map_err(taken)?
        }
        (None, password) => {
            let password_hash = match &password {
                Some(password) => hash(password).await?,
                None => return Err(UseCaseError::Internal("a new account without a password".to_owned())),
            };
            let new = NewAccount { email: &email, password_hash, display_name, platform_admin: false };
            store::add_member(db, municipality.id, None, Some(new), role).await.map_err(taken)?
        }
    };
    if service_ids.is_empty() {
        return Ok(member);
    }
    let changes = MemberChanges { services: Some(service_ids), ..MemberChanges::default() };
    store::update_member(db, municipality.id, member.account.id, &Precondition::at(member.version), changes)
        .await?
        .ok_or_else(|| UseCaseError::Internal("an account vanished after its creation".to_owned()))
}

/// Changes member `id` of `municipality`, read at a version `expected` admits, as `by` (the admin acting,
/// who may neither suspend nor demote themselves; `None` for a loader).
pub async fn update_member(
    db: &Database,
    by: Option<AccountId>,
    municipality: &Municipality,
    id: AccountId,
    expected: Precondition,
    update: &MemberUpdate,
) -> Result<MunicipalAccount, UseCaseError> {
    let mut errors = ValidationErrors::default();
    let role = update.role.as_deref().and_then(|r| errors.collect(role("role", r)));
    let display_name = update.display_name.as_deref().map(|n| errors.collect(parse_name("display_name", n, 120)));
    let services = match &update.services {
        Some(codes) => Some(service_ids(db, municipality.id, codes, &mut errors).await?),
        None => None,
    };
    errors.into_result()?;
    if by == Some(id) && !self_change_allowed(role, update.active) {
        return Err(UseCaseError::Invalid(ValidationErrors(vec![FieldError::new(
            "role",
            implication_domain::identity::Code::SelfLockout,
            Message::new(
                "an admin cannot suspend or demote themselves",
                "un administrateur ne peut ni se suspendre ni se rétrograder lui-même",
            ),
        )])));
    }
    let current =
        store::find_member(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Account))?;
    // The mayor rule is decided on what was loaded: the write is guarded by that version, so that
    // a condition admitting several (`*`, a list) cannot apply it to another state.
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let mayor = mayor_after_change(current.role, current.mayor, role, update.mayor)
        .map_err(|e| UseCaseError::Invalid(ValidationErrors(vec![e])))?;
    let changes =
        MemberChanges { role, active: update.active, display_name: display_name.flatten().map(Some), services, mayor };
    store::update_member(db, municipality.id, id, &Precondition::at(current.version), changes)
        .await?
        .ok_or(UseCaseError::NotFound(Resource::Account))
}

/// Registers an inhabitant of a municipality (returned with the account). An existing account
/// joins when the password is its own; otherwise the email is taken.
pub async fn register(
    db: &Database,
    draft: &RegistrationDraft,
) -> Result<(MunicipalAccount, Municipality), UseCaseError> {
    let mut errors = ValidationErrors::default();
    let email = errors.collect(Email::parse("email", &draft.email));
    let password = errors.collect(Password::parse("password", &draft.password));
    let display_name = display_name(&mut errors, draft.display_name.as_deref());
    let town = municipalities::find_by_slug(db, &draft.municipality).await?;
    if town.is_none() {
        errors.push(FieldError::new(
            "municipality",
            implication_domain::identity::Code::UnknownMunicipality,
            Resource::Municipality.not_found(),
        ));
    }
    let (Some(email), Some(password), Some(display_name), Some(town)) = (email, password, display_name, town) else {
        return Err(UseCaseError::Invalid(errors));
    };
    let member = match store::find_with_password_by_email(db, &email).await? {
        Some((existing, stored)) => {
            let given = password.expose().to_owned();
            if !blocking(move || verify_password(&given, &stored)).await? {
                return Err(UseCaseError::Storage(StorageError::Duplicate("email")));
            }
            store::add_member(db, town.id, Some(existing.id), None, Role::Inhabitant).await?
        }
        None => {
            let password_hash = hash(&password).await?;
            let new = NewAccount { email: &email, password_hash, display_name, platform_admin: false };
            store::add_member(db, town.id, None, Some(new), Role::Inhabitant).await?
        }
    };
    // The hook point for email verification: a mailer would send the link here.
    tracing::info!(account = %member.account.id, "registered; email verification pending");
    Ok((member, town))
}

/// What making a platform admin did.
#[derive(Debug)]
pub enum PlatformAdmin {
    /// A new account, with this password.
    Created(Account),
    /// An existing account, its password unchanged.
    Promoted(Account),
}

/// Makes `email` a platform admin (who creates municipalities and their first admins): an
/// existing account keeps its password; a new one needs `password`.
pub async fn make_platform_admin(
    db: &Database,
    email: &Email,
    password: Option<&Password>,
    display_name: Option<String>,
) -> Result<PlatformAdmin, UseCaseError> {
    if let Some((account, _)) = store::find_with_password_by_email(db, email).await? {
        store::set_platform_admin(db, account.id).await?;
        return Ok(PlatformAdmin::Promoted(account));
    }
    let Some(password) = password else {
        let missing = FieldError::new(
            "password",
            implication_domain::error::Code::Required,
            Message::new(
                "a new account needs a first password",
                "un nouveau compte a besoin d'un premier mot de passe",
            ),
        );
        return Err(UseCaseError::Invalid(ValidationErrors(vec![missing])));
    };
    let password_hash = hash(password).await?;
    let new = NewAccount { email, password_hash, display_name, platform_admin: true };
    Ok(PlatformAdmin::Created(store::create(db, new).await?))
}

/// Changes the password of `account` after checking its current one, and signs it out
/// everywhere else (every refresh token revoked).
pub async fn change_password(
    db: &Database,
    account: AccountId,
    current: &str,
    new_password: &str,
) -> Result<(), UseCaseError> {
    let new_password = Password::parse("new_password", new_password)?;
    let (_, stored) = store::find_with_password(db, account).await?.ok_or(UseCaseError::UnknownAccount)?;
    let given = current.to_owned();
    if !blocking(move || verify_password(&given, &stored)).await? {
        return Err(UseCaseError::Invalid(ValidationErrors(vec![FieldError::new(
            "current_password",
            implication_domain::identity::Code::WrongPassword,
            Message::new("is not the current password", "n'est pas le mot de passe actuel"),
        )])));
    }
    let new_hash = hash(&new_password).await?;
    store::set_password_hash(db, account, new_hash).await?;
    tokens::revoke_all_of(db, account).await?;
    Ok(())
}
