use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub year: i32,
    pub sequence: i32,
    pub kind: String,
    pub title: String,
    pub description: String,
    /// Title and description folded for search (lowercase, without accents).
    pub search_text: String,
    pub channel: String,
    /// The theme codes, as a JSON array (the theme filter matches `"code"` in it).
    pub themes: String,
    pub neighbourhood_code: Option<String>,
    pub location_address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub requester_kind: Option<String>,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub requester_phone: Option<String>,
    pub requester_postal_address: Option<String>,
    /// What the requester proposes, and offers to do themselves (staff only).
    pub proposed_solution: Option<String>,
    pub offer: Option<String>,
    pub consent_at: Option<DateTimeUtc>,
    pub association: Option<String>,
    pub submitted_by_kind: String,
    pub submitted_by_id: Option<Uuid>,
    pub received_on: Date,
    pub status: String,
    pub resolution: Option<String>,
    pub merged_into: Option<Uuid>,
    pub published_at: Option<DateTimeUtc>,
    pub internal_note: Option<String>,
    /// The town's days it first reached what its delays are measured to (set once, never cleared).
    pub qualified_on: Option<Date>,
    pub left_intake_on: Option<Date>,
    pub first_answer_on: Option<Date>,
    pub first_public_answer_on: Option<Date>,
    pub tracking_hash: String,
    /// The request of another body it was handed over to (`handed_over_to`) or received from.
    pub linked_kind: Option<String>,
    pub linked_municipality_id: Option<Uuid>,
    pub linked_municipality_slug: Option<String>,
    pub linked_request_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
