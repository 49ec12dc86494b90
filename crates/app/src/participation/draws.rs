//! Drawing inhabitants by lot: the draw is made from its published inputs and written once.

use crate::UseCaseError;
use crate::error::Resource;
use crate::requests::Codes;
use implication_domain::participation::{Draw, DrawDraft};
use implication_domain::{DrawId, Municipality};
use implication_storage::Database;
use implication_storage::participation::draws as store;

pub async fn load(db: &Database, municipality: &Municipality, id: DrawId) -> Result<Draw, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Draw))
}

/// Makes the draw `draft` describes and records it; without a seed, a random one (128 bits, in
/// hexadecimal) is drawn here and published like a given one.
pub async fn draw(db: &Database, municipality: &Municipality, draft: &DrawDraft) -> Result<Draw, UseCaseError> {
    let codes = Codes::load(db, municipality).await?;
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| UseCaseError::Internal(format!("no randomness: {e}")))?;
    let random = || bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let draw = draft.draw(municipality.id, &codes.catalogue(), random, crate::clock::now())?;
    store::insert(db, &draw).await?;
    tracing::info!(draw = %draw.id, pools = draw.pools.len(), "draw by lot made");
    Ok(draw)
}
