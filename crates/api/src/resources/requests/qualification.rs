//! A request's qualification document (`GET` / `PUT …/requests/{id}/qualification`): what
//! exactly is asked, by whom, who else is concerned, whose competence it is, who takes it, and
//! whether it may become a fifty-fifty. Staff only. Completeness and eligibility are computed by
//! the domain and shown with the document; the request's ETag covers its qualification.

use super::{load, request_id};
use crate::auth::{InMunicipality, StaffOf};
use crate::etag;
use crate::extract::{CodeItem, IfMatch, JsonBody};
use crate::problem::ApiError;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::wire;
use actix_web::http::header;
use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use implication_app::requests::{self as usecases, Offices, QualificationInput, RoutingCodes};
use implication_domain::RequestId;
use implication_domain::evaluation::workload::LoadWarning;
use implication_domain::requests::Request;
use implication_domain::requests::qualification::{
    PrerequisiteAnswer, PrerequisiteDraft, Qualification, QualificationDraft, Routing, StakeholderDraft,
};
use implication_domain::vocabulary::FiftyFiftyPrerequisite;
use implication_storage::Database;
use implication_storage::requests::qualifications::{self as store, Recorded};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One actor of the map (cartographie des acteurs).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StakeholderInput {
    /// A person's name or an organisation.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Association des parents d'élèves")]
    pub name: Option<String>,
    #[schema(value_type = wire::StakeholderRole, required = true)]
    pub role: Option<wire::StakeholderRole>,
    /// Their interest in the matter.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub interest: Option<String>,
    /// Whether their interest conflicts with the requester's (default false).
    pub conflicts_with_requester: Option<bool>,
}

/// A prerequisite answered yes or no, with why.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrerequisiteInput {
    #[schema(value_type = bool, required = true)]
    pub holds: Option<bool>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Les bacs seront posés sur le trottoir communal.")]
    pub justification: Option<String>,
    /// For `living_environment` only, and required there when it holds: what it improves.
    #[serde(default)]
    pub aims: Vec<wire::LivingEnvironmentAim>,
    /// What the `other` aim is, in words: required when `aims` holds `other`, refused otherwise.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Mémoire du patrimoine minier"
    )]
    pub other_aim: Option<String>,
}

/// The prerequisites of a fifty-fifty project, all six needed: the four of §5.6.1, an unmet need
/// (§5.6.3.1), and no existing public service replaced nor paid work hidden (§5.6.4.2). An
/// unanswered one is unmet.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibilityInput {
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub general_interest: Option<PrerequisiteInput>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub public_domain: Option<PrerequisiteInput>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub living_environment: Option<PrerequisiteInput>,
    /// Done and kept up by the inhabitants: its justification starts from what the requester
    /// offered (`offered` in the view).
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub citizen_delivery: Option<PrerequisiteInput>,
    /// It meets a need nothing meets today (§5.6.3.1).
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub unmet_need: Option<PrerequisiteInput>,
    /// It replaces no existing public service, nor hides paid work (§5.6.4.2).
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub no_public_service_replaced: Option<PrerequisiteInput>,
}

/// What the requester proposed and offered to do themselves when the request was submitted
/// (read-only, and not part of the document: `PUT` takes the `document` alone). The
/// `citizen_delivery` answer starts from it: while that answer is `null`, this is its draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferedView {
    /// The solution the requester proposed, if any.
    pub proposed_solution: Option<String>,
    /// What the requester offered to do themselves, if anything.
    pub offer: Option<String>,
}

/// Who takes the request: an elected official's delegation and the services in charge, by code.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingInput {
    /// A delegation code (`GET …/delegations`).
    #[schema(example = "travaux-et-urbanisme", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub delegation: Option<String>,
    /// Service codes (`GET …/services`), at most 10.
    #[serde(default)]
    #[schema(max_items = 10, example = json!(["services-techniques"]))]
    pub services: Vec<CodeItem>,
}

/// The qualification document, whole: `PUT` replaces it, and `GET` returns it in this shape
/// under `document`, ready to be edited and sent back.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualificationDocument {
    /// What exactly is asked, in a sentence the requester agrees with.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub restated_need: Option<String>,
    /// Who expresses it, and whether they defend a particular interest.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub requester_interest: Option<String>,
    /// At most 50.
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(max_items = 50)]
    pub stakeholders: Vec<StakeholderInput>,
    pub competence: Option<wire::Competence>,
    /// Required when the competence is not the municipality's; refused when it is.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Communauté d'agglomération de Lens-Liévin"
    )]
    pub competent_authority: Option<String>,
    /// Earlier requests of this municipality on the same subject (at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub previously_handled: Vec<Uuid>,
    /// Earlier participation processes of this municipality on the same subject (at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub previously_handled_processes: Vec<Uuid>,
    /// Theme codes (at most 5): they become the request's themes.
    #[serde(default)]
    #[schema(max_items = 5)]
    pub themes: Vec<CodeItem>,
    /// A neighbourhood code: it becomes the request's neighbourhood.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub neighbourhood: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::object_or_default")]
    pub routing: RoutingInput,
    pub recommended_level: Option<wire::ParticipationLevel>,
    #[serde(default, deserialize_with = "crate::extract::object_or_default")]
    pub fifty_fifty_eligibility: EligibilityInput,
}

/// A request's qualification, with what the domain computes from it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "request_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e",
    "document": {
        "restated_need": "Faire ralentir les voitures rue Lamartine, le soir, là où jouent les enfants.",
        "requester_interest": "Des parents de la cité 12, pour la sécurité de leurs enfants.",
        "stakeholders": [{ "name": "Riverains de la rue Lamartine", "role": "affected_geographically",
            "interest": "Le bruit d'un ralentisseur", "conflicts_with_requester": true }],
        "competence": "municipality", "competent_authority": null, "previously_handled": [], "previously_handled_processes": [],
        "themes": ["roads-and-traffic"], "neighbourhood": "cite-12",
        "routing": { "delegation": "travaux-et-urbanisme", "services": ["services-techniques"] },
        "recommended_level": "consultation",
        "fifty_fifty_eligibility": { "general_interest": null, "public_domain": null, "living_environment": null,
            "citizen_delivery": null, "unmet_need": null, "no_public_service_replaced": null }
    },
    "complete": true, "missing": [], "eligible": false,
    "unmet": ["general_interest", "public_domain", "living_environment", "citizen_delivery", "unmet_need", "no_public_service_replaced"],
    "offered": { "proposed_solution": "Un ralentisseur devant l'aire de jeux.",
        "offer": "Nous pouvons peindre les marquages avec les voisins." },
    "recorded": true, "updated_at": "2026-11-20T10:00:00Z",
    "warnings": [{ "code": "service_over_load_limit", "service": "services-techniques", "open": 41, "load_limit": 40 }]
}))]
pub struct QualificationView {
    pub request_id: Uuid,
    pub document: QualificationDocument,
    /// Restated need, competence and recommended level are all recorded: the request may be
    /// `qualified`.
    pub complete: bool,
    /// What is missing to be complete.
    pub missing: Vec<String>,
    /// All six prerequisites hold: the request may go `in_fifty_fifty`.
    pub eligible: bool,
    /// The prerequisites that do not hold, or were not answered.
    pub unmet: Vec<wire::FiftyFiftyPrerequisite>,
    /// What the requester proposed and offered at intake: where `citizen_delivery` starts from.
    pub offered: OfferedView,
    /// Whether a qualification was ever recorded (an unrecorded one reads empty).
    pub recorded: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// The services it is routed to that carry more open items than the load limit the
    /// municipality set them (`GET …/workload`), this request included. The routing stands: the
    /// warning is for whoever routes, and for the services to be heard (§4.5.1).
    pub warnings: Vec<LoadWarningView>,
}

/// A service routed to over its load limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadWarningView {
    /// `service_over_load_limit`.
    #[schema(example = "service_over_load_limit")]
    pub code: &'static str,
    /// The service's code.
    pub service: String,
    /// Its open requests, processes, projects and pending promises today.
    pub open: u64,
    pub load_limit: u32,
}

/// The routing as the wire shows it.
fn routing_input(codes: RoutingCodes) -> RoutingInput {
    RoutingInput { delegation: codes.delegation, services: codes.services.into_iter().map(CodeItem).collect() }
}

fn prerequisite_draft(input: &PrerequisiteInput) -> PrerequisiteDraft {
    PrerequisiteDraft {
        holds: input.holds,
        justification: input.justification.clone(),
        aims: input.aims.iter().map(|a| a.0).collect(),
        other_aim: input.other_aim.clone(),
    }
}

fn prerequisite_input(answer: &PrerequisiteAnswer) -> PrerequisiteInput {
    PrerequisiteInput {
        holds: Some(answer.holds),
        justification: Some(answer.justification.clone()),
        aims: answer.aims.iter().map(|a| (*a).into()).collect(),
        other_aim: answer.other_aim.clone(),
    }
}

impl QualificationDocument {
    fn draft(&self, routing: Routing) -> QualificationDraft {
        use FiftyFiftyPrerequisite::*;
        let eligibility = &self.fifty_fifty_eligibility;
        let answers = [
            (GeneralInterest, &eligibility.general_interest),
            (PublicDomain, &eligibility.public_domain),
            (LivingEnvironment, &eligibility.living_environment),
            (CitizenDelivery, &eligibility.citizen_delivery),
            (UnmetNeed, &eligibility.unmet_need),
            (NoPublicServiceReplaced, &eligibility.no_public_service_replaced),
        ];
        QualificationDraft {
            restated_need: self.restated_need.clone(),
            requester_interest: self.requester_interest.clone(),
            stakeholders: self
                .stakeholders
                .iter()
                .map(|s| StakeholderDraft {
                    name: s.name.clone(),
                    role: s.role.map(|r| r.0),
                    interest: s.interest.clone(),
                    conflicts_with_requester: s.conflicts_with_requester,
                })
                .collect(),
            competence: self.competence.map(|c| c.0),
            competent_authority: self.competent_authority.clone(),
            previously_handled: self.previously_handled.iter().copied().map(RequestId::from_uuid).collect(),
            previously_handled_processes: self
                .previously_handled_processes
                .iter()
                .copied()
                .map(implication_domain::ProcessId::from_uuid)
                .collect(),
            themes: self.themes.iter().map(|t| t.0.clone()).collect(),
            neighbourhood: self.neighbourhood.clone(),
            routing,
            recommended_level: self.recommended_level.map(|l| l.0),
            prerequisites: answers
                .into_iter()
                .filter_map(|(p, answer)| answer.as_ref().map(|a| (p, prerequisite_draft(a))))
                .collect(),
        }
    }

    fn of(q: &Qualification, offices: &Offices) -> Self {
        let answer = |p: FiftyFiftyPrerequisite| {
            q.prerequisites.iter().find(|(key, _)| *key == p).map(|(_, a)| prerequisite_input(a))
        };
        Self {
            restated_need: q.restated_need.clone(),
            requester_interest: q.requester_interest.clone(),
            stakeholders: q
                .stakeholders
                .iter()
                .map(|s| StakeholderInput {
                    name: Some(s.name.clone()),
                    role: Some(s.role.into()),
                    interest: s.interest.clone(),
                    conflicts_with_requester: Some(s.conflicts_with_requester),
                })
                .collect(),
            competence: q.competence.map(Into::into),
            competent_authority: q.competent_authority.clone(),
            previously_handled: q.previously_handled.iter().map(|r| r.as_uuid()).collect(),
            previously_handled_processes: q.previously_handled_processes.iter().map(|p| p.as_uuid()).collect(),
            themes: q.themes.iter().map(|t| CodeItem(t.to_string())).collect(),
            neighbourhood: q.neighbourhood.as_ref().map(ToString::to_string),
            routing: routing_input(offices.codes(&q.routing)),
            recommended_level: q.recommended_level.map(Into::into),
            fifty_fifty_eligibility: EligibilityInput {
                general_interest: answer(FiftyFiftyPrerequisite::GeneralInterest),
                public_domain: answer(FiftyFiftyPrerequisite::PublicDomain),
                living_environment: answer(FiftyFiftyPrerequisite::LivingEnvironment),
                citizen_delivery: answer(FiftyFiftyPrerequisite::CitizenDelivery),
                unmet_need: answer(FiftyFiftyPrerequisite::UnmetNeed),
                no_public_service_replaced: answer(FiftyFiftyPrerequisite::NoPublicServiceReplaced),
            },
        }
    }
}

fn respond(
    request: &Request,
    recorded: Option<&Recorded>,
    offices: &Offices,
    warnings: &[LoadWarning],
) -> HttpResponse {
    let unrecorded = Qualification::unrecorded(request);
    let qualification = recorded.map_or(&unrecorded, |r| &r.qualification);
    let completeness = qualification.completeness();
    let eligibility = qualification.eligibility();
    let view = QualificationView {
        request_id: request.id.as_uuid(),
        document: QualificationDocument::of(qualification, offices),
        complete: completeness.complete,
        missing: completeness.missing.iter().map(|m| (*m).to_owned()).collect(),
        eligible: eligibility.eligible,
        unmet: eligibility.unmet.iter().map(|p| (*p).into()).collect(),
        offered: OfferedView {
            proposed_solution: request.proposed_solution.as_ref().map(|v| v.as_str().to_owned()),
            offer: request.offer.as_ref().map(|v| v.as_str().to_owned()),
        },
        recorded: recorded.is_some(),
        updated_at: recorded.map(|r| r.updated_at),
        warnings: warnings
            .iter()
            .map(|w| LoadWarningView {
                code: "service_over_load_limit",
                service: offices.service(w.service).map(|s| s.code.to_string()).unwrap_or_default(),
                open: w.open,
                load_limit: w.limit,
            })
            .collect(),
    };
    HttpResponse::Ok().insert_header((header::ETAG, etag::from_version(request.version))).json(view)
}

/// Get a request's qualification
///
/// The document with what the domain computes from it: `complete` (and what is `missing`) and
/// `eligible` for a fifty-fifty (and which prerequisites are `unmet`), and, read-only, what the
/// requester proposed and `offered` to do themselves at intake, where the `citizen_delivery`
/// answer starts from. A request never qualified reads as an empty document. The ETag is the
/// request's: a change of either moves it. Staff only: inhabitants and the public never see a
/// qualification.
#[utoipa::path(
    operation_id = "get_request_qualification", tag = "qualification",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The qualification.", body = QualificationView,
            headers(("ETag" = String, description = "The request's version."))),
        (status = 401, response = Unauthorized), (status = 403, response = Forbidden), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/requests/{request}/qualification")]
pub async fn get_request_qualification(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let request = load(&db, &caller.municipality, &path.1).await?;
    let recorded = store::find_for(&db, &request).await?;
    let offices = Offices::load(&db, &caller.municipality).await?;
    let routed = recorded.as_ref().map(|r| r.qualification.routing.services.clone()).unwrap_or_default();
    let warnings = usecases::load_warnings(&db, &caller.municipality, &offices, &routed).await?;
    Ok(respond(&request, recorded.as_ref(), &offices, &warnings))
}

/// Record a request's qualification
///
/// Replaces the whole document (what is left out is cleared). Its themes and neighbourhood
/// become the request's; routing names a delegation and services by code, and makes the request
/// appear in their "my work" lists (`GET …/requests?assigned_to=me`). Every invalid field is
/// named at once. A document never undoes what the request's status required (422 naming the
/// fields): from `qualified` on, the restated need, competence and recommended level; while
/// `redirected`, another competent authority; while `in_fifty_fifty`, the six prerequisites
/// (reopen the request to start over). Needs `If-Match` with the request's ETag; each change is
/// recorded in the request's history (`qualification`, with the names of the fields that
/// changed).
#[utoipa::path(
    operation_id = "put_request_qualification", tag = "qualification",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."),
        ("If-Match" = String, Header, description = "The request's ETag.", example = "\"2\"")),
    request_body(content = QualificationDocument, example = json!({
        "restated_need": "Faire ralentir les voitures rue Lamartine, le soir, là où jouent les enfants.",
        "requester_interest": "Des parents de la cité 12, pour la sécurité de leurs enfants.",
        "stakeholders": [{ "name": "Riverains de la rue Lamartine", "role": "affected_geographically",
            "interest": "Le bruit d'un ralentisseur", "conflicts_with_requester": true }],
        "competence": "municipality",
        "themes": ["roads-and-traffic"], "neighbourhood": "cite-12",
        "routing": { "delegation": "travaux-et-urbanisme", "services": ["services-techniques"] },
        "recommended_level": "consultation",
        "fifty_fifty_eligibility": {
            "general_interest": { "holds": true, "justification": "La sécurité de tous les enfants du quartier." },
            "public_domain": { "holds": true, "justification": "La rue est communale." },
            "living_environment": { "holds": true, "justification": "Moins de vitesse.", "aims": ["safety"] },
            "citizen_delivery": { "holds": false, "justification": "Des travaux de voirie, pas pour des habitants." },
            "unmet_need": { "holds": true, "justification": "Rien ne ralentit les voitures aujourd'hui." },
            "no_public_service_replaced": { "holds": false, "justification": "La voirie est le travail des services." }
        }
    })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded (or unchanged).", body = QualificationView,
            headers(("ETag" = String, description = "The request's new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/requests/{request}/qualification")]
pub async fn put_request_qualification(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: JsonBody<QualificationDocument>,
) -> Result<HttpResponse, ApiError> {
    let document = body.into_inner()?;
    let expected = if_match.precondition()?;
    let routing = RoutingCodes {
        delegation: document.routing.delegation.clone(),
        services: document.routing.services.iter().map(|c| c.0.clone()).collect(),
    };
    let input = QualificationInput { draft: document.draft(Routing::default()), routing };
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let qualified = usecases::qualify(&db, actor, municipality, request_id(&path.1)?, expected, &input).await?;
    Ok(respond(&qualified.request, qualified.recorded.as_ref(), &qualified.offices, &qualified.warnings))
}
