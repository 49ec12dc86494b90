//! Implication's HTTP API: actix-web handlers that translate HTTP to domain calls and back.
//!
//! A request flows through `observe` (request id, logs, metrics, problem+json guarantee), then
//! CORS, then the handler registered in `routes.rs`, which parses input into domain types,
//! calls a use case (writes, `implication-app`) or the storage crate (reads), and maps the result to a wire type (`…View`) or an `ApiError`.

pub mod auth;
pub mod config;
mod context;
mod etag;
mod extract;
mod idempotency;
pub mod metrics;
pub mod observe;
pub mod openapi;
mod pagination;
pub mod problem;
mod resources;
mod responses;
mod routes;
pub mod startup;
pub mod telemetry;
mod timestamps;
mod wire;

pub use config::Config;
/// The demo data, loaded through the use cases (`serve --demo`).
pub use implication_app::demo;
pub use startup::{Application, prepare_database};
