//! [`StoreReader`]: point reads of a store from other threads than its partition's actor.

use super::StoreError;

/// A handle that reads a [`Store`](super::Store)'s committed data while the store's owner
/// keeps writing it: what a keyspace uses to answer [`KeyspaceRef::get`] without a trip
/// through the partition's mailbox (Kafka Streams' interactive queries read a state store
/// the same way).
///
/// [`KeyspaceRef::get`]: crate::keyspace::KeyspaceRef::get
///
/// A reader sees every batch the store's [`write`](super::Store::write) has returned from,
/// whole (the batch is atomic to readers too), and nothing later in flight. It stays valid
/// as long as the store is open; once the store is closed, [`get`](Self::get) fails with
/// [`StoreError::Closed`] — a reader never keeps a closed store's files open.
pub trait StoreReader: Send + Sync {
    /// The value of `key` in `table`, if present: what [`Store::get`](super::Store::get)
    /// answers at this moment.
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
}
