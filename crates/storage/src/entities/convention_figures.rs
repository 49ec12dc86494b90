use sea_orm::entity::prelude::*;

/// What a convention adds to the indicators, summed up from its text in force and its follow-up
/// (`implication_domain::evaluation::conventions::ConventionFigures`) at each write.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "convention_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub convention_id: Uuid,
    pub municipality_id: Uuid,
    pub town_planned_cents: i64,
    pub town_actual_cents: i64,
    pub others_planned_cents: i64,
    pub others_actual_cents: i64,
    pub commitments: i64,
    pub fulfilled: i64,
    pub partly_fulfilled: i64,
    pub not_fulfilled: i64,
    pub eroded: i64,
    pub participants_registered: i64,
    pub participants_at_least: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
