//! Correcting what was typed in.

use super::{Codes, load_at};
use crate::UseCaseError;
use implication_domain::Precondition;
use implication_domain::requests::similarity;
use implication_domain::requests::{Actor, Request, RequestEdit, RequestEvent, RequestEventKind, apply_edit};
use implication_domain::{Municipality, RequestId};
use implication_storage::Database;
use implication_storage::requests::{self as store, RequestWrite};

/// Applies `edit` to request `id` read at a version `expected` admits; the history names the fields that
/// changed. An edit that changes nothing writes nothing and returns the request as it is.
pub async fn correct(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: RequestId,
    expected: Precondition,
    edit: &RequestEdit,
) -> Result<Request, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let codes = Codes::load(db, municipality).await?;
    let (next, changed) = apply_edit(&current, edit, codes.catalogue(), municipality.today(), crate::clock::now())?;
    if changed.is_empty() {
        return Ok(current);
    }
    let edited = RequestEvent {
        fields: changed.iter().map(|f| (*f).to_owned()).collect(),
        ..RequestEvent::new(id, RequestEventKind::Edited, actor, next.updated_at)
    };
    let change = RequestWrite {
        expected_version: current.version,
        request: &next,
        events: vec![edited],
        terms: similarity::reindexed_terms(&current, &next),
        answers: Vec::new(),
        qualification: None,
    };
    Ok(store::write(db, change).await?)
}
