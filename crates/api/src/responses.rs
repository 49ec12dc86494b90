//! The error responses operations share in the contract (`response = NotFound`…): a leaf module,
//! so that handlers can name them without depending on the contract's assembly.

use serde_json::json;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

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
        "paramètres de pagination invalides",
        json!([
            { "field": "limit", "code": "out_of_range", "message": "doit être un nombre entier de 1 à 200" }
        ])
    )
);
shared_response!(
    Unauthorized,
    "No bearer token, or one that is invalid, expired, or whose account or client is suspended.",
    example(
        "unauthorized",
        "Authentification requise",
        401,
        "le jeton est invalide ou expiré",
        serde_json::Value::Null
    ),
    ("WWW-Authenticate", "`Bearer realm=\"implication\"`, with `error=\"invalid_token\"` when a token was refused.")
);
shared_response!(
    Forbidden,
    "The caller is known, but their role or scopes do not allow this.",
    example("forbidden", "Action non autorisée", 403, "your role does not allow this here", serde_json::Value::Null)
);
shared_response!(
    TransitionConflict,
    "The lifecycle does not allow this change from the current status, or a rule refuses it: \
     `allowed_transitions` lists where the resource may go from here, `rule` names the refusing rule \
     and `errors` lists, field by field, what the resource lacks for it (a request's qualification).",
    {
        let mut example = example(
            "transition-not-allowed",
            "Changement de statut impossible",
            409,
            "une demande en received ne peut pas passer à closed",
            serde_json::Value::Null,
        );
        if let Some(map) = example.as_object_mut() {
            map.insert("allowed_transitions".to_owned(), json!(["qualifying", "merged"]));
        }
        example
    }
);
shared_response!(
    Conflict,
    "A unique value is already taken; `errors` names the field.",
    example(
        "duplicate",
        "Déjà existant",
        409,
        "« email » est déjà pris",
        json!([
            { "field": "email", "code": "taken", "message": "« email » est déjà pris" }
        ])
    )
);
shared_response!(
    PreconditionFailed,
    "`If-Match` names an older version: someone changed the resource since you read it.",
    example(
        "precondition-failed",
        "Version périmée",
        412,
        "la ressource a changé depuis votre lecture : relisez-la, puis réessayez avec son nouvel ETag",
        serde_json::Value::Null
    )
);
shared_response!(
    PayloadTooLarge,
    "The body is larger than the server accepts.",
    example(
        "payload-too-large",
        "Corps de requête trop volumineux",
        413,
        "le corps dépasse 262144 octets",
        serde_json::Value::Null
    )
);
shared_response!(
    UnsupportedMediaType,
    "The body is not of the expected type (`application/json`, or a form for the token endpoints).",
    example(
        "unsupported-media-type",
        "Type de contenu non pris en charge",
        415,
        "un corps de type application/json est attendu",
        serde_json::Value::Null
    )
);
shared_response!(
    Unprocessable,
    "Well-formed, but invalid: `errors` names every invalid field.",
    example(
        "invalid-input",
        "Données invalides",
        422,
        "1 champ est invalide",
        json!([
            { "field": "email", "code": "invalid_email", "message": "doit être une adresse électronique comme agent@loos-en-gohelle.fr" }
        ])
    )
);
shared_response!(
    PreconditionRequired,
    "This change needs `If-Match` with the resource's `ETag`.",
    example(
        "precondition-required",
        "En-tête If-Match requis",
        428,
        "ce changement demande un en-tête If-Match portant l'ETag de la ressource",
        serde_json::Value::Null
    )
);
shared_response!(
    TooManyRequests,
    "Too many attempts from this address or for this account; retry after the delay given.",
    example(
        "too-many-requests",
        "Trop de tentatives",
        429,
        "trop de tentatives ; réessayez dans 60 secondes",
        serde_json::Value::Null
    ),
    ("Retry-After", "Seconds to wait before retrying.")
);
shared_response!(
    NotFound,
    "Nothing here, or nothing this caller may know of (another municipality's data answers the same).",
    example("not-found", "Ressource introuvable", 404, "aucune commune loos-en-gohelle", serde_json::Value::Null)
);
shared_response!(
    ServiceUnavailable,
    "The database does not answer, or it cut the request off (it is shutting down, restarting or \
    busy): retry after the delay given. A write's outcome is then unknown: an operation that takes an \
    `Idempotency-Key` (a request's submission) retried with the same key is never done twice.",
    example(
        "service-unavailable",
        "Service momentanément indisponible",
        503,
        "la base de données ne répond pas ; réessayez bientôt (un dépôt rejoué avec la même Idempotency-Key n'est fait qu'une fois)",
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
        "une erreur inattendue s'est produite ; citez l'identifiant de la requête en la signalant",
        serde_json::Value::Null
    )
);
