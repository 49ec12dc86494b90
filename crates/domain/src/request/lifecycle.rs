//! The lifecycle of a request (`DOMAIN.md`, "Requests"):
//!
//! ```text
//! received ──► qualifying ──► qualified ──► redirected | declined | answered | in_process | in_fifty_fifty
//! in_process / in_fifty_fifty ──► closed, with a resolution
//! any open state ──► merged (into another request)
//! closed / declined / answered / redirected ──► qualifying (reopened, with a reason)
//! ```
//!
//! [`transition`] is the one place that says whether a change of status is allowed, and what
//! it must carry. Guards that need the qualification take [`QualificationFacts`]: until a request
//! has a qualification, those guards have nothing to check.

use super::{Reason, RequestEventKind};
use crate::error::{FieldError, ValidationErrors};
use crate::ids::RequestId;
use crate::vocabulary::{RequestStatus, Resolution};

use RequestStatus::*;

/// Where each status may go next (in the order clients should offer them).
pub fn allowed_targets(from: RequestStatus) -> &'static [RequestStatus] {
    match from {
        Received => &[Qualifying, Merged],
        Qualifying => &[Qualified, Merged],
        Qualified => &[Redirected, Declined, Answered, InProcess, InFiftyFifty, Merged],
        InProcess | InFiftyFifty => &[Closed, Merged],
        Redirected | Declined | Answered | Closed => &[Qualifying],
        Merged => &[],
    }
}

/// Whether a request in this status still awaits an outcome (and so may be merged).
pub fn is_open(status: RequestStatus) -> bool {
    matches!(status, Received | Qualifying | Qualified | InProcess | InFiftyFifty)
}

/// Whether a request in this status still awaits its first answer: past the municipality's delay,
/// it is late.
pub fn awaits_answer(status: RequestStatus) -> bool {
    matches!(status, Received | Qualifying)
}

/// What the qualification (issue "qualification and routing") says, for the guards that need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualificationFacts {
    /// Restated need, competence and recommended level are all recorded.
    pub complete: bool,
    /// The subject is the municipality's competence.
    pub municipal_competence: bool,
    /// All four fifty-fifty prerequisites hold.
    pub eligible: bool,
}

/// What a caller asks: a target status, and what that target needs.
#[derive(Debug, Clone, Default)]
pub struct TransitionAsk {
    pub to: Option<RequestStatus>,
    pub reason: Option<String>,
    pub resolution: Option<Resolution>,
    /// The request this one is merged into (only with `merged`).
    pub into: Option<RequestId>,
}

/// An allowed change, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: RequestStatus,
    pub to: RequestStatus,
    pub reason: Option<Reason>,
    pub resolution: Option<Resolution>,
    pub into: Option<RequestId>,
    /// How the history records it.
    pub event: RequestEventKind,
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionRefusal {
    /// The lifecycle has no such arrow from here (409, listing the allowed targets).
    NotAllowed { from: RequestStatus, to: RequestStatus, allowed: Vec<RequestStatus> },
    /// The arrow exists but a rule on the request refuses it (409, naming the rule).
    Guard { rule: &'static str, message: &'static str, allowed: Vec<RequestStatus> },
    /// The ask itself is incomplete or inconsistent (422, naming the fields).
    Invalid(ValidationErrors),
}

/// Statuses that need a reason the requester can read.
fn needs_reason(from: RequestStatus, to: RequestStatus) -> bool {
    matches!(to, Declined | Redirected | Merged) || is_reopening(from, to)
}

fn is_reopening(from: RequestStatus, to: RequestStatus) -> bool {
    to == Qualifying && matches!(from, Closed | Declined | Answered | Redirected)
}

/// Checks a transition of a request `id` now in `from`.
pub fn transition(
    id: RequestId,
    from: RequestStatus,
    ask: TransitionAsk,
    facts: Option<&QualificationFacts>,
) -> Result<Transition, TransitionRefusal> {
    let mut errors = ValidationErrors::default();
    let Some(to) = ask.to else {
        errors.push(FieldError::new("to", "required", "name the status to move to"));
        return Err(TransitionRefusal::Invalid(errors));
    };
    let allowed = allowed_targets(from);
    if !allowed.contains(&to) {
        return Err(TransitionRefusal::NotAllowed { from, to, allowed: allowed.to_vec() });
    }

    let reason = match ask.reason.as_deref() {
        Some(text) => errors.collect(Reason::parse("reason", text)),
        None if needs_reason(from, to) => {
            errors.push(FieldError::new("reason", "required", format!("moving to {to} needs a reason")));
            None
        }
        None => None,
    };
    let resolution = match (to, ask.resolution) {
        (Closed, Some(resolution)) => Some(resolution),
        (Closed, None) => {
            errors.push(FieldError::new(
                "resolution",
                "required",
                "closing needs a resolution: done, status_quo, abandoned or taken_over_by_services",
            ));
            None
        }
        (_, Some(_)) => {
            errors.push(FieldError::new("resolution", "not_applicable", "a resolution is given only when closing"));
            None
        }
        (_, None) => None,
    };
    let into = match (to, ask.into) {
        (Merged, Some(into)) if into == id => {
            errors.push(FieldError::new("into", "same_request", "a request cannot be merged into itself"));
            None
        }
        (Merged, Some(into)) => Some(into),
        (Merged, None) => {
            errors.push(FieldError::new("into", "required", "name the request this one is merged into"));
            None
        }
        (_, Some(_)) => {
            errors.push(FieldError::new("into", "not_applicable", "`into` is given only when merging"));
            None
        }
        (_, None) => None,
    };
    errors.into_result().map_err(TransitionRefusal::Invalid)?;

    if let Some(facts) = facts {
        check_guards(to, facts, allowed)?;
    }
    let event = if to == Merged {
        RequestEventKind::Merged
    } else if is_reopening(from, to) {
        RequestEventKind::Reopened
    } else {
        RequestEventKind::Transitioned
    };
    Ok(Transition { from, to, reason, resolution, into, event })
}

/// The rules that need the qualification.
fn check_guards(
    to: RequestStatus,
    facts: &QualificationFacts,
    allowed: &[RequestStatus],
) -> Result<(), TransitionRefusal> {
    let refusal = |rule, message| Err(TransitionRefusal::Guard { rule, message, allowed: allowed.to_vec() });
    match to {
        Qualified if !facts.complete => refusal(
            "qualification_incomplete",
            "a request is qualified only when its restated need, competence and recommended level are recorded",
        ),
        Redirected if facts.municipal_competence => {
            refusal("competence_is_municipal", "a request is redirected only when another authority is competent")
        }
        InFiftyFifty if !facts.eligible => refusal(
            "not_eligible_for_fifty_fifty",
            "a request goes to a fifty-fifty project only when all four prerequisites hold",
        ),
        _ => Ok(()),
    }
}

/// Checks that a request may receive another one merged into it.
pub fn may_receive_merge(target: RequestStatus) -> Result<(), FieldError> {
    if target == Merged {
        Err(FieldError::new("into", "merged_target", "that request was itself merged: merge into the one it went to"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(to: RequestStatus) -> TransitionAsk {
        let reason = Some("Relevant reason for the requester".to_owned());
        let resolution = (to == Closed).then_some(Resolution::Done);
        let into = (to == Merged).then(RequestId::new);
        TransitionAsk { to: Some(to), reason, resolution, into }
    }

    /// Every (from, to) pair: exactly the arrows of the diagram are allowed.
    #[test]
    fn exactly_the_arrows_of_the_lifecycle_are_allowed() {
        let arrows: &[(RequestStatus, RequestStatus)] = &[
            (Received, Qualifying),
            (Qualifying, Qualified),
            (Qualified, Redirected),
            (Qualified, Declined),
            (Qualified, Answered),
            (Qualified, InProcess),
            (Qualified, InFiftyFifty),
            (InProcess, Closed),
            (InFiftyFifty, Closed),
            (Received, Merged),
            (Qualifying, Merged),
            (Qualified, Merged),
            (InProcess, Merged),
            (InFiftyFifty, Merged),
            (Closed, Qualifying),
            (Declined, Qualifying),
            (Answered, Qualifying),
            (Redirected, Qualifying),
        ];
        for &from in RequestStatus::ALL {
            for &to in RequestStatus::ALL {
                let result = transition(RequestId::new(), from, ask(to), None);
                let expected = arrows.contains(&(from, to));
                match result {
                    Ok(_) => assert!(expected, "{from} → {to} was allowed"),
                    Err(TransitionRefusal::NotAllowed { allowed, .. }) => {
                        assert!(!expected, "{from} → {to} was refused");
                        assert_eq!(allowed, allowed_targets(from));
                    }
                    Err(other) => panic!("{from} → {to}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn a_merged_request_can_go_nowhere() {
        assert!(allowed_targets(Merged).is_empty());
        for &to in RequestStatus::ALL {
            assert!(matches!(
                transition(RequestId::new(), Merged, ask(to), None),
                Err(TransitionRefusal::NotAllowed { .. })
            ));
        }
    }

    #[test]
    fn declining_redirecting_merging_and_reopening_need_a_reason() {
        for (from, to) in [(Qualified, Declined), (Qualified, Redirected), (Received, Merged), (Closed, Qualifying)] {
            let mut without = ask(to);
            without.reason = None;
            match transition(RequestId::new(), from, without, None) {
                Err(TransitionRefusal::Invalid(errors)) => {
                    assert_eq!(errors.0.len(), 1);
                    assert_eq!((errors.0[0].field.as_str(), errors.0[0].code), ("reason", "required"));
                }
                other => panic!("{from} → {to} without a reason: {other:?}"),
            }
        }
    }

    #[test]
    fn other_transitions_need_no_reason() {
        for (from, to) in [(Received, Qualifying), (Qualifying, Qualified), (Qualified, Answered), (InProcess, Closed)]
        {
            let mut without = ask(to);
            without.reason = None;
            assert!(transition(RequestId::new(), from, without, None).is_ok(), "{from} → {to}");
        }
    }

    #[test]
    fn a_blank_reason_is_no_reason() {
        let mut blank = ask(Declined);
        blank.reason = Some("   ".to_owned());
        assert!(matches!(transition(RequestId::new(), Qualified, blank, None), Err(TransitionRefusal::Invalid(_))));
    }

    #[test]
    fn closing_needs_a_resolution_and_status_quo_is_one() {
        let mut without = ask(Closed);
        without.resolution = None;
        assert!(matches!(transition(RequestId::new(), InProcess, without, None), Err(TransitionRefusal::Invalid(_))));
        for &resolution in Resolution::ALL {
            let mut closing = ask(Closed);
            closing.resolution = Some(resolution);
            let done = transition(RequestId::new(), InFiftyFifty, closing, None);
            assert!(done.is_ok_and(|t| t.resolution == Some(resolution)));
        }
    }

    #[test]
    fn a_resolution_is_refused_unless_closing() {
        let mut answered = ask(Answered);
        answered.resolution = Some(Resolution::StatusQuo);
        match transition(RequestId::new(), Qualified, answered, None) {
            Err(TransitionRefusal::Invalid(errors)) => assert_eq!(errors.0[0].code, "not_applicable"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn merging_needs_another_request() {
        let id = RequestId::new();
        let mut itself = ask(Merged);
        itself.into = Some(id);
        assert!(matches!(transition(id, Received, itself, None), Err(TransitionRefusal::Invalid(_))));
        let mut nowhere = ask(Merged);
        nowhere.into = None;
        assert!(matches!(transition(id, Received, nowhere, None), Err(TransitionRefusal::Invalid(_))));
        let mut stray = ask(Qualifying);
        stray.into = Some(RequestId::new());
        assert!(matches!(transition(id, Received, stray, None), Err(TransitionRefusal::Invalid(_))));
        assert!(may_receive_merge(Merged).is_err());
        assert!(may_receive_merge(Closed).is_ok());
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let wrong = TransitionAsk {
            to: Some(Declined),
            reason: None,
            resolution: Some(Resolution::Done),
            into: Some(RequestId::new()),
        };
        match transition(RequestId::new(), Qualified, wrong, None) {
            Err(TransitionRefusal::Invalid(errors)) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["reason", "resolution", "into"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_target_is_named() {
        let result = transition(RequestId::new(), Received, TransitionAsk::default(), None);
        assert!(matches!(result, Err(TransitionRefusal::Invalid(e)) if e.0[0].field == "to"));
    }

    #[test]
    fn the_history_tells_reopening_and_merging_apart() {
        let reopened = transition(RequestId::new(), Declined, ask(Qualifying), None);
        assert!(reopened.is_ok_and(|t| t.event == RequestEventKind::Reopened));
        let started = transition(RequestId::new(), Received, ask(Qualifying), None);
        assert!(started.is_ok_and(|t| t.event == RequestEventKind::Transitioned));
        let merged = transition(RequestId::new(), Qualified, ask(Merged), None);
        assert!(merged.is_ok_and(|t| t.event == RequestEventKind::Merged && t.into.is_some()));
    }

    #[test]
    fn qualification_guards_refuse_naming_their_rule() {
        let facts = QualificationFacts { complete: false, municipal_competence: true, eligible: false };
        let cases = [
            (Qualifying, Qualified, "qualification_incomplete"),
            (Qualified, Redirected, "competence_is_municipal"),
            (Qualified, InFiftyFifty, "not_eligible_for_fifty_fifty"),
        ];
        for (from, to, expected) in cases {
            match transition(RequestId::new(), from, ask(to), Some(&facts)) {
                Err(TransitionRefusal::Guard { rule, .. }) => assert_eq!(rule, expected),
                other => panic!("{from} → {to}: {other:?}"),
            }
        }
        let good = QualificationFacts { complete: true, municipal_competence: false, eligible: true };
        for (from, to, _) in cases {
            assert!(transition(RequestId::new(), from, ask(to), Some(&good)).is_ok(), "{from} → {to}");
        }
    }

    #[test]
    fn without_a_qualification_the_guards_have_nothing_to_check() {
        assert!(transition(RequestId::new(), Qualifying, ask(Qualified), None).is_ok());
    }

    #[test]
    fn open_and_awaiting_statuses() {
        let open: Vec<_> = RequestStatus::ALL.iter().copied().filter(|s| is_open(*s)).collect();
        assert_eq!(open, [Received, Qualifying, Qualified, InProcess, InFiftyFifty]);
        let awaiting: Vec<_> = RequestStatus::ALL.iter().copied().filter(|s| awaits_answer(*s)).collect();
        assert_eq!(awaiting, [Received, Qualifying]);
        for &status in RequestStatus::ALL {
            assert_eq!(is_open(status), allowed_targets(status).contains(&Merged), "{status}");
        }
    }
}
