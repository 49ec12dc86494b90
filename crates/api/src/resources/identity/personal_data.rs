//! Personal data (GDPR articles 15, 17 and 20): a person's export of everything held about them,
//! and its erasure — with their account, with a request's tracking code, or through an admin.

use crate::auth::{AdminOf, Authenticated, InMunicipality};
use crate::extract::JsonBody;
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::requests::tracking::tracked;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use implication_app::identity::personal_data as usecases;
use implication_app::{Resource, UseCaseError};
use implication_domain::identity::personal_data::{Erasure, PersonDraft, Requester, confirmed};
use implication_domain::{Message, Municipality};
use implication_storage::Database;
use implication_storage::identity::municipalities;
use implication_storage::identity::personal_data::Holdings;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// Whose data an export holds.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportScope {
    /// The caller's own account, in every municipality.
    Account,
    /// One request's requester, by its tracking code.
    Requester,
    /// The person an admin named, in the admin's municipality.
    Person,
}

/// Everything held about a person (GDPR articles 15 and 20), machine-readable.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "scope": "account", "generated_at": "2026-12-07T10:00:00Z",
    "records": {
        "account": [{ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "email": "habitant@loos-en-gohelle.demo",
            "display_name": "Habitant de démonstration", "platform_admin": false, "active": true,
            "email_verified": true, "version": 1, "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z" }],
        "requests": [{ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0a01", "municipality_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0001",
            "year": 2026, "sequence": 12, "title": "Banc cassé square Bayard", "requester_name": "Habitant de démonstration",
            "requester_email": "habitant@loos-en-gohelle.demo", "status": "answered" }],
        "ballots": [{ "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0b01", "survey_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0c01",
            "option_number": 2, "channel": "account", "cast_at": "2026-03-02T18:00:00Z" }]
    }
}))]
pub struct PersonalDataExport {
    pub scope: ExportScope,
    /// When it was read.
    pub generated_at: DateTime<Utc>,
    /// By kind of record, the rows that hold the person's data, column by column as stored
    /// (secrets and search columns left out): `account`, `memberships` and `sessions` (the
    /// account's own export only); `requests` they asked (by their account from the website, or
    /// naming them as requester), with their `request_answers` and `request_events`;
    /// `narratives` they wrote; `participants` records of them and their `participations`;
    /// `ballots` cast with their account; `body_members`; `minutes_reactions`;
    /// `organisations_represented`; `convention_signatures` they signed; `convention_versions`,
    /// `conventions` (follow-up) and `projects` (carriers) that name them; `promises` they made.
    /// A kind with nothing is an empty list.
    #[schema(value_type = Object)]
    pub records: BTreeMap<&'static str, Vec<Value>>,
}

fn export(scope: ExportScope, records: Holdings) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(PersonalDataExport {
        scope,
        generated_at: Utc::now(),
        records,
    })
}

/// Who asked for an erasure.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErasureRequester {
    /// The person, with their account.
    Themselves,
    /// A requester, with their request's tracking code.
    TrackingCode,
    /// An admin of the municipality, on the person's behalf.
    Admin,
    /// The retention setting (`implication retention`).
    Retention,
}

impl From<Requester> for ErasureRequester {
    fn from(r: Requester) -> Self {
        match r {
            Requester::Themselves => Self::Themselves,
            Requester::TrackingCode => Self::TrackingCode,
            Requester::Admin => Self::Admin,
            Requester::Retention => Self::Retention,
        }
    }
}

/// An erasure as recorded: who asked, when, and how many records of each kind forgot the
/// person — never who the person was.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0e01", "municipality": "loos-en-gohelle", "requested_by": "admin",
    "actor": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "erased": { "requests": 2, "participants": 1, "ballots": 1 },
    "at": "2026-12-07T10:00:00Z"
}))]
pub struct ErasureView {
    pub id: Uuid,
    /// The municipality whose records it erased (`null`: the account itself).
    pub municipality: Option<String>,
    pub requested_by: ErasureRequester,
    /// The admin who acted.
    pub actor: Option<Uuid>,
    /// How many records of each kind were anonymised (kinds as in the export; `accounts`,
    /// `sessions` and `memberships` for an account). Empty when nothing was held.
    pub erased: BTreeMap<String, u32>,
    pub at: DateTime<Utc>,
}

fn view(e: &Erasure, slug: Option<String>) -> ErasureView {
    ErasureView {
        id: e.id,
        municipality: slug,
        requested_by: e.requested_by.into(),
        actor: e.actor.map(|a| a.as_uuid()),
        erased: e.erased.clone(),
        at: e.at,
    }
}

/// The erasures of one's own account: the account's, then each municipality's.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnErasure {
    pub erasures: Vec<ErasureView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErasurePage {
    pub items: Vec<ErasureView>,
    pub next_cursor: Option<String>,
}

/// Whom an admin acts for: at least one of these, as the person gave them (the admin checked
/// who they are). Records match when a personal field equals one of them (names without case or
/// extra spaces, phones by their digits), or a document that names people names them.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Their account: what they did with it here.
    pub account_id: Option<Uuid>,
    /// Their whole name, as records name them.
    #[schema(min_length = 3, max_length = 200, example = "Zoé Erasmus")]
    pub name: Option<String>,
    #[schema(max_length = 254, example = "zoe.erasmus@example.org")]
    pub email: Option<String>,
    #[schema(pattern = "^\\+?[0-9][0-9 .-]{4,22}[0-9]$", example = "06 11 22 33 44")]
    pub phone: Option<String>,
}

impl std::fmt::Debug for PersonInput {
    // Never the data itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonInput").field("account_id", &self.account_id).finish_non_exhaustive()
    }
}

impl PersonInput {
    fn draft(self) -> PersonDraft {
        PersonDraft { account_id: self.account_id, name: self.name, email: self.email, phone: self.phone }
    }
}

/// The confirmation an erasure of one's own data needs: it is final.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureConfirmation {
    /// `true`: erase, for good.
    #[schema(example = true)]
    pub confirm: Option<bool>,
}

fn person_of(caller: &Authenticated) -> Result<implication_domain::AccountId, ApiError> {
    caller.0.account().ok_or_else(|| {
        ApiError::Forbidden(Message::new(
            "a person's data is theirs: a machine client has none",
            "les données personnelles sont celles d'une personne : un client machine n'en a pas",
        ))
    })
}

/// Export my personal data
///
/// Everything held about the caller, in every municipality (GDPR articles 15 and 20): their
/// account and roles, and every record naming them — by their account, or by its email once
/// verified (what they sent without signing in). JSON, to keep or to take elsewhere.
#[utoipa::path(
    operation_id = "export_own_personal_data", tag = "privacy",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Everything held about the caller.", body = PersonalDataExport),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/me/personal-data")]
pub async fn export_own_personal_data(
    db: web::Data<Database>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let account = person_of(&caller)?;
    Ok(export(ExportScope::Account, usecases::own(&db, account).await?))
}

/// Erase my personal data
///
/// Erases the caller everywhere (GDPR article 17): every record the export lists is anonymised
/// in place — requests, ballots, signatures, narratives, participations keep their structure,
/// their history and what the figures count; the person no longer appears (published narratives
/// are withdrawn) — and the account is closed: its email, name and password are gone, its
/// sessions revoked, its roles ended. The erasure is recorded, without what it erased. Final:
/// the body confirms it (`{"confirm": true}`; else 422). An admin (of a municipality or of the
/// platform) is demoted by another admin first (else 403): a town would lose its admin by a click.
#[utoipa::path(
    operation_id = "erase_own_personal_data", tag = "privacy",
    request_body(content = ErasureConfirmation, example = json!({ "confirm": true })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Erased; the account can no longer sign in.", body = OwnErasure),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/me/personal-data/erasure")]
pub async fn erase_own_personal_data(
    db: web::Data<Database>,
    caller: Authenticated,
    body: JsonBody<ErasureConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let account = person_of(&caller)?;
    confirmed(body.into_inner()?.confirm).map_err(UseCaseError::from)?;
    let erasures = usecases::erase_own(&db, account).await?;
    let towns: Vec<_> = erasures.iter().filter_map(|e| e.municipality).collect();
    let slugs = municipalities::slugs(&db, &towns).await?;
    let erasures = erasures.iter().map(|e| view(e, e.municipality.and_then(|m| slugs.get(&m).cloned()))).collect();
    Ok(HttpResponse::Ok().json(OwnErasure { erasures }))
}

/// Export a requester's data
///
/// What the request a tracking code follows holds of its requester: the request as stored, its
/// answers and its history — that request only (the code proves nothing of any other). Without
/// an account.
#[utoipa::path(
    operation_id = "export_requester_personal_data", tag = "privacy",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("tracking_code" = String, Path, description = "The code returned at submission.",
            example = "k3v7q2mzx5d4a6w2r7t3y5u2pq", pattern = "^[a-z2-7]{26}$")),
    security(),
    responses(
        (status = 200, description = "What the request holds of its requester.", body = PersonalDataExport),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/tracking/{tracking_code}/personal-data")]
pub async fn export_requester_personal_data(
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (_, request) = tracked(&db, &path.0, &path.1).await?;
    Ok(export(ExportScope::Requester, usecases::of_request(&db, request.id).await?))
}

/// Erase a requester's data
///
/// The request a tracking code follows forgets its requester: their name, email, phone and
/// postal address are emptied, and blotted out of its texts, answers and history. The request
/// stays, with its status and history (and its code still follows it). Recorded, without what
/// it erased. Without an account; final, so the body confirms it (`{"confirm": true}`).
#[utoipa::path(
    operation_id = "erase_requester_personal_data", tag = "privacy",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("tracking_code" = String, Path, description = "The code returned at submission.",
            example = "k3v7q2mzx5d4a6w2r7t3y5u2pq", pattern = "^[a-z2-7]{26}$")),
    request_body(content = ErasureConfirmation, example = json!({ "confirm": true })),
    security(),
    responses(
        (status = 200, description = "Erased.", body = ErasureView),
        (status = 400, response = BadRequest), (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/tracking/{tracking_code}/personal-data/erasure")]
pub async fn erase_requester_personal_data(
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
    body: JsonBody<ErasureConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let (municipality, request) = tracked(&db, &path.0, &path.1).await?;
    confirmed(body.into_inner()?.confirm).map_err(UseCaseError::from)?;
    let erasure = usecases::erase_requester(&db, &municipality, request.id).await?;
    Ok(HttpResponse::Ok().json(view(&erasure, Some(municipality.slug.to_string()))))
}

/// Export a person's data
///
/// Everything the municipality holds about the person named (an admin acting on their behalf,
/// having checked who they are): the same export as their own, in this municipality. The person
/// is named in the body, so that it reaches no address bar and no log. Admins only.
#[utoipa::path(
    operation_id = "export_person_personal_data", tag = "privacy",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = PersonInput, example = json!({ "name": "Zoé Erasmus", "email": "zoe.erasmus@example.org" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Everything the municipality holds about the person.", body = PersonalDataExport),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/personal-data/exports")]
pub async fn export_person_personal_data(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner()?.draft();
    Ok(export(ExportScope::Person, usecases::of_person(&db, &caller.municipality, &draft).await?))
}

fn erasure_location(municipality: &Municipality, id: Uuid) -> String {
    format!("/v1/municipalities/{}/personal-data/erasures/{id}", municipality.slug)
}

/// Erase a person's data
///
/// Everything the municipality holds about the person named is anonymised in place, as their
/// own erasure does (their account, which is theirs and not the town's, stays). Export first to
/// see what matches. The erasure is recorded — who acted, when, how many records of each kind —
/// without what it erased. Admins only.
#[utoipa::path(
    operation_id = "erase_person_personal_data", tag = "privacy",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = PersonInput, example = json!({ "name": "Zoé Erasmus", "email": "zoe.erasmus@example.org" })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Erased, and recorded.", body = ErasureView,
            headers(("Location" = String, description = "The erasure's record.")),
            links(("GetErasure" = (operation_id = "get_erasure", description = "The erasure's record.",
                parameters(("municipality" = "$request.path.municipality"), ("erasure" = "$response.body#/id")))))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/personal-data/erasures")]
pub async fn erase_person_personal_data(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    body: JsonBody<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner()?.draft();
    let admin = caller.principal.account().ok_or_else(|| ApiError::no(Resource::Erasure))?;
    let municipality = &caller.municipality;
    let erasure = usecases::erase_person(&db, municipality, admin, &draft).await?;
    let response = HttpResponse::Created().json(view(&erasure, Some(municipality.slug.to_string())));
    with_location(response, &erasure_location(municipality, erasure.id))
}

/// Where a page of erasures ended.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    i: Uuid,
}

/// List erasures
///
/// The municipality's record of erasures, newest first: who asked, when, how many records of
/// each kind. Admins only.
#[utoipa::path(
    operation_id = "list_erasures", tag = "privacy",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of erasures.", body = ErasurePage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/personal-data/erasures")]
pub async fn list_erasures(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = paging.parse::<ListCursor>()?;
    let municipality = &caller.municipality;
    let found = implication_storage::identity::personal_data::erasures(
        &db,
        municipality.id,
        page.limit,
        page.after.map(|c| c.i),
    )
    .await?;
    let next_cursor =
        found.has_more.then(|| found.items.last()).flatten().and_then(|last| encode_cursor(&ListCursor { i: last.id }));
    let slug = municipality.slug.to_string();
    let body = ErasurePage { items: found.items.iter().map(|e| view(e, Some(slug.clone()))).collect(), next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get an erasure
///
/// One record of the municipality's erasures. Admins only.
#[utoipa::path(
    operation_id = "get_erasure", tag = "privacy",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("erasure" = Uuid, Path, description = "The erasure's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The erasure.", body = ErasureView),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/personal-data/erasures/{erasure}")]
pub async fn get_erasure(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&path.1).map_err(|_| ApiError::no(Resource::Erasure))?;
    let municipality = &caller.municipality;
    let erasure = usecases::erasure(&db, municipality, id).await?;
    Ok(HttpResponse::Ok().json(view(&erasure, Some(municipality.slug.to_string()))))
}
