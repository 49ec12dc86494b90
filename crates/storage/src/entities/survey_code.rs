use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub survey_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_hash: String,
    pub batch_id: Uuid,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
