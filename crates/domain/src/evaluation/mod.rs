//! Evaluation (`DOMAIN.md`, "Evaluation"; the référentiel's §4.4.2, §6.2): what the method
//! produces, counted — and the definitions every indicator shares, written once here so that the
//! database's aggregates and the tests that check them mean the same thing.
//!
//! - A **period** is a span of days, both ends included (a calendar year by default); its
//!   **previous period** is the span of the same length just before it (the previous calendar
//!   year, for a year), shown beside every figure.
//! - A **percentile** is the nearest-rank one: the value of an actual item (the request whose
//!   delay it is), never an interpolation — the median is the 50th.
//! - A **rate per 1,000 inhabitants** needs a known, non-zero population; a **share** a non-empty
//!   whole. Both are rounded to one decimal.
//! - A request is **late** when it stayed in `received` or `qualifying` longer than the
//!   municipality's answer delay: it left intake after it, or is still there past it.

use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::neighbourhood::Neighbourhood;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub mod conventions;
pub mod narrative;
pub mod open_data;
pub mod participants;
pub mod participation;
pub mod requests;
pub mod round;
pub mod workload;

crate::error_codes!(
    /// Field error codes of the evaluation context.
    Code {
        UnknownSubject = "unknown_subject",
    }
);

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The earliest and latest years asked about.
    pub const YEARS: (i32, i32) = (2000, 2100);
    /// The longest period: ten years.
    pub const MAX_DAYS: u64 = 3_653;

    /// The calendar year `year`.
    pub fn year(year: i32) -> Option<Self> {
        Some(Self { from: NaiveDate::from_ymd_opt(year, 1, 1)?, to: NaiveDate::from_ymd_opt(year, 12, 31)? })
    }

    /// The period asked: `year`, or `from` and `to` together, or else the current year (`today`'s);
    /// every invalid parameter named at once.
    pub fn parse(
        year: Option<i64>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let invalid = |field: &str, en: &str, fr: &str| {
            FieldError::new(field, crate::error::Code::OutOfRange, Message::new(en.to_owned(), fr.to_owned()))
        };
        let period = match (year, from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                errors.push(invalid(
                    "year",
                    "ask for a year, or for a period from … to …, not both",
                    "demandez une année, ou une période du … au …, pas les deux",
                ));
                None
            }
            (Some(year), None, None) => {
                let (min, max) = Self::YEARS;
                match i32::try_from(year).ok().filter(|y| (min..=max).contains(y)).and_then(Self::year) {
                    Some(period) => Some(period),
                    None => {
                        errors.push(invalid(
                            "year",
                            &format!("must be between {min} and {max}"),
                            &format!("doit être comprise entre {min} et {max}"),
                        ));
                        None
                    }
                }
            }
            (None, Some(from), Some(to)) if !Self::in_years(from) || !Self::in_years(to) => {
                let (min, max) = Self::YEARS;
                let field = if Self::in_years(from) { "to" } else { "from" };
                errors.push(invalid(
                    field,
                    &format!("must be a day of the years {min} to {max}"),
                    &format!("doit être un jour des années {min} à {max}"),
                ));
                None
            }
            (None, Some(from), Some(to)) if from > to => {
                errors.push(invalid("to", "must not be before from", "ne doit pas précéder from"));
                None
            }
            (None, Some(from), Some(to)) if (to - from).num_days() >= Self::MAX_DAYS as i64 => {
                errors.push(invalid("to", "a period spans ten years at most", "une période couvre dix ans au plus"));
                None
            }
            (None, Some(from), Some(to)) => Some(Self { from, to }),
            (None, Some(_), None) => {
                errors.push(crate::error::FieldError::new(
                    "to",
                    crate::error::Code::Required,
                    Message::new("give the period's end with its start", "donnez la fin de la période avec son début"),
                ));
                None
            }
            (None, None, Some(_)) => {
                errors.push(crate::error::FieldError::new(
                    "from",
                    crate::error::Code::Required,
                    Message::new("give the period's start with its end", "donnez le début de la période avec sa fin"),
                ));
                None
            }
            (None, None, None) => Self::year(today.year()),
        };
        match period {
            Some(period) if errors.is_empty() => Ok(period),
            _ => Err(errors),
        }
    }

    /// Whether `day` is in the years asked about.
    pub fn in_years(day: NaiveDate) -> bool {
        (Self::YEARS.0..=Self::YEARS.1).contains(&day.year())
    }

    /// How many days it spans.
    pub fn days(self) -> u64 {
        u64::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }

    /// Whether it is a whole calendar year.
    pub fn is_calendar_year(self) -> bool {
        Self::year(self.from.year()) == Some(self)
    }

    /// The period of the same length just before it; the previous calendar year for a year.
    pub fn previous(self) -> Self {
        if self.is_calendar_year()
            && let Some(previous) = Self::year(self.from.year() - 1)
        {
            return previous;
        }
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = to.checked_sub_days(Days::new(self.days().saturating_sub(1))).unwrap_or(to);
        Self { from, to }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The instants it spans where the town is: from the first midnight of its first day to the
    /// first midnight after its last (excluded).
    pub fn instants(self, time_zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |day: NaiveDate| {
            let local = day.and_time(NaiveTime::MIN);
            // A midnight skipped by a clock change (none in Europe) is the instant it jumps to.
            time_zone
                .from_local_datetime(&local)
                .earliest()
                .unwrap_or_else(|| time_zone.from_utc_datetime(&local))
                .with_timezone(&Utc)
        };
        (midnight(self.from), midnight(self.to.succ_opt().unwrap_or(self.to)))
    }
}

/// The town's offsets from UTC (in seconds) between two instants: the one in force at `from`,
/// then each change with the instant it takes effect — so that a database without time zones
/// (SQLite) dates each instant by the town's day, summer and winter alike.
pub fn utc_offsets(time_zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, i32)> {
    use chrono::Offset;
    let offset = |at: DateTime<Utc>| time_zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc();
    let mut offsets = vec![(from, offset(from))];
    let mut at = from;
    // Clocks change at most a few times a year: a daily walk finds each change, a bisection its
    // second.
    while at < to {
        let next = at + chrono::Duration::days(1);
        let before = offsets.last().map_or(0, |(_, o)| *o);
        if offset(next) != before {
            let (mut low, mut high) = (at.timestamp(), next.timestamp());
            let offset_at = |seconds: i64| DateTime::from_timestamp(seconds, 0).map_or(before, offset);
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(middle) == before { low = middle } else { high = middle }
            }
            let change = DateTime::from_timestamp(high, 0).unwrap_or(next);
            offsets.push((change, offset(change)));
        }
        at = next;
    }
    offsets
}

/// The neighbourhoods the figures have a line for: every one of the town's, or the one `asked`
/// (which the town must have: else the error naming `neighbourhood`).
pub fn lines<'a>(town: &'a [Neighbourhood], asked: Option<&str>) -> Result<Vec<&'a Neighbourhood>, FieldError> {
    let shown: Vec<&Neighbourhood> = town.iter().filter(|n| asked.is_none_or(|code| n.code.as_str() == code)).collect();
    if asked.is_some() && shown.is_empty() {
        return Err(FieldError::new(
            "neighbourhood",
            crate::requests::Code::UnknownNeighbourhood,
            Message::new("the town has no neighbourhood of this code", "la commune n'a pas de quartier de ce code"),
        ));
    }
    Ok(shown)
}

/// A figure for the period asked, with the previous period's beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compared<T> {
    pub current: T,
    pub previous: T,
}

/// The nearest-rank `p`th percentile (0 < p ≤ 100) of `sorted` (ascending): the value at rank
/// ⌈p/100 × n⌉; `None` for no values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    let rank = nearest_rank(p, sorted.len() as u64)?;
    sorted.get(usize::try_from(rank).ok()?.checked_sub(1)?).copied()
}

/// The rank (1 to `n`) of the nearest-rank `p`th percentile of `n` values: ⌈p/100 × n⌉; `None`
/// for no values or a `p` outside 1 to 100.
pub fn nearest_rank(p: u32, n: u64) -> Option<u64> {
    (n > 0 && (1..=100).contains(&p)).then(|| (u64::from(p) * n).div_ceil(100))
}

/// The nearest-rank `p`th percentile of values given as a histogram — `(value, how many)`, in
/// ascending order of value, as the database groups them.
pub fn percentile_of_counts(counts: &[(i64, u64)], p: u32) -> Option<i64> {
    let rank = nearest_rank(p, counts.iter().map(|(_, n)| n).sum())?;
    let mut seen = 0;
    counts.iter().find_map(|(value, n)| {
        seen += n;
        (seen >= rank).then_some(*value)
    })
}

/// `count` per 1,000 inhabitants, to one decimal; `None` while the population is unknown or nil.
pub fn per_thousand(count: u64, population: Option<u32>) -> Option<f64> {
    let population = population.filter(|p| *p > 0)?;
    Some(round1(count as f64 * 1_000.0 / f64::from(population)))
}

/// `part` as a percentage of `whole`, to one decimal; `None` for an empty whole.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round1(part as f64 * 100.0 / whole as f64))
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Whether a request received on `received_on` was late: it left `received` and `qualifying` on
/// `left_intake_on` more than `delay_days` later, or is still there more than `delay_days` after
/// (`today`, the town's day) — the requests' own rule ([`crate::requests::late_before`]), on the
/// day it left.
pub fn is_late(received_on: NaiveDate, left_intake_on: Option<NaiveDate>, today: NaiveDate, delay_days: u16) -> bool {
    received_on < crate::requests::late_before(left_intake_on.unwrap_or(today), delay_days)
}

/// The same rule counted in days: a request that stayed `days_in_intake` days in `received` and
/// `qualifying` (from the day it was received to the day it left, or to today) was late when
/// that is more than the delay — what the indicators apply to the database's day counts.
pub fn stayed_too_long(days_in_intake: i64, delay_days: u16) -> bool {
    days_in_intake > i64::from(delay_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fields(e: ValidationErrors) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_period_is_a_year_or_from_and_to_and_by_default_this_year() {
        let today = day("2026-12-07");
        assert_eq!(Period::parse(None, None, None, today).unwrap(), Period::year(2026).unwrap());
        assert_eq!(Period::parse(Some(2018), None, None, today).unwrap().from, day("2018-01-01"));
        let spring = Period::parse(None, Some(day("2026-03-01")), Some(day("2026-05-31")), today).unwrap();
        assert_eq!((spring.days(), spring.is_calendar_year()), (92, false));
        assert_eq!(fields(Period::parse(Some(2026), Some(day("2026-01-01")), None, today).unwrap_err()), ["year"]);
        assert_eq!(fields(Period::parse(Some(1999), None, None, today).unwrap_err()), ["year"]);
        assert_eq!(
            fields(Period::parse(None, Some(day("2026-05-01")), Some(day("2026-04-01")), today).unwrap_err()),
            ["to"]
        );
        assert_eq!(fields(Period::parse(None, Some(day("2026-05-01")), None, today).unwrap_err()), ["to"]);
        assert_eq!(fields(Period::parse(None, None, Some(day("2026-05-01")), today).unwrap_err()), ["from"]);
        assert_eq!(
            fields(Period::parse(None, Some(day("2000-01-01")), Some(day("2026-01-01")), today).unwrap_err()),
            ["to"]
        );
        assert_eq!(
            fields(Period::parse(None, Some(day("-5000-01-01")), Some(day("2026-01-01")), today).unwrap_err()),
            ["from"],
            "outside what the databases date"
        );
    }

    #[test]
    fn the_previous_period_is_the_previous_year_or_as_many_days_just_before() {
        assert_eq!(Period::year(2025).unwrap().previous(), Period::year(2024).unwrap(), "366 days back: a whole year");
        let spring = Period { from: day("2026-03-01"), to: day("2026-05-31") };
        assert_eq!(spring.previous(), Period { from: day("2025-11-29"), to: day("2026-02-28") });
        assert_eq!(spring.previous().days(), spring.days());
        let one = Period { from: day("2026-03-01"), to: day("2026-03-01") };
        assert_eq!(one.previous(), Period { from: day("2026-02-28"), to: day("2026-02-28") });
        assert!(
            spring.contains(day("2026-03-01"))
                && spring.contains(day("2026-05-31"))
                && !spring.contains(day("2026-06-01"))
        );
    }

    #[test]
    fn a_periods_instants_run_from_midnight_to_midnight_where_the_town_is() {
        let (start, end) = Period::year(2026).unwrap().instants(chrono_tz::Europe::Paris);
        assert_eq!(start.to_rfc3339(), "2025-12-31T23:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-31T23:00:00+00:00");
        let summer = Period { from: day("2026-07-01"), to: day("2026-07-01") };
        assert_eq!(summer.instants(chrono_tz::Europe::Paris).0.to_rfc3339(), "2026-06-30T22:00:00+00:00");
    }

    #[test]
    fn the_towns_offsets_change_with_its_clocks() {
        let (from, _) = Period::year(2026).unwrap().instants(chrono_tz::Europe::Paris);
        let (_, to) = Period::year(2026).unwrap().instants(chrono_tz::Europe::Paris);
        let offsets = utc_offsets(chrono_tz::Europe::Paris, from, to);
        let changes: Vec<(String, i32)> = offsets.iter().map(|(at, o)| (at.to_rfc3339(), *o)).collect();
        assert_eq!(
            changes,
            [
                ("2025-12-31T23:00:00+00:00".to_owned(), 3600),
                ("2026-03-29T01:00:00+00:00".to_owned(), 7200),
                ("2026-10-25T01:00:00+00:00".to_owned(), 3600),
            ]
        );
        assert_eq!(utc_offsets(chrono_tz::Asia::Tokyo, from, to).len(), 1, "no clock changes");
    }

    #[test]
    fn percentiles_are_nearest_rank_values_of_actual_items() {
        let days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(percentile(&days, 50), Some(5), "rank ⌈5⌉ = 5");
        assert_eq!(percentile(&days, 90), Some(9));
        assert_eq!(percentile(&[3, 8, 40], 50), Some(8));
        assert_eq!(percentile(&[3, 8, 40], 90), Some(40), "rank ⌈2.7⌉ = 3");
        assert_eq!(percentile(&[12], 50), Some(12));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&days, 0), None);
    }

    #[test]
    fn percentiles_of_a_histogram_are_those_of_the_values_it_counts() {
        let counts = [(1, 3), (4, 1), (9, 2), (30, 4)];
        let values = [1, 1, 1, 4, 9, 9, 30, 30, 30, 30];
        for p in [1, 10, 30, 31, 40, 50, 60, 61, 90, 100] {
            assert_eq!(percentile_of_counts(&counts, p), percentile(&values, p), "p{p}");
        }
        assert_eq!(percentile_of_counts(&counts, 50), Some(9), "rank 5 of 10");
        assert_eq!(percentile_of_counts(&[], 50), None);
        assert_eq!(nearest_rank(90, 3), Some(3));
        assert_eq!(nearest_rank(50, 0), None);
    }

    #[test]
    fn the_lines_are_every_neighbourhood_or_the_one_asked_which_must_exist() {
        use crate::identity::neighbourhood::NeighbourhoodName;
        let town: Vec<Neighbourhood> = ["Centre-ville", "Cité 5"]
            .iter()
            .map(|name| Neighbourhood {
                id: crate::ids::NeighbourhoodId::new(),
                municipality_id: crate::ids::MunicipalityId::new(),
                code: crate::Slug::from_name(name).unwrap(),
                name: NeighbourhoodName::parse("name", name).unwrap(),
                population: None,
                version: 1,
                created_at: chrono::Utc::now(),
            })
            .collect();
        assert_eq!(lines(&town, None).unwrap().len(), 2);
        assert_eq!(lines(&town, Some("cite-5")).unwrap()[0].name.as_str(), "Cité 5");
        assert_eq!(lines(&town, Some("nulle-part")).unwrap_err().field, "neighbourhood");
    }

    #[test]
    fn rates_and_shares_need_a_known_population_and_a_whole() {
        assert_eq!(per_thousand(3, Some(1_100)), Some(2.7));
        assert_eq!(per_thousand(0, Some(550)), Some(0.0));
        assert_eq!(per_thousand(3, None), None);
        assert_eq!(per_thousand(3, Some(0)), None);
        assert_eq!(share(1, 3), Some(33.3));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn a_request_is_late_once_it_stayed_in_intake_past_the_delay() {
        let received = day("2026-11-01");
        assert!(!is_late(received, Some(day("2026-12-01")), day("2026-12-07"), 30), "left on the 30th day");
        assert!(is_late(received, Some(day("2026-12-02")), day("2026-12-07"), 30), "left on the 31st");
        assert!(is_late(received, None, day("2026-12-07"), 30), "still there");
        assert!(!is_late(received, None, day("2026-11-20"), 30), "not yet");
        for left in ["2026-12-01", "2026-12-02", "2026-11-02"] {
            let days = (day(left) - received).num_days();
            assert_eq!(stayed_too_long(days, 30), is_late(received, Some(day(left)), day(left), 30), "{left}");
        }
    }
}
