//! The town's answers to a requester: written by a person of the town, never by a tool.

use super::{Actor, AnswerText, Request, RequestEvent, RequestEventKind};
use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::{AccountId, AnswerId, RequestId};
use chrono::{DateTime, Utc};

/// The town's answer to a requester.
#[derive(Debug, Clone)]
pub struct Answer {
    pub id: AnswerId,
    pub request: RequestId,
    pub text: AnswerText,
    /// Also shown in the request's public view (when it is published).
    pub public: bool,
    pub author: AccountId,
    pub created_at: DateTime<Utc>,
}

/// An answer as received.
#[derive(Debug, Clone, Default)]
pub struct AnswerDraft {
    pub text: Option<String>,
    pub public: bool,
}

/// Why an answer cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerRefusal {
    /// Answers are signed by a person of the town: a partner's tool or the public cannot answer.
    NotAPerson,
    Invalid(ValidationErrors),
}

/// The account that signs an answer: only a person writes one.
pub fn author_of(actor: Actor) -> Result<AccountId, AnswerRefusal> {
    match actor {
        Actor::Account(account) => Ok(account),
        Actor::Public | Actor::Client(_) => Err(AnswerRefusal::NotAPerson),
    }
}

impl AnswerDraft {
    /// Checks who writes and what: the author first (a tool gets no further), then the text.
    pub fn parse(&self, by: Actor) -> Result<(AccountId, AnswerText), AnswerRefusal> {
        let author = author_of(by)?;
        let text = match self.text.as_deref() {
            Some(text) => AnswerText::parse("text", text),
            None => Err(FieldError::new(
                "text",
                crate::error::Code::Required,
                Message::new("write the answer", "écrivez la réponse"),
            )),
        }
        .map_err(|e| AnswerRefusal::Invalid(ValidationErrors(vec![e])))?;
        Ok((author, text))
    }
}

impl Answer {
    /// A new answer to `request`.
    pub fn new(request: &Request, text: AnswerText, public: bool, author: AccountId, now: DateTime<Utc>) -> Self {
        Self { id: AnswerId::new(), request: request.id, text, public, author, created_at: now }
    }

    /// Its entry in the request's history.
    pub fn event(&self) -> RequestEvent {
        RequestEvent {
            answer: Some(self.id),
            ..RequestEvent::new(self.request, RequestEventKind::Answered, Actor::Account(self.author), self.created_at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MachineClientId;

    #[test]
    fn only_a_person_writes_an_answer_and_the_author_is_checked_before_the_text() {
        let draft = AnswerDraft { text: None, public: true };
        assert_eq!(draft.parse(Actor::Client(MachineClientId::new())).err(), Some(AnswerRefusal::NotAPerson));
        assert_eq!(draft.parse(Actor::Public).err(), Some(AnswerRefusal::NotAPerson));
        let account = AccountId::new();
        let Err(AnswerRefusal::Invalid(errors)) = draft.parse(Actor::Account(account)) else {
            panic!("a missing text is refused")
        };
        assert_eq!(errors.0[0].field, "text");
        let written = AnswerDraft { text: Some(" Merci. ".to_owned()), public: false }.parse(Actor::Account(account));
        assert!(written.is_ok_and(|(author, text)| author == account && text.as_str() == "Merci."));
    }
}
