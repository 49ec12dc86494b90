//! Publishing a notice of a process (information: a medium, a perimeter, a day).

use super::{load, refused};
use crate::UseCaseError;
use crate::error::Resource;
use crate::requests::Codes;
use implication_domain::participation::meeting::local_today;
use implication_domain::participation::{Notice, NoticeDraft, ProcessEvent, lifecycle};
use implication_domain::requests::Actor;
use implication_domain::vocabulary::ProcessEventKind;
use implication_domain::{Municipality, NoticeId, ProcessId};
use implication_storage::Database;
use implication_storage::participation::notices as store;

/// The notice `id` of this municipality.
pub async fn load_notice(db: &Database, municipality: &Municipality, id: NoticeId) -> Result<Notice, UseCaseError> {
    store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Notice))
}

/// Adds a notice to process `process` (until it ends), with its entry in the process's history.
pub async fn publish(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    process: ProcessId,
    draft: &NoticeDraft,
) -> Result<Notice, UseCaseError> {
    let process = load(db, municipality, process).await?;
    let codes = Codes::load(db, municipality).await?;
    let now = crate::clock::now();
    let today = local_today(now, municipality.settings.time_zone);
    let notice = draft.parse(municipality.id, process.id, &codes.catalogue(), today, now)?;
    lifecycle::may_take_activities(&process).map_err(refused)?;
    let event = ProcessEvent {
        notice: Some(notice.id),
        ..ProcessEvent::new(process.id, ProcessEventKind::NoticeAdded, actor, now)
    };
    store::insert(db, &notice, &event).await?;
    tracing::info!(notice = %notice.id, process = %process.id, "notice published");
    Ok(notice)
}
