//! The indicators' other aggregates, one statement each: the requests' delays counted by number
//! of days, the processes opened and their level changes, the meetings held and their minutes,
//! the surveys closed, the projects' milestones and the signed conventions' figures. Each row is
//! in the period asked (`current` 1) or the previous one (0); the domain reads the rules off them.

use super::sql::{Sql, count, flag};
use super::{RequestScope, TownClock};
use crate::Database;
use crate::error::StorageError;
use implication_domain::MunicipalityId;
use implication_domain::evaluation::Compared;
use implication_domain::evaluation::conventions::{ConventionTotals, ProjectGroup};
use implication_domain::evaluation::participation::{LevelChangeGroup, MeetingGroup, ProcessGroup, SurveyGroup};
use implication_domain::evaluation::requests::{DayCount, Measure};
use implication_domain::requests::lifecycle::awaiting_answer;
use implication_domain::vocabulary::{EligibleUnit, ProcessEventKind, ProjectEventKind, ProjectStatus, RequestStatus};

/// `'a', 'b'` for an SQL `IN` list of codes (the vocabulary's, never a caller's).
fn codes(list: impl IntoIterator<Item = &'static str>) -> String {
    list.into_iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
}

/// `CASE WHEN {column} >= {start} THEN 1 ELSE 0 END`: in the period asked, or the previous one.
fn current(column: &str, start: &str) -> String {
    format!("CASE WHEN {column} >= {start} THEN 1 ELSE 0 END")
}

/// The conditions on a process `p` the scope puts: opened (the public's), whose perimeter names
/// the neighbourhood (as the process list filters it).
fn process_conditions(sql: &mut Sql, scope: &RequestScope<'_>, public: bool) -> String {
    let mut conditions = String::new();
    if public {
        conditions.push_str(" AND p.opened_at IS NOT NULL");
    }
    if let Some(code) = scope.neighbourhood {
        let pattern = sql.bind(format!("%\"{code}\"%"));
        conditions.push_str(&format!(" AND p.perimeter_neighbourhoods LIKE {pattern}"));
    }
    conditions
}

/// The requests received in either period counted by the days they took to be first qualified,
/// to be first answered, and that they stayed in intake (to the day they left, or to today): the
/// days are the request's milestones, written by the changes that reached them, so that this is
/// one read of the town's requests by day (an index-only one on PostgreSQL).
pub async fn day_counts(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<DayCount>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (current_from, previous_from, current_to) =
        (sql.day(scope.current.from), sql.day(scope.previous.from), sql.day(scope.current.to));
    let today = sql.day(scope.clock.today);
    let mut filters = String::new();
    if let Some(code) = scope.neighbourhood {
        filters.push_str(&format!(" AND q.neighbourhood_code = {}", sql.bind(code.to_owned())));
    }
    if scope.published_only {
        filters.push_str(" AND q.published_at IS NOT NULL");
    }
    let intake = codes(awaiting_answer().map(|s| s.code()));
    let merged = RequestStatus::Merged.code();
    // The public's delays count the answers it may read.
    let answered_on = if scope.published_only { "q.first_public_answer_on" } else { "q.first_answer_on" };
    let days = |day: &str| sql.days_between(day, "q.received_on");
    // Back in intake (reopened), a request is measured to today again, as it is still waiting.
    let (to_qualification, to_answer, in_intake) = (
        days("q.qualified_on"),
        days(answered_on),
        days(&format!("CASE WHEN q.status IN ({intake}) THEN {today} ELSE COALESCE(q.left_intake_on, {today}) END")),
    );
    let in_current = current("q.received_on", &current_from);
    sql.text = format!(
        "WITH d AS (SELECT {in_current} AS current, {to_qualification} AS qualification, \
           {to_answer} AS first_answer, {in_intake} AS intake FROM requests q \
         WHERE q.municipality_id = {town} AND q.received_on >= {previous_from} \
           AND q.received_on <= {current_to} AND q.status <> '{merged}'{filters}) \
         SELECT current, 'qualification', qualification, COUNT(*) FROM d WHERE qualification IS NOT NULL GROUP BY 1, 3 \
         UNION ALL SELECT current, 'first_answer', first_answer, COUNT(*) FROM d WHERE first_answer IS NOT NULL GROUP BY 1, 3 \
         UNION ALL SELECT current, 'intake', intake, COUNT(*) FROM d GROUP BY 1, 3"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let measure: String = row.try_get_by_index(1)?;
            let days: i32 = row.try_get_by_index(2)?;
            Ok(DayCount {
                current: flag(row, 0)?,
                measure: Measure::parse(&measure)
                    .ok_or_else(|| StorageError::Corrupt(format!("a day count of {measure:?}")))?,
                days: days.into(),
                count: count(row, 3)?,
            })
        })
        .collect()
}

/// The instants of the periods, bound: the previous one's start, the current one's start and end.
fn instants(sql: &mut Sql, clock: &TownClock<'_>) -> (String, String, String) {
    (sql.bind(clock.previous_start), sql.bind(clock.current_start), sql.bind(clock.current_end))
}

/// The processes opened in either period, by the level they have today.
pub async fn processes(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<ProcessGroup>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (previous_start, current_start, current_end) = instants(&mut sql, &scope.clock);
    let conditions = process_conditions(&mut sql, scope, false);
    let in_current = current("p.opened_at", &current_start);
    sql.text = format!(
        "SELECT {in_current}, p.level, COUNT(*) FROM processes p WHERE p.municipality_id = {town} \
         AND p.opened_at >= {previous_start} AND p.opened_at < {current_end}{conditions} GROUP BY 1, 2"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| Ok(ProcessGroup { current: flag(row, 0)?, level: row.try_get_by_index(1)?, count: count(row, 2)? }))
        .collect()
}

/// The level changes made in either period, by the levels they went from and to.
pub async fn level_changes(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<LevelChangeGroup>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (previous_start, current_start, current_end) = instants(&mut sql, &scope.clock);
    let conditions = process_conditions(&mut sql, scope, scope.published_only);
    let in_current = current("e.at", &current_start);
    let kind = ProcessEventKind::LevelChanged.code();
    sql.text = format!(
        "SELECT {in_current}, e.from_level, e.to_level, COUNT(*) FROM process_events e \
         JOIN processes p ON p.id = e.process_id WHERE e.municipality_id = {town} AND e.kind = '{kind}' \
         AND e.at >= {previous_start} AND e.at < {current_end}{conditions} GROUP BY 1, 2, 3"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let (from, to): (Option<String>, Option<String>) = (row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            Ok(LevelChangeGroup {
                current: flag(row, 0)?,
                from: from.unwrap_or_default(),
                to: to.unwrap_or_default(),
                count: count(row, 3)?,
            })
        })
        .collect()
}

/// The meetings held (ended by now) in either period, by the days their minutes were published
/// after their due day and whether that day has passed, with their attendance added up.
pub async fn meetings(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<MeetingGroup>, StorageError> {
    let clock = &scope.clock;
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (previous_start, current_start, current_end) = instants(&mut sql, clock);
    let (now, today) = (sql.bind(clock.now), sql.day(clock.today));
    let conditions = process_conditions(&mut sql, scope, scope.published_only);
    let published_on = sql.local_day("m.minutes_published_at", clock);
    let after_due = sql.days_between(&published_on, "m.minutes_due_on");
    let in_current = current("m.ends_at", &current_start);
    sql.text = format!(
        "SELECT {in_current}, {after_due}, CASE WHEN m.minutes_due_on < {today} THEN 1 ELSE 0 END, \
           CAST(SUM(COALESCE(m.attendance, 0)) AS BIGINT), COUNT(*) \
         FROM meetings m JOIN processes p ON p.id = m.process_id WHERE m.municipality_id = {town} \
         AND m.ends_at >= {previous_start} AND m.ends_at < {current_end} AND m.ends_at <= {now}{conditions} \
         GROUP BY 1, 2, 3"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let after: Option<i32> = row.try_get_by_index(1)?;
            Ok(MeetingGroup {
                current: flag(row, 0)?,
                minutes_days_after_due: after.map(i64::from),
                due_passed: flag(row, 2)?,
                attendance: count(row, 3)?,
                count: count(row, 4)?,
            })
        })
        .collect()
}

/// The surveys closed (by now) in either period, by the unit of their eligible voters: how many,
/// their ballots and eligible voters.
pub async fn surveys(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<SurveyGroup>, StorageError> {
    let clock = &scope.clock;
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (previous_start, current_start, current_end) = instants(&mut sql, clock);
    let now = sql.bind(clock.now);
    let conditions = process_conditions(&mut sql, scope, scope.published_only);
    let in_current = current("s.closes_at", &current_start);
    sql.text = format!(
        "WITH c AS (SELECT {in_current} AS current, s.eligible_unit AS unit, s.eligible AS eligible, \
           (SELECT COUNT(*) FROM survey_ballots b WHERE b.survey_id = s.id) AS ballots \
         FROM surveys s JOIN processes p ON p.id = s.process_id WHERE s.municipality_id = {town} \
         AND s.closes_at >= {previous_start} AND s.closes_at < {current_end} AND s.closes_at <= {now}{conditions}) \
         SELECT current, unit, COUNT(*), CAST(SUM(ballots) AS BIGINT), CAST(SUM(eligible) AS BIGINT) FROM c GROUP BY 1, 2"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let unit: String = row.try_get_by_index(1)?;
            Ok(SurveyGroup {
                current: flag(row, 0)?,
                unit: EligibleUnit::from_code(&unit)
                    .ok_or_else(|| StorageError::Corrupt(format!("a survey's eligible unit {unit:?}")))?,
                closed: count(row, 2)?,
                ballots: count(row, 3)?,
                eligible: count(row, 4)?,
            })
        })
        .collect()
}

/// The projects started (created) in either period, and those that reached an outcome in it; the
/// public's count only the projects it may read.
pub async fn projects(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<ProjectGroup>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (previous_start, current_start, current_end) = instants(&mut sql, &scope.clock);
    let outcomes = codes(
        [ProjectStatus::Completed, ProjectStatus::Abandoned, ProjectStatus::TakenOverByServices].map(|s| s.code()),
    );
    let (created, started) = (ProjectEventKind::Created.code(), ProjectStatus::Diagnosing.code());
    let public = if scope.published_only {
        format!(
            " AND p.status NOT IN ({})",
            codes([ProjectStatus::Diagnosing, ProjectStatus::Drafting].map(|s| s.code()))
        )
    } else {
        String::new()
    };
    let in_current = current("e.at", &current_start);
    sql.text = format!(
        "SELECT {in_current}, CASE WHEN e.kind = '{created}' THEN '{started}' ELSE e.to_status END, COUNT(*) \
         FROM project_events e JOIN projects p ON p.id = e.project_id WHERE e.municipality_id = {town} \
         AND e.at >= {previous_start} AND e.at < {current_end} \
         AND (e.kind = '{created}' OR e.to_status IN ({outcomes})){public} GROUP BY 1, 2"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            let status: String = row.try_get_by_index(1)?;
            Ok(ProjectGroup {
                current: flag(row, 0)?,
                status: ProjectStatus::from_code(&status)
                    .ok_or_else(|| StorageError::Corrupt(format!("a project status {status:?}")))?,
                count: count(row, 2)?,
            })
        })
        .collect()
}

/// The conventions signed by every party whose period in force starts in either period, their
/// figures added up.
pub async fn conventions(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Compared<ConventionTotals>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (current_from, previous_from, current_to) =
        (sql.day(scope.current.from), sql.day(scope.previous.from), sql.day(scope.current.to));
    let columns = [
        "town_planned_cents",
        "town_actual_cents",
        "others_planned_cents",
        "others_actual_cents",
        "commitments",
        "fulfilled",
        "partly_fulfilled",
        "not_fulfilled",
        "eroded",
        "participants_registered",
        "participants_at_least",
    ];
    let sums: Vec<String> = columns.iter().map(|c| format!("CAST(SUM(f.{c}) AS BIGINT)")).collect();
    let in_current = current("c.starts_on", &current_from);
    sql.text = format!(
        "SELECT {in_current}, COUNT(*), {} FROM conventions c JOIN convention_figures f ON f.convention_id = c.id \
         WHERE c.municipality_id = {town} AND c.signed_version IS NOT NULL \
         AND c.starts_on >= {previous_from} AND c.starts_on <= {current_to} GROUP BY 1",
        sums.join(", ")
    );
    let mut totals = Compared { current: ConventionTotals::default(), previous: ConventionTotals::default() };
    for row in sql.rows(db).await? {
        let cents = |i| -> Result<i64, StorageError> { Ok(row.try_get_by_index::<Option<i64>>(i)?.unwrap_or(0)) };
        let read = ConventionTotals {
            conventions: count(&row, 1)?,
            town_planned_cents: cents(2)?,
            town_actual_cents: cents(3)?,
            others_planned_cents: cents(4)?,
            others_actual_cents: cents(5)?,
            commitments: count(&row, 6)?,
            fulfilled: count(&row, 7)?,
            partly_fulfilled: count(&row, 8)?,
            not_fulfilled: count(&row, 9)?,
            eroded: count(&row, 10)?,
            participants_registered: count(&row, 11)?,
            participants_at_least: count(&row, 12)?,
        };
        if flag(&row, 0)? {
            totals.current = read;
        } else {
            totals.previous = read;
        }
    }
    Ok(totals)
}
