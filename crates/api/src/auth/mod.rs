//! Authentication and authorization for handlers: extractors whose type says who may call.
//!
//! - [`Caller`]: anyone; the principal when a valid token is given (an invalid one is a 401).
//! - [`Authenticated`]: a valid token is required.
//! - [`InMunicipality<R>`]: a caller allowed `R` in the municipality named by the path's
//!   `{municipality}`, with that municipality loaded. Another municipality's caller gets 404.
//!   `R` is [`MemberOf`], [`StaffOf`], [`AdminOf`], or [`StaffOrScope<S>`] for the operations a
//!   partner's tool may call with the scope `S` (e.g. `StaffOrScope<RequestsWrite>`).
//! - [`PlatformAdmin`]: a platform admin acting for the platform.
//!
//! The rule itself is `implication_domain::identity::decide`.

pub mod jwt;
pub mod keys;
/// Passwords and secrets as stored: the identity use cases' rules, shared with the demo loader.
pub use implication_app::identity::secrets;
pub mod throttle;

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use implication_app::Resource;
use implication_domain::Message;
use implication_domain::Municipality;
use implication_domain::identity::{Decision, Principal, Requirement, Scope, Standing, decide, is_platform_admin};
use implication_storage::{
    Database,
    identity::{accounts, clients, municipalities},
};
use jwt::TokenSettings;
use keys::KeySet;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;
use throttle::Throttle;

/// What authentication needs, shared by every worker.
#[derive(Debug)]
pub struct AuthState {
    pub keys: KeySet,
    pub settings: TokenSettings,
    /// Failed logins per account (email).
    pub failures_by_account: Throttle,
    /// Failed logins per client address.
    pub failures_by_address: Throttle,
    /// Every call to the token endpoint, per address.
    pub token_requests: Throttle,
    /// Registrations per address.
    pub registrations: Throttle,
    /// Requests submitted without an account, per address.
    pub anonymous_intake: Throttle,
    /// Wrong ballot codes, per address (codes are short enough to type: guessing is throttled).
    pub ballot_code_failures_by_address: Throttle,
    /// Wrong ballot codes, per survey (`municipality:survey`), whatever the address.
    pub ballot_code_failures_by_survey: Throttle,
    /// Whether the client address may be read from `X-Forwarded-For` (behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

impl AuthState {
    pub fn new(
        keys: KeySet,
        settings: TokenSettings,
        trust_forwarded_for: bool,
        anonymous_intake_per_hour: u32,
    ) -> Self {
        Self {
            keys,
            settings,
            failures_by_account: Throttle::new(5, Duration::from_secs(15 * 60)),
            failures_by_address: Throttle::new(20, Duration::from_secs(15 * 60)),
            token_requests: Throttle::new(60, Duration::from_secs(60)),
            registrations: Throttle::new(10, Duration::from_secs(60 * 60)),
            anonymous_intake: Throttle::new(anonymous_intake_per_hour, Duration::from_secs(60 * 60)),
            ballot_code_failures_by_address: Throttle::new(10, Duration::from_secs(60 * 60)),
            // High: with 25^10 codes this only brakes a mass guess, without letting a few
            // addresses lock the real code holders out.
            ballot_code_failures_by_survey: Throttle::new(5_000, Duration::from_secs(60 * 60)),
            trust_forwarded_for,
        }
    }

    /// The address rate limits are counted by.
    pub fn client_address(&self, req: &HttpRequest) -> String {
        let info = req.connection_info();
        let address = if self.trust_forwarded_for { info.realip_remote_addr() } else { info.peer_addr() };
        address.map(without_port).unwrap_or_default()
    }
}

/// An address without its port, so that one machine is one key: `203.0.113.7:5000`,
/// `[2001:db8::1]:5000` and a bare `2001:db8::1` (as `X-Forwarded-For` gives it) all name the host.
fn without_port(address: &str) -> String {
    if let Ok(ip) = address.parse::<std::net::IpAddr>() {
        return ip.to_string();
    }
    if let Ok(socket) = address.parse::<std::net::SocketAddr>() {
        return socket.ip().to_string();
    }
    address.rsplit_once(':').map_or(address, |(host, _)| host).to_owned()
}

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

fn app_data<T: 'static>(req: &HttpRequest) -> Result<web::Data<T>, ApiError> {
    req.app_data::<web::Data<T>>().cloned().ok_or_else(|| ApiError::Internal("application state missing".to_owned()))
}

/// Anyone; `Some` when a valid bearer token was given.
#[derive(Debug)]
pub struct Caller(pub Option<Principal>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authorization = req.headers().get(header::AUTHORIZATION).map(|v| v.to_str().map(str::to_owned));
        let state = app_data::<AuthState>(req);
        let db = app_data::<Database>(req);
        Box::pin(async move {
            let Some(authorization) = authorization else { return Ok(Caller(None)) };
            let token = authorization
                .ok()
                .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_owned()))
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        Message::new(
                            "the Authorization header must be `Bearer <token>`",
                            "l'en-tête Authorization doit être `Bearer <jeton>`",
                        ),
                        true,
                    )
                })?;
            let (state, db) = (state?, db?);
            let principal = jwt::verify(&state.keys, &state.settings, &token).map_err(|e| {
                tracing::info!(reason = %e, "token refused");
                ApiError::unauthorized(
                    Message::new("the token is invalid or expired", "le jeton est invalide ou expiré"),
                    true,
                )
            })?;
            let active = match &principal {
                Principal::Person { account, municipality, .. } => {
                    accounts::is_active(&db, *account, municipality.as_ref()).await?
                }
                Principal::Client { client, .. } => clients::is_active(&db, *client).await?,
            };
            if !active {
                tracing::info!("token of a suspended or removed account or client");
                return Err(ApiError::unauthorized(
                    Message::new(
                        "the token's account or client is suspended",
                        "le compte ou le client du jeton est suspendu",
                    ),
                    true,
                ));
            }
            Ok(Caller(Some(principal)))
        })
    }
}

/// A caller with a valid token.
#[derive(Debug)]
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            match caller.await?.0 {
                Some(principal) => Ok(Authenticated(principal)),
                None => Err(ApiError::unauthorized(
                    Message::new("this operation needs a bearer token", "cette opération demande un jeton (bearer)"),
                    false,
                )),
            }
        })
    }
}

/// A platform admin, acting for the platform.
#[derive(Debug)]
pub struct PlatformAdmin(pub Principal);

impl FromRequest for PlatformAdmin {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authenticated = Authenticated::from_request(req, payload);
        Box::pin(async move {
            let Authenticated(principal) = authenticated.await?;
            if is_platform_admin(&principal) {
                Ok(PlatformAdmin(principal))
            } else {
                Err(ApiError::Forbidden(Message::new(
                    "only a platform admin may do this",
                    "seul un administrateur de la plateforme peut faire cela",
                )))
            }
        })
    }
}

/// What an [`InMunicipality`] requires of its caller.
pub trait Need {
    const REQUIREMENT: Requirement;
}

/// Any role in the municipality.
#[derive(Debug)]
pub struct MemberOf;
/// An agent, an elected official or an admin of the municipality.
#[derive(Debug)]
pub struct StaffOf;
/// An elected official or the municipality's admin.
#[derive(Debug)]
pub struct ElectedOf;
/// The municipality's admin.
#[derive(Debug)]
pub struct AdminOf;

impl Need for MemberOf {
    const REQUIREMENT: Requirement = Requirement::Member;
}
impl Need for StaffOf {
    const REQUIREMENT: Requirement = Requirement::Staff;
}
impl Need for ElectedOf {
    const REQUIREMENT: Requirement = Requirement::Elected;
}
impl Need for AdminOf {
    const REQUIREMENT: Requirement = Requirement::Admin;
}

/// Staff, or a machine client of the municipality holding the scope `S` (a partner's tool).
#[derive(Debug)]
pub struct StaffOrScope<S>(PhantomData<S>);

/// A scope an operation accepts from machine clients.
pub trait ScopeNeed {
    const SCOPE: Scope;
}

macro_rules! scope_need {
    ($($marker:ident => $scope:ident),+) => {
        $(
            #[doc = concat!("The `", stringify!($scope), "` scope.")]
            #[derive(Debug)]
            pub struct $marker;
            impl ScopeNeed for $marker {
                const SCOPE: Scope = Scope::$scope;
            }
        )+
    };
}

scope_need!(RequestsRead => RequestsRead, RequestsWrite => RequestsWrite, ProjectsRead => ProjectsRead, ProjectsWrite => ProjectsWrite, WebhooksManage => WebhooksManage);

/// The municipality's admin, or a machine client of the municipality holding the scope `S`.
#[derive(Debug)]
pub struct AdminOrScope<S>(PhantomData<S>);

impl<S: ScopeNeed> Need for AdminOrScope<S> {
    const REQUIREMENT: Requirement = Requirement::AdminOrScope(S::SCOPE);
}

impl<S: ScopeNeed> Need for StaffOrScope<S> {
    const REQUIREMENT: Requirement = Requirement::StaffOrScope(S::SCOPE);
}

/// A caller allowed `R` in the municipality of the path, and that municipality.
#[derive(Debug)]
pub struct InMunicipality<R> {
    pub principal: Principal,
    pub municipality: Municipality,
    need: PhantomData<R>,
}

impl<R: Need + 'static> FromRequest for InMunicipality<R> {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let authenticated = Authenticated::from_request(req, payload);
        let slug = req.match_info().get("municipality").map(str::to_owned);
        let hidden = hidden_detail(req.match_pattern().as_deref());
        let db = app_data::<Database>(req);
        Box::pin(async move {
            let Authenticated(principal) = authenticated.await?;
            let slug = slug.ok_or_else(|| ApiError::Internal("route without {municipality}".to_owned()))?;
            let db = db?;
            let municipality =
                municipalities::resolve(&db, &slug).await?.ok_or_else(|| ApiError::no_municipality(&slug))?;
            match decide(&principal, &municipality.slug, R::REQUIREMENT) {
                Decision::Allowed => Ok(InMunicipality { principal, municipality, need: PhantomData }),
                Decision::Hidden => Err(ApiError::NotFound(hidden)),
                Decision::Forbidden => Err(ApiError::Forbidden(Message::new(
                    "your role does not allow this here",
                    "votre rôle ne le permet pas ici",
                ))),
            }
        })
    }
}

/// The 404 of another municipality's resource, in the words of an unknown one of the caller's
/// own (after the route's last parameter): municipalities are public, and "no municipality …"
/// would say that the town, not the resource, is what is missing. (`Resource::not_found` is every
/// resource's own 404 too: `tests/api/first_hour.rs` compares them.)
fn hidden_detail(pattern: Option<&str>) -> Message {
    let resource = pattern.and_then(|p| {
        p.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).rfind(|n| *n != "municipality")
    });
    let resource = match resource {
        Some("request") => Resource::Request,
        Some("account") => Resource::Account,
        Some("client") => Resource::Client,
        Some("service") => Resource::Service,
        Some("delegation") => Resource::Delegation,
        Some("theme") => Resource::Theme,
        Some("process") => Resource::Process,
        Some("meeting") => Resource::Meeting,
        Some("notice") => Resource::Notice,
        Some("survey") => Resource::Survey,
        Some("step") => Resource::Step,
        Some("promise") => Resource::Promise,
        Some("body") => Resource::Body,
        Some("member") => Resource::Member,
        Some("draw") => Resource::Draw,
        Some("subscription") => Resource::Subscription,
        Some("delivery") => Resource::Delivery,
        _ => return crate::problem::nothing_here(),
    };
    resource.not_found()
}

/// Anyone, in the municipality of the path (404 when there is none), with what they are there:
/// for operations open to the public that show more to staff.
#[derive(Debug)]
pub struct Visitor {
    pub standing: Standing,
    pub municipality: Municipality,
}

impl FromRequest for Visitor {
    type Error = ApiError;
    type Future = Boxed<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        let slug = req.match_info().get("municipality").map(str::to_owned);
        let db = app_data::<Database>(req);
        Box::pin(async move {
            let Caller(principal) = caller.await?;
            let slug = slug.ok_or_else(|| ApiError::Internal("route without {municipality}".to_owned()))?;
            let db = db?;
            let municipality =
                municipalities::resolve(&db, &slug).await?.ok_or_else(|| ApiError::no_municipality(&slug))?;
            Ok(Visitor { standing: Standing::of(principal.as_ref(), &municipality.slug), municipality })
        })
    }
}

#[cfg(test)]
mod address_tests {
    use super::without_port;

    #[test]
    fn one_host_is_one_key_with_or_without_a_port_in_ipv4_and_ipv6() {
        assert_eq!(without_port("203.0.113.7:5000"), "203.0.113.7");
        assert_eq!(without_port("203.0.113.7"), "203.0.113.7");
        assert_eq!(without_port("[2001:db8::1]:5000"), "2001:db8::1");
        assert_eq!(without_port("2001:db8::1"), "2001:db8::1");
        assert_ne!(without_port("2001:db8::1"), without_port("2001:db8::2"));
        assert_eq!(without_port("proxy.example:80"), "proxy.example");
    }
}
