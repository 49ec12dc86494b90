//! The contract: the OpenAPI document generated from the handlers (registered in `routes`), and
//! the table of paths and methods the 405 answers are built from. The shared error responses
//! operations refer to are in `responses`, a leaf module.

use crate::problem::Problem;
use crate::responses::{
    BadRequest, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, ServiceUnavailable, TooManyRequests, TransitionConflict, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::routes;
use actix_web::App;
use actix_web::dev::ResourceDef;
use utoipa::OpenApi;
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
    servers((url = "/", description = "This deployment: the origin that serves this contract. Clients give the \
origin of the deployment they call (a town's own, or a peer city's): every path of the contract starts with `/`.")),
    tags(
        (name = "municipalities", description = "The towns this deployment serves, and their neighbourhoods."),
        (name = "auth", description = "Tokens (OAuth 2.0 shapes) and the public keys that verify them."),
        (name = "requests", description = "Inhabitants' requests: intake from every channel, registration, lifecycle, history, answers, public views and tracking."),
        (name = "qualification", description = "Qualifying a request: restated need, stakeholders, competence, routing to a delegation and services, recommended participation level, fifty-fifty eligibility; and requests on the same subject."),
        (name = "participation", description = "Participation processes: a subject opened to the inhabitants at a level (information, consultation, coproduction) that may change with a reason, from qualified requests or the town's initiative, to a decision that says who decided and why and closes the requests it gathered."),
        (name = "conventions", description = "Fifty-fifty projects: from eligible requests or a coproduction process, a project is diagnosed (its weight, tasks, cost and risks), its convention drafted and signed by every party, followed, and ended (completed, abandoned, or taken over by the services), closing its requests."),
        (name = "evaluation", description = "What the method produces, counted: indicators for a period, each beside the previous period's, public for the published data."),
        (name = "accounts", description = "Who is calling; accounts, services, delegations and machine clients of a municipality."),
        (name = "privacy", description = "Personal data (GDPR articles 15, 17 and 20): everything held about a person, exported as JSON, and erased — by the person with their account, by a requester with their tracking code, or by an admin on someone's behalf; each erasure recorded without what it erased."),
        (name = "open311", description = "Open311 GeoReport v2 (open311.org), for the civic reporting apps that speak it: discovery, the services (the town's themes), the service requests (its published requests) and posting a report with a machine client's secret as `api_key`, each in JSON or XML as its suffix says. `jurisdiction_id` is the municipality's slug (needed where the deployment hosts several); errors are the spec's list of `{code, description}`, not problem documents."),
        (name = "webhooks", description = "Subscriptions of the town's admin or of a partner's tool (`webhooks:manage`) to the town's events: signed as Standard Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`: `v1,` and the base64 of HMAC-SHA256 over `id.timestamp.body` with the key after `whsec_`), delivered at least once from an outbox written with each change, each resource's events in order, retried over about a day; a delivery log per subscription, redelivery, a ping. The event types are `WebhookEventType`'s values."),
        (name = "vocabulary", description = "Every enumeration with its French and English labels."),
        (name = "operations", description = "Health, readiness and metrics, for operators.")
    ),
    components(
        schemas(Problem),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TransitionConflict, PreconditionFailed, PayloadTooLarge,
            UnsupportedMediaType, Unprocessable, PreconditionRequired, TooManyRequests, InternalError, ServiceUnavailable
        )
    ),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// Declares the bearer scheme operations refer to (`security(("bearer" = []))`).
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /v1/auth/token` (EdDSA-signed JWT; keys at `/.well-known/jwks.json`).",
                    ))
                    .build(),
            ),
        );
    }
}

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
