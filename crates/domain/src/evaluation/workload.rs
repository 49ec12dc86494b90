//! The services' workload (§4.5.1, §4.5.2, §6.4.2: the services, worn out by what the method
//! adds, as its whistle-blowers): on a day, the open and overdue requests, the open processes and
//! projects, the pending and overdue promises routed to each service and, through the services
//! they belong to, to each agent. A municipality sets a load limit per service; a qualification
//! that routes to a service over it carries a warning.
//!
//! - On a day, each item registered by then is in the status its history had at the end of that
//!   day, and counts for the services it is routed to today (routing keeps no history).
//! - A request is **open** while it awaits an outcome ([`crate::requests::lifecycle::is_open`]),
//!   **overdue** while it awaits its first answer past the town's delay (the requests' own rule).
//! - A process is open until closed or abandoned; a project until it reached an outcome.
//! - A promise is **pending** from the day it was made to the day it was settled, **overdue**
//!   once pending past its due day (the promises' own rule).
//! - An item routed to several services counts in each; an agent counts it once, whatever the
//!   number of their services it is routed to.
//! - A service is **over its limit** when its open items (requests, processes, projects, pending
//!   promises) are more than the limit it was given.

use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{AccountId, ServiceId};
use crate::requests::lifecycle::{awaits_answer, is_open};
use crate::vocabulary::{ProcessStatus, ProjectStatus, RequestStatus};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// The most month ends a workload reads before its day.
pub const MAX_MONTHS: u32 = 24;

/// The days a workload is read on: the last day of each of the `months` before `on` (oldest
/// first), then `on` — by default today, never after it; every invalid parameter named.
pub fn days(on: Option<NaiveDate>, months: Option<i64>, today: NaiveDate) -> Result<Vec<NaiveDate>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let on = errors.collect(crate::time::check_past_date("on", on.unwrap_or(today), today));
    let months = match months.map(|m| u32::try_from(m).ok().filter(|m| *m <= MAX_MONTHS)) {
        None => Some(0),
        Some(Some(m)) => Some(m),
        Some(None) => {
            errors.push(FieldError::new(
                "months",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must be between 0 and {MAX_MONTHS}"),
                    format!("doit être compris entre 0 et {MAX_MONTHS}"),
                ),
            ));
            None
        }
    };
    let (Some(on), Some(months)) = (on, months) else { return Err(errors) };
    let mut days = Vec::new();
    let mut month_start = on.with_day(1).unwrap_or(on);
    for _ in 0..months {
        let Some(end) = month_start.pred_opt() else { break };
        days.push(end);
        month_start = end.with_day(1).unwrap_or(end);
    }
    days.reverse();
    days.push(on);
    Ok(days)
}

/// What one service or agent carries on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    pub open_requests: u64,
    pub overdue_requests: u64,
    pub open_processes: u64,
    pub open_projects: u64,
    pub pending_promises: u64,
    pub overdue_promises: u64,
}

impl Load {
    /// Its open items, what the limit counts.
    pub fn open(&self) -> u64 {
        self.open_requests + self.open_processes + self.open_projects + self.pending_promises
    }
}

/// Whether `open` items are over `limit`.
pub fn over_limit(open: u64, limit: Option<u32>) -> bool {
    limit.is_some_and(|limit| open > u64::from(limit))
}

/// A service a qualification routes to, over its load limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    pub service: ServiceId,
    pub open: u64,
    pub limit: u32,
}

/// The warnings for routing to `routed`, given the services' limits and their loads.
pub fn load_warnings(
    routed: &[ServiceId],
    limits: &[(ServiceId, Option<u32>)],
    loads: &BTreeMap<ServiceId, Load>,
) -> Vec<LoadWarning> {
    routed
        .iter()
        .filter_map(|service| {
            let limit = limits.iter().find(|(s, _)| s == service).and_then(|(_, limit)| *limit)?;
            let open = loads.get(service).map_or(0, Load::open);
            over_limit(open, Some(limit)).then_some(LoadWarning { service: *service, open, limit })
        })
        .collect()
}

/// Requests routed to a service (or an agent's services) in a status on the day, counted by
/// whether they were received before the day from which awaiting an answer is late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCount<K> {
    pub holder: K,
    pub status: RequestStatus,
    pub received_before_late_day: bool,
    pub count: u64,
}

/// A process or project on the day: its status then and the services it is routed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed<S> {
    pub status: S,
    pub services: Vec<ServiceId>,
}

/// A promise pending on the day: when it is due and the services of its request or process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPromise {
    pub due_on: NaiveDate,
    pub services: Vec<ServiceId>,
}

/// Everything the day's load is made of.
#[derive(Debug, Clone, Default)]
pub struct Items {
    pub requests_by_service: Vec<RequestCount<ServiceId>>,
    pub requests_by_agent: Vec<RequestCount<AccountId>>,
    pub processes: Vec<Routed<ProcessStatus>>,
    pub projects: Vec<Routed<ProjectStatus>>,
    pub promises: Vec<PendingPromise>,
}

pub fn process_open(status: ProcessStatus) -> bool {
    !matches!(status, ProcessStatus::Closed | ProcessStatus::Abandoned)
}

pub fn project_open(status: ProjectStatus) -> bool {
    !matches!(status, ProjectStatus::Completed | ProjectStatus::Abandoned | ProjectStatus::TakenOverByServices)
}

impl Items {
    /// The load of each service, on day `on`.
    pub fn by_service(&self, on: NaiveDate) -> BTreeMap<ServiceId, Load> {
        let mut loads: BTreeMap<ServiceId, Load> = BTreeMap::new();
        for c in &self.requests_by_service {
            add_requests(loads.entry(c.holder).or_default(), c);
        }
        self.add_routed(on, |services| services.to_vec(), &mut loads);
        loads
    }

    /// The load of each agent, through the services each belongs to, on day `on`.
    pub fn by_agent(&self, on: NaiveDate, members: &[(AccountId, Vec<ServiceId>)]) -> BTreeMap<AccountId, Load> {
        let mut loads: BTreeMap<AccountId, Load> = members.iter().map(|(a, _)| (*a, Load::default())).collect();
        for c in &self.requests_by_agent {
            if let Some(load) = loads.get_mut(&c.holder) {
                add_requests(load, c);
            }
        }
        let holders = |services: &[ServiceId]| -> Vec<AccountId> {
            let services: BTreeSet<&ServiceId> = services.iter().collect();
            members.iter().filter(|(_, theirs)| theirs.iter().any(|s| services.contains(s))).map(|(a, _)| *a).collect()
        };
        self.add_routed(on, holders, &mut loads);
        loads
    }

    /// Adds the open processes, projects and pending promises to whoever `holders` names.
    fn add_routed<K: Ord>(
        &self,
        on: NaiveDate,
        holders: impl Fn(&[ServiceId]) -> Vec<K>,
        loads: &mut BTreeMap<K, Load>,
    ) {
        for p in self.processes.iter().filter(|p| process_open(p.status)) {
            for k in holders(&p.services) {
                loads.entry(k).or_default().open_processes += 1;
            }
        }
        for p in self.projects.iter().filter(|p| project_open(p.status)) {
            for k in holders(&p.services) {
                loads.entry(k).or_default().open_projects += 1;
            }
        }
        for p in &self.promises {
            for k in holders(&p.services) {
                let load = loads.entry(k).or_default();
                load.pending_promises += 1;
                if on > p.due_on {
                    load.overdue_promises += 1;
                }
            }
        }
    }
}

fn add_requests<K>(load: &mut Load, c: &RequestCount<K>) {
    if is_open(c.status) {
        load.open_requests += c.count;
    }
    if awaits_answer(c.status) && c.received_before_late_day {
        load.overdue_requests += c.count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_services_load_counts_its_open_items_and_an_agent_counts_each_once() {
        let (works, green) = (ServiceId::new(), ServiceId::new());
        let (amel, bruno) = (AccountId::new(), AccountId::new());
        fn count<K>(holder: K, status: RequestStatus, late: bool, count: u64) -> RequestCount<K> {
            RequestCount { holder, status, received_before_late_day: late, count }
        }
        let items = Items {
            requests_by_service: vec![
                count(works, RequestStatus::Qualified, true, 3),
                count(works, RequestStatus::Qualifying, true, 2),
                count(works, RequestStatus::Received, false, 1),
                count(works, RequestStatus::Closed, true, 9),
                count(green, RequestStatus::InProcess, false, 1),
            ],
            requests_by_agent: vec![count(amel, RequestStatus::Qualifying, true, 2)],
            processes: vec![
                Routed { status: ProcessStatus::Open, services: vec![works, green] },
                Routed { status: ProcessStatus::Closed, services: vec![works] },
            ],
            projects: vec![Routed { status: ProjectStatus::Running, services: vec![green] }],
            promises: vec![
                PendingPromise { due_on: day("2026-12-01"), services: vec![works] },
                PendingPromise { due_on: day("2026-12-07"), services: vec![works] },
            ],
        };
        let on = day("2026-12-07");
        let services = items.by_service(on);
        let w = services[&works];
        assert_eq!((w.open_requests, w.overdue_requests), (6, 2), "closed ones are not open; received not late yet");
        assert_eq!((w.open_processes, w.open_projects, w.pending_promises, w.overdue_promises), (1, 0, 2, 1));
        assert_eq!(w.open(), 9);
        assert_eq!(services[&green].open(), 3);
        let agents = items.by_agent(on, &[(amel, vec![works, green]), (bruno, vec![])]);
        assert_eq!(agents[&amel].open_processes, 1, "routed to both of her services: once");
        assert_eq!(agents[&amel].open_projects, 1);
        assert_eq!(agents[&amel].overdue_requests, 2);
        assert_eq!(agents[&bruno], Load::default(), "in no service: nothing, but listed");
    }

    #[test]
    fn routing_to_a_service_over_its_limit_is_warned_and_only_then() {
        let (works, green, culture) = (ServiceId::new(), ServiceId::new(), ServiceId::new());
        let loads = BTreeMap::from([
            (works, Load { open_requests: 41, ..Load::default() }),
            (green, Load { open_requests: 10, ..Load::default() }),
        ]);
        let limits = [(works, Some(40)), (green, Some(40)), (culture, None)];
        let warnings = load_warnings(&[works, green, culture], &limits, &loads);
        assert_eq!(warnings, [LoadWarning { service: works, open: 41, limit: 40 }]);
        assert!(load_warnings(&[green], &limits, &loads).is_empty());
    }

    #[test]
    fn the_days_read_are_the_month_ends_before_the_day_asked_then_it() {
        let today = day("2026-12-07");
        assert_eq!(days(None, None, today).unwrap(), [today]);
        assert_eq!(
            days(Some(day("2026-03-15")), Some(3), today).unwrap(),
            [day("2025-12-31"), day("2026-01-31"), day("2026-02-28"), day("2026-03-15")]
        );
        let refused = days(Some(day("2026-12-08")), Some(25), today).unwrap_err();
        let fields: Vec<&str> = refused.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["on", "months"]);
    }

    #[test]
    fn a_service_is_over_its_limit_past_it_and_never_without_one() {
        assert!(!over_limit(40, Some(40)));
        assert!(over_limit(41, Some(40)));
        assert!(!over_limit(1_000, None));
    }
}
