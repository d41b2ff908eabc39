//! Partition actors (DESIGN.md §3): each partition of a keyspace is one task that owns the
//! partition's store and runs the keyspace's [`Handler`] on the messages sent to it, one at a
//! time, from a bounded mailbox.
//!
//! Applications implement [`Handler`] and [`Handles<M>`](Handles) for each [`Message`] type;
//! while handling a message they reach the partition's states through the [`Context`]. Callers
//! send messages through [`KeyspaceRef`](crate::keyspace::KeyspaceRef).

mod actor;
mod apply;
mod context;
pub(crate) mod core;
mod handle;
mod handler;
mod overlay;
mod pipeline;
mod status;

pub(crate) use actor::{Job, Parts, TailFeed, run, serve};
pub(crate) use apply::CHECKPOINTS;
pub use context::Context;
pub(crate) use handle::{MasterWatch, NO_MASTER_WAIT, PartitionHandle, Replica, Route};
pub use handler::{Handler, Handles, Message, StateOnly};
pub(crate) use pipeline::Pipeline;
pub(crate) use status::ReplicaStatus;
pub use status::{CatchUp, Role};
