use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "conventions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub project_id: Uuid,
    pub status: String,
    pub current_version: i32,
    pub signed_version: Option<i32>,
    /// A JSON array of insurance attestations.
    pub insurance: String,
    /// A JSON document.
    pub volunteers_cover: Option<String>,
    /// A JSON document.
    pub follow_up: Option<String>,
    /// The start of the period in force (the signed version's, else the current one's), copied
    /// from its text for the lists' `active` filter.
    pub starts_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
