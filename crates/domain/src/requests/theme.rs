//! Themes: each municipality's catalogue of subjects requests are filed under. Codes are stable
//! (filters and, later, the Open311 service list use them); names are the town's own.

use crate::ids::ThemeId;
use crate::slug::Slug;
use chrono::{DateTime, Utc};

/// A theme of a municipality's catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub id: ThemeId,
    pub code: Slug,
    pub name: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The catalogue every municipality starts with (code, French name).
pub const DEFAULT_THEMES: [(&str, &str); 11] = [
    ("urban-planning", "Urbanisme"),
    ("roads-and-traffic", "Voirie et circulation"),
    ("waste-and-cleanliness", "Déchets et propreté"),
    ("green-spaces-and-biodiversity", "Espaces verts et biodiversité"),
    ("culture", "Culture"),
    ("youth-and-sport", "Jeunesse et sport"),
    ("shops", "Commerces"),
    ("agriculture", "Agriculture"),
    ("energy", "Énergie"),
    ("social", "Action sociale"),
    ("school", "École"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_codes_are_slugs_and_distinct() {
        let mut codes: Vec<&str> = DEFAULT_THEMES.iter().map(|(code, _)| *code).collect();
        for code in &codes {
            assert!(Slug::parse_field("code", code).is_ok(), "{code}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), DEFAULT_THEMES.len());
    }
}
