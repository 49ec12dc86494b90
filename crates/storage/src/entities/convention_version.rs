use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "convention_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub convention_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub municipality_id: Uuid,
    /// The text, a JSON document.
    pub content: String,
    pub content_hash: Option<String>,
    pub frozen_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
