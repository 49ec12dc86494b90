//! Webhooks: subscriptions (made by a town's admin or a partner's tool with `webhooks:manage`),
//! their signed deliveries, and the worker that sends them from the outbox.

pub mod sender;
pub mod signing;
pub mod subscriptions;
pub mod worker;

pub use sender::{Sender, SenderSettings};
