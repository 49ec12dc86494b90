//! Who takes part: participants recorded with their consent and what they took part in (staff,
//! and each person for themselves), and the contributors ("bâtisseurs") listed publicly with
//! their consent.

use crate::auth::{InMunicipality, MemberOf, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use implication_app::Resource;
use implication_app::evaluation::participants as usecases;
use implication_domain::evaluation::participants::{
    Participant, ParticipantDraft, Participation, contributes, subject_of,
};
use implication_domain::identity::Standing;
use implication_domain::{Municipality, ParticipantId};
use implication_storage::Database;
use implication_storage::evaluation::participants::{self as store, Listing};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

fn participant_id(raw: &str) -> Result<ParticipantId, ApiError> {
    Uuid::parse_str(raw).map(ParticipantId::from_uuid).map_err(|_| ApiError::no(Resource::Participant))
}

/// One thing a participant took part in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationView {
    pub kind: wire::ParticipationKind,
    /// `meeting`, `survey`, `project` or `process`, as the kind says.
    #[schema(example = "project")]
    pub subject: &'static str,
    pub subject_id: Uuid,
    /// The project's title or the process's subject (for those two).
    pub title: Option<String>,
    pub on: NaiveDate,
}

/// A participant, as staff and the person themselves read them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e44", "version": 1, "name": "Awa Diallo", "account": null,
    "neighbourhood": "cite-5", "listed_publicly": true, "consent_at": "2026-05-12T18:00:00Z",
    "participations": [{ "kind": "took_part_in_project", "subject": "project",
        "subject_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22", "title": "Fleurissement de la rue Bayard", "on": "2026-05-12" }],
    "created_at": "2026-05-12T18:00:00Z", "updated_at": "2026-05-12T18:00:00Z"
}))]
pub struct ParticipantView {
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub name: String,
    /// Their own account, when they recorded themselves: their ballots are recorded too.
    pub account: Option<Uuid>,
    /// Where they live (a neighbourhood code), for the indicators.
    pub neighbourhood: Option<String>,
    /// They agreed to be listed among the town's contributors.
    pub listed_publicly: bool,
    /// When they consented to their participation being recorded.
    pub consent_at: DateTime<Utc>,
    /// What they took part in, the latest first.
    pub participations: Vec<ParticipationView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The projects and processes of these participations (those with a title).
fn titled(participations: &[Participation]) -> Vec<Uuid> {
    participations.iter().filter(|q| matches!(subject_of(q.kind), "project" | "process")).map(|q| q.subject).collect()
}

fn participation_view(p: &Participation, titles: &BTreeMap<Uuid, (String, bool)>) -> ParticipationView {
    ParticipationView {
        kind: p.kind.into(),
        subject: subject_of(p.kind),
        subject_id: p.subject,
        title: titles.get(&p.subject).map(|(title, _)| title.clone()),
        on: p.on,
    }
}

fn view(p: &Participant, participations: &[Participation], titles: &BTreeMap<Uuid, (String, bool)>) -> ParticipantView {
    ParticipantView {
        id: p.id.as_uuid(),
        version: p.version,
        name: p.name.clone(),
        account: p.account.map(|a| a.as_uuid()),
        neighbourhood: p.neighbourhood.as_ref().map(ToString::to_string),
        listed_publicly: p.listed_publicly,
        consent_at: p.consent_at,
        participations: participations
            .iter()
            .filter(|q| q.participant == p.id)
            .map(|q| participation_view(q, titles))
            .collect(),
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

/// The participant with what they took part in, as one answer.
async fn respond(
    db: &Database,
    municipality: &Municipality,
    p: &Participant,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let participations = store::participations_of(db, municipality.id, &[p.id]).await?;
    let ids: Vec<Uuid> = titled(&participations);
    let titles = store::subjects(db, municipality.id, &ids).await?;
    Ok(HttpResponse::build(status).insert_header((header::ETAG, etag::from_version(p.version))).json(view(
        p,
        &participations,
        &titles,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantPage {
    pub items: Vec<ParticipantView>,
    pub next_cursor: Option<String>,
}

/// A participant as received.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRecordInput {
    /// As they wish to be named; an inhabitant recording themselves may leave it out (their
    /// display name).
    #[schema(min_length = 1, max_length = 200, example = "Awa Diallo")]
    pub name: Option<String>,
    /// Where they live: a neighbourhood code of the town.
    #[schema(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub neighbourhood: Option<String>,
    /// They agree to be listed among the town's contributors (default: no).
    pub listed_publicly: Option<bool>,
    /// They consent to their participation being recorded: required, and `true`.
    pub consent: Option<bool>,
}

/// Changes to a participant; what is left out stays, `neighbourhood: null` removes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantUpdate {
    #[schema(min_length = 1, max_length = 200, example = "Awa Diallo")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, example = "cite-5")]
    pub neighbourhood: Option<Option<String>>,
    pub listed_publicly: Option<bool>,
}

/// One thing a participant took part in, as received.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipationInput {
    pub kind: Option<wire::ParticipationKind>,
    /// The meeting (`attended_meeting`), survey (`answered_survey`), project (`carried_project`,
    /// `took_part_in_project`) or process (`contributed_to_process`) of the town.
    pub subject_id: Option<Uuid>,
    /// The day (the town's), by default today; not in the future.
    pub on: Option<NaiveDate>,
}

/// Where a page of participants ended.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    n: String,
    i: Uuid,
}

fn location_of(municipality: &Municipality, id: ParticipantId) -> String {
    format!("/v1/municipalities/{}/participants/{id}", municipality.slug)
}

/// List participants
///
/// The people whose participation is recorded, by name, with what they took part in. Staff only:
/// the public reads the contributors who agreed to be listed (`GET …/contributors`), and counts
/// without names (`GET …/indicators`).
#[utoipa::path(
    operation_id = "list_participants", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of participants.", body = ParticipantPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/participants")]
pub async fn list_participants(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| (c.n, ParticipantId::from_uuid(c.i)));
    let found = store::list(&db, municipality.id, Listing::All, page.limit, after).await?;
    let ids: Vec<ParticipantId> = found.items.iter().map(|p| p.id).collect();
    let participations = store::participations_of(&db, municipality.id, &ids).await?;
    let subjects: Vec<Uuid> = titled(&participations);
    let titles = store::subjects(&db, municipality.id, &subjects).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { n: last.name.clone(), i: last.id.as_uuid() }));
    let items = found.items.iter().map(|p| view(p, &participations, &titles)).collect();
    let body = ParticipantPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Record a participant
///
/// Only with the person's `consent` (422 otherwise). Staff record someone (a sign-in sheet, a
/// project's volunteer); an inhabitant records themselves with their account — their ballots are
/// then recorded as participations too — once (409 the second time). `listed_publicly` is a second
/// consent: to appear among the contributors.
#[utoipa::path(
    operation_id = "create_participant", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = ParticipantRecordInput, example = json!({
        "name": "Awa Diallo", "neighbourhood": "cite-5", "listed_publicly": true, "consent": true
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = ParticipantView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetParticipant" = (operation_id = "get_participant", description = "The participant recorded.",
                    parameters(("municipality" = "$request.path.municipality"), ("participant" = "$response.body#/id")))),
                ("ChangeParticipant" = (operation_id = "patch_participant",
                    description = "Change them (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("participant" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/participants")]
pub async fn create_participant(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    body: JsonBody<ParticipantRecordInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let draft = ParticipantDraft {
        name: input.name,
        neighbourhood: input.neighbourhood,
        listed_publicly: input.listed_publicly,
        consent: input.consent,
    };
    let created = usecases::register(&db, municipality, &standing, &draft).await?;
    with_location(
        respond(&db, municipality, &created, StatusCode::CREATED).await?,
        &location_of(municipality, created.id),
    )
}

/// Get a participant
///
/// With what they took part in. Staff, or the person themselves (their own account); otherwise 404.
#[utoipa::path(
    operation_id = "get_participant", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("participant" = Uuid, Path, description = "The participant's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The participant.", body = ParticipantView, headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/participants/{participant}")]
pub async fn get_participant(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let found = usecases::load(&db, municipality, &standing, participant_id(&path.1)?).await?;
    respond(&db, municipality, &found, StatusCode::OK).await
}

/// Change a participant
///
/// Their name, neighbourhood (`null`: none) and whether they are listed among the contributors
/// (their consent, given or withdrawn). Staff, or the person themselves. Needs `If-Match`.
#[utoipa::path(
    operation_id = "patch_participant", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("participant" = Uuid, Path, description = "The participant's id."),
        ("If-Match" = String, Header, description = "The participant's ETag.", example = "\"1\"")),
    request_body(content = ParticipantUpdate, example = json!({ "listed_publicly": false })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = ParticipantView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/participants/{participant}")]
pub async fn patch_participant(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ParticipantUpdate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let draft =
        ParticipantDraft { name: input.name, listed_publicly: input.listed_publicly, ..ParticipantDraft::default() };
    let neighbourhood = input.neighbourhood.as_ref().map(|n| n.as_deref());
    let id = participant_id(&path.1)?;
    let changed = usecases::change(&db, municipality, &standing, id, expected, &draft, neighbourhood).await?;
    respond(&db, municipality, &changed, StatusCode::OK).await
}

/// Withdraw a participant's consent
///
/// Erases the participant and everything recorded of their participation (the contributors no
/// longer list them; the indicators count one fewer, past periods included). Staff, or the person
/// themselves; otherwise 404.
#[utoipa::path(
    operation_id = "delete_participant", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("participant" = Uuid, Path, description = "The participant's id.")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Erased."),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[delete("/v1/municipalities/{municipality}/participants/{participant}")]
pub async fn delete_participant(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    usecases::withdraw_consent(&db, municipality, &standing, participant_id(&path.1)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record a participation
///
/// That the participant took part in a meeting, a survey, a project or a process of the town, on
/// a day (by default today). Staff only. Each thing is recorded once a day: the same again answers
/// 200, changing nothing.
#[utoipa::path(
    operation_id = "record_participation", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("participant" = Uuid, Path, description = "The participant's id.")),
    request_body(content = ParticipationInput, example = json!({
        "kind": "took_part_in_project", "subject_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22", "on": "2026-05-12"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded: the participant.", body = ParticipantView,
            headers(("ETag" = String, description = "The participant's version.")),
            links(
                ("GetParticipant" = (operation_id = "get_participant", description = "The participant, with it.",
                    parameters(("municipality" = "$request.path.municipality"), ("participant" = "$request.path.participant"))))
            )),
        (status = 200, description = "Recorded already: the participant.", body = ParticipantView,
            headers(("ETag" = String, description = "The participant's version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/participants/{participant}/participations")]
pub async fn record_participation(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<ParticipationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let id = participant_id(&path.1)?;
    let (_, new) = usecases::record(&db, municipality, id, input.kind.map(|k| k.0), input.subject_id, input.on).await?;
    let participant =
        store::find(&db, municipality.id, id).await?.ok_or_else(|| ApiError::no(Resource::Participant))?;
    respond(&db, municipality, &participant, if new { StatusCode::CREATED } else { StatusCode::OK }).await
}

/// A contributor, as anyone reads them: their name and the public projects and processes they
/// carried or took part in.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "name": "Awa Diallo", "contributions": [{ "kind": "took_part_in_project", "subject": "project",
    "subject_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22", "title": "Fleurissement de la rue Bayard", "on": "2026-05-12" }] }))]
pub struct ContributorView {
    pub name: String,
    pub contributions: Vec<ParticipationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContributorPage {
    pub items: Vec<ContributorView>,
    pub next_cursor: Option<String>,
}

/// List the contributors
///
/// The "bâtisseurs": people who carried or took part in the town's projects and processes and
/// agreed to be listed, by name, with what they took part in — the public projects and processes
/// only (staff read every one). Nobody else is named.
#[utoipa::path(
    operation_id = "list_contributors", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of contributors.", body = ContributorPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/contributors")]
pub async fn list_contributors(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| (c.n, ParticipantId::from_uuid(c.i)));
    let found =
        store::list(&db, municipality.id, Listing::Contributors { public: !standing.is_staff() }, page.limit, after)
            .await?;
    let ids: Vec<ParticipantId> = found.items.iter().map(|p| p.id).collect();
    let participations = store::participations_of(&db, municipality.id, &ids).await?;
    let subjects: Vec<Uuid> = titled(&participations);
    let titles = store::subjects(&db, municipality.id, &subjects).await?;
    let staff = standing.is_staff();
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { n: last.name.clone(), i: last.id.as_uuid() }));
    let items = found
        .items
        .iter()
        .map(|p| ContributorView {
            name: p.name.clone(),
            contributions: participations
                .iter()
                .filter(|q| q.participant == p.id && contributes(q.kind))
                .filter(|q| staff || titles.get(&q.subject).is_some_and(|(_, public)| *public))
                .map(|q| participation_view(q, &titles))
                .collect(),
        })
        .collect();
    let body = ContributorPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}
