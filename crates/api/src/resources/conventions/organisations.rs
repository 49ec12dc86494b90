//! The town's directory of organisations (§5.5.1): list, read, add, change.

use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::resources::conventions::text::{RepresentativeInput, RepresentativeView};
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use implication_app::Resource;
use implication_app::conventions::organisations as usecases;
use implication_domain::conventions::convention::RepresentativeDraft;
use implication_domain::conventions::organisation::{Organisation, OrganisationDraft};
use implication_domain::{Municipality, OrganisationId};
use implication_storage::Database;
use implication_storage::conventions::organisations as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_organisations).service(get_organisation).service(create_organisation).service(patch_organisation);
}

fn organisation_id(raw: &str) -> Result<OrganisationId, ApiError> {
    Uuid::parse_str(raw).map(OrganisationId::from_uuid).map_err(|_| ApiError::no(Resource::Organisation))
}

/// An organisation of the directory, as staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "view": "staff", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f31", "version": 1,
    "name": "Association foncière de remembrement de Loos-en-Gohelle", "kind": "association",
    "representative": { "name": "Le président de l'AFR", "capacity": "Président" }, "public": true,
    "created_at": "2018-04-02T09:00:00Z", "updated_at": "2018-04-02T09:00:00Z"
}))]
pub struct OrganisationView {
    pub view: crate::resources::requests::views::StaffAudience,
    pub id: Uuid,
    /// The version `If-Match` names.
    pub version: i32,
    pub name: String,
    pub kind: wire::PartyKind,
    /// Who usually represents it (staff only).
    pub representative: Option<RepresentativeView>,
    /// It agreed to be listed in the public directory.
    pub public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        Self {
            view: crate::resources::requests::views::StaffAudience::Staff,
            id: o.id.as_uuid(),
            version: o.version,
            name: o.name.clone(),
            kind: o.kind.into(),
            representative: o
                .representative
                .as_ref()
                .map(|r| RepresentativeView { name: r.name.clone(), capacity: r.capacity.clone() }),
            public: o.public,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// An organisation of the public directory: its name and kind.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "view": "public", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f31",
    "name": "Association foncière de remembrement de Loos-en-Gohelle", "kind": "association" }))]
pub struct PublicOrganisationView {
    pub view: crate::resources::requests::views::PublicAudience,
    pub id: Uuid,
    pub name: String,
    pub kind: wire::PartyKind,
}

impl From<&Organisation> for PublicOrganisationView {
    fn from(o: &Organisation) -> Self {
        Self {
            view: crate::resources::requests::views::PublicAudience::Public,
            id: o.id.as_uuid(),
            name: o.name.clone(),
            kind: o.kind.into(),
        }
    }
}

/// One organisation, in the view the caller is entitled to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum OrganisationDocument {
    Staff(OrganisationView),
    Public(PublicOrganisationView),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    pub items: Vec<OrganisationDocument>,
    pub next_cursor: Option<String>,
}

/// An organisation as received.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    /// Unique in the town's directory.
    #[schema(min_length = 1, max_length = 200, example = "Association foncière de remembrement de Loos-en-Gohelle")]
    pub name: Option<String>,
    /// `association`, `farm`, `informal_group`, `school` or `business` (required to list one; it
    /// does not change).
    pub kind: Option<wire::PartyKind>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub representative: Option<RepresentativeInput>,
    /// It agreed to be listed in the public directory (default: no).
    pub public: Option<bool>,
}

impl From<&OrganisationInput> for OrganisationDraft {
    fn from(input: &OrganisationInput) -> Self {
        Self {
            name: input.name.clone(),
            kind: input.kind.map(|k| k.0),
            representative: input
                .representative
                .as_ref()
                .map(|r| RepresentativeDraft { name: r.name.clone(), capacity: r.capacity.clone() }),
            public: input.public,
        }
    }
}

fn respond_staff(organisation: &Organisation, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(organisation.version)))
        .json(OrganisationDocument::Staff(OrganisationView::from(organisation)))
}

fn location_of(municipality: &Municipality, id: OrganisationId) -> String {
    format!("/v1/municipalities/{}/organisations/{id}", municipality.slug)
}

/// Where a page of the directory ended.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    n: String,
    i: Uuid,
}

/// List the directory of organisations
///
/// The town's directory of the organisations party to its conventions (§5.5.1), by name.
/// Everyone reads those that agreed to be listed (`public`), by name and kind; staff read them all,
/// with their usual representative. `next_cursor` (and `Link`) give the next page.
#[utoipa::path(
    operation_id = "list_organisations", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of the directory.", body = OrganisationPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/organisations")]
pub async fn list_organisations(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let staff = standing.is_staff();
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| (c.n, OrganisationId::from_uuid(c.i)));
    let found = store::list(&db, municipality.id, !staff, page.limit, after).await?;
    let next_cursor = found
        .has_more
        .then(|| found.items.last())
        .flatten()
        .and_then(|last| encode_cursor(&ListCursor { n: last.name.clone(), i: last.id.as_uuid() }));
    let items = found
        .items
        .iter()
        .map(|o| {
            if staff {
                OrganisationDocument::Staff(OrganisationView::from(o))
            } else {
                OrganisationDocument::Public(PublicOrganisationView::from(o))
            }
        })
        .collect();
    let body = OrganisationPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}

/// Get an organisation
///
/// Staff read it whole (with the `ETag` a change needs); anyone reads one listed publicly, by name
/// and kind. Otherwise, 404.
#[utoipa::path(
    operation_id = "get_organisation", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("organisation" = Uuid, Path, description = "The organisation's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The organisation, in the caller's view.", body = OrganisationDocument,
            headers(("ETag" = String, description = "Staff view: its version (for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/organisations/{organisation}")]
pub async fn get_organisation(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let organisation = usecases::load(&db, &municipality, organisation_id(&path.1)?).await?;
    if standing.is_staff() {
        return Ok(respond_staff(&organisation, StatusCode::OK));
    }
    if !organisation.public {
        return Err(ApiError::no(Resource::Organisation));
    }
    Ok(HttpResponse::Ok().json(OrganisationDocument::Public(PublicOrganisationView::from(&organisation))))
}

/// Add an organisation to the directory
///
/// Staff list an association, a farm, an informal group, a school or a business (not the
/// municipality nor an individual: 422 naming `kind`), its name unique in the town (422 `taken`),
/// with its usual representative; `public` once it agreed to be listed publicly. Conventions then
/// draw their parties from it (`parties[].organisation`).
#[utoipa::path(
    operation_id = "create_organisation", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    request_body(content = OrganisationInput, example = json!({
        "name": "Les Caribous des terrils", "kind": "association",
        "representative": { "name": "La présidente", "capacity": "Présidente" }, "public": true
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Listed.", body = OrganisationView,
            headers(("Location" = String, description = "Its address."), ("ETag" = String, description = "Its version.")),
            links(
                ("GetOrganisation" = (operation_id = "get_organisation", description = "The organisation listed.",
                    parameters(("municipality" = "$request.path.municipality"), ("organisation" = "$response.body#/id")))),
                ("ChangeOrganisation" = (operation_id = "patch_organisation",
                    description = "Change it (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("organisation" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/organisations")]
pub async fn create_organisation(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    body: JsonBody<OrganisationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let municipality = &caller.municipality;
    let created = usecases::create(&db, municipality, &OrganisationDraft::from(&input)).await?;
    with_location(respond_staff(&created, StatusCode::CREATED), &location_of(municipality, created.id))
}

/// Change an organisation
///
/// Its name (unique in the town), its usual representative, whether it is listed publicly (its
/// consent, given or withdrawn); its kind does not change. What is left out stays. Needs
/// `If-Match`.
#[utoipa::path(
    operation_id = "patch_organisation", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("organisation" = Uuid, Path, description = "The organisation's id."),
        ("If-Match" = String, Header, description = "The organisation's ETag.", example = "\"1\"")),
    request_body(content = OrganisationInput, example = json!({ "public": false })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = OrganisationView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[patch("/v1/municipalities/{municipality}/organisations/{organisation}")]
pub async fn patch_organisation(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<OrganisationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let id = organisation_id(&path.1)?;
    let changed = usecases::change(&db, &caller.municipality, id, expected, &OrganisationDraft::from(&input)).await?;
    Ok(respond_staff(&changed, StatusCode::OK))
}
