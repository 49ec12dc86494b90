//! The town's days a request first reached what its delays are measured to: first qualified,
//! first out of intake (`received`, `qualifying`), first answered, first answered publicly. Each is
//! set once, by the change that reaches it, and kept: a request reopened keeps them, as its
//! history does. The indicators read them off the request (one index read per period) instead of
//! searching every request's history.

use super::lifecycle::awaits_answer;
use crate::vocabulary::RequestStatus;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The days, in the town's time zone, a request first reached each milestone; `None`: not yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Milestones {
    pub qualified_on: Option<NaiveDate>,
    pub left_intake_on: Option<NaiveDate>,
    pub first_answer_on: Option<NaiveDate>,
    /// The first answer the public may read (the public's delays count only those).
    pub first_public_answer_on: Option<NaiveDate>,
}

impl Milestones {
    /// Those a move from `from` to `to` at `at` reaches.
    pub fn of_move(from: RequestStatus, to: RequestStatus, at: DateTime<Utc>, time_zone: Tz) -> Self {
        let day = at.with_timezone(&time_zone).date_naive();
        Self {
            qualified_on: (to == RequestStatus::Qualified).then_some(day),
            left_intake_on: (awaits_answer(from) && !awaits_answer(to)).then_some(day),
            ..Self::default()
        }
    }

    /// Those an answer written at `at` reaches.
    pub fn of_answer(public: bool, at: DateTime<Utc>, time_zone: Tz) -> Self {
        let day = at.with_timezone(&time_zone).date_naive();
        Self { first_answer_on: Some(day), first_public_answer_on: public.then_some(day), ..Self::default() }
    }

    /// These, with `later`'s where these have none: a milestone reached stays reached.
    pub fn then(self, later: Self) -> Self {
        Self {
            qualified_on: self.qualified_on.or(later.qualified_on),
            left_intake_on: self.left_intake_on.or(later.left_intake_on),
            first_answer_on: self.first_answer_on.or(later.first_answer_on),
            first_public_answer_on: self.first_public_answer_on.or(later.first_public_answer_on),
        }
    }

    /// None reached.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default()
    }

    #[test]
    fn a_move_is_dated_by_the_towns_day_not_utcs() {
        // 23:30 UTC on 28 March is already 29 March in Paris (UTC+1).
        let late_evening = Utc.with_ymd_and_hms(2026, 3, 28, 23, 30, 0).single().unwrap_or_default();
        let reached = Milestones::of_move(Qualifying, Qualified, late_evening, chrono_tz::Europe::Paris);
        assert_eq!(reached.qualified_on, Some(day(29)));
        assert_eq!(reached.left_intake_on, Some(day(29)), "qualified is out of intake");
        let in_utc = Milestones::of_move(Qualifying, Qualified, late_evening, chrono_tz::UTC);
        assert_eq!(in_utc.qualified_on, Some(day(28)));
    }

    #[test]
    fn only_leaving_received_or_qualifying_leaves_intake() {
        let at = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).single().unwrap_or_default();
        let of = |from, to| Milestones::of_move(from, to, at, chrono_tz::UTC);
        assert_eq!(of(Received, Qualifying), Milestones::default());
        assert_eq!(of(Received, Declined).left_intake_on, Some(day(10)));
        assert_eq!(of(Qualified, InProcess), Milestones::default());
        // Reopened: back in intake, nothing reached.
        assert_eq!(of(Closed, Qualifying), Milestones::default());
    }

    #[test]
    fn an_answer_reaches_the_public_milestone_only_when_public() {
        let at = Utc.with_ymd_and_hms(2026, 3, 12, 9, 0, 0).single().unwrap_or_default();
        let private = Milestones::of_answer(false, at, chrono_tz::UTC);
        assert_eq!((private.first_answer_on, private.first_public_answer_on), (Some(day(12)), None));
        let public = Milestones::of_answer(true, at, chrono_tz::UTC);
        assert_eq!(public.first_public_answer_on, Some(day(12)));
    }

    #[test]
    fn a_milestone_reached_stays_at_its_first_day() {
        let first = Milestones { qualified_on: Some(day(3)), ..Milestones::default() };
        let again = Milestones { qualified_on: Some(day(20)), first_answer_on: Some(day(21)), ..Milestones::default() };
        let kept = first.then(again);
        assert_eq!((kept.qualified_on, kept.first_answer_on), (Some(day(3)), Some(day(21))));
        assert!(Milestones::default().is_empty() && !kept.is_empty());
    }
}
