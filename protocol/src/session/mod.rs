//! The sans-I/O client session: see [`Session`].

mod config;
mod event;
mod held;
mod ids;
mod link;
mod machine;
mod outbox;
mod receive;
mod table;

pub use config::Config;
pub use event::{Event, Target};
pub use ids::{RequestId, SubId};
pub use machine::Session;
pub use table::Subscription;
