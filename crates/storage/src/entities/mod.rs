//! SeaORM entities: the rows as stored. They never leave this crate.

pub mod municipality;
pub mod neighbourhood;
