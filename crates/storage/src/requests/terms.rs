//! The term index (the words of each request, see `similarity::terms`) and the candidates it
//! brings for suggestions.

use super::to_domain;
use crate::Database;
use crate::entities::{request, request_term};
use crate::error::StorageError;
use implication_domain::requests::Request;
use implication_domain::requests::similarity;
use implication_domain::vocabulary::RequestStatus;
use implication_domain::{MunicipalityId, RequestId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

/// Makes `terms` the request's entries in the index (see `similarity::indexed_terms`).
pub(super) async fn replace(
    txn: &DatabaseTransaction,
    request: &Request,
    terms: &[String],
) -> Result<(), StorageError> {
    request_term::Entity::delete_many()
        .filter(request_term::Column::RequestId.eq(request.id.as_uuid()))
        .exec(txn)
        .await?;
    insert(txn, request, terms).await
}

/// Makes `terms` the entries of request `id`, within the caller's transaction.
pub(crate) async fn rewrite_in<C: sea_orm::ConnectionTrait>(
    c: &C,
    municipality: MunicipalityId,
    id: Uuid,
    terms: &[String],
) -> Result<(), StorageError> {
    request_term::Entity::delete_many().filter(request_term::Column::RequestId.eq(id)).exec(c).await?;
    insert_rows(c, municipality, RequestId::from_uuid(id), terms).await
}

/// Requests of every municipality after `after`, by id: a page to reindex.
pub async fn requests_after(db: &Database, after: Option<RequestId>, limit: u64) -> Result<Vec<Request>, StorageError> {
    let mut query = request::Entity::find().order_by_asc(request::Column::Id).limit(limit);
    if let Some(after) = after {
        query = query.filter(request::Column::Id.gt(after.as_uuid()));
    }
    query.all(db.conn()).await?.into_iter().map(to_domain).collect()
}

/// Rewrites the index entries of each request with its terms, in one transaction.
pub async fn rewrite_terms(db: &Database, entries: &[(Request, Vec<String>)]) -> Result<(), StorageError> {
    let txn = db.conn().begin().await?;
    for (request, terms) in entries {
        replace(&txn, request, terms).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Adds `terms` to the index for a request that has none yet.
pub(super) async fn insert(txn: &DatabaseTransaction, request: &Request, terms: &[String]) -> Result<(), StorageError> {
    insert_rows(txn, request.municipality, request.id, terms).await
}

/// The same, by ids.
pub(super) async fn insert_rows<C: sea_orm::ConnectionTrait>(
    txn: &C,
    municipality: MunicipalityId,
    request: RequestId,
    terms: &[String],
) -> Result<(), StorageError> {
    let rows: Vec<request_term::ActiveModel> = terms
        .iter()
        .map(|term| request_term::ActiveModel {
            municipality_id: Set(municipality.as_uuid()),
            term: Set(term.clone()),
            request_id: Set(request.as_uuid()),
        })
        .collect();
    if !rows.is_empty() {
        request_term::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(())
}

/// How many requests, newest first, one term brings as candidates: bounded work however common
/// the word (rare words, the telling ones, bring all their requests).
const CANDIDATES_PER_TERM: u64 = 200;
/// How many of the requests sharing the most terms are read.
const CANDIDATES_BY_TERMS: usize = 100;
/// How many requests, newest first, each shared theme (in the same neighbourhood, if any) brings.
const CANDIDATES_PER_THEME: u64 = 50;
/// How many of a request's terms are looked up (title first).
const TERMS_LOOKED_UP: usize = 12;

/// Requests that may be on the same subject as `request`: those sharing the most of its words
/// (requests that cannot be suggested have no terms: they are never candidates),
/// and the newest sharing one of its themes (in its neighbourhood when it has one). The domain
/// ranks them (`similarity::rank`).
#[tracing::instrument(skip_all, fields(request = %request.id))]
pub async fn similar_candidates(db: &Database, request: &Request) -> Result<Vec<Request>, StorageError> {
    let municipality = request.municipality.as_uuid();
    let me = request.id.as_uuid();
    let mut hits: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    let terms = similarity::terms(request.title.as_str(), request.description.as_str());
    for term in terms.iter().take(TERMS_LOOKED_UP) {
        let ids: Vec<Uuid> = request_term::Entity::find()
            .select_only()
            .column(request_term::Column::RequestId)
            .filter(request_term::Column::MunicipalityId.eq(municipality))
            .filter(request_term::Column::Term.eq(term.as_str()))
            .order_by_desc(request_term::Column::RequestId)
            .limit(CANDIDATES_PER_TERM)
            .into_tuple()
            .all(db.conn())
            .await?;
        for id in ids.into_iter().filter(|id| *id != me) {
            *hits.entry(id).or_default() += 1;
        }
    }
    let mut hits: Vec<(Uuid, usize)> = hits.into_iter().collect();
    hits.sort_by(|(a, ha), (b, hb)| hb.cmp(ha).then(b.cmp(a)));
    hits.truncate(CANDIDATES_BY_TERMS);
    let mut found: Vec<Request> = if hits.is_empty() {
        Vec::new()
    } else {
        request::Entity::find()
            .filter(request::Column::MunicipalityId.eq(municipality))
            .filter(request::Column::Id.is_in(hits.iter().map(|(id, _)| *id)))
            .all(db.conn())
            .await?
            .into_iter()
            .map(to_domain)
            .collect::<Result<_, _>>()?
    };
    for theme in &request.themes {
        let mut query =
            request::Entity::find()
                .filter(request::Column::MunicipalityId.eq(municipality))
                .filter(request::Column::Themes.like(format!("%\"{theme}\"%")))
                .filter(request::Column::Id.ne(me))
                .filter(request::Column::Status.is_not_in(
                    RequestStatus::ALL.iter().filter(|s| !similarity::is_suggestible(**s)).map(|s| s.code()),
                ));
        if let Some(neighbourhood) = &request.neighbourhood {
            query = query.filter(request::Column::NeighbourhoodCode.eq(neighbourhood.as_str()));
        }
        let rows = query
            .order_by_desc(request::Column::ReceivedOn)
            .order_by_desc(request::Column::Id)
            .limit(CANDIDATES_PER_THEME)
            .all(db.conn())
            .await?;
        for row in rows {
            if !found.iter().any(|r| r.id.as_uuid() == row.id) {
                found.push(to_domain(row)?);
            }
        }
    }
    Ok(found)
}
