//! One module per resource, one function per action. Routes are registered in `routes.rs`.

pub mod health;
pub mod index;
pub mod municipalities;
pub mod neighbourhoods;
pub mod vocabulary;
