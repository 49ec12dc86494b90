//! The contract: the OpenAPI document generated from the handlers, its shared error responses,
//! and the table of paths and methods the 405 answers are built from.

use crate::problem::Problem;
use crate::routes;
use actix_web::App;
use actix_web::dev::ResourceDef;
use serde_json::json;
use utoipa::OpenApi;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Implication",
        description = "A public API for citizen involvement in towns, after the method of Loos-en-Gohelle: \
inhabitants' requests from every channel, their qualification, participation levels \
(information, consultation, coproduction), fifty-fifty projects under signed conventions, and their evaluation. \
One deployment can host many municipalities; nobody ever sees another municipality's private data.\n\n\
Errors are `application/problem+json` (RFC 9457). Lists are cursor-paginated. Labels of every enumeration \
come from `GET /v1/vocabulary`, in French (default) or English (`Accept-Language`).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "Implication contributors", url = "https://github.com/implication-civic/implication")
    ),
    tags(
        (name = "municipalities", description = "The towns this deployment serves, and their neighbourhoods."),
        (name = "vocabulary", description = "Every enumeration with its French and English labels."),
        (name = "operations", description = "Health, readiness and metrics, for operators.")
    ),
    components(
        schemas(Problem),
        responses(BadRequest, NotFound, ServiceUnavailable, InternalError)
    )
)]
struct ApiDoc;

/// The whole contract, as served at `/openapi.json` and committed in `openapi/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes::configure).split_for_parts();
    api
}

/// The contract as pretty JSON with a final newline: the exact bytes of the committed file.
pub fn document_json() -> Result<String, serde_json::Error> {
    document().to_pretty_json().map(|json| json + "\n")
}

/// Every path the API answers and the methods it answers them with, to say `405` and `Allow`
/// instead of `404` when only the method is wrong.
#[derive(Debug)]
pub struct RouteTable(Vec<(ResourceDef, Vec<String>)>);

impl RouteTable {
    /// Built from the contract (every documented route), plus the undocumented GET routes.
    pub fn new(api: &utoipa::openapi::OpenApi, extra_get_paths: &[&str]) -> Self {
        let mut routes: Vec<(ResourceDef, Vec<String>)> = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                let operations = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ];
                for (method, operation) in operations {
                    if operation.is_some() {
                        methods.push(method.to_owned());
                    }
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        routes.extend(extra_get_paths.iter().map(|p| (ResourceDef::new(*p), vec!["GET".to_owned()])));
        Self(routes)
    }

    /// The methods `path` answers, if it is a known path.
    pub fn allowed_methods(&self, path: &str) -> Option<Vec<String>> {
        let mut allowed: Vec<String> = self
            .0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        allowed.sort();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
}

fn problem_response(description: &str, example: serde_json::Value, headers: &[(&str, &str)]) -> RefOr<Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).example(Some(example)).build();
    let mut response = ResponseBuilder::new().description(description).content(crate::problem::PROBLEM_JSON, content);
    for (name, description) in headers {
        let header = HeaderBuilder::new()
            .schema(Some(utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String)))
            .description(Some(*description))
            .build();
        response = response.header(*name, header);
    }
    response.build().into()
}

fn example(slug: &str, title: &str, status: u16, detail: &str, errors: serde_json::Value) -> serde_json::Value {
    let mut value = json!({
        "type": format!("/problems/{slug}"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/v1/municipalities/loos-en-gohelle",
        "request_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e"
    });
    if let (Some(map), false) = (value.as_object_mut(), errors.is_null()) {
        map.insert("errors".to_owned(), errors);
    }
    value
}

/// Declares a shared error response, referenced from operations as `response = Name`.
macro_rules! shared_response {
    ($name:ident, $description:literal, $example:expr $(, ($header:literal, $header_description:literal))*) => {
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), problem_response($description, $example, &[$(($header, $header_description)),*]))
            }
        }
    };
}

shared_response!(
    BadRequest,
    "Malformed parameters or body; `errors` names each invalid field.",
    example(
        "malformed-request",
        "Requête mal formée",
        400,
        "invalid paging parameters",
        json!([
            { "field": "limit", "code": "out_of_range", "message": "must be a whole number from 1 to 200" }
        ])
    )
);
shared_response!(
    NotFound,
    "Nothing here, or nothing this caller may know of (another municipality's data answers the same).",
    example("not-found", "Ressource introuvable", 404, "no municipality loos-en-gohelle", serde_json::Value::Null)
);
shared_response!(
    ServiceUnavailable,
    "The database does not answer; retry after the delay given.",
    example(
        "service-unavailable",
        "Service momentanément indisponible",
        503,
        "the database does not answer; retry shortly",
        serde_json::Value::Null
    ),
    ("Retry-After", "Seconds to wait before retrying.")
);
shared_response!(
    InternalError,
    "An unexpected error (a bug); nothing of its cause is shown. Quote the request id when reporting it.",
    example(
        "internal-error",
        "Erreur interne",
        500,
        "an unexpected error occurred; quote the request id when reporting it",
        serde_json::Value::Null
    )
);
