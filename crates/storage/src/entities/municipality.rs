use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "municipalities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    #[sea_orm(unique)]
    pub insee_code: String,
    pub population: i64,
    pub answer_delay_days: i32,
    pub minutes_delay_days: i32,
    /// An IANA time zone name.
    pub time_zone: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::neighbourhood::Entity")]
    Neighbourhood,
}

impl Related<super::neighbourhood::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Neighbourhood.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
