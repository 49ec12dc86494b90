//! Moving a request along its lifecycle.

use super::answer::refused;
use super::load_at;
use crate::UseCaseError;
use implication_domain::Message;
use implication_domain::Precondition;
use implication_domain::requests::lifecycle::{self, TransitionAsk};
use implication_domain::requests::qualification::Qualification;
use implication_domain::requests::similarity;
use implication_domain::requests::{Actor, Answer, Request, author_of};
use implication_domain::{FieldError, Municipality, RequestId, ValidationErrors};
use implication_storage::Database;
use implication_storage::requests::{self as store, RequestWrite, qualifications};

/// Moves request `id`, read at a version `expected` admits, as `ask` says, if the lifecycle and its
/// guards allow it. The guards judge the qualification in force (the version covers it). A
/// redirection answers the requester; a merge leaves an entry in the other request's history.
pub async fn transition(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: RequestId,
    expected: Precondition,
    ask: TransitionAsk,
) -> Result<Request, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let facts = qualifications::find_for(db, &current)
        .await?
        .map_or_else(|| Qualification::unrecorded(&current), |recorded| recorded.qualification)
        .facts();
    let change = lifecycle::transition(current.id, current.status, ask, &facts).map_err(UseCaseError::Refused)?;
    if let Some(into) = change.into {
        let target = store::find(db, municipality.id, into).await?.ok_or_else(|| {
            UseCaseError::Invalid(ValidationErrors(vec![FieldError::new(
                "into",
                implication_domain::requests::Code::UnknownRequest,
                Message::new(
                    "no such request in this municipality",
                    "aucune demande de cet identifiant dans cette commune",
                ),
            )]))
        })?;
        lifecycle::may_receive_merge(target.status).map_err(|e| UseCaseError::Invalid(ValidationErrors(vec![e])))?;
    }
    let now = crate::clock::now();
    let answer = match &change.answer {
        Some(text) => Some(Answer::new(&current, text.clone(), true, author_of(actor).map_err(refused)?, now)),
        None => None,
    };
    let time_zone = municipality.settings.time_zone;
    let mut next = current.moved(&change, now, time_zone);
    if let Some(answer) = &answer {
        next.milestones = next.answered(answer, time_zone);
    }
    let write = RequestWrite {
        expected_version: current.version,
        request: &next,
        events: change.events(id, actor, now, answer.as_ref().map(|a| a.id)),
        terms: similarity::reindexed_terms(&current, &next),
        answers: answer.into_iter().collect(),
        qualification: None,
    };
    let moved = store::write(db, write).await?;
    tracing::info!(request = %moved.id, from = %change.from, to = %change.to, "request moved");
    Ok(moved)
}
