//! Errors as RFC 9457 problem documents (`application/problem+json`), the one error type
//! handlers return. 5xx causes are logged, never shown.

use crate::context::RequestContext;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use implication_app::{Resource, UseCaseError};
use implication_domain::requests::lifecycle::TransitionRefusal;
use implication_domain::vocabulary::RequestStatus;
use implication_domain::{FieldError, Language, Message, ValidationErrors};
use implication_storage::StorageError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/invalid-input",
    "title": "Données invalides",
    "status": 422,
    "detail": "1 champ est invalide",
    "instance": "/v1/municipalities",
    "request_id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e",
    "errors": [{ "field": "insee_code", "code": "invalid_insee_code", "message": "doit être un code commune INSEE de 5 caractères : un département (01–95, 2A, 2B, 97, 98) puis 3 chiffres, par exemple 62528" }]
}))]
pub struct Problem {
    /// A stable URI reference per kind of problem; clients switch on it.
    #[serde(rename = "type")]
    #[schema(format = "uri-reference")]
    pub kind: String,
    /// A short summary of the kind of problem, in the language asked for.
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What happened, for this occurrence, in the language asked for (`Content-Language` says
    /// which).
    pub detail: String,
    /// The path of the request that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The `X-Request-Id` of the request, to quote when reporting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every invalid field, for 400 and 422.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// On the token endpoints: the OAuth 2.0 error code (RFC 6749 §5.2), e.g. `invalid_grant`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "invalid_grant")]
    pub error: Option<String>,
    /// When a choice must be made (the municipality a token is for): the possible values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// On a refused transition (409): the statuses the resource may move to from where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["qualifying", "merged"]))]
    pub allowed_transitions: Option<Vec<String>>,
    /// On a transition refused by a rule (409): the rule, e.g. `qualification_incomplete`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::wire::TransitionRule>)]
    pub rule: Option<String>,
}

/// One invalid field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Where the field is: `name`, `settings.answer_delay_days`, a query parameter `limit`.
    pub field: String,
    /// A stable snake_case code (`required`, `out_of_range`, `invalid_slug`…).
    #[schema(value_type = crate::wire::FieldErrorCode)]
    pub code: String,
    /// What is wrong and how to put it right, in the language asked for.
    pub message: String,
}

impl FieldProblem {
    fn of(e: &FieldError, language: Language) -> Self {
        Self { field: e.field.clone(), code: e.code.to_owned(), message: e.message.get(language).to_owned() }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed JSON or parameters (400).
    #[error("{detail}")]
    Malformed { detail: Message, errors: Vec<FieldError> },
    /// No token, or a bad one (401, with `WWW-Authenticate`).
    #[error("{detail}")]
    Unauthorized { detail: Message, invalid_token: bool },
    /// A known caller whose role does not allow this (403).
    #[error("{0}")]
    Forbidden(Message),
    /// Unknown, or another municipality's (404): never say which.
    #[error("{0}")]
    NotFound(Message),
    /// The path exists with other methods (405).
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("expected a body of type {expected}")]
    UnsupportedMediaType { expected: &'static str },
    /// Well-formed but invalid (422), naming every field.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// A unique field already taken (409).
    #[error("{field} is already taken")]
    Duplicate { field: &'static str },
    /// `If-Match` names another version than the current one (412).
    #[error("the resource changed since you read it: get it again, then retry with its new ETag")]
    PreconditionFailed,
    /// `If-Match` is required and missing (428).
    #[error("this change needs an If-Match header with the resource's ETag")]
    PreconditionRequired,
    /// A state change the lifecycle does not allow from here, or a rule refuses (409).
    #[error("{detail}")]
    TransitionRefused { detail: Message, rule: Option<&'static str>, allowed: Vec<String>, lacking: Vec<FieldError> },
    /// Too many attempts (429, with `Retry-After` in seconds).
    #[error("too many attempts; retry in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// An OAuth 2.0 token-endpoint error (RFC 6749 §5.2): 400, or 401 for `invalid_client`.
    #[error("{description}")]
    OAuth { error: &'static str, description: Message, choices: Vec<String> },
    /// The database does not answer (503).
    #[error("the database is unavailable")]
    Unavailable,
    /// A bug: the cause is logged, the client sees nothing of it (500).
    #[error("internal error: {0}")]
    Internal(String),
    /// Another component's error status, re-rendered as a problem.
    #[error("{1}")]
    Other(StatusCode, Message),
}

/// The words of [`ApiError::nowhere`].
pub(crate) fn nothing_here() -> Message {
    Message::new("no resource at this address", "aucune ressource à cette adresse")
}

/// A kind of problem: its status, type URI and titles.
struct Kind {
    slug: &'static str,
    fr: &'static str,
    en: &'static str,
}

impl ApiError {
    pub fn malformed(detail: Message, errors: Vec<FieldError>) -> Self {
        ApiError::Malformed { detail, errors }
    }

    /// 400 for one invalid query or path parameter.
    pub fn bad_parameter(field: &str, code: impl implication_domain::error::ErrorCode, message: Message) -> Self {
        let detail = Message::new(
            format!("the parameter {field} is invalid: {}", message.get(Language::En)),
            format!("le paramètre {field} est invalide : {}", message.get(Language::Fr)),
        );
        ApiError::Malformed { detail, errors: vec![FieldError::new(field, code, message)] }
    }

    pub fn unauthorized(detail: Message, invalid_token: bool) -> Self {
        ApiError::Unauthorized { detail, invalid_token }
    }

    pub fn oauth(error: &'static str, description: Message) -> Self {
        ApiError::OAuth { error, description, choices: Vec::new() }
    }

    /// 404 for `resource`, in the words of the use cases' own (`Resource::not_found`): the same
    /// whether it does not exist or is another municipality's.
    pub fn no(resource: Resource) -> Self {
        ApiError::NotFound(resource.not_found())
    }

    /// 404 for an address no route serves, or that no resource's name can have.
    pub fn nowhere() -> Self {
        ApiError::NotFound(nothing_here())
    }

    /// 404 for a municipality slug that names none (municipalities are public: it may say so).
    pub fn no_municipality(slug: &str) -> Self {
        ApiError::NotFound(Message::new(format!("no municipality {slug}"), format!("aucune commune {slug}")))
    }

    pub fn too_many(retry_after: std::time::Duration) -> Self {
        ApiError::TooManyRequests { retry_after_secs: retry_after.as_secs().max(1) }
    }

    fn kind(&self) -> Kind {
        let (slug, fr, en) = match self {
            ApiError::Malformed { .. } => ("malformed-request", "Requête mal formée", "Malformed request"),
            ApiError::Unauthorized { .. } => ("unauthorized", "Authentification requise", "Authentication required"),
            ApiError::Forbidden(_) => ("forbidden", "Action non autorisée", "Forbidden"),
            ApiError::NotFound(_) => ("not-found", "Ressource introuvable", "Not found"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Méthode non autorisée", "Method not allowed"),
            ApiError::PayloadTooLarge { .. } => {
                ("payload-too-large", "Corps de requête trop volumineux", "Payload too large")
            }
            ApiError::UnsupportedMediaType { .. } => {
                ("unsupported-media-type", "Type de contenu non pris en charge", "Unsupported media type")
            }
            ApiError::Invalid(_) => ("invalid-input", "Données invalides", "Invalid input"),
            ApiError::Duplicate { .. } => ("duplicate", "Déjà existant", "Already exists"),
            ApiError::TransitionRefused { .. } => {
                ("transition-not-allowed", "Changement de statut impossible", "Transition not allowed")
            }
            ApiError::PreconditionFailed => ("precondition-failed", "Version périmée", "Precondition failed"),
            ApiError::PreconditionRequired => {
                ("precondition-required", "En-tête If-Match requis", "Precondition required")
            }
            ApiError::TooManyRequests { .. } => ("too-many-requests", "Trop de tentatives", "Too many requests"),
            ApiError::OAuth { .. } => ("oauth-error", "Demande de jeton refusée", "Token request refused"),
            ApiError::Unavailable => {
                ("service-unavailable", "Service momentanément indisponible", "Service unavailable")
            }
            ApiError::Internal(_) => ("internal-error", "Erreur interne", "Internal error"),
            ApiError::Other(status, _) => {
                return Kind {
                    slug: "http-error",
                    fr: status.canonical_reason().unwrap_or("Erreur"),
                    en: status.canonical_reason().unwrap_or("Error"),
                };
            }
        };
        Kind { slug, fr, en }
    }

    /// What happened, in both languages.
    fn detail(&self) -> Message {
        match self {
            ApiError::Malformed { detail, .. }
            | ApiError::Unauthorized { detail, .. }
            | ApiError::TransitionRefused { detail, .. }
            | ApiError::OAuth { description: detail, .. }
            | ApiError::Forbidden(detail)
            | ApiError::NotFound(detail)
            | ApiError::Other(_, detail) => detail.clone(),
            ApiError::Invalid(errors) if errors.0.len() == 1 => {
                Message::new("1 field is invalid", "1 champ est invalide")
            }
            ApiError::Invalid(errors) => Message::new(
                format!("{} fields are invalid", errors.0.len()),
                format!("{} champs sont invalides", errors.0.len()),
            ),
            ApiError::MethodNotAllowed { allow } => Message::new(
                format!("this path answers {}", allow.join(", ")),
                format!("cette adresse répond à {}", allow.join(", ")),
            ),
            ApiError::PayloadTooLarge { limit } => Message::new(
                format!("the body is larger than {limit} bytes"),
                format!("le corps dépasse {limit} octets"),
            ),
            ApiError::UnsupportedMediaType { expected } => Message::new(
                format!("expected a body of type {expected}"),
                format!("un corps de type {expected} est attendu"),
            ),
            ApiError::Duplicate { field } => {
                Message::new(format!("{field} is already taken"), format!("« {field} » est déjà pris"))
            }
            ApiError::PreconditionFailed => Message::new(
                "the resource changed since you read it: get it again, then retry with its new ETag",
                "la ressource a changé depuis votre lecture : relisez-la, puis réessayez avec son nouvel ETag",
            ),
            ApiError::PreconditionRequired => Message::new(
                "this change needs an If-Match header with the resource's ETag",
                "ce changement demande un en-tête If-Match portant l'ETag de la ressource",
            ),
            ApiError::TooManyRequests { retry_after_secs } => Message::new(
                format!("too many attempts; retry in {retry_after_secs} seconds"),
                format!("trop de tentatives ; réessayez dans {retry_after_secs} secondes"),
            ),
            ApiError::Unavailable => Message::new(
                "the database does not answer; retry shortly (a submission retried with the same Idempotency-Key is done once)",
                "la base de données ne répond pas ; réessayez bientôt (un dépôt rejoué avec la même Idempotency-Key n'est fait qu'une fois)",
            ),
            ApiError::Internal(_) => Message::new(
                "an unexpected error occurred; quote the request id when reporting it",
                "une erreur inattendue s'est produite ; citez l'identifiant de la requête en la signalant",
            ),
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Malformed { errors, .. } => errors.clone(),
            ApiError::Invalid(errors) => errors.0.clone(),
            ApiError::TransitionRefused { lacking, .. } => lacking.clone(),
            ApiError::Duplicate { field } => vec![FieldError::new(
                *field,
                implication_domain::error::Code::Taken,
                Message::new(format!("this {field} is already taken"), format!("« {field} » est déjà pris")),
            )],
            _ => Vec::new(),
        }
    }

    /// The problem document for this error, in the request's language and with its id.
    pub fn problem(&self, context: Option<&RequestContext>) -> Problem {
        let kind = self.kind();
        let language = context.map_or(Language::default(), |c| c.language);
        Problem {
            kind: format!("/problems/{}", kind.slug),
            title: match language {
                Language::Fr => kind.fr,
                Language::En => kind.en,
            }
            .to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail().get(language).to_owned(),
            instance: context.map(|c| c.path.clone()),
            request_id: context.map(|c| c.request_id.clone()),
            errors: self.field_errors().iter().map(|e| FieldProblem::of(e, language)).collect(),
            error: match self {
                ApiError::OAuth { error, .. } => Some((*error).to_owned()),
                ApiError::Unauthorized { invalid_token: true, .. } => Some("invalid_token".to_owned()),
                _ => None,
            },
            choices: match self {
                ApiError::OAuth { choices, .. } => choices.clone(),
                _ => Vec::new(),
            },
            allowed_transitions: match self {
                ApiError::TransitionRefused { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
            rule: match self {
                ApiError::TransitionRefused { rule, .. } => rule.map(str::to_owned),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Duplicate { .. } | ApiError::TransitionRefused { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::OAuth { error: "invalid_client", .. } => StatusCode::UNAUTHORIZED,
            ApiError::OAuth { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Other(status, _) => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(cause = %cause, "internal error");
        }
        let context = crate::context::current_context();
        let mut response = HttpResponse::build(self.status_code());
        let language = context.as_ref().map_or(Language::default(), |c| c.language);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        response.insert_header((header::CONTENT_LANGUAGE, language.code()));
        match self {
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unauthorized { invalid_token, .. } => {
                let challenge = if *invalid_token {
                    r#"Bearer realm="implication", error="invalid_token""#
                } else {
                    r#"Bearer realm="implication""#
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            ApiError::OAuth { error: "invalid_client", .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="implication""#));
            }
            _ => {}
        }
        response.json(self.problem(context.as_ref()))
    }
}

impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Unavailable(cause) => {
                tracing::warn!(cause = %cause, "database unavailable");
                ApiError::Unavailable
            }
            StorageError::Duplicate(field) => ApiError::Duplicate { field },
            StorageError::Stale => ApiError::PreconditionFailed,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<UseCaseError> for ApiError {
    fn from(err: UseCaseError) -> Self {
        match err {
            UseCaseError::NotFound(what) => ApiError::no(what),
            UseCaseError::Stale => ApiError::PreconditionFailed,
            UseCaseError::Invalid(errors) => ApiError::Invalid(errors),
            UseCaseError::Refused(refusal) => transition_refused(refusal),
            UseCaseError::ProcessRefused(refusal) => process_refused(refusal),
            UseCaseError::ProjectRefused(refusal) => project_refused(refusal),
            UseCaseError::RoundRefused(refusal) => ApiError::TransitionRefused {
                detail: refusal.message,
                rule: Some(refusal.rule.code()),
                allowed: Vec::new(),
                lacking: Vec::new(),
            },
            UseCaseError::NarrativeRefused(refusal) => ApiError::TransitionRefused {
                detail: refusal.message,
                rule: Some(refusal.rule.code()),
                allowed: Vec::new(),
                lacking: Vec::new(),
            },
            UseCaseError::Forbidden(why) => ApiError::Forbidden(why),
            UseCaseError::UnknownClient => {
                ApiError::unauthorized(Message::new("unknown client", "client inconnu"), true)
            }
            UseCaseError::UnknownAccount => {
                ApiError::unauthorized(Message::new("unknown account", "compte inconnu"), true)
            }
            UseCaseError::KeyReused => ApiError::Invalid(ValidationErrors(vec![FieldError::new(
                crate::context::IDEMPOTENCY_KEY,
                implication_domain::error::Code::KeyReused,
                Message::new(
                    "this key was already used for a different request: use a new key for a new request",
                    "cette clé a déjà servi pour une autre demande : prenez une nouvelle clé pour une nouvelle demande",
                ),
            )])),
            UseCaseError::Internal(cause) => ApiError::Internal(cause),
            UseCaseError::Storage(err) => err.into(),
        }
    }
}

/// A refused transition: 409 with the statuses allowed from here (and the rule, with what is
/// lacking, when a guard refused), or 422 when the ask itself is invalid.
fn transition_refused(refused: TransitionRefusal) -> ApiError {
    let codes = |allowed: &[RequestStatus]| allowed.iter().map(|s| s.code().to_owned()).collect();
    match refused {
        TransitionRefusal::NotAllowed { from, to, allowed } => ApiError::TransitionRefused {
            detail: Message::new(
                format!("a request in {from} cannot move to {to}"),
                format!("une demande en {from} ne peut pas passer à {to}"),
            ),
            rule: None,
            allowed: codes(&allowed),
            lacking: Vec::new(),
        },
        TransitionRefusal::Guard { rule, message, allowed, lacking } => {
            ApiError::TransitionRefused { detail: message, rule: Some(rule.code()), allowed: codes(&allowed), lacking }
        }
        TransitionRefusal::Invalid(errors) => ApiError::Invalid(errors),
    }
}

/// A refused change of a process: 409 with the statuses allowed from here and, when a rule
/// refused it, the rule; 422 when the ask itself is invalid.
fn process_refused(refused: implication_domain::participation::Refusal) -> ApiError {
    use implication_domain::participation::Refusal;
    use implication_domain::vocabulary::ProcessStatus;
    let codes = |allowed: &[ProcessStatus]| allowed.iter().map(|s| s.code().to_owned()).collect();
    match refused {
        Refusal::NotAllowed { from, to, allowed } => ApiError::TransitionRefused {
            detail: Message::new(
                format!("a process in {from} cannot move to {to}"),
                format!("une démarche en {from} ne peut pas passer à {to}"),
            ),
            rule: None,
            allowed: codes(&allowed),
            lacking: Vec::new(),
        },
        Refusal::Guard { rule, message, allowed } => ApiError::TransitionRefused {
            detail: message,
            rule: Some(rule.code()),
            allowed: codes(&allowed),
            lacking: Vec::new(),
        },
        Refusal::Invalid(errors) => ApiError::Invalid(errors),
    }
}

/// A refused change of a project: 409 with the statuses allowed from here, or the rule and what
/// is lacking (the diagnostic's missing fields, each open risk); 422 when the ask is invalid.
fn project_refused(refused: implication_domain::conventions::Refusal) -> ApiError {
    use implication_domain::conventions::Refusal;
    match refused {
        Refusal::NotAllowed { from, to, allowed } => ApiError::TransitionRefused {
            detail: Message::new(
                format!("a project in {from} cannot move to {to}"),
                format!("un projet en {from} ne peut pas passer à {to}"),
            ),
            rule: None,
            allowed: allowed.iter().map(|s| s.code().to_owned()).collect(),
            lacking: Vec::new(),
        },
        Refusal::Guard { rule, message, lacking } => {
            ApiError::TransitionRefused { detail: message, rule: Some(rule.code()), allowed: Vec::new(), lacking }
        }
        Refusal::Invalid(errors) => ApiError::Invalid(errors),
    }
}
