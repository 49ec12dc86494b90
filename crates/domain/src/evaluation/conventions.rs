//! The fifty-fifty indicators: projects started, completed, abandoned and taken over by the
//! services; and, over the conventions signed, the euros committed and spent by the town and by
//! the other parties, the commitments fulfilled and eroded, and the people who took part — each
//! with the previous period's beside it.
//!
//! - A project counts as **started** in the period it was created in, and as completed,
//!   abandoned or taken over in the period it reached that status.
//! - A convention counts in the period its text in force **starts** in, once signed by every
//!   party (a draft commits nobody). What it holds in texts and follow-up (JSON) is summed up by
//!   [`ConventionFigures::of`] each time it is written, so that the database adds up columns.
//! - **Committed** euros are the costs planned per party, **spent** the actual ones; the town is
//!   the party of kind `municipality`.
//! - A commitment is **eroded** when it is an upkeep one not (fully) kept
//!   ([`crate::conventions::follow_up::Fulfilment::eroded`]).
//! - **People**: the participants registered by name, and the low bound of those who took part
//!   (per convention, the larger of its registered names and its estimate for open events; §5.6.2
//!   note 35), added up over the conventions — someone in two projects counts twice.

use super::Compared;
use super::participation::sum;
use crate::conventions::Content;
use crate::conventions::follow_up::FollowUp;
use crate::vocabulary::{CommitmentFulfilment, PartyKind, ProjectStatus};

/// What one convention adds to the indicators, from its text in force and its follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConventionFigures {
    pub town_planned_cents: i64,
    pub town_actual_cents: i64,
    pub others_planned_cents: i64,
    pub others_actual_cents: i64,
    pub commitments: u32,
    pub fulfilled: u32,
    pub partly_fulfilled: u32,
    pub not_fulfilled: u32,
    pub eroded: u32,
    pub participants_registered: u32,
    pub participants_at_least: u32,
}

impl ConventionFigures {
    pub fn of(in_force: &Content, follow_up: &FollowUp) -> Self {
        let mut figures = Self::default();
        let town = |party| in_force.parties.iter().any(|p| p.id == party && p.kind == PartyKind::Municipality);
        for cost in &follow_up.costs.parties {
            let (planned, actual) = (cost.planned_cents.unwrap_or(0), cost.actual_cents.unwrap_or(0));
            if town(cost.party) {
                figures.town_planned_cents += planned;
                figures.town_actual_cents += actual;
            } else {
                figures.others_planned_cents += planned;
                figures.others_actual_cents += actual;
            }
        }
        for commitment in in_force.parties.iter().flat_map(|p| &p.commitments) {
            figures.commitments += 1;
            let Some(fulfilment) = follow_up.fulfilment(commitment.id) else { continue };
            match fulfilment.status {
                CommitmentFulfilment::Fulfilled => figures.fulfilled += 1,
                CommitmentFulfilment::PartlyFulfilled => figures.partly_fulfilled += 1,
                CommitmentFulfilment::NotFulfilled => figures.not_fulfilled += 1,
                CommitmentFulfilment::Pending => {}
            }
            if fulfilment.eroded(commitment.kind) {
                figures.eroded += 1;
            }
        }
        let participants = &follow_up.participants;
        figures.participants_registered = u32::try_from(participants.registered.len()).unwrap_or(u32::MAX);
        figures.participants_at_least = participants.at_least();
        figures
    }
}

/// Projects that reached a status in a period (created: `diagnosing`), as the database counts
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectGroup {
    pub current: bool,
    pub status: ProjectStatus,
    pub count: u64,
}

/// Conventions signed whose period starts in the period, their figures added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConventionTotals {
    pub conventions: u64,
    pub town_planned_cents: i64,
    pub town_actual_cents: i64,
    pub others_planned_cents: i64,
    pub others_actual_cents: i64,
    pub commitments: u64,
    pub fulfilled: u64,
    pub partly_fulfilled: u64,
    pub not_fulfilled: u64,
    pub eroded: u64,
    pub participants_registered: u64,
    pub participants_at_least: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectIndicators {
    pub started: Compared<u64>,
    pub completed: Compared<u64>,
    pub abandoned: Compared<u64>,
    pub taken_over_by_services: Compared<u64>,
}

pub fn projects(groups: &[ProjectGroup]) -> ProjectIndicators {
    let reached =
        |status: ProjectStatus| sum(groups.iter().filter(|g| g.status == status).map(|g| (g.current, g.count)));
    ProjectIndicators {
        started: reached(ProjectStatus::Diagnosing),
        completed: reached(ProjectStatus::Completed),
        abandoned: reached(ProjectStatus::Abandoned),
        taken_over_by_services: reached(ProjectStatus::TakenOverByServices),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conventions::convention::{Commitment, Party};
    use crate::conventions::follow_up::{Fulfilment, Participant, PartyCost};
    use crate::ids::{CommitmentId, PartyId};
    use crate::vocabulary::{CommitmentKind, UpkeepRecurrence};

    fn party(kind: PartyKind, commitments: Vec<Commitment>) -> Party {
        Party {
            id: PartyId::new(),
            organisation: None,
            kind,
            name: "Partie".into(),
            representative: None,
            account: None,
            named_publicly: false,
            commitments,
        }
    }

    fn commitment(kind: CommitmentKind) -> Commitment {
        Commitment {
            id: CommitmentId::new(),
            kind,
            description: "Engagement".into(),
            quantity: None,
            amount_cents: None,
            due_on: None,
            recurrence: (kind == CommitmentKind::Upkeep).then_some(UpkeepRecurrence::Weekly),
        }
    }

    #[test]
    fn a_conventions_figures_split_the_town_from_the_others_and_count_eroded_upkeep() {
        let materials = commitment(CommitmentKind::Materials);
        let (labour, upkeep) = (commitment(CommitmentKind::Labour), commitment(CommitmentKind::Upkeep));
        let town = party(PartyKind::Municipality, vec![materials.clone()]);
        let residents = party(PartyKind::InformalGroup, vec![labour.clone(), upkeep.clone()]);
        let content = Content {
            title: "Fleurir la rue".into(),
            context: None,
            purpose: None,
            works: None,
            starts_on: None,
            ends_on: None,
            parties: vec![town.clone(), residents.clone()],
            clauses: Vec::new(),
        };
        let mut follow_up = FollowUp::default();
        let kept = |commitment: &Commitment, status| Fulfilment {
            commitment: commitment.id,
            status,
            on: None,
            notes: None,
            services_stepped_in: false,
        };
        follow_up.fulfilments = vec![
            kept(&materials, CommitmentFulfilment::Fulfilled),
            kept(&upkeep, CommitmentFulfilment::PartlyFulfilled),
        ];
        follow_up.costs.parties = vec![
            PartyCost { party: town.id, planned_cents: Some(150_000), actual_cents: Some(120_000) },
            PartyCost { party: residents.id, planned_cents: Some(20_000), actual_cents: None },
        ];
        follow_up.participants.registered =
            vec![Participant { name: "Awa".into(), consented_on: "2026-04-01".parse().unwrap() }];
        follow_up.participants.open_events_low_bound = Some(12);
        let figures = ConventionFigures::of(&content, &follow_up);
        assert_eq!((figures.town_planned_cents, figures.town_actual_cents), (150_000, 120_000));
        assert_eq!((figures.others_planned_cents, figures.others_actual_cents), (20_000, 0));
        assert_eq!((figures.commitments, figures.fulfilled, figures.partly_fulfilled), (3, 1, 1));
        assert_eq!(figures.eroded, 1, "an upkeep partly kept erodes");
        assert_eq!((figures.participants_registered, figures.participants_at_least), (1, 12));
    }

    #[test]
    fn projects_count_where_they_got_to_in_each_period() {
        let figures = projects(&[
            ProjectGroup { current: true, status: ProjectStatus::Diagnosing, count: 3 },
            ProjectGroup { current: true, status: ProjectStatus::Completed, count: 1 },
            ProjectGroup { current: false, status: ProjectStatus::Diagnosing, count: 2 },
            ProjectGroup { current: false, status: ProjectStatus::TakenOverByServices, count: 1 },
        ]);
        assert_eq!(figures.started, Compared { current: 3, previous: 2 });
        assert_eq!(figures.completed, Compared { current: 1, previous: 0 });
        assert_eq!(figures.taken_over_by_services, Compared { current: 0, previous: 1 });
        assert_eq!(figures.abandoned, Compared { current: 0, previous: 0 });
    }
}
