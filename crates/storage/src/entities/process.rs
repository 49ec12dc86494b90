use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "processes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub subject: String,
    pub description: String,
    pub perimeter_kind: String,
    /// A JSON array of neighbourhood codes.
    pub perimeter_neighbourhoods: String,
    /// A JSON array of street names.
    pub perimeter_streets: String,
    pub origin: String,
    pub routed_delegation_id: Option<Uuid>,
    /// A JSON array of service ids.
    pub routed_services: String,
    pub level: String,
    pub status: String,
    pub opened_at: Option<DateTimeUtc>,
    /// The decision, a JSON document.
    pub decision: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
