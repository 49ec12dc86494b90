//! The town's standing bodies (commissions, neighbourhood groups, the yearly meetings with
//! farmers, teachers and shopkeepers): anyone reads a body, how many members it has and its
//! meetings; only staff read who its members are — named with their consent, erased when they
//! withdraw it.

use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::codes;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use implication_app::Resource;
use implication_app::participation::bodies;
use implication_domain::participation::{Body, BodyDraft, BodyMeeting, MeetingDraft, Member, MemberDraft};
use implication_domain::vocabulary::BodyKind;
use implication_domain::{BodyId, MeetingId, MemberId, Message, Municipality};
use implication_storage::Database;
use implication_storage::participation::bodies::{self as store, BodyAfter, BodyMeetingAfter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn body_id(raw: &str) -> Result<BodyId, ApiError> {
    Uuid::parse_str(raw).map(BodyId::from_uuid).map_err(|_| ApiError::no(Resource::Body))
}

use super::meeting_id;

/// A standing body to create.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyInput {
    /// Unique in the municipality.
    #[schema(required = true, min_length = 1, max_length = 200, example = "Commission fête et cérémonie")]
    pub name: Option<String>,
    #[schema(value_type = wire::BodyKind, required = true)]
    pub kind: Option<wire::BodyKind>,
    #[schema(min_length = 1, max_length = 2000)]
    pub purpose: Option<String>,
    /// The neighbourhood's code: required for a neighbourhood group.
    #[schema(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 63)]
    pub neighbourhood: Option<String>,
}

/// A standing body, as everyone sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e90", "name": "Commission fête et cérémonie", "kind": "commission",
    "purpose": "Préparer avec les associations les fêtes et les cérémonies de la commune.", "neighbourhood": null,
    "members": 12, "created_at": "2026-01-15T09:00:00Z"
}))]
pub struct BodyView {
    pub id: Uuid,
    pub name: String,
    pub kind: wire::BodyKind,
    pub purpose: Option<String>,
    pub neighbourhood: Option<String>,
    /// How many members it has (staff read who: `GET …/members`).
    pub members: u64,
    pub created_at: DateTime<Utc>,
}

impl BodyView {
    fn new(b: &Body, members: u64) -> Self {
        Self {
            id: b.id.as_uuid(),
            name: b.name.as_str().to_owned(),
            kind: b.kind.into(),
            purpose: b.purpose.as_ref().map(|p| p.as_str().to_owned()),
            neighbourhood: b.neighbourhood.as_ref().map(ToString::to_string),
            members,
            created_at: b.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyPage {
    pub items: Vec<BodyView>,
    pub next_cursor: Option<String>,
}

/// Create a standing body
///
/// A commission, a neighbourhood group, a yearly meeting, a council. Its name is unique in the
/// municipality (422 `taken`). Staff only.
#[utoipa::path(
    operation_id = "create_body", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = BodyInput, example = json!({
        "name": "Conseil municipal des jeunes", "kind": "council",
        "purpose": "Les collégiens élus proposent et mènent leurs projets pour la commune."
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = BodyView,
            headers(("Location" = String, description = "The body's address.")),
            links(
                ("GetBody" = (operation_id = "get_body", description = "The body created.",
                    parameters(("municipality" = "$request.path.municipality"), ("body" = "$response.body#/id")))),
                ("CreateBodyMember" = (operation_id = "create_body_member", description = "Name its members.",
                    parameters(("municipality" = "$request.path.municipality"), ("body" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/bodies")]
pub async fn create_body(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<BodyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let draft = BodyDraft {
        name: input.name,
        kind: input.kind.map(|k| k.0),
        purpose: input.purpose,
        neighbourhood: input.neighbourhood,
    };
    let created = bodies::create(&db, municipality, &draft).await?;
    let location = format!("/v1/municipalities/{}/bodies/{}", municipality.slug, created.id);
    with_location(HttpResponse::Created().json(BodyView::new(&created, 0)), &location)
}

/// Filters of the body list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BodyListParams {
    /// Any of these kinds: `kind=commission,neighbourhood_group`.
    #[param(value_type = Option<Vec<crate::wire::BodyKind>>, style = Form, explode = false,
        example = json!(["commission"]))]
    pub kind: Option<String>,
}

/// Only the id: the name it sorts by is read back (a name in the cursor would make it long,
/// and put a client's string into SQL).
#[derive(Debug, Serialize, Deserialize)]
struct BodyCursor {
    i: Uuid,
}

/// List standing bodies
///
/// The municipality's standing bodies, by name, each with how many members it has. Anyone.
#[utoipa::path(
    operation_id = "list_bodies", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), BodyListParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of bodies.", body = BodyPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/bodies")]
pub async fn list_bodies(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<BodyListParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = visitor.municipality;
    let mut errors = Vec::new();
    let kind_codes: Vec<&str> = BodyKind::ALL.iter().map(|k| k.code()).collect();
    let kinds = codes("kind", params.kind.as_deref(), BodyKind::from_code, &kind_codes, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::malformed(Message::new("invalid filters", "filtres invalides"), errors));
    }
    let page = paging.parse::<BodyCursor>()?;
    let after = match page.after {
        None => None,
        Some(c) => {
            let last = store::find(&db, municipality.id, BodyId::from_uuid(c.i)).await?.ok_or_else(|| {
                ApiError::bad_parameter(
                    "cursor",
                    implication_domain::error::Code::InvalidCursor,
                    Message::new("is not a cursor of this list", "n'est pas un curseur de cette liste"),
                )
            })?;
            Some(BodyAfter { name: last.name.as_str().to_owned(), id: last.id })
        }
    };
    let found = store::list(&db, municipality.id, &kinds, page.limit, after.as_ref()).await?;
    let ids: Vec<BodyId> = found.items.iter().map(|b| b.id).collect();
    let counts = store::member_counts(&db, municipality.id, &ids).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&BodyCursor { i: last.id.as_uuid() }));
    let items = found.items.iter().map(|b| BodyView::new(b, counts.get(&b.id).copied().unwrap_or(0))).collect();
    let body = BodyPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a standing body
///
/// Its name, kind, purpose, neighbourhood and how many members it has. Anyone.
#[utoipa::path(
    operation_id = "get_body", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The body.", body = BodyView),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/bodies/{body}")]
pub async fn get_body(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let municipality = visitor.municipality;
    let found = bodies::load_body(&db, &municipality, body_id(&path.1)?).await?;
    let counts = store::member_counts(&db, municipality.id, &[found.id]).await?;
    Ok(HttpResponse::Ok().json(BodyView::new(&found, counts.get(&found.id).copied().unwrap_or(0))))
}

/// A member to name, with their consent.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    #[schema(required = true, min_length = 1, max_length = 200, example = "Dominique Martin")]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 200, example = "Représentante des commerçants")]
    pub role: Option<String>,
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    #[schema(pattern = "^\\+?[0-9][0-9 .-]{4,22}[0-9]$", example = "03 21 69 88 77")]
    pub phone: Option<String>,
    /// They agreed to be named in the body and contacted for it: required, `true`.
    #[schema(required = true, example = true)]
    pub consent: Option<bool>,
    /// The day they agreed (not in the future); default today.
    #[schema(value_type = Option<NaiveDate>)]
    pub consented_on: Option<NaiveDate>,
}

/// A member, as staff see them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0ea0", "name": "Dominique Martin",
    "role": "Représentante des commerçants", "email": null, "phone": "03 21 69 88 77",
    "consented_on": "2026-01-15", "joined_at": "2026-01-15T09:00:00Z" }))]
pub struct MemberView {
    pub id: Uuid,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub consented_on: NaiveDate,
    pub joined_at: DateTime<Utc>,
}

impl From<&Member> for MemberView {
    fn from(m: &Member) -> Self {
        Self {
            id: m.id.as_uuid(),
            name: m.name.as_str().to_owned(),
            role: m.role.as_ref().map(|r| r.as_str().to_owned()),
            email: m.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: m.phone.as_ref().map(|p| p.as_str().to_owned()),
            consented_on: m.consented_on,
            joined_at: m.joined_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    pub items: Vec<MemberView>,
    pub next_cursor: Option<String>,
}

/// Name a member
///
/// A member of a body, with their consent (422 `consent_required` without it). Staff only.
#[utoipa::path(
    operation_id = "create_body_member", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id.")),
    request_body(content = MemberInput, example = json!({ "name": "Dominique Martin",
        "role": "Représentante des commerçants", "phone": "03 21 69 88 77", "consent": true })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Named.", body = MemberView,
            headers(("Location" = String, description = "The body's members.")),
            links(("DeleteBodyMember" = (operation_id = "delete_body_member",
                description = "Erase them when they withdraw their consent.",
                parameters(("municipality" = "$request.path.municipality"), ("body" = "$request.path.body"),
                    ("member" = "$response.body#/id")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/bodies/{body}/members")]
pub async fn create_body_member(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<MemberInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let draft = MemberDraft {
        name: input.name,
        role: input.role,
        email: input.email,
        phone: input.phone,
        consent: input.consent,
        consented_on: input.consented_on,
    };
    let member = bodies::add_member(&db, municipality, body_id(&path.1)?, &draft).await?;
    let location = format!("/v1/municipalities/{}/bodies/{}/members", municipality.slug, member.body);
    with_location(HttpResponse::Created().json(MemberView::from(&member)), &location)
}

#[derive(Debug, Serialize, Deserialize)]
struct IdCursor {
    i: Uuid,
}

/// List a body's members
///
/// Who the members are, with the day each consented, in the order they joined. Staff only.
#[utoipa::path(
    operation_id = "list_body_members", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id."), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of members.", body = MemberPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/bodies/{body}/members")]
pub async fn list_body_members(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let found = bodies::load_body(&db, municipality, body_id(&path.1)?).await?;
    let page = paging.parse::<IdCursor>()?;
    let after = page.after.map(|c| MemberId::from_uuid(c.i));
    let members = store::members(&db, municipality.id, found.id, page.limit, after).await?;
    let next_cursor = members
        .has_more
        .then(|| members.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&IdCursor { i: last.id.as_uuid() }));
    let body = MemberPage { items: members.items.iter().map(MemberView::from).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Erase a member
///
/// A member leaves, or withdraws their consent: they are erased, nothing of them is kept. Staff
/// only.
#[utoipa::path(
    operation_id = "delete_body_member", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id."), ("member" = Uuid, Path, description = "The member's id.")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Erased."),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[delete("/v1/municipalities/{municipality}/bodies/{body}/members/{member}")]
pub async fn delete_body_member(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let member = Uuid::parse_str(&path.2).map(MemberId::from_uuid).map_err(|_| ApiError::no(Resource::Member))?;
    bodies::remove_member(&db, &caller.municipality, body_id(&path.1)?, member).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A meeting of a body to schedule.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyMeetingInput {
    #[schema(required = true, min_length = 1, max_length = 300, example = "Salle des fêtes")]
    pub place: Option<String>,
    /// The day, where the municipality is.
    #[schema(value_type = NaiveDate, required = true)]
    pub date: Option<NaiveDate>,
    /// Local start time (`HH:MM`); default 18:00.
    #[schema(value_type = Option<String>, example = "18:00", pattern = "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$")]
    pub start_time: Option<NaiveTime>,
    /// Local end time (`HH:MM`), after the start; default 19:30.
    #[schema(value_type = Option<String>, example = "19:30", pattern = "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$")]
    pub end_time: Option<NaiveTime>,
    #[schema(min_length = 1, max_length = 5000)]
    pub agenda: Option<String>,
    #[schema(minimum = 0, maximum = 100000)]
    #[serde(default, deserialize_with = "crate::extract::optional_whole_number")]
    pub attendance: Option<i64>,
}

/// A body's meeting minutes to publish.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyMinutesInput {
    #[schema(required = true, min_length = 1, max_length = 20000)]
    pub text: Option<String>,
}

/// A body's meeting, as everyone sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0eb0", "body": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e90",
    "place": "Salle des fêtes", "starts_at": "2026-06-02T16:00:00Z", "ends_at": "2026-06-02T17:30:00Z",
    "time_zone": "Europe/Paris", "date": "2026-06-02", "start_time": "18:00", "end_time": "19:30",
    "agenda": "Le programme de la fête du 14 juillet.", "attendance": 11,
    "minutes": { "text": "Onze membres présents.", "published_at": "2026-06-05T08:00:00Z" },
    "created_at": "2026-05-20T09:00:00Z", "updated_at": "2026-06-05T08:00:00Z" }))]
pub struct BodyMeetingView {
    pub id: Uuid,
    pub body: Uuid,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub date: NaiveDate,
    #[schema(value_type = String, example = "18:00")]
    pub start_time: String,
    #[schema(value_type = String, example = "19:30")]
    pub end_time: String,
    pub agenda: Option<String>,
    pub attendance: Option<u32>,
    pub minutes: Option<BodyMinutesView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyMinutesView {
    pub text: String,
    pub published_at: DateTime<Utc>,
}

impl BodyMeetingView {
    fn new(m: &BodyMeeting, municipality: &Municipality) -> Self {
        let tz = municipality.settings.time_zone;
        let (start, end) = (m.starts_at.with_timezone(&tz), m.ends_at.with_timezone(&tz));
        Self {
            id: m.id.as_uuid(),
            body: m.body.as_uuid(),
            place: m.place.as_str().to_owned(),
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            time_zone: tz.name().to_owned(),
            date: start.date_naive(),
            start_time: start.format("%H:%M").to_string(),
            end_time: end.format("%H:%M").to_string(),
            agenda: m.agenda.as_ref().map(|a| a.as_str().to_owned()),
            attendance: m.attendance,
            minutes: m
                .minutes
                .as_ref()
                .map(|(text, at)| BodyMinutesView { text: text.as_str().to_owned(), published_at: *at }),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyMeetingPage {
    pub items: Vec<BodyMeetingView>,
    pub next_cursor: Option<String>,
}

fn respond_meeting(m: &BodyMeeting, municipality: &Municipality, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(m.version)))
        .json(BodyMeetingView::new(m, municipality))
}

/// Schedule a body's meeting
///
/// On a day and at local times in the municipality's time zone, by default 18:00 to 19:30. Staff
/// only.
#[utoipa::path(
    operation_id = "create_body_meeting", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id.")),
    request_body(content = BodyMeetingInput, example = json!({ "place": "Salle des fêtes", "date": "2026-06-02",
        "agenda": "Le programme de la fête du 14 juillet." })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Scheduled.", body = BodyMeetingView,
            headers(("Location" = String, description = "The meeting's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(("PutBodyMeetingMinutes" = (operation_id = "put_body_meeting_minutes",
                description = "Publish its minutes once held (`If-Match`: this answer's `ETag`).",
                parameters(("municipality" = "$request.path.municipality"), ("body" = "$request.path.body"),
                    ("meeting" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/bodies/{body}/meetings")]
pub async fn create_body_meeting(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<BodyMeetingInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let draft = MeetingDraft {
        place: input.place,
        date: input.date,
        start_time: input.start_time,
        end_time: input.end_time,
        agenda: input.agenda,
        attendance: input.attendance,
        ..MeetingDraft::default()
    };
    let meeting = bodies::schedule(&db, municipality, body_id(&path.1)?, &draft).await?;
    let location = format!("/v1/municipalities/{}/bodies/{}/meetings/{}", municipality.slug, meeting.body, meeting.id);
    with_location(respond_meeting(&meeting, municipality, StatusCode::CREATED), &location)
}

#[derive(Debug, Serialize, Deserialize)]
struct MeetingCursor {
    t: DateTime<Utc>,
    i: Uuid,
}

/// List a body's meetings
///
/// The latest first, with their minutes once published. Anyone.
#[utoipa::path(
    operation_id = "list_body_meetings", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id."), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of meetings.", body = BodyMeetingPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/bodies/{body}/meetings")]
pub async fn list_body_meetings(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = visitor.municipality;
    let found = bodies::load_body(&db, &municipality, body_id(&path.1)?).await?;
    let page = paging.parse::<MeetingCursor>()?;
    let after = page.after.map(|c| BodyMeetingAfter { starts_at: c.t, id: MeetingId::from_uuid(c.i) });
    let meetings = store::meetings(&db, municipality.id, found.id, page.limit, after.as_ref()).await?;
    let next_cursor = meetings
        .has_more
        .then(|| meetings.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&MeetingCursor { t: last.starts_at, i: last.id.as_uuid() }));
    let items = meetings.items.iter().map(|m| BodyMeetingView::new(m, &municipality)).collect();
    let body = BodyMeetingPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a body's meeting
///
/// With its minutes once published. Anyone; the `ETag` is what publishing its minutes needs.
#[utoipa::path(
    operation_id = "get_body_meeting", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id."), ("meeting" = Uuid, Path, description = "The meeting's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The meeting.", body = BodyMeetingView,
            headers(("ETag" = String, description = "Its version (`\"1\"`, for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/bodies/{body}/meetings/{meeting}")]
pub async fn get_body_meeting(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let municipality = visitor.municipality;
    let meeting = bodies::load_meeting(&db, &municipality, body_id(&path.1)?, meeting_id(&path.2)?).await?;
    Ok(respond_meeting(&meeting, &municipality, StatusCode::OK))
}

/// Publish a body's meeting minutes
///
/// Once the meeting has ended (409, rule `meeting_not_held`, before); sent again, they are
/// corrected and keep their first publication date. Staff only; needs `If-Match`.
#[utoipa::path(
    operation_id = "put_body_meeting_minutes", tag = "participation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("body" = Uuid, Path, description = "The body's id."), ("meeting" = Uuid, Path, description = "The meeting's id."),
        ("If-Match" = String, Header, description = "The meeting's ETag.", example = "\"1\"")),
    request_body(content = BodyMinutesInput, example = json!({ "text": "Onze membres présents." })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published.", body = BodyMeetingView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/bodies/{body}/meetings/{meeting}/minutes")]
pub async fn put_body_meeting_minutes(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String, String)>,
    if_match: IfMatch,
    body: JsonBody<BodyMinutesInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let (body, meeting) = (body_id(&path.1)?, meeting_id(&path.2)?);
    let published = bodies::publish_minutes(&db, municipality, body, meeting, expected, input.text.as_deref()).await?;
    Ok(respond_meeting(&published, municipality, StatusCode::OK))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_bodies)
        .service(get_body)
        .service(create_body)
        .service(list_body_members)
        .service(create_body_member)
        .service(delete_body_member)
        .service(list_body_meetings)
        .service(get_body_meeting)
        .service(create_body_meeting)
        .service(put_body_meeting_minutes);
}
