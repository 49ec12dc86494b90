//! Narratives: accounts of a project or a process by those who carried it or took part —
//! written, published with their author's consent, withdrawn.

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
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use implication_app::Resource;
use implication_app::evaluation::narratives as usecases;
use implication_domain::evaluation::narrative::{Narrative, NarrativeDraft};
use implication_domain::identity::Standing;
use implication_domain::{Municipality, NarrativeId};
use implication_storage::Database;
use implication_storage::evaluation::narratives::{self as store, NarrativeFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn narrative_id(raw: &str) -> Result<NarrativeId, ApiError> {
    Uuid::parse_str(raw).map(NarrativeId::from_uuid).map_err(|_| ApiError::no(Resource::Narrative))
}

/// What a narrative tells of.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectView {
    pub kind: wire::NarrativeSubject,
    /// The project's or the process's id.
    pub id: Uuid,
}

/// A narrative as staff and its author read it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "staff", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0a11", "version": 1,
    "subject": { "kind": "project", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22" },
    "title": "Deux étés de bacs à fleurs",
    "text": "Le premier été, tout le monde arrosait. Le second, nous n'étions plus que trois. Il faudrait un tour d'arrosage affiché.",
    "author_name": "Une voisine de la rue Bayard", "author_account": null,
    "recorded_by": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0c33", "consent_at": "2026-10-02T18:30:00Z",
    "status": "submitted", "published_at": null, "withdrawn_at": null,
    "created_at": "2026-10-02T18:30:00Z", "updated_at": "2026-10-02T18:30:00Z"
}))]
pub struct NarrativeView {
    pub view: crate::resources::requests::views::StaffAudience,
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub subject: SubjectView,
    pub title: String,
    pub text: String,
    /// How its author is named publicly.
    pub author_name: String,
    /// The author's account, when they wrote it themselves.
    pub author_account: Option<Uuid>,
    /// The staff member who recorded it on its author's behalf.
    pub recorded_by: Option<Uuid>,
    /// When its author consented to its publication (`null`: not consented; it is not published).
    pub consent_at: Option<DateTime<Utc>>,
    pub status: wire::NarrativeStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Narrative> for NarrativeView {
    fn from(n: &Narrative) -> Self {
        Self {
            view: crate::resources::requests::views::StaffAudience::Staff,
            id: n.id.as_uuid(),
            version: n.version,
            subject: SubjectView { kind: n.subject.kind().into(), id: n.subject.id() },
            title: n.title.clone(),
            text: n.text.clone(),
            author_name: n.author_name.clone(),
            author_account: n.author_account.map(|a| a.as_uuid()),
            recorded_by: n.recorded_by.map(|a| a.as_uuid()),
            consent_at: n.consent_at,
            status: n.status.into(),
            published_at: n.published_at,
            withdrawn_at: n.withdrawn_at,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

/// A published narrative, as anyone reads it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "public", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0a11",
    "subject": { "kind": "project", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22" },
    "title": "Deux étés de bacs à fleurs",
    "text": "Le premier été, tout le monde arrosait. Le second, nous n'étions plus que trois.",
    "author_name": "Une voisine de la rue Bayard", "published_at": "2026-10-05T09:00:00Z"
}))]
pub struct PublicNarrativeView {
    pub view: crate::resources::requests::views::PublicAudience,
    pub id: Uuid,
    pub subject: SubjectView,
    pub title: String,
    pub text: String,
    pub author_name: String,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<&Narrative> for PublicNarrativeView {
    fn from(n: &Narrative) -> Self {
        Self {
            view: crate::resources::requests::views::PublicAudience::Public,
            id: n.id.as_uuid(),
            subject: SubjectView { kind: n.subject.kind().into(), id: n.subject.id() },
            title: n.title.clone(),
            text: n.text.clone(),
            author_name: n.author_name.clone(),
            published_at: n.published_at,
        }
    }
}

/// One narrative, in the view the caller is entitled to: whole for staff and its author.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum NarrativeDocument {
    Staff(NarrativeView),
    Public(PublicNarrativeView),
}

fn document(n: &Narrative, standing: &Standing) -> NarrativeDocument {
    if n.read_whole_by(standing) { NarrativeDocument::Staff(n.into()) } else { NarrativeDocument::Public(n.into()) }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativePage {
    pub items: Vec<NarrativeDocument>,
    pub next_cursor: Option<String>,
}

/// A narrative as received.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NarrativeInput {
    /// What it tells of: `project` or `process`.
    pub subject: Option<wire::NarrativeSubject>,
    /// The project's or the process's id (one the writer may read).
    pub subject_id: Option<Uuid>,
    #[schema(min_length = 1, max_length = 200, example = "Deux étés de bacs à fleurs")]
    pub title: Option<String>,
    /// Critical accounts are welcome (§6.2).
    #[schema(min_length = 1, max_length = 20_000)]
    pub text: Option<String>,
    /// How its author is named publicly; required from staff (who record it on the author's
    /// behalf), else the author's display name.
    #[schema(min_length = 1, max_length = 200, example = "Une voisine de la rue Bayard")]
    pub author_name: Option<String>,
    /// The author consents to its publication (without it, it is never published).
    pub consent: Option<bool>,
}

fn respond(n: &Narrative, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(n.version)))
        .json(NarrativeDocument::Staff(n.into()))
}

fn location_of(municipality: &Municipality, id: NarrativeId) -> String {
    format!("/v1/municipalities/{}/narratives/{id}", municipality.slug)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NarrativeParams {
    /// Those telling of this project or process.
    pub subject_id: Option<Uuid>,
    /// Staff: those in this status (`submitted`, `published`, `withdrawn`).
    pub status: Option<wire::NarrativeStatus>,
}

/// Where a page of narratives ended.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    c: DateTime<Utc>,
    i: Uuid,
}

/// List narratives
///
/// The accounts written by those who carried a project or took part in a process, newest first;
/// `subject_id` keeps those of one. Anyone reads the published ones; an inhabitant also their own;
/// staff all of them (and may keep one `status`).
#[utoipa::path(
    operation_id = "list_narratives", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), NarrativeParams, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of narratives.", body = NarrativePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/narratives")]
pub async fn list_narratives(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<NarrativeParams>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let page = paging.parse::<ListCursor>()?;
    let filter = NarrativeFilter {
        subject: params.subject_id,
        statuses: match (&standing, params.status) {
            (Standing::Staff(_), Some(status)) => vec![status.0],
            _ => Vec::new(),
        },
        published_or_by: match &standing {
            Standing::Staff(_) => None,
            Standing::Inhabitant(account) => Some(Some(*account)),
            _ => Some(None),
        },
    };
    let after = page.after.map(|c| (c.c, NarrativeId::from_uuid(c.i)));
    let found = store::list(&db, municipality.id, &filter, page.limit, after).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { c: last.created_at, i: last.id.as_uuid() }));
    let body = NarrativePage { items: found.items.iter().map(|n| document(n, &standing)).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get a narrative
///
/// Anyone reads a published one; its author and staff read it whole, with the `ETag` a change
/// needs, whatever its status. Otherwise 404.
#[utoipa::path(
    operation_id = "get_narrative", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("narrative" = Uuid, Path, description = "The narrative's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The narrative, in the caller's view.", body = NarrativeDocument,
            headers(("ETag" = String, description = "Its version."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/narratives/{narrative}")]
pub async fn get_narrative(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let narrative = usecases::load(&db, &municipality, &standing, narrative_id(&path.1)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag::from_version(narrative.version)))
        .json(document(&narrative, &standing)))
}

/// Write a narrative
///
/// An inhabitant writes their own account of a project or a process the public may read (`422
/// unknown_subject` otherwise), named publicly by `author_name` or their display name; staff record
/// one on its author's behalf (a story told at a meeting, a letter), naming the author. It starts
/// `submitted`; with the author's `consent`, staff publish it. Critical accounts are welcome.
#[utoipa::path(
    operation_id = "create_narrative", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = NarrativeInput, example = json!({
        "subject": "project", "subject_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b22",
        "title": "Deux étés de bacs à fleurs",
        "text": "Le premier été, tout le monde arrosait. Le second, nous n'étions plus que trois.",
        "author_name": "Une voisine de la rue Bayard", "consent": true
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Written.", body = NarrativeView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetNarrative" = (operation_id = "get_narrative", description = "The narrative written.",
                    parameters(("municipality" = "$request.path.municipality"), ("narrative" = "$response.body#/id")))),
                ("PublishNarrative" = (operation_id = "publish_narrative",
                    description = "Publish it (staff; `If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("narrative" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/narratives")]
pub async fn create_narrative(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    body: JsonBody<NarrativeInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let draft = NarrativeDraft {
        subject: input.subject.map(|s| s.0),
        subject_id: input.subject_id,
        title: input.title,
        text: input.text,
        author_name: input.author_name,
        consent: input.consent,
    };
    let written = usecases::write(&db, municipality, &standing, &draft).await?;
    with_location(respond(&written, StatusCode::CREATED), &location_of(municipality, written.id))
}

/// Publish a narrative
///
/// Staff publish a submitted narrative whose author consented (409 `no_consent` otherwise), once
/// what it tells of is public (409 `subject_not_public`). Needs `If-Match`.
#[utoipa::path(
    operation_id = "publish_narrative", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("narrative" = Uuid, Path, description = "The narrative's id."),
        ("If-Match" = String, Header, description = "The narrative's ETag.", example = "\"1\"")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published.", body = NarrativeView, headers(("ETag" = String, description = "Its new version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/narratives/{narrative}/publish")]
pub async fn publish_narrative(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match.precondition()?;
    let published = usecases::publish(&db, &caller.municipality, narrative_id(&path.1)?, expected).await?;
    Ok(respond(&published, StatusCode::OK))
}

/// Withdraw a narrative
///
/// Its author (or staff, at the author's request) withdraws it at any time: it is gone from every
/// public view and export, for good (409 `already_withdrawn` a second time). Another member gets
/// 403 for a published one, 404 for one they cannot read. Needs `If-Match`.
#[utoipa::path(
    operation_id = "withdraw_narrative", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("narrative" = Uuid, Path, description = "The narrative's id."),
        ("If-Match" = String, Header, description = "The narrative's ETag.", example = "\"2\"")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn.", body = NarrativeView, headers(("ETag" = String, description = "Its new version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/narratives/{narrative}/withdraw")]
pub async fn withdraw_narrative(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let withdrawn = usecases::withdraw(&db, municipality, &standing, narrative_id(&path.1)?, expected).await?;
    Ok(respond(&withdrawn, StatusCode::OK))
}
