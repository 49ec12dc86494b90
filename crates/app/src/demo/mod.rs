//! Demo data (`serve --demo`): two neighbouring towns, to show isolation, with an account per
//! role, services, delegations and a partner's machine client. Loading is idempotent: what
//! already exists is left as it is. Every demo password is `implication-demo`. Everything is
//! written through the use cases, so that demo data obeys every rule the API enforces.

mod conventions;
mod evaluation;
mod participation;
mod qualifications;
mod requests;

use crate::identity;
use crate::identity::accounts::{MemberDraft, MemberUpdate};
use crate::identity::clients::ClientDraft;
use implication_domain::Precondition;
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::identity::{Email, Password, Scope};
use implication_domain::vocabulary::Role;
use implication_domain::{AccountId, Municipality, Slug};
use implication_storage::Database;
// Reads only: every write goes through the use cases.
use implication_storage::identity::{accounts, clients, municipalities, services};

pub const PASSWORD: &str = "implication-demo";
pub const CLIENT_ID: &str = "demo-partner";
pub const CLIENT_SECRET: &str = "implication-demo-secret";
/// The tool of the land consolidation association of Loos, party to the rural paths conventions.
pub const PARTY_CLIENT_ID: &str = "afr-loos";
pub const PARTY_CLIENT_SECRET: &str = "implication-demo-afr-secret";
pub const PLATFORM_ADMIN: &str = "platform@implication.demo";

struct DemoTown {
    slug: &'static str,
    name: &'static str,
    insee_code: &'static str,
    population: i64,
    /// Neighbourhoods, with their populations (adding up to the town's).
    neighbourhoods: &'static [(&'static str, i64)],
    services: &'static [&'static str],
    /// Delegations; the first is held by the demo elected official.
    delegations: &'static [&'static str],
}

const TOWNS: [DemoTown; 2] = [
    DemoTown {
        slug: "loos-en-gohelle",
        name: "Loos-en-Gohelle",
        insee_code: "62528",
        population: 6_500,
        neighbourhoods: &[
            ("Centre-ville", 2_000),
            ("Quartier Ouest", 1_250),
            ("Cité 5", 1_100),
            ("Cité 11", 850),
            ("Cité 12", 750),
            ("Secteur rural", 550),
        ],
        services: &[
            "Services techniques",
            "Service jeunesse et sports",
            "Service environnement",
            "Service démocratie participative",
        ],
        delegations: &[
            "Travaux et urbanisme",
            "Enfance, jeunesse et sport",
            "Démocratie participative et vie associative",
        ],
    },
    DemoTown {
        slug: "grenay",
        name: "Grenay",
        insee_code: "62386",
        population: 6_900,
        neighbourhoods: &[("Centre-ville", 3_100), ("Quartier Nord", 1_900), ("Quartier Sud", 1_900)],
        services: &["Services techniques"],
        delegations: &["Travaux et cadre de vie"],
    },
];

/// Loads what is missing of the demo data, through the same use cases as the API's own writes;
/// returns the slugs of the towns it created.
pub async fn load(db: &Database) -> anyhow::Result<Vec<&'static str>> {
    let mut created = Vec::new();
    for town in &TOWNS {
        let municipality = match municipalities::find_by_slug(db, town.slug).await? {
            Some(existing) => existing,
            None => {
                created.push(town.slug);
                create_town(db, town).await?
            }
        };
        load_populations(db, town, &municipality).await?;
        let agent = load_people(db, town, &municipality).await?;
        requests::load(db, &municipality, agent).await?;
        participation::load(db, &municipality, agent).await?;
        conventions::load(db, &municipality, implication_domain::requests::Actor::Account(agent)).await?;
        evaluation::load(db, &municipality, agent).await?;
    }
    let platform = Email::parse("email", PLATFORM_ADMIN).map_err(|e| anyhow::anyhow!(e.message))?;
    if accounts::find_with_password_by_email(db, &platform).await?.is_none() {
        let password = Password::parse("password", PASSWORD).map_err(|e| anyhow::anyhow!(e.message))?;
        let name = Some("Administration de la plateforme".to_owned());
        identity::accounts::make_platform_admin(db, &platform, Some(&password), name).await?;
    }
    if clients::find_by_client_id(db, CLIENT_ID).await?.is_none()
        && let Some(loos) = municipalities::find_by_slug(db, TOWNS[0].slug).await?
    {
        let draft = ClientDraft {
            name: "Outil de l'association des jardins partagés".to_owned(),
            association: "Association des jardins partagés de Loos".to_owned(),
            organisation: None,
            scopes: vec![
                Scope::RequestsRead.code().to_owned(),
                Scope::RequestsWrite.code().to_owned(),
                Scope::WebhooksManage.code().to_owned(),
            ],
            client_id: Some(CLIENT_ID.to_owned()),
        };
        identity::clients::create_with_secret(db, &loos, &draft, CLIENT_SECRET).await?;
    }
    if clients::find_by_client_id(db, PARTY_CLIENT_ID).await?.is_none()
        && let Some(loos) = municipalities::find_by_slug(db, TOWNS[0].slug).await?
    {
        let directory = implication_storage::conventions::organisations::list(db, loos.id, false, 100, None).await?;
        let afr = directory
            .items
            .iter()
            .find(|o| o.name == conventions::AFR)
            .ok_or_else(|| anyhow::anyhow!("the demo's land consolidation association is missing"))?;
        let draft = ClientDraft {
            name: "Outil de l'association foncière".to_owned(),
            association: conventions::AFR.to_owned(),
            organisation: Some(afr.id),
            scopes: vec![Scope::ProjectsRead.code().to_owned(), Scope::ProjectsWrite.code().to_owned()],
            client_id: Some(PARTY_CLIENT_ID.to_owned()),
        };
        identity::clients::create_with_secret(db, &loos, &draft, PARTY_CLIENT_SECRET).await?;
    }
    Ok(created)
}

async fn create_town(db: &Database, town: &DemoTown) -> anyhow::Result<Municipality> {
    let draft = MunicipalityDraft {
        slug: town.slug.to_owned(),
        name: town.name.to_owned(),
        insee_code: town.insee_code.to_owned(),
        population: town.population,
        ..MunicipalityDraft::default()
    };
    let names: Vec<String> = town.neighbourhoods.iter().map(|(n, _)| (*n).to_owned()).collect();
    Ok(identity::municipalities::create(db, &draft, &names).await?)
}

/// Gives the town's neighbourhoods their populations where none is known yet.
async fn load_populations(db: &Database, town: &DemoTown, municipality: &Municipality) -> anyhow::Result<()> {
    for (name, population) in town.neighbourhoods {
        let code = implication_domain::Slug::from_name(name).map_err(|e| anyhow::anyhow!(e.to_owned()))?;
        let found = identity::neighbourhoods::load(db, municipality, code.as_str()).await?;
        if found.population.is_none() {
            let at = implication_domain::Precondition::at(found.version);
            identity::neighbourhoods::change(db, municipality, code.as_str(), at, None, Some(Some(*population)))
                .await?;
        }
    }
    Ok(())
}

/// One account per role (`agent@<slug>.demo`…), the town's services and delegations; the agent
/// belongs to the first service, the elected official is the mayor and holds the first
/// delegation. Returns the agent, who types in the demo requests.
async fn load_people(db: &Database, town: &DemoTown, municipality: &Municipality) -> anyhow::Result<AccountId> {
    let mut ids = Vec::new();
    for role in [Role::Admin, Role::Agent, Role::Elected, Role::Inhabitant] {
        let email = format!("{}@{}.demo", role.code(), town.slug);
        let parsed = Email::parse("email", &email).map_err(|e| anyhow::anyhow!(e.message))?;
        let id = match accounts::find_with_password_by_email(db, &parsed).await? {
            Some((account, _)) => account.id,
            None => {
                let draft = MemberDraft {
                    email,
                    role: role.code().to_owned(),
                    display_name: Some(format!("{} de démonstration", role.label().fr)),
                    password: Some(PASSWORD.to_owned()),
                    services: Vec::new(),
                };
                identity::accounts::add_member(db, municipality, &draft).await?.account.id
            }
        };
        ids.push((role, id));
    }
    let mut first_service = None;
    for name in town.services {
        let code = Slug::from_name(name).map_err(|e| anyhow::anyhow!(e))?;
        if services::find_service(db, municipality.id, code.as_str()).await?.is_none() {
            identity::services::create_service(db, municipality, &code, name).await?;
        }
        first_service.get_or_insert(code);
    }
    let agent = ids.iter().find(|(role, _)| *role == Role::Agent).map(|(_, id)| *id);
    if let (Some(agent), Some(service)) = (agent, first_service) {
        join_service(db, municipality, agent, &service).await?;
    }
    let elected = ids.iter().find(|(role, _)| *role == Role::Elected).map(|(_, id)| *id);
    if let Some(elected) = elected {
        make_mayor(db, municipality, elected).await?;
    }
    for (i, name) in town.delegations.iter().enumerate() {
        let code = Slug::from_name(name).map_err(|e| anyhow::anyhow!(e))?;
        if services::find_delegation(db, municipality.id, code.as_str()).await?.is_none() {
            let holder = if i == 0 { elected } else { None };
            identity::services::create_delegation(db, municipality, &code, name, holder).await?;
        }
    }
    agent.ok_or_else(|| anyhow::anyhow!("the demo agent of {} is missing", town.slug))
}

/// The demo elected official is the mayor, unless the town already has one.
async fn make_mayor(db: &Database, municipality: &Municipality, account: AccountId) -> anyhow::Result<()> {
    let page = accounts::list_members(db, municipality.id, 200, None).await?;
    if page.items.iter().any(|m| m.mayor) {
        return Ok(());
    }
    if let Some(member) = accounts::find_member(db, municipality.id, account).await? {
        let update = MemberUpdate { mayor: Some(true), ..MemberUpdate::default() };
        identity::accounts::update_member(db, None, municipality, account, Precondition::at(member.version), &update)
            .await?;
    }
    Ok(())
}

async fn join_service(
    db: &Database,
    municipality: &Municipality,
    account: AccountId,
    service: &Slug,
) -> anyhow::Result<()> {
    if let Some(member) = accounts::find_member(db, municipality.id, account).await?
        && member.services.is_empty()
    {
        let update = MemberUpdate { services: Some(vec![service.to_string()]), ..MemberUpdate::default() };
        identity::accounts::update_member(db, None, municipality, account, Precondition::at(member.version), &update)
            .await?;
    }
    Ok(())
}
