//! Slugs: the stable, readable identifiers used in paths (`loos-en-gohelle`, `quartier-ouest`).

use crate::error::{FieldError, Message};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Lowercase ASCII letters and digits in groups joined by single hyphens, 2 to 63 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MIN_LEN: usize = 1;
    pub const MAX_LEN: usize = 63;
    /// The same rule as [`Slug::parse`], for documentation and schemas.
    pub const PATTERN: &'static str = "^[a-z0-9]+(-[a-z0-9]+)*$";

    pub fn parse(value: &str) -> Result<Self, &'static str> {
        let length_ok = (Self::MIN_LEN..=Self::MAX_LEN).contains(&value.len());
        let chars_ok = value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let hyphens_ok = !value.starts_with('-') && !value.ends_with('-') && !value.contains("--");
        if length_ok && chars_ok && hyphens_ok {
            Ok(Self(value.to_owned()))
        } else {
            Err("must be 1 to 63 lowercase letters, digits and single hyphens, e.g. loos-en-gohelle")
        }
    }

    /// Parses a field of an input, naming it in the error.
    pub fn parse_field(field: &str, value: &str) -> Result<Self, FieldError> {
        Self::parse(value).map_err(|message| {
            let fr =
                "doit compter de 1 à 63 lettres minuscules, chiffres et tirets simples, par exemple loos-en-gohelle";
            FieldError::new(field, crate::error::Code::InvalidSlug, Message::new(message, fr))
        })
    }

    /// Derives a slug from a French name: accents dropped, anything else becomes a hyphen
    /// ("Cité 5" → `cite-5`, "Quartier Ouest" → `quartier-ouest`). A name with no letter or
    /// digit to keep gets `sans-nom` ("without a name"), so that any valid name has a code.
    pub fn from_name(name: &str) -> Result<Self, &'static str> {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.ends_with('-') {
            slug.pop();
        }
        slug.truncate(Self::MAX_LEN);
        while slug.ends_with('-') {
            slug.pop();
        }
        if slug.is_empty() {
            slug.push_str("sans-nom");
        }
        Self::parse(&slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The ASCII letters a French (or common European) accented letter stands for.
fn fold_accent(c: char) -> Vec<char> {
    let folded: &str = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => "u",
        'ÿ' | 'ý' | 'Ÿ' | 'Ý' => "y",
        'ñ' | 'Ñ' => "n",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => return vec![c],
    };
    folded.chars().collect()
}

impl TryFrom<String> for Slug {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_words_joined_by_hyphens() {
        assert_eq!(Slug::parse("loos-en-gohelle").map(|s| s.0), Ok("loos-en-gohelle".into()));
        assert!(Slug::parse("cite-5").is_ok());
    }

    #[test]
    fn rejects_uppercase_spaces_and_stray_hyphens() {
        assert!(Slug::parse("l").is_ok());
        for bad in ["Loos", "loos en gohelle", "-loos", "loos-", "loos--gohelle", "é-t-é", ""] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
        assert!(Slug::parse(&"a".repeat(64)).is_err());
        assert!(Slug::parse(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn derives_a_slug_from_a_french_name() {
        assert_eq!(Slug::from_name("Cité 5").map(|s| s.0), Ok("cite-5".into()));
        assert_eq!(Slug::from_name("Quartier Ouest").map(|s| s.0), Ok("quartier-ouest".into()));
        assert_eq!(Slug::from_name("  Œuvre d'Été !").map(|s| s.0), Ok("oeuvre-d-ete".into()));
        assert_eq!(Slug::from_name("!!!").map(|s| s.0), Ok("sans-nom".into()));
    }

    #[test]
    fn a_long_name_gives_a_slug_of_at_most_the_maximum_length() {
        let slug = Slug::from_name(&"mot ".repeat(40));
        assert!(slug.is_ok_and(|s| s.0.len() <= Slug::MAX_LEN && !s.0.ends_with('-')));
    }
}
