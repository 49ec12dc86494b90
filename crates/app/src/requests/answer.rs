//! The town answering a requester.

use super::load;
use crate::UseCaseError;
use implication_domain::Message;
use implication_domain::requests::{Actor, Answer, AnswerDraft, AnswerRefusal};
use implication_domain::{Municipality, RequestId};
use implication_storage::Database;
use implication_storage::requests as store;

/// Adds the answer `draft` by `actor` to request `id`, with its history entry. Who writes is
/// checked first, then the text, then the request.
pub async fn answer(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: RequestId,
    draft: &AnswerDraft,
) -> Result<Answer, UseCaseError> {
    let (author, text) = draft.parse(actor).map_err(refused)?;
    let request = load(db, municipality, id).await?;
    let answer = Answer::new(&request, text, draft.public, author, crate::clock::now());
    let reached = request.answered(&answer, municipality.settings.time_zone);
    store::add_answer(db, municipality.id, &answer, &reached).await?;
    tracing::info!(request = %request.id, answer = %answer.id, "request answered");
    Ok(answer)
}

pub(super) fn refused(refusal: AnswerRefusal) -> UseCaseError {
    match refusal {
        AnswerRefusal::NotAPerson => UseCaseError::Forbidden(Message::new(
            "only staff answer requests",
            "seul le personnel de la commune répond aux demandes",
        )),
        AnswerRefusal::Invalid(errors) => UseCaseError::Invalid(errors),
    }
}
