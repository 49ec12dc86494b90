//! Identity: municipalities and their neighbourhoods, accounts and memberships, services and
//! delegations, machine clients, refresh tokens and signing keys.

pub mod accounts;
pub mod clients;
pub mod keys;
pub mod municipalities;
pub mod neighbourhoods;
pub mod personal_data;
pub mod services;
pub mod tokens;
