use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub event_type: String,
    pub resource_kind: String,
    pub resource_id: Uuid,
    /// JSON: who besides the town may be told.
    pub audience: String,
    /// JSON: the payload's `data`.
    pub data: String,
    pub occurred_at: DateTimeUtc,
    /// When its deliveries were made (one per subscription told of it).
    pub dispatched_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
