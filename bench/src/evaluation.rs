//! What the indicators count besides requests, for the first town, in proportion to its requests:
//! a participation process per 100 requests (its history: created, opened, a level change for a
//! quarter of them), three meetings each (most minutes published, some late), a survey per five
//! processes (50 ballots each), a fifty-fifty project per 300 requests (its history to its status;
//! the signed ones with their convention and its figures), and a participant per 20 requests
//! taking part four times. Dates spread over the same three years as the requests.

use crate::{Rng, value};
use chrono::{DateTime, Duration, Utc};
use implication_domain::vocabulary::{ParticipationKind, ParticipationLevel, ProcessStatus, ProjectStatus};
use implication_storage::sea_orm::ConnectionTrait;
use implication_storage::sea_orm::sea_query::{Alias, InsertStatement, Query, SimpleExpr};
use uuid::Uuid;

/// Rows for one table, written `BATCH` at a time.
struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    pending: Vec<Vec<SimpleExpr>>,
    written: usize,
}

const BATCH: usize = 300;

impl Rows {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self { table, columns, pending: Vec::new(), written: 0 }
    }

    async fn push(&mut self, c: &impl ConnectionTrait, row: Vec<SimpleExpr>) -> anyhow::Result<()> {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.table);
        self.pending.push(row);
        if self.pending.len() == BATCH {
            self.flush(c).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, c: &impl ConnectionTrait) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut insert: InsertStatement = Query::insert()
            .into_table(Alias::new(self.table))
            .columns(self.columns.iter().map(|c| Alias::new(*c)))
            .to_owned();
        for row in self.pending.drain(..) {
            self.written += 1;
            insert.values(row).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        c.execute(&insert).await?;
        Ok(())
    }
}

fn none<T>() -> Option<T> {
    None
}

/// Writes the first town's processes, meetings, surveys, projects, conventions and participants;
/// returns how many rows of each.
pub async fn generate(
    c: &impl ConnectionTrait,
    rng: &mut Rng,
    town: Uuid,
    requests: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(&'static str, usize)>> {
    let mut processes = Rows::new(
        "processes",
        &[
            "id",
            "municipality_id",
            "subject",
            "description",
            "perimeter_kind",
            "perimeter_neighbourhoods",
            "perimeter_streets",
            "origin",
            "routed_delegation_id",
            "routed_services",
            "level",
            "status",
            "opened_at",
            "decision",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut process_events = Rows::new(
        "process_events",
        &[
            "id",
            "process_id",
            "municipality_id",
            "kind",
            "actor_kind",
            "actor_id",
            "from_status",
            "to_status",
            "from_level",
            "to_level",
            "reason",
            "resolution",
            "related_request_id",
            "related_meeting_id",
            "related_notice_id",
            "related_survey_id",
            "decision",
            "at",
        ],
    );
    let mut meetings = Rows::new(
        "meetings",
        &[
            "id",
            "municipality_id",
            "process_id",
            "kind",
            "place",
            "starts_at",
            "ends_at",
            "agenda",
            "facilitator",
            "stage",
            "attendance",
            "minutes_text",
            "minutes_decisions",
            "minutes_actions",
            "minutes_published_at",
            "minutes_due_on",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut surveys = Rows::new(
        "surveys",
        &[
            "id",
            "municipality_id",
            "process_id",
            "question",
            "options",
            "eligible",
            "eligible_unit",
            "opens_at",
            "closes_at",
            "live_results",
            "created_at",
        ],
    );
    let mut ballots = Rows::new(
        "survey_ballots",
        &["id", "municipality_id", "survey_id", "option_number", "channel", "voter_key", "cast_at"],
    );
    let mut projects = Rows::new(
        "projects",
        &[
            "id",
            "municipality_id",
            "title",
            "description",
            "process_id",
            "renews_id",
            "carriers",
            "routed_delegation_id",
            "routed_services",
            "status",
            "diagnostic",
            "ending",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut project_events = Rows::new(
        "project_events",
        &[
            "id",
            "municipality_id",
            "project_id",
            "kind",
            "actor_kind",
            "actor_id",
            "from_status",
            "to_status",
            "reason",
            "resolution",
            "related_request_id",
            "at",
        ],
    );
    let mut conventions = Rows::new(
        "conventions",
        &[
            "id",
            "municipality_id",
            "project_id",
            "status",
            "current_version",
            "signed_version",
            "insurance",
            "volunteers_cover",
            "follow_up",
            "starts_on",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut figures = Rows::new(
        "convention_figures",
        &[
            "convention_id",
            "municipality_id",
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
        ],
    );
    let mut participants = Rows::new(
        "participants",
        &[
            "id",
            "municipality_id",
            "name",
            "account_id",
            "neighbourhood_code",
            "listed_publicly",
            "consent_at",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    let mut participations = Rows::new(
        "participations",
        &["id", "municipality_id", "participant_id", "kind", "subject_id", "took_part_on", "created_at"],
    );

    let three_years = 3 * 365 * 24;
    let when = |rng: &mut Rng| now - Duration::hours(rng.below(three_years) as i64 + 24 * 30);
    let mut meeting_ids = Vec::new();
    let mut process_ids = Vec::new();
    for n in 0..requests / 100 {
        let id = Uuid::now_v7();
        let created = when(rng);
        let level = *rng.pick(ParticipationLevel::ALL);
        let status = *rng.pick(&[ProcessStatus::Open, ProcessStatus::Decided, ProcessStatus::Closed]);
        let opened = created + Duration::days(1);
        processes
            .push(
                c,
                vec![
                    value(id),
                    value(town),
                    value(format!("Démarche n° {n}")),
                    value("Une démarche de participation ouverte aux habitants.".to_owned()),
                    value("neighbourhoods"),
                    value(format!("[\"{}\"]", rng.pick(&crate::NEIGHBOURHOOD_CODES))),
                    value("[]"),
                    value("requests"),
                    value(none::<Uuid>()),
                    value("[]"),
                    value(level.code()),
                    value(status.code()),
                    value(Some(opened)),
                    value(none::<String>()),
                    value(3),
                    value(created),
                    value(opened),
                ],
            )
            .await?;
        // Parents are written before their children (the foreign keys check at each statement).
        processes.flush(c).await?;
        let event = |kind: &'static str,
                     from: Option<&'static str>,
                     to: Option<&'static str>,
                     levels: (Option<&'static str>, Option<&'static str>),
                     at: DateTime<Utc>| {
            vec![
                value(Uuid::now_v7()),
                value(id),
                value(town),
                value(kind),
                value("account"),
                value(none::<Uuid>()),
                value(from),
                value(to),
                value(levels.0),
                value(levels.1),
                value(none::<String>()),
                value(none::<String>()),
                value(none::<Uuid>()),
                value(none::<Uuid>()),
                value(none::<Uuid>()),
                value(none::<Uuid>()),
                value(none::<String>()),
                value(at),
            ]
        };
        process_events.push(c, event("created", None, Some("preparing"), (None, Some(level.code())), created)).await?;
        process_events.push(c, event("transitioned", Some("preparing"), Some("open"), (None, None), opened)).await?;
        if rng.below(4) == 0 {
            let to = *rng.pick(ParticipationLevel::ALL);
            let changed = (opened + Duration::days(20)).min(now);
            process_events
                .push(c, event("level_changed", None, None, (Some(level.code()), Some(to.code())), changed))
                .await?;
        }
        for k in 0..3 {
            let meeting = Uuid::now_v7();
            let starts = (opened + Duration::days(7 * (k + 1))).min(now - Duration::days(1));
            let due = (starts + Duration::days(15)).date_naive();
            let published = match rng.below(10) {
                0 => None,
                1 => Some(starts + Duration::days(30)),
                _ => Some(starts + Duration::days(rng.below(14) as i64 + 1)),
            }
            .map(|at| at.min(now));
            meetings
                .push(
                    c,
                    vec![
                        value(meeting),
                        value(town),
                        value(id),
                        value("public_meeting"),
                        value("Salle des fêtes"),
                        value(starts),
                        value(starts + Duration::hours(2)),
                        value(none::<String>()),
                        value(none::<String>()),
                        value(none::<String>()),
                        value(Some(rng.below(60) as i32 + 5)),
                        value(published.map(|_| "Compte rendu de la réunion.".to_owned())),
                        value(none::<String>()),
                        value(none::<String>()),
                        value(published),
                        value(due),
                        value(1),
                        value(starts - Duration::days(7)),
                        value(published.unwrap_or(starts)),
                    ],
                )
                .await?;
            meeting_ids.push((meeting, starts));
        }
        if n % 5 == 0 {
            let survey = Uuid::now_v7();
            let opens = opened + Duration::days(3);
            surveys
                .push(
                    c,
                    vec![
                        value(survey),
                        value(town),
                        value(id),
                        value("Quelle option préférez-vous ?"),
                        value(
                            "[{\"number\":1,\"title\":\"Option 1\",\"description\":null},\
                             {\"number\":2,\"title\":\"Option 2\",\"description\":null}]",
                        ),
                        value(500),
                        value("households"),
                        value(opens),
                        value(opens + Duration::days(14)),
                        value(false),
                        value(opened),
                    ],
                )
                .await?;
            surveys.flush(c).await?;
            for _ in 0..50 {
                ballots
                    .push(
                        c,
                        vec![
                            value(Uuid::now_v7()),
                            value(town),
                            value(survey),
                            value(rng.below(2) as i16 + 1),
                            value("account"),
                            value(Some(format!("account:{}", Uuid::now_v7()))),
                            value(opens + Duration::days(1)),
                        ],
                    )
                    .await?;
            }
        }
        process_ids.push((id, opened));
    }

    let outcomes = [
        ProjectStatus::Running,
        ProjectStatus::Completed,
        ProjectStatus::Abandoned,
        ProjectStatus::TakenOverByServices,
        ProjectStatus::Diagnosing,
    ];
    for n in 0..requests / 300 {
        let id = Uuid::now_v7();
        let created = when(rng);
        let status = *rng.pick(&outcomes);
        let changed = (created + Duration::days(90)).min(now);
        projects
            .push(
                c,
                vec![
                    value(id),
                    value(town),
                    value(format!("Projet fifty-fifty n° {n}")),
                    value(Some("Un projet porté par des habitants avec la commune.".to_owned())),
                    value(none::<Uuid>()),
                    value(none::<Uuid>()),
                    value("[]"),
                    value(none::<Uuid>()),
                    value("[]"),
                    value(status.code()),
                    value("{\"weight\":\"light\",\"tasks\":[],\"estimated_cost_cents\":0,\"risks\":[]}"),
                    value(none::<String>()),
                    value(2),
                    value(created),
                    value(changed),
                ],
            )
            .await?;
        projects.flush(c).await?;
        let event = |kind: &'static str, from: Option<&'static str>, to: &'static str, at: DateTime<Utc>| {
            vec![
                value(Uuid::now_v7()),
                value(town),
                value(id),
                value(kind),
                value("account"),
                value(none::<Uuid>()),
                value(from),
                value(Some(to)),
                value(none::<String>()),
                value(none::<String>()),
                value(none::<Uuid>()),
                value(at),
            ]
        };
        project_events.push(c, event("created", None, "diagnosing", created)).await?;
        if status != ProjectStatus::Diagnosing {
            project_events.push(c, event("transitioned", Some("diagnosing"), status.code(), changed)).await?;
        }
        if matches!(status, ProjectStatus::Running | ProjectStatus::Completed) {
            let convention = Uuid::now_v7();
            conventions
                .push(
                    c,
                    vec![
                        value(convention),
                        value(town),
                        value(id),
                        value(if status == ProjectStatus::Completed { "completed" } else { "signed" }),
                        value(1),
                        value(Some(1)),
                        value("[]"),
                        value(none::<String>()),
                        value(none::<String>()),
                        value(Some(changed.date_naive())),
                        value(3),
                        value(created),
                        value(changed),
                    ],
                )
                .await?;
            conventions.flush(c).await?;
            let planned = rng.below(500_000) as i64 + 50_000;
            let commitments = rng.below(6) as i64 + 2;
            let fulfilled = commitments - rng.below(2) as i64;
            figures
                .push(
                    c,
                    vec![
                        value(convention),
                        value(town),
                        value(planned),
                        value(planned - rng.below(20_000) as i64),
                        value(planned / 2),
                        value(planned / 2),
                        value(commitments),
                        value(fulfilled),
                        value(commitments - fulfilled),
                        value(0_i64),
                        value(rng.below(2) as i64),
                        value(rng.below(15) as i64 + 2),
                        value(rng.below(30) as i64 + 5),
                    ],
                )
                .await?;
        }
    }

    for n in 0..requests / 20 {
        let id = Uuid::now_v7();
        let created = when(rng);
        participants
            .push(
                c,
                vec![
                    value(id),
                    value(town),
                    value(format!("Participant {n}")),
                    value(none::<Uuid>()),
                    value(Some(rng.pick(&crate::NEIGHBOURHOOD_CODES).to_string())),
                    value(rng.below(3) == 0),
                    value(created),
                    value(1),
                    value(created),
                    value(created),
                ],
            )
            .await?;
        participants.flush(c).await?;
        // Two meetings and two days of one process: never the same thing twice on one day.
        let first_meeting = rng.below(meeting_ids.len().max(1));
        for k in 0..4 {
            let (kind, subject, on) = if k % 2 == 0 && !meeting_ids.is_empty() {
                let (meeting, starts) = meeting_ids[(first_meeting + k as usize / 2) % meeting_ids.len()];
                (ParticipationKind::AttendedMeeting, meeting, starts)
            } else if let Some((process, opened)) = (!process_ids.is_empty()).then(|| *rng.pick(&process_ids)) {
                (ParticipationKind::ContributedToProcess, process, (opened + Duration::days(k)).min(now))
            } else {
                continue;
            };
            participations
                .push(
                    c,
                    vec![
                        value(Uuid::now_v7()),
                        value(town),
                        value(id),
                        value(kind.code()),
                        value(subject),
                        value(on.date_naive()),
                        value(on),
                    ],
                )
                .await?;
        }
    }

    let mut counts = Vec::new();
    for rows in [
        &mut processes,
        &mut process_events,
        &mut meetings,
        &mut surveys,
        &mut ballots,
        &mut projects,
        &mut project_events,
        &mut conventions,
        &mut figures,
        &mut participants,
        &mut participations,
    ] {
        rows.flush(c).await?;
        counts.push((rows.table, rows.written));
    }
    Ok(counts)
}
