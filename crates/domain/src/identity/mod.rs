//! People, roles, machine clients and scopes: who may call, and what they may do.
//!
//! Authorization is decided here, once ([`decide`]); the HTTP layer only extracts the caller
//! and the municipality named in the path. Municipalities and their neighbourhoods live here
//! too: a town is the tenant every account, role and resource belongs to.

pub mod municipality;
pub mod neighbourhood;
pub mod personal_data;

crate::error_codes!(
    /// Field error codes of the identity context.
    Code {
        InvalidEmail = "invalid_email",
        InvalidInseeCode = "invalid_insee_code",
        NoCode = "no_code",
        NotElected = "not_elected",
        SelfLockout = "self_lockout",
        UnknownMunicipality = "unknown",
        UnknownRole = "unknown_role",
        UnknownScope = "unknown_scope",
        UnknownService = "unknown_service",
        UnknownDelegation = "unknown_delegation",
        WrongPassword = "wrong_password",
    }
);

use crate::error::FieldError;
use crate::error::Message;
use crate::ids::{AccountId, DelegationId, MachineClientId, ServiceId};
use crate::slug::Slug;
use crate::vocabulary::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address, trimmed and lowercased so that one person has one account.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let normalised = value.trim().to_lowercase();
        let valid = normalised.len() <= Self::MAX_LEN
            && normalised.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            })
            && !normalised.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(normalised))
        } else {
            Err(FieldError::new(
                field,
                crate::identity::Code::InvalidEmail,
                Message::new(
                    "must be an email address such as agent@loos-en-gohelle.fr",
                    "doit être une adresse électronique comme agent@loos-en-gohelle.fr",
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Emails are personal data: they never print in debug output (and so never reach a log).
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(…)")
    }
}

/// A password that meets the policy; never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 128;

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let length = value.chars().count();
        if length < Self::MIN_LEN {
            return Err(FieldError::new(
                field,
                crate::error::Code::TooShort,
                Message::new(
                    format!("must be at least {} characters", Self::MIN_LEN),
                    format!("{} caractères au moins", Self::MIN_LEN),
                ),
            ));
        }
        if length > Self::MAX_LEN {
            return Err(FieldError::new(
                field,
                crate::error::Code::TooLong,
                Message::new(
                    format!("must be at most {} characters", Self::MAX_LEN),
                    format!("{} caractères au plus", Self::MAX_LEN),
                ),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// What a machine client may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "requests:read")]
    RequestsRead,
    #[serde(rename = "requests:write")]
    RequestsWrite,
    /// The projects and conventions naming the client's organisation as a party.
    #[serde(rename = "projects:read")]
    ProjectsRead,
    /// Recording how the client's organisation kept its commitments.
    #[serde(rename = "projects:write")]
    ProjectsWrite,
    /// The processes that gathered a request of the client's association, even before they open.
    #[serde(rename = "processes:read")]
    ProcessesRead,
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::RequestsRead,
        Scope::RequestsWrite,
        Scope::ProjectsRead,
        Scope::ProjectsWrite,
        Scope::ProcessesRead,
        Scope::WebhooksManage,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Scope::RequestsRead => "requests:read",
            Scope::RequestsWrite => "requests:write",
            Scope::ProjectsRead => "projects:read",
            Scope::ProjectsWrite => "projects:write",
            Scope::ProcessesRead => "processes:read",
            Scope::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Parses a space-separated scope list (RFC 6749 §3.3), sorted and without repeats.
    /// The scopes of a space-separated list; `Err` names the first unknown one.
    pub fn parse_list(value: &str) -> Result<Vec<Scope>, String> {
        let mut scopes = Vec::new();
        for code in value.split_whitespace() {
            let scope = Self::from_code(code).ok_or_else(|| code.to_owned())?;
            scopes.push(scope);
        }
        scopes.sort();
        scopes.dedup();
        Ok(scopes)
    }

    pub fn join(scopes: &[Scope]) -> String {
        scopes.iter().map(|s| s.code()).collect::<Vec<_>>().join(" ")
    }
}

/// The role a person holds in one municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub municipality: Slug,
    pub role: Role,
    pub active: bool,
}

/// Which municipality and role a person's token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSubject {
    /// A role in one municipality.
    Member { municipality: Slug, role: Role },
    /// A platform admin acting for the platform (or, with `municipality`, inside one they hold no role in).
    Platform { municipality: Option<Slug> },
}

/// Why no token subject could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectError {
    /// Several municipalities are possible: the caller must name one (a 400 listing them).
    Ambiguous(Vec<Slug>),
    /// The person holds no active role where asked (or anywhere).
    NoRole,
}

/// Chooses what a person's token speaks for: the municipality asked for, or their only one.
pub fn choose_subject(
    memberships: &[Membership],
    platform_admin: bool,
    asked: Option<&Slug>,
) -> Result<TokenSubject, SubjectError> {
    let active: Vec<&Membership> = memberships.iter().filter(|m| m.active).collect();
    match asked {
        Some(asked) => match active.iter().find(|m| &m.municipality == asked) {
            Some(m) => Ok(TokenSubject::Member { municipality: m.municipality.clone(), role: m.role }),
            None if platform_admin => Ok(TokenSubject::Platform { municipality: Some(asked.clone()) }),
            None => Err(SubjectError::NoRole),
        },
        None => match (active.as_slice(), platform_admin) {
            ([only], false) => Ok(TokenSubject::Member { municipality: only.municipality.clone(), role: only.role }),
            ([], true) => Ok(TokenSubject::Platform { municipality: None }),
            ([], false) => Err(SubjectError::NoRole),
            (several, _) => Err(SubjectError::Ambiguous(several.iter().map(|m| m.municipality.clone()).collect())),
        },
    }
}

/// Who is calling, as established from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Person { account: AccountId, municipality: Option<Slug>, role: Option<Role>, platform_admin: bool },
    Client { client: MachineClientId, municipality: Slug, scopes: Vec<Scope> },
}

impl Principal {
    /// The account of a person (not of a partner's tool).
    pub fn account(&self) -> Option<AccountId> {
        match self {
            Principal::Person { account, .. } => Some(*account),
            Principal::Client { .. } => None,
        }
    }

    /// Who a history entry names for this caller.
    pub fn actor(&self) -> crate::common::actor::Actor {
        use crate::common::actor::Actor;
        match self {
            Principal::Person { account, .. } => Actor::Account(*account),
            Principal::Client { client, .. } => Actor::Client(*client),
        }
    }
}

/// What an operation on a municipality's resources asks of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any role in the municipality (an inhabitant's own things).
    Member,
    /// Staff: an agent, an elected official or an admin.
    Staff,
    /// An elected official (or the admin, who may act for one): records decisions.
    Elected,
    /// The municipality's admin.
    Admin,
    /// Staff, or a machine client of the municipality holding this scope.
    StaffOrScope(Scope),
    /// The municipality's admin, or a machine client of the municipality holding this scope
    /// (acting for its own association).
    AdminOrScope(Scope),
}

/// The answer to "may this caller do this in that municipality?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Known caller, not allowed (403).
    Forbidden,
    /// The municipality is not the caller's: answer as if nothing were there (404).
    Hidden,
}

/// The one authorization rule. A platform admin may act anywhere as a municipality's admin.
pub fn decide(principal: &Principal, municipality: &Slug, requirement: Requirement) -> Decision {
    match principal {
        Principal::Person { platform_admin: true, role: None, .. } => Decision::Allowed,
        Principal::Person { municipality: Some(own), role: Some(role), .. } => {
            if own != municipality {
                return Decision::Hidden;
            }
            let allowed = match requirement {
                Requirement::Member => true,
                Requirement::Staff | Requirement::StaffOrScope(_) => *role >= Role::Agent,
                Requirement::Elected => *role >= Role::Elected,
                Requirement::Admin | Requirement::AdminOrScope(_) => *role == Role::Admin,
            };
            if allowed { Decision::Allowed } else { Decision::Forbidden }
        }
        Principal::Person { .. } => Decision::Hidden,
        Principal::Client { municipality: own, scopes, .. } => {
            if own != municipality {
                return Decision::Hidden;
            }
            match requirement {
                Requirement::StaffOrScope(scope) | Requirement::AdminOrScope(scope) if scopes.contains(&scope) => {
                    Decision::Allowed
                }
                _ => Decision::Forbidden,
            }
        }
    }
}

/// What a caller is to a municipality's public operations (submitting, reading what is
/// published): someone with a role there, or the public. A caller of another municipality is
/// the public here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Public,
    Inhabitant(AccountId),
    /// An agent, an elected official, an admin, or a platform admin.
    Staff(AccountId),
    Client {
        client: MachineClientId,
        scopes: Vec<Scope>,
    },
}

impl Standing {
    pub fn of(principal: Option<&Principal>, municipality: &Slug) -> Self {
        match principal {
            Some(Principal::Person { account, platform_admin: true, role: None, .. }) => Standing::Staff(*account),
            Some(Principal::Person { account, municipality: Some(own), role: Some(role), .. })
                if own == municipality =>
            {
                if *role >= Role::Agent {
                    Standing::Staff(*account)
                } else {
                    Standing::Inhabitant(*account)
                }
            }
            Some(Principal::Client { client, municipality: own, scopes }) if own == municipality => {
                Standing::Client { client: *client, scopes: scopes.clone() }
            }
            _ => Standing::Public,
        }
    }

    pub fn is_staff(&self) -> bool {
        matches!(self, Standing::Staff(_))
    }

    /// Who this caller acts as: a person's account, a partner's tool, or the public.
    pub fn actor(&self) -> crate::common::actor::Actor {
        use crate::common::actor::Actor;
        match self {
            Standing::Staff(id) | Standing::Inhabitant(id) => Actor::Account(*id),
            Standing::Client { client, .. } => Actor::Client(*client),
            Standing::Public => Actor::Public,
        }
    }

    /// The account of a staff member: "my work" and the routing filters are theirs only.
    pub fn staff_account(&self) -> Option<AccountId> {
        match self {
            Standing::Staff(account) => Some(*account),
            _ => None,
        }
    }

    pub fn has_scope(&self, scope: Scope) -> bool {
        matches!(self, Standing::Client { scopes, .. } if scopes.contains(&scope))
    }
}

/// Whether a person may act for the platform itself (create municipalities).
pub fn is_platform_admin(principal: &Principal) -> bool {
    matches!(principal, Principal::Person { platform_admin: true, role: None, .. })
}

/// A person's account, as stored (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub email: Email,
    pub display_name: Option<String>,
    pub platform_admin: bool,
    pub active: bool,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
}

/// An account seen from one municipality: its role there, its services, and the version of its
/// membership (the ETag an admin's update must match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MunicipalAccount {
    pub account: Account,
    pub role: Role,
    /// Suspended when false: its tokens for this municipality stop working.
    pub active: bool,
    pub services: Vec<Slug>,
    /// The mayor: an elected official who holds every delegation.
    pub mayor: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A department of a town hall ("services techniques").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: ServiceId,
    pub code: Slug,
    pub name: String,
    /// How many open requests, processes, projects and promises it carries before a qualification
    /// routing more to it is warned (§4.5.1: the services, worn out, as whistle-blowers); `None`:
    /// no limit set.
    pub load_limit: Option<u32>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Service {
    /// The largest load limit a service may be given.
    pub const MAX_LOAD_LIMIT: u32 = 100_000;

    /// A load limit as given: 1 to [`Self::MAX_LOAD_LIMIT`] open items.
    pub fn parse_load_limit(field: &str, limit: i64) -> Result<u32, FieldError> {
        u32::try_from(limit).ok().filter(|l| (1..=Self::MAX_LOAD_LIMIT).contains(l)).ok_or_else(|| {
            FieldError::new(
                field,
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must be between 1 and {} open items", Self::MAX_LOAD_LIMIT),
                    format!("doit être compris entre 1 et {} dossiers ouverts", Self::MAX_LOAD_LIMIT),
                ),
            )
        })
    }
}

/// An elected official's portfolio ("travaux et urbanisme"), and who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    pub id: DelegationId,
    pub code: Slug,
    pub name: String,
    pub holder: Option<AccountId>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A partner association's tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineClient {
    pub id: MachineClientId,
    /// The public identifier used with `client_credentials`.
    pub client_id: String,
    pub name: String,
    /// The association it acts for.
    pub association: String,
    /// That association in the town's directory of organisations, if linked: with
    /// `projects:read`, the client reads the projects and conventions naming it as a party.
    pub organisation: Option<crate::ids::OrganisationId>,
    pub scopes: Vec<Scope>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whether an admin may apply this change to their own account: never suspend themselves nor
/// give up the admin role, so that a municipality does not lose its admin by mistake.
pub fn self_change_allowed(new_role: Option<Role>, active: Option<bool>) -> bool {
    new_role.is_none_or(|r| r == Role::Admin) && active != Some(false)
}

/// Whether a member holds a delegation: its named holder, or the mayor, who holds them all.
pub fn holds_delegation(member: &MunicipalAccount, delegation: &Delegation) -> bool {
    member.active && member.role == Role::Elected && (member.mayor || delegation.holder == Some(member.account.id))
}

/// Whether a member is the mayor after a change of role and/or of the mayor flag: only an elected
/// official can be the mayor, and one who stops being elected stops being the mayor.
/// `Ok(None)` leaves the flag as it is.
pub fn mayor_after_change(
    current_role: Role,
    currently_mayor: bool,
    new_role: Option<Role>,
    asked: Option<bool>,
) -> Result<Option<bool>, FieldError> {
    let role = new_role.unwrap_or(current_role);
    match (role == Role::Elected, asked) {
        (false, Some(true)) => Err(FieldError::new(
            "mayor",
            crate::identity::Code::NotElected,
            Message::new("only an elected official can be the mayor", "seul un élu peut être le maire"),
        )),
        (true, asked) => Ok(asked),
        (false, _) => Ok(Some(false).filter(|_| currently_mayor)),
    }
}

/// Whether `holder` may hold a delegation: only an elected official of the municipality.
pub fn may_hold_delegation(role: Role) -> bool {
    role == Role::Elected
}

/// What a member's "my work" list covers: the requests routed to one of their services, or to a
/// delegation they hold (the mayor holds them all). A suspended member has nothing assigned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    pub services: Vec<ServiceId>,
    pub delegations: Vec<DelegationId>,
}

impl Assignment {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.delegations.is_empty()
    }
}

/// The assignment of `member`, among the municipality's services and delegations.
pub fn assignment(member: &MunicipalAccount, services: &[Service], delegations: &[Delegation]) -> Assignment {
    if !member.active {
        return Assignment::default();
    }
    Assignment {
        services: services.iter().filter(|s| member.services.contains(&s.code)).map(|s| s.id).collect(),
        delegations: delegations.iter().filter(|d| holds_delegation(member, d)).map(|d| d.id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn member(m: &str, role: Role) -> Membership {
        Membership { municipality: slug(m), role, active: true }
    }

    fn person(m: &str, role: Role) -> Principal {
        Principal::Person {
            account: AccountId::new(),
            municipality: Some(slug(m)),
            role: Some(role),
            platform_admin: false,
        }
    }

    #[test]
    fn an_admin_cannot_lock_themselves_out() {
        assert!(self_change_allowed(None, None));
        assert!(self_change_allowed(Some(Role::Admin), Some(true)));
        assert!(!self_change_allowed(Some(Role::Agent), None));
        assert!(!self_change_allowed(None, Some(false)));
    }

    fn town_member(role: Role, mayor: bool) -> MunicipalAccount {
        MunicipalAccount {
            account: Account {
                id: AccountId::new(),
                email: Email::parse("e", "elu@loos.fr").unwrap(),
                display_name: None,
                platform_admin: false,
                active: true,
                email_verified: false,
                created_at: chrono::Utc::now(),
            },
            role,
            active: true,
            services: Vec::new(),
            mayor,
            version: 1,
            updated_at: chrono::Utc::now(),
        }
    }

    fn delegation(holder: Option<AccountId>) -> Delegation {
        Delegation {
            id: DelegationId::new(),
            code: slug("travaux"),
            name: "Travaux".into(),
            holder,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn service(code: &str) -> Service {
        Service {
            id: ServiceId::new(),
            code: slug(code),
            name: code.into(),
            load_limit: None,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn work_is_assigned_by_service_to_agents_and_by_delegation_to_officials() {
        let services = [service("services-techniques"), service("service-jeunesse")];
        let agent = MunicipalAccount { services: vec![slug("service-jeunesse")], ..town_member(Role::Agent, false) };
        let official = town_member(Role::Elected, false);
        let theirs = delegation(Some(official.account.id));
        let delegations = [theirs.clone(), delegation(None)];
        let mine = assignment(&agent, &services, &delegations);
        assert_eq!(mine, Assignment { services: vec![services[1].id], delegations: vec![] });
        assert_eq!(assignment(&official, &services, &delegations).delegations, [theirs.id]);
        let mayor = town_member(Role::Elected, true);
        assert_eq!(assignment(&mayor, &services, &delegations).delegations.len(), 2);
        let suspended = MunicipalAccount { active: false, ..agent };
        assert!(assignment(&suspended, &services, &delegations).is_empty());
        assert!(assignment(&town_member(Role::Inhabitant, false), &services, &delegations).is_empty());
    }

    #[test]
    fn the_mayor_holds_every_delegation_and_an_official_only_their_own() {
        let official = town_member(Role::Elected, false);
        assert!(holds_delegation(&official, &delegation(Some(official.account.id))));
        assert!(!holds_delegation(&official, &delegation(None)));
        assert!(holds_delegation(&town_member(Role::Elected, true), &delegation(None)));
        let suspended = MunicipalAccount { active: false, ..town_member(Role::Elected, true) };
        assert!(!holds_delegation(&suspended, &delegation(None)));
    }

    #[test]
    fn only_an_elected_official_is_or_becomes_the_mayor() {
        assert_eq!(mayor_after_change(Role::Elected, false, None, Some(true)), Ok(Some(true)));
        assert!(mayor_after_change(Role::Agent, false, None, Some(true)).is_err());
        assert!(mayor_after_change(Role::Elected, true, Some(Role::Agent), Some(true)).is_err());
        assert_eq!(mayor_after_change(Role::Elected, true, Some(Role::Admin), None), Ok(Some(false)));
        assert_eq!(mayor_after_change(Role::Agent, false, Some(Role::Inhabitant), None), Ok(None));
        assert_eq!(mayor_after_change(Role::Agent, false, Some(Role::Elected), None), Ok(None));
    }

    #[test]
    fn only_an_elected_official_may_hold_a_delegation() {
        assert!(may_hold_delegation(Role::Elected));
        assert!(!may_hold_delegation(Role::Agent));
        assert!(!may_hold_delegation(Role::Admin));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", "  Agent@Loos-en-Gohelle.FR ").map(|e| e.0),
            Ok("agent@loos-en-gohelle.fr".into())
        );
        for bad in ["", "agent", "agent@", "@loos.fr", "agent@loos", "a b@loos.fr", "agent@.fr", "a@b@c.fr"] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
        assert!(!format!("{:?}", Email::parse("e", "a@b.fr")).contains("a@b.fr"));
    }

    #[test]
    fn passwords_have_a_length_policy_and_never_print() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", &"x".repeat(129)).is_err());
        let password = Password::parse("password", "implication-demo").unwrap();
        assert!(!format!("{password:?}").contains("implication"));
    }

    #[test]
    fn scopes_parse_from_a_space_separated_list() {
        assert_eq!(
            Scope::parse_list("requests:write requests:read requests:read"),
            Ok(vec![Scope::RequestsRead, Scope::RequestsWrite])
        );
        assert!(Scope::parse_list("requests:read admin").is_err());
        assert_eq!(Scope::join(&[Scope::RequestsRead, Scope::WebhooksManage]), "requests:read webhooks:manage");
    }

    #[test]
    fn a_person_with_one_role_gets_it_without_naming_the_municipality() {
        let subject = choose_subject(&[member("loos", Role::Agent)], false, None);
        assert_eq!(subject, Ok(TokenSubject::Member { municipality: slug("loos"), role: Role::Agent }));
    }

    #[test]
    fn a_person_with_several_roles_must_name_one() {
        let memberships = [member("loos", Role::Agent), member("grenay", Role::Inhabitant)];
        assert_eq!(
            choose_subject(&memberships, false, None),
            Err(SubjectError::Ambiguous(vec![slug("loos"), slug("grenay")]))
        );
        assert_eq!(
            choose_subject(&memberships, false, Some(&slug("grenay"))),
            Ok(TokenSubject::Member { municipality: slug("grenay"), role: Role::Inhabitant })
        );
        assert_eq!(choose_subject(&memberships, false, Some(&slug("lens"))), Err(SubjectError::NoRole));
    }

    #[test]
    fn a_suspended_membership_does_not_count() {
        let suspended = Membership { active: false, ..member("loos", Role::Agent) };
        assert_eq!(choose_subject(&[suspended], false, None), Err(SubjectError::NoRole));
    }

    #[test]
    fn a_platform_admin_speaks_for_the_platform_or_a_named_municipality() {
        assert_eq!(choose_subject(&[], true, None), Ok(TokenSubject::Platform { municipality: None }));
        assert_eq!(
            choose_subject(&[], true, Some(&slug("grenay"))),
            Ok(TokenSubject::Platform { municipality: Some(slug("grenay")) })
        );
        assert!(matches!(choose_subject(&[member("loos", Role::Admin)], true, None), Err(SubjectError::Ambiguous(_))));
    }

    #[test]
    fn the_authorization_matrix_for_people() {
        let loos = slug("loos");
        let cases = [
            (Role::Inhabitant, Requirement::Member, Decision::Allowed),
            (Role::Inhabitant, Requirement::Staff, Decision::Forbidden),
            (Role::Inhabitant, Requirement::Admin, Decision::Forbidden),
            (Role::Agent, Requirement::Staff, Decision::Allowed),
            (Role::Agent, Requirement::Admin, Decision::Forbidden),
            (Role::Elected, Requirement::Staff, Decision::Allowed),
            (Role::Elected, Requirement::StaffOrScope(Scope::RequestsRead), Decision::Allowed),
            (Role::Admin, Requirement::Admin, Decision::Allowed),
        ];
        for (role, requirement, expected) in cases {
            assert_eq!(decide(&person("loos", role), &loos, requirement), expected, "{role:?} {requirement:?}");
        }
    }

    #[test]
    fn another_municipality_is_hidden_even_from_its_admin() {
        assert_eq!(decide(&person("grenay", Role::Admin), &slug("loos"), Requirement::Member), Decision::Hidden);
    }

    #[test]
    fn a_platform_admin_acts_anywhere_but_a_platform_admin_with_a_role_acts_as_that_role() {
        let platform =
            Principal::Person { account: AccountId::new(), municipality: None, role: None, platform_admin: true };
        assert_eq!(decide(&platform, &slug("loos"), Requirement::Admin), Decision::Allowed);
        assert!(is_platform_admin(&platform));
        let with_role = Principal::Person {
            account: AccountId::new(),
            municipality: Some(slug("loos")),
            role: Some(Role::Agent),
            platform_admin: true,
        };
        assert_eq!(decide(&with_role, &slug("loos"), Requirement::Admin), Decision::Forbidden);
        assert!(!is_platform_admin(&with_role));
    }

    #[test]
    fn machine_clients_need_the_scope_and_their_own_municipality() {
        let client = Principal::Client {
            client: MachineClientId::new(),
            municipality: slug("loos"),
            scopes: vec![Scope::RequestsRead],
        };
        assert_eq!(decide(&client, &slug("loos"), Requirement::StaffOrScope(Scope::RequestsRead)), Decision::Allowed);
        assert_eq!(
            decide(&client, &slug("loos"), Requirement::StaffOrScope(Scope::RequestsWrite)),
            Decision::Forbidden
        );
        assert_eq!(decide(&client, &slug("loos"), Requirement::Staff), Decision::Forbidden);
        assert_eq!(decide(&client, &slug("grenay"), Requirement::StaffOrScope(Scope::RequestsRead)), Decision::Hidden);
    }

    #[test]
    fn standing_is_the_role_here_or_the_public() {
        let loos = Slug::parse("loos-en-gohelle").unwrap_or_else(|e| panic!("{e}"));
        let grenay = Slug::parse("grenay").unwrap_or_else(|e| panic!("{e}"));
        let account = AccountId::new();
        let person = |municipality: &Slug, role| Principal::Person {
            account,
            municipality: Some(municipality.clone()),
            role: Some(role),
            platform_admin: false,
        };
        assert_eq!(Standing::of(None, &loos), Standing::Public);
        assert_eq!(Standing::of(Some(&person(&loos, Role::Inhabitant)), &loos), Standing::Inhabitant(account));
        assert_eq!(Standing::of(Some(&person(&loos, Role::Agent)), &loos), Standing::Staff(account));
        assert_eq!(Standing::of(Some(&person(&loos, Role::Admin)), &loos), Standing::Staff(account));
        assert_eq!(Standing::of(Some(&person(&grenay, Role::Admin)), &loos), Standing::Public);
        let platform = Principal::Person { account, municipality: None, role: None, platform_admin: true };
        assert_eq!(Standing::of(Some(&platform), &loos), Standing::Staff(account));
        let client = MachineClientId::new();
        let tool = Principal::Client { client, municipality: loos.clone(), scopes: vec![Scope::RequestsWrite] };
        assert!(Standing::of(Some(&tool), &loos).has_scope(Scope::RequestsWrite));
        assert!(!Standing::of(Some(&tool), &loos).has_scope(Scope::RequestsRead));
        assert_eq!(Standing::of(Some(&tool), &grenay), Standing::Public);
    }
}
