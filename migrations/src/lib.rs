//! The database schema, one migration per change, each with a real `down`.
//! The same migrations run on SQLite (the embedded default) and PostgreSQL.

pub use sea_orm_migration::migrator::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_municipalities;
mod m20261122_000002_create_identity;
mod m20261122_000003_create_requests;
mod m20261122_000004_create_qualifications;
mod m20261206_000005_create_participation;
mod m20261206_000006_create_meetings;
mod m20261206_000007_create_notices;
mod m20261206_000008_create_surveys;
mod m20261207_000009_create_steps_and_promises;
mod m20261207_000010_create_minutes_reach;
mod m20261207_000011_create_bodies_and_draws;
mod m20261207_000012_offers_and_prerequisites;
mod m20261207_000013_create_projects;
mod m20261207_000014_create_conventions;
mod m20261207_000015_create_organisations;
mod m20261207_000016_convention_partners_and_templates;
mod m20261207_000017_neighbourhood_populations;
mod m20261207_000018_convention_figures;
mod m20261207_000019_service_loads;
mod m20261207_000020_create_narratives;
mod m20261207_000021_create_participants;
mod m20261207_000022_create_evaluation_rounds;
mod m20261207_000023_personal_data_erasures;
mod m20261207_000024_indicator_indexes;
mod m20261207_000025_request_milestones;
mod m20261208_000026_create_webhooks;
mod m20261208_000027_request_handovers;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_municipalities::Migration),
            Box::new(m20261122_000002_create_identity::Migration),
            Box::new(m20261122_000003_create_requests::Migration),
            Box::new(m20261122_000004_create_qualifications::Migration),
            Box::new(m20261206_000005_create_participation::Migration),
            Box::new(m20261206_000006_create_meetings::Migration),
            Box::new(m20261206_000007_create_notices::Migration),
            Box::new(m20261206_000008_create_surveys::Migration),
            Box::new(m20261207_000009_create_steps_and_promises::Migration),
            Box::new(m20261207_000010_create_minutes_reach::Migration),
            Box::new(m20261207_000011_create_bodies_and_draws::Migration),
            Box::new(m20261207_000012_offers_and_prerequisites::Migration),
            Box::new(m20261207_000013_create_projects::Migration),
            Box::new(m20261207_000014_create_conventions::Migration),
            Box::new(m20261207_000015_create_organisations::Migration),
            Box::new(m20261207_000016_convention_partners_and_templates::Migration),
            Box::new(m20261207_000017_neighbourhood_populations::Migration),
            Box::new(m20261207_000018_convention_figures::Migration),
            Box::new(m20261207_000019_service_loads::Migration),
            Box::new(m20261207_000020_create_narratives::Migration),
            Box::new(m20261207_000021_create_participants::Migration),
            Box::new(m20261207_000022_create_evaluation_rounds::Migration),
            Box::new(m20261207_000023_personal_data_erasures::Migration),
            Box::new(m20261207_000024_indicator_indexes::Migration),
            Box::new(m20261207_000025_request_milestones::Migration),
            Box::new(m20261208_000026_create_webhooks::Migration),
            Box::new(m20261208_000027_request_handovers::Migration),
        ]
    }
}
