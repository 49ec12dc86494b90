//! Surveys (consultation, §5.5.2): a question, options (scenarios, each with a description), an
//! eligible population, opening and closing times, one ballot per respondent — an inhabitant's
//! account, or a single-use ballot code the town hands out on paper — and paper ballots entered
//! in bulk. Results: responses, participation rate (responses / eligible) and the share of each
//! option, public once the survey closes (or all along when the town chose live results).
//!
//! Shares are given in tenths of a percent and sum to exactly 100.0 % (largest remainder: each
//! option gets the floor of its exact share, then the tenths left go to the largest remainders,
//! ties to the earlier option). The participation rate is rounded half up to a tenth of a percent.

use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::identity::municipality::parse_name;
use crate::ids::{MunicipalityId, ProcessId, SurveyId};
use crate::vocabulary::EligibleUnit;
use chrono::{DateTime, Utc};

text_type!(
    /// The question asked: 1 to 1,000 characters.
    Question, 1_000, parse_text
);
text_type!(
    /// An option's title ("Scénario 3 : mercredi matin"): 1 to 200 characters.
    OptionTitle, 200, parse_name
);
text_type!(
    /// What an option means: 1 to 2,000 characters.
    OptionDescription, 2_000, parse_text
);

pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 20;
/// The largest eligible population: a commune of France is smaller.
pub const MAX_ELIGIBLE: i64 = 10_000_000;
/// How many paper ballots one sheet enters at most.
pub const MAX_PAPER_BALLOTS: u32 = 20_000;
/// How many ballot codes one batch makes at most.
pub const MAX_CODES_PER_BATCH: i64 = 5_000;

/// One option: numbered from 1 in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyOption {
    pub number: u16,
    pub title: OptionTitle,
    pub description: Option<OptionDescription>,
}

/// A survey, as stored.
#[derive(Debug, Clone)]
pub struct Survey {
    pub id: SurveyId,
    pub municipality: MunicipalityId,
    pub process: ProcessId,
    pub question: Question,
    pub options: Vec<SurveyOption>,
    pub eligible: u32,
    pub eligible_unit: EligibleUnit,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Results public while it runs (otherwise from its closing).
    pub live_results: bool,
    pub created_at: DateTime<Utc>,
}

/// Where a survey stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyPhase {
    Upcoming,
    Open,
    Closed,
}

impl Survey {
    pub fn phase(&self, now: DateTime<Utc>) -> SurveyPhase {
        if now < self.opens_at {
            SurveyPhase::Upcoming
        } else if now < self.closes_at {
            SurveyPhase::Open
        } else {
            SurveyPhase::Closed
        }
    }

    /// Whether the public may read its results.
    pub fn results_public(&self, now: DateTime<Utc>) -> bool {
        self.phase(now) == SurveyPhase::Closed || (self.live_results && self.phase(now) == SurveyPhase::Open)
    }

    pub fn has_option(&self, number: i64) -> bool {
        self.options.iter().any(|o| i64::from(o.number) == number)
    }
}

/// An option as received.
#[derive(Debug, Clone, Default)]
pub struct OptionDraft {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A survey as received.
#[derive(Debug, Clone, Default)]
pub struct SurveyDraft {
    pub question: Option<String>,
    pub options: Vec<OptionDraft>,
    pub eligible: Option<i64>,
    pub eligible_unit: Option<EligibleUnit>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub live_results: bool,
}

fn required(field: impl Into<String>) -> FieldError {
    FieldError::new(field, crate::error::Code::Required, Message::new("required", "obligatoire"))
}

impl SurveyDraft {
    /// A survey of `process`, every invalid field named at once.
    pub fn parse(
        &self,
        municipality: MunicipalityId,
        process: ProcessId,
        now: DateTime<Utc>,
    ) -> Result<Survey, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let question = match self.question.as_deref() {
            Some(q) => errors.collect(Question::parse("question", q)),
            None => {
                errors.push(required("question"));
                None
            }
        };
        if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&self.options.len()) {
            errors.push(FieldError::new(
                "options",
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("give {MIN_OPTIONS} to {MAX_OPTIONS} options"),
                    format!("donnez de {MIN_OPTIONS} à {MAX_OPTIONS} options"),
                ),
            ));
        }
        let mut options = Vec::new();
        for (i, draft) in self.options.iter().enumerate() {
            let title = match draft.title.as_deref() {
                Some(t) => errors.collect(OptionTitle::parse(&format!("options[{i}].title"), t)),
                None => {
                    errors.push(required(format!("options[{i}].title")));
                    None
                }
            };
            let description = draft
                .description
                .as_deref()
                .and_then(|d| errors.collect(OptionDescription::parse(&format!("options[{i}].description"), d)));
            if let (Some(title), Ok(number)) = (title, u16::try_from(i + 1)) {
                options.push(SurveyOption { number, title, description });
            }
        }
        let eligible = match self.eligible {
            Some(n) if (1..=MAX_ELIGIBLE).contains(&n) => u32::try_from(n).ok(),
            Some(_) => {
                errors.push(FieldError::new(
                    "eligible",
                    crate::error::Code::OutOfRange,
                    Message::new(
                        format!("must be from 1 to {MAX_ELIGIBLE}"),
                        format!("doit être compris entre 1 et {MAX_ELIGIBLE}"),
                    ),
                ));
                None
            }
            None => {
                errors.push(required("eligible"));
                None
            }
        };
        if self.eligible_unit.is_none() {
            errors.push(required("eligible_unit"));
        }
        let opens_ok =
            self.opens_at.is_none_or(|at| errors.collect(crate::time::check_instant("opens_at", at)).is_some());
        let closes_ok =
            self.closes_at.is_none_or(|at| errors.collect(crate::time::check_instant("closes_at", at)).is_some());
        match (self.opens_at, self.closes_at) {
            _ if !(opens_ok && closes_ok) => {}
            (Some(opens), Some(closes)) if closes <= opens => errors.push(FieldError::new(
                "closes_at",
                crate::error::Code::OutOfRange,
                Message::new("must be after opens_at", "doit être après opens_at"),
            )),
            (opens, closes) => {
                if opens.is_none() {
                    errors.push(required("opens_at"));
                }
                if closes.is_none() {
                    errors.push(required("closes_at"));
                }
            }
        }
        errors.into_result()?;
        let (Some(question), Some(eligible), Some(eligible_unit), Some(opens_at), Some(closes_at)) =
            (question, eligible, self.eligible_unit, self.opens_at, self.closes_at)
        else {
            return Err(ValidationErrors::default());
        };
        Ok(Survey {
            id: SurveyId::new(),
            municipality,
            process,
            question,
            options,
            eligible,
            eligible_unit,
            opens_at,
            closes_at,
            live_results: self.live_results,
            created_at: now,
        })
    }
}

/// The characters of a ballot code: capitals and digits a reader cannot confuse on paper (no 0
/// and O, no 1, I and L, no 5 and S, no 2 and Z, no 8 and B).
pub const CODE_ALPHABET: &[u8; 25] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// Ten characters from [`CODE_ALPHABET`]: 25^10 ≈ 9.5 × 10^13 codes, against a few thousand
/// handed out and attempts throttled.
pub const CODE_LEN: usize = 10;

/// A ballot code, normalised: ten characters, printed as two groups of five (`ACDEF-GH347`).
#[derive(Clone, PartialEq, Eq)]
pub struct BallotCode(String);

impl std::fmt::Debug for BallotCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BallotCode(…)")
    }
}

impl BallotCode {
    const LETTERS: usize = 25;

    /// A code from random bytes (at least ten; each byte picks a character, rejection sampling
    /// keeps the choice uniform: the caller gives more bytes than needed).
    pub fn from_random(bytes: &[u8]) -> Option<Self> {
        let limit = (256 / Self::LETTERS * Self::LETTERS) as u16;
        let code: String = bytes
            .iter()
            .filter(|b| u16::from(**b) < limit)
            .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % Self::LETTERS]))
            .take(CODE_LEN)
            .collect();
        (code.len() == CODE_LEN).then_some(Self(code))
    }

    /// A code as typed from paper: case, spaces and dashes ignored; `None` if it cannot be one.
    pub fn parse(typed: &str) -> Option<Self> {
        let code: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_ascii_uppercase()).collect();
        let valid = code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        valid.then_some(Self(code))
    }

    /// The code as printed: `ACDEF-GH347`.
    pub fn printed(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }

    /// What is hashed to store it (never the code itself): the survey and the code.
    pub fn hashed_material(&self, survey: SurveyId) -> String {
        format!("{survey}:{}", self.0)
    }
}

/// The results of a survey: counts per option (in option order), with the arithmetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub responses: u64,
    pub eligible: u32,
    /// Participation, in tenths of a percent (572 = 57.2 %), rounded half up; may pass 1000 when
    /// more people answered than the eligible population given.
    pub participation_permille: u64,
    /// Per option: its number, its count, its share in tenths of a percent (summing to 1000 when
    /// there is a response).
    pub options: Vec<(u16, u64, u64)>,
}

/// Computes results from `counts` (option number, ballots), every option of `survey` listed.
pub fn results(survey: &Survey, counts: &[(u16, u64)]) -> Results {
    let count_of = |n: u16| counts.iter().filter(|(o, _)| *o == n).map(|(_, c)| *c).sum::<u64>();
    let per_option: Vec<(u16, u64)> = survey.options.iter().map(|o| (o.number, count_of(o.number))).collect();
    let responses: u64 = per_option.iter().map(|(_, c)| c).sum();
    let eligible = u64::from(survey.eligible.max(1));
    let participation_permille = (responses * 1000 * 2 + eligible) / (eligible * 2);
    let shares = largest_remainder(&per_option.iter().map(|(_, c)| *c).collect::<Vec<_>>(), 1000);
    Results {
        responses,
        eligible: survey.eligible,
        participation_permille,
        options: per_option.iter().zip(shares).map(|((n, c), s)| (*n, *c, s)).collect(),
    }
}

/// Shares of `total` (1000: tenths of a percent) proportional to `counts`, summing to `total`
/// exactly when any count is positive (all zero otherwise): floors first, then one unit each to
/// the largest remainders, ties to the earlier.
pub fn largest_remainder(counts: &[u64], total: u64) -> Vec<u64> {
    let sum: u64 = counts.iter().sum();
    if sum == 0 {
        return vec![0; counts.len()];
    }
    let mut shares: Vec<u64> = counts.iter().map(|c| c * total / sum).collect();
    let mut remainders: Vec<(usize, u64)> = counts.iter().enumerate().map(|(i, c)| (i, c * total % sum)).collect();
    remainders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let left = total - shares.iter().sum::<u64>();
    for (i, _) in remainders.iter().take(usize::try_from(left).unwrap_or(usize::MAX)) {
        shares[*i] += 1;
    }
    shares
}

/// Paper ballots as entered by staff: counts per option and the total counted on the sheet,
/// which must agree.
pub fn check_paper(
    survey: &Survey,
    counts: &[(Option<i64>, Option<i64>)],
    total: Option<i64>,
) -> Result<Vec<(u16, u32)>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut checked = Vec::new();
    for (i, (option, count)) in counts.iter().enumerate() {
        let (Some(option), Some(count)) = (option, count) else {
            for (field, given) in [("option", option.is_some()), ("count", count.is_some())] {
                if !given {
                    errors.push(required(format!("counts[{i}].{field}")));
                }
            }
            continue;
        };
        if !survey.has_option(*option) {
            errors.push(FieldError::new(
                format!("counts[{i}].option"),
                crate::error::Code::UnknownValue,
                Message::new(
                    format!("the survey has no option {option}"),
                    format!("le sondage n'a pas d'option {option}"),
                ),
            ));
        } else if checked.iter().any(|(o, _)| i64::from(*o) == *option) {
            errors.push(FieldError::new(
                format!("counts[{i}].option"),
                crate::participation::Code::DuplicateRequest,
                Message::new("this option is already counted", "cette option est déjà comptée"),
            ));
        }
        match (u16::try_from(*option), u32::try_from(*count)) {
            (Ok(o), Ok(c)) if c <= MAX_PAPER_BALLOTS => checked.push((o, c)),
            (Err(_), _) => {}
            _ => errors.push(FieldError::new(
                format!("counts[{i}].count"),
                crate::error::Code::OutOfRange,
                Message::new(
                    format!("must be from 0 to {MAX_PAPER_BALLOTS}"),
                    format!("doit être compris entre 0 et {MAX_PAPER_BALLOTS}"),
                ),
            )),
        }
    }
    let sum: i64 = checked.iter().map(|(_, c)| i64::from(*c)).sum();
    if sum > i64::from(MAX_PAPER_BALLOTS) {
        errors.push(FieldError::new(
            "counts",
            crate::error::Code::OutOfRange,
            Message::new(
                format!("at most {MAX_PAPER_BALLOTS} ballots a sheet: enter a large count in several sheets"),
                format!("{MAX_PAPER_BALLOTS} bulletins au plus par feuille : saisissez un grand compte en plusieurs feuilles"),
            ),
        ));
    }
    match total {
        None => errors.push(required("total")),
        Some(total) if total != sum => errors.push(FieldError::new(
            "total",
            crate::participation::Code::CountMismatch,
            Message::new(
                format!("the counts add up to {sum}, not {total}: count the sheet again"),
                format!("les comptes font {sum}, pas {total} : recomptez la feuille"),
            ),
        )),
        Some(_) => {}
    }
    errors.into_result()?;
    Ok(checked)
}
