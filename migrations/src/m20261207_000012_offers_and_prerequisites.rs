//! What the requester offers (§6.4.2), and the prerequisites of a fifty-fifty as the seeds state
//! them (§5.6.1, §5.6.3.1, §5.6.4.2).
//!
//! - Requests gain two nullable texts, written at intake: the solution the requester proposes
//!   and what they offer to do themselves. Existing requests have neither.
//! - Qualifications carry over as they are: their document (`request_qualifications.document`,
//!   JSON) lists the prerequisites answered, so the two new ones (`unmet_need`,
//!   `no_public_service_replaced`) read unanswered, hence unmet, and the `other` aim's words
//!   (`other_aim`) absent. A request that was eligible is no longer, until staff answer them;
//!   one already `in_fifty_fifty` keeps its status (the rule applies when its qualification is
//!   next written). Nothing to rewrite, so nothing to undo but the two columns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Requests {
    Table,
    ProposedSolution,
    Offer,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in [Requests::ProposedSolution, Requests::Offer] {
            manager.alter_table(Table::alter().table(Requests::Table).add_column(text_null(column)).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Requests::Offer, Requests::ProposedSolution] {
            manager.alter_table(Table::alter().table(Requests::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
