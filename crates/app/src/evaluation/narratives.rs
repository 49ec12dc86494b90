//! Narratives: writing one (its author, or staff on the author's behalf), publishing it with its
//! author's consent, withdrawing it.

use crate::UseCaseError;
use crate::error::Resource;
use implication_domain::evaluation::Code;
use implication_domain::evaluation::narrative::{Narrative, NarrativeDraft, Subject, Writer};
use implication_domain::identity::Standing;
use implication_domain::{FieldError, Message, Municipality, NarrativeId, Precondition};
use implication_storage::Database;
use implication_storage::evaluation::narratives as store;
use implication_storage::identity::accounts;

/// Whether `subject` exists in the town, and whether the public may read it.
async fn subject_public(
    db: &Database,
    municipality: &Municipality,
    subject: Subject,
) -> Result<Option<bool>, UseCaseError> {
    Ok(match subject {
        Subject::Project(id) => {
            implication_storage::conventions::find(db, municipality.id, id).await?.map(|p| p.is_public())
        }
        Subject::Process(id) => {
            implication_storage::participation::find(db, municipality.id, id).await?.map(|p| p.is_public())
        }
    })
}

/// A narrative readable by `standing`: published, or theirs, or any for staff; else 404.
pub async fn load(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    id: NarrativeId,
) -> Result<Narrative, UseCaseError> {
    let narrative = store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Narrative))?;
    if narrative.readable_by(standing) { Ok(narrative) } else { Err(UseCaseError::NotFound(Resource::Narrative)) }
}

/// Writes a narrative: an inhabitant their own, about a subject the public may read; staff one on
/// its author's behalf, about any subject of the town.
pub async fn write(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    draft: &NarrativeDraft,
) -> Result<Narrative, UseCaseError> {
    let (writer, default_name) = match standing {
        Standing::Staff(account) => (Writer::Staff(*account), None),
        Standing::Inhabitant(account) => {
            (Writer::Author(*account), accounts::find(db, *account).await?.and_then(|a| a.display_name))
        }
        _ => {
            return Err(UseCaseError::Forbidden(Message::new(
                "a narrative is written by its author, or recorded by staff",
                "un récit est écrit par son auteur, ou enregistré par les services",
            )));
        }
    };
    let narrative = draft.parse(municipality.id, writer, default_name.as_deref(), crate::clock::now())?;
    let public = subject_public(db, municipality, narrative.subject).await?;
    let known = match writer {
        Writer::Staff(_) => public.is_some(),
        Writer::Author(_) => public == Some(true),
    };
    if !known {
        return Err(FieldError::new(
            "subject_id",
            Code::UnknownSubject,
            Message::new(
                format!("no {} of this id that you may read here", narrative.subject.kind()),
                format!("aucun objet ({}) de cet identifiant que vous puissiez lire ici", narrative.subject.kind()),
            ),
        )
        .into());
    }
    store::insert(db, &narrative).await?;
    tracing::info!(narrative = %narrative.id, "narrative written");
    Ok(narrative)
}

/// Publishes narrative `id` (staff), read at a version `expected` admits.
pub async fn publish(
    db: &Database,
    municipality: &Municipality,
    id: NarrativeId,
    expected: Precondition,
) -> Result<Narrative, UseCaseError> {
    let current = store::find(db, municipality.id, id).await?.ok_or(UseCaseError::NotFound(Resource::Narrative))?;
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let public = subject_public(db, municipality, current.subject).await?.unwrap_or(false);
    let next = current.publish(public, crate::clock::now()).map_err(UseCaseError::NarrativeRefused)?;
    Ok(store::update(db, current.version, &next).await?)
}

/// Withdraws narrative `id`: its author, or staff; read at a version `expected` admits.
pub async fn withdraw(
    db: &Database,
    municipality: &Municipality,
    standing: &Standing,
    id: NarrativeId,
    expected: Precondition,
) -> Result<Narrative, UseCaseError> {
    let current = load(db, municipality, standing, id).await?;
    // Its author or staff: those who read it whole.
    if !current.read_whole_by(standing) {
        return Err(UseCaseError::Forbidden(Message::new(
            "only its author, or staff, withdraw a narrative",
            "seuls son auteur, ou les services, retirent un récit",
        )));
    }
    if !expected.admits(current.version) {
        return Err(UseCaseError::Stale);
    }
    let next = current.withdraw(crate::clock::now()).map_err(UseCaseError::NarrativeRefused)?;
    tracing::info!(narrative = %next.id, "narrative withdrawn");
    Ok(store::update(db, current.version, &next).await?)
}
