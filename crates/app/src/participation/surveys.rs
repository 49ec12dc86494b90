//! Surveys of a process: creating one, issuing ballot codes in batches, taking ballots (by an
//! account or a code, one each), entering paper ballots in bulk, and reading the results.

use super::{load, refused};
use crate::UseCaseError;
use crate::error::Resource;
use crate::identity::secrets::sha256_hex;
use implication_domain::evaluation::participants::Participation;
use implication_domain::identity::Standing;
use implication_domain::participation::lifecycle::{self, Refusal, Rule};
use implication_domain::participation::survey::{self, BallotCode, MAX_CODES_PER_BATCH, Results, SurveyPhase};
use implication_domain::participation::{Code, ProcessEvent, Survey, SurveyDraft};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::ParticipationKind;
use implication_domain::vocabulary::ProcessEventKind;
use implication_domain::{FieldError, Message, Municipality, ProcessId, SurveyId, ValidationErrors};
use implication_storage::Database;
use implication_storage::participation::surveys::{self as store, BallotRefusal, Voter};

/// The survey `id` of this municipality.
pub async fn load_survey(db: &Database, municipality: &Municipality, id: SurveyId) -> Result<Survey, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Survey))
}

fn guard(rule: Rule, en: String, fr: String) -> UseCaseError {
    UseCaseError::ProcessRefused(Refusal::Guard { rule, message: Message::new(en, fr), allowed: Vec::new() })
}

/// Creates a survey of process `process` (until the process ends).
pub async fn create(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    process: ProcessId,
    draft: &SurveyDraft,
) -> Result<Survey, UseCaseError> {
    let process = load(db, municipality, process).await?;
    let now = crate::clock::now();
    let survey = draft.parse(municipality.id, process.id, now)?;
    lifecycle::may_take_activities(&process).map_err(refused)?;
    let event = ProcessEvent {
        survey: Some(survey.id),
        ..ProcessEvent::new(process.id, ProcessEventKind::SurveyCreated, actor, now)
    };
    store::insert(db, &survey, &event).await?;
    tracing::info!(survey = %survey.id, process = %process.id, "survey created");
    Ok(survey)
}

/// Issues `count` new single-use ballot codes for survey `id` (before it closes): returned once,
/// stored hashed.
pub async fn issue_codes(
    db: &Database,
    municipality: &Municipality,
    id: SurveyId,
    count: Option<i64>,
) -> Result<Vec<BallotCode>, UseCaseError> {
    let survey = load_survey(db, municipality, id).await?;
    let count = match count {
        Some(n) if (1..=MAX_CODES_PER_BATCH).contains(&n) => usize::try_from(n).unwrap_or(0),
        _ => {
            return Err(FieldError::new(
                "count",
                implication_domain::error::Code::OutOfRange,
                Message::new(
                    format!("give a number of codes from 1 to {MAX_CODES_PER_BATCH}"),
                    format!("donnez un nombre de codes de 1 à {MAX_CODES_PER_BATCH}"),
                ),
            )
            .into());
        }
    };
    let now = crate::clock::now();
    if survey.phase(now) == SurveyPhase::Closed {
        return Err(guard(Rule::SurveyClosed, "the survey is closed".into(), "le sondage est clos".into()));
    }
    let mut codes: Vec<BallotCode> = Vec::with_capacity(count);
    while codes.len() < count {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|e| UseCaseError::Internal(format!("no randomness: {e}")))?;
        if let Some(code) = BallotCode::from_random(&bytes)
            && !codes.contains(&code)
        {
            codes.push(code);
        }
    }
    let hashes: Vec<String> = codes.iter().map(|c| sha256_hex(&c.hashed_material(survey.id))).collect();
    store::issue_codes(db, &survey, uuid::Uuid::now_v7(), &hashes, now).await?;
    tracing::info!(survey = %survey.id, count, "ballot codes issued");
    Ok(codes)
}

/// Takes one ballot for `option` in survey `id` while it is open: with a ballot `code` (anyone
/// holding one; each used once), or else by the caller's account in the municipality (once).
pub async fn cast(
    db: &Database,
    municipality: &Municipality,
    id: SurveyId,
    standing: &Standing,
    code: Option<&str>,
    option: Option<i64>,
) -> Result<(), UseCaseError> {
    let survey = load_survey(db, municipality, id).await?;
    // A survey of a process not yet open to the public takes no ballot; it does not even exist
    // for those who cannot see it.
    let process = load(db, municipality, survey.process).await?;
    if !process.is_public() {
        if !standing.is_staff() {
            return Err(UseCaseError::NotFound(Resource::Survey));
        }
        return Err(guard(
            Rule::SurveyNotOpen,
            "the survey's process is not open to the public yet".into(),
            "la démarche du sondage n'est pas encore ouverte au public".into(),
        ));
    }
    let mut errors = ValidationErrors::default();
    let option = match option {
        Some(n) if survey.has_option(n) => u16::try_from(n).ok(),
        Some(n) => {
            errors.push(FieldError::new(
                "option",
                implication_domain::error::Code::UnknownValue,
                Message::new(format!("the survey has no option {n}"), format!("le sondage n'a pas d'option {n}")),
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                "option",
                implication_domain::error::Code::Required,
                Message::new("choose an option", "choisissez une option"),
            ));
            None
        }
    };
    let code = match code {
        Some(typed) => {
            let parsed = BallotCode::parse(typed);
            if parsed.is_none() {
                errors.push(invalid_code());
            }
            parsed
        }
        None => None,
    };
    let account = match standing {
        Standing::Inhabitant(account) | Standing::Staff(account) => Some(*account),
        _ => None,
    };
    if code.is_none() && account.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "code",
            implication_domain::error::Code::Required,
            Message::new(
                "answer with your account in this municipality (sign in) or with a ballot code",
                "répondez avec votre compte dans cette commune (connectez-vous) ou avec un code de vote",
            ),
        ));
    }
    errors.into_result()?;
    let now = crate::clock::now();
    if survey.phase(now) != SurveyPhase::Open {
        return Err(guard(
            Rule::SurveyNotOpen,
            format!("the survey is open from {} to {}", survey.opens_at, survey.closes_at),
            format!("le sondage est ouvert du {} au {}", survey.opens_at, survey.closes_at),
        ));
    }
    let Some(option) = option else { return Err(ValidationErrors::default().into()) };
    let hash = code.as_ref().map(|c| sha256_hex(&c.hashed_material(survey.id)));
    let voter = match (&hash, account) {
        (Some(hash), _) => Voter::Code(hash),
        (None, Some(account)) => Voter::Account(account.as_uuid()),
        (None, None) => return Err(ValidationErrors::default().into()),
    };
    let not_open = || {
        guard(
            Rule::SurveyNotOpen,
            format!("the survey is open from {} to {}", survey.opens_at, survey.closes_at),
            format!("le sondage est ouvert du {} au {}", survey.opens_at, survey.closes_at),
        )
    };
    // An account whose participation is recorded (with its consent) has its answer recorded too.
    let participation = match (&hash, account) {
        (None, Some(account)) => {
            implication_storage::evaluation::participants::of_account(db, municipality.id, account).await?.map(
                |participant| Participation {
                    id: implication_domain::ParticipationId::new(),
                    municipality: municipality.id,
                    participant: participant.id,
                    kind: ParticipationKind::AnsweredSurvey,
                    subject: survey.id.as_uuid(),
                    on: implication_domain::participation::meeting::local_today(now, municipality.settings.time_zone),
                    created_at: now,
                },
            )
        }
        _ => None,
    };
    match store::cast(db, &survey, voter, option, participation.as_ref()).await {
        Ok(()) => Ok(()),
        Err(BallotRefusal::NotOpen) => Err(not_open()),
        Err(BallotRefusal::InvalidCode) => Err(ValidationErrors(vec![invalid_code()]).into()),
        Err(BallotRefusal::AlreadyAnswered) => Err(guard(
            Rule::AlreadyAnswered,
            "you have answered this survey already: one ballot each".into(),
            "vous avez déjà répondu à ce sondage : un bulletin chacun".into(),
        )),
        Err(BallotRefusal::Storage(e)) => Err(e.into()),
    }
}

/// Closes survey `id` now, before its closing time (the count is over): its results become
/// public. Only an open survey closes.
pub async fn close(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: SurveyId,
) -> Result<Survey, UseCaseError> {
    let survey = load_survey(db, municipality, id).await?;
    let now = crate::clock::now();
    let event = ProcessEvent {
        survey: Some(survey.id),
        ..ProcessEvent::new(survey.process, ProcessEventKind::SurveyClosed, actor, now)
    };
    if !store::close_now(db, &survey, now, &event).await? {
        return Err(guard(
            Rule::SurveyNotOpen,
            "only an open survey closes".into(),
            "seul un sondage ouvert se clôt".into(),
        ));
    }
    tracing::info!(survey = %survey.id, "survey closed early");
    load_survey(db, municipality, id).await
}

/// One message whether a code is malformed, unknown or used: a guesser learns nothing.
pub fn invalid_code() -> FieldError {
    FieldError::new(
        "code",
        Code::InvalidBallotCode,
        Message::new(
            "this code is not a valid, unused code of this survey",
            "ce code n'est pas un code valide et inutilisé de ce sondage",
        ),
    )
}

/// Enters paper ballots counted by staff (`counts` per option, agreeing with the sheet's
/// `total`), once the survey has opened.
pub async fn enter_paper(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: SurveyId,
    counts: &[(Option<i64>, Option<i64>)],
    total: Option<i64>,
) -> Result<u64, UseCaseError> {
    let survey = load_survey(db, municipality, id).await?;
    let checked = survey::check_paper(&survey, counts, total)?;
    let now = crate::clock::now();
    if survey.phase(now) == SurveyPhase::Upcoming {
        return Err(guard(
            Rule::SurveyNotOpen,
            "the survey has not opened yet".into(),
            "le sondage n'est pas encore ouvert".into(),
        ));
    }
    let event = ProcessEvent {
        survey: Some(survey.id),
        ..ProcessEvent::new(survey.process, ProcessEventKind::PaperBallotsEntered, actor, now)
    };
    store::paper(db, &survey, &checked, &event).await?;
    Ok(checked.iter().map(|(_, c)| u64::from(*c)).sum())
}

/// The results of `survey`, counted by the database.
pub async fn results(db: &Database, survey: &Survey) -> Result<Results, UseCaseError> {
    let counts = store::counts(db, survey).await?;
    Ok(survey::results(survey, &counts))
}
