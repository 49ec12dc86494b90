//! Implication's HTTP API: actix-web handlers that translate HTTP to domain calls and back.
//!
//! A request flows through `observe` (request id, logs, metrics, problem+json guarantee), then
//! CORS, then the handler registered in `routes.rs`, which parses input into domain types,
//! calls the storage crate, and maps the result to a wire type (`…View`) or an `ApiError`.

pub mod auth;
pub mod config;
pub mod demo;
mod etag;
mod extract;
mod idempotency;
pub mod metrics;
pub mod observe;
pub mod openapi;
mod pagination;
pub mod problem;
mod resources;
mod routes;
pub mod startup;
pub mod telemetry;
mod wire;

pub use config::Config;
pub use startup::{Application, prepare_database};
