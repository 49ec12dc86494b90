//! Drawing inhabitants by lot (the 2011 local plan workshops, §5.3.2.2): per neighbourhood, a
//! number of people to invite is drawn from the town's own list of that neighbourhood's
//! inhabitants (its lines numbered 1 to the pool's size). The list, and so every name, stays with
//! the town; what is published is the seed, each pool's size, the seats and the rule — enough for
//! anyone to run the draw again and get the same line numbers.
//!
//! The rule, `sha256-rank-v1`: in a pool of neighbourhood `code` and size `N`, each line `n` of
//! 1..=N gets the key `SHA-256(seed + "\n" + code + "\n" + n)` (UTF-8, `n` in decimal); the lines
//! sorted by key (bytewise), the first `seats` are invited, the next `alternates` are asked in
//! turn if someone declines. In Python:
//! `sorted(range(1, N + 1), key=lambda n: hashlib.sha256(f"{seed}\n{code}\n{n}".encode()).digest())`.

use super::{Code, missing};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{DrawId, MunicipalityId};
use crate::requests::Catalogue;
use crate::slug::Slug;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The name of the rule drawn by, published with every draw.
pub const RULE: &str = "sha256-rank-v1";
/// How many lines a pool holds at most (a neighbourhood's inhabitants).
pub const MAX_POOL: i64 = 100_000;
/// How many pools a draw holds at most.
pub const MAX_POOLS: usize = 30;
/// How many lines a pool's seats and alternates draw at most (people invited, not a census).
pub const MAX_DRAWN: i64 = 1_000;
/// How many lines a draw's pools hold at most, together (each is hashed once).
pub const MAX_LINES: u64 = 300_000;

text_type!(
    /// What the draw is for ("Ateliers du plan local d'urbanisme"): 1 to 500 characters.
    DrawPurpose, 500, parse_text
);

/// A draw's seed: 1 to 200 characters, published. Best drawn in public (dice at a council
/// sitting, a lottery's numbers), so that nobody could have chosen it.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed(String);

impl Seed {
    pub const MAX: usize = 200;

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let text = parse_text(field, value, Self::MAX)?;
        if text.contains(['\n', '\r', '\t']) {
            return Err(FieldError::new(
                field,
                crate::error::Code::InvalidCharacters,
                Message::new("must hold on one line", "doit tenir sur une ligne"),
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Seed({:?})", self.0)
    }
}

/// One neighbourhood's pool and what was drawn from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub neighbourhood: Slug,
    /// How many lines the town's list of the neighbourhood holds.
    pub size: u32,
    pub seats: u32,
    pub alternates: u32,
    /// The lines invited, in the order drawn.
    pub drawn: Vec<u32>,
    /// The lines asked in turn if someone declines, in the order drawn.
    pub alternates_drawn: Vec<u32>,
}

/// A draw, as stored: it never changes.
#[derive(Debug, Clone)]
pub struct Draw {
    pub id: DrawId,
    pub municipality: MunicipalityId,
    pub purpose: DrawPurpose,
    pub seed: Seed,
    pub rule: &'static str,
    pub pools: Vec<Pool>,
    pub drawn_at: DateTime<Utc>,
}

/// The first `take` lines of `1..=size` in the order of the rule.
pub fn rank(seed: &Seed, neighbourhood: &Slug, size: u32, take: u32) -> Vec<u32> {
    let prefix = format!("{}\n{}\n", seed.as_str(), neighbourhood.as_str());
    let mut keyed: Vec<([u8; 32], u32)> = (1..=size)
        .map(|n| {
            let mut hasher = Sha256::new();
            hasher.update(prefix.as_bytes());
            hasher.update(n.to_string().as_bytes());
            (hasher.finalize().into(), n)
        })
        .collect();
    let take = take.min(size) as usize;
    if take < keyed.len() {
        keyed.select_nth_unstable(take);
        keyed.truncate(take);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, n)| n).collect()
}

/// A pool as received.
#[derive(Debug, Clone, Default)]
pub struct PoolDraft {
    pub neighbourhood: Option<String>,
    pub size: Option<i64>,
    pub seats: Option<i64>,
    pub alternates: Option<i64>,
}

/// A draw as received.
#[derive(Debug, Clone, Default)]
pub struct DrawDraft {
    pub purpose: Option<String>,
    /// Without one, the caller supplies a random seed (recorded and published alike).
    pub seed: Option<String>,
    pub pools: Vec<PoolDraft>,
}

fn count(field: String, value: Option<i64>, min: i64, max: i64, errors: &mut ValidationErrors) -> Option<u32> {
    match value {
        None if min == 0 => Some(0),
        None => {
            errors.push(missing(&field, "required", "obligatoire"));
            None
        }
        Some(n) if (min..=max).contains(&n) => u32::try_from(n).ok(),
        Some(_) => {
            errors.push(FieldError::new(
                field,
                crate::error::Code::OutOfRange,
                Message::new(format!("must be from {min} to {max}"), format!("doit aller de {min} à {max}")),
            ));
            None
        }
    }
}

impl DrawDraft {
    /// The draw, made: every invalid field named at once. `random_seed` gives the seed when the
    /// draft has none.
    pub fn draw(
        &self,
        municipality: MunicipalityId,
        catalogue: &Catalogue<'_>,
        random_seed: impl FnOnce() -> String,
        now: DateTime<Utc>,
    ) -> Result<Draw, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let purpose = match self.purpose.as_deref() {
            Some(p) => errors.collect(DrawPurpose::parse("purpose", p)),
            None => {
                errors.push(missing("purpose", "say what the draw is for", "dites à quoi sert le tirage"));
                None
            }
        };
        let seed = match self.seed.as_deref() {
            Some(seed) => errors.collect(Seed::parse("seed", seed)),
            None => errors.collect(Seed::parse("seed", &random_seed())),
        };
        if self.pools.is_empty() {
            errors.push(missing("pools", "give at least one neighbourhood's pool", "donnez au moins un quartier"));
        } else if self.pools.len() > MAX_POOLS {
            errors.push(FieldError::new(
                "pools",
                crate::error::Code::TooMany,
                Message::new(format!("at most {MAX_POOLS} pools"), format!("{MAX_POOLS} quartiers au plus")),
            ));
        }
        let mut pools: Vec<(Slug, u32, u32, u32)> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut lines: u64 = 0;
        for (i, pool) in self.pools.iter().enumerate().take(MAX_POOLS) {
            let at = |name: &str| format!("pools[{i}].{name}");
            let neighbourhood = match pool.neighbourhood.as_deref() {
                Some(code) => catalogue.check_neighbourhood(&at("neighbourhood"), code, &mut errors),
                None => {
                    errors.push(missing(&at("neighbourhood"), "name the neighbourhood", "nommez le quartier"));
                    None
                }
            };
            let duplicate = neighbourhood.as_ref().is_some_and(|slug| seen.replace(slug.clone()).is_some());
            if duplicate {
                errors.push(FieldError::new(
                    at("neighbourhood"),
                    Code::DuplicateNeighbourhood,
                    Message::new("this neighbourhood already has its pool", "ce quartier a déjà son tirage"),
                ));
            }
            let size = count(at("pool_size"), pool.size, 1, MAX_POOL, &mut errors);
            let seats = count(at("seats"), pool.seats, 1, MAX_DRAWN, &mut errors);
            let alternates = count(at("alternates"), pool.alternates, 0, MAX_DRAWN, &mut errors);
            lines += size.map_or(0, u64::from);
            if let (Some(seats), Some(alternates)) = (seats, alternates)
                && i64::from(seats) + i64::from(alternates) > MAX_DRAWN
            {
                errors.push(FieldError::new(
                    at("alternates"),
                    Code::TooManyDrawn,
                    Message::new(
                        format!("seats and alternates draw at most {MAX_DRAWN} lines"),
                        format!("les places et suppléants tirent {MAX_DRAWN} lignes au plus"),
                    ),
                ));
                continue;
            }
            if let (Some(size), Some(seats), Some(alternates)) = (size, seats, alternates)
                && u64::from(seats) + u64::from(alternates) > u64::from(size)
            {
                errors.push(FieldError::new(
                    at("seats"),
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("seats and alternates ({}) exceed the pool ({size})", seats + alternates),
                        format!("les places et suppléants ({}) dépassent le vivier ({size})", seats + alternates),
                    ),
                ));
                continue;
            }
            if let (false, Some(slug), Some(size), Some(seats), Some(alternates)) =
                (duplicate, neighbourhood, size, seats, alternates)
            {
                pools.push((slug, size, seats, alternates));
            }
        }
        if lines > MAX_LINES {
            errors.push(FieldError::new(
                "pools",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("the pools hold {lines} lines together: at most {MAX_LINES}"),
                    format!("les viviers comptent {lines} lignes ensemble : {MAX_LINES} au plus"),
                ),
            ));
        }
        errors.into_result()?;
        let (Some(purpose), Some(seed)) = (purpose, seed) else { return Err(ValidationErrors::default()) };
        let pools = pools
            .into_iter()
            .map(|(neighbourhood, size, seats, alternates)| {
                let mut drawn = rank(&seed, &neighbourhood, size, seats + alternates);
                let alternates_drawn = drawn.split_off(seats as usize);
                Pool { neighbourhood, size, seats, alternates, drawn, alternates_drawn }
            })
            .collect();
        Ok(Draw { id: DrawId::new(), municipality, purpose, seed, rule: RULE, pools, drawn_at: now })
    }
}
