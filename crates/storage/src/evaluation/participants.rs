//! Participants and their participations: insert (one record per account and town), the
//! versioned update, reads, a keyset list by name, each thing recorded once; the active
//! participants of two periods for the indicators; and the contributors.

use super::RequestScope;
use super::sql::{Sql, count, flag};
use crate::entities::{participant, participation, process, project};
use crate::error::StorageError;
use crate::{Database, Page};
use implication_domain::evaluation::participants::{ActiveParticipant, Participant, Participation, contributes};
use implication_domain::vocabulary::{ParticipationKind, ProjectStatus};
use implication_domain::{AccountId, MunicipalityId, ParticipantId, ParticipationId, Slug};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::BTreeMap;
use uuid::Uuid;

fn row(p: &Participant) -> participant::ActiveModel {
    participant::ActiveModel {
        id: Set(p.id.as_uuid()),
        municipality_id: Set(p.municipality.as_uuid()),
        name: Set(p.name.clone()),
        account_id: Set(p.account.map(|a| a.as_uuid())),
        neighbourhood_code: Set(p.neighbourhood.as_ref().map(|n| n.as_str().to_owned())),
        listed_publicly: Set(p.listed_publicly),
        consent_at: Set(p.consent_at),
        version: Set(p.version),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
}

fn to_domain(row: participant::Model) -> Result<Participant, StorageError> {
    let neighbourhood = row
        .neighbourhood_code
        .as_deref()
        .map(|code| Slug::parse(code).map_err(|_| StorageError::Corrupt(format!("participant {}: {code:?}", row.id))))
        .transpose()?;
    Ok(Participant {
        id: ParticipantId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        name: row.name,
        account: row.account_id.map(AccountId::from_uuid),
        neighbourhood,
        listed_publicly: row.listed_publicly,
        consent_at: row.consent_at,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn to_participation(row: participation::Model) -> Result<Participation, StorageError> {
    Ok(Participation {
        id: ParticipationId::from_uuid(row.id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        participant: ParticipantId::from_uuid(row.participant_id),
        kind: ParticipationKind::from_code(&row.kind)
            .ok_or_else(|| StorageError::Corrupt(format!("participation {}: kind {:?}", row.id, row.kind)))?,
        subject: row.subject_id,
        on: row.took_part_on,
        created_at: row.created_at,
    })
}

fn taken(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Inserts `p`; `false` when its account has a record in its town already.
pub async fn insert(db: &Database, p: &Participant) -> Result<bool, StorageError> {
    match participant::Entity::insert(row(p)).exec(db.conn()).await {
        Ok(_) => Ok(true),
        Err(err) if taken(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Writes `next` over the row at version `expected`; `Err(Stale)` when it moved on.
pub async fn update(db: &Database, expected: i32, next: &Participant) -> Result<Participant, StorageError> {
    let written = Participant { version: expected + 1, ..next.clone() };
    let update = participant::Entity::update_many()
        .set(participant::ActiveModel { id: NotSet, ..row(&written) })
        .filter(participant::Column::Id.eq(written.id.as_uuid()))
        .filter(participant::Column::MunicipalityId.eq(written.municipality.as_uuid()));
    crate::versioned::replace(db, update, participant::Column::Version, expected).await?;
    Ok(written)
}

pub async fn find(
    db: &Database,
    municipality: MunicipalityId,
    id: ParticipantId,
) -> Result<Option<Participant>, StorageError> {
    participant::Entity::find_by_id(id.as_uuid())
        .filter(participant::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// The record of `account` in this town, if it has one.
pub async fn of_account(
    db: &Database,
    municipality: MunicipalityId,
    account: AccountId,
) -> Result<Option<Participant>, StorageError> {
    participant::Entity::find()
        .filter(participant::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(participant::Column::AccountId.eq(account.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Which participants a list keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    All,
    /// Those listed publicly who contributed to a project or a process — a public one, for the
    /// public.
    Contributors {
        public: bool,
    },
}

/// A page of a town's participants by name, after `(name, id)`.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    listing: Listing,
    limit: u64,
    after: Option<(String, ParticipantId)>,
) -> Result<Page<Participant>, StorageError> {
    use participant::Column;
    use sea_orm::sea_query::Query;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if let Listing::Contributors { public } = listing {
        let kinds: Vec<&str> =
            ParticipationKind::ALL.iter().copied().filter(|k| contributes(*k)).map(|k| k.code()).collect();
        let mut contributed = Query::select()
            .column(participation::Column::ParticipantId)
            .from(participation::Entity)
            .and_where(participation::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(participation::Column::Kind.is_in(kinds))
            .to_owned();
        if public {
            let hidden = [ProjectStatus::Diagnosing.code(), ProjectStatus::Drafting.code()];
            let projects = Query::select()
                .column(project::Column::Id)
                .from(project::Entity)
                .and_where(project::Column::MunicipalityId.eq(municipality.as_uuid()))
                .and_where(project::Column::Status.is_not_in(hidden))
                .to_owned();
            let processes = Query::select()
                .column(process::Column::Id)
                .from(process::Entity)
                .and_where(process::Column::MunicipalityId.eq(municipality.as_uuid()))
                .and_where(process::Column::OpenedAt.is_not_null())
                .to_owned();
            contributed.cond_where(
                Condition::any()
                    .add(participation::Column::SubjectId.in_subquery(projects))
                    .add(participation::Column::SubjectId.in_subquery(processes)),
            );
        }
        condition = condition.add(Column::ListedPublicly.eq(true)).add(Column::Id.in_subquery(contributed));
    }
    if let Some((name, id)) = after {
        condition = condition.add(
            Condition::any()
                .add(Column::Name.gt(name.clone()))
                .add(Condition::all().add(Expr::col(Column::Name).eq(name)).add(Column::Id.gt(id.as_uuid()))),
        );
    }
    let rows = participant::Entity::find()
        .filter(condition)
        .order_by_asc(Column::Name)
        .order_by_asc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Erases participant `id` and everything recorded of their participation, in one transaction;
/// `false` when there is no such participant.
pub async fn erase(db: &Database, municipality: MunicipalityId, id: ParticipantId) -> Result<bool, StorageError> {
    use sea_orm::TransactionTrait;
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    participation::Entity::delete_many()
        .filter(participation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(participation::Column::ParticipantId.eq(id.as_uuid()))
        .exec(&txn)
        .await?;
    let erased = participant::Entity::delete_many()
        .filter(participant::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(participant::Column::Id.eq(id.as_uuid()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(erased.rows_affected > 0)
}

/// Records `p`; `false` when its participant has this one already.
pub async fn record(db: &Database, p: &Participation) -> Result<bool, StorageError> {
    let model = participation_row(p);
    match participation::Entity::insert(model).exec(db.conn()).await {
        Ok(_) => Ok(true),
        Err(err) if taken(&err) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

pub(crate) fn participation_row(p: &Participation) -> participation::ActiveModel {
    participation::ActiveModel {
        id: Set(p.id.as_uuid()),
        municipality_id: Set(p.municipality.as_uuid()),
        participant_id: Set(p.participant.as_uuid()),
        kind: Set(p.kind.code().to_owned()),
        subject_id: Set(p.subject),
        took_part_on: Set(p.on),
        created_at: Set(p.created_at),
    }
}

/// What these participants took part in, by day (latest first).
pub async fn participations_of(
    db: &Database,
    municipality: MunicipalityId,
    participants: &[ParticipantId],
) -> Result<Vec<Participation>, StorageError> {
    if participants.is_empty() {
        return Ok(Vec::new());
    }
    participation::Entity::find()
        .filter(participation::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(participation::Column::ParticipantId.is_in(participants.iter().map(ParticipantId::as_uuid)))
        .order_by_desc(participation::Column::TookPartOn)
        .order_by_asc(participation::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(to_participation)
        .collect()
}

/// The title of each of these projects and processes, and whether the public may read it.
pub async fn subjects(
    db: &Database,
    municipality: MunicipalityId,
    ids: &[Uuid],
) -> Result<BTreeMap<Uuid, (String, bool)>, StorageError> {
    let mut found = BTreeMap::new();
    let ids: Vec<Uuid> = ids.iter().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    if ids.is_empty() {
        return Ok(found);
    }
    let hidden = [ProjectStatus::Diagnosing.code(), ProjectStatus::Drafting.code()];
    for p in project::Entity::find()
        .filter(project::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(project::Column::Id.is_in(ids.iter().copied()))
        .all(db.conn())
        .await?
    {
        let public = !hidden.contains(&p.status.as_str());
        found.insert(p.id, (p.title, public));
    }
    for p in process::Entity::find()
        .filter(process::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(process::Column::Id.is_in(ids.iter().copied()))
        .all(db.conn())
        .await?
    {
        found.insert(p.id, (p.subject, p.opened_at.is_some()));
    }
    Ok(found)
}

/// The participants who took part in either period, by neighbourhood and whether they took part
/// before it; the scope's neighbourhood keeps those who live there.
pub async fn active(
    db: &Database,
    municipality: MunicipalityId,
    scope: &RequestScope<'_>,
) -> Result<Vec<ActiveParticipant>, StorageError> {
    let mut sql = Sql::new(db);
    let town = sql.bind(municipality.as_uuid());
    let (current_from, previous_from, current_to) =
        (sql.day(scope.current.from), sql.day(scope.previous.from), sql.day(scope.current.to));
    let lives = match scope.neighbourhood {
        Some(code) => format!(" AND t.neighbourhood_code = {}", sql.bind(code.to_owned())),
        None => String::new(),
    };
    sql.text = format!(
        "WITH firsts AS (SELECT participant_id, MIN(took_part_on) AS first_on FROM participations \
           WHERE municipality_id = {town} GROUP BY participant_id), \
         active AS (SELECT DISTINCT participant_id, \
           CASE WHEN took_part_on >= {current_from} THEN 1 ELSE 0 END AS current FROM participations \
           WHERE municipality_id = {town} AND took_part_on >= {previous_from} AND took_part_on <= {current_to}) \
         SELECT a.current, t.neighbourhood_code, \
           CASE WHEN f.first_on < (CASE WHEN a.current = 1 THEN {current_from} ELSE {previous_from} END) \
             THEN 1 ELSE 0 END, COUNT(*) \
         FROM active a JOIN firsts f ON f.participant_id = a.participant_id \
         JOIN participants t ON t.id = a.participant_id WHERE t.municipality_id = {town}{lives} \
         GROUP BY 1, 2, 3"
    );
    sql.rows(db)
        .await?
        .iter()
        .map(|row| {
            Ok(ActiveParticipant {
                current: flag(row, 0)?,
                neighbourhood: row.try_get_by_index(1)?,
                returning: flag(row, 2)?,
                count: count(row, 3)?,
            })
        })
        .collect()
}
