//! Promises made to requesters (the principle of truth, §6.4.2 and annex B2): an answer by a
//! date, a meeting, works. Each is followed until it is kept or withdrawn with a reason; its due
//! day never moves, so a promise not kept in time shows as overdue, and once kept, as kept late.

use super::lifecycle::{Refusal, Rule};
use super::{About, Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{MunicipalityId, PromiseId};
use crate::vocabulary::{PromiseKind, PromiseStatus};
use chrono::{DateTime, NaiveDate, Utc};

text_type!(
    /// What was promised ("Une réponse sur le ralentisseur avant la fin du mois"): 1 to 1,000 characters.
    PromiseText, 1_000, parse_text
);
text_type!(
    /// Who promised, by office ("Le maire", "L'adjoint aux travaux"): 1 to 200 characters.
    PromisedBy, 200, parse_name
);
text_type!(
    /// Why a promise is withdrawn: 1 to 2,000 characters.
    WithdrawalReason, 2_000, parse_text
);

/// A promise, as stored.
#[derive(Debug, Clone)]
pub struct Promise {
    pub id: PromiseId,
    pub municipality: MunicipalityId,
    pub about: About,
    pub kind: PromiseKind,
    pub text: PromiseText,
    pub made_by: PromisedBy,
    /// The day it was made, where the municipality is.
    pub made_on: NaiveDate,
    /// The day it is due: it never moves.
    pub due_on: NaiveDate,
    pub status: PromiseStatus,
    /// The day it was kept or withdrawn.
    pub settled_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<WithdrawalReason>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Promise {
    /// Still pending after its due day (`today`: the municipality's local day).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == PromiseStatus::Pending && today > self.due_on
    }

    /// Kept, but after its due day.
    pub fn kept_late(&self) -> bool {
        self.status == PromiseStatus::Kept && self.settled_on.is_some_and(|on| on > self.due_on)
    }
}

/// A promise as received.
#[derive(Debug, Clone, Default)]
pub struct PromiseDraft {
    pub kind: Option<PromiseKind>,
    pub text: Option<String>,
    pub made_by: Option<String>,
    /// Default: today.
    pub made_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
}

fn not_future(field: &str, date: NaiveDate, today: NaiveDate, errors: &mut ValidationErrors) -> Option<NaiveDate> {
    let date = errors.collect(crate::time::check_date(field, date))?;
    if date > today {
        errors.push(FieldError::new(
            field,
            Code::InTheFuture,
            Message::new("must be a day already come", "doit être un jour déjà venu"),
        ));
        return None;
    }
    Some(date)
}

impl PromiseDraft {
    /// A pending promise about `about`, every invalid field named at once.
    pub fn parse(
        &self,
        municipality: MunicipalityId,
        about: About,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Promise, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.kind.is_none() {
            errors.push(missing(
                "kind",
                "name what is promised: answer, meeting, works or other",
                "nommez ce qui est promis",
            ));
        }
        let text = match self.text.as_deref() {
            Some(text) => errors.collect(PromiseText::parse("text", text)),
            None => {
                errors.push(missing("text", "say what was promised", "dites ce qui a été promis"));
                None
            }
        };
        let made_by = match self.made_by.as_deref() {
            Some(by) => errors.collect(PromisedBy::parse("made_by", by)),
            None => {
                errors.push(missing("made_by", "say who promised, by office", "dites qui a promis, par sa fonction"));
                None
            }
        };
        let made_on = match self.made_on {
            Some(date) => not_future("made_on", date, today, &mut errors),
            None => Some(today),
        };
        let due_on = match self.due_on {
            Some(date) => errors.collect(crate::time::check_date("due_on", date)),
            None => {
                errors.push(missing("due_on", "give the day it is due", "donnez le jour où elle est due"));
                None
            }
        };
        if let (Some(made), Some(due)) = (made_on, due_on)
            && due < made
        {
            errors.push(FieldError::new(
                "due_on",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must not come before the day it was made ({made})"),
                    format!("ne doit pas précéder le jour où elle a été faite ({made})"),
                ),
            ));
        }
        errors.into_result()?;
        let (Some(kind), Some(text), Some(made_by), Some(made_on), Some(due_on)) =
            (self.kind, text, made_by, made_on, due_on)
        else {
            return Err(ValidationErrors::default());
        };
        Ok(Promise {
            id: PromiseId::new(),
            municipality,
            about,
            kind,
            text,
            made_by,
            made_on,
            due_on,
            status: PromiseStatus::Pending,
            settled_on: None,
            withdrawal_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }
}

fn pending(promise: &Promise) -> Result<(), Refusal> {
    if promise.status == PromiseStatus::Pending {
        return Ok(());
    }
    Err(Refusal::Guard {
        rule: Rule::PromiseSettled,
        message: Message::new(
            format!("the promise is already {}", promise.status.code()),
            format!("la promesse est déjà réglée ({})", promise.status.code()),
        ),
        allowed: Vec::new(),
    })
}

/// `promise` kept on `kept_on` (default `today`): not before it was made, not in the future.
pub fn keep(
    promise: &Promise,
    kept_on: Option<NaiveDate>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Promise, Refusal> {
    pending(promise)?;
    let mut errors = ValidationErrors::default();
    let kept_on = match kept_on {
        Some(date) => not_future("kept_on", date, today, &mut errors),
        None => Some(today),
    };
    if let Some(kept) = kept_on
        && kept < promise.made_on
    {
        errors.push(FieldError::new(
            "kept_on",
            crate::error::Code::OutOfRange,
            Message::new(
                format!("must not come before the day it was made ({})", promise.made_on),
                format!("ne doit pas précéder le jour où elle a été faite ({})", promise.made_on),
            ),
        ));
    }
    errors.into_result().map_err(Refusal::Invalid)?;
    Ok(Promise { status: PromiseStatus::Kept, settled_on: kept_on, updated_at: now, ..promise.clone() })
}

/// `promise` withdrawn today, saying why (the reason is required: a promise is not dropped in
/// silence).
pub fn withdraw(
    promise: &Promise,
    reason: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Promise, Refusal> {
    pending(promise)?;
    let reason = match reason {
        Some(reason) => WithdrawalReason::parse("reason", reason).map_err(|e| Refusal::Invalid(e.into()))?,
        None => {
            return Err(Refusal::Invalid(
                missing("reason", "say why it is withdrawn", "dites pourquoi elle est retirée").into(),
            ));
        }
    };
    Ok(Promise {
        status: PromiseStatus::Withdrawn,
        settled_on: Some(today),
        withdrawal_reason: Some(reason),
        updated_at: now,
        ..promise.clone()
    })
}
