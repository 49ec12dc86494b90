use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "surveys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub process_id: Uuid,
    pub question: String,
    /// A JSON array of {number, title, description}.
    pub options: String,
    pub eligible: i32,
    pub eligible_unit: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub live_results: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
