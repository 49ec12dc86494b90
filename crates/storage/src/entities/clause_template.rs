use sea_orm::entity::prelude::*;

/// The clauses a municipality's new conventions start with, once its admin wrote them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clause_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    /// A JSON array of `{"title", "text"}`.
    pub clauses: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
