//! Conventions: a convention's row (with its attestations), its versions (the text as a JSON
//! document, frozen with its hash once opened) and its signatures; the one write that stores a
//! change of a convention with what it does to its project and the project's history, in one
//! transaction.

use super::{ProjectWrite, corrupt, write_in_txn as write_project};
use crate::Database;
use crate::entities::{convention, convention_figures, convention_party, convention_signature, convention_version};
use crate::error::StorageError;
use crate::requests::actor;
use implication_domain::conventions::follow_up::FollowUp;
use implication_domain::conventions::signature::{Attestations, Insurance, Signature, VolunteersCover};
use implication_domain::conventions::{Content, Convention, Version};
use implication_domain::evaluation::conventions::ConventionFigures;
use implication_domain::vocabulary::ConventionStatus;
use implication_domain::{ConventionId, MunicipalityId, PartyId, ProjectId};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};

/// A convention with its attestations.
#[derive(Debug, Clone)]
pub struct Stored {
    pub convention: Convention,
    pub attestations: Attestations,
    pub follow_up: FollowUp,
}

/// One change of a convention, written in one transaction with what it does to its project.
pub struct ConventionWrite<'a> {
    /// The version the change was decided on; `None` creates the convention.
    pub expected_version: Option<i32>,
    pub convention: &'a Convention,
    pub attestations: &'a Attestations,
    pub follow_up: &'a FollowUp,
    /// The text version written: inserted when new, else updated (only while not frozen — the
    /// database refuses to change a frozen one).
    pub text: Option<(&'a Version, bool)>,
    pub signature: Option<&'a Signature>,
    /// The project's change (its status following the convention) and the history entries.
    pub project: ProjectWrite<'a>,
}

/// Writes `change` in one transaction; a stale version writes nothing.
#[tracing::instrument(skip_all, fields(convention = %change.convention.id))]
pub async fn write(db: &Database, change: ConventionWrite<'_>) -> Result<Convention, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    match write_in_txn(&txn, change).await {
        Ok(written) => {
            txn.commit().await?;
            Ok(written)
        }
        Err(err) => {
            txn.rollback().await?;
            Err(err)
        }
    }
}

async fn write_in_txn(txn: &DatabaseTransaction, change: ConventionWrite<'_>) -> Result<Convention, StorageError> {
    let ConventionWrite { expected_version, convention: next, attestations, follow_up, text, signature, project } =
        change;
    // The project first: its version guards the whole change (two drafts of one convention at once
    // find it moved on, and the second writes nothing).
    write_project(txn, project).await?;
    let written = match expected_version {
        None => {
            let written = Convention { version: 1, ..next.clone() };
            convention::Entity::insert(row(&written, attestations, follow_up)).exec(txn).await?;
            written
        }
        Some(expected) => {
            let written = Convention { version: expected + 1, ..next.clone() };
            let updated = convention::Entity::update_many()
                .set(convention::ActiveModel { id: NotSet, ..row(&written, attestations, follow_up) })
                .filter(convention::Column::Id.eq(written.id.as_uuid()))
                .filter(convention::Column::MunicipalityId.eq(written.municipality.as_uuid()))
                .filter(convention::Column::Version.eq(expected))
                .exec(txn)
                .await?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Stale);
            }
            written
        }
    };
    if let Some((version, new)) = text {
        let model = version_row(written.municipality, version);
        if new {
            convention_version::Entity::insert(model).exec(txn).await?;
        } else {
            convention_version::Entity::update_many()
                .set(convention_version::ActiveModel { convention_id: NotSet, number: NotSet, ..model })
                .filter(convention_version::Column::ConventionId.eq(version.convention.as_uuid()))
                .filter(convention_version::Column::Number.eq(version.number))
                .exec(txn)
                .await?;
        }
    }
    if let Some(signature) = signature {
        convention_signature::Entity::insert(signature_row(written.municipality, signature)).exec(txn).await?;
    }
    // Every write: the follow-up changes the figures without a new text.
    index(txn, &written, follow_up).await?;
    Ok(written)
}

/// Indexes what lists filter on and the indicators add up but the texts and the follow-up (JSON)
/// hold, after each write: the organisations of the directory convention `c` names as parties in
/// any of its versions (a partner's tool reads what names its organisation), the start of the
/// period in force (signed, its version's; else the current one's), which makes `signed` read
/// `active`, and the figures it adds to the indicators.
async fn index(txn: &DatabaseTransaction, c: &Convention, follow_up: &FollowUp) -> Result<(), StorageError> {
    let (municipality, id) = (c.municipality, c.id);
    let versions = convention_version::Entity::find()
        .filter(convention_version::Column::ConventionId.eq(id.as_uuid()))
        .all(txn)
        .await?;
    let mut named = std::collections::BTreeSet::new();
    let (mut starts_on, mut figures) = (None, ConventionFigures::default());
    let in_force = c.signed_version.unwrap_or(c.current_version);
    for row in versions {
        let version = version_to_domain(row)?;
        named.extend(version.content.parties.iter().filter_map(|p| p.organisation));
        if version.number == in_force {
            starts_on = version.content.starts_on;
            figures = ConventionFigures::of(&version.content, follow_up);
        }
    }
    convention_figures::Entity::delete_by_id(id.as_uuid()).exec(txn).await?;
    convention_figures::Entity::insert(figures_row(c, &figures)).exec(txn).await?;
    convention::Entity::update_many()
        .col_expr(convention::Column::StartsOn, sea_orm::sea_query::Expr::value(starts_on))
        .filter(convention::Column::Id.eq(id.as_uuid()))
        .exec(txn)
        .await?;
    convention_party::Entity::delete_many()
        .filter(convention_party::Column::ConventionId.eq(id.as_uuid()))
        .exec(txn)
        .await?;
    if !named.is_empty() {
        convention_party::Entity::insert_many(named.into_iter().map(|organisation| convention_party::ActiveModel {
            convention_id: Set(id.as_uuid()),
            organisation_id: Set(organisation.as_uuid()),
            municipality_id: Set(municipality.as_uuid()),
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

fn figures_row(c: &Convention, f: &ConventionFigures) -> convention_figures::ActiveModel {
    convention_figures::ActiveModel {
        convention_id: Set(c.id.as_uuid()),
        municipality_id: Set(c.municipality.as_uuid()),
        town_planned_cents: Set(f.town_planned_cents),
        town_actual_cents: Set(f.town_actual_cents),
        others_planned_cents: Set(f.others_planned_cents),
        others_actual_cents: Set(f.others_actual_cents),
        commitments: Set(f.commitments.into()),
        fulfilled: Set(f.fulfilled.into()),
        partly_fulfilled: Set(f.partly_fulfilled.into()),
        not_fulfilled: Set(f.not_fulfilled.into()),
        eroded: Set(f.eroded.into()),
        participants_registered: Set(f.participants_registered.into()),
        participants_at_least: Set(f.participants_at_least.into()),
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn row(c: &Convention, attestations: &Attestations, follow_up: &FollowUp) -> convention::ActiveModel {
    convention::ActiveModel {
        id: Set(c.id.as_uuid()),
        municipality_id: Set(c.municipality.as_uuid()),
        project_id: Set(c.project.as_uuid()),
        status: Set(c.status.code().to_owned()),
        current_version: Set(c.current_version),
        signed_version: Set(c.signed_version),
        insurance: Set(json(&attestations.insurance)),
        volunteers_cover: Set(attestations.volunteers.as_ref().map(json)),
        follow_up: Set(Some(json(follow_up))),
        // Written by `index`, from the text.
        starts_on: NotSet,
        version: Set(c.version),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
    }
}

fn version_row(municipality: MunicipalityId, v: &Version) -> convention_version::ActiveModel {
    convention_version::ActiveModel {
        convention_id: Set(v.convention.as_uuid()),
        number: Set(v.number),
        municipality_id: Set(municipality.as_uuid()),
        content: Set(json(&v.content)),
        content_hash: Set(v.content_hash.clone()),
        frozen_at: Set(v.frozen_at),
        created_at: Set(v.created_at),
    }
}

fn signature_row(municipality: MunicipalityId, s: &Signature) -> convention_signature::ActiveModel {
    convention_signature::ActiveModel {
        convention_id: Set(s.convention.as_uuid()),
        version: Set(s.version),
        party_id: Set(s.party.as_uuid()),
        municipality_id: Set(municipality.as_uuid()),
        content_hash: Set(s.content_hash.clone()),
        signatory: Set(s.signatory.clone()),
        capacity: Set(s.capacity.clone()),
        signed_on: Set(s.signed_on),
        recorded_by_kind: Set(s.recorded_by.kind().code().to_owned()),
        recorded_by_id: Set(s.recorded_by.id()),
        scan_sha256: Set(s.scan_sha256.clone()),
        recorded_at: Set(s.recorded_at),
    }
}

fn to_domain(row: convention::Model) -> Result<Stored, StorageError> {
    let id = row.id;
    let insurance: Vec<Insurance> = serde_json::from_str(&row.insurance).map_err(|e| corrupt(id, e))?;
    let volunteers: Option<VolunteersCover> =
        row.volunteers_cover.as_deref().map(serde_json::from_str).transpose().map_err(|e| corrupt(id, e))?;
    let follow_up: FollowUp =
        row.follow_up.as_deref().map(serde_json::from_str).transpose().map_err(|e| corrupt(id, e))?.unwrap_or_default();
    let status =
        ConventionStatus::from_code(&row.status).ok_or_else(|| corrupt(id, format!("status {:?}", row.status)))?;
    Ok(Stored {
        convention: Convention {
            id: ConventionId::from_uuid(id),
            municipality: MunicipalityId::from_uuid(row.municipality_id),
            project: ProjectId::from_uuid(row.project_id),
            status,
            current_version: row.current_version,
            signed_version: row.signed_version,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        },
        attestations: Attestations { insurance, volunteers },
        follow_up,
    })
}

/// The convention `id` of this municipality.
pub async fn find(
    db: &Database,
    municipality: MunicipalityId,
    id: ConventionId,
) -> Result<Option<Stored>, StorageError> {
    convention::Entity::find_by_id(id.as_uuid())
        .filter(convention::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// The convention of project `project`, if it has one.
pub async fn of_project(
    db: &Database,
    municipality: MunicipalityId,
    project: ProjectId,
) -> Result<Option<Stored>, StorageError> {
    convention::Entity::find()
        .filter(convention::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(convention::Column::ProjectId.eq(project.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Whether the convention of project `project` names `organisation` as a party, in any version.
pub async fn names_organisation(
    db: &Database,
    municipality: MunicipalityId,
    project: ProjectId,
    organisation: implication_domain::OrganisationId,
) -> Result<bool, StorageError> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let conventions = Query::select()
        .column(convention::Column::Id)
        .from(convention::Entity)
        .and_where(Expr::col(convention::Column::MunicipalityId).eq(municipality.as_uuid()))
        .and_where(Expr::col(convention::Column::ProjectId).eq(project.as_uuid()))
        .to_owned();
    let found = convention_party::Entity::find()
        .select_only()
        .column(convention_party::Column::ConventionId)
        .filter(convention_party::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(convention_party::Column::OrganisationId.eq(organisation.as_uuid()))
        .filter(convention_party::Column::ConventionId.in_subquery(conventions))
        .into_tuple::<uuid::Uuid>()
        .one(db.conn())
        .await?;
    Ok(found.is_some())
}

fn version_to_domain(row: convention_version::Model) -> Result<Version, StorageError> {
    let id = row.convention_id;
    let content: Content = serde_json::from_str(&row.content).map_err(|e| corrupt(id, e))?;
    Ok(Version {
        convention: ConventionId::from_uuid(id),
        number: row.number,
        content,
        content_hash: row.content_hash,
        frozen_at: row.frozen_at,
        created_at: row.created_at,
    })
}

/// Version `number` of convention `id`.
pub async fn version(
    db: &Database,
    municipality: MunicipalityId,
    id: ConventionId,
    number: i32,
) -> Result<Option<Version>, StorageError> {
    convention_version::Entity::find_by_id((id.as_uuid(), number))
        .filter(convention_version::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(version_to_domain)
        .transpose()
}

/// Every version of convention `id`, the first first.
pub async fn versions(
    db: &Database,
    municipality: MunicipalityId,
    id: ConventionId,
) -> Result<Vec<Version>, StorageError> {
    convention_version::Entity::find()
        .filter(convention_version::Column::ConventionId.eq(id.as_uuid()))
        .filter(convention_version::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(convention_version::Column::Number)
        .all(db.conn())
        .await?
        .into_iter()
        .map(version_to_domain)
        .collect()
}

/// Every signature of convention `id`, by version, then as recorded.
pub async fn signatures(
    db: &Database,
    municipality: MunicipalityId,
    id: ConventionId,
) -> Result<Vec<Signature>, StorageError> {
    let rows = convention_signature::Entity::find()
        .filter(convention_signature::Column::ConventionId.eq(id.as_uuid()))
        .filter(convention_signature::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_asc(convention_signature::Column::Version)
        .order_by_asc(convention_signature::Column::RecordedAt)
        .all(db.conn())
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Signature {
                convention: ConventionId::from_uuid(row.convention_id),
                version: row.version,
                party: PartyId::from_uuid(row.party_id),
                content_hash: row.content_hash,
                signatory: row.signatory,
                capacity: row.capacity,
                signed_on: row.signed_on,
                recorded_by: actor(row.convention_id, &row.recorded_by_kind, row.recorded_by_id)
                    .map_err(|_| corrupt(row.convention_id, "signature actor"))?,
                scan_sha256: row.scan_sha256,
                recorded_at: row.recorded_at,
            })
        })
        .collect()
}

/// What a list of conventions keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Any of these statuses as shown on `today`, the town's day (`active`: signed, and its
    /// period has begun; `signed`: not yet).
    pub statuses: Vec<ConventionStatus>,
    pub today: chrono::NaiveDate,
    /// Only those signed by every party (the public's)…
    pub signed_only: bool,
    /// …and, for a partner's tool, those naming its organisation once open for signature.
    pub party: Option<implication_domain::OrganisationId>,
}

/// A page of a municipality's conventions, newest first, each with the version it shows (the
/// signed one when `signed_only`, else the current one): one statement for the page, one for its
/// versions.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    filter: &Filter,
    limit: u64,
    after: Option<(chrono::DateTime<chrono::Utc>, ConventionId)>,
) -> Result<crate::Page<(Stored, Version)>, StorageError> {
    use convention::Column;
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Condition, Expr, ExprTrait};
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if !filter.statuses.is_empty() {
        let signed = || Expr::col(Column::Status).eq(ConventionStatus::Signed.code());
        let mut any = Condition::any();
        for status in &filter.statuses {
            any = any.add(match status {
                ConventionStatus::Active => Condition::all().add(signed()).add(Column::StartsOn.lte(filter.today)),
                ConventionStatus::Signed => Condition::all()
                    .add(signed())
                    .add(Condition::any().add(Column::StartsOn.is_null()).add(Column::StartsOn.gt(filter.today))),
                other => Condition::all().add(Expr::col(Column::Status).eq(other.code())),
            });
        }
        condition = condition.add(any);
    }
    if filter.signed_only {
        let signed = Column::SignedVersion.is_not_null();
        condition = match filter.party {
            Some(organisation) => {
                let named = sea_orm::sea_query::Query::select()
                    .column(convention_party::Column::ConventionId)
                    .from(convention_party::Entity)
                    .and_where(Expr::col(convention_party::Column::MunicipalityId).eq(municipality.as_uuid()))
                    .and_where(Expr::col(convention_party::Column::OrganisationId).eq(organisation.as_uuid()))
                    .to_owned();
                let open = Condition::all()
                    .add(Column::Status.ne(ConventionStatus::Draft.code()))
                    .add(Column::Id.in_subquery(named));
                condition.add(Condition::any().add(signed).add(open))
            }
            None => condition.add(signed),
        };
    }
    if let Some((at, id)) = after {
        condition = condition.add(
            Condition::any()
                .add(Column::CreatedAt.lt(at))
                .add(Condition::all().add(Expr::col(Column::CreatedAt).eq(at)).add(Column::Id.lt(id.as_uuid()))),
        );
    }
    let rows = convention::Entity::find()
        .filter(condition)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let page = crate::Page::from_overfetch(rows.into_iter().map(to_domain).collect::<Result<Vec<_>, _>>()?, limit);
    let wanted: Vec<(uuid::Uuid, i32)> = page
        .items
        .iter()
        .map(|s| {
            let c = &s.convention;
            // The public's the signed one; a party's, before signature, the frozen one it signs.
            let number =
                if filter.signed_only { c.signed_version.unwrap_or(c.current_version) } else { c.current_version };
            (c.id.as_uuid(), number)
        })
        .collect();
    let versions = if wanted.is_empty() {
        Vec::new()
    } else {
        convention_version::Entity::find()
            .filter(convention_version::Column::MunicipalityId.eq(municipality.as_uuid()))
            .filter(convention_version::Column::ConventionId.is_in(wanted.iter().map(|(id, _)| *id)))
            .all(db.conn())
            .await?
            .into_iter()
            .filter(|v| wanted.contains(&(v.convention_id, v.number)))
            .map(version_to_domain)
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut items = Vec::with_capacity(page.items.len());
    for stored in page.items {
        let id = stored.convention.id;
        let Some(version) = versions.iter().find(|v| v.convention == id && wanted.contains(&(id.as_uuid(), v.number)))
        else {
            return Err(corrupt(id.as_uuid(), "the version it shows is missing"));
        };
        items.push((stored, version.clone()));
    }
    Ok(crate::Page { items, has_more: page.has_more })
}
