//! Neighbourhoods: a municipality's named areas, used to see who is heard least.

use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::identity::municipality::parse_name;
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
            (Some(name), Some(code)) => Ok(Self { code, name }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    pub id: NeighbourhoodId,
    pub municipality_id: MunicipalityId,
    pub code: Slug,
    pub name: NeighbourhoodName,
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
