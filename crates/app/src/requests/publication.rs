//! Publishing a request, or taking it out of public view.

use super::load_at;
use crate::UseCaseError;
use implication_domain::Precondition;
use implication_domain::requests::{Actor, Request, RequestEvent, RequestEventKind};
use implication_domain::{Municipality, RequestId};
use implication_storage::Database;
use implication_storage::requests::{self as store, RequestWrite};

/// Publishes (`true`) or unpublishes request `id` read at a version `expected` admits. Asking for what
/// already is changes nothing.
pub async fn set_published(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: RequestId,
    expected: Precondition,
    published: bool,
) -> Result<Request, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let Some(next) = current.with_publication(published, crate::clock::now()) else {
        return Ok(current);
    };
    let kind = if published { RequestEventKind::Published } else { RequestEventKind::Unpublished };
    let change = RequestWrite {
        expected_version: current.version,
        request: &next,
        events: vec![RequestEvent::new(id, kind, actor, next.updated_at)],
        terms: None,
        answers: Vec::new(),
        qualification: None,
    };
    Ok(store::write(db, change).await?)
}
