use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "process_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub process_id: Uuid,
    pub municipality_id: Uuid,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub from_level: Option<String>,
    pub to_level: Option<String>,
    pub reason: Option<String>,
    pub resolution: Option<String>,
    pub related_request_id: Option<Uuid>,
    pub related_meeting_id: Option<Uuid>,
    pub related_notice_id: Option<Uuid>,
    pub related_survey_id: Option<Uuid>,
    /// The decision recorded, a JSON document.
    pub decision: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
