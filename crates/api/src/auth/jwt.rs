//! Access tokens: short-lived JWTs signed with EdDSA, with a `kid` naming the key.
//! The algorithm is pinned: a token signed otherwise (`none`, HS256…) is refused.

use super::keys::KeySet;
use implication_domain::identity::{Principal, Scope};
use implication_domain::vocabulary::Role;
use implication_domain::{AccountId, MachineClientId, Slug};
use jsonwebtoken::{Algorithm, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// What every access token says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The account's id, or the machine client's.
    pub sub: Uuid,
    /// The municipality the token speaks for (absent for a platform admin acting for the platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    /// `inhabitant`, `agent`, `elected`, `admin`, `platform_admin`, or `client`.
    pub role: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
}

pub const ROLE_PLATFORM_ADMIN: &str = "platform_admin";
pub const ROLE_CLIENT: &str = "client";

/// The issuer, audience and lifetime every token is made and checked with.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

/// Why a token was refused (all of them answer 401; the reason is only logged).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed: {0}")]
    Malformed(String),
    #[error("the token names no key, or an unknown one")]
    UnknownKey,
    #[error("the token is invalid: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("the token's claims are inconsistent: {0}")]
    Claims(String),
}

/// Who a token is issued to.
#[derive(Debug, Clone)]
pub enum Subject<'a> {
    Person { account: AccountId, municipality: Option<&'a Slug>, role: Option<Role> },
    Client { client: MachineClientId, municipality: &'a Slug, scopes: &'a [Scope] },
}

pub fn issue(
    keys: &KeySet,
    settings: &TokenSettings,
    subject: &Subject<'_>,
) -> Result<String, jsonwebtoken::errors::Error> {
    let now = chrono::Utc::now().timestamp();
    let ttl = i64::try_from(settings.access_ttl.as_secs()).unwrap_or(900);
    let (sub, municipality, role, scopes) = match subject {
        Subject::Person { account, municipality, role } => (
            account.as_uuid(),
            municipality.map(|m| m.to_string()),
            role.map_or(ROLE_PLATFORM_ADMIN.to_owned(), |r| r.code().to_owned()),
            Vec::new(),
        ),
        Subject::Client { client, municipality, scopes } => (
            client.as_uuid(),
            Some(municipality.to_string()),
            ROLE_CLIENT.to_owned(),
            scopes.iter().map(|s| s.code().to_owned()).collect(),
        ),
    };
    let claims = Claims {
        sub,
        municipality,
        role,
        scopes,
        iss: settings.issuer.clone(),
        aud: settings.audience.clone(),
        iat: now,
        nbf: now,
        exp: now + ttl,
        jti: Uuid::now_v7(),
    };
    let (kid, key) = keys.signing();
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    encode(&header, &claims, key)
}

/// Verifies signature, algorithm, key, issuer, audience and time, then reads the principal.
pub fn verify(keys: &KeySet, settings: &TokenSettings, token: &str) -> Result<Principal, TokenError> {
    let header = decode_header(token).map_err(|e| TokenError::Malformed(e.to_string()))?;
    let key = header.kid.as_deref().and_then(|kid| keys.verifying(kid)).ok_or(TokenError::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[&settings.issuer]);
    validation.set_audience(&[&settings.audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    let claims = decode::<Claims>(token, key, &validation)?.claims;
    principal(claims)
}

fn principal(claims: Claims) -> Result<Principal, TokenError> {
    let municipality =
        claims.municipality.as_deref().map(Slug::parse).transpose().map_err(|e| TokenError::Claims(e.to_owned()))?;
    match claims.role.as_str() {
        ROLE_CLIENT => {
            let scopes = claims
                .scopes
                .iter()
                .map(|s| Scope::from_code(s).ok_or_else(|| TokenError::Claims(format!("unknown scope {s}"))))
                .collect::<Result<_, _>>()?;
            let municipality =
                municipality.ok_or_else(|| TokenError::Claims("a client token names no municipality".to_owned()))?;
            Ok(Principal::Client { client: MachineClientId::from_uuid(claims.sub), municipality, scopes })
        }
        ROLE_PLATFORM_ADMIN => Ok(Principal::Person {
            account: AccountId::from_uuid(claims.sub),
            municipality,
            role: None,
            platform_admin: true,
        }),
        code => {
            let role = Role::from_code(code).ok_or_else(|| TokenError::Claims(format!("unknown role {code}")))?;
            let municipality =
                municipality.ok_or_else(|| TokenError::Claims("a role without a municipality".to_owned()))?;
            Ok(Principal::Person {
                account: AccountId::from_uuid(claims.sub),
                municipality: Some(municipality),
                role: Some(role),
                platform_admin: false,
            })
        }
    }
}
