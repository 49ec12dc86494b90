//! Neighbourhoods: a municipality's named areas, used to see who is heard least.

use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::identity::municipality::{Population, parse_name};
use crate::ids::{MunicipalityId, NeighbourhoodId};
use crate::slug::Slug;
use chrono::{DateTime, Utc};

/// "Quartier Ouest", "Cité 5": 1 to 120 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourhoodName(String);

impl NeighbourhoodName {
    pub const MAX_LEN: usize = 120;

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        parse_name(field, value, Self::MAX_LEN).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A neighbourhood to be created. Its code is derived from the name unless given, and is unique
/// within the municipality (it is what filters use: `?neighbourhood=quartier-ouest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNeighbourhood {
    pub code: Slug,
    pub name: NeighbourhoodName,
    /// Its inhabitants, when known (indicators then count per 1,000 inhabitants).
    pub population: Option<Population>,
}

impl NewNeighbourhood {
    pub fn parse(name: &str, code: Option<&str>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let parsed_name = errors.collect(NeighbourhoodName::parse("name", name));
        let code = match code {
            Some(code) => errors.collect(Slug::parse_field("code", code)),
            None if parsed_name.is_some() => errors.collect(Slug::from_name(name).map_err(|_| {
                FieldError::new(
                    "name",
                    crate::identity::Code::NoCode,
                    Message::new(
                        "give a code: none can be derived from this name",
                        "donnez un code : aucun ne peut être tiré de ce nom",
                    ),
                )
            })),
            None => None,
        };
        match (parsed_name, code) {
            (Some(name), Some(code)) => Ok(Self { code, name, population: None }),
            _ => Err(errors),
        }
    }

    /// A neighbourhood as an admin adds it: `parse`, with its population if known; every invalid
    /// field named at once.
    pub fn parse_with_population(
        name: &str,
        code: Option<&str>,
        population: Option<i64>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let population = population.and_then(|p| errors.collect(Population::parse("population", p)));
        match Self::parse(name, code) {
            Ok(new) if errors.is_empty() => Ok(Self { population, ..new }),
            Ok(_) => Err(errors),
            Err(mut more) => {
                more.0.extend(errors.0);
                Err(more)
            }
        }
    }
}

/// Changes to a neighbourhood: its name, its population (`Some(None)`: unknown again). Its code,
/// which requests and filters hold, stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeighbourhoodChanges {
    pub name: Option<NeighbourhoodName>,
    pub population: Option<Option<Population>>,
}

impl NeighbourhoodChanges {
    /// Parses what an admin sent, every invalid field named at once.
    pub fn parse(name: Option<&str>, population: Option<Option<i64>>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = name.and_then(|n| errors.collect(NeighbourhoodName::parse("name", n)));
        let population = match population {
            Some(Some(p)) => errors.collect(Population::parse("population", p)).map(|p| Some(Some(p))).unwrap_or(None),
            Some(None) => Some(None),
            None => None,
        };
        errors.into_result().map(|()| Self { name, population })
    }

    /// `neighbourhood` as these changes leave it.
    pub fn apply(&self, neighbourhood: &Neighbourhood) -> Neighbourhood {
        Neighbourhood {
            name: self.name.clone().unwrap_or_else(|| neighbourhood.name.clone()),
            population: self.population.unwrap_or(neighbourhood.population),
            ..neighbourhood.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    pub id: NeighbourhoodId,
    pub municipality_id: MunicipalityId,
    pub code: Slug,
    pub name: NeighbourhoodName,
    pub population: Option<Population>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_derived_from_the_name_when_not_given() {
        let n = NewNeighbourhood::parse("Cité 5", None);
        assert!(n.is_ok_and(|n| n.code.as_str() == "cite-5" && n.name.as_str() == "Cité 5"));
    }

    #[test]
    fn an_admin_names_every_invalid_field_of_a_neighbourhood_at_once() {
        let refused = NewNeighbourhood::parse_with_population(" ", Some("Pas un code"), Some(-3)).unwrap_err();
        let fields: Vec<&str> = refused.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "code", "population"]);
        let added = NewNeighbourhood::parse_with_population("Cité 5", None, Some(1_850)).unwrap();
        assert_eq!(added.population.map(Population::get), Some(1_850));
    }

    #[test]
    fn a_change_keeps_what_it_leaves_out_and_may_forget_the_population() {
        let known = Neighbourhood {
            id: NeighbourhoodId::new(),
            municipality_id: MunicipalityId::new(),
            code: Slug::parse("cite-5").unwrap(),
            name: NeighbourhoodName::parse("name", "Cité 5").unwrap(),
            population: Some(Population::parse("population", 1_850).unwrap()),
            version: 1,
            created_at: chrono::Utc::now(),
        };
        let renamed = NeighbourhoodChanges::parse(Some("Cité n° 5"), None).unwrap().apply(&known);
        assert_eq!((renamed.name.as_str(), renamed.population), ("Cité n° 5", known.population));
        let forgotten = NeighbourhoodChanges::parse(None, Some(None)).unwrap().apply(&known);
        assert_eq!((forgotten.name.as_str(), forgotten.population), ("Cité 5", None));
        assert_eq!(NeighbourhoodChanges::parse(None, Some(Some(-1))).unwrap_err().0[0].field, "population");
    }

    #[test]
    fn a_given_code_must_be_a_slug() {
        let n = NewNeighbourhood::parse("Quartier Ouest", Some("Quartier Ouest"));
        assert!(n.is_err_and(|e| e.0[0].field == "code"));
    }

    #[test]
    fn a_name_without_letters_gets_a_placeholder_code_unless_one_is_given() {
        assert!(NewNeighbourhood::parse("???", None).is_ok_and(|n| n.code.as_str() == "sans-nom"));
        assert!(NewNeighbourhood::parse("???", Some("secteur-x")).is_ok_and(|n| n.code.as_str() == "secteur-x"));
    }
}
