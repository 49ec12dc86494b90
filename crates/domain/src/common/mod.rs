//! What every context uses: errors, ids, codes (slugs), free texts, actors, time and the
//! vocabulary of enumerations. Re-exported at the crate root, since every context names them.

pub mod actor;
pub mod error;
pub mod ids;
pub mod slug;
pub mod text;
pub mod time;
pub mod version;
pub mod vocabulary;
