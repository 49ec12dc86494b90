//! Municipalities: the tenants. Every other object belongs to exactly one.

use crate::error::Message;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::MunicipalityId;
use crate::slug::Slug;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A municipality's display name ("Loos-en-Gohelle"): 1 to 120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalityName(String);

impl MunicipalityName {
    pub const MAX_LEN: usize = 120;

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        parse_name(field, value, Self::MAX_LEN).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trims, then requires 1..=max characters and no control characters.
pub fn parse_name(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            field,
            crate::error::Code::Required,
            Message::new("must not be empty", "ne doit pas être vide"),
        ));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            crate::error::Code::TooLong,
            Message::new(format!("must be at most {max} characters"), format!("{max} caractères au plus")),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            crate::error::Code::InvalidCharacters,
            Message::new("must not contain control characters", "ne doit pas contenir de caractères de contrôle"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// The INSEE code of a French commune ("62528"): a department (01–19, 2A, 2B, 21–95, 97, 98)
/// followed by three digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InseeCode(String);

impl InseeCode {
    /// The same rule as [`InseeCode::parse`], for schemas.
    pub const PATTERN: &'static str = "^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-578])[0-9]{3}$";

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let b = value.as_bytes();
        let department_ok = b.len() == 5
            && matches!(
                (b[0], b[1]),
                (b'0', b'1'..=b'9')
                    | (b'1', b'0'..=b'9')
                    | (b'2', b'1'..=b'9' | b'A' | b'B')
                    | (b'3'..=b'8', b'0'..=b'9')
                    | (b'9', b'0'..=b'5' | b'7' | b'8')
            );
        if department_ok && b[2..].iter().all(u8::is_ascii_digit) {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                crate::identity::Code::InvalidInseeCode,
                Message::new(
                    "must be a 5-character INSEE commune code: a department (01–95, 2A, 2B, 97, 98) then 3 digits, e.g. 62528",
                    "doit être un code commune INSEE de 5 caractères : un département (01–95, 2A, 2B, 97, 98) puis 3 chiffres, par exemple 62528",
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Number of inhabitants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Population(u32);

impl Population {
    pub const MAX: i64 = 100_000_000;

    pub fn parse(field: &str, value: i64) -> Result<Self, FieldError> {
        u32::try_from(value).ok().filter(|v| i64::from(*v) <= Self::MAX).map(Self).ok_or_else(|| {
            FieldError::new(
                field,
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must be between 0 and {}", Self::MAX),
                    format!("doit être compris entre 0 et {}", Self::MAX),
                ),
            )
        })
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// What each town decides for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalitySettings {
    /// Days after which a request still `received` or `qualifying` is late ("every request gets an answer").
    pub answer_delay_days: u16,
    /// Days after a meeting by which its minutes are due (annex A1: 15 days).
    pub minutes_delay_days: u16,
    /// Where its clocks are: meetings are set and shown in this time zone (IANA: `Europe/Paris`).
    pub time_zone: chrono_tz::Tz,
}

impl MunicipalitySettings {
    pub const ANSWER_DELAY_RANGE: (u16, u16) = (1, 365);
    pub const MINUTES_DELAY_RANGE: (u16, u16) = (1, 90);

    /// Parses optional values, falling back to the defaults; every invalid one is reported.
    pub fn parse(
        answer_delay_days: Option<i64>,
        minutes_delay_days: Option<i64>,
        time_zone: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let defaults = Self::default();
        let mut errors = ValidationErrors::default();
        let answer = errors.collect(parse_days(
            "settings.answer_delay_days",
            answer_delay_days,
            defaults.answer_delay_days,
            Self::ANSWER_DELAY_RANGE,
        ));
        let minutes = errors.collect(parse_days(
            "settings.minutes_delay_days",
            minutes_delay_days,
            defaults.minutes_delay_days,
            Self::MINUTES_DELAY_RANGE,
        ));
        let time_zone = match time_zone {
            None => Some(defaults.time_zone),
            Some(name) => errors.collect(parse_time_zone("settings.time_zone", name)),
        };
        match (answer, minutes, time_zone) {
            (Some(answer_delay_days), Some(minutes_delay_days), Some(time_zone)) => {
                Ok(Self { answer_delay_days, minutes_delay_days, time_zone })
            }
            _ => Err(errors),
        }
    }
}

/// An IANA time zone name (`Europe/Paris`, `America/Cayenne`, `Indian/Reunion`).
pub fn parse_time_zone(field: &str, name: &str) -> Result<chrono_tz::Tz, FieldError> {
    name.parse::<chrono_tz::Tz>().map_err(|_| {
        FieldError::new(
            field,
            crate::error::Code::UnknownValue,
            Message::new(
                format!("{name:?} is not an IANA time zone such as Europe/Paris"),
                format!("{name:?} n'est pas un fuseau horaire IANA comme Europe/Paris"),
            ),
        )
    })
}

fn parse_days(field: &str, value: Option<i64>, default: u16, (min, max): (u16, u16)) -> Result<u16, FieldError> {
    let Some(value) = value else { return Ok(default) };
    u16::try_from(value).ok().filter(|v| (min..=max).contains(v)).ok_or_else(|| {
        FieldError::new(
            field,
            crate::error::Code::OutOfRange,
            Message::new(
                format!("must be between {min} and {max} days"),
                format!("doit être compris entre {min} et {max} jours"),
            ),
        )
    })
}

impl Default for MunicipalitySettings {
    fn default() -> Self {
        Self { answer_delay_days: 30, minutes_delay_days: 15, time_zone: chrono_tz::Europe::Paris }
    }
}

/// A municipality to be created, every field already valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMunicipality {
    pub slug: Slug,
    pub name: MunicipalityName,
    pub insee_code: InseeCode,
    pub population: Population,
    pub settings: MunicipalitySettings,
}

/// Untrusted input for a new municipality, as it arrives from a command line or a request body.
#[derive(Debug, Clone, Default)]
pub struct MunicipalityDraft {
    pub slug: String,
    pub name: String,
    pub insee_code: String,
    pub population: i64,
    pub answer_delay_days: Option<i64>,
    pub minutes_delay_days: Option<i64>,
    pub time_zone: Option<String>,
}

impl NewMunicipality {
    /// Checks every field and reports all the invalid ones at once.
    pub fn parse(draft: &MunicipalityDraft) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let slug = errors.collect(Slug::parse_field("slug", &draft.slug));
        let name = errors.collect(MunicipalityName::parse("name", &draft.name));
        let insee_code = errors.collect(InseeCode::parse("insee_code", &draft.insee_code));
        let population = errors.collect(Population::parse("population", draft.population));
        let settings = match MunicipalitySettings::parse(
            draft.answer_delay_days,
            draft.minutes_delay_days,
            draft.time_zone.as_deref(),
        ) {
            Ok(settings) => Some(settings),
            Err(more) => {
                errors.0.extend(more.0);
                None
            }
        };
        match (slug, name, insee_code, population, settings) {
            (Some(slug), Some(name), Some(insee_code), Some(population), Some(settings)) => {
                Ok(Self { slug, name, insee_code, population, settings })
            }
            _ => Err(errors),
        }
    }
}

/// A municipality as stored. `version` grows at each change and makes its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub id: MunicipalityId,
    pub slug: Slug,
    pub name: MunicipalityName,
    pub insee_code: InseeCode,
    pub population: Population,
    pub settings: MunicipalitySettings,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Municipality {
    /// The town's day now, in its time zone: what requests are dated by and delays counted in
    /// (a request sent at 00:30 in Paris is dated that day, not the day before in UTC).
    pub fn today(&self) -> chrono::NaiveDate {
        crate::participation::meeting::local_today(crate::time::now(), self.settings.time_zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loos() -> MunicipalityDraft {
        MunicipalityDraft {
            slug: "loos-en-gohelle".into(),
            name: "Loos-en-Gohelle".into(),
            insee_code: "62528".into(),
            population: 6_500,
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_draft_gets_the_default_settings() {
        let parsed = NewMunicipality::parse(&loos());
        assert!(parsed.is_ok_and(|m| m.settings
            == MunicipalitySettings {
                answer_delay_days: 30,
                minutes_delay_days: 15,
                time_zone: chrono_tz::Europe::Paris
            }));
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let draft = MunicipalityDraft {
            slug: "Loos en Gohelle".into(),
            name: "   ".into(),
            insee_code: "6252".into(),
            population: -1,
            answer_delay_days: Some(0),
            minutes_delay_days: Some(91),
            time_zone: Some("Europe/Loos".into()),
        };
        let errors = NewMunicipality::parse(&draft).err().map(|e| e.0).unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "name",
                "insee_code",
                "population",
                "settings.answer_delay_days",
                "settings.minutes_delay_days",
                "settings.time_zone"
            ]
        );
    }

    #[test]
    fn insee_codes_follow_the_department_rules() {
        for good in ["62528", "2A004", "2B033", "97101", "98735", "01001", "95500"] {
            assert!(InseeCode::parse("insee_code", good).is_ok(), "{good} should be accepted");
        }
        for bad in ["00001", "20001", "96001", "99001", "6252", "625288", "2a004", "62A28", "6252 ", ""] {
            assert!(InseeCode::parse("insee_code", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(MunicipalityName::parse("name", "  Grenay ").map(|n| n.0), Ok("Grenay".into()));
        assert!(MunicipalityName::parse("name", &"x".repeat(121)).is_err());
        assert!(MunicipalityName::parse("name", "Gre\u{0}nay").is_err());
    }

    #[test]
    fn population_is_bounded() {
        assert!(Population::parse("population", 0).is_ok());
        assert!(Population::parse("population", 100_000_000).is_ok());
        assert!(Population::parse("population", 100_000_001).is_err());
        assert!(Population::parse("population", -5).is_err());
    }

    #[test]
    fn settings_ranges_are_inclusive() {
        assert!(MunicipalitySettings::parse(Some(1), Some(1), None).is_ok());
        assert!(MunicipalitySettings::parse(Some(365), Some(90), None).is_ok());
        assert!(MunicipalitySettings::parse(Some(366), None, None).is_err());
    }

    #[test]
    fn a_time_zone_is_an_iana_name() {
        let reunion = MunicipalitySettings::parse(None, None, Some("Indian/Reunion")).map(|s| s.time_zone);
        assert_eq!(reunion, Ok(chrono_tz::Indian::Reunion));
        assert!(MunicipalitySettings::parse(None, None, Some("CET+1")).is_err());
        assert!(MunicipalitySettings::parse(None, None, Some("")).is_err());
    }
}
