//! The writes of the conventions context: starting a fifty-fifty project (the requests it starts
//! from move to `in_fifty_fifty` in its transaction), recording its diagnostic, moving it along
//! its lifecycle (ending it closes its requests with the matching resolution, in the same
//! transaction).

pub mod convention;
pub mod organisations;
mod projects;
pub mod templates;

pub use projects::{ProjectInput, create, record_diagnostic, transition};

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::conventions::{Project, Readers, Refusal};
use implication_domain::identity::Standing;
use implication_domain::{Municipality, Precondition, ProjectId};
use implication_storage::Database;
use implication_storage::conventions as store;

/// What `standing` reads of the municipality's projects and conventions (a partner's tool with
/// a projects scope is looked up for the organisation it acts for: one query, for tools only).
pub async fn readers(db: &Database, municipality: &Municipality, standing: &Standing) -> Result<Readers, UseCaseError> {
    let organisation = match standing {
        Standing::Client { client, .. } if Readers::may_act_for_organisation(standing) => {
            let found = implication_storage::identity::clients::find(db, municipality.id, client.as_uuid()).await?;
            found.ok_or(UseCaseError::UnknownClient)?.organisation
        }
        _ => None,
    };
    Ok(Readers::of(standing, organisation))
}

/// The project `id` of this municipality.
pub async fn load(db: &Database, municipality: &Municipality, id: ProjectId) -> Result<Project, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Project))
}

/// The project `id`, if it is still at a version `expected` admits.
async fn load_at(
    db: &Database,
    municipality: &Municipality,
    id: ProjectId,
    expected: &Precondition,
) -> Result<Project, UseCaseError> {
    let project = load(db, municipality, id).await?;
    if expected.admits(project.version) { Ok(project) } else { Err(UseCaseError::Stale) }
}

fn refused(refusal: Refusal) -> UseCaseError {
    match refusal {
        Refusal::Invalid(errors) => UseCaseError::Invalid(errors),
        other => UseCaseError::ProjectRefused(other),
    }
}
