//! [`RocksOptions`]: the tunables of a [`RocksStore`](super::RocksStore), and the RocksDB
//! options built from them.

use std::fmt;

use rocksdb::{BlockBasedOptions, Cache, DBCompressionType, DBRecoveryMode, Options};

/// A RocksDB block cache (LRU) that several stores can share, so that the memory all
/// partitions of a node use for cached data blocks has one bound.
#[derive(Clone)]
pub struct BlockCache {
    cache: Cache,
    capacity: usize,
}

impl BlockCache {
    /// A cache of `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        BlockCache {
            cache: Cache::new_lru_cache(capacity),
            capacity,
        }
    }

    /// The capacity in bytes.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl fmt::Debug for BlockCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockCache")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// How a [`RocksStore`](super::RocksStore) runs RocksDB.
///
/// The defaults suit a node holding many partitions (each one database with a column family
/// per state); fixed choices, not options, are listed on [`RocksStore`](super::RocksStore).
///
/// ```
/// use affinity::store::{BlockCache, RocksOptions};
///
/// let shared = BlockCache::new(256 << 20);
/// let options = RocksOptions::default().sync_writes(true).block_cache(shared.clone());
/// assert!(options.sync_writes);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RocksOptions {
    /// `fsync` the write-ahead log on every write (default `false`). Without it a write
    /// survives a crash of the process (it is in the operating system's buffers) but the last
    /// writes before a crash of the machine may be lost — never partially, and never the
    /// checkpoint without its data. Use `true` when the store is the only durability (the
    /// embedded mode, with no changelog) and a lost acknowledged write is unacceptable;
    /// [`Store::flush`](crate::store::Store::flush) syncs on demand instead.
    pub sync_writes: bool,
    /// Bytes of writes buffered in memory per table before they are written to disk (default
    /// 8 MiB; RocksDB's own default, 64 MiB, is sized for one large database, not for many
    /// partitions times many states).
    pub write_buffer_size: usize,
    /// How many files each store keeps open (default 256; `-1` keeps all open).
    pub max_open_files: i32,
    /// A block cache shared with other stores; `None` (the default) gives each store
    /// RocksDB's own default cache.
    pub block_cache: Option<BlockCache>,
}

impl Default for RocksOptions {
    fn default() -> Self {
        RocksOptions {
            sync_writes: false,
            write_buffer_size: 8 << 20,
            max_open_files: 256,
            block_cache: None,
        }
    }
}

impl RocksOptions {
    /// Sets [`RocksOptions::sync_writes`](#structfield.sync_writes).
    pub fn sync_writes(mut self, sync: bool) -> Self {
        self.sync_writes = sync;
        self
    }

    /// Sets [`RocksOptions::write_buffer_size`].
    pub fn write_buffer_size(mut self, bytes: usize) -> Self {
        self.write_buffer_size = bytes;
        self
    }

    /// Sets [`RocksOptions::max_open_files`].
    pub fn max_open_files(mut self, files: i32) -> Self {
        self.max_open_files = files;
        self
    }

    /// Sets [`RocksOptions::block_cache`].
    pub fn block_cache(mut self, cache: BlockCache) -> Self {
        self.block_cache = Some(cache);
        self
    }

    /// The database-wide options.
    pub(super) fn db_options(&self, create: bool) -> Options {
        let mut o = Options::default();
        o.create_if_missing(create);
        o.create_missing_column_families(true);
        // Recover to the last whole write batch: a torn write at the end of the log is
        // dropped, so a crash never shows part of a batch.
        o.set_wal_recovery_mode(DBRecoveryMode::PointInTime);
        o.set_max_open_files(self.max_open_files);
        // Background flushes and compactions run on the process-wide thread pool; two jobs per
        // store keep a node with many partitions from oversubscribing its cores.
        o.set_max_background_jobs(2);
        // RocksDB's informational LOG files: keep a few small ones, not one per open forever.
        o.set_keep_log_file_num(3);
        o.set_max_log_file_size(1 << 20);
        self.apply_table_options(&mut o);
        o
    }

    /// The per-table (column family) options.
    pub(super) fn table_options(&self) -> Options {
        let mut o = Options::default();
        self.apply_table_options(&mut o);
        o
    }

    fn apply_table_options(&self, o: &mut Options) {
        o.set_write_buffer_size(self.write_buffer_size);
        // No compression library is compiled in (it would add minutes to every clean build);
        // Avro values are compact already.
        o.set_compression_type(DBCompressionType::None);
        o.set_level_compaction_dynamic_level_bytes(true);
        let mut t = BlockBasedOptions::default();
        // Point reads (`get`) are the common case: a bloom filter skips files without the key.
        t.set_bloom_filter(10.0, false);
        if let Some(cache) = &self.block_cache {
            t.set_block_cache(&cache.cache);
            // Count index and filter blocks against the shared cache's bound too.
            t.set_cache_index_and_filter_blocks(true);
        }
        o.set_block_based_table_factory(&t);
    }
}
