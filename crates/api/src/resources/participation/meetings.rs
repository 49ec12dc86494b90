//! Meetings of a process and their minutes: scheduling, changing (moving one, counting who
//! came), publishing minutes, lists with `minutes_overdue`, and the iCalendar feed inhabitants
//! subscribe to.

use super::reach::DeliveryView;
use super::{no_process, process_id};
use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::boolean;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use implication_app::Resource;
use implication_app::participation::{self as usecases, meetings};
use implication_domain::participation::meeting::{MeetingDraft, MinutesDraft, local_today};
use implication_domain::participation::{Meeting, sees_only_public};
use implication_domain::{MeetingId, Message, Municipality, time};
use implication_storage::Database;
use implication_storage::participation::meetings::{self as store, MeetingAfter, MeetingFilter};
use implication_storage::participation::reach;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn no_meeting() -> ApiError {
    ApiError::no(Resource::Meeting)
}

use super::meeting_id;

/// A meeting to schedule, or the changes to one (every field optional then).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    /// Required to schedule.
    #[schema(value_type = Option<wire::MeetingKind>)]
    pub kind: Option<wire::MeetingKind>,
    #[schema(min_length = 1, max_length = 300, example = "Salle Jacques-Brel, rue Lamartine")]
    pub place: Option<String>,
    /// The day, where the municipality is (its `settings.time_zone`). Required to schedule.
    #[schema(value_type = Option<NaiveDate>)]
    pub date: Option<NaiveDate>,
    /// Local start time (`HH:MM`); default 18:00.
    #[schema(value_type = Option<String>, example = "18:00", pattern = "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$")]
    pub start_time: Option<NaiveTime>,
    /// Local end time (`HH:MM`), after the start, the same day; default 19:30.
    #[schema(value_type = Option<String>, example = "19:30", pattern = "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$")]
    pub end_time: Option<NaiveTime>,
    #[schema(min_length = 1, max_length = 5000)]
    pub agenda: Option<String>,
    #[schema(min_length = 1, max_length = 200, example = "Service démocratie participative")]
    pub facilitator: Option<String>,
    /// Its place in the cycle.
    #[schema(value_type = Option<wire::MeetingStage>)]
    pub stage: Option<wire::MeetingStage>,
    /// How many people came.
    #[schema(minimum = 0, maximum = 100000)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub attendance: Option<i64>,
}

impl From<&MeetingInput> for MeetingDraft {
    fn from(i: &MeetingInput) -> Self {
        Self {
            kind: i.kind.map(|k| k.0),
            place: i.place.clone(),
            date: i.date,
            start_time: i.start_time,
            end_time: i.end_time,
            agenda: i.agenda.clone(),
            facilitator: i.facilitator.clone(),
            stage: i.stage.map(|s| s.0),
            attendance: i.attendance,
        }
    }
}

/// A meeting's minutes.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    #[schema(required = true, min_length = 1, max_length = 20000)]
    pub text: Option<String>,
    /// The decisions taken.
    #[schema(min_length = 1, max_length = 20000)]
    pub decisions: Option<String>,
    /// The actions since the previous meeting of the cycle.
    #[schema(min_length = 1, max_length = 20000)]
    pub actions: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesView {
    pub text: String,
    pub decisions: Option<String>,
    pub actions: Option<String>,
    pub published_at: DateTime<Utc>,
    /// Published after they were due.
    pub late: bool,
}

/// A meeting, as everyone sees it (staff also get its `ETag`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e10", "process": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01",
    "kind": "public_meeting", "place": "Salle Jacques-Brel, rue Lamartine",
    "starts_at": "2026-12-10T17:00:00Z", "ends_at": "2026-12-10T18:30:00Z", "time_zone": "Europe/Paris",
    "date": "2026-12-10", "start_time": "18:00", "end_time": "19:30",
    "agenda": "Les deux scénarios : un stop ou un dos d'âne.", "facilitator": "Service démocratie participative",
    "stage": "scenarios", "attendance": 42, "minutes": null,
    "minutes_due_on": "2026-12-25", "minutes_overdue": false, "deliveries": [], "reactions": 0,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct MeetingView {
    pub id: Uuid,
    /// The process it belongs to.
    pub process: Uuid,
    pub kind: wire::MeetingKind,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The municipality's time zone, in which `date`, `start_time` and `end_time` are given.
    pub time_zone: String,
    pub date: NaiveDate,
    #[schema(value_type = String, example = "18:00")]
    pub start_time: String,
    #[schema(value_type = String, example = "19:30")]
    pub end_time: String,
    pub agenda: Option<String>,
    pub facilitator: Option<String>,
    pub stage: Option<wire::MeetingStage>,
    pub attendance: Option<u32>,
    pub minutes: Option<MinutesView>,
    /// The day its minutes are due, where the municipality is (the day it ends plus the
    /// municipality's minutes delay, as set when the meeting was scheduled or moved).
    pub minutes_due_on: NaiveDate,
    /// Its minutes are past due and unpublished.
    pub minutes_overdue: bool,
    /// To whom its minutes were delivered, in the order of their days (at most 100).
    pub deliveries: Vec<DeliveryView>,
    /// How many reactions readers sent back (staff read them: `GET …/reactions`).
    pub reactions: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl MeetingView {
    pub fn new(m: &Meeting, municipality: &Municipality, now: DateTime<Utc>) -> Self {
        let tz = municipality.settings.time_zone;
        let (start, end) = (m.starts_at.with_timezone(&tz), m.ends_at.with_timezone(&tz));
        Self {
            id: m.id.as_uuid(),
            process: m.process.as_uuid(),
            kind: m.kind.into(),
            place: m.place.as_str().to_owned(),
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            time_zone: tz.name().to_owned(),
            date: start.date_naive(),
            start_time: start.format("%H:%M").to_string(),
            end_time: end.format("%H:%M").to_string(),
            agenda: m.agenda.as_ref().map(|a| a.as_str().to_owned()),
            facilitator: m.facilitator.as_ref().map(|f| f.as_str().to_owned()),
            stage: m.stage.map(Into::into),
            attendance: m.attendance,
            minutes: m.minutes.as_ref().map(|minutes| MinutesView {
                text: minutes.text.as_str().to_owned(),
                decisions: minutes.decisions.as_ref().map(|d| d.as_str().to_owned()),
                actions: minutes.actions.as_ref().map(|a| a.as_str().to_owned()),
                published_at: minutes.published_at,
                late: m.minutes_late(tz),
            }),
            minutes_due_on: m.minutes_due_on,
            minutes_overdue: m.minutes_overdue(local_today(now, tz)),
            deliveries: Vec::new(),
            reactions: 0,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingPage {
    pub items: Vec<MeetingView>,
    pub next_cursor: Option<String>,
}

/// The views of `meetings`, with their deliveries and reaction counts (two statements for all).
async fn views(db: &Database, municipality: &Municipality, meetings: &[Meeting]) -> Result<Vec<MeetingView>, ApiError> {
    let now = time::now();
    let ids: Vec<MeetingId> = meetings.iter().map(|m| m.id).collect();
    let mut reach = reach::reach_of(db, municipality.id, &ids).await?;
    Ok(meetings
        .iter()
        .map(|m| {
            let mut view = MeetingView::new(m, municipality, now);
            if let Some((deliveries, reactions)) = reach.remove(&m.id) {
                view.deliveries = deliveries.iter().map(DeliveryView::from).collect();
                view.reactions = reactions;
            }
            view
        })
        .collect())
}

async fn respond(
    db: &Database,
    meeting: &Meeting,
    municipality: &Municipality,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, ApiError> {
    let view = views(db, municipality, std::slice::from_ref(meeting)).await?.pop();
    Ok(HttpResponse::build(status).insert_header((header::ETAG, etag::from_version(meeting.version))).json(view))
}

fn location_of(municipality: &Municipality, id: MeetingId) -> String {
    format!("/v1/municipalities/{}/meetings/{id}", municipality.slug)
}

/// Schedule a meeting
///
/// A public meeting, a workshop or a site visit of a process (until it is closed or abandoned),
/// on a day and at local times in the municipality's time zone — by default the evening, 18:00
/// to 19:30. Its minutes fall due the municipality's minutes delay (15 days by default) after the
/// day it ends. Staff only.
#[utoipa::path(
    operation_id = "create_meeting", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("process" = Uuid, Path, description = "The process's id.")),
    request_body(content = MeetingInput, example = json!({
        "kind": "public_meeting", "place": "Salle Jacques-Brel, rue Lamartine", "date": "2026-12-10",
        "agenda": "Les deux scénarios : un stop ou un dos d'âne.", "facilitator": "Service démocratie participative",
        "stage": "scenarios"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Scheduled; the process's history says so.", body = MeetingView,
            headers(("Location" = String, description = "The meeting's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("GetMeeting" = (operation_id = "get_meeting", description = "The meeting scheduled.",
                    parameters(("municipality" = "$request.path.municipality"), ("meeting" = "$response.body#/id")))),
                ("UpdateMeeting" = (operation_id = "update_meeting",
                    description = "Move it, or count who came (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("meeting" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")))),
                ("PutMinutes" = (operation_id = "put_meeting_minutes", description = "Publish its minutes, once held.",
                    parameters(("municipality" = "$request.path.municipality"), ("meeting" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/processes/{process}/meetings")]
pub async fn create_meeting(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<MeetingInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = MeetingDraft::from(&input);
    let meeting = meetings::schedule(&db, actor, municipality, process_id(&path.1)?, &draft).await?;
    with_location(
        respond(&db, &meeting, municipality, actix_web::http::StatusCode::CREATED).await?,
        &location_of(municipality, meeting.id),
    )
}

/// Filters of the meeting list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingListParams {
    /// The meetings of one process.
    #[param(value_type = Option<Uuid>)]
    pub process: Option<String>,
    /// Only the meetings whose minutes are overdue (`true`), or the others (`false`).
    #[param(value_type = Option<bool>)]
    pub minutes_overdue: Option<String>,
    /// Only the meetings not yet ended, the soonest first (`true`); otherwise the latest first.
    #[param(value_type = Option<bool>)]
    pub upcoming: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct MeetingCursor {
    t: DateTime<Utc>,
    i: Uuid,
    u: bool,
}

/// List meetings
///
/// The municipality's meetings, the latest first (`upcoming=true`: those not yet ended, the
/// soonest first), with `minutes_overdue` on each and as a filter. Everyone sees the meetings of
/// the processes opened to the public; staff see them all.
#[utoipa::path(
    operation_id = "list_meetings", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), MeetingListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of meetings.", body = MeetingPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/meetings")]
pub async fn list_meetings(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<MeetingListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let mut errors = Vec::new();
    let process = super::process_param(params.process.as_deref(), &mut errors);
    let overdue = boolean("minutes_overdue", params.minutes_overdue.as_deref(), &mut errors);
    let upcoming = boolean("upcoming", params.upcoming.as_deref(), &mut errors).unwrap_or(false);
    if !errors.is_empty() {
        return Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors));
    }
    let page = paging.parse::<MeetingCursor>()?;
    let after = match page.after {
        Some(c) if c.u != upcoming => {
            return Err(ApiError::bad_parameter(
                "cursor",
                implication_domain::error::Code::InvalidCursor,
                Message::new("is not a cursor of this list", "n'est pas un curseur de cette liste"),
            ));
        }
        Some(c) => Some(MeetingAfter { starts_at: c.t, id: MeetingId::from_uuid(c.i) }),
        None => None,
    };
    let now = time::now();
    let filter = MeetingFilter {
        process,
        public_only: sees_only_public(&standing),
        minutes_overdue: overdue.map(|o| (o, local_today(now, municipality.settings.time_zone))),
        ending_after: upcoming.then_some(now),
        running_only: false,
    };
    let found = store::list(&db, municipality.id, &filter, upcoming, page.limit, after.as_ref()).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&MeetingCursor { t: last.starts_at, i: last.id.as_uuid(), u: upcoming }));
    let items = views(&db, &municipality, &found.items).await?;
    let body = MeetingPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a meeting
///
/// A meeting with its minutes once published. Anyone, for a process opened to the public; staff
/// also get the `ETag` changes need.
#[utoipa::path(
    operation_id = "get_meeting", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("meeting" = Uuid, Path, description = "The meeting's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The meeting.", body = MeetingView,
            headers(("ETag" = String, description = "Its version (`\"2\"`, for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/meetings/{meeting}")]
pub async fn get_meeting(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let meeting = meetings::load_meeting(&db, &municipality, meeting_id(&path.1)?).await?;
    if sees_only_public(&standing) {
        let process = usecases::load(&db, &municipality, meeting.process).await.map_err(|_| no_meeting())?;
        if !process.is_public() {
            return Err(no_meeting());
        }
    }
    respond(&db, &meeting, &municipality, actix_web::http::StatusCode::OK).await
}

/// Change a meeting
///
/// Move it (its day or local times: its minutes' due day moves with it), change its place,
/// agenda, facilitator or stage, or record how many people came. Fields left out are kept. A
/// meeting with minutes moves no more (422); once its process is closed or abandoned, nothing
/// changes (409, `process_finished`). Staff only; needs `If-Match`.
#[utoipa::path(
    operation_id = "update_meeting", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("meeting" = Uuid, Path, description = "The meeting's id."),
        ("If-Match" = String, Header, description = "The meeting's ETag.", example = "\"1\"")),
    request_body(content = MeetingInput, example = json!({ "attendance": 42 })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = MeetingView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/meetings/{meeting}")]
pub async fn update_meeting(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<MeetingInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = MeetingDraft::from(&input);
    let changed = meetings::change(&db, actor, municipality, meeting_id(&path.1)?, expected, &draft).await?;
    respond(&db, &changed, municipality, actix_web::http::StatusCode::OK).await
}

/// Publish a meeting's minutes
///
/// The minutes (what was said), the decisions taken and the actions since the previous meeting,
/// once the meeting has ended (409, rule `meeting_not_held`, before). Published late, they are
/// accepted and shown as `late`; sent again, they are corrected and keep their first publication
/// date. Staff only; needs `If-Match`.
#[utoipa::path(
    operation_id = "put_meeting_minutes", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("meeting" = Uuid, Path, description = "The meeting's id."),
        ("If-Match" = String, Header, description = "The meeting's ETag.", example = "\"2\"")),
    request_body(content = MinutesInput, example = json!({
        "text": "Quarante-deux riverains présents. Le bureau d'études a présenté les deux scénarios.",
        "decisions": "Les riverains décideront ensemble à la prochaine réunion.",
        "actions": "Comptage des véhicules fait en novembre."
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published.", body = MeetingView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/meetings/{meeting}/minutes")]
pub async fn put_meeting_minutes(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<MinutesInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = MinutesDraft { text: input.text, decisions: input.decisions, actions: input.actions };
    let published = meetings::publish_minutes(&db, actor, municipality, meeting_id(&path.1)?, expected, &draft).await?;
    respond(&db, &published, municipality, actix_web::http::StatusCode::OK).await
}

/// How many meetings the calendar feed holds at most.
const FEED_SIZE: u64 = 200;

/// Subscribe to the town's meetings (iCalendar)
///
/// The meetings not yet ended of the processes opened to the public and still running, as an
/// RFC 5545 calendar
/// (`text/calendar`) any calendar application subscribes to: each event with its stable `UID`,
/// times in UTC, place, and the process's subject. A token is not looked at: the feed is the same
/// for everyone. At most 200 meetings, the soonest first.
#[utoipa::path(
    operation_id = "get_meetings_calendar", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    security(),
    responses(
        (status = 200, description = "The calendar.", content_type = "text/calendar", body = String,
            example = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Implication//Meetings//FR\r\nEND:VCALENDAR\r\n"),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/meetings.ics")]
pub async fn get_meetings_calendar(db: web::Data<Database>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let municipality = crate::resources::identity::municipalities::find_municipality(&db, &path).await?;
    let now = time::now();
    // A process that ended holds no more meetings: its upcoming ones are left out.
    let filter =
        MeetingFilter { public_only: true, running_only: true, ending_after: Some(now), ..MeetingFilter::default() };
    let upcoming = store::list(&db, municipality.id, &filter, true, FEED_SIZE, None).await?.items;
    let mut subjects: Vec<(implication_domain::ProcessId, String)> = Vec::new();
    for meeting in &upcoming {
        if !subjects.iter().any(|(id, _)| *id == meeting.process) {
            let process = usecases::load(&db, &municipality, meeting.process).await.map_err(|_| no_process())?;
            subjects.push((process.id, process.subject.as_str().to_owned()));
        }
    }
    let events: Vec<calendar::Event> = upcoming
        .iter()
        .map(|m| calendar::Event {
            uid: format!("{}@implication", m.id),
            stamp: m.updated_at,
            sequence: m.version - 1,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            summary: format!(
                "{} : {}",
                m.kind.label().fr,
                subjects.iter().find(|(id, _)| *id == m.process).map_or("", |(_, s)| s.as_str())
            ),
            location: m.place.as_str().to_owned(),
            description: m.agenda.as_ref().map(|a| a.as_str().to_owned()),
        })
        .collect();
    let name = format!("Réunions publiques — {}", municipality.name.as_str());
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(calendar::render(&name, &events)))
}

/// RFC 5545, the little of it a feed of events needs: escaped text, lines folded at 75 octets,
/// CRLF line ends.
mod calendar {
    use chrono::{DateTime, Utc};

    pub struct Event {
        pub uid: String,
        pub stamp: DateTime<Utc>,
        pub sequence: i32,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
        pub summary: String,
        pub location: String,
        pub description: Option<String>,
    }

    /// TEXT values (§3.3.11): backslash, semicolon, comma and line breaks escaped.
    pub fn escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                ';' => out.push_str("\\;"),
                ',' => out.push_str("\\,"),
                '\n' => out.push_str("\\n"),
                '\r' => {}
                c => out.push(c),
            }
        }
        out
    }

    /// A content line, folded (§3.1): at most 75 octets a line, never inside a character.
    fn line(out: &mut String, content: &str) {
        let mut width = 0;
        for c in content.chars() {
            if width + c.len_utf8() > 75 {
                out.push_str("\r\n ");
                width = 1;
            }
            out.push(c);
            width += c.len_utf8();
        }
        out.push_str("\r\n");
    }

    fn utc(at: DateTime<Utc>) -> String {
        at.format("%Y%m%dT%H%M%SZ").to_string()
    }

    pub fn render(name: &str, events: &[Event]) -> String {
        let mut out = String::new();
        for fixed in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Implication//Meetings//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
        ] {
            line(&mut out, fixed);
        }
        line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
        for e in events {
            line(&mut out, "BEGIN:VEVENT");
            line(&mut out, &format!("UID:{}", e.uid));
            line(&mut out, &format!("DTSTAMP:{}", utc(e.stamp)));
            line(&mut out, &format!("SEQUENCE:{}", e.sequence));
            line(&mut out, &format!("DTSTART:{}", utc(e.starts_at)));
            line(&mut out, &format!("DTEND:{}", utc(e.ends_at)));
            line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
            line(&mut out, &format!("LOCATION:{}", escape(&e.location)));
            if let Some(description) = &e.description {
                line(&mut out, &format!("DESCRIPTION:{}", escape(description)));
            }
            line(&mut out, "STATUS:CONFIRMED");
            line(&mut out, "END:VEVENT");
        }
        line(&mut out, "END:VCALENDAR");
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn text_is_escaped_and_long_lines_fold_between_characters() {
            assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
            let mut out = String::new();
            line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
            for part in out.split("\r\n").filter(|p| !p.is_empty()) {
                assert!(part.len() <= 75, "{} octets", part.len());
            }
            let unfolded = out.replace("\r\n ", "");
            assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_meetings_calendar)
        .service(list_meetings)
        .service(get_meeting)
        .service(create_meeting)
        .service(update_meeting)
        .service(put_meeting_minutes);
}
