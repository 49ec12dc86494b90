//! Demo data (`serve --demo`): two neighbouring towns, to show isolation. Loading is idempotent:
//! what already exists is left as it is.

use implication_domain::municipality::MunicipalityDraft;
use implication_domain::{NewMunicipality, NewNeighbourhood};
use implication_storage::{Database, municipalities};

struct DemoTown {
    slug: &'static str,
    name: &'static str,
    insee_code: &'static str,
    population: i64,
    neighbourhoods: &'static [&'static str],
}

const TOWNS: [DemoTown; 2] = [
    DemoTown {
        slug: "loos-en-gohelle",
        name: "Loos-en-Gohelle",
        insee_code: "62528",
        population: 6_500,
        neighbourhoods: &["Centre-ville", "Quartier Ouest", "Cité 5", "Cité 11", "Cité 12", "Secteur rural"],
    },
    DemoTown {
        slug: "grenay",
        name: "Grenay",
        insee_code: "62386",
        population: 6_900,
        neighbourhoods: &["Centre-ville", "Quartier Nord", "Quartier Sud"],
    },
];

/// Creates the demo towns that do not exist yet; returns the slugs of those it created.
pub async fn load(db: &Database) -> anyhow::Result<Vec<&'static str>> {
    let mut created = Vec::new();
    for town in &TOWNS {
        if municipalities::find_by_slug(db, town.slug).await?.is_some() {
            continue;
        }
        let draft = MunicipalityDraft {
            slug: town.slug.to_owned(),
            name: town.name.to_owned(),
            insee_code: town.insee_code.to_owned(),
            population: town.population,
            ..MunicipalityDraft::default()
        };
        let new = NewMunicipality::parse(&draft)?;
        let neighbourhoods = town
            .neighbourhoods
            .iter()
            .map(|name| NewNeighbourhood::parse(name, None))
            .collect::<Result<Vec<_>, _>>()?;
        municipalities::create(db, &new, &neighbourhoods).await?;
        created.push(town.slug);
    }
    Ok(created)
}
