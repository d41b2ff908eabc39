//! The handler traits: what a keyspace's partitions do with the messages they receive.

use super::Context;

/// A message a partition handler answers, and the type of its answer.
///
/// ```
/// use affinity::partition::Message;
///
/// struct GetVertex { id: i64 }
/// impl Message for GetVertex { type Reply = Option<String>; }
/// ```
pub trait Message: Send + 'static {
    /// What [`Handles::handle`] returns for it, and what `ask` gives back.
    type Reply: Send + 'static;

    /// Whether handling the message twice has the same effect as handling it once (a read, or
    /// a write of a value that does not depend on the old one). In a cluster, an `ask` whose
    /// link to the partition's master breaks after the message was sent is retried only for
    /// such messages — otherwise it fails with
    /// [`AskError::Lost`](crate::keyspace::AskError::Lost), since the master may have handled
    /// it. Default `false`.
    const IDEMPOTENT: bool = false;
}

/// The logic of a keyspace's partitions. Each partition runs its own instance in its own task
/// (DESIGN.md §3): messages for one partition are handled one at a time, in the order they
/// arrive, so a handler needs no locks around its state.
///
/// Handlers run on the async runtime and must not block for long: state reads and writes are
/// local (RocksDB or memory) and fast; work that waits on other partitions or the network
/// belongs in the HTTP handler that asks the partitions (see the graph example).
pub trait Handler: Send + 'static {
    /// Called once when the partition starts, before any message, with its state already
    /// loaded.
    fn started(&mut self, ctx: &mut Context<'_>) {
        let _ = ctx;
    }
}

/// A handler of messages of type `M`.
pub trait Handles<M: Message>: Handler {
    /// Handles one message. A panic here fails this one message (its caller gets
    /// [`AskError::Failed`](crate::keyspace::AskError::Failed)); writes it committed before
    /// panicking stay, and the partition goes on with the next message.
    fn handle(&mut self, message: M, ctx: &mut Context<'_>) -> M::Reply;
}

/// The handler of a keyspace that only holds state: it handles no messages of its own, and
/// callers read and write its states with
/// [`KeyspaceRef::call`](crate::keyspace::KeyspaceRef::call).
#[derive(Debug, Clone, Copy, Default)]
pub struct StateOnly;

impl Handler for StateOnly {}
