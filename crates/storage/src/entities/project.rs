use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub process_id: Option<Uuid>,
    pub renews_id: Option<Uuid>,
    /// A JSON array of carriers.
    pub carriers: String,
    pub routed_delegation_id: Option<Uuid>,
    /// A JSON array of service ids.
    pub routed_services: String,
    pub status: String,
    /// The diagnostic, a JSON document.
    pub diagnostic: String,
    /// How it ended, a JSON document.
    pub ending: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
