//! Narratives: insert, the versioned update, one by id, and a keyset list (newest first) by
//! subject, status and author.

use crate::entities::narrative;
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::evaluation::narrative::{Narrative, Subject};
use implication_domain::vocabulary::{NarrativeStatus, NarrativeSubject};
use implication_domain::{AccountId, MunicipalityId, NarrativeId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

fn row(n: &Narrative) -> narrative::ActiveModel {
    narrative::ActiveModel {
        id: Set(n.id.as_uuid()),
        municipality_id: Set(n.municipality.as_uuid()),
        subject_kind: Set(n.subject.kind().code().to_owned()),
        subject_id: Set(n.subject.id()),
        title: Set(n.title.clone()),
        text: Set(n.text.clone()),
        author_name: Set(n.author_name.clone()),
        author_account_id: Set(n.author_account.map(|a| a.as_uuid())),
        recorded_by_id: Set(n.recorded_by.map(|a| a.as_uuid())),
        consent_at: Set(n.consent_at),
        status: Set(n.status.code().to_owned()),
        published_at: Set(n.published_at),
        withdrawn_at: Set(n.withdrawn_at),
        version: Set(n.version),
        created_at: Set(n.created_at),
        updated_at: Set(n.updated_at),
    }
}

fn to_domain(row: narrative::Model) -> Result<Narrative, StorageError> {
    let corrupt = |what: &str, value: &str| StorageError::Corrupt(format!("narrative {}: {what} {value:?}", row.id));
    let kind = NarrativeSubject::from_code(&row.subject_kind).ok_or_else(|| corrupt("subject", &row.subject_kind))?;
    let status = NarrativeStatus::from_code(&row.status).ok_or_else(|| corrupt("status", &row.status))?;
    Ok(Narrative {
        id: NarrativeId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        subject: Subject::of(kind, row.subject_id),
        title: row.title,
        text: row.text,
        author_name: row.author_name,
        author_account: row.author_account_id.map(AccountId::from_uuid),
        recorded_by: row.recorded_by_id.map(AccountId::from_uuid),
        consent_at: row.consent_at,
        status,
        published_at: row.published_at,
        withdrawn_at: row.withdrawn_at,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub async fn insert(db: &Database, n: &Narrative) -> Result<(), StorageError> {
    narrative::Entity::insert(row(n)).exec(db.conn()).await?;
    Ok(())
}

/// Writes `next` over the row at version `expected`; `Err(Stale)` when it moved on.
pub async fn update(db: &Database, expected: i32, next: &Narrative) -> Result<Narrative, StorageError> {
    let written = Narrative { version: expected + 1, ..next.clone() };
    let update = narrative::Entity::update_many()
        .set(narrative::ActiveModel { id: NotSet, ..row(&written) })
        .filter(narrative::Column::Id.eq(written.id.as_uuid()))
        .filter(narrative::Column::MunicipalityId.eq(written.municipality.as_uuid()));
    crate::versioned::replace(db, update, narrative::Column::Version, expected).await?;
    Ok(written)
}

pub async fn find(
    db: &Database,
    municipality: MunicipalityId,
    id: NarrativeId,
) -> Result<Option<Narrative>, StorageError> {
    narrative::Entity::find_by_id(id.as_uuid())
        .filter(narrative::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// What a list of narratives keeps.
#[derive(Debug, Clone, Default)]
pub struct NarrativeFilter {
    /// Those telling of this project or process.
    pub subject: Option<Uuid>,
    /// Those in one of these statuses (every one when empty).
    pub statuses: Vec<NarrativeStatus>,
    /// Published ones, and besides them those this account wrote (an author reads their own).
    pub published_or_by: Option<Option<AccountId>>,
}

/// A page of a municipality's narratives, newest first, after `(created_at, id)`.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &NarrativeFilter,
    limit: u64,
    after: Option<(DateTime<Utc>, NarrativeId)>,
) -> Result<Page<Narrative>, StorageError> {
    use narrative::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if let Some(subject) = filter.subject {
        condition = condition.add(Column::SubjectId.eq(subject));
    }
    if !filter.statuses.is_empty() {
        condition = condition.add(Column::Status.is_in(filter.statuses.iter().map(|s| s.code())));
    }
    if let Some(author) = filter.published_or_by {
        let mut readable = Condition::any().add(Column::Status.eq(NarrativeStatus::Published.code()));
        if let Some(author) = author {
            readable = readable.add(Column::AuthorAccountId.eq(author.as_uuid()));
        }
        condition = condition.add(readable);
    }
    if let Some((at, id)) = after {
        condition = condition.add(
            Condition::any()
                .add(Column::CreatedAt.lt(at))
                .add(Condition::all().add(Expr::col(Column::CreatedAt).eq(at)).add(Column::Id.lt(id.as_uuid()))),
        );
    }
    let rows = narrative::Entity::find()
        .filter(condition)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}
