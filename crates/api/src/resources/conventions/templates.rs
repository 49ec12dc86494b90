//! A town's clause templates: the articles from 4 on that its new conventions start with.

use crate::auth::{AdminOf, InMunicipality, Visitor};
use crate::etag;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::ApiError;
use crate::resources::conventions::text::{ClauseInput, ClauseView};
use crate::responses::{
    BadRequest, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed, PreconditionRequired,
    ServiceUnavailable, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use actix_web::http::header;
use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use implication_app::conventions::templates as usecases;
use implication_domain::conventions::convention::{ClauseDraft, ClauseTemplates};
use implication_storage::Database;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_clause_templates).service(put_clause_templates);
}

/// The clauses a town's new conventions start with.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "version": 0, "annex_a3": true, "updated_at": null,
    "clauses": [{ "title": "Assurance", "text": "Chaque partie doit être assurée pour le matériel et les risques de la conduite, pour le corporel du ou des conducteurs et des autres, et pour la responsabilité civile." }]
}))]
pub struct ClauseTemplatesView {
    /// The version `If-Match` names (0: annex A3's, never written).
    #[schema(minimum = 0, example = 0)]
    pub version: i32,
    /// Annex A3's articles 4 to 7, as every town starts, until its admin writes its own.
    pub annex_a3: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// In order: the first is article 4.
    pub clauses: Vec<ClauseView>,
}

impl From<&ClauseTemplates> for ClauseTemplatesView {
    fn from(t: &ClauseTemplates) -> Self {
        Self {
            version: t.version,
            annex_a3: t.version == 0,
            updated_at: t.updated_at,
            clauses: t.clauses.iter().map(|c| ClauseView { title: c.title.clone(), text: c.text.clone() }).collect(),
        }
    }
}

/// The clause templates, all of them, replacing those before.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClauseTemplatesInput {
    #[serde(default, deserialize_with = "crate::extract::objects")]
    #[schema(min_items = 1, max_items = 20)]
    pub clauses: Vec<ClauseInput>,
}

fn respond(templates: &ClauseTemplates) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag::from_version(templates.version)))
        .json(ClauseTemplatesView::from(templates))
}

/// Get the clause templates
///
/// The clauses (articles 4 onwards) the town's new conventions start with when their text gives
/// none: annex A3's articles 4 to 7 — insurance, accidents, equipment breakage, caducity — until
/// the town's admin writes its own. Public: every signed convention shows its clauses anyway.
#[utoipa::path(
    operation_id = "get_clause_templates", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The templates.", body = ClauseTemplatesView,
            headers(("ETag" = String, description = "Their version (`\"0\"`: annex A3's), for `If-Match`."))),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/clause-templates")]
pub async fn get_clause_templates(db: web::Data<Database>, visitor: Visitor) -> Result<HttpResponse, ApiError> {
    let templates = usecases::load(&db, &visitor.municipality).await?;
    Ok(respond(&templates))
}

/// Change the clause templates
///
/// The town's admin writes the clauses its new conventions start with: all of them, in order (the
/// first is article 4), one at least, each with its title and text — every invalid one named at
/// once. Conventions already drafted keep their own clauses. Needs `If-Match` (`"0"` the first
/// time).
#[utoipa::path(
    operation_id = "put_clause_templates", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("If-Match" = String, Header, description = "The templates' ETag.", example = "\"0\"")),
    request_body(content = ClauseTemplatesInput, example = json!({ "clauses": [
        { "title": "Assurance", "text": "Chaque partie est assurée pour son matériel, le corporel et sa responsabilité civile." },
        { "title": "Caducité de la convention", "text": "Tout manquement avéré aux articles 1 à 4 rend la présente convention caduque." }
    ] })),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed.", body = ClauseTemplatesView,
            headers(("ETag" = String, description = "Their new version."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable), (status = 428, response = PreconditionRequired),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[put("/v1/municipalities/{municipality}/clause-templates")]
pub async fn put_clause_templates(
    db: web::Data<Database>,
    caller: InMunicipality<AdminOf>,
    if_match: IfMatch,
    body: JsonBody<ClauseTemplatesInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let expected = if_match.precondition()?;
    let drafts: Vec<ClauseDraft> =
        input.clauses.iter().map(|c| ClauseDraft { title: c.title.clone(), text: c.text.clone() }).collect();
    let changed = usecases::change(&db, &caller.municipality, expected, &drafts).await?;
    Ok(respond(&changed))
}
