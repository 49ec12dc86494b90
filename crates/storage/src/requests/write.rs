//! The one versioned write of a request: every change after registration (a correction, a
//! transition, publication, a qualification) goes through [`write`].

use super::{answers, history, qualifications, reaching, row, terms};
use crate::Database;
use crate::entities::request;
use crate::error::StorageError;
use implication_domain::requests::qualification::Qualification;
use implication_domain::requests::{Answer, Request, RequestEvent};
use implication_domain::webhooks::events;
use sea_orm::ActiveValue::NotSet;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};

/// A change of one request, decided by the domain on the version the caller read.
#[derive(Debug)]
pub struct RequestWrite<'a> {
    /// The version the change was decided on: it is written only if the request is still there.
    pub expected_version: i32,
    /// The request as the change leaves it; its version is moved on here.
    pub request: &'a Request,
    /// Its history entries (and, for a merge, the entry of the request merged into).
    pub events: Vec<RequestEvent>,
    /// The request's new terms for the index, when they differ from the stored ones.
    pub terms: Option<Vec<String>>,
    /// Answers that go with the change (a redirection answers the requester).
    pub answers: Vec<Answer>,
    /// Its qualification document, when the change records one.
    pub qualification: Option<&'a Qualification>,
}

/// Writes `change` in one transaction: every column of the request, guarded by
/// `version = expected_version` and moving it on; then the answers, the history entries, the term
/// index and the qualification. A stale version writes nothing ([`StorageError::Stale`]).
/// Returns the request as written: nothing is read back after the commit, which could see a later
/// change and hand out its ETag with this body.
#[tracing::instrument(skip_all, fields(request = %change.request.id))]
pub async fn write(db: &Database, change: RequestWrite<'_>) -> Result<Request, StorageError> {
    let txn = db.conn().begin().await?;
    match write_in(&txn, change).await {
        Ok(written) => {
            txn.commit().await?;
            Ok(written)
        }
        Err(err) => {
            txn.rollback().await?;
            Err(err)
        }
    }
}

/// [`write`] inside a transaction the caller commits (a process closing its requests writes
/// them with its own change).
pub(crate) async fn write_in(txn: &DatabaseTransaction, change: RequestWrite<'_>) -> Result<Request, StorageError> {
    let RequestWrite { expected_version, request, events, terms, answers, qualification } = change;
    let written = Request { version: expected_version + 1, ..request.clone() };
    // The milestones are only ever filled in (`reaching`), never written back as read.
    let columns = request::ActiveModel {
        id: NotSet,
        qualified_on: NotSet,
        left_intake_on: NotSet,
        first_answer_on: NotSet,
        first_public_answer_on: NotSet,
        ..row(&written)
    };
    let updated = reaching(request::Entity::update_many().set(columns), &written.milestones)
        .filter(request::Column::Id.eq(written.id.as_uuid()))
        .filter(request::Column::MunicipalityId.eq(written.municipality.as_uuid()))
        .filter(request::Column::Version.eq(expected_version))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(StorageError::Stale);
    }
    for answer in &answers {
        answers::insert(txn, written.municipality, answer).await?;
    }
    for event in &events {
        history::insert(txn, written.municipality, event).await?;
    }
    // Entries of this request only: a merge's entry in the other request makes no event.
    let made = events.iter().filter(|e| e.request == written.id).filter_map(|e| events::of_request(&written, e));
    crate::webhooks::outbox::record(txn, made).await?;
    if let Some(terms) = &terms {
        terms::replace(txn, &written, terms).await?;
    }
    if let Some(qualification) = qualification {
        qualifications::insert_or_replace(txn, &written, qualification).await?;
    }
    Ok(written)
}
