//! The town's answers to requesters.

use super::corrupt;
use crate::Database;
use crate::entities::{request, request_answer};
use crate::error::StorageError;
use implication_domain::requests::{Answer, AnswerText, Milestones};
use implication_domain::webhooks::events;
use implication_domain::{AccountId, AnswerId, MunicipalityId, RequestId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

/// Adds the town's answer to a request, with its history entry and the milestones it `reached`.
/// The request's version stays: an answer changes none of its fields.
pub async fn add_answer(
    db: &Database,
    municipality: MunicipalityId,
    answer: &Answer,
    reached: &Milestones,
) -> Result<(), StorageError> {
    let txn = db.conn().begin().await?;
    insert(&txn, municipality, answer).await?;
    let entry = answer.event();
    super::history::insert(&txn, municipality, &entry).await?;
    let request = request::Entity::find_by_id(answer.request.as_uuid())
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(&txn)
        .await?
        .map(super::to_domain)
        .transpose()?
        .ok_or_else(|| super::vanished(answer.request))?;
    crate::webhooks::outbox::record(&txn, events::of_request(&request, &entry)).await?;
    super::reaching(request::Entity::update_many(), reached)
        .filter(request::Column::Id.eq(answer.request.as_uuid()))
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub(super) async fn insert(
    txn: &DatabaseTransaction,
    municipality: MunicipalityId,
    answer: &Answer,
) -> Result<(), StorageError> {
    request_answer::Entity::insert(request_answer::ActiveModel {
        id: Set(answer.id.as_uuid()),
        request_id: Set(answer.request.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        text: Set(answer.text.as_str().to_owned()),
        public: Set(answer.public),
        author_account_id: Set(answer.author.as_uuid()),
        created_at: Set(answer.created_at),
    })
    .exec(txn)
    .await?;
    Ok(())
}

/// A request's answers, oldest first; only the public ones if `public_only`.
pub async fn answers(db: &Database, request: RequestId, public_only: bool) -> Result<Vec<Answer>, StorageError> {
    let mut query = request_answer::Entity::find()
        .filter(request_answer::Column::RequestId.eq(request.as_uuid()))
        .order_by_asc(request_answer::Column::Id);
    if public_only {
        query = query.filter(request_answer::Column::Public.eq(true));
    }
    query.all(db.conn()).await?.into_iter().map(answer_to_domain).collect()
}

fn answer_to_domain(row: request_answer::Model) -> Result<Answer, StorageError> {
    Ok(Answer {
        id: AnswerId::from_uuid(row.id),
        request: RequestId::from_uuid(row.request_id),
        text: AnswerText::parse("text", &row.text).map_err(|e| corrupt(row.id, e.message.to_string()))?,
        public: row.public,
        author: AccountId::from_uuid(row.author_account_id),
        created_at: row.created_at,
    })
}
