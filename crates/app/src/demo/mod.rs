//! Demo data (`serve --demo`): two neighbouring towns, to show isolation, with an account per
//! role, services, delegations and a partner's machine client. Loading is idempotent: what
//! already exists is left as it is. Every demo password is `implication-demo`.

mod qualifications;
mod requests;

use crate::identity::secrets::{hash_password, sha256_hex};
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::identity::{Email, Scope};
use implication_domain::vocabulary::Role;
use implication_domain::{AccountId, Municipality, NewMunicipality, NewNeighbourhood, Slug};
use implication_storage::identity::accounts::{MemberChanges, NewAccount};
use implication_storage::identity::clients::NewClient;
use implication_storage::{
    Database, StorageError,
    identity::{accounts, clients, municipalities, services},
};

pub const PASSWORD: &str = "implication-demo";
pub const CLIENT_ID: &str = "demo-partner";
pub const CLIENT_SECRET: &str = "implication-demo-secret";
pub const PLATFORM_ADMIN: &str = "platform@implication.demo";

struct DemoTown {
    slug: &'static str,
    name: &'static str,
    insee_code: &'static str,
    population: i64,
    neighbourhoods: &'static [&'static str],
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
        neighbourhoods: &["Centre-ville", "Quartier Ouest", "Cité 5", "Cité 11", "Cité 12", "Secteur rural"],
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
        neighbourhoods: &["Centre-ville", "Quartier Nord", "Quartier Sud"],
        services: &["Services techniques"],
        delegations: &["Travaux et cadre de vie"],
    },
];

/// Loads what is missing of the demo data; returns the slugs of the towns it created.
pub async fn load(db: &Database) -> anyhow::Result<Vec<&'static str>> {
    let password_hash = hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    let mut created = Vec::new();
    for town in &TOWNS {
        let municipality = match municipalities::find_by_slug(db, town.slug).await? {
            Some(existing) => existing,
            None => {
                created.push(town.slug);
                create_town(db, town).await?
            }
        };
        let agent = load_people(db, town, &municipality, &password_hash).await?;
        requests::load(db, &municipality, agent).await?;
    }
    let platform = Email::parse("email", PLATFORM_ADMIN).map_err(|e| anyhow::anyhow!(e.message))?;
    if accounts::find_with_password_by_email(db, &platform).await?.is_none() {
        let new = NewAccount {
            email: &platform,
            password_hash: password_hash.clone(),
            display_name: Some("Administration de la plateforme".to_owned()),
            platform_admin: true,
        };
        accounts::create(db, new).await?;
    }
    if clients::find_by_client_id(db, CLIENT_ID).await?.is_none()
        && let Some(loos) = municipalities::find_by_slug(db, TOWNS[0].slug).await?
    {
        let new = NewClient {
            client_id: CLIENT_ID,
            name: "Outil de l'association des jardins partagés",
            association: "Association des jardins partagés de Loos",
            scopes: &[Scope::RequestsRead, Scope::RequestsWrite],
            secret_hash: sha256_hex(CLIENT_SECRET),
        };
        clients::create(db, loos.id, new).await?;
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
    let new = NewMunicipality::parse(&draft)?;
    let neighbourhoods =
        town.neighbourhoods.iter().map(|name| NewNeighbourhood::parse(name, None)).collect::<Result<Vec<_>, _>>()?;
    Ok(municipalities::create(db, &new, &neighbourhoods).await?)
}

/// One account per role (`agent@<slug>.demo`…), the town's services and delegations; the agent
/// belongs to the first service, the elected official holds the first delegation. Returns the
/// agent, who types in the demo requests.
async fn load_people(
    db: &Database,
    town: &DemoTown,
    municipality: &Municipality,
    password_hash: &str,
) -> anyhow::Result<AccountId> {
    let mut ids = Vec::new();
    for role in [Role::Admin, Role::Agent, Role::Elected, Role::Inhabitant] {
        let email = Email::parse("email", &format!("{}@{}.demo", role.code(), town.slug))
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let id = match accounts::find_with_password_by_email(db, &email).await? {
            Some((account, _)) => account.id,
            None => {
                let new = NewAccount {
                    email: &email,
                    password_hash: password_hash.to_owned(),
                    display_name: Some(format!("{} de démonstration", role.label().fr)),
                    platform_admin: false,
                };
                accounts::add_member(db, municipality.id, None, Some(new), role).await?.account.id
            }
        };
        ids.push((role, id));
    }
    let mut first_service = None;
    for name in town.services {
        let code = Slug::from_name(name).map_err(|e| anyhow::anyhow!(e))?;
        let service = match services::find_service(db, municipality.id, code.as_str()).await? {
            Some(service) => service,
            None => services::create_service(db, municipality.id, &code, name).await?,
        };
        first_service.get_or_insert(service.id);
    }
    let agent = ids.iter().find(|(role, _)| *role == Role::Agent).map(|(_, id)| *id);
    if let (Some(agent), Some(service)) = (agent, first_service) {
        join_service(db, municipality, agent, service).await?;
    }
    let elected = ids.iter().find(|(role, _)| *role == Role::Elected).map(|(_, id)| *id);
    if let Some(elected) = elected {
        make_mayor(db, municipality, elected).await?;
    }
    for (i, name) in town.delegations.iter().enumerate() {
        let code = Slug::from_name(name).map_err(|e| anyhow::anyhow!(e))?;
        if services::find_delegation(db, municipality.id, code.as_str()).await?.is_none() {
            let holder = if i == 0 { elected } else { None };
            services::create_delegation(db, municipality.id, &code, name, holder).await?;
        }
    }
    agent.ok_or_else(|| anyhow::anyhow!("the demo agent of {} is missing", town.slug))
}

/// The demo elected official is the mayor, unless the town already has one.
async fn make_mayor(db: &Database, municipality: &Municipality, account: AccountId) -> Result<(), StorageError> {
    let page = accounts::list_members(db, municipality.id, 200, None).await?;
    if page.items.iter().any(|m| m.mayor) {
        return Ok(());
    }
    if let Some(member) = accounts::find_member(db, municipality.id, account).await? {
        let changes = MemberChanges { mayor: Some(true), ..MemberChanges::default() };
        accounts::update_member(db, municipality.id, account, member.version, changes).await?;
    }
    Ok(())
}

async fn join_service(
    db: &Database,
    municipality: &Municipality,
    account: AccountId,
    service: implication_domain::ServiceId,
) -> Result<(), StorageError> {
    if let Some(member) = accounts::find_member(db, municipality.id, account).await?
        && member.services.is_empty()
    {
        let changes = MemberChanges { services: Some(vec![service]), ..MemberChanges::default() };
        accounts::update_member(db, municipality.id, account, member.version, changes).await?;
    }
    Ok(())
}
