//! Recording (or amending) a process's decision.

use super::{load_at, refused};
use crate::UseCaseError;
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{DecisionDraft, Process, decision};
use implication_domain::requests::Actor;
use implication_domain::{Municipality, Precondition, ProcessId};
use implication_storage::Database;
use implication_storage::participation::{self as store, ProcessWrite};

/// Records `draft` as the decision of process `id`, read at a version `expected` admits: a
/// process `deciding` becomes `decided`; a decided one has its decision amended.
pub async fn decide(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: ProcessId,
    expected: Precondition,
    draft: &DecisionDraft,
) -> Result<Process, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    // Not ahead of today where the municipality is.
    let today = local_today(crate::clock::now(), municipality.settings.time_zone);
    let parsed = draft.parse(today)?;
    let mut errors = implication_domain::ValidationErrors::default();
    for (i, survey) in parsed.surveys.iter().enumerate() {
        let found = implication_storage::participation::surveys::find(db, municipality.id, *survey).await?;
        if found.is_none_or(|s| s.process != current.id) {
            errors.push(implication_domain::FieldError::new(
                format!("surveys[{i}]"),
                implication_domain::participation::Code::UnknownSurvey,
                implication_domain::Message::new(
                    "no such survey in this process",
                    "aucun sondage de cet identifiant dans cette démarche",
                ),
            ));
        }
    }
    errors.into_result()?;
    let now = crate::clock::now();
    let (next, event) = decision::record(&current, parsed, actor, now).map_err(refused)?;
    let (written, _) = store::write(
        db,
        ProcessWrite {
            expected_version: Some(current.version),
            process: &next,
            events: vec![event],
            linked: Vec::new(),
            requests: Vec::new(),
        },
    )
    .await?;
    tracing::info!(process = %written.id, "process decision recorded");
    Ok(written)
}
