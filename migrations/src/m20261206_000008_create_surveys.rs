//! Surveys: the survey and its options (a JSON document), its ballots (one per respondent: an
//! account's or a ballot code's key is unique per survey; paper ballots have none), its ballot
//! codes (stored hashed, each usable once), and the survey a process's history entry is about.
//!
//! A migration is a snapshot: it imports no domain code, so that what it does never changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Processes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProcessEvents {
    Table,
    RelatedSurveyId,
}

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
    MunicipalityId,
    ProcessId,
    Question,
    /// A JSON array of {number, title, description}.
    Options,
    Eligible,
    EligibleUnit,
    OpensAt,
    ClosesAt,
    LiveResults,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SurveyBallots {
    Table,
    Id,
    MunicipalityId,
    SurveyId,
    OptionNumber,
    /// `account`, `code` or `paper`.
    Channel,
    /// Who answered, as a key unique per survey (an account's id, a code's hash); none on paper.
    VoterKey,
    CastAt,
}

#[derive(DeriveIden)]
enum SurveyCodes {
    Table,
    MunicipalityId,
    SurveyId,
    CodeHash,
    BatchId,
    UsedAt,
    CreatedAt,
}

fn of_survey(table: impl IntoIden + 'static, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, Alias::new("survey_id"))
        .to(Surveys::Table, Surveys::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Surveys::Table)
                    .col(uuid(Surveys::Id).primary_key())
                    .col(uuid(Surveys::MunicipalityId))
                    .col(uuid(Surveys::ProcessId))
                    .col(text(Surveys::Question))
                    .col(text(Surveys::Options))
                    .col(integer(Surveys::Eligible))
                    .col(string_len(Surveys::EligibleUnit, 20))
                    .col(timestamp_with_time_zone(Surveys::OpensAt))
                    .col(timestamp_with_time_zone(Surveys::ClosesAt))
                    .col(boolean(Surveys::LiveResults))
                    .col(timestamp_with_time_zone(Surveys::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_surveys_process")
                            .from(Surveys::Table, Surveys::ProcessId)
                            .to(Processes::Table, Processes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_surveys_municipality_opens")
                    .table(Surveys::Table)
                    .col(Surveys::MunicipalityId)
                    .col(Surveys::OpensAt)
                    .col(Surveys::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SurveyBallots::Table)
                    .col(uuid(SurveyBallots::Id).primary_key())
                    .col(uuid(SurveyBallots::MunicipalityId))
                    .col(uuid(SurveyBallots::SurveyId))
                    .col(small_integer(SurveyBallots::OptionNumber))
                    .col(string_len(SurveyBallots::Channel, 10))
                    .col(string_len_null(SurveyBallots::VoterKey, 80))
                    .col(timestamp_with_time_zone(SurveyBallots::CastAt))
                    .foreign_key(&mut of_survey(SurveyBallots::Table, "fk_survey_ballots_survey"))
                    .to_owned(),
            )
            .await?;
        // One ballot per respondent (NULL keys, paper ballots, are all distinct).
        manager
            .create_index(
                Index::create()
                    .name("ux_survey_ballots_voter")
                    .table(SurveyBallots::Table)
                    .col(SurveyBallots::MunicipalityId)
                    .col(SurveyBallots::SurveyId)
                    .col(SurveyBallots::VoterKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Results: a count per option, from the index alone.
        manager
            .create_index(
                Index::create()
                    .name("ix_survey_ballots_option")
                    .table(SurveyBallots::Table)
                    .col(SurveyBallots::SurveyId)
                    .col(SurveyBallots::OptionNumber)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SurveyCodes::Table)
                    .col(uuid(SurveyCodes::MunicipalityId))
                    .col(uuid(SurveyCodes::SurveyId))
                    .col(string_len(SurveyCodes::CodeHash, 64))
                    .col(uuid(SurveyCodes::BatchId))
                    .col(timestamp_with_time_zone_null(SurveyCodes::UsedAt))
                    .col(timestamp_with_time_zone(SurveyCodes::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(SurveyCodes::MunicipalityId)
                            .col(SurveyCodes::SurveyId)
                            .col(SurveyCodes::CodeHash),
                    )
                    .foreign_key(&mut of_survey(SurveyCodes::Table, "fk_survey_codes_survey"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ProcessEvents::Table)
                    .add_column(uuid_null(ProcessEvents::RelatedSurveyId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(ProcessEvents::Table).drop_column(ProcessEvents::RelatedSurveyId).to_owned(),
            )
            .await?;
        for table in [SurveyCodes::Table.into_iden(), SurveyBallots::Table.into_iden(), Surveys::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
