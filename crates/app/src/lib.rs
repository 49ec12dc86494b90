//! Use cases: every write of Implication, one function each, called by every entry point — the
//! HTTP handlers, the demo loader, and later Open311 intake, imports and GDPR erasure — so that
//! each obeys the same rules.
//!
//! A use case takes who calls (their standing, or the actor a history will name) and a domain
//! input, and runs the whole write: load, version check, the domain's rules, then one storage
//! write that stores the change with its history in one transaction, and returns what it wrote.
//! Loading happens before that transaction, optimistically: the write is guarded by the version
//! the rules were checked on, so a concurrent change makes it fail (stale) rather than be lost.
//! (On SQLite, a transaction that reads and then writes fails under concurrency instead of
//! waiting: the guard gives the same guarantee without it.)
//!
//! Folders follow the bounded contexts, named as in the other crates.

pub mod clock;
pub mod conventions;
pub mod demo;
mod error;
pub mod evaluation;
pub mod identity;
pub mod participation;
pub mod requests;
pub mod webhooks;

pub use error::{Resource, UseCaseError};
