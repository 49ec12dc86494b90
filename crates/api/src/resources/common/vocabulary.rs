//! The vocabulary: every enumeration of the domain with its labels, so that no client hard-codes one.

use crate::context::language;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get};
use implication_domain::vocabulary::catalogue;
use serde::Serialize;
use utoipa::ToSchema;

/// Every enumeration, labelled in one language.
#[derive(Debug, Serialize, ToSchema)]
pub struct VocabularyView {
    /// The language of the labels: `fr` (default) or `en`.
    #[schema(example = "fr")]
    pub language: String,
    pub enumerations: Vec<EnumerationView>,
}

/// One enumeration and its values, in their natural order.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnumerationView {
    /// Its name, as fields that take it are described (`request_kind`).
    #[schema(example = "participation_level")]
    pub name: String,
    #[schema(example = "Niveau de participation")]
    pub label: String,
    pub values: Vec<ValueView>,
}

/// A code the API speaks, and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueView {
    #[schema(example = "consultation")]
    pub code: String,
    #[schema(example = "Concertation")]
    pub label: String,
}

/// Get the vocabulary
///
/// Every enumeration the API uses (request kinds, channels, statuses, participation levels,
/// fifty-fifty prerequisites, convention statuses…) with its labels in French, or in English
/// when `Accept-Language` prefers it.
#[utoipa::path(
    operation_id = "get_vocabulary",
    tag = "vocabulary",
    params(
        ("Accept-Language" = Option<String>, Header, description = "`fr` (default) or `en`, with the usual quality values.", example = "en")
    ),
    security(),
    responses(
        (status = 200, description = "The vocabulary.", body = VocabularyView,
            headers(("Content-Language" = String, description = "`fr` or `en`.")),
            example = json!({ "language": "fr", "enumerations": [{
                "name": "participation_level", "label": "Niveau de participation",
                "values": [
                    { "code": "information", "label": "Information" },
                    { "code": "consultation", "label": "Concertation" },
                    { "code": "coproduction", "label": "Coproduction" }
                ]
            }]}))
    )
)]
#[get("/v1/vocabulary")]
pub async fn get_vocabulary(req: HttpRequest) -> HttpResponse {
    let language = language(req.headers());
    let enumerations = catalogue()
        .into_iter()
        .map(|e| EnumerationView {
            name: e.name.to_owned(),
            label: e.description.get(language).to_owned(),
            values: e
                .values
                .iter()
                .map(|(code, label)| ValueView { code: (*code).to_owned(), label: label.get(language).to_owned() })
                .collect(),
        })
        .collect();
    HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .insert_header((header::VARY, "Accept-Language"))
        .json(VocabularyView { language: language.code().to_owned(), enumerations })
}
