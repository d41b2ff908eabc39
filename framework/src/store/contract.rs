//! The [`Store`] trait: what a partition needs from its storage.

use std::sync::Arc;

use super::{Direction, KeyRange, Page, StoreError, StoreReader, WriteBatch};

/// One partition's storage: named tables (one per state) of byte keys and values in key
/// order, and the partition's checkpoint.
///
/// **Ownership and blocking.** A store belongs to exactly one partition actor (DESIGN.md §3),
/// which is the only code that writes it, so the trait is synchronous and takes `&mut self` to
/// write. Other threads may only read, through a [`reader`](Store::reader), which sees whole
/// batches. Calls block the calling thread: a [`MemoryStore`](super::MemoryStore)
/// call takes microseconds; a [`RocksStore`](super::RocksStore) point read takes microseconds
/// from RocksDB's caches and one disk read otherwise, a write appends to RocksDB's write-ahead
/// log and memtable (flushes and compactions run on RocksDB's own background threads), and a
/// scan page is bounded by its `limit`. That is short enough to run on a tokio worker, the way
/// a bounded mailbox already serialises one partition's work. Two calls are longer and should
/// be kept off the async workers by the actor (`tokio::task::block_in_place` on the
/// multi-threaded runtime, or by running that partition's actor on a blocking thread):
/// [`Store::flush`] and [`Store::close`] (which wait for `fsync`), and every `write` when the
/// store syncs each write ([`RocksOptions::sync_writes`](super::RocksOptions#structfield.sync_writes)).
///
/// **Consistency.** [`Store::write`] applies a whole [`WriteBatch`] — puts and deletes across
/// tables and the new checkpoint — atomically: readers, and a store reopened after a crash,
/// see all of it or none of it. A failed write has applied nothing. Each scan page is
/// consistent in itself; a scan continued from [`Page::rest`] sees writes made in between.
///
/// **Closing.** [`Store::close`] makes everything written durable and releases the store; later
/// calls fail with [`StoreError::Closed`]. Dropping a store closes it too, logging (not
/// returning) any error.
pub trait Store: Send {
    /// The store's tables, sorted by name.
    fn tables(&self) -> Vec<String>;

    /// The value of `key` in `table`, if present.
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// A handle for point reads from other threads while this store is written, if the store
    /// allows them (see [`StoreReader`]). Without one (the default), every read of the
    /// partition goes through its actor.
    fn reader(&self) -> Option<Arc<dyn StoreReader>> {
        None
    }

    /// Up to `limit` entries of `table` whose keys are in `range`, in key order (`Forward`) or
    /// reverse key order (`Reverse`). [`Page::rest`] says what is left when the page is full
    /// and more entries remain. Memory is bounded by `limit` entries; `limit == 0` returns no
    /// entries and only says whether any exist.
    fn scan(
        &self,
        table: &str,
        range: &KeyRange,
        direction: Direction,
        limit: usize,
    ) -> Result<Page, StoreError>;

    /// Applies `batch` atomically (see the trait docs). A batch naming a table the store does
    /// not have fails with [`StoreError::UnknownTable`] and applies nothing. The checkpoint is
    /// stored as given; the store does not require it to grow.
    fn write(&mut self, batch: &WriteBatch) -> Result<(), StoreError>;

    /// The checkpoint of the last batch that set one, as of the last write (it survives
    /// reopening a persistent store); `None` if no batch ever set one.
    fn checkpoint(&self) -> Result<Option<u64>, StoreError>;

    /// Makes every write so far durable, surviving a crash of the machine, not just of the
    /// process.
    fn flush(&mut self) -> Result<(), StoreError>;

    /// Flushes and releases the store. Calling it again does nothing.
    fn close(&mut self) -> Result<(), StoreError>;
}
