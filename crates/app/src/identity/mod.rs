//! Identity: passwords and secrets as they are stored.

pub mod secrets;
