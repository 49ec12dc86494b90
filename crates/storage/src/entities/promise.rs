use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "promises")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// Exactly one of `request_id` and `process_id` is set.
    pub request_id: Option<Uuid>,
    pub process_id: Option<Uuid>,
    pub kind: String,
    pub text: String,
    pub made_by: String,
    pub made_on: Date,
    pub due_on: Date,
    pub status: String,
    pub settled_on: Option<Date>,
    pub withdrawal_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
