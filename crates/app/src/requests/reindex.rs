//! Rebuilding the term index of suggestions (`implication reindex`): after an upgrade from
//! before the index existed, or after a change of the domain's `similarity::terms`.

use crate::UseCaseError;
use implication_domain::requests::similarity;
use implication_storage::Database;
use implication_storage::requests as store;

/// How many requests are reindexed in one transaction.
const PAGE: u64 = 200;

/// Rewrites every request's terms (of every municipality) with the domain's rules of today;
/// returns how many requests were indexed. Safe to run again, and while the API serves.
pub async fn reindex(db: &Database) -> Result<u64, UseCaseError> {
    let mut after = None;
    let mut count = 0;
    loop {
        let page = store::requests_after(db, after, PAGE).await?;
        let Some(last) = page.last() else { return Ok(count) };
        after = Some(last.id);
        count += page.len() as u64;
        let entries: Vec<_> = page
            .into_iter()
            .map(|request| {
                let terms = similarity::indexed_terms(&request);
                (request, terms)
            })
            .collect();
        store::rewrite_terms(db, &entries).await?;
    }
}
