use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub process_id: Uuid,
    pub channel: String,
    pub perimeter_kind: String,
    /// A JSON array of neighbourhood codes.
    pub perimeter_neighbourhoods: String,
    /// A JSON array of street names.
    pub perimeter_streets: String,
    pub published_on: Date,
    pub text: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
