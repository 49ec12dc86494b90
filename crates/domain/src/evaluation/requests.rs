//! The requests' indicators: how many a period received, by channel, kind, theme, status and
//! neighbourhood (per 1,000 inhabitants where the population is known), and the shares
//! redirected and declined — each with the previous period's beside it. The database counts the
//! requests grouped by all of these at once ([`Group`]); the figures are the group counts added
//! up here, once.

use super::{Compared, per_thousand, share};
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
    /// Its theme codes (a request may have several, or none).
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
pub fn indicators(groups: &[Group], neighbourhoods: &[(String, Option<u32>)]) -> RequestIndicators {
    let received = tally_total(groups, |_| true);
    let tally = |key: fn(&Group) -> Vec<String>| -> Vec<Tally> {
        let mut counts: BTreeMap<String, Compared<u64>> = BTreeMap::new();
        for group in groups {
            for code in key(group) {
                let entry = counts.entry(code).or_insert(Compared { current: 0, previous: 0 });
                if group.current {
                    entry.current += group.count;
                } else {
                    entry.previous += group.count;
                }
            }
        }
        counts.into_iter().map(|(code, count)| Tally { code, count }).collect()
    };
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
        by_channel: tally(|g| vec![g.channel.clone()]),
        by_kind: tally(|g| vec![g.kind.clone()]),
        by_status: tally(|g| vec![g.status.clone()]),
        by_theme: tally(|g| g.themes.clone()),
        by_neighbourhood,
        redirected_share: shares(RequestStatus::Redirected),
        declined_share: shares(RequestStatus::Declined),
    }
}

fn tally_total(groups: &[Group], keep: impl Fn(&Group) -> bool) -> Compared<u64> {
    let sum = |current: bool| groups.iter().filter(|g| g.current == current && keep(g)).map(|g| g.count).sum();
    Compared { current: sum(true), previous: sum(false) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(
        current: bool,
        channel: &str,
        status: &str,
        neighbourhood: Option<&str>,
        themes: &[&str],
        count: u64,
    ) -> Group {
        Group {
            current,
            channel: channel.into(),
            kind: "complaint".into(),
            status: status.into(),
            neighbourhood: neighbourhood.map(Into::into),
            themes: themes.iter().map(|t| (*t).to_owned()).collect(),
            count,
        }
    }

    #[test]
    fn groups_add_up_by_each_value_with_the_previous_period_beside() {
        let groups = [
            group(true, "web", "received", Some("cite-5"), &["voirie", "proprete"], 2),
            group(true, "phone", "redirected", Some("cite-5"), &["voirie"], 1),
            group(true, "web", "declined", None, &[], 1),
            group(false, "web", "received", Some("centre-ville"), &["voirie"], 3),
        ];
        let towns =
            [("centre-ville".to_owned(), Some(2_000)), ("cite-5".to_owned(), Some(1_100)), ("marais".to_owned(), None)];
        let figures = indicators(&groups, &towns);
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

    #[test]
    fn an_empty_period_has_zeros_and_no_shares() {
        let figures = indicators(&[], &[("cite-5".to_owned(), Some(1_100))]);
        assert_eq!(figures.received, Compared { current: 0, previous: 0 });
        assert!(figures.by_channel.is_empty());
        assert_eq!(figures.redirected_share, Compared { current: None, previous: None });
        assert_eq!(figures.by_neighbourhood[0].per_thousand.current, Some(0.0));
    }
}
