//! The token endpoint (OAuth 2.0 shapes, RFC 6749), revocation (RFC 7009) and the public keys.

use crate::auth::jwt::{self, Subject};
use crate::auth::secrets::{constant_time_eq, dummy_hash, hashing, random_secret, sha256_hex, verify_password};
use crate::auth::{AuthState, keys::Jwks};
use crate::problem::ApiError;
use crate::responses::{InternalError, ServiceUnavailable, TooManyRequests};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use implication_domain::Message;
use implication_domain::identity::{Email, Scope, SubjectError, TokenSubject, choose_subject};
use implication_domain::{Slug, time};
use implication_storage::identity::tokens::Rotation;
use implication_storage::{
    Database,
    identity::{accounts, clients, tokens},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A token request, form-encoded as RFC 6749 says. Which fields apply depends on `grant_type`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenForm {
    /// `password`, `refresh_token` or `client_credentials`.
    #[schema(example = "password")]
    pub grant_type: String,
    /// `password`: the account's email.
    #[schema(example = "agent@loos-en-gohelle.demo")]
    pub username: Option<String>,
    /// `password`: the account's password.
    #[schema(example = "implication-demo", format = "password")]
    pub password: Option<String>,
    /// `password`: the municipality the token is for, when the person has roles in several.
    #[schema(example = "loos-en-gohelle")]
    pub municipality: Option<String>,
    /// `refresh_token`: the refresh token received last (each is good once).
    pub refresh_token: Option<String>,
    /// `client_credentials` (or HTTP Basic authentication).
    #[schema(example = "demo-partner")]
    pub client_id: Option<String>,
    /// `client_credentials` (or HTTP Basic authentication).
    #[schema(format = "password")]
    pub client_secret: Option<String>,
    /// `client_credentials`: the scopes wanted, space-separated (default: all the client's).
    #[schema(example = "requests:read")]
    pub scope: Option<String>,
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds the access token is valid.
    #[schema(example = 900)]
    pub expires_in: u64,
    /// For people: exchange it at this endpoint (`grant_type=refresh_token`) for new tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// For machine clients: the granted scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "requests:read requests:write")]
    pub scope: Option<String>,
    /// The municipality the token speaks for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "loos-en-gohelle")]
    pub municipality: Option<String>,
    /// The role it carries there.
    #[schema(example = "agent")]
    pub role: String,
}

/// Get a token
///
/// OAuth 2.0 token endpoint (RFC 6749), form-encoded. `grant_type=password` (people: `username`,
/// `password`, and `municipality` when they hold roles in several — without it, a 400 lists the
/// choices), `grant_type=refresh_token` (the refresh token is rotated at each use; presenting a
/// used one revokes its whole family), `grant_type=client_credentials` (partner tools:
/// `client_id` and `client_secret`, in the form or with HTTP Basic). Errors carry RFC 6749's
/// `error` code in the problem document. Failed logins are slowed down per account and per
/// address, and the endpoint is rate limited per address (429 with `Retry-After`).
#[utoipa::path(
    operation_id = "create_token",
    tag = "auth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded",
        example = json!({ "grant_type": "password", "username": "agent@loos-en-gohelle.demo", "password": "implication-demo" })),
    security(),
    responses(
        (status = 200, description = "Tokens.", body = TokenResponse,
            headers(("Cache-Control" = String, description = "`no-store`")),
            example = json!({ "access_token": "eyJhbGciOiJFZERTQSIsImtpZCI6Ik…", "token_type": "Bearer", "expires_in": 900,
                "refresh_token": "3q2-7wE…", "municipality": "loos-en-gohelle", "role": "agent" })),
        (status = 400, description = "`invalid_request`, `invalid_grant`, `unsupported_grant_type` or `invalid_scope`; \
            `choices` lists the municipalities when one must be named.", body = crate::problem::Problem, content_type = "application/problem+json",
            example = json!({ "type": "/problems/oauth-error", "title": "Demande de jeton refusée", "status": 400,
                "detail": "the email or password is wrong", "error": "invalid_grant", "instance": "/v1/auth/token" })),
        (status = 401, description = "`invalid_client`: unknown client or wrong secret.", body = crate::problem::Problem,
            content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Basic realm=\"implication\"`"))),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/auth/token")]
pub async fn create_token(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, ApiError> {
    let address = auth.client_address(&req);
    auth.token_requests.hit(&address).map_err(ApiError::too_many)?;
    let form = form.into_inner();
    let response = match form.grant_type.as_str() {
        "password" => password_grant(&db, &auth, &address, form).await?,
        "refresh_token" => refresh_grant(&db, &auth, form).await?,
        "client_credentials" => client_grant(&req, &db, &auth, &address, form).await?,
        other => {
            return Err(ApiError::oauth(
                "unsupported_grant_type",
                Message::new(
                    format!("grant_type {other} is not supported: use password, refresh_token or client_credentials"),
                    format!(
                        "grant_type {other} n'est pas pris en charge : utilisez password, refresh_token ou client_credentials"
                    ),
                ),
            ));
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(response))
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::oauth(
            "invalid_request",
            Message::new(format!("{name} is required"), format!("{name} est obligatoire")),
        )
    })
}

async fn password_grant(
    db: &Database,
    auth: &AuthState,
    address: &str,
    form: TokenForm,
) -> Result<TokenResponse, ApiError> {
    let username = required(form.username, "username")?;
    let password = required(form.password, "password")?;
    let asked = form
        .municipality
        .as_deref()
        .map(|m| {
            Slug::parse(m).map_err(|_| {
                ApiError::oauth(
                    "invalid_request",
                    Message::new(
                        "municipality must be a municipality's slug",
                        "municipality doit être l'identifiant (slug) d'une commune",
                    ),
                )
            })
        })
        .transpose()?;
    let wrong = || {
        ApiError::oauth(
            "invalid_grant",
            Message::new("the email or password is wrong", "l'adresse électronique ou le mot de passe est erroné"),
        )
    };
    // Counted by account only for what can be an account (an email: at most 254 bytes), so that
    // a made-up username of any length is not kept; the address's own limit still counts it.
    let account_key = username.trim().to_lowercase();
    let account_key = Email::parse("username", &account_key).is_ok().then_some(account_key);
    if let Some(key) = &account_key {
        auth.failures_by_account.check(key).map_err(ApiError::too_many)?;
    }
    auth.failures_by_address.check(address).map_err(ApiError::too_many)?;

    let found = match Email::parse("username", &username) {
        Ok(email) => accounts::find_with_password_by_email(db, &email).await?,
        Err(_) => None,
    };
    // Without an account, a hash of nothing is checked (on the hashing threads, like any other).
    let stored = found.as_ref().map(|(_, hash)| hash.clone());
    let matches = hashing(move || match &stored {
        Some(hash) => verify_password(&password, hash),
        None => verify_password(&password, dummy_hash()),
    })
    .await
    .map_err(|e| ApiError::Internal(format!("password check: {e}")))?;
    let account = match found {
        Some((account, _)) if matches && account.active => account,
        _ => {
            if let Some(key) = &account_key {
                auth.failures_by_account.record(key);
            }
            auth.failures_by_address.record(address);
            return Err(wrong());
        }
    };
    if let Some(key) = &account_key {
        auth.failures_by_account.reset(key);
    }

    let memberships = accounts::memberships(db, account.id).await?;
    let subject = choose_subject(&memberships, account.platform_admin, asked.as_ref()).map_err(subject_error)?;
    issue_for_person(db, auth, account.id, subject, None).await
}

fn subject_error(error: SubjectError) -> ApiError {
    match error {
        SubjectError::Ambiguous(choices) => ApiError::OAuth {
            error: "invalid_request",
            description: Message::new(
                "you hold roles in several municipalities: name one with the municipality parameter",
                "vous avez des rôles dans plusieurs communes : nommez-en une avec le paramètre municipality",
            ),
            choices: choices.iter().map(ToString::to_string).collect(),
        },
        SubjectError::NoRole => ApiError::oauth(
            "invalid_grant",
            Message::new(
                "you hold no active role in this municipality",
                "vous n'avez aucun rôle actif dans cette commune",
            ),
        ),
    }
}

/// An access token and a refresh token (a new family, or the next one of `family`).
async fn issue_for_person(
    db: &Database,
    auth: &AuthState,
    account: implication_domain::AccountId,
    subject: TokenSubject,
    next_refresh: Option<String>,
) -> Result<TokenResponse, ApiError> {
    let (municipality, role) = match &subject {
        TokenSubject::Member { municipality, role } => (Some(municipality.clone()), Some(*role)),
        TokenSubject::Platform { municipality } => (municipality.clone(), None),
    };
    let access_token =
        jwt::issue(&auth.keys, &auth.settings, &Subject::Person { account, municipality: municipality.as_ref(), role })
            .map_err(|e| ApiError::Internal(format!("signing a token: {e}")))?;
    let refresh_token = match next_refresh {
        Some(token) => token,
        None => {
            let token = random_secret().map_err(ApiError::Internal)?;
            tokens::issue(db, account, municipality.as_ref(), &sha256_hex(&token), refresh_expiry(auth)).await?;
            token
        }
    };
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: auth.settings.access_ttl.as_secs(),
        refresh_token: Some(refresh_token),
        scope: None,
        municipality: municipality.map(|m| m.to_string()),
        role: role.map_or(jwt::ROLE_PLATFORM_ADMIN.to_owned(), |r| r.code().to_owned()),
    })
}

fn refresh_expiry(auth: &AuthState) -> chrono::DateTime<chrono::Utc> {
    time::now() + chrono::Duration::from_std(auth.settings.refresh_ttl).unwrap_or(chrono::Duration::days(30))
}

async fn refresh_grant(db: &Database, auth: &AuthState, form: TokenForm) -> Result<TokenResponse, ApiError> {
    let presented = required(form.refresh_token, "refresh_token")?;
    let next = random_secret().map_err(ApiError::Internal)?;
    let grant = match tokens::rotate(db, &sha256_hex(&presented), &sha256_hex(&next), refresh_expiry(auth)).await? {
        Rotation::Rotated(grant) => grant,
        Rotation::Reused => {
            tracing::warn!("a used refresh token was presented again: its family is revoked");
            return Err(ApiError::oauth(
                "invalid_grant",
                Message::new(
                    "this refresh token was already used: sign in again",
                    "ce jeton de renouvellement a déjà servi : reconnectez-vous",
                ),
            ));
        }
        Rotation::Invalid => {
            return Err(ApiError::oauth(
                "invalid_grant",
                Message::new("unknown or expired refresh token", "jeton de renouvellement inconnu ou expiré"),
            ));
        }
    };
    let gone = || {
        ApiError::oauth(
            "invalid_grant",
            Message::new("the account can no longer sign in here", "ce compte ne peut plus se connecter ici"),
        )
    };
    let account = accounts::find(db, grant.account).await?.filter(|a| a.active).ok_or_else(gone)?;
    let subject = match &grant.municipality {
        None if account.platform_admin => TokenSubject::Platform { municipality: None },
        None => return Err(gone()),
        Some(asked) => {
            let memberships = accounts::memberships(db, account.id).await?;
            choose_subject(&memberships, account.platform_admin, Some(asked)).map_err(|_| gone())?
        }
    };
    issue_for_person(db, auth, account.id, subject, Some(next)).await
}

/// `client_id`/`client_secret` from HTTP Basic (RFC 6749 §2.3.1) or the form.
fn client_credentials(req: &HttpRequest, form: &TokenForm) -> Option<(String, String)> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| pair.split_once(':').map(|(id, secret)| (id.to_owned(), secret.to_owned())));
    basic.or_else(|| Some((form.client_id.clone()?, form.client_secret.clone()?)))
}

async fn client_grant(
    req: &HttpRequest,
    db: &Database,
    auth: &AuthState,
    address: &str,
    form: TokenForm,
) -> Result<TokenResponse, ApiError> {
    auth.failures_by_address.check(address).map_err(ApiError::too_many)?;
    let refused = || {
        ApiError::oauth(
            "invalid_client",
            Message::new("unknown client or wrong secret", "client inconnu ou secret erroné"),
        )
    };
    let (client_id, secret) = client_credentials(req, &form).ok_or_else(refused)?;
    // No client id we issue has a control character (and PostgreSQL's text refuses NUL).
    if client_id.chars().any(char::is_control) {
        auth.failures_by_address.record(address);
        return Err(refused());
    }
    let found = clients::find_by_client_id(db, &client_id).await?;
    let (client, municipality) = match found {
        Some((client, municipality, hash)) if client.active && constant_time_eq(&hash, &sha256_hex(&secret)) => {
            (client, municipality)
        }
        _ => {
            auth.failures_by_address.record(address);
            return Err(refused());
        }
    };
    let scopes = match form.scope.as_deref().filter(|s| !s.trim().is_empty()) {
        None => client.scopes.clone(),
        Some(asked) => {
            let asked = Scope::parse_list(asked).map_err(|unknown| {
                ApiError::oauth(
                    "invalid_scope",
                    Message::new(format!("unknown scope {unknown}"), format!("portée inconnue : {unknown}")),
                )
            })?;
            if let Some(extra) = asked.iter().find(|s| !client.scopes.contains(s)) {
                return Err(ApiError::oauth(
                    "invalid_scope",
                    Message::new(
                        format!("this client may not have {}", extra.code()),
                        format!("ce client ne peut pas avoir {}", extra.code()),
                    ),
                ));
            }
            asked
        }
    };
    let access_token = jwt::issue(
        &auth.keys,
        &auth.settings,
        &Subject::Client { client: client.id, municipality: &municipality, scopes: &scopes },
    )
    .map_err(|e| ApiError::Internal(format!("signing a token: {e}")))?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: auth.settings.access_ttl.as_secs(),
        refresh_token: None,
        scope: Some(Scope::join(&scopes)),
        municipality: Some(municipality.to_string()),
        role: jwt::ROLE_CLIENT.to_owned(),
    })
}

/// A revocation request (RFC 7009).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeForm {
    /// The refresh token to revoke (with every token of its family).
    pub token: String,
    /// `refresh_token` (access tokens are short-lived and simply expire).
    #[schema(example = "refresh_token")]
    pub token_type_hint: Option<String>,
}

/// Revoke a token
///
/// Revokes a refresh token and every token rotated from it (RFC 7009: signing out). Answers 200
/// whether or not the token was known, so that it tells nothing.
#[utoipa::path(
    operation_id = "revoke_token",
    tag = "auth",
    request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded",
        example = json!({ "token": "3q2-7wE…", "token_type_hint": "refresh_token" })),
    security(),
    responses(
        (status = 200, description = "Revoked (or unknown)."),
        (status = 400, response = crate::responses::BadRequest),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/auth/revoke")]
pub async fn revoke_token(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, ApiError> {
    auth.token_requests.hit(&auth.client_address(&req)).map_err(ApiError::too_many)?;
    // An access token cannot be revoked (it expires within minutes): only refresh tokens are looked up.
    if form.token_type_hint.as_deref() != Some("access_token") {
        tokens::revoke_by_hash(&db, &sha256_hex(&form.token)).await?;
    }
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).finish())
}

/// Public keys
///
/// The public keys that verify this API's access tokens (JWKS, RFC 7517; Ed25519 keys for
/// `EdDSA`). A token's `kid` names its key; during a rotation, the old key is still listed.
#[utoipa::path(
    operation_id = "get_jwks",
    tag = "auth",
    security(),
    responses((status = 200, description = "The key set.", body = Jwks))
)]
#[get("/.well-known/jwks.json")]
pub async fn get_jwks(auth: web::Data<AuthState>) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "public, max-age=300")).json(auth.keys.jwks())
}
