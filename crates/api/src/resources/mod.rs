//! One module per resource, one function per action. Routes are registered in `routes.rs`.

pub mod accounts;
pub mod auth;
pub mod clients;
pub mod delegations;
pub mod health;
pub mod index;
pub mod me;
pub mod municipalities;
pub mod neighbourhoods;
pub mod services;
pub mod vocabulary;
