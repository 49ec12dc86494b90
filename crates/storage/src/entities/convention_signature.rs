use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "convention_signatures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub convention_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub party_id: Uuid,
    pub municipality_id: Uuid,
    pub content_hash: String,
    pub signatory: String,
    pub capacity: String,
    pub signed_on: Date,
    pub recorded_by_kind: String,
    pub recorded_by_id: Option<Uuid>,
    pub scan_sha256: Option<String>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
