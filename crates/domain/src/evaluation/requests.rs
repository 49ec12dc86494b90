//! The requests' indicators: how many a period received, by channel, kind, theme, status and
//! neighbourhood (per 1,000 inhabitants where the population is known), and the shares
//! redirected and declined — each with the previous period's beside it. The database counts the
//! requests grouped by all of these at once ([`Group`]; the themes apart, [`ThemeGroup`]); the
//! figures are the group counts added up here, once.
//!
//! And how fast they were handled ([`timeliness`]): the days from the day a request was received
//! to the town's day it was first qualified, and to the day of its first answer (the first reply
//! written to its requester) — median and 90th percentile, nearest rank — and the share that was
//! late. The database counts the requests by number of days ([`DayCount`]); the percentiles and
//! the lateness are read off those counts here.

use super::{Compared, per_thousand, percentile_of_counts, share, stayed_too_long};
use crate::vocabulary::RequestStatus;
use std::collections::BTreeMap;

/// How many requests a period received with these values (the database's `GROUP BY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// In the period asked (else in the previous one).
    pub current: bool,
    pub channel: String,
    pub kind: String,
    pub status: String,
    pub neighbourhood: Option<String>,
    pub count: u64,
}

/// How many requests a period received filed under the same themes: counted apart from the
/// [`Group`]s, whose values would otherwise be split by nearly every combination of themes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeGroup {
    /// In the period asked (else in the previous one).
    pub current: bool,
    /// The theme codes (a request may have several, or none).
    pub themes: Vec<String>,
    pub count: u64,
}

/// A count by one value, both periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub code: String,
    pub count: Compared<u64>,
}

/// A neighbourhood's count, with its rate per 1,000 inhabitants where its population is known.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourhoodTally {
    pub code: String,
    pub population: Option<u32>,
    pub count: Compared<u64>,
    pub per_thousand: Compared<Option<f64>>,
}

/// The requests' figures for a period and the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestIndicators {
    pub received: Compared<u64>,
    pub by_channel: Vec<Tally>,
    pub by_kind: Vec<Tally>,
    pub by_status: Vec<Tally>,
    /// A request counts once under each of its themes.
    pub by_theme: Vec<Tally>,
    /// Every neighbourhood of the town, with or without requests; those received with no
    /// neighbourhood are not among them.
    pub by_neighbourhood: Vec<NeighbourhoodTally>,
    /// Percentages of the requests received.
    pub redirected_share: Compared<Option<f64>>,
    pub declined_share: Compared<Option<f64>>,
}

/// The figures the groups add up to; `neighbourhoods` are the town's (code and population).
pub fn indicators(
    groups: &[Group],
    themed: &[ThemeGroup],
    neighbourhoods: &[(String, Option<u32>)],
) -> RequestIndicators {
    let received = tally_total(groups, |_| true);
    let tally = |key: fn(&Group) -> &str| tally_by(groups, |g| (g.current, g.count, vec![key(g)]));
    let by_neighbourhood = neighbourhoods
        .iter()
        .map(|(code, population)| {
            let count = tally_total(groups, |g| g.neighbourhood.as_deref() == Some(code.as_str()));
            NeighbourhoodTally {
                code: code.clone(),
                population: *population,
                count,
                per_thousand: Compared {
                    current: per_thousand(count.current, *population),
                    previous: per_thousand(count.previous, *population),
                },
            }
        })
        .collect();
    let shares = |status: RequestStatus| {
        let count = tally_total(groups, |g| g.status == status.code());
        Compared { current: share(count.current, received.current), previous: share(count.previous, received.previous) }
    };
    RequestIndicators {
        received,
        by_channel: tally(|g| &g.channel),
        by_kind: tally(|g| &g.kind),
        by_status: tally(|g| &g.status),
        by_theme: tally_by(themed, |g| (g.current, g.count, g.themes.iter().map(String::as_str).collect())),
        by_neighbourhood,
        redirected_share: shares(RequestStatus::Redirected),
        declined_share: shares(RequestStatus::Declined),
    }
}

/// What a day count measures, for each request received in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Days from received to first qualified (requests qualified at least once).
    Qualification,
    /// Days from received to its first answer (requests answered at least once).
    FirstAnswer,
    /// Days it stayed in `received` and `qualifying`: to the day it left them, or to today
    /// (every request).
    Intake,
}

impl Measure {
    pub const ALL: [Self; 3] = [Self::Qualification, Self::FirstAnswer, Self::Intake];

    /// Its name in the database's rows.
    pub fn code(self) -> &'static str {
        match self {
            Self::Qualification => "qualification",
            Self::FirstAnswer => "first_answer",
            Self::Intake => "intake",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// How many requests took this many days (the database's `GROUP BY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    pub current: bool,
    pub measure: Measure,
    pub days: i64,
    pub count: u64,
}

/// A delay's figures: how many requests it was measured on, its median and 90th percentile in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delay {
    pub measured: Compared<u64>,
    pub median_days: Compared<Option<i64>>,
    pub p90_days: Compared<Option<i64>>,
}

/// How fast the requests of a period were handled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeliness {
    pub to_qualification: Delay,
    pub to_first_answer: Delay,
    /// Requests that stayed in intake longer than the town's answer delay.
    pub late: Compared<u64>,
    /// Their percentage of the requests received.
    pub late_share: Compared<Option<f64>>,
}

/// The delays and lateness the day counts add up to, with the town's answer delay.
pub fn timeliness(counts: &[DayCount], answer_delay_days: u16) -> Timeliness {
    let histogram = |measure: Measure, current: bool| -> Vec<(i64, u64)> {
        let mut days: BTreeMap<i64, u64> = BTreeMap::new();
        for c in counts.iter().filter(|c| c.measure == measure && c.current == current) {
            *days.entry(c.days).or_default() += c.count;
        }
        days.into_iter().collect()
    };
    let delay = |measure: Measure| {
        let (current, previous) = (histogram(measure, true), histogram(measure, false));
        let total = |h: &[(i64, u64)]| h.iter().map(|(_, n)| n).sum();
        Delay {
            measured: Compared { current: total(&current), previous: total(&previous) },
            median_days: Compared {
                current: percentile_of_counts(&current, 50),
                previous: percentile_of_counts(&previous, 50),
            },
            p90_days: Compared {
                current: percentile_of_counts(&current, 90),
                previous: percentile_of_counts(&previous, 90),
            },
        }
    };
    let late_of = |current: bool| -> (u64, u64) {
        histogram(Measure::Intake, current).iter().fold((0, 0), |(late, all), (days, n)| {
            (late + if stayed_too_long(*days, answer_delay_days) { *n } else { 0 }, all + n)
        })
    };
    let ((late, received), (late_before, received_before)) = (late_of(true), late_of(false));
    Timeliness {
        to_qualification: delay(Measure::Qualification),
        to_first_answer: delay(Measure::FirstAnswer),
        late: Compared { current: late, previous: late_before },
        late_share: Compared { current: share(late, received), previous: share(late_before, received_before) },
    }
}

/// The groups' counts added up by code: `read` gives a group's period, count and codes (it counts
/// once under each).
fn tally_by<'a, G>(groups: &'a [G], read: impl Fn(&'a G) -> (bool, u64, Vec<&'a str>)) -> Vec<Tally> {
    let mut counts: BTreeMap<String, Compared<u64>> = BTreeMap::new();
    for group in groups {
        let (current, count, codes) = read(group);
        for code in codes {
            let entry = counts.entry(code.to_owned()).or_insert(Compared { current: 0, previous: 0 });
            if current {
                entry.current += count;
            } else {
                entry.previous += count;
            }
        }
    }
    counts.into_iter().map(|(code, count)| Tally { code, count }).collect()
}

fn tally_total(groups: &[Group], keep: impl Fn(&Group) -> bool) -> Compared<u64> {
    let sum = |current: bool| groups.iter().filter(|g| g.current == current && keep(g)).map(|g| g.count).sum();
    Compared { current: sum(true), previous: sum(false) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(current: bool, channel: &str, status: &str, neighbourhood: Option<&str>, count: u64) -> Group {
        Group {
            current,
            channel: channel.into(),
            kind: "complaint".into(),
            status: status.into(),
            neighbourhood: neighbourhood.map(Into::into),
            count,
        }
    }

    /// The theme groups `groups` make, as the database counts them.
    fn themed(groups: &[(bool, &[&str], u64)]) -> Vec<ThemeGroup> {
        groups
            .iter()
            .map(|(current, themes, count)| ThemeGroup {
                current: *current,
                themes: themes.iter().map(|t| (*t).to_owned()).collect(),
                count: *count,
            })
            .collect()
    }

    #[test]
    fn groups_add_up_by_each_value_with_the_previous_period_beside() {
        let groups = [
            group(true, "web", "received", Some("cite-5"), 2),
            group(true, "phone", "redirected", Some("cite-5"), 1),
            group(true, "web", "declined", None, 1),
            group(false, "web", "received", Some("centre-ville"), 3),
        ];
        let themes = themed(&[
            (true, &["voirie", "proprete"], 2),
            (true, &["voirie"], 1),
            (true, &[], 1),
            (false, &["voirie"], 3),
        ]);
        let towns =
            [("centre-ville".to_owned(), Some(2_000)), ("cite-5".to_owned(), Some(1_100)), ("marais".to_owned(), None)];
        let figures = indicators(&groups, &themes, &towns);
        assert_eq!(figures.received, Compared { current: 4, previous: 3 });
        assert_eq!(
            figures.by_channel,
            [
                Tally { code: "phone".into(), count: Compared { current: 1, previous: 0 } },
                Tally { code: "web".into(), count: Compared { current: 3, previous: 3 } },
            ]
        );
        assert_eq!(
            figures.by_theme,
            [
                Tally { code: "proprete".into(), count: Compared { current: 2, previous: 0 } },
                Tally { code: "voirie".into(), count: Compared { current: 3, previous: 3 } },
            ],
            "a request counts under each of its themes"
        );
        assert_eq!(figures.by_kind[0].count, Compared { current: 4, previous: 3 });
        let cite = &figures.by_neighbourhood[1];
        assert_eq!(
            (cite.count, cite.per_thousand),
            (Compared { current: 3, previous: 0 }, Compared { current: Some(2.7), previous: Some(0.0) })
        );
        let marais = &figures.by_neighbourhood[2];
        assert_eq!((marais.count.current, marais.per_thousand.current), (0, None), "no population, no rate");
        assert_eq!(figures.redirected_share, Compared { current: Some(25.0), previous: Some(0.0) });
        assert_eq!(figures.declined_share.current, Some(25.0));
    }

    fn days(current: bool, measure: Measure, days: i64, count: u64) -> DayCount {
        DayCount { current, measure, days, count }
    }

    #[test]
    fn delays_are_nearest_rank_percentiles_of_the_day_counts_and_late_is_past_the_delay() {
        use Measure::*;
        let counts = [
            days(true, Qualification, 2, 3),
            days(true, Qualification, 10, 1),
            days(true, Qualification, 45, 1),
            days(true, FirstAnswer, 12, 2),
            days(true, Intake, 2, 3),
            days(true, Intake, 10, 1),
            days(true, Intake, 31, 1),
            days(true, Intake, 30, 1),
            days(false, Qualification, 7, 1),
            days(false, Intake, 7, 1),
        ];
        let t = timeliness(&counts, 30);
        assert_eq!(t.to_qualification.measured, Compared { current: 5, previous: 1 });
        assert_eq!(t.to_qualification.median_days, Compared { current: Some(2), previous: Some(7) }, "rank 3 of 5");
        assert_eq!(t.to_qualification.p90_days.current, Some(45), "rank 5 of 5");
        assert_eq!(t.to_first_answer.median_days, Compared { current: Some(12), previous: None });
        assert_eq!(t.late, Compared { current: 1, previous: 0 }, "31 days is late, 30 is not");
        assert_eq!(t.late_share, Compared { current: Some(16.7), previous: Some(0.0) });
        let none = timeliness(&[], 30);
        assert_eq!((none.late_share.current, none.to_first_answer.p90_days.current), (None, None));
    }

    #[test]
    fn an_empty_period_has_zeros_and_no_shares() {
        let figures = indicators(&[], &[], &[("cite-5".to_owned(), Some(1_100))]);
        assert_eq!(figures.received, Compared { current: 0, previous: 0 });
        assert!(figures.by_channel.is_empty());
        assert_eq!(figures.redirected_share, Compared { current: None, previous: None });
        assert_eq!(figures.by_neighbourhood[0].per_thousand.current, Some(0.0));
    }
}
