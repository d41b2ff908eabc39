//! Keyspaces (DESIGN.md §3): a [`Keyspace`] declares a fixed number of partitions, their
//! named typed states and the [`Handler`](crate::partition::Handler) they run; a running one
//! is reached through [`KeyspaceRef`], which routes keys to partitions like Kafka's default
//! partitioner and sends them messages, and through observers of keys ([`KeyObserver`]) and
//! of whole states ([`Listener`]).

mod builder;
mod directory;
mod dynamic;
mod error;
mod forward;
mod get;
mod keyspace_ref;
mod master;
mod observer;
mod placement;
mod publish;
mod remote;
mod replica;
mod serve;
pub(crate) mod start;
mod view;
mod watch;

pub(crate) use builder::PublishFn;
pub use builder::{DEFAULT_ASK_TIMEOUT, DEFAULT_MAILBOX, Keyspace};
pub(crate) use directory::Keyspaces;
pub use directory::MissingKeyspace;
pub(crate) use dynamic::DynKeyspace;
pub use dynamic::PublishError;
pub use error::{AskError, GetError, KeyspaceError};
pub use keyspace_ref::{KeyspaceRef, ObserveError};
pub use observer::{Changed, KeyObserver, ListenError, Listener, Observed};
pub use publish::{PublishOutcome, Published};
pub(crate) use watch::KeyWatch;
