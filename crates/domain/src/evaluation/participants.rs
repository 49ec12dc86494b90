//! Who takes part, and renewal (§4.2.4: "souvent les mêmes"; the "tassement" of involvement):
//! the people who consented to their participation being recorded — at meetings, by their ballots,
//! in projects — so that the indicators count first-time against returning participants by
//! neighbourhood and year, without naming anyone; and the contributors ("bâtisseurs"), those who
//! carried or took part in projects and processes, listed publicly only with their consent.
//!
//! - A **participant** is recorded with their consent (by staff, or by themselves with their
//!   account); `listed_publicly` is a second consent, to appear among the contributors.
//! - A **participation** is one thing they took part in, on a day: a meeting attended, a survey
//!   answered (recorded with the ballot, for a participant's account), a project carried or taken
//!   part in, a process contributed to.
//! - In a period, a participant is **first-time** when their first participation ever falls in
//!   it, **returning** when they took part before it.

use super::Compared;
use crate::Slug;
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{AccountId, MunicipalityId, ParticipantId, ParticipationId};
use crate::vocabulary::ParticipationKind;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: ParticipantId,
    pub municipality: MunicipalityId,
    /// As they wish to be named (among the contributors, if listed).
    pub name: String,
    /// Their account, when they have one here: their ballots are then recorded.
    pub account: Option<AccountId>,
    /// Where they live, for the indicators by neighbourhood.
    pub neighbourhood: Option<Slug>,
    /// They consented to appear among the town's contributors.
    pub listed_publicly: bool,
    /// When they consented to their participation being recorded.
    pub consent_at: DateTime<Utc>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A participant as received.
#[derive(Debug, Clone, Default)]
pub struct ParticipantDraft {
    pub name: Option<String>,
    pub neighbourhood: Option<String>,
    pub listed_publicly: Option<bool>,
    /// They consent to their participation being recorded (required, and true).
    pub consent: Option<bool>,
}

impl ParticipantDraft {
    /// A new participant (`account`: their own, when they record themselves), every invalid
    /// field named; `neighbourhoods` are the town's codes.
    pub fn parse(
        &self,
        municipality: MunicipalityId,
        account: Option<AccountId>,
        neighbourhoods: &[Slug],
        now: DateTime<Utc>,
    ) -> Result<Participant, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = match &self.name {
            Some(name) => errors.collect(parse_name("name", name, 200)),
            None => {
                errors.push(FieldError::new(
                    "name",
                    crate::error::Code::Required,
                    Message::new("required", "obligatoire"),
                ));
                None
            }
        };
        let neighbourhood = self.neighbourhood.as_deref().and_then(|code| errors.collect(known(code, neighbourhoods)));
        if self.consent != Some(true) {
            errors.push(FieldError::new(
                "consent",
                crate::error::Code::Required,
                Message::new(
                    "a participation is recorded only with the person's consent",
                    "une participation ne s'enregistre qu'avec le consentement de la personne",
                ),
            ));
        }
        match name {
            Some(name) if errors.is_empty() => Ok(Participant {
                id: ParticipantId::new(),
                municipality,
                name,
                account,
                neighbourhood,
                listed_publicly: self.listed_publicly.unwrap_or(false),
                consent_at: now,
                version: 1,
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }

    /// `current` changed: its name, neighbourhood (`Some(None)`: none) or public listing.
    pub fn apply(
        &self,
        current: &Participant,
        neighbourhood: Option<Option<&str>>,
        neighbourhoods: &[Slug],
        now: DateTime<Utc>,
    ) -> Result<Participant, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.name.as_deref().and_then(|n| errors.collect(parse_name("name", n, 200)));
        let neighbourhood = match neighbourhood {
            Some(Some(code)) => errors.collect(known(code, neighbourhoods)).map(Some),
            Some(None) => Some(None),
            None => Some(current.neighbourhood.clone()),
        };
        errors.into_result()?;
        Ok(Participant {
            name: name.unwrap_or_else(|| current.name.clone()),
            neighbourhood: neighbourhood.unwrap_or_default(),
            listed_publicly: self.listed_publicly.unwrap_or(current.listed_publicly),
            updated_at: now,
            ..current.clone()
        })
    }
}

fn known(code: &str, neighbourhoods: &[Slug]) -> Result<Slug, FieldError> {
    neighbourhoods.iter().find(|n| n.as_str() == code).cloned().ok_or_else(|| {
        FieldError::new(
            "neighbourhood",
            crate::requests::Code::UnknownNeighbourhood,
            Message::new("the town has no neighbourhood of this code", "la commune n'a pas de quartier de ce code"),
        )
    })
}

/// One thing a participant took part in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    pub id: ParticipationId,
    pub municipality: MunicipalityId,
    pub participant: ParticipantId,
    pub kind: ParticipationKind,
    /// The meeting, survey, project or process (as the kind says).
    pub subject: Uuid,
    pub on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// What a participation of each kind is about.
pub fn subject_of(kind: ParticipationKind) -> &'static str {
    match kind {
        ParticipationKind::AttendedMeeting => "meeting",
        ParticipationKind::AnsweredSurvey => "survey",
        ParticipationKind::CarriedProject | ParticipationKind::TookPartInProject => "project",
        ParticipationKind::ContributedToProcess => "process",
    }
}

/// Whether a participation of this kind makes its participant a contributor ("bâtisseur").
pub fn contributes(kind: ParticipationKind) -> bool {
    matches!(
        kind,
        ParticipationKind::CarriedProject
            | ParticipationKind::TookPartInProject
            | ParticipationKind::ContributedToProcess
    )
}

/// The smallest count of people the public's figures show: fewer (but some) could single someone
/// out — crossing a day and a neighbourhood with the contributors, say.
pub const SMALLEST_SHOWN: u64 = 5;

/// A count of people as the public (`public`) or staff read it: `None` for 1 to 4, to the public.
pub fn shown(count: u64, public: bool) -> Option<u64> {
    (!public || count == 0 || count >= SMALLEST_SHOWN).then_some(count)
}

/// A participant who took part in a period, as the database finds them: their neighbourhood and
/// whether they took part before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveParticipant {
    pub current: bool,
    pub neighbourhood: Option<String>,
    /// Their first participation ever is before the period.
    pub returning: bool,
    pub count: u64,
}

/// First-time and returning participants, both periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Renewal {
    pub first_time: Compared<u64>,
    pub returning: Compared<u64>,
}

/// The participants' renewal, in all and by neighbourhood (those with none recorded in no line).
pub fn renewal(active: &[ActiveParticipant]) -> (Renewal, BTreeMap<String, Renewal>) {
    let add = |r: &mut Renewal, a: &ActiveParticipant| {
        let slot = if a.returning { &mut r.returning } else { &mut r.first_time };
        if a.current {
            slot.current += a.count;
        } else {
            slot.previous += a.count;
        }
    };
    let zero = || Renewal {
        first_time: Compared { current: 0, previous: 0 },
        returning: Compared { current: 0, previous: 0 },
    };
    let mut all = zero();
    let mut by_neighbourhood: BTreeMap<String, Renewal> = BTreeMap::new();
    for a in active {
        add(&mut all, a);
        if let Some(code) = &a.neighbourhood {
            add(by_neighbourhood.entry(code.clone()).or_insert_with(zero), a);
        }
    }
    (all, by_neighbourhood)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_participant_is_recorded_only_with_consent_and_a_known_neighbourhood() {
        let town = [Slug::parse("cite-5").unwrap()];
        let draft = ParticipantDraft {
            name: Some("Awa Diallo".into()),
            neighbourhood: Some("cite-5".into()),
            listed_publicly: None,
            consent: Some(true),
        };
        let awa = draft.parse(MunicipalityId::new(), None, &town, Utc::now()).unwrap();
        assert!(!awa.listed_publicly, "listed only when asked");
        let refused = ParticipantDraft { neighbourhood: Some("nulle-part".into()), consent: None, ..draft.clone() }
            .parse(MunicipalityId::new(), None, &town, Utc::now())
            .unwrap_err();
        let fields: Vec<&str> = refused.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["neighbourhood", "consent"]);
        let moved = ParticipantDraft { listed_publicly: Some(true), ..ParticipantDraft::default() }
            .apply(&awa, Some(None), &town, Utc::now())
            .unwrap();
        assert_eq!((moved.neighbourhood, moved.listed_publicly, moved.name.as_str()), (None, true, "Awa Diallo"));
    }

    #[test]
    fn first_time_participants_are_told_from_returning_ones_by_neighbourhood() {
        let active = |current, neighbourhood: Option<&str>, returning, count| ActiveParticipant {
            current,
            neighbourhood: neighbourhood.map(Into::into),
            returning,
            count,
        };
        let (all, by) = renewal(&[
            active(true, Some("cite-5"), false, 3),
            active(true, Some("cite-5"), true, 5),
            active(true, None, false, 1),
            active(false, Some("marais"), true, 2),
        ]);
        assert_eq!(all.first_time, Compared { current: 4, previous: 0 });
        assert_eq!(all.returning, Compared { current: 5, previous: 2 });
        assert_eq!(by["cite-5"].first_time.current, 3);
        assert_eq!(by["marais"].returning.previous, 2);
        assert!(contributes(ParticipationKind::CarriedProject) && !contributes(ParticipationKind::AnsweredSurvey));
        assert_eq!(
            (shown(3, true), shown(3, false), shown(0, true), shown(5, true)),
            (None, Some(3), Some(0), Some(5))
        );
    }
}
