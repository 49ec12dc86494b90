//! Personal data (GDPR articles 15, 17 and 20): a person exports everything held about them, and
//! has it erased — with their account (everywhere), with a request's tracking code (that request
//! only), or through an admin of the town who checked who they are (that town). The retention
//! erases the requesters of requests closed long ago.

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::identity::Account;
use implication_domain::identity::personal_data::{
    Erasure, Person, PersonDraft, Requester, may_erase_itself, retention_cutoff,
};
use implication_domain::{AccountId, Message, Municipality, RequestId};
use implication_storage::identity::personal_data::{self as store, Audience, Holdings, Scope};
use implication_storage::identity::{accounts, municipalities};
use implication_storage::{Database, StorageError};
use uuid::Uuid;

/// How many times an erasure is tried again when a record changed while it was being erased.
const ATTEMPTS: usize = 3;

/// How many requests the retention erases in one transaction.
const RETENTION_BATCH: u64 = 200;

/// The account, and the person it is: its holder, and the email they proved they hold.
async fn holder(db: &Database, account: AccountId) -> Result<(Account, Person), UseCaseError> {
    let found = accounts::find(db, account).await?.ok_or(UseCaseError::UnknownAccount)?;
    let person =
        Person::account_holder(account, found.email_verified.then_some(&found.email), found.display_name.as_deref());
    Ok((found, person))
}

/// Runs an erasure, again when a record changed under it (nothing of a failed try is written).
async fn retrying<F, Fut>(mut erase: F) -> Result<Vec<Erasure>, UseCaseError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Erasure>, StorageError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match erase().await {
            Err(StorageError::Stale) if tries < ATTEMPTS => continue,
            other => return Ok(other?),
        }
    }
}

fn logged(erasures: &[Erasure]) {
    for e in erasures {
        // What was erased is never logged: the erasure's id and counts only.
        tracing::info!(erasure = %e.id, requested_by = e.requested_by.code(), records = e.total(), "personal data erased");
    }
}

/// Everything held about the account's holder, in every town.
pub async fn own(db: &Database, account: AccountId) -> Result<Holdings, UseCaseError> {
    let (_, person) = holder(db, account).await?;
    Ok(store::holdings(db, Scope::Everywhere, &person, Audience::Person).await?)
}

/// Erases the account's holder everywhere, and the account itself: it can no longer sign in.
/// The erasure recorded for the account comes first.
pub async fn erase_own(db: &Database, account: AccountId) -> Result<Vec<Erasure>, UseCaseError> {
    let (found, person) = holder(db, account).await?;
    if !may_erase_itself(found.platform_admin, &accounts::memberships(db, account).await?) {
        return Err(UseCaseError::Forbidden(Message::new(
            "an admin is demoted by another admin before erasing their account",
            "un administrateur est rétrogradé par un autre avant d'effacer son compte",
        )));
    }
    let now = crate::clock::now();
    let mut erasures =
        retrying(|| store::erase(db, Scope::Everywhere, &person, Requester::Themselves, None, now)).await?;
    erasures.sort_by_key(|e| e.municipality.is_some());
    logged(&erasures);
    Ok(erasures)
}

/// What request `id` of the town holds of its requester.
pub async fn of_request(db: &Database, id: RequestId) -> Result<Holdings, UseCaseError> {
    Ok(store::request_holdings(db, id.as_uuid()).await?)
}

/// Erases the requester of request `id` (of `municipality`, found by its tracking code).
pub async fn erase_requester(
    db: &Database,
    municipality: &Municipality,
    id: RequestId,
) -> Result<Erasure, UseCaseError> {
    let now = crate::clock::now();
    let ids = [id.as_uuid()];
    let erasures = retrying(|| store::erase_requesters(db, &ids, Requester::TrackingCode, None, now)).await?;
    logged(&erasures);
    Ok(erasures
        .into_iter()
        .next()
        .unwrap_or_else(|| Erasure::new(Some(municipality.id), Requester::TrackingCode, None, now)))
}

/// Everything the town holds about the person an admin names.
pub async fn of_person(
    db: &Database,
    municipality: &Municipality,
    draft: &PersonDraft,
) -> Result<Holdings, UseCaseError> {
    let person = draft.parse()?;
    Ok(store::holdings(db, Scope::Town(municipality.id), &person, Audience::Staff).await?)
}

/// Erases what the town holds about the person an admin names (their account, if any, stays:
/// it is theirs, not the town's).
pub async fn erase_person(
    db: &Database,
    municipality: &Municipality,
    admin: AccountId,
    draft: &PersonDraft,
) -> Result<Erasure, UseCaseError> {
    let person = draft.parse()?;
    let now = crate::clock::now();
    let erasures =
        retrying(|| store::erase(db, Scope::Town(municipality.id), &person, Requester::Admin, Some(admin), now))
            .await?;
    logged(&erasures);
    erasures.into_iter().next().ok_or_else(|| UseCaseError::Internal("an erasure was not recorded".into()))
}

/// An erasure of the town.
pub async fn erasure(db: &Database, municipality: &Municipality, id: Uuid) -> Result<Erasure, UseCaseError> {
    store::find_erasure(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Erasure))
}

/// The retention: in every town (or one), erases the requesters of requests closed more than
/// `years` years ago. Returns the erasures written (one per town and batch).
pub async fn apply_retention(db: &Database, years: u16, only: Option<&str>) -> Result<Vec<Erasure>, UseCaseError> {
    if years == 0 {
        return Err(UseCaseError::Forbidden(Message::new(
            "a retention of 0 years would erase every closed request's requester: give at least 1",
            "une durée de conservation de 0 an effacerait le demandeur de toute demande close : donnez au moins 1",
        )));
    }
    let now = crate::clock::now();
    let cutoff = retention_cutoff(now, years);
    let mut written = Vec::new();
    let towns = match only {
        Some(slug) => {
            vec![municipalities::find_by_slug(db, slug).await?.ok_or(UseCaseError::NotFound(Resource::Municipality))?]
        }
        None => {
            let mut towns = Vec::new();
            loop {
                let after = towns.last().map(|m: &Municipality| m.slug.as_str().to_owned());
                let page = municipalities::list(db, 100, after.as_deref()).await?;
                towns.extend(page.items);
                if !page.has_more {
                    break towns;
                }
            }
        }
    };
    for town in towns {
        loop {
            let batch = store::closed_with_requester_before(db, town.id, cutoff, RETENTION_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            let erasures =
                retrying(|| store::erase_requesters(db, &batch, Requester::Retention, Some(cutoff), now)).await?;
            logged(&erasures);
            written.extend(erasures);
        }
    }
    Ok(written)
}
