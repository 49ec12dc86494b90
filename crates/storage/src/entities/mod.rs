//! SeaORM entities: the rows as stored. They never leave this crate.

pub mod account;
pub mod delegation;
pub mod idempotency_key;
pub mod machine_client;
pub mod meeting;
pub mod membership;
pub mod municipality;
pub mod neighbourhood;
pub mod notice;
pub mod process;
pub mod process_event;
pub mod process_request;
pub mod refresh_token;
pub mod request;
pub mod request_answer;
pub mod request_counter;
pub mod request_event;
pub mod request_qualification;
pub mod request_routed_service;
pub mod request_term;
pub mod service;
pub mod service_member;
pub mod signing_key;
pub mod theme;
