use sea_orm::entity::prelude::*;

/// Which organisations of the directory a convention names as parties, in any of its versions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "convention_parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub convention_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub municipality_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
