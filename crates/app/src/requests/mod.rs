//! The writes of the requests context: registration, corrections, transitions, publication,
//! answers and qualification. Each file holds one use case.

mod answer;
mod correct;
mod handover;
mod publication;
mod qualify;
mod register;
mod reindex;
pub mod themes;
mod transition;

pub use answer::answer;
pub use correct::correct;
pub use handover::hand_over;
pub use publication::set_published;
pub use qualify::{Offices, QualificationInput, Qualified, RoutingCodes, load_warnings, qualify};
pub use register::{Idempotent, Registered, register, submitter, unmask};
pub use reindex::reindex;
pub use transition::transition;

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::Precondition;
use implication_domain::requests::{Catalogue, Request};
use implication_domain::{Municipality, RequestId};
use implication_storage::Database;
use implication_storage::requests::themes::CatalogueCodes;
use implication_storage::requests::{self as store, themes as theme_store};
use std::sync::Arc;

/// The request `id` of this municipality.
pub async fn load(db: &Database, municipality: &Municipality, id: RequestId) -> Result<Request, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Request))
}

/// The request `id`, if it is still at a version the caller's condition admits (the write is
/// then guarded by the version loaded).
async fn load_at(
    db: &Database,
    municipality: &Municipality,
    id: RequestId,
    expected: &Precondition,
) -> Result<Request, UseCaseError> {
    let request = load(db, municipality, id).await?;
    if expected.admits(request.version) { Ok(request) } else { Err(UseCaseError::Stale) }
}

/// The municipality's theme and neighbourhood codes, to check those a request names.
#[derive(Debug, Clone)]
pub struct Codes {
    codes: Arc<CatalogueCodes>,
}

impl Codes {
    /// The codes as the database holds them now.
    pub async fn load(db: &Database, municipality: &Municipality) -> Result<Self, UseCaseError> {
        Ok(Self { codes: theme_store::catalogue_codes_fresh(db, municipality.id).await? })
    }

    /// The codes, from the cache when it holds them: they may lack one added within the cache's
    /// time to live, never hold one that is gone (codes are never removed). Check against these,
    /// and against [`Codes::load`] before refusing a code.
    pub async fn cached(db: &Database, municipality: &Municipality) -> Result<Self, UseCaseError> {
        Ok(Self { codes: theme_store::catalogue_codes(db, municipality.id).await? })
    }

    pub fn catalogue(&self) -> Catalogue<'_> {
        Catalogue { themes: &self.codes.themes, neighbourhoods: &self.codes.neighbourhoods }
    }
}
