//! The town's answers to a request: every request gets one ("the principle of truth"). The
//! requester reads them all (by tracking code or as the submitter); the public reads the public
//! ones of a published request.

use crate::auth::{InMunicipality, StaffOf, Visitor};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::resources::requests::input::AnswerInput;
use crate::resources::requests::views::{AnswerList, AnswerView};
use crate::resources::requests::{load, request_id};
use crate::resources::with_location;
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use actix_web::{HttpResponse, get, post, web};
use implication_app::requests as usecases;
use implication_domain::requests::{AnswerDraft, Audience};
use implication_storage::{Database, requests as store};

/// List a request's answers
///
/// Staff and the request's submitter see every answer; anyone sees the public answers of a
/// published request.
#[utoipa::path(
    operation_id = "list_answers", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id.")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The answers, oldest first.", body = AnswerList),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/requests/{request}/answers")]
pub async fn list_answers(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let request = load(&db, &visitor.municipality, &path.1).await?;
    let audience = request.audience(&visitor.standing).ok_or_else(crate::resources::requests::no_request)?;
    let answers = store::answers(&db, request.id, audience == Audience::Public).await?;
    Ok(HttpResponse::Ok().json(AnswerList { items: answers.iter().map(AnswerView::from).collect() }))
}

/// Answer a request
///
/// Staff write to the requester, who reads it when following the request; `public: true` also
/// shows it with the published request. The history records it. Staff only.
#[utoipa::path(
    operation_id = "create_answer", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id.")),
    request_body(content = AnswerInput, example = json!({
        "text": "Merci pour votre signalement. Un comptage des véhicules aura lieu la semaine prochaine.", "public": true })),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Sent.", body = AnswerView,
            headers(("Location" = String, description = "The request's answers.")),
            links(
                ("ListAnswers" = (operation_id = "list_answers",
                    description = "The request's answers, this one included.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$request.path.request")
                    ))),
                ("GetRequest" = (operation_id = "get_request", description = "The request answered.",
                    parameters(
                        ("municipality" = "$request.path.municipality"),
                        ("request" = "$request.path.request")
                    )))
            )),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/municipalities/{municipality}/requests/{request}/answers")]
pub async fn create_answer(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    body: JsonBody<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let draft = AnswerDraft { text: input.text, public: input.public };
    let (actor, municipality) = (caller.principal.actor(), &caller.municipality);
    let answer = usecases::answer(&db, actor, municipality, request_id(&path.1)?, &draft).await?;
    let location = format!("/v1/municipalities/{}/requests/{}/answers", municipality.slug, answer.request);
    with_location(HttpResponse::Created().json(AnswerView::from(&answer)), &location)
}
