//! Surveys: the survey (with its entry in the process's history), ballot codes issued in
//! batches (hashed), ballots — one per respondent, enforced by a unique key per survey, and a
//! code used in the same transaction as its ballot — paper ballots in bulk, and the counts per
//! option that results are computed from.

use super::{corrupt, history};
use crate::entities::{participation, process, survey, survey_ballot, survey_code};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::evaluation::participants::Participation;
use implication_domain::participation::survey::{OptionDescription, OptionTitle, Question, SurveyOption};
use implication_domain::participation::{ProcessEvent, Survey};
use implication_domain::vocabulary::EligibleUnit;
use implication_domain::{MunicipalityId, ProcessId, SurveyId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
struct OptionDocument {
    number: u16,
    title: String,
    description: Option<String>,
}

/// Writes a new `survey` with its entry in the process's history.
pub async fn insert(db: &Database, survey: &Survey, event: &ProcessEvent) -> Result<(), StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let options: Vec<OptionDocument> = survey
        .options
        .iter()
        .map(|o| OptionDocument {
            number: o.number,
            title: o.title.as_str().to_owned(),
            description: o.description.as_ref().map(|d| d.as_str().to_owned()),
        })
        .collect();
    survey::Entity::insert(survey::ActiveModel {
        id: Set(survey.id.as_uuid()),
        municipality_id: Set(survey.municipality.as_uuid()),
        process_id: Set(survey.process.as_uuid()),
        question: Set(survey.question.as_str().to_owned()),
        options: Set(serde_json::to_string(&options).map_err(|e| corrupt(survey.id.as_uuid(), e))?),
        eligible: Set(i32::try_from(survey.eligible).unwrap_or(i32::MAX)),
        eligible_unit: Set(survey.eligible_unit.code().to_owned()),
        opens_at: Set(survey.opens_at),
        closes_at: Set(survey.closes_at),
        live_results: Set(survey.live_results),
        created_at: Set(survey.created_at),
    })
    .exec(&txn)
    .await?;
    history::insert(&txn, survey.municipality, event, None).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn find(db: &Database, municipality: MunicipalityId, id: SurveyId) -> Result<Option<Survey>, StorageError> {
    survey::Entity::find_by_id(id.as_uuid())
        .filter(survey::Column::MunicipalityId.eq(municipality.as_uuid()))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}

/// Where the previous page ended.
#[derive(Debug, Clone)]
pub struct SurveyAfter {
    pub opens_at: DateTime<Utc>,
    pub id: SurveyId,
}

/// A page of a municipality's surveys, the latest opening first; of one process, or only those
/// of processes opened to the public.
pub async fn list(
    db: &Database,
    municipality: MunicipalityId,
    process: Option<ProcessId>,
    public_only: bool,
    limit: u64,
    after: Option<&SurveyAfter>,
) -> Result<Page<Survey>, StorageError> {
    use survey::Column;
    let mut condition = Condition::all().add(Column::MunicipalityId.eq(municipality.as_uuid()));
    if let Some(process) = process {
        condition = condition.add(Column::ProcessId.eq(process.as_uuid()));
    }
    if public_only {
        let opened = Query::select()
            .column(process::Column::Id)
            .from(process::Entity)
            .and_where(process::Column::MunicipalityId.eq(municipality.as_uuid()))
            .and_where(process::Column::OpenedAt.is_not_null())
            .to_owned();
        condition = condition.add(Column::ProcessId.in_subquery(opened));
    }
    if let Some(after) = after {
        condition = condition.add(Condition::any().add(Column::OpensAt.lt(after.opens_at)).add(
            Condition::all().add(Expr::col(Column::OpensAt).eq(after.opens_at)).add(Column::Id.lt(after.id.as_uuid())),
        ));
    }
    let rows = survey::Entity::find()
        .filter(condition)
        .order_by_desc(Column::OpensAt)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db.conn())
        .await?;
    let items = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

/// Closes an open survey now (its results become public), with its entry in the process's
/// history; `false` if it was not open.
pub async fn close_now(
    db: &Database,
    survey: &Survey,
    now: DateTime<Utc>,
    event: &ProcessEvent,
) -> Result<bool, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let closed = survey::Entity::update_many()
        .col_expr(survey::Column::ClosesAt, Expr::value(now))
        .filter(survey::Column::Id.eq(survey.id.as_uuid()))
        .filter(survey::Column::MunicipalityId.eq(survey.municipality.as_uuid()))
        .filter(survey::Column::OpensAt.lte(now))
        .filter(survey::Column::ClosesAt.gt(now))
        .exec(&txn)
        .await?;
    if closed.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    history::insert(&txn, survey.municipality, event, None).await?;
    txn.commit().await?;
    Ok(true)
}

/// Stores a batch of ballot codes (their hashes).
pub async fn issue_codes(
    db: &Database,
    survey: &Survey,
    batch: Uuid,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    for chunk in hashes.chunks(500) {
        let rows = chunk.iter().map(|hash| survey_code::ActiveModel {
            municipality_id: Set(survey.municipality.as_uuid()),
            survey_id: Set(survey.id.as_uuid()),
            code_hash: Set(hash.clone()),
            batch_id: Set(batch),
            used_at: Set(None),
            created_at: Set(now),
        });
        survey_code::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Why a ballot was not taken.
#[derive(Debug, thiserror::Error)]
pub enum BallotRefusal {
    /// This respondent (account or code) has answered already.
    #[error("already answered")]
    AlreadyAnswered,
    /// No such unused code for this survey.
    #[error("no such unused code")]
    InvalidCode,
    /// The survey closed (or is not open) when the ballot was written.
    #[error("the survey is not open")]
    NotOpen,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sea_orm::DbErr> for BallotRefusal {
    fn from(err: sea_orm::DbErr) -> Self {
        if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            BallotRefusal::AlreadyAnswered
        } else {
            BallotRefusal::Storage(err.into())
        }
    }
}

/// Who casts a ballot.
#[derive(Debug, Clone)]
pub enum Voter<'a> {
    /// An account, by its id.
    Account(Uuid),
    /// A ballot code, by its hash: it is used in the same transaction.
    Code(&'a str),
}

async fn insert_ballot(
    txn: &DatabaseTransaction,
    survey: &Survey,
    option: u16,
    channel: &str,
    voter_key: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    survey_ballot::Entity::insert(survey_ballot::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(survey.municipality.as_uuid()),
        survey_id: Set(survey.id.as_uuid()),
        option_number: Set(i16::try_from(option).unwrap_or(i16::MAX)),
        channel: Set(channel.to_owned()),
        voter_key: Set(voter_key),
        cast_at: Set(at),
    })
    .exec(txn)
    .await
    .map(|_| ())
}

/// Takes one ballot for `option`: at most one per account or code, a code used once, and only
/// while the survey is open when it is written (the survey's row is read under a shared lock,
/// which closing the survey waits for). `participation`: the voter's recorded participation (an
/// account whose participation is recorded, with their consent), written with the ballot.
/// Committed before it returns.
pub async fn cast(
    db: &Database,
    survey: &Survey,
    voter: Voter<'_>,
    option: u16,
    participation: Option<&Participation>,
) -> Result<(), BallotRefusal> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await.map_err(StorageError::from)?;
    let result = async {
        let row = survey::Entity::find_by_id(survey.id.as_uuid())
            .filter(survey::Column::MunicipalityId.eq(survey.municipality.as_uuid()))
            .lock_shared()
            .one(&txn)
            .await?;
        let at = implication_domain::time::now();
        if !row.is_some_and(|r| r.opens_at <= at && at < r.closes_at) {
            return Err(BallotRefusal::NotOpen);
        }
        match voter {
            Voter::Account(account) => {
                insert_ballot(&txn, survey, option, "account", Some(format!("account:{account}")), at).await?;
            }
            Voter::Code(hash) => {
                let used = survey_code::Entity::update_many()
                    .col_expr(survey_code::Column::UsedAt, Expr::value(at))
                    .filter(survey_code::Column::MunicipalityId.eq(survey.municipality.as_uuid()))
                    .filter(survey_code::Column::SurveyId.eq(survey.id.as_uuid()))
                    .filter(survey_code::Column::CodeHash.eq(hash))
                    .filter(survey_code::Column::UsedAt.is_null())
                    .exec(&txn)
                    .await?;
                if used.rows_affected == 0 {
                    return Err(BallotRefusal::InvalidCode);
                }
                insert_ballot(&txn, survey, option, "code", Some(format!("code:{hash}")), at).await?;
            }
        }
        // Recorded already (by staff, the same day): the ballot stands, the record is not repeated.
        if let Some(p) = participation {
            let recorded = participation::Entity::find()
                .filter(participation::Column::ParticipantId.eq(p.participant.as_uuid()))
                .filter(participation::Column::Kind.eq(p.kind.code()))
                .filter(participation::Column::SubjectId.eq(p.subject))
                .filter(participation::Column::TookPartOn.eq(p.on))
                .one(&txn)
                .await?;
            if recorded.is_none() {
                participation::Entity::insert(crate::evaluation::participants::participation_row(p)).exec(&txn).await?;
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => txn.commit().await.map_err(|e| BallotRefusal::Storage(e.into())),
        Err(refusal) => {
            txn.rollback().await.map_err(|e| BallotRefusal::Storage(e.into()))?;
            Err(refusal)
        }
    }
}

/// Takes paper ballots in bulk (`count` of each option), with an entry in the process's history.
pub async fn paper(
    db: &Database,
    survey: &Survey,
    counts: &[(u16, u32)],
    event: &ProcessEvent,
) -> Result<(), StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let ballots: Vec<u16> =
        counts.iter().flat_map(|(option, count)| std::iter::repeat_n(*option, *count as usize)).collect();
    for chunk in ballots.chunks(500) {
        let rows = chunk.iter().map(|option| survey_ballot::ActiveModel {
            id: Set(Uuid::now_v7()),
            municipality_id: Set(survey.municipality.as_uuid()),
            survey_id: Set(survey.id.as_uuid()),
            option_number: Set(i16::try_from(*option).unwrap_or(i16::MAX)),
            channel: Set("paper".to_owned()),
            voter_key: Set(None),
            cast_at: Set(event.at),
        });
        survey_ballot::Entity::insert_many(rows).exec(&txn).await?;
    }
    history::insert(&txn, survey.municipality, event, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The ballots of each option that has any (one query, counted by the database). `COUNT(*)` on
/// the survey alone reads the index on (survey, option) only — counting a column, or filtering
/// on the municipality too, made PostgreSQL read every ballot row (3.5× slower at 100,000
/// ballots, `bench/ballots.sh`). `survey` was loaded in its municipality: its id is the town's.
pub async fn counts(db: &Database, survey: &Survey) -> Result<Vec<(u16, u64)>, StorageError> {
    let rows: Vec<(i16, i64)> = survey_ballot::Entity::find()
        .select_only()
        .column(survey_ballot::Column::OptionNumber)
        .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "ballots")
        .filter(survey_ballot::Column::SurveyId.eq(survey.id.as_uuid()))
        .group_by(survey_ballot::Column::OptionNumber)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(rows.into_iter().map(|(o, c)| (u16::try_from(o).unwrap_or(0), u64::try_from(c).unwrap_or(0))).collect())
}

fn to_domain(row: survey::Model) -> Result<Survey, StorageError> {
    let id = row.id;
    let options: Vec<OptionDocument> = serde_json::from_str(&row.options).map_err(|e| corrupt(id, e))?;
    let options = options
        .into_iter()
        .map(|o| {
            Ok(SurveyOption {
                number: o.number,
                title: OptionTitle::parse("title", &o.title).map_err(|e| corrupt(id, e.message))?,
                description: o
                    .description
                    .as_deref()
                    .map(|d| OptionDescription::parse("description", d).map_err(|e| corrupt(id, e.message)))
                    .transpose()?,
            })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok(Survey {
        id: SurveyId::from_uuid(id),
        municipality: MunicipalityId::from_uuid(row.municipality_id),
        process: ProcessId::from_uuid(row.process_id),
        question: Question::parse("question", &row.question).map_err(|e| corrupt(id, e.message))?,
        options,
        eligible: u32::try_from(row.eligible).map_err(|e| corrupt(id, e))?,
        eligible_unit: EligibleUnit::from_code(&row.eligible_unit)
            .ok_or_else(|| corrupt(id, format!("eligible_unit {}", row.eligible_unit)))?,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        live_results: row.live_results,
        created_at: row.created_at,
    })
}
