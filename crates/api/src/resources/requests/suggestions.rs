//! Requests on the same subject as the one being qualified: precedents to link
//! (`previously_handled`) and duplicates to merge. Staff only.

use super::load;
use crate::auth::{InMunicipality, StaffOf};
use crate::pagination::field_problem;
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use crate::wire;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use implication_domain::Message;
use implication_domain::requests::Request;
use implication_domain::requests::similarity::{self, Similarity};
use implication_storage::{Database, requests};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The most suggestions one call returns.
const MAX_LIMIT: usize = 50;
const DEFAULT_LIMIT: usize = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionParams {
    /// How many suggestions, at most (1 to 50, default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50, example = 10)]
    pub limit: Option<String>,
}

/// Another request, as staff see it in a suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedRequest {
    pub id: Uuid,
    #[schema(example = "2026-00042", pattern = "^[0-9]{4}-[0-9]{5,}$")]
    pub registration_number: String,
    pub title: String,
    pub status: wire::RequestStatus,
    pub received_on: NaiveDate,
    pub themes: Vec<String>,
    pub neighbourhood: Option<String>,
}

/// A request on the same subject, and why it is suggested.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestion {
    pub request: SuggestedRequest,
    /// Higher is closer: 2 a shared theme, 2 the same neighbourhood, 2 a shared word (3 when it
    /// is in both titles).
    pub score: u32,
    pub shared_themes: Vec<String>,
    pub same_neighbourhood: bool,
    /// The words both share (folded: lowercase, without accents, singular).
    pub shared_words: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "items": [{
    "request": { "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "registration_number": "2026-00007",
        "title": "Poubelles non ramassées rue Bayard", "status": "redirected", "received_on": "2026-09-21",
        "themes": ["waste-and-cleanliness"], "neighbourhood": "cite-5" },
    "score": 13, "shared_themes": ["waste-and-cleanliness"], "same_neighbourhood": true,
    "shared_words": ["poubelle", "ramassee", "bayard"]
}] }))]
pub struct SuggestionList {
    pub items: Vec<Suggestion>,
}

fn suggestion(other: &Request, why: Similarity) -> Suggestion {
    Suggestion {
        request: SuggestedRequest {
            id: other.id.as_uuid(),
            registration_number: other.registration_number.to_string(),
            title: other.title.as_str().to_owned(),
            status: other.status.into(),
            received_on: other.received_on,
            themes: other.themes.iter().map(ToString::to_string).collect(),
            neighbourhood: other.neighbourhood.as_ref().map(ToString::to_string),
        },
        score: why.score,
        shared_themes: why.shared_themes.iter().map(ToString::to_string).collect(),
        same_neighbourhood: why.same_neighbourhood,
        shared_words: why.shared_terms,
    }
}

/// Suggest requests on the same subject
///
/// Other requests of the municipality that look like the same subject — shared themes, the same
/// neighbourhood, shared words in title or description — most similar first, so that the agent
/// qualifying this one can link them as precedents or merge duplicates. Merged requests are left
/// out (the one they went into stands for them). Staff only.
#[utoipa::path(
    operation_id = "list_request_suggestions", tag = "qualification",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("request" = Uuid, Path, description = "The request's id."), SuggestionParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The suggestions, most similar first.", body = SuggestionList),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/requests/{request}/suggestions")]
pub async fn list_request_suggestions(
    db: web::Data<Database>,
    caller: InMunicipality<StaffOf>,
    path: web::Path<(String, String)>,
    params: web::Query<SuggestionParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = match params.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(raw) => raw.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            ApiError::malformed(
                Message::new("invalid parameters", "paramètres invalides"),
                vec![field_problem(
                    "limit",
                    implication_domain::error::Code::OutOfRange,
                    Message::new(
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                        format!("doit être un nombre entier de 1 à {MAX_LIMIT}"),
                    ),
                )],
            )
        })?,
    };
    let request = load(&db, &caller.municipality, &path.1).await?;
    let candidates = requests::similar_candidates(&db, &request).await?;
    let items = similarity::rank(&request, &candidates, limit).into_iter().map(|(r, why)| suggestion(r, why)).collect();
    Ok(HttpResponse::Ok().json(SuggestionList { items }))
}
