//! The town's directory of organisations: listing one (its name unique in the town), changing it,
//! and the parties of a convention's text drawn from it.

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::conventions::ContentDraft;
use implication_domain::conventions::organisation::{Organisation, OrganisationDraft, fill_party};
use implication_domain::error::Code as Common;
use implication_domain::{FieldError, Message, Municipality, OrganisationId, Precondition, ValidationErrors};
use implication_storage::Database;
use implication_storage::conventions::organisations as store;

fn taken() -> UseCaseError {
    FieldError::new(
        "name",
        Common::Taken,
        Message::new(
            "the directory has an organisation of this name already",
            "l'annuaire a déjà une organisation de ce nom",
        ),
    )
    .into()
}

pub async fn load(
    db: &Database,
    municipality: &Municipality,
    id: OrganisationId,
) -> Result<Organisation, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Organisation))
}

/// Lists an organisation in the town's directory (422 `taken` for a name it has already).
pub async fn create(
    db: &Database,
    municipality: &Municipality,
    draft: &OrganisationDraft,
) -> Result<Organisation, UseCaseError> {
    let organisation = draft.parse(municipality.id, crate::clock::now())?;
    if !store::insert(db, &organisation).await? {
        return Err(taken());
    }
    tracing::info!(organisation = %organisation.id, "organisation listed");
    Ok(organisation)
}

/// Changes organisation `id`, read at a version `expected` admits.
pub async fn change(
    db: &Database,
    municipality: &Municipality,
    id: OrganisationId,
    expected: Precondition,
    draft: &OrganisationDraft,
) -> Result<Organisation, UseCaseError> {
    let current = load(db, municipality, id).await?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let next = draft.apply(&current, crate::clock::now())?;
    if next == current {
        return Ok(current);
    }
    store::update(db, current.version, &next).await?.ok_or_else(taken)
}

/// `draft` with its parties drawn from the directory completed from it (their name, kind and
/// usual representative when left out); an organisation the town's directory lacks is named.
pub async fn resolve(
    db: &Database,
    municipality: &Municipality,
    draft: &ContentDraft,
) -> Result<ContentDraft, UseCaseError> {
    let ids: Vec<OrganisationId> = draft.parties.iter().filter_map(|p| p.organisation).collect();
    if ids.is_empty() {
        return Ok(draft.clone());
    }
    let found = store::find_all(db, municipality.id, &ids).await?;
    let mut resolved = draft.clone();
    let mut errors = ValidationErrors::default();
    for (i, party) in resolved.parties.iter_mut().enumerate() {
        let Some(id) = party.organisation else { continue };
        match found.iter().find(|o| o.id == id) {
            Some(organisation) => fill_party(party, organisation, &format!("parties[{i}]"), &mut errors),
            None => errors
                .push(implication_domain::conventions::organisation::unknown(format!("parties[{i}].organisation"))),
        }
    }
    errors.into_result()?;
    Ok(resolved)
}
