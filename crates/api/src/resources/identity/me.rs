//! The caller's own account: who am I, registering as an inhabitant, changing one's password.

use crate::auth::{AuthState, Authenticated};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use crate::responses::{
    Conflict, Forbidden, InternalError, ServiceUnavailable, TooManyRequests, Unauthorized, Unprocessable,
};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use implication_app::identity::accounts::RegistrationDraft;
use implication_domain::Message;
use implication_domain::identity::Principal;
use implication_storage::{
    Database,
    identity::{accounts, clients, municipalities},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A role held in a municipality.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    #[schema(example = "loos-en-gohelle")]
    pub municipality: String,
    #[schema(example = "agent")]
    pub role: String,
    /// False when suspended by the municipality's admin.
    pub active: bool,
}

/// What the current token speaks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActingView {
    #[schema(example = "loos-en-gohelle")]
    pub municipality: Option<String>,
    /// `inhabitant`, `agent`, `elected`, `admin`, `platform_admin` or `client`.
    #[schema(example = "agent")]
    pub role: String,
    /// A machine client's scopes.
    pub scopes: Vec<String>,
}

/// Who is calling.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "kind": "person", "id": "0193a5f2-7c1e-7b3a-9d4e-2f6a8b1c0d9e", "email": "agent@loos-en-gohelle.demo",
    "display_name": "Agent de démonstration", "platform_admin": false,
    "memberships": [{ "municipality": "loos-en-gohelle", "role": "agent", "active": true }],
    "acting_as": { "municipality": "loos-en-gohelle", "role": "agent", "scopes": [] }
}))]
pub struct MeView {
    /// `person` or `client`.
    pub kind: &'static str,
    pub id: Uuid,
    /// A person's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub platform_admin: bool,
    /// A person's roles, in every municipality.
    pub memberships: Vec<MembershipView>,
    /// A machine client's public id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The association a machine client acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<String>,
    pub acting_as: ActingView,
}

/// Who am I
///
/// The caller's identity: a person's account and roles in every municipality, or a machine
/// client's association and scopes; and what the current token speaks for.
#[utoipa::path(
    operation_id = "get_me",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller.", body = MeView),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/me")]
pub async fn get_me(db: web::Data<Database>, caller: Authenticated) -> Result<HttpResponse, ApiError> {
    let view = match caller.0 {
        Principal::Person { account, municipality, role, platform_admin } => {
            let found = accounts::find(&db, account)
                .await?
                .ok_or_else(|| ApiError::unauthorized(Message::new("unknown account", "compte inconnu"), true))?;
            let memberships = accounts::memberships(&db, account).await?;
            MeView {
                kind: "person",
                id: account.as_uuid(),
                email: Some(found.email.as_str().to_owned()),
                display_name: found.display_name,
                platform_admin: found.platform_admin,
                memberships: memberships
                    .iter()
                    .map(|m| MembershipView {
                        municipality: m.municipality.to_string(),
                        role: m.role.code().to_owned(),
                        active: m.active,
                    })
                    .collect(),
                client_id: None,
                association: None,
                acting_as: ActingView {
                    municipality: municipality.map(|m| m.to_string()),
                    role: match (role, platform_admin) {
                        (Some(role), _) => role.code().to_owned(),
                        (None, _) => crate::auth::jwt::ROLE_PLATFORM_ADMIN.to_owned(),
                    },
                    scopes: Vec::new(),
                },
            }
        }
        Principal::Client { client, municipality, scopes } => {
            let town = municipalities::find_by_slug(&db, municipality.as_str()).await?.ok_or_else(|| {
                ApiError::unauthorized(Message::new("unknown municipality", "commune inconnue"), true)
            })?;
            let found = clients::find(&db, town.id, client.as_uuid())
                .await?
                .ok_or_else(|| ApiError::unauthorized(Message::new("unknown client", "client inconnu"), true))?;
            MeView {
                kind: "client",
                id: client.as_uuid(),
                email: None,
                display_name: Some(found.name),
                platform_admin: false,
                memberships: Vec::new(),
                client_id: Some(found.client_id),
                association: Some(found.association),
                acting_as: ActingView {
                    municipality: Some(municipality.to_string()),
                    role: crate::auth::jwt::ROLE_CLIENT.to_owned(),
                    scopes: scopes.iter().map(|s| s.code().to_owned()).collect(),
                },
            }
        }
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(view))
}

/// A new inhabitant's account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    #[schema(example = "habitant@example.org", max_length = 254, format = "email")]
    pub email: String,
    /// 10 to 128 characters.
    #[schema(example = "un mot de passe assez long", min_length = 10, max_length = 128, format = "password")]
    pub password: String,
    /// The municipality where they live.
    #[schema(example = "loos-en-gohelle", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub municipality: String,
    #[schema(
        example = "Camille",
        min_length = 1,
        max_length = 120,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub display_name: Option<String>,
}

/// The account created.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub id: Uuid,
    pub email: String,
    #[schema(example = "loos-en-gohelle")]
    pub municipality: String,
    #[schema(example = "inhabitant")]
    pub role: String,
    /// False until the address is confirmed (a hook point: no mail is sent by this API yet).
    pub email_verified: bool,
}

/// Register as an inhabitant
///
/// Opens an account (email and password) with the role of inhabitant in a municipality; then get
/// a token with `grant_type=password`. An existing account gets the role when its password is
/// given. Rate limited per address.
#[utoipa::path(
    operation_id = "register",
    tag = "accounts",
    request_body(content = RegistrationInput, example = json!({
        "email": "habitant@example.org", "password": "un mot de passe assez long", "municipality": "loos-en-gohelle", "display_name": "Camille" })),
    security(),
    responses(
        (status = 201, description = "Registered.", body = RegistrationView,
            headers(("Location" = String, description = "`/v1/me`")),
            links(
                ("GetAccount" = (operation_id = "get_account",
                    description = "The new account, as the municipality's admins see it.",
                    parameters(
                        ("municipality" = "$response.body#/municipality"),
                        ("account" = "$response.body#/id")
                    )))
            )),
        (status = 400, response = crate::responses::BadRequest),
        (status = 409, response = Conflict),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/registrations")]
pub async fn register(
    req: HttpRequest,
    db: web::Data<Database>,
    auth: web::Data<AuthState>,
    body: JsonBody<RegistrationInput>,
) -> Result<HttpResponse, ApiError> {
    auth.registrations.hit(&auth.client_address(&req)).map_err(ApiError::too_many)?;
    let input = body.into_inner()?;
    let draft = RegistrationDraft {
        email: input.email,
        password: input.password,
        display_name: input.display_name,
        municipality: input.municipality,
    };
    let (member, town) = implication_app::identity::accounts::register(&db, &draft).await?;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, "/v1/me")).json(RegistrationView {
        id: member.account.id.as_uuid(),
        email: member.account.email.as_str().to_owned(),
        municipality: town.slug.to_string(),
        role: member.role.code().to_owned(),
        email_verified: member.account.email_verified,
    }))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(format = "password", min_length = 1, max_length = 128)]
    pub current_password: String,
    /// 10 to 128 characters.
    #[schema(format = "password", min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Change my password
///
/// Needs the current password. Every refresh token of the account is revoked: other sessions
/// must sign in again.
#[utoipa::path(
    operation_id = "change_my_password",
    tag = "accounts",
    request_body(content = PasswordChange, example = json!({ "current_password": "implication-demo", "new_password": "un nouveau mot de passe" })),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed."),
        (status = 400, response = crate::responses::BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = crate::responses::PayloadTooLarge),
        (status = 415, response = crate::responses::UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[post("/v1/me/password")]
pub async fn change_my_password(
    db: web::Data<Database>,
    caller: Authenticated,
    body: JsonBody<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let Principal::Person { account, .. } = caller.0 else {
        return Err(ApiError::Forbidden(Message::new(
            "a machine client has no password: rotate its secret instead",
            "un client machine n'a pas de mot de passe : renouvelez plutôt son secret",
        )));
    };
    implication_app::identity::accounts::change_password(&db, account, &body.current_password, &body.new_password)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
