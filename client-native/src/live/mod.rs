//! Live subscriptions: a driver task per client owning one WebSocket and the sans-I/O session,
//! and the typed streams it feeds.

mod command;
mod driver;
mod events;
mod slot;
mod socket;
mod subscription;

pub(crate) use command::Command;
pub(crate) use driver::{Driver, DriverParts};
pub(crate) use slot::Slot;
pub use subscription::Subscription;
