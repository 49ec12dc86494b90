//! The indicators of a municipality for a period, with the previous period's beside each figure.

use crate::auth::Visitor;
use crate::problem::ApiError;
use crate::responses::{BadRequest, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use implication_domain::Municipality;
use implication_domain::evaluation::conventions::{self, ConventionTotals, ProjectIndicators};
use implication_domain::evaluation::participants;
use implication_domain::evaluation::participation::{self, MeetingIndicators, ProcessIndicators, SurveyIndicators};
use implication_domain::evaluation::requests::{
    self as figures, Delay, NeighbourhoodTally, RequestIndicators, Tally, Timeliness,
};
use implication_domain::evaluation::{Compared, Period, lines, utc_offsets};
use implication_domain::participation::meeting::local_today;
use implication_domain::{Message, time};
use implication_storage::Database;
use implication_storage::evaluation::{self as store, RequestScope, TownClock};
use implication_storage::identity::neighbourhoods;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The period asked: `year`, or `from` and `to`; by default, the current year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorParams {
    /// A calendar year (2000 to 2100); not with `from` and `to`.
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    pub year: Option<i64>,
    /// The period's first day, with `to` (ten years at most).
    pub from: Option<NaiveDate>,
    /// The period's last day, with `from`.
    pub to: Option<NaiveDate>,
    /// Only this neighbourhood's requests (its code).
    #[param(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub neighbourhood: Option<String>,
}

/// A span of days, both ends included.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl From<Period> for PeriodView {
    fn from(p: Period) -> Self {
        Self { from: p.from, to: p.to }
    }
}

/// A count in the period asked and in the previous one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedCount {
    pub current: u64,
    pub previous: u64,
}

impl From<Compared<u64>> for ComparedCount {
    fn from(c: Compared<u64>) -> Self {
        Self { current: c.current, previous: c.previous }
    }
}

/// A ratio in the period asked and in the previous one, to one decimal; `null` where it cannot be
/// computed (nothing to divide by).
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedRatio {
    pub current: Option<f64>,
    pub previous: Option<f64>,
}

impl From<Compared<Option<f64>>> for ComparedRatio {
    fn from(c: Compared<Option<f64>>) -> Self {
        Self { current: c.current, previous: c.previous }
    }
}

/// How many requests had this value (a channel, a kind, a status, a theme code).
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyView {
    pub code: String,
    pub current: u64,
    pub previous: u64,
}

impl From<&Tally> for TallyView {
    fn from(t: &Tally) -> Self {
        Self { code: t.code.clone(), current: t.count.current, previous: t.count.previous }
    }
}

/// A neighbourhood's requests, and per 1,000 of its inhabitants where its population is known.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourhoodTallyView {
    pub code: String,
    pub name: String,
    pub population: Option<u32>,
    pub current: u64,
    pub previous: u64,
    pub per_thousand: ComparedRatio,
}

/// The requests received in the period (by the day they were received); a request merged into
/// another counts once, as the other.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestIndicatorsView {
    pub received: ComparedCount,
    /// By channel (`website`, `phone`, `letter`…), those with requests only.
    pub by_channel: Vec<TallyView>,
    /// By kind (`complaint`, `idea`…).
    pub by_kind: Vec<TallyView>,
    /// By status today.
    pub by_status: Vec<TallyView>,
    /// By theme code: a request counts once under each of its themes.
    pub by_theme: Vec<TallyView>,
    /// Every neighbourhood of the town (requests with no neighbourhood are in no line).
    pub by_neighbourhood: Vec<NeighbourhoodTallyView>,
    /// The percentage redirected to another authority.
    pub redirected_share: ComparedRatio,
    /// The percentage declined.
    pub declined_share: ComparedRatio,
    /// Days from the day received to the town's day of the first qualification (the requests
    /// qualified at least once).
    pub to_qualification: DelayView,
    /// Days from the day received to the day of the first answer written to the requester (the
    /// requests answered at least once; the public's count the public answers).
    pub to_first_answer: DelayView,
    /// Requests that stayed in `received` or `qualifying` longer than the town's answer delay —
    /// to the day they first left them, or to today for those still (or again) there.
    pub late: ComparedCount,
    /// Their percentage of the requests received.
    pub late_share: ComparedRatio,
}

/// A delay in whole days: over how many requests it was measured, its median and its 90th
/// percentile (nearest rank: the delay of an actual request; `null` for none measured).
#[derive(Debug, Serialize, ToSchema)]
pub struct DelayView {
    pub measured: ComparedCount,
    pub median_days: ComparedDays,
    pub p90_days: ComparedDays,
}

impl From<Delay> for DelayView {
    fn from(d: Delay) -> Self {
        Self {
            measured: d.measured.into(),
            median_days: ComparedDays { current: d.median_days.current, previous: d.median_days.previous },
            p90_days: ComparedDays { current: d.p90_days.current, previous: d.p90_days.previous },
        }
    }
}

/// A number of days in the period asked and in the previous one; `null` where nothing was
/// measured.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedDays {
    pub current: Option<i64>,
    pub previous: Option<i64>,
}

/// An amount in cents of euros in the period asked and in the previous one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedCents {
    pub current: i64,
    pub previous: i64,
}

/// The participation processes: those opened in the period (by their level today) and the level
/// changes made in it. With `neighbourhood`, those whose perimeter names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessIndicatorsView {
    pub opened: ComparedCount,
    /// By participation level today (`information`, `consultation`, `coproduction`).
    pub by_level: Vec<TallyView>,
    /// By the levels a change went from and to.
    pub level_changes: Vec<LevelChangeTallyView>,
}

/// Level changes from one level to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelChangeTallyView {
    pub from: String,
    pub to: String,
    pub current: u64,
    pub previous: u64,
}

/// The meetings held (ended) in the period, and their minutes: on time when published on or
/// before their due day, late after it, overdue when unpublished past it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingIndicatorsView {
    pub held: ComparedCount,
    /// The attendance recorded, added up (people coming to several meetings count each time).
    pub attendance: ComparedCount,
    pub minutes_on_time: ComparedCount,
    pub minutes_late: ComparedCount,
    pub minutes_overdue: ComparedCount,
    /// The percentage of the minutes due (on time, late or overdue) published on time.
    pub minutes_on_time_share: ComparedRatio,
}

/// The surveys closed in the period (closed early: the day they were closed).
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyIndicatorsView {
    pub closed: ComparedCount,
    /// Ballots cast in them.
    pub ballots: ComparedCount,
    /// By the unit their eligible voters are counted in (`people`, `households`), which do not
    /// add up; only the units of surveys closed in either period.
    pub by_unit: Vec<SurveyUnitView>,
}

/// The surveys whose eligible voters are counted in one unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyUnitView {
    pub unit: crate::wire::EligibleUnit,
    pub closed: ComparedCount,
    pub ballots: ComparedCount,
    /// The eligible voters they declared, added up.
    pub eligible: ComparedCount,
    /// Ballots as a percentage of the eligible voters.
    pub participation_share: ComparedRatio,
}

/// The fifty-fifty projects: started (created) in the period, and those that reached an outcome in
/// it. The public's count the projects it may read (once their convention went to signature, and
/// once ended).
/// The town's whole, whatever `neighbourhood`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectIndicatorsView {
    pub started: ComparedCount,
    pub completed: ComparedCount,
    pub abandoned: ComparedCount,
    pub taken_over_by_services: ComparedCount,
}

/// What a side of the conventions committed (the costs planned) and spent (the actual costs), in
/// cents of euros.
#[derive(Debug, Serialize, ToSchema)]
pub struct SideCostsView {
    pub committed_cents: ComparedCents,
    pub spent_cents: ComparedCents,
}

/// The conventions signed by every party whose period starts in the period asked: what they cost
/// the town and the other parties, how their commitments were kept. The town's whole, whatever
/// `neighbourhood`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConventionIndicatorsView {
    pub signed: ComparedCount,
    /// The municipality's party.
    pub town: SideCostsView,
    /// Every other party (inhabitants, associations, farms…).
    pub other_parties: SideCostsView,
    /// Their commitments, and how many were recorded fulfilled, partly or not fulfilled.
    pub commitments: ComparedCount,
    pub fulfilled: ComparedCount,
    pub partly_fulfilled: ComparedCount,
    pub not_fulfilled: ComparedCount,
    /// Upkeep commitments not (fully) kept: the services stepped in, or the work stopped.
    pub eroded: ComparedCount,
}

/// Who takes part, and renewal ("souvent les mêmes", §4.2.4): the participants recorded with
/// their consent who took part in the period — **first-time** when their first participation
/// ever falls in it, **returning** otherwise — in all and by the neighbourhood they live in.
/// Counts only: nobody is named; and in the public's figures a count of 1 to 4 is `null`, so that
/// nobody can be singled out (by crossing a day and a neighbourhood with the contributors, say).
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantIndicatorsView {
    pub first_time: ComparedSmallCount,
    pub returning: ComparedSmallCount,
    /// Every neighbourhood of the town (participants with none recorded are in no line).
    pub by_neighbourhood: Vec<RenewalLineView>,
}

/// A neighbourhood's first-time and returning participants.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenewalLineView {
    pub code: String,
    pub name: String,
    pub first_time: ComparedSmallCount,
    pub returning: ComparedSmallCount,
}

/// A count of people in the period asked and in the previous one; `null` in the public's figures
/// for 1 to 4 (too few to show without singling someone out).
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedSmallCount {
    pub current: Option<u64>,
    pub previous: Option<u64>,
}

fn people_count(count: Compared<u64>, public: bool) -> ComparedSmallCount {
    ComparedSmallCount {
        current: participants::shown(count.current, public),
        previous: participants::shown(count.previous, public),
    }
}

/// People who took part in the conventions' works: those registered by name (with their
/// consent), and the low bound of everyone involved — per convention, the larger of its
/// registered names and its estimate for open events — added up (someone in two projects counts
/// twice).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleView {
    pub registered: ComparedCount,
    pub at_least: ComparedCount,
}

/// Whose requests the figures count.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorScope {
    /// The published requests (anyone's figures).
    Published,
    /// Every request (staff's).
    All,
}

/// A municipality's indicators for a period, each figure with the previous period's beside it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "period": { "from": "2026-01-01", "to": "2026-12-31" },
    "previous_period": { "from": "2025-01-01", "to": "2025-12-31" },
    "neighbourhood": null, "scope": "published",
    "requests": {
        "received": { "current": 12, "previous": 7 },
        "by_channel": [{ "code": "website", "current": 8, "previous": 5 }, { "code": "phone", "current": 4, "previous": 2 }],
        "by_kind": [{ "code": "complaint", "current": 9, "previous": 6 }, { "code": "idea", "current": 3, "previous": 1 }],
        "by_status": [{ "code": "in_process", "current": 5, "previous": 0 }, { "code": "closed", "current": 7, "previous": 7 }],
        "by_theme": [{ "code": "roads-and-traffic", "current": 6, "previous": 4 }],
        "by_neighbourhood": [{ "code": "cite-5", "name": "Cité 5", "population": 1100, "current": 3, "previous": 1,
            "per_thousand": { "current": 2.7, "previous": 0.9 } }],
        "redirected_share": { "current": 8.3, "previous": 14.3 },
        "declined_share": { "current": 0.0, "previous": 14.3 },
        "to_qualification": { "measured": { "current": 10, "previous": 6 },
            "median_days": { "current": 3, "previous": 5 }, "p90_days": { "current": 12, "previous": 20 } },
        "to_first_answer": { "measured": { "current": 9, "previous": 6 },
            "median_days": { "current": 6, "previous": 8 }, "p90_days": { "current": 21, "previous": 30 } },
        "late": { "current": 1, "previous": 2 },
        "late_share": { "current": 8.3, "previous": 28.6 }
    },
    "processes": { "opened": { "current": 3, "previous": 2 },
        "by_level": [{ "code": "consultation", "current": 2, "previous": 1 }, { "code": "coproduction", "current": 1, "previous": 1 }],
        "level_changes": [{ "from": "information", "to": "consultation", "current": 1, "previous": 0 }] },
    "meetings": { "held": { "current": 5, "previous": 4 }, "attendance": { "current": 140, "previous": 95 },
        "minutes_on_time": { "current": 4, "previous": 2 }, "minutes_late": { "current": 1, "previous": 1 },
        "minutes_overdue": { "current": 0, "previous": 1 }, "minutes_on_time_share": { "current": 80.0, "previous": 50.0 } },
    "surveys": { "closed": { "current": 1, "previous": 1 }, "ballots": { "current": 212, "previous": 180 },
        "by_unit": [{ "unit": "households", "closed": { "current": 1, "previous": 1 }, "ballots": { "current": 212, "previous": 180 },
            "eligible": { "current": 850, "previous": 850 }, "participation_share": { "current": 24.9, "previous": 21.2 } }] },
    "projects": { "started": { "current": 4, "previous": 3 }, "completed": { "current": 2, "previous": 2 },
        "abandoned": { "current": 0, "previous": 1 }, "taken_over_by_services": { "current": 1, "previous": 0 } },
    "conventions": { "signed": { "current": 3, "previous": 2 },
        "town": { "committed_cents": { "current": 1250000, "previous": 800000 }, "spent_cents": { "current": 1100000, "previous": 790000 } },
        "other_parties": { "committed_cents": { "current": 300000, "previous": 150000 }, "spent_cents": { "current": 280000, "previous": 150000 } },
        "commitments": { "current": 14, "previous": 9 }, "fulfilled": { "current": 10, "previous": 8 },
        "partly_fulfilled": { "current": 1, "previous": 0 }, "not_fulfilled": { "current": 0, "previous": 1 },
        "eroded": { "current": 1, "previous": 1 } },
    "people": { "registered": { "current": 23, "previous": 15 }, "at_least": { "current": 60, "previous": 41 } },
    "participants": { "first_time": { "current": 31, "previous": 22 }, "returning": { "current": 48, "previous": 40 },
        "by_neighbourhood": [{ "code": "cite-5", "name": "Cité 5", "first_time": { "current": 6, "previous": 2 },
            "returning": { "current": 9, "previous": 8 } }] }
}))]
pub struct IndicatorsView {
    pub period: PeriodView,
    /// The span of the same length just before (the previous year, for a year).
    pub previous_period: PeriodView,
    /// The neighbourhood asked, if any.
    pub neighbourhood: Option<String>,
    pub scope: IndicatorScope,
    pub requests: RequestIndicatorsView,
    pub processes: ProcessIndicatorsView,
    pub meetings: MeetingIndicatorsView,
    pub surveys: SurveyIndicatorsView,
    pub projects: ProjectIndicatorsView,
    pub conventions: ConventionIndicatorsView,
    pub people: PeopleView,
    pub participants: ParticipantIndicatorsView,
}

/// Get the indicators
///
/// What the method produces in a period (`year`, or `from` and `to`; by default the current
/// year), each figure beside the previous period's — the year before, or as many days just
/// before: the requests received by channel, kind, status, theme and neighbourhood (per 1,000
/// inhabitants where the neighbourhood's population is known), the shares redirected, declined
/// and late, the median and 90th-percentile days to qualification and to first answer; the
/// processes by level and their level changes; the meetings held and their minutes on time; the
/// surveys' participation; the fifty-fifty projects started, completed, abandoned and taken over;
/// the conventions' euros committed and spent by the town and the other parties, their
/// commitments fulfilled and eroded, and the people who took part. Days are the town's (its time
/// zone). Computed by the database for each call. Anyone reads the figures of the published
/// requests and of what the public may read; staff's count everything. `neighbourhood` narrows
/// the requests to one, and the processes, meetings and surveys to those whose perimeter names
/// it (400 naming it if the town has none of that code).
#[utoipa::path(
    operation_id = "get_indicators", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), IndicatorParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The indicators.", body = IndicatorsView),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/indicators")]
pub async fn get_indicators(
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<IndicatorParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    Ok(HttpResponse::Ok().json(compute(&db, &municipality, &params, standing.is_staff()).await?))
}

/// The indicators of `municipality` for the period `params` asks, as the public (or staff) read them.
pub async fn compute(
    db: &Database,
    municipality: &Municipality,
    params: &IndicatorParams,
    staff: bool,
) -> Result<IndicatorsView, ApiError> {
    let now = time::now();
    let today = local_today(now, municipality.settings.time_zone);
    let malformed = |errors| ApiError::malformed(Message::new("invalid period", "période invalide"), errors);
    let period = Period::parse(params.year, params.from, params.to, today).map_err(|e| malformed(e.0))?;
    let town = neighbourhoods::all(db, municipality.id).await?;
    let shown = lines(&town, params.neighbourhood.as_deref()).map_err(|e| malformed(vec![e]))?;
    let time_zone = municipality.settings.time_zone;
    let (previous_start, _) = period.previous().instants(time_zone);
    let (current_start, current_end) = period.instants(time_zone);
    // Instants from the previous period's start to now are dated by the town's day.
    let offsets = utc_offsets(time_zone, previous_start - chrono::Duration::days(1), now + chrono::Duration::days(1));
    let scope = RequestScope {
        current: period,
        previous: period.previous(),
        neighbourhood: params.neighbourhood.as_deref(),
        published_only: !staff,
        clock: TownClock {
            time_zone: time_zone.name(),
            utc_offsets: &offsets,
            now,
            today,
            previous_start,
            current_start,
            current_end,
        },
    };
    // Ten aggregates, each its own statement on its own connection, run at once: the call takes
    // as long as the slowest, not as all of them (bench/README.md, the indicators).
    let id = municipality.id;
    let (groups, themed, days, opened, changes, held, closed, milestones, signed, active) = tokio::try_join!(
        store::request_groups(db, id, &scope),
        store::theme_groups(db, id, &scope),
        store::day_counts(db, id, &scope),
        store::processes(db, id, &scope),
        store::level_changes(db, id, &scope),
        store::meetings(db, id, &scope),
        store::surveys(db, id, &scope),
        store::projects(db, id, &scope),
        store::conventions(db, id, &scope),
        implication_storage::evaluation::participants::active(db, id, &scope),
    )?;
    let (renewal, renewal_by) = participants::renewal(&active);
    let populations: Vec<(String, Option<u32>)> =
        shown.iter().map(|n| (n.code.as_str().to_owned(), n.population.map(|p| p.get()))).collect();
    let counted = figures::indicators(&groups, &themed, &populations);
    let timeliness = figures::timeliness(&days, municipality.settings.answer_delay_days);
    let view = IndicatorsView {
        period: period.into(),
        previous_period: period.previous().into(),
        neighbourhood: params.neighbourhood.clone(),
        scope: if staff { IndicatorScope::All } else { IndicatorScope::Published },
        requests: request_view(&counted, &timeliness, |code| {
            shown.iter().find(|n| n.code.as_str() == code).map(|n| n.name.as_str().to_owned()).unwrap_or_default()
        }),
        processes: process_view(participation::processes(&opened, &changes)),
        meetings: meeting_view(participation::meetings(&held)),
        surveys: survey_view(participation::surveys(&closed)),
        projects: project_view(conventions::projects(&milestones)),
        conventions: convention_view(signed),
        people: PeopleView {
            registered: pick(signed, |t| t.participants_registered),
            at_least: pick(signed, |t| t.participants_at_least),
        },
        participants: ParticipantIndicatorsView {
            first_time: people_count(renewal.first_time, !staff),
            returning: people_count(renewal.returning, !staff),
            by_neighbourhood: shown
                .iter()
                .map(|n| {
                    let line = renewal_by.get(n.code.as_str());
                    let zero = Compared { current: 0, previous: 0 };
                    RenewalLineView {
                        code: n.code.to_string(),
                        name: n.name.as_str().to_owned(),
                        first_time: people_count(line.map_or(zero, |l| l.first_time), !staff),
                        returning: people_count(line.map_or(zero, |l| l.returning), !staff),
                    }
                })
                .collect(),
        },
    };
    Ok(view)
}

fn process_view(p: ProcessIndicators) -> ProcessIndicatorsView {
    ProcessIndicatorsView {
        opened: p.opened.into(),
        by_level: p.by_level.iter().map(TallyView::from).collect(),
        level_changes: p
            .level_changes
            .into_iter()
            .map(|c| LevelChangeTallyView {
                from: c.from,
                to: c.to,
                current: c.count.current,
                previous: c.count.previous,
            })
            .collect(),
    }
}

fn meeting_view(m: MeetingIndicators) -> MeetingIndicatorsView {
    MeetingIndicatorsView {
        held: m.held.into(),
        attendance: m.attendance.into(),
        minutes_on_time: m.minutes_on_time.into(),
        minutes_late: m.minutes_late.into(),
        minutes_overdue: m.minutes_overdue.into(),
        minutes_on_time_share: m.minutes_on_time_share.into(),
    }
}

fn survey_view(s: SurveyIndicators) -> SurveyIndicatorsView {
    SurveyIndicatorsView {
        closed: s.closed.into(),
        ballots: s.ballots.into(),
        by_unit: s
            .by_unit
            .into_iter()
            .map(|u| SurveyUnitView {
                unit: u.unit.into(),
                closed: u.closed.into(),
                ballots: u.ballots.into(),
                eligible: u.eligible.into(),
                participation_share: u.participation_share.into(),
            })
            .collect(),
    }
}

fn project_view(p: ProjectIndicators) -> ProjectIndicatorsView {
    ProjectIndicatorsView {
        started: p.started.into(),
        completed: p.completed.into(),
        abandoned: p.abandoned.into(),
        taken_over_by_services: p.taken_over_by_services.into(),
    }
}

/// One figure of the conventions' totals, both periods.
fn pick(totals: Compared<ConventionTotals>, figure: fn(&ConventionTotals) -> u64) -> ComparedCount {
    ComparedCount { current: figure(&totals.current), previous: figure(&totals.previous) }
}

fn convention_view(t: Compared<ConventionTotals>) -> ConventionIndicatorsView {
    let cents = |figure: fn(&ConventionTotals) -> i64| ComparedCents {
        current: figure(&t.current),
        previous: figure(&t.previous),
    };
    ConventionIndicatorsView {
        signed: pick(t, |t| t.conventions),
        town: SideCostsView {
            committed_cents: cents(|t| t.town_planned_cents),
            spent_cents: cents(|t| t.town_actual_cents),
        },
        other_parties: SideCostsView {
            committed_cents: cents(|t| t.others_planned_cents),
            spent_cents: cents(|t| t.others_actual_cents),
        },
        commitments: pick(t, |t| t.commitments),
        fulfilled: pick(t, |t| t.fulfilled),
        partly_fulfilled: pick(t, |t| t.partly_fulfilled),
        not_fulfilled: pick(t, |t| t.not_fulfilled),
        eroded: pick(t, |t| t.eroded),
    }
}

fn request_view(
    counted: &RequestIndicators,
    timeliness: &Timeliness,
    name_of: impl Fn(&str) -> String,
) -> RequestIndicatorsView {
    let tallies = |list: &[Tally]| list.iter().map(TallyView::from).collect();
    RequestIndicatorsView {
        received: counted.received.into(),
        by_channel: tallies(&counted.by_channel),
        by_kind: tallies(&counted.by_kind),
        by_status: tallies(&counted.by_status),
        by_theme: tallies(&counted.by_theme),
        by_neighbourhood: counted
            .by_neighbourhood
            .iter()
            .map(|n: &NeighbourhoodTally| NeighbourhoodTallyView {
                code: n.code.clone(),
                name: name_of(&n.code),
                population: n.population,
                current: n.count.current,
                previous: n.count.previous,
                per_thousand: n.per_thousand.into(),
            })
            .collect(),
        redirected_share: counted.redirected_share.into(),
        declined_share: counted.declined_share.into(),
        to_qualification: timeliness.to_qualification.into(),
        to_first_answer: timeliness.to_first_answer.into(),
        late: timeliness.late.into(),
        late_share: timeliness.late_share.into(),
    }
}
