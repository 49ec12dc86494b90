//! The participation's indicators: processes opened by level and the level changes, meetings
//! held and their minutes published on time, surveys closed and who answered them — each with
//! the previous period's beside it. The database counts by group; the rules (what "on time"
//! means) are read off the groups here.
//!
//! - A process counts in the period it was **opened** in, under the level it has today; a
//!   **level change** in the period it was made.
//! - A meeting is **held** once it has ended; it counts in the period it ended in. Its minutes are
//!   **on time** when published on or before their due day, **late** when published after it,
//!   **overdue** when unpublished past it (the meetings' own rule,
//!   [`crate::participation::meeting::Meeting::minutes_late`]), else not yet due.
//! - A survey counts in the period it **closed** in (closed early: the day it was closed);
//!   its participation is the ballots cast over the eligible voters it declared.

use super::requests::Tally;
use super::{Compared, share};
use crate::vocabulary::EligibleUnit;
use std::collections::BTreeMap;

/// Processes opened in a period with this level today (the database's `GROUP BY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessGroup {
    pub current: bool,
    pub level: String,
    pub count: u64,
}

/// Level changes made in a period from one level to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelChangeGroup {
    pub current: bool,
    pub from: String,
    pub to: String,
    pub count: u64,
}

/// Meetings held in a period, by how their minutes stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingGroup {
    pub current: bool,
    /// The day the minutes were published less their due day (0 or less: on time); `None` while
    /// unpublished.
    pub minutes_days_after_due: Option<i64>,
    /// Whether the due day has passed (for unpublished minutes).
    pub due_passed: bool,
    /// The attendance recorded, added up.
    pub attendance: u64,
    pub count: u64,
}

/// Surveys closed in a period whose eligible voters are counted in one unit (people or
/// households), added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyGroup {
    pub current: bool,
    pub unit: EligibleUnit,
    pub closed: u64,
    pub ballots: u64,
    pub eligible: u64,
}

/// A level change's count, both periods.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelChangeTally {
    pub from: String,
    pub to: String,
    pub count: Compared<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessIndicators {
    pub opened: Compared<u64>,
    pub by_level: Vec<Tally>,
    pub level_changes: Vec<LevelChangeTally>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingIndicators {
    pub held: Compared<u64>,
    pub attendance: Compared<u64>,
    pub minutes_on_time: Compared<u64>,
    pub minutes_late: Compared<u64>,
    pub minutes_overdue: Compared<u64>,
    /// The percentage of the minutes due (published, or unpublished past due) published on time.
    pub minutes_on_time_share: Compared<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyIndicators {
    pub closed: Compared<u64>,
    pub ballots: Compared<u64>,
    /// By the unit their eligible voters are counted in: people and households do not add up.
    pub by_unit: Vec<SurveyUnitIndicators>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SurveyUnitIndicators {
    pub unit: EligibleUnit,
    pub closed: Compared<u64>,
    pub ballots: Compared<u64>,
    pub eligible: Compared<u64>,
    /// Ballots as a percentage of the eligible voters.
    pub participation_share: Compared<Option<f64>>,
}

pub fn processes(groups: &[ProcessGroup], changes: &[LevelChangeGroup]) -> ProcessIndicators {
    let mut by_level: BTreeMap<String, Compared<u64>> = BTreeMap::new();
    for g in groups {
        add(by_level.entry(g.level.clone()).or_insert(ZERO), g.current, g.count);
    }
    let mut by_change: BTreeMap<(String, String), Compared<u64>> = BTreeMap::new();
    for c in changes {
        add(by_change.entry((c.from.clone(), c.to.clone())).or_insert(ZERO), c.current, c.count);
    }
    ProcessIndicators {
        opened: sum(groups.iter().map(|g| (g.current, g.count))),
        by_level: by_level.into_iter().map(|(code, count)| Tally { code, count }).collect(),
        level_changes: by_change.into_iter().map(|((from, to), count)| LevelChangeTally { from, to, count }).collect(),
    }
}

pub fn meetings(groups: &[MeetingGroup]) -> MeetingIndicators {
    let count = |keep: fn(&MeetingGroup) -> bool| sum(groups.iter().filter(|g| keep(g)).map(|g| (g.current, g.count)));
    let on_time = count(|g| g.minutes_days_after_due.is_some_and(|d| d <= 0));
    let late = count(|g| g.minutes_days_after_due.is_some_and(|d| d > 0));
    let overdue = count(|g| g.minutes_days_after_due.is_none() && g.due_passed);
    let due = |c: fn(Compared<u64>) -> u64| c(on_time) + c(late) + c(overdue);
    MeetingIndicators {
        held: count(|_| true),
        attendance: sum(groups.iter().map(|g| (g.current, g.attendance))),
        minutes_on_time: on_time,
        minutes_late: late,
        minutes_overdue: overdue,
        minutes_on_time_share: Compared {
            current: share(on_time.current, due(|c| c.current)),
            previous: share(on_time.previous, due(|c| c.previous)),
        },
    }
}

pub fn surveys(groups: &[SurveyGroup]) -> SurveyIndicators {
    let total = |keep: &dyn Fn(&SurveyGroup) -> bool, figure: fn(&SurveyGroup) -> u64| {
        sum(groups.iter().filter(|g| keep(g)).map(|g| (g.current, figure(g))))
    };
    let by_unit = EligibleUnit::ALL
        .iter()
        .filter(|unit| groups.iter().any(|g| g.unit == **unit))
        .map(|unit| {
            let of = |figure: fn(&SurveyGroup) -> u64| total(&|g: &SurveyGroup| g.unit == *unit, figure);
            let (ballots, eligible) = (of(|g| g.ballots), of(|g| g.eligible));
            SurveyUnitIndicators {
                unit: *unit,
                closed: of(|g| g.closed),
                ballots,
                eligible,
                participation_share: Compared {
                    current: share(ballots.current, eligible.current),
                    previous: share(ballots.previous, eligible.previous),
                },
            }
        })
        .collect();
    SurveyIndicators { closed: total(&|_| true, |g| g.closed), ballots: total(&|_| true, |g| g.ballots), by_unit }
}

const ZERO: Compared<u64> = Compared { current: 0, previous: 0 };

fn add(to: &mut Compared<u64>, current: bool, count: u64) {
    if current {
        to.current += count;
    } else {
        to.previous += count;
    }
}

/// Adds up `(in the current period, count)` pairs.
pub(super) fn sum(items: impl Iterator<Item = (bool, u64)>) -> Compared<u64> {
    let mut total = ZERO;
    for (current, count) in items {
        add(&mut total, current, count);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_count_by_level_and_level_changes_by_pair() {
        let groups = [
            ProcessGroup { current: true, level: "consultation".into(), count: 2 },
            ProcessGroup { current: true, level: "coproduction".into(), count: 1 },
            ProcessGroup { current: false, level: "consultation".into(), count: 1 },
        ];
        let changes =
            [LevelChangeGroup { current: true, from: "information".into(), to: "consultation".into(), count: 2 }];
        let figures = processes(&groups, &changes);
        assert_eq!(figures.opened, Compared { current: 3, previous: 1 });
        assert_eq!(
            figures.by_level[0],
            Tally { code: "consultation".into(), count: Compared { current: 2, previous: 1 } }
        );
        assert_eq!(figures.level_changes[0].count, Compared { current: 2, previous: 0 });
    }

    #[test]
    fn minutes_are_on_time_up_to_their_due_day_and_overdue_unpublished_past_it() {
        let meeting = |current, after: Option<i64>, due_passed, attendance, count| MeetingGroup {
            current,
            minutes_days_after_due: after,
            due_passed,
            attendance,
            count,
        };
        let figures = meetings(&[
            meeting(true, Some(0), true, 40, 2),
            meeting(true, Some(-3), true, 12, 1),
            meeting(true, Some(1), true, 0, 1),
            meeting(true, None, true, 5, 1),
            meeting(true, None, false, 0, 1),
            meeting(false, Some(2), true, 8, 1),
        ]);
        assert_eq!(figures.held, Compared { current: 6, previous: 1 });
        assert_eq!(figures.attendance, Compared { current: 57, previous: 8 });
        assert_eq!((figures.minutes_on_time.current, figures.minutes_late.current), (3, 1));
        assert_eq!(figures.minutes_overdue.current, 1, "the one not yet due is in no count");
        assert_eq!(figures.minutes_on_time_share, Compared { current: Some(60.0), previous: Some(0.0) });
    }

    #[test]
    fn survey_participation_is_ballots_over_eligible_voters_in_each_unit() {
        let group = |current, unit, closed, ballots, eligible| SurveyGroup { current, unit, closed, ballots, eligible };
        let figures = surveys(&[
            group(true, EligibleUnit::Households, 2, 150, 600),
            group(true, EligibleUnit::People, 1, 40, 100),
            group(false, EligibleUnit::People, 1, 30, 200),
        ]);
        assert_eq!((figures.closed.current, figures.ballots.current), (3, 190));
        let households = &figures.by_unit.iter().find(|u| u.unit == EligibleUnit::Households).unwrap();
        assert_eq!(households.participation_share, Compared { current: Some(25.0), previous: None });
        let people = &figures.by_unit.iter().find(|u| u.unit == EligibleUnit::People).unwrap();
        assert_eq!(people.participation_share, Compared { current: Some(40.0), previous: Some(15.0) });
    }
}
