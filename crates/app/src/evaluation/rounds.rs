//! Evaluation rounds: opening one on a set of projects, recording its carriers' survey, its
//! working group and findings, moving it to its conclusion.

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::evaluation::Code;
use implication_domain::evaluation::round::{Round, RoundDraft};
use implication_domain::vocabulary::RoundStatus;
use implication_domain::{FieldError, Message, Municipality, Precondition, RoundId, ValidationErrors};
use implication_storage::Database;
use implication_storage::evaluation::rounds as store;

/// Every project the round names must be one of the town's.
async fn check_projects(db: &Database, municipality: &Municipality, round: &Round) -> Result<(), UseCaseError> {
    let mut errors = ValidationErrors::default();
    for (i, project) in round.projects.iter().enumerate() {
        if implication_storage::conventions::find(db, municipality.id, *project).await?.is_none() {
            errors.push(FieldError::new(
                format!("projects[{i}]"),
                Code::UnknownSubject,
                Message::new("no project of this id here", "aucun projet de cet identifiant ici"),
            ));
        }
    }
    Ok(errors.into_result()?)
}

pub async fn load(db: &Database, municipality: &Municipality, id: RoundId) -> Result<Round, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Round))
}

/// Opens a round on a set of the town's projects, at the carriers' survey.
pub async fn open(db: &Database, municipality: &Municipality, draft: &RoundDraft) -> Result<Round, UseCaseError> {
    let round = draft.apply(None, municipality.id, crate::clock::now())?;
    check_projects(db, municipality, &round).await?;
    store::insert(db, &round).await?;
    tracing::info!(round = %round.id, "evaluation round opened");
    Ok(round)
}

/// Changes round `id` (its title, projects, survey, group, findings) until it is concluded.
pub async fn change(
    db: &Database,
    municipality: &Municipality,
    id: RoundId,
    expected: Precondition,
    draft: &RoundDraft,
) -> Result<Round, UseCaseError> {
    let current = load(db, municipality, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    current.may_change().map_err(UseCaseError::RoundRefused)?;
    let next = draft.apply(Some(&current), municipality.id, crate::clock::now())?;
    if (Round { updated_at: current.updated_at, ..next.clone() }) == current {
        return Ok(current);
    }
    if next.projects != current.projects {
        check_projects(db, municipality, &next).await?;
    }
    Ok(store::update(db, current.version, &next).await?)
}

/// Moves round `id` to `to`: the working group, then its conclusion.
pub async fn advance(
    db: &Database,
    municipality: &Municipality,
    id: RoundId,
    expected: Precondition,
    to: Option<RoundStatus>,
) -> Result<Round, UseCaseError> {
    let current = load(db, municipality, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let Some(to) = to else {
        return Err(FieldError::new(
            "to",
            implication_domain::error::Code::Required,
            Message::new("say which step the round moves to", "dites à quelle étape passe la session"),
        )
        .into());
    };
    let next = current.advance(to, crate::clock::now()).map_err(UseCaseError::RoundRefused)?;
    Ok(store::update(db, current.version, &next).await?)
}
