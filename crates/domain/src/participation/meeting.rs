//! Meetings of a process (public meetings, workshops, site visits) and their minutes (annex A1):
//! set in the municipality's time zone — by default a weekday evening, 18:00 to 19:30 — and
//! minutes due a number of days after the meeting ends (15 by default, a municipality's
//! setting). Minutes published late are allowed, and shown as late; a meeting whose minutes are
//! past due and unpublished is overdue.

use super::lifecycle::{Refusal, Rule};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::{MunicipalitySettings, parse_name};
use crate::ids::{MeetingId, MunicipalityId, ProcessId};
use crate::vocabulary::{MeetingKind, MeetingStage};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

text_type!(
    /// Where a meeting takes place ("Salle Jacques-Brel, rue Lamartine"): 1 to 300 characters.
    Place, 300, parse_name
);
text_type!(
    /// A meeting's agenda: 1 to 5,000 characters.
    Agenda, 5_000, parse_text
);
text_type!(
    /// Who facilitates it ("Service démocratie participative"): 1 to 200 characters.
    Facilitator, 200, parse_name
);
text_type!(
    /// The minutes, what was decided, or the actions since the last meeting: 1 to 20,000 characters.
    MinutesText, 20_000, parse_text
);

/// The default evening of a meeting, in the municipality's time zone.
pub const DEFAULT_START: (u32, u32) = (18, 0);
pub const DEFAULT_END: (u32, u32) = (19, 30);
/// Attendance is counted in people: a town's meeting, not a stadium.
pub const MAX_ATTENDANCE: i64 = 100_000;

/// A meeting's minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub text: MinutesText,
    pub decisions: Option<MinutesText>,
    /// What was done since the previous meeting of the cycle.
    pub actions: Option<MinutesText>,
    /// When they were first published (a correction keeps it).
    pub published_at: DateTime<Utc>,
}

/// A meeting, as stored.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: MeetingId,
    pub municipality: MunicipalityId,
    pub process: ProcessId,
    pub kind: MeetingKind,
    pub place: Place,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub agenda: Option<Agenda>,
    pub facilitator: Option<Facilitator>,
    /// Its place in the cycle: discover, scenarios, decide.
    pub stage: Option<MeetingStage>,
    /// How many people came (recorded once it is held).
    pub attendance: Option<u32>,
    pub minutes: Option<Minutes>,
    /// The day its minutes are due, in the municipality's time zone; kept as computed when the
    /// meeting was set, so that a later change of the setting does not move past deadlines.
    pub minutes_due_on: NaiveDate,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The day the minutes of a meeting ending at `ends_at` are due: the day it ends, where the
/// municipality is, plus its minutes delay.
pub fn minutes_due_on(ends_at: DateTime<Utc>, settings: &MunicipalitySettings) -> NaiveDate {
    let ended_on = ends_at.with_timezone(&settings.time_zone).date_naive();
    ended_on.checked_add_days(Days::new(u64::from(settings.minutes_delay_days))).unwrap_or(NaiveDate::MAX)
}

/// Today, where the municipality is.
pub fn local_today(now: DateTime<Utc>, time_zone: Tz) -> NaiveDate {
    now.with_timezone(&time_zone).date_naive()
}

impl Meeting {
    /// Its minutes are unpublished and past due.
    pub fn minutes_overdue(&self, today: NaiveDate) -> bool {
        self.minutes.is_none() && today > self.minutes_due_on
    }

    /// Its minutes were published after they were due.
    pub fn minutes_late(&self, time_zone: Tz) -> bool {
        self.minutes.as_ref().is_some_and(|m| local_today(m.published_at, time_zone) > self.minutes_due_on)
    }

    /// It has ended (its minutes may be written).
    pub fn held(&self, now: DateTime<Utc>) -> bool {
        self.ends_at <= now
    }
}

/// A meeting as received: its day and local times (the default evening when left out).
#[derive(Debug, Clone, Default)]
pub struct MeetingDraft {
    pub kind: Option<MeetingKind>,
    pub place: Option<String>,
    pub date: Option<NaiveDate>,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub agenda: Option<String>,
    pub facilitator: Option<String>,
    pub stage: Option<MeetingStage>,
    pub attendance: Option<i64>,
}

/// The instant of a local day and time in `tz`: a time skipped by a clock change is refused, one
/// that happens twice is the first.
fn instant(field: &str, date: NaiveDate, time: NaiveTime, tz: Tz) -> Result<DateTime<Utc>, FieldError> {
    tz.from_local_datetime(&date.and_time(time)).earliest().map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
        FieldError::new(
            field,
            crate::error::Code::Invalid,
            Message::new(
                format!("{time} does not exist on {date} in {tz} (the clocks change)"),
                format!("{time} n'existe pas le {date} dans le fuseau {tz} (changement d'heure)"),
            ),
        )
    })
}

impl MeetingDraft {
    /// A new meeting of `process`, every invalid field named at once.
    pub fn parse_new(
        &self,
        municipality: MunicipalityId,
        process: ProcessId,
        settings: &MunicipalitySettings,
        now: DateTime<Utc>,
    ) -> Result<Meeting, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = self.kind.or_else(|| {
            errors.push(required("kind", "public_meeting, workshop or site_visit"));
            None
        });
        let place = match self.place.as_deref() {
            Some(place) => errors.collect(Place::parse("place", place)),
            None => {
                errors.push(required("place", "where it takes place"));
                None
            }
        };
        let times = match self.date.map(|d| crate::time::check_date("date", d)) {
            Some(Ok(date)) => self.times(date, settings.time_zone, &mut errors),
            Some(Err(error)) => {
                errors.push(error);
                None
            }
            None => {
                errors.push(required("date", "its day, such as 2026-12-10"));
                None
            }
        };
        let (agenda, facilitator, attendance) = self.details(&mut errors);
        errors.into_result()?;
        let (Some(kind), Some(place), Some((starts_at, ends_at))) = (kind, place, times) else {
            return Err(ValidationErrors::default());
        };
        Ok(Meeting {
            id: MeetingId::new(),
            municipality,
            process,
            kind,
            place,
            starts_at,
            ends_at,
            agenda,
            facilitator,
            stage: self.stage,
            attendance,
            minutes: None,
            minutes_due_on: minutes_due_on(ends_at, settings),
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    /// `current` with what this draft gives changed (a field left out is kept); moving the
    /// meeting moves its minutes' due date.
    pub fn apply(
        &self,
        current: &Meeting,
        settings: &MunicipalitySettings,
        now: DateTime<Utc>,
    ) -> Result<Meeting, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let place = self.place.as_deref().and_then(|p| errors.collect(Place::parse("place", p)));
        let tz = settings.time_zone;
        let moved = self.date.is_some() || self.start_time.is_some() || self.end_time.is_some();
        if let Some(date) = self.date {
            errors.collect(crate::time::check_date("date", date));
        }
        if moved && current.minutes.is_some() {
            errors.push(FieldError::new(
                "date",
                super::Code::NotApplicable,
                Message::new(
                    "the meeting has its minutes: it was held, it moves no more",
                    "la réunion a son compte rendu : elle a eu lieu, elle ne se déplace plus",
                ),
            ));
        }
        let times = if moved && errors.is_empty() {
            let date = self.date.unwrap_or_else(|| current.starts_at.with_timezone(&tz).date_naive());
            let start = self.start_time.unwrap_or_else(|| current.starts_at.with_timezone(&tz).time());
            let end = self.end_time.unwrap_or_else(|| current.ends_at.with_timezone(&tz).time());
            MeetingDraft { start_time: Some(start), end_time: Some(end), ..MeetingDraft::default() }.times(
                date,
                tz,
                &mut errors,
            )
        } else {
            None
        };
        let (agenda, facilitator, attendance) = self.details(&mut errors);
        errors.into_result()?;
        let (starts_at, ends_at) = times.unwrap_or((current.starts_at, current.ends_at));
        Ok(Meeting {
            kind: self.kind.unwrap_or(current.kind),
            place: place.unwrap_or_else(|| current.place.clone()),
            starts_at,
            ends_at,
            agenda: agenda.or_else(|| current.agenda.clone()),
            facilitator: facilitator.or_else(|| current.facilitator.clone()),
            stage: self.stage.or(current.stage),
            attendance: attendance.or(current.attendance),
            minutes_due_on: if moved { minutes_due_on(ends_at, settings) } else { current.minutes_due_on },
            updated_at: now,
            ..current.clone()
        })
    }

    pub(crate) fn times(
        &self,
        date: NaiveDate,
        tz: Tz,
        errors: &mut ValidationErrors,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let default = |(h, m): (u32, u32)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        let start = self.start_time.unwrap_or_else(|| default(DEFAULT_START));
        let end = self.end_time.unwrap_or_else(|| default(DEFAULT_END));
        if end <= start {
            errors.push(FieldError::new(
                "end_time",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must be after the start ({start})"),
                    format!("doit être après le début ({start})"),
                ),
            ));
            return None;
        }
        let starts_at = errors.collect(instant("start_time", date, start, tz));
        let ends_at = errors.collect(instant("end_time", date, end, tz));
        starts_at.zip(ends_at)
    }

    pub(crate) fn details(&self, errors: &mut ValidationErrors) -> (Option<Agenda>, Option<Facilitator>, Option<u32>) {
        let agenda = self.agenda.as_deref().and_then(|a| errors.collect(Agenda::parse("agenda", a)));
        let facilitator =
            self.facilitator.as_deref().and_then(|f| errors.collect(Facilitator::parse("facilitator", f)));
        let attendance = self.attendance.and_then(|n| match u32::try_from(n) {
            Ok(n) if i64::from(n) <= MAX_ATTENDANCE => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "attendance",
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("must be a count of people from 0 to {MAX_ATTENDANCE}"),
                        format!("doit être un nombre de personnes de 0 à {MAX_ATTENDANCE}"),
                    ),
                ));
                None
            }
        });
        (agenda, facilitator, attendance)
    }
}

fn required(field: &str, what: &str) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new(format!("give {what}"), "obligatoire"))
}

/// Minutes as received.
#[derive(Debug, Clone, Default)]
pub struct MinutesDraft {
    pub text: Option<String>,
    pub decisions: Option<String>,
    pub actions: Option<String>,
}

/// Records `draft` as the minutes of `meeting`: only once it has ended; the first publication
/// is kept when they are corrected.
pub fn record_minutes(meeting: &Meeting, draft: &MinutesDraft, now: DateTime<Utc>) -> Result<Meeting, Refusal> {
    if !meeting.held(now) {
        return Err(Refusal::Guard {
            rule: Rule::MeetingNotHeld,
            message: Message::new(
                format!("the meeting ends at {}: its minutes come after", meeting.ends_at),
                format!("la réunion se termine le {} : son compte rendu vient après", meeting.ends_at),
            ),
            allowed: Vec::new(),
        });
    }
    let mut errors = ValidationErrors::default();
    let text = match draft.text.as_deref() {
        Some(text) => errors.collect(MinutesText::parse("text", text)),
        None => {
            errors.push(required("text", "the minutes"));
            None
        }
    };
    let decisions = draft.decisions.as_deref().and_then(|d| errors.collect(MinutesText::parse("decisions", d)));
    let actions = draft.actions.as_deref().and_then(|a| errors.collect(MinutesText::parse("actions", a)));
    errors.into_result().map_err(Refusal::Invalid)?;
    let Some(text) = text else { return Err(Refusal::Invalid(ValidationErrors::default())) };
    let published_at = meeting.minutes.as_ref().map_or(now, |m| m.published_at);
    Ok(Meeting {
        minutes: Some(Minutes { text, decisions, actions, published_at }),
        updated_at: now,
        ..meeting.clone()
    })
}
