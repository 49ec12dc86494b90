//! The convention endpoints: draft one for a project, read it (and any version), change its text
//! (an amendment once frozen), open it for signature, attest insurance, sign.

use super::projects::project_id;
use super::text::{
    ContentInput, ConventionDocument, ConventionView, FollowUpView, PublicConventionView, TextView, VersionDocument,
};
use crate::auth::{InMunicipality, MemberOf, ProjectsWrite, StaffOf, StaffOrScope, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::ApiError;
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, TransitionConflict, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, put, web};
use chrono::NaiveDate;
use implication_app::Resource;
use implication_app::conventions::convention::{self as usecases, Attesting, Following};
use implication_app::conventions::{self};
use implication_domain::conventions::follow_up::{EndingAsk, FulfilmentDraft, ParticipantDraft, PartyCostDraft};
use implication_domain::conventions::readers::{self, Readers};
use implication_domain::conventions::renewal::RenewalDraft;
use implication_domain::conventions::signature::{InsuranceDraft, SignatureDraft};
use implication_domain::conventions::{ContentDraft, Convention};
use implication_domain::identity::Standing;
use implication_domain::participation::meeting::local_today;
use implication_domain::{CommitmentId, ConventionId, Municipality, PartyId, time};
use implication_storage::Database;
use implication_storage::conventions::convention as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_conventions)
        .service(draft_convention)
        .service(get_convention)
        .service(get_convention_version)
        .service(put_convention_text)
        .service(transition_convention)
        .service(put_party_insurance)
        .service(put_volunteers_cover)
        .service(sign_convention)
        .service(put_commitment_fulfilment)
        .service(put_convention_participants)
        .service(put_convention_costs)
        .service(renew_convention);
}

fn no_convention() -> ApiError {
    ApiError::no(Resource::Convention)
}

fn convention_id(raw: &str) -> Result<ConventionId, ApiError> {
    Uuid::parse_str(raw).map(ConventionId::from_uuid).map_err(|_| no_convention())
}

fn location_of(municipality: &Municipality, id: ConventionId) -> String {
    format!("/v1/municipalities/{}/conventions/{id}", municipality.slug)
}

fn today(municipality: &Municipality) -> NaiveDate {
    local_today(time::now(), municipality.settings.time_zone)
}

/// The staff view of convention `id` with its `ETag`, under `status`.
async fn respond_staff(
    db: &Database,
    municipality: &Municipality,
    id: ConventionId,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let loaded = usecases::load(db, municipality, id).await?;
    let signatures = store::signatures(db, municipality.id, id).await?;
    let versions = store::versions(db, municipality.id, id).await?;
    let convention = &loaded.stored.convention;
    let mut view = ConventionView::new(
        convention,
        &loaded.current,
        &loaded.stored.attestations,
        &signatures,
        &versions,
        today(municipality),
    );
    if let Some(signed) = convention.signed_version.and_then(|n| versions.iter().find(|v| v.number == n)) {
        view.follow_up = Some(FollowUpView::new(&loaded.stored.follow_up, &signed.content, false));
    }
    Ok(HttpResponse::build(status)
        .insert_header((header::ETAG, etag::from_version(convention.version)))
        .json(ConventionDocument::Staff(Box::new(view))))
}

/// Draft a project's convention
///
/// Staff draft the convention of a project that is `drafting` (once: a second is a 409
/// `convention_exists`): its parties — the municipality (one, represented by its mayor or the
/// elected official holding the delegation), associations, farms, individuals, informal groups,
/// schools, businesses, each with its representative — and what each commits to (funding with an
/// amount, materials, equipment with or without driver, labour, staff time, upkeep with its
/// recurrence), the context, the purpose, the works, the period, and the clauses (annex A3's
/// articles 4 to 7 when none are given). A draft may be incomplete; what it gives must be valid.
/// Needs `If-Match`: the project's ETag.
#[utoipa::path(
    operation_id = "draft_convention", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("project" = Uuid, Path, description = "The project's id."),
        ("If-Match" = String, Header, description = "The project's ETag.", example = "\"3\"")),
    request_body(content = ContentInput, example = json!({
        "title": "Convention fifty-fifty tripartite pour la rénovation des voies communales et des chemins de l'AFR à usage agricole",
        "context": "Il est constaté que les chemins agricoles du domaine public ou du domaine privé de la Commune ou de l'Association foncière de remembrement se dégradent fortement.",
        "purpose": "Rénover ces chemins sur le principe du fifty-fifty.",
        "works": "Reprise des fonds de forme et surfaçage gravillonné et compacté.",
        "starts_on": "2018-06-04", "ends_on": "2018-06-15",
        "parties": [
            { "kind": "municipality", "name": "Commune de Loos-en-Gohelle",
              "representative": { "name": "Jean-François Caron", "capacity": "Maire" },
              "commitments": [{ "kind": "funding", "description": "Acquisition des matériaux", "amount_cents": 1_250_000 }] },
            { "kind": "farm", "name": "EARL du Marais", "representative": { "name": "Paul Exemple", "capacity": "Exploitant" },
              "commitments": [{ "kind": "equipment_with_driver", "description": "Un tracteur et une benne avec chauffeur" }] }
        ]
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Drafted.", body = ConventionView,
            headers(("Location" = String, description = "The convention's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("GetConvention" = (operation_id = "get_convention", description = "The convention drafted.",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id")))),
                ("ChangeText" = (operation_id = "put_convention_text",
                    description = "Change its text (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")))),
                ("OpenForSignature" = (operation_id = "transition_convention", description = "Open it for signature.",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id")))),
                ("AttestVolunteers" = (operation_id = "put_volunteers_cover", description = "Attest the volunteers' cover.",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id")))),
                ("Sign" = (operation_id = "sign_convention", description = "Sign it, once open.",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/projects/{project}/convention")]
pub async fn draft_convention(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ContentInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let draft = ContentDraft::from(&input);
    let (drafted, _) = usecases::draft(&db, actor, municipality, project_id(&path.1)?, expected, &draft).await?;
    let response = respond_staff(&db, municipality, drafted.id, StatusCode::CREATED).await?;
    with_location(response, &location_of(municipality, drafted.id))
}

/// Get a convention
///
/// Staff get the current version in full — parties with their accounts, commitments, insurance
/// (insurer and policy number included), which party signed it —, the volunteers' cover, every
/// signature and every version, with the `ETag` changes need. Anyone gets a signed convention:
/// the version every party signed, its parties (an individual named only with their consent),
/// commitments, clauses, signatures and follow-up — no account, insurer nor policy number.
/// A party — its own account, or the tool of its organisation (`projects:read`) — reads the same
/// view of the frozen version it signs, or of the signed one it follows, with the `ETag` its
/// signature or its record needs. Otherwise, 404. Its status reads `active` once signed and its
/// period has begun.
#[utoipa::path(
    operation_id = "get_convention", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id.", example = "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f11")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The convention, in the caller's view.", body = ConventionDocument,
            headers(("ETag" = String, description = "Staff's and parties' views: its version (for `If-Match`)."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/conventions/{convention}")]
pub async fn get_convention(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let id = convention_id(&path.1)?;
    if standing.is_staff() {
        return respond_staff(&db, &municipality, id, StatusCode::OK).await;
    }
    let readers = conventions::readers(&db, &municipality, &standing).await?;
    let loaded = usecases::load(&db, &municipality, id).await?;
    if let Some(response) = respond_party(&db, &municipality, &loaded, readers).await? {
        return Ok(response);
    }
    let view = public_view(&db, &municipality, &loaded.stored.convention, &loaded.stored).await?;
    Ok(HttpResponse::Ok().json(ConventionDocument::Public(Box::new(view))))
}

/// What a party — its own account, or its organisation's tool — reads: the public view (no
/// insurer, policy, account, nor anyone named without consent) of the frozen version naming it
/// (the one it signs), else of the signed one naming it (the one it follows, with its follow-up),
/// with the `ETag` its signature or its record needs. `None`: `readers` is no party.
async fn respond_party(
    db: &Database,
    municipality: &Municipality,
    loaded: &usecases::Loaded,
    readers: Readers,
) -> Result<Option<HttpResponse>, ApiError> {
    let convention = &loaded.stored.convention;
    let shown = if loaded.current.frozen_for(readers) {
        loaded.current.clone()
    } else {
        let signed = match convention.signed_version {
            Some(number) if number != loaded.current.number => {
                store::version(db, municipality.id, convention.id, number).await?
            }
            _ => None,
        };
        match signed {
            Some(signed) if signed.frozen_for(readers) => signed,
            _ => return Ok(None),
        }
    };
    let signatures = store::signatures(db, municipality.id, convention.id).await?;
    let mut view =
        PublicConventionView::new(convention, &shown, &loaded.stored.attestations, &signatures, today(municipality));
    if convention.signed_version == Some(shown.number) {
        view.follow_up = Some(FollowUpView::new(&loaded.stored.follow_up, &shown.content, true));
    }
    Ok(Some(
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag::from_version(convention.version)))
            .json(ConventionDocument::Public(Box::new(view))),
    ))
}

async fn public_view(
    db: &Database,
    municipality: &Municipality,
    convention: &Convention,
    stored: &store::Stored,
) -> Result<PublicConventionView, ApiError> {
    let Some(number) = convention.signed_version else { return Err(no_convention()) };
    let signed = store::version(db, municipality.id, convention.id, number).await?.ok_or_else(no_convention)?;
    let signatures = store::signatures(db, municipality.id, convention.id).await?;
    let mut view =
        PublicConventionView::new(convention, &signed, &stored.attestations, &signatures, today(municipality));
    view.follow_up = Some(FollowUpView::new(&stored.follow_up, &signed.content, true));
    Ok(view)
}

/// Get a version of a convention's text
///
/// Every version stays readable: staff read any (with who signed it); a party (its own account,
/// or its organisation's tool) a frozen version naming it; anyone a version every party signed.
#[utoipa::path(
    operation_id = "get_convention_version", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("number" = i32, Path, description = "The version's number, from 1.", minimum = 1, example = 1)),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The version's text, in the caller's view.", body = VersionDocument),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/conventions/{convention}/versions/{number}")]
pub async fn get_convention_version(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let id = convention_id(&path.1)?;
    let number: i32 = path.2.parse().map_err(|_| no_convention())?;
    let loaded = usecases::load(&db, &municipality, id).await?;
    let version = store::version(&db, municipality.id, id, number).await?.ok_or_else(no_convention)?;
    let signatures = store::signatures(&db, municipality.id, id).await?;
    let readers = conventions::readers(&db, &municipality, &standing).await?;
    if !readers::may_read(&version, &signatures, readers) {
        return Err(no_convention());
    }
    let attestations = &loaded.stored.attestations;
    let document = if standing.is_staff() {
        VersionDocument::Staff(Box::new(TextView::new(&version, attestations, &signatures)))
    } else {
        let view = PublicConventionView::new(
            &loaded.stored.convention,
            &version,
            attestations,
            &signatures,
            today(&municipality),
        );
        VersionDocument::Public(Box::new(view))
    };
    Ok(HttpResponse::Ok().json(document))
}

/// Change a convention's text
///
/// The whole text, replacing the one before (parties and commitments keep their ids when given
/// back). While the current version is a draft, it is changed in place; once frozen — open for
/// signature, or signed — the change is an **amendment**: a new version, in draft, that every
/// party signs again (the signed version stays in force meanwhile; an amendment before every party
/// signed sends the project back to `drafting`). A completed, lapsed or terminated convention
/// changes no more (409 `convention_ended`). Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_convention_text", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"1\"")),
    request_body(content = ContentInput, example = json!({
        "title": "Convention fifty-fifty pour le fleurissement de la rue Bayard",
        "parties": [{ "kind": "municipality", "name": "Commune de Loos-en-Gohelle",
            "commitments": [{ "kind": "materials", "description": "Douze bacs à fleurs et le terreau" }] }]
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed (or amended: `current_version` moved on).", body = ConventionView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/conventions/{convention}")]
pub async fn put_convention_text(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ContentInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let id = convention_id(&path.1)?;
    usecases::change_text(&db, actor, municipality, id, expected, &ContentDraft::from(&input)).await?;
    respond_staff(&db, municipality, id, StatusCode::OK).await
}

/// A change of a convention's status.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionTransitionInput {
    /// `open_for_signature`; once signed, `completed`, `lapsed` (with the `breach`) or
    /// `terminated` (with a `reason`). `signed` follows the last signature.
    #[schema(value_type = wire::ConventionStatus, required = true)]
    pub to: Option<wire::ConventionStatus>,
    /// Why it is terminated (or any other ending's note).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
    /// The proven breach that voids it (caducity, annex A3's article 7).
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub breach: Option<BreachInput>,
}

/// A proven breach of an article.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachInput {
    /// The article breached, from 1.
    #[schema(value_type = i64, required = true, minimum = 1, example = 1)]
    pub article: Option<i64>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000,
        example = "L'exploitation n'a pas fourni le tracteur promis.")]
    pub description: Option<String>,
    /// Who found it (staff only).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Services techniques")]
    pub recorded_by: Option<String>,
    /// Not after today. Default: today.
    pub on: Option<NaiveDate>,
}

/// Open a convention for signature
///
/// `to: open_for_signature` freezes the current version and fixes its `content_hash`, which every
/// signature names; the project goes to `signing`. Refused (409, naming the rule and what is
/// lacking) when the text is incomplete (`convention_incomplete`), when the project's diagnostic
/// holds it back (`diagnostic_incomplete`; `open_risks`: a heavy project with a risk open), and,
/// for heavy work, until every volunteer's cover (`volunteers_not_covered`) and each
/// association's statutes (`statutes_not_attested`) are attested; only a draft opens
/// (`not_a_draft`). Needs `If-Match`.
#[utoipa::path(
    operation_id = "transition_convention", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"4\"")),
    request_body(content = ConventionTransitionInput, example = json!({ "to": "open_for_signature" })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Opened: the text is frozen.", body = ConventionView,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/conventions/{convention}/transitions")]
pub async fn transition_convention(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ConventionTransitionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let id = convention_id(&path.1)?;
    let ask = EndingAsk {
        to: input.to.map(|t| t.0),
        reason: input.reason,
        breach_article: input.breach.as_ref().and_then(|b| b.article),
        breach_description: input.breach.as_ref().and_then(|b| b.description.clone()),
        breach_recorded_by: input.breach.as_ref().and_then(|b| b.recorded_by.clone()),
        breach_on: input.breach.as_ref().and_then(|b| b.on),
    };
    usecases::transition(&db, actor, municipality, id, expected, &ask).await?;
    respond_staff(&db, municipality, id, StatusCode::OK).await
}

/// A party's insurance, as attested.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsuranceInput {
    #[schema(value_type = bool, required = true)]
    pub equipment: Option<bool>,
    #[schema(value_type = bool, required = true)]
    pub bodily_injury: Option<bool>,
    #[schema(value_type = bool, required = true)]
    pub civil_liability: Option<bool>,
    /// Staff only, never public.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Groupama Nord-Est")]
    pub insurer: Option<String>,
    /// Staff only, never public.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "AGR-2018-0042")]
    pub policy_number: Option<String>,
    /// Not after today. Default: today.
    pub attested_on: Option<NaiveDate>,
    /// An association's: whether its statutes allow the work (heavy work needs `true`).
    pub statutes_allow_work: Option<bool>,
}

/// Attest a party's insurance
///
/// Annex A3's article 4: each party is insured for its equipment, bodily injury and civil
/// liability, which it attests before it signs (409 `insurance_not_attested` otherwise); an
/// association also attests whether its statutes allow the work (heavy work needs it before the
/// text opens for signature). Replaces the party's earlier attestation. Staff record it for any
/// party (from the paper certificate); a party's own account attests its own, and reads back the
/// party's view (a party's tool does not attest: its representative does). The insurer and policy
/// number are never public. Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_party_insurance", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("party" = Uuid, Path, description = "The party's id (in the current version)."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"2\"")),
    request_body(content = InsuranceInput, example = json!({
        "equipment": true, "bodily_injury": true, "civil_liability": true,
        "insurer": "Groupama Nord-Est", "policy_number": "AGR-2018-0042"
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Attested: staff read the staff view, a party its own.", body = ConventionDocument,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/conventions/{convention}/parties/{party}/insurance")]
pub async fn put_party_insurance(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    path: web::Path<(String, String, String)>,
    if_match: IfMatch,
    body: JsonBody<InsuranceInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let id = convention_id(&path.1)?;
    let party = Uuid::parse_str(&path.2).map(PartyId::from_uuid).map_err(|_| no_convention())?;
    let draft = InsuranceDraft {
        equipment: input.equipment,
        bodily_injury: input.bodily_injury,
        civil_liability: input.civil_liability,
        insurer: input.insurer,
        policy_number: input.policy_number,
        attested_on: input.attested_on,
        statutes_allow_work: input.statutes_allow_work,
    };
    match usecases::attest(&db, &standing, municipality, id, expected, &Attesting::Insurance { party, draft }).await {
        // A party the current version does not have: it names nothing here.
        Err(implication_app::UseCaseError::Invalid(errors)) if errors.0.iter().any(|e| e.field == "party") => {
            return Err(no_convention());
        }
        other => other?,
    };
    respond_as(&db, municipality, &standing, id).await
}

/// What a write answers: the staff view to staff, else the party's own view.
async fn respond_as(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    id: ConventionId,
) -> Result<HttpResponse, ApiError> {
    if standing.is_staff() {
        return respond_staff(db, municipality, id, StatusCode::OK).await;
    }
    let readers = conventions::readers(db, municipality, standing).await?;
    let loaded = usecases::load(db, municipality, id).await?;
    respond_party(db, municipality, &loaded, readers).await?.ok_or_else(no_convention)
}

/// How every volunteer is covered.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteersCoverInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000,
        example = "Une assurance accident souscrite par l'association foncière pour chaque bénévole du chantier, partie ou non.")]
    pub how: Option<String>,
    /// Not after today. Default: today.
    pub attested_on: Option<NaiveDate>,
}

/// Attest the volunteers' cover
///
/// Heavy work needs every volunteer covered, parties or not — a volunteer's civil liability covers
/// the harm done to others, not to themselves (§6.3) —, attested before the text opens for
/// signature (409 `volunteers_not_covered` otherwise). Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_volunteers_cover", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"2\"")),
    request_body(content = VolunteersCoverInput),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Attested.", body = ConventionView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/conventions/{convention}/volunteers-cover")]
pub async fn put_volunteers_cover(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<VolunteersCoverInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let id = convention_id(&path.1)?;
    let attesting = Attesting::Volunteers { how: input.how, attested_on: input.attested_on };
    usecases::attest(&db, &standing, municipality, id, expected, &attesting).await?;
    respond_staff(&db, municipality, id, StatusCode::OK).await
}

/// A signature.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    /// The party signing (its id in the version open for signature).
    #[schema(value_type = Uuid, required = true)]
    pub party: Option<Uuid>,
    /// The `content_hash` of the version open for signature: what the signatory read.
    #[schema(value_type = String, required = true, pattern = "^[0-9a-f]{64}$")]
    pub content_hash: Option<String>,
    /// Default: the party's representative (or its name).
    #[schema(min_length = 1, max_length = 200)]
    pub signatory: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub capacity: Option<String>,
    /// Not after today. Default: today.
    pub signed_on: Option<NaiveDate>,
    /// Staff recording a paper original: the SHA-256 of its scan.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub scan_sha256: Option<String>,
}

/// Sign a convention
///
/// A party signs the version open for signature, naming its `content_hash` (another hash is a 409
/// `stale_hash`: the text changed since it was read): by its own account (the account the party
/// names), or recorded by staff from the paper original with the scan's SHA-256. The municipality
/// signs only by the mayor or the elected official holding the project's delegation, by their own
/// account. A party attests its insurance first (409 `insurance_not_attested`) and signs each
/// version once (409 `already_signed`). The last signature signs the convention, and its project
/// runs. Anyone else: 403. Needs `If-Match`.
#[utoipa::path(
    operation_id = "sign_convention", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"5\"")),
    request_body(content = SignatureInput, example = json!({
        "party": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f21",
        "content_hash": "3b4c2f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
        "signed_on": "2018-05-28",
        "scan_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed (the convention's `status` reads `signed` once every party has).", body = ConventionDocument,
            headers(("ETag" = String, description = "Its new version (staff)."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/conventions/{convention}/signatures")]
pub async fn sign_convention(
    db: web::Data<Database>,
    caller: InMunicipality<MemberOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<SignatureInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let id = convention_id(&path.1)?;
    let draft = SignatureDraft {
        party: input.party.map(PartyId::from_uuid),
        content_hash: input.content_hash,
        signatory: input.signatory,
        capacity: input.capacity,
        signed_on: input.signed_on,
        scan_sha256: input.scan_sha256,
    };
    usecases::sign(&db, actor, &standing, municipality, id, expected, &draft).await?;
    // A party signing by its own account reads what it signed, and the ETag to go on with.
    respond_as(&db, municipality, &standing, id).await
}

/// How far a commitment was kept.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfilmentInput {
    #[schema(value_type = wire::CommitmentFulfilment, required = true)]
    pub status: Option<wire::CommitmentFulfilment>,
    /// Not after today.
    pub on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 2000, example = "Les bacs ne sont plus arrosés depuis juillet.")]
    pub notes: Option<String>,
    /// The services did it instead (an eroded upkeep only).
    pub services_stepped_in: Option<bool>,
}

/// Follow a commitment
///
/// Once the convention is signed by every party, how far each commitment of the signed version
/// was kept: `pending`, `fulfilled`, `partly_fulfilled`, `not_fulfilled`, with its day and notes.
/// An upkeep commitment not (fully) kept **erodes** (`eroded`), and "the services stepped in" is
/// recorded (`services_stepped_in`). Until the convention ends (409 `convention_ended`; before
/// signature, 409 `not_signed`). A commitment the signed version does not have is a 404. Staff
/// record any; a party's tool with `projects:write`, its own organisation's commitments (403
/// otherwise), never `services_stepped_in` (the services' word, which its record keeps), and reads
/// back the party's view. Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_commitment_fulfilment", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("commitment" = Uuid, Path, description = "The commitment's id (in the signed version)."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"7\"")),
    request_body(content = FulfilmentInput, example = json!({
        "status": "not_fulfilled", "on": "2026-08-01",
        "notes": "Les bacs ne sont plus arrosés depuis juillet.", "services_stepped_in": true
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded: staff read the staff view, a party's tool its own.", body = ConventionDocument,
            headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/conventions/{convention}/commitments/{commitment}/fulfilment")]
pub async fn put_commitment_fulfilment(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOrScope<ProjectsWrite>>,
    path: web::Path<(String, String, String)>,
    if_match: IfMatch,
    body: JsonBody<FulfilmentInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let id = convention_id(&path.1)?;
    let commitment = Uuid::parse_str(&path.2).map(CommitmentId::from_uuid).map_err(|_| no_convention())?;
    let draft = FulfilmentDraft {
        status: input.status.map(|s| s.0),
        on: input.on,
        notes: input.notes,
        services_stepped_in: input.services_stepped_in,
    };
    usecases::follow(&db, &standing, municipality, id, expected, &Following::Fulfilment { commitment, draft }).await?;
    respond_as(&db, municipality, &standing, id).await
}

/// A participant registered by name.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Dominique Exemple")]
    pub name: Option<String>,
    /// They agreed to be registered by name (required: `true`).
    #[schema(value_type = bool, required = true)]
    pub consent: Option<bool>,
}

/// Who took part.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantsInput {
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 500)]
    pub registered: Vec<ParticipantInput>,
    /// A low-bound estimate of those who came to open events (§5.6.2: registers are rare).
    #[schema(minimum = 0, maximum = 1_000_000, example = 70)]
    pub open_events_low_bound: Option<i64>,
}

/// Record who took part
///
/// The participants of a signed convention: those registered by name (with their consent,
/// staff only) and a low-bound estimate of those who came to open events; the public reads how
/// many, at least. Replaces the earlier record. Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_convention_participants", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"7\"")),
    request_body(content = ParticipantsInput, example = json!({ "registered": [], "open_events_low_bound": 12 })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = ConventionView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/conventions/{convention}/participants")]
pub async fn put_convention_participants(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<ParticipantsInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let id = convention_id(&path.1)?;
    let following = Following::Participants {
        registered: input
            .registered
            .iter()
            .map(|p| ParticipantDraft { name: p.name.clone(), consent: p.consent })
            .collect(),
        open_events_low_bound: input.open_events_low_bound,
    };
    usecases::follow(&db, &standing, municipality, id, expected, &following).await?;
    respond_staff(&db, municipality, id, StatusCode::OK).await
}

/// What one party's share cost.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyCostInput {
    #[schema(value_type = Uuid, required = true)]
    pub party: Option<Uuid>,
    #[schema(minimum = 0, maximum = 1_000_000_000, example = 1_250_000)]
    pub planned_cents: Option<i64>,
    #[schema(minimum = 0, maximum = 1_000_000_000, example = 1_198_000)]
    pub actual_cents: Option<i64>,
}

/// What a conventional approach would have cost.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonInput {
    #[schema(value_type = i64, required = true, minimum = 0, maximum = 1_000_000_000, example = 20_000_000)]
    pub conventional_cents: Option<i64>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000,
        example = "Enrobé classique : environ 100 000 € les 500 m, soit 200 000 € le kilomètre.")]
    pub basis: Option<String>,
}

/// The costs of a convention.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostsInput {
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 20)]
    pub parties: Vec<PartyCostInput>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub comparison: Option<ComparisonInput>,
    /// What the works achieved: what a yearly series adds up.
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub achieved: Option<AchievedInput>,
}

/// What the works achieved.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievedInput {
    #[schema(value_type = i64, required = true, minimum = 0, maximum = 1_000_000_000, example = 1000)]
    pub quantity: Option<i64>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "m de chemins")]
    pub unit: Option<String>,
}

/// Record the costs
///
/// What each party's share cost, planned and actual, in cents (each party of the signed version
/// once), and optionally what a conventional approach would have cost, and on what basis (the
/// rural paths: about €25,000 a km, against €100,000 per 500 m of asphalt). The answer adds them
/// up per party and overall, and what was saved. Replaces the earlier record. Needs `If-Match`.
#[utoipa::path(
    operation_id = "put_convention_costs", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."),
        ("If-Match" = String, Header, description = "The convention's ETag.", example = "\"7\"")),
    request_body(content = CostsInput, example = json!({
        "parties": [],
        "comparison": { "conventional_cents": 20_000_000, "basis": "Enrobé classique : environ 100 000 € les 500 m." }
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = ConventionView, headers(("ETag" = String, description = "Its new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 428, response = PreconditionRequired), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/conventions/{convention}/costs")]
pub async fn put_convention_costs(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<CostsInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let municipality = &caller.municipality;
    let standing = Standing::of(Some(&caller.principal), &municipality.slug);
    let id = convention_id(&path.1)?;
    let following = Following::Costs {
        parties: input
            .parties
            .iter()
            .map(|p| PartyCostDraft {
                party: p.party.map(PartyId::from_uuid),
                planned_cents: p.planned_cents,
                actual_cents: p.actual_cents,
            })
            .collect(),
        comparison: input.comparison.as_ref().map(|c| (c.conventional_cents, c.basis.clone())),
        achieved: input.achieved.as_ref().map(|a| (a.quantity, a.unit.clone())),
    };
    usecases::follow(&db, &standing, municipality, id, expected, &following).await?;
    respond_staff(&db, municipality, id, StatusCode::OK).await
}

/// Next year's renewal of a convention.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalInput {
    /// Next year's project.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Rénovation des chemins ruraux 2019")]
    pub title: Option<String>,
    /// After the period renewed.
    #[schema(value_type = NaiveDate, required = true)]
    pub starts_on: Option<NaiveDate>,
    #[schema(value_type = NaiveDate, required = true)]
    pub ends_on: Option<NaiveDate>,
}

/// Renew a yearly convention
///
/// A fifty-fifty that comes back every year (the rural paths since 2015, §5.6.4.1) is renewed from
/// last year's completed convention (409 `not_completed` before; `already_renewed` for a year
/// renewed already): next year's project, already diagnosed (`drafting`, last year's diagnostic)
/// and renewing last year's, and its convention's first draft — last year's signed text for the
/// new period, the same parties, their commitments to be followed anew —, in one transaction.
/// `GET …/projects/{project}/series` adds the years up.
#[utoipa::path(
    operation_id = "renew_convention", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "Last year's convention.")),
    request_body(content = RenewalInput, example = json!({
        "title": "Rénovation des chemins ruraux 2019", "starts_on": "2019-06-03", "ends_on": "2019-06-14"
    })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Renewed: next year's convention, a draft.", body = ConventionView,
            headers(("Location" = String, description = "The new convention's address."),
                ("ETag" = String, description = "Its version, for `If-Match`.")),
            links(
                ("GetRenewal" = (operation_id = "get_convention", description = "Next year's convention.",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id")))),
                ("ChangeRenewal" = (operation_id = "put_convention_text",
                    description = "Change its text (`If-Match`: this answer's `ETag`).",
                    parameters(("municipality" = "$request.path.municipality"), ("convention" = "$response.body#/id"),
                        ("If-Match" = "$response.header.ETag")))),
                ("Series" = (operation_id = "get_project_series", description = "The years added up.",
                    parameters(("municipality" = "$request.path.municipality"), ("project" = "$response.body#/project"))))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = TransitionConflict),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/conventions/{convention}/renewal")]
pub async fn renew_convention(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<RenewalInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let id = convention_id(&path.1)?;
    let draft = RenewalDraft { title: input.title, starts_on: input.starts_on, ends_on: input.ends_on };
    let (renewed, _) = usecases::renew(&db, actor, municipality, id, &draft).await?;
    let response = respond_staff(&db, municipality, renewed.id, StatusCode::CREATED).await?;
    with_location(response, &location_of(municipality, renewed.id))
}

/// Filters of the convention list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConventionListParams {
    /// Any of these statuses: `status=active,completed` (`active`: signed, whether or not its
    /// period has begun). Others than staff see only the conventions every party signed.
    #[param(value_type = Option<Vec<wire::ConventionStatus>>, style = Form, explode = false,
        example = json!(["completed"]))]
    pub status: Option<String>,
}

/// Where a page of conventions ended.
#[derive(Debug, Serialize, Deserialize)]
struct ListCursor {
    t: chrono::DateTime<chrono::Utc>,
    i: Uuid,
}

/// A convention in a list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f11", "project": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0f01",
    "title": "Convention fifty-fifty tripartite pour la rénovation des voies communales et des chemins de l'AFR à usage agricole",
    "status": "completed", "current_version": 1, "signed_version": 1,
    "starts_on": "2018-06-04", "ends_on": "2018-06-15", "created_at": "2018-05-10T09:00:00Z"
}))]
pub struct ConventionSummary {
    pub id: Uuid,
    pub project: Uuid,
    /// The title of the version shown (the signed one, for the public).
    pub title: String,
    pub status: wire::ConventionStatus,
    pub current_version: i32,
    pub signed_version: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConventionPage {
    pub items: Vec<ConventionSummary>,
    pub next_cursor: Option<String>,
}

/// List conventions
///
/// The municipality's fifty-fifty conventions, newest first. Everyone sees those every party
/// signed (their signed version's title and period); a party's tool (`projects:read`) also those
/// naming its organisation once open for signature; staff see them all, drafts included. Filters
/// combine; `next_cursor` (and `Link`) give the next page.
#[utoipa::path(
    operation_id = "list_conventions", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), ConventionListParams,
        crate::pagination::PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of conventions.", body = ConventionPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/conventions")]
pub async fn list_conventions(
    req: actix_web::HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<ConventionListParams>,
    paging: web::Query<crate::pagination::PageParams>,
) -> Result<HttpResponse, ApiError> {
    use implication_domain::vocabulary::ConventionStatus;
    let Visitor { standing, municipality } = visitor;
    let mut errors = Vec::new();
    let status_codes: Vec<&str> = ConventionStatus::ALL.iter().map(|s| s.code()).collect();
    let statuses = crate::resources::requests::codes(
        "status",
        params.status.as_deref(),
        ConventionStatus::from_code,
        &status_codes,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::malformed(
            implication_domain::Message::new("invalid filters", "filtres invalides"),
            errors,
        ));
    }
    let readers = conventions::readers(&db, &municipality, &standing).await?;
    let filter = store::Filter {
        statuses,
        today: today(&municipality),
        signed_only: !readers.is_staff(),
        party: readers.organisation(),
    };
    let page = paging.parse::<ListCursor>()?;
    let after = page.after.map(|c| (c.t, ConventionId::from_uuid(c.i)));
    let found = store::list(&db, municipality.id, &filter, page.limit, after).await?;
    let today = today(&municipality);
    let next_cursor = found.has_more.then(|| found.items.last()).flatten().and_then(|(last, _)| {
        crate::pagination::encode_cursor(&ListCursor { t: last.convention.created_at, i: last.convention.id.as_uuid() })
    });
    // A party's tool lists what it reads: the public ones, and the frozen texts naming its
    // organisation (the index names it in any version: an amendment may have dropped it).
    let items = found
        .items
        .iter()
        .filter(|(stored, version)| readers::may_know(&stored.convention, version, readers))
        .map(|(stored, version)| {
            let c = &stored.convention;
            ConventionSummary {
                id: c.id.as_uuid(),
                project: c.project.as_uuid(),
                title: version.content.title.clone(),
                status: c.shown_status(version.content.starts_on, today).into(),
                current_version: c.current_version,
                signed_version: c.signed_version,
                starts_on: version.content.starts_on,
                ends_on: version.content.ends_on,
                created_at: c.created_at,
            }
        })
        .collect();
    let body = ConventionPage { items, next_cursor };
    Ok(crate::pagination::page_response(&req, body.next_cursor.as_deref(), &body))
}
