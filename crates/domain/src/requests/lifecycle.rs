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
//! it must carry. Guards that need the qualification take [`QualificationFacts`]: a request
//! without a qualification has the facts of an empty one (incomplete, not eligible).

use super::{Actor, AnswerText, Reason, RequestEvent, RequestEventKind};
use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::{AnswerId, RequestId};
use crate::vocabulary::Language;
use crate::vocabulary::{Competence, FiftyFiftyPrerequisite, RequestStatus, Resolution};
use chrono::{DateTime, NaiveDate, Utc};

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

/// Whether a request in `status`, received on `received_on`, is late on `today`: it still awaits
/// its first answer more than `answer_delay_days` after it was received.
pub fn is_late(status: RequestStatus, received_on: NaiveDate, answer_delay_days: u16, today: NaiveDate) -> bool {
    awaits_answer(status) && received_on < super::late_before(today, answer_delay_days)
}

/// Every status that [`awaits_answer`], for queries that filter on it.
pub fn awaiting_answer() -> impl Iterator<Item = RequestStatus> {
    RequestStatus::ALL.iter().copied().filter(|s| awaits_answer(*s))
}

/// What the qualification says, for the guards that need it (see
/// [`crate::requests::qualification::Qualification::facts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualificationFacts {
    /// Which of the essentials (restated need, competence, recommended level) are missing.
    pub missing: Vec<&'static str>,
    pub competence: Option<Competence>,
    /// Named whenever the competence is another authority's.
    pub competent_authority: Option<String>,
    /// The fifty-fifty prerequisites that do not hold (or are not answered).
    pub unmet: Vec<FiftyFiftyPrerequisite>,
}

impl QualificationFacts {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// Another authority is competent (recorded, and not the municipality).
    pub fn other_authority(&self) -> Option<&str> {
        match self.competence {
            Some(c) if c != Competence::Municipality => self.competent_authority.as_deref(),
            _ => None,
        }
    }

    pub fn eligible(&self) -> bool {
        self.unmet.is_empty()
    }
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
    /// The answer the requester gets with the change: when redirected, it names the competent
    /// authority and what was sent on (the reason).
    pub answer: Option<AnswerText>,
}

impl Transition {
    /// The history entries of this change on request `id`: the transition itself, the answer
    /// that goes with it (`answer`, once written), and on a merge an entry in the history of the
    /// request merged into.
    pub fn events(
        &self,
        id: RequestId,
        actor: Actor,
        at: DateTime<Utc>,
        answer: Option<AnswerId>,
    ) -> Vec<RequestEvent> {
        let mut events = vec![RequestEvent {
            from: Some(self.from),
            to: Some(self.to),
            reason: self.reason.as_ref().map(|r| r.as_str().to_owned()),
            resolution: self.resolution,
            related: self.into,
            ..RequestEvent::new(id, self.event, actor, at)
        }];
        if let Some(answer) = answer {
            events.push(RequestEvent {
                answer: Some(answer),
                ..RequestEvent::new(id, RequestEventKind::Answered, actor, at)
            });
        }
        if let Some(into) = self.into {
            events.push(RequestEvent {
                reason: self.reason.as_ref().map(|r| r.as_str().to_owned()),
                related: Some(id),
                ..RequestEvent::new(into, RequestEventKind::MergedIn, actor, at)
            });
        }
        events
    }
}

/// The rules of the lifecycle's guards: the `rule` of a refused transition, which clients can
/// switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `qualified` needs the restated need, the competence and the recommended level.
    QualificationIncomplete,
    /// `redirected` needs another competent authority, named.
    CompetenceIsMunicipal,
    /// `in_fifty_fifty` needs every prerequisite (six).
    NotEligibleForFiftyFifty,
    /// Handing a request over needs it redirected first, and not linked to another already.
    HandOverNeedsRedirect,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::QualificationIncomplete,
        Rule::CompetenceIsMunicipal,
        Rule::NotEligibleForFiftyFifty,
        Rule::HandOverNeedsRedirect,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::QualificationIncomplete => "qualification_incomplete",
            Rule::CompetenceIsMunicipal => "competence_is_municipal",
            Rule::NotEligibleForFiftyFifty => "not_eligible_for_fifty_fifty",
            Rule::HandOverNeedsRedirect => "hand_over_needs_redirect",
        }
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionRefusal {
    /// The lifecycle has no such arrow from here (409, listing the allowed targets).
    NotAllowed { from: RequestStatus, to: RequestStatus, allowed: Vec<RequestStatus> },
    /// The arrow exists but a rule on the request refuses it (409, naming the rule and, field by
    /// field, what the qualification lacks).
    Guard { rule: Rule, message: Message, allowed: Vec<RequestStatus>, lacking: Vec<FieldError> },
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
    facts: &QualificationFacts,
) -> Result<Transition, TransitionRefusal> {
    let mut errors = ValidationErrors::default();
    let Some(to) = ask.to else {
        errors.push(FieldError::new(
            "to",
            crate::error::Code::Required,
            Message::new("name the status to move to", "nommez le statut visé"),
        ));
        return Err(TransitionRefusal::Invalid(errors));
    };
    let allowed = allowed_targets(from);
    if !allowed.contains(&to) {
        return Err(TransitionRefusal::NotAllowed { from, to, allowed: allowed.to_vec() });
    }

    let reason = match ask.reason.as_deref() {
        Some(text) => errors.collect(Reason::parse("reason", text)),
        None if needs_reason(from, to) => {
            errors.push(FieldError::new(
                "reason",
                crate::error::Code::Required,
                Message::new(format!("moving to {to} needs a reason"), format!("passer à {to} demande une raison")),
            ));
            None
        }
        None => None,
    };
    let resolution = match (to, ask.resolution) {
        (Closed, Some(resolution)) => Some(resolution),
        (Closed, None) => {
            errors.push(FieldError::new(
                "resolution",
                crate::error::Code::Required,
                Message::new(
                    "closing needs a resolution: done, status_quo, abandoned or taken_over_by_services",
                    "clore demande une issue : done, status_quo, abandoned ou taken_over_by_services",
                ),
            ));
            None
        }
        (_, Some(_)) => {
            errors.push(FieldError::new(
                "resolution",
                crate::requests::Code::NotApplicable,
                Message::new("a resolution is given only when closing", "une issue ne se donne qu'à la clôture"),
            ));
            None
        }
        (_, None) => None,
    };
    let into = match (to, ask.into) {
        (Merged, Some(into)) if into == id => {
            errors.push(FieldError::new(
                "into",
                crate::requests::Code::SameRequest,
                Message::new(
                    "a request cannot be merged into itself",
                    "une demande ne peut pas être fusionnée avec elle-même",
                ),
            ));
            None
        }
        (Merged, Some(into)) => Some(into),
        (Merged, None) => {
            errors.push(FieldError::new(
                "into",
                crate::error::Code::Required,
                Message::new(
                    "name the request this one is merged into",
                    "nommez la demande avec laquelle celle-ci est fusionnée",
                ),
            ));
            None
        }
        (_, Some(_)) => {
            errors.push(FieldError::new(
                "into",
                crate::requests::Code::NotApplicable,
                Message::new("`into` is given only when merging", "`into` ne se donne que pour une fusion"),
            ));
            None
        }
        (_, None) => None,
    };
    errors.into_result().map_err(TransitionRefusal::Invalid)?;

    check_guards(to, facts, allowed)?;
    let answer = match (to, facts.other_authority(), &reason) {
        (Redirected, Some(authority), Some(reason)) => {
            let text = redirect_answer(authority, reason);
            Some(
                AnswerText::parse("reason", &text)
                    .map_err(|e| TransitionRefusal::Invalid(ValidationErrors(vec![e])))?,
            )
        }
        _ => None,
    };
    let event = if to == Merged {
        RequestEventKind::Merged
    } else if is_reopening(from, to) {
        RequestEventKind::Reopened
    } else {
        RequestEventKind::Transitioned
    };
    Ok(Transition { from, to, reason, resolution, into, event, answer })
}

/// What a redirected requester reads: who is competent, and what the town sent on.
pub fn redirect_answer(authority: &str, reason: &Reason) -> String {
    format!("Votre demande relève de la compétence de : {authority}. {}", reason.as_str())
}

/// The rules that need the qualification.
fn check_guards(
    to: RequestStatus,
    facts: &QualificationFacts,
    allowed: &[RequestStatus],
) -> Result<(), TransitionRefusal> {
    match lacking_for(to, facts) {
        Some((rule, message, lacking)) => {
            Err(TransitionRefusal::Guard { rule, message, allowed: allowed.to_vec(), lacking })
        }
        None => Ok(()),
    }
}

/// What the qualification lacks for a request to enter `to`: the rule, why, and field by field.
fn lacking_for(to: RequestStatus, facts: &QualificationFacts) -> Option<(Rule, Message, Vec<FieldError>)> {
    match to {
        Qualified if !facts.complete() => Some((
            Rule::QualificationIncomplete,
            Message::new(
                "a request is qualified only when its restated need, competence and recommended level are recorded",
                "une demande n'est qualifiée qu'une fois son besoin reformulé, sa compétence et son niveau recommandé inscrits",
            ),
            facts
                .missing
                .iter()
                .map(|field| {
                    FieldError::new(
                        *field,
                        crate::error::Code::Missing,
                        Message::new("record it in the qualification", "inscrivez-le dans la qualification"),
                    )
                })
                .collect(),
        )),
        Redirected if facts.other_authority().is_none() => Some((
            Rule::CompetenceIsMunicipal,
            Message::new(
                "a request is redirected only when its qualification names another competent authority",
                "une demande n'est réorientée que si sa qualification nomme une autre autorité compétente",
            ),
            vec![FieldError::new(
                "competence",
                crate::requests::Code::NotAnotherAuthority,
                Message::new(
                    "record the competence of another authority (intercommunality, department, region, state, other) and name it",
                    "inscrivez la compétence d'une autre autorité (intercommunality, department, region, state, other) et nommez-la",
                ),
            )],
        )),
        InFiftyFifty if !facts.eligible() => Some((
            Rule::NotEligibleForFiftyFifty,
            Message::new(
                "a request goes to a fifty-fifty project only when all six prerequisites hold",
                "une demande ne devient un projet fifty-fifty que si les six prérequis sont remplis",
            ),
            facts
                .unmet
                .iter()
                .map(|p| {
                    FieldError::new(
                        format!("fifty_fifty_eligibility.{}", p.code()),
                        crate::requests::Code::Unmet,
                        Message::new(
                            format!("the prerequisite \"{}\" does not hold, or was not answered", p.label().en),
                            format!("le prérequis « {} » n'est pas rempli, ou sans réponse", p.label().fr),
                        ),
                    )
                })
                .collect(),
        )),
        _ => None,
    }
}

/// What a request in `status` needs its qualification to keep, so that changing the
/// qualification never undoes what let the request get there: from `qualified` on, the
/// essentials; while `redirected`, another competent authority; while `in_fifty_fifty`, the six
/// prerequisites. (Reopening, back to `qualifying`, frees the document again.)
pub fn check_qualification_kept(status: RequestStatus, facts: &QualificationFacts) -> Result<(), ValidationErrors> {
    let past_qualification =
        matches!(status, Qualified | Redirected | Declined | Answered | InProcess | InFiftyFifty | Closed);
    let mut errors = ValidationErrors::default();
    for needed in [Qualified, Redirected, InFiftyFifty] {
        let applies = if needed == Qualified { past_qualification } else { status == needed };
        if let Some((_, _, lacking)) = applies.then(|| lacking_for(needed, facts)).flatten() {
            for e in lacking {
                let message = Message::new(
                    format!("the request is {status}: its qualification must keep this ({})", e.message.en()),
                    format!(
                        "la demande est {status} : sa qualification doit garder ceci ({})",
                        e.message.get(Language::Fr)
                    ),
                );
                errors.push(FieldError { field: e.field, code: e.code, message });
            }
        }
    }
    errors.into_result()
}

/// Checks that a request may receive another one merged into it.
pub fn may_receive_merge(target: RequestStatus) -> Result<(), FieldError> {
    if target == Merged {
        Err(FieldError::new(
            "into",
            crate::requests::Code::MergedTarget,
            Message::new(
                "that request was itself merged: merge into the one it went to",
                "cette demande a elle-même été fusionnée : fusionnez avec celle qui l'a reçue",
            ),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Facts that let every guard pass: complete, another authority competent, eligible.
    fn ready() -> QualificationFacts {
        QualificationFacts {
            missing: Vec::new(),
            competence: Some(Competence::Intercommunality),
            competent_authority: Some("Communauté d'agglomération de Lens-Liévin".to_owned()),
            unmet: Vec::new(),
        }
    }

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
                let result = transition(RequestId::new(), from, ask(to), &ready());
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
                transition(RequestId::new(), Merged, ask(to), &ready()),
                Err(TransitionRefusal::NotAllowed { .. })
            ));
        }
    }

    #[test]
    fn declining_redirecting_merging_and_reopening_need_a_reason() {
        for (from, to) in [(Qualified, Declined), (Qualified, Redirected), (Received, Merged), (Closed, Qualifying)] {
            let mut without = ask(to);
            without.reason = None;
            match transition(RequestId::new(), from, without, &ready()) {
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
            assert!(transition(RequestId::new(), from, without, &ready()).is_ok(), "{from} → {to}");
        }
    }

    #[test]
    fn a_blank_reason_is_no_reason() {
        let mut blank = ask(Declined);
        blank.reason = Some("   ".to_owned());
        assert!(matches!(transition(RequestId::new(), Qualified, blank, &ready()), Err(TransitionRefusal::Invalid(_))));
    }

    #[test]
    fn closing_needs_a_resolution_and_status_quo_is_one() {
        let mut without = ask(Closed);
        without.resolution = None;
        assert!(matches!(
            transition(RequestId::new(), InProcess, without, &ready()),
            Err(TransitionRefusal::Invalid(_))
        ));
        for &resolution in Resolution::ALL {
            let mut closing = ask(Closed);
            closing.resolution = Some(resolution);
            let done = transition(RequestId::new(), InFiftyFifty, closing, &ready());
            assert!(done.is_ok_and(|t| t.resolution == Some(resolution)));
        }
    }

    #[test]
    fn a_resolution_is_refused_unless_closing() {
        let mut answered = ask(Answered);
        answered.resolution = Some(Resolution::StatusQuo);
        match transition(RequestId::new(), Qualified, answered, &ready()) {
            Err(TransitionRefusal::Invalid(errors)) => assert_eq!(errors.0[0].code, "not_applicable"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn merging_needs_another_request() {
        let id = RequestId::new();
        let mut itself = ask(Merged);
        itself.into = Some(id);
        assert!(matches!(transition(id, Received, itself, &ready()), Err(TransitionRefusal::Invalid(_))));
        let mut nowhere = ask(Merged);
        nowhere.into = None;
        assert!(matches!(transition(id, Received, nowhere, &ready()), Err(TransitionRefusal::Invalid(_))));
        let mut stray = ask(Qualifying);
        stray.into = Some(RequestId::new());
        assert!(matches!(transition(id, Received, stray, &ready()), Err(TransitionRefusal::Invalid(_))));
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
        match transition(RequestId::new(), Qualified, wrong, &ready()) {
            Err(TransitionRefusal::Invalid(errors)) => {
                let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["reason", "resolution", "into"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_target_is_named() {
        let result = transition(RequestId::new(), Received, TransitionAsk::default(), &ready());
        assert!(matches!(result, Err(TransitionRefusal::Invalid(e)) if e.0[0].field == "to"));
    }

    #[test]
    fn the_history_tells_reopening_and_merging_apart() {
        let reopened = transition(RequestId::new(), Declined, ask(Qualifying), &ready());
        assert!(reopened.is_ok_and(|t| t.event == RequestEventKind::Reopened));
        let started = transition(RequestId::new(), Received, ask(Qualifying), &ready());
        assert!(started.is_ok_and(|t| t.event == RequestEventKind::Transitioned));
        let merged = transition(RequestId::new(), Qualified, ask(Merged), &ready());
        assert!(merged.is_ok_and(|t| t.event == RequestEventKind::Merged && t.into.is_some()));
    }

    #[test]
    fn qualification_guards_refuse_naming_their_rule_and_what_is_lacking() {
        let empty = QualificationFacts { unmet: FiftyFiftyPrerequisite::ALL.to_vec(), ..QualificationFacts::default() };
        let cases = [
            (Qualifying, Qualified, Rule::QualificationIncomplete, vec!["restated_need", "competence"]),
            (Qualified, Redirected, Rule::CompetenceIsMunicipal, vec!["competence"]),
            (
                Qualified,
                InFiftyFifty,
                Rule::NotEligibleForFiftyFifty,
                vec![
                    "fifty_fifty_eligibility.general_interest",
                    "fifty_fifty_eligibility.public_domain",
                    "fifty_fifty_eligibility.living_environment",
                    "fifty_fifty_eligibility.citizen_delivery",
                    "fifty_fifty_eligibility.unmet_need",
                    "fifty_fifty_eligibility.no_public_service_replaced",
                ],
            ),
        ];
        let facts = QualificationFacts { missing: vec!["restated_need", "competence"], ..empty };
        for (from, to, expected, fields) in &cases {
            match transition(RequestId::new(), *from, ask(*to), &facts) {
                Err(TransitionRefusal::Guard { rule, lacking, allowed, .. }) => {
                    assert_eq!(rule, *expected);
                    assert_eq!(lacking.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), *fields);
                    assert_eq!(allowed, allowed_targets(*from));
                }
                other => panic!("{from} → {to}: {other:?}"),
            }
        }
        for (from, to, _, _) in &cases {
            assert!(transition(RequestId::new(), *from, ask(*to), &ready()).is_ok(), "{from} → {to}");
        }
    }

    #[test]
    fn a_qualification_keeps_what_the_status_of_its_request_required() {
        let empty = QualificationFacts { unmet: FiftyFiftyPrerequisite::ALL.to_vec(), ..QualificationFacts::default() };
        let empty = QualificationFacts { missing: vec!["restated_need", "competence", "recommended_level"], ..empty };
        for status in [Received, Qualifying, Merged] {
            assert!(check_qualification_kept(status, &empty).is_ok(), "{status} asks nothing of it");
        }
        let fields = |status| match check_qualification_kept(status, &empty) {
            Ok(()) => Vec::new(),
            Err(errors) => errors.0.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        };
        for status in [Qualified, Declined, Answered, InProcess, Closed] {
            assert_eq!(fields(status), ["restated_need", "competence", "recommended_level"], "{status}");
        }
        assert_eq!(fields(Redirected), ["restated_need", "competence", "recommended_level", "competence"]);
        assert_eq!(fields(InFiftyFifty).len(), 9, "the three essentials and the six prerequisites");
        for status in RequestStatus::ALL {
            assert!(check_qualification_kept(*status, &ready()).is_ok(), "{status}");
        }
    }

    #[test]
    fn the_municipality_named_as_competent_does_not_allow_a_redirection() {
        let municipal = QualificationFacts { competence: Some(Competence::Municipality), ..ready() };
        assert!(matches!(
            transition(RequestId::new(), Qualified, ask(Redirected), &municipal),
            Err(TransitionRefusal::Guard { rule: Rule::CompetenceIsMunicipal, .. })
        ));
    }

    #[test]
    fn one_unmet_prerequisite_is_enough_to_refuse_a_fifty_fifty_and_is_named() {
        let facts = QualificationFacts { unmet: vec![FiftyFiftyPrerequisite::PublicDomain], ..ready() };
        match transition(RequestId::new(), Qualified, ask(InFiftyFifty), &facts) {
            Err(TransitionRefusal::Guard { lacking, .. }) => {
                assert_eq!(lacking.len(), 1);
                assert_eq!(lacking[0].field, "fifty_fifty_eligibility.public_domain");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_redirection_answers_the_requester_with_the_authority_and_what_was_sent_on() {
        let mut redirect = ask(Redirected);
        redirect.reason = Some("Nous avons transmis les adresses signalées.".to_owned());
        let change = transition(RequestId::new(), Qualified, redirect, &ready()).unwrap_or_else(|e| panic!("{e:?}"));
        let answer = change.answer.map(|a| a.as_str().to_owned()).unwrap_or_default();
        assert!(answer.contains("Communauté d'agglomération de Lens-Liévin"), "{answer}");
        assert!(answer.contains("Nous avons transmis les adresses signalées."), "{answer}");
        for to in [Qualifying, Declined, Answered] {
            let from = if to == Qualifying { Received } else { Qualified };
            assert!(transition(RequestId::new(), from, ask(to), &ready()).is_ok_and(|t| t.answer.is_none()));
        }
    }

    #[test]
    fn other_moves_need_nothing_of_the_qualification() {
        let empty = QualificationFacts { unmet: FiftyFiftyPrerequisite::ALL.to_vec(), ..QualificationFacts::default() };
        let empty = QualificationFacts { missing: vec!["restated_need", "competence", "recommended_level"], ..empty };
        for (from, to) in [(Received, Qualifying), (Qualified, Declined), (Qualified, Answered), (Qualified, InProcess)]
        {
            assert!(transition(RequestId::new(), from, ask(to), &empty).is_ok(), "{from} → {to}");
        }
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
