//! [`RocksStore`]: a partition's tables in one RocksDB database.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use rocksdb::{ColumnFamily, ColumnFamilyDescriptor, DB, ErrorKind, ReadOptions, WriteOptions};

use super::RocksOptions;
use super::layout::{
    CHECKPOINT_KEY, DEFAULT_CF, FORMAT, FORMAT_KEY, Found, META_CF, check_format, inspect,
    parse_checkpoint,
};
use crate::store::table::checked_names;
use crate::store::{
    Direction, KeyRange, Mutation, Page, Store, StoreError, StoreReader, WriteBatch,
};

/// A [`Store`] in a RocksDB database: one database per partition directory, one column family
/// per table, and the checkpoint in a metadata column family written in the same RocksDB write
/// batch as the data it covers (DESIGN.md §4.4).
///
/// Opening a path creates the store if nothing is there or the directory is empty, and reopens
/// it if it holds one; a file or any other non-empty directory is [`StoreError::NotAStore`]
/// and is left untouched. Tables named at open that the store lacks are created; tables it
/// has that were not named are opened too (RocksDB requires it) and listed by
/// [`Store::tables`]. Reopening gives back exactly the data and checkpoint of the last
/// successful write before the store was closed or the process died.
///
/// Fixed choices (see [`RocksOptions`] for the tunable ones): the write-ahead log is always on
/// (it is what makes a batch across column families atomic through a crash) and recovery is
/// RocksDB's point-in-time mode, which replays whole batches up to the first torn one; no
/// compression (no compression library is built in); a 10-bit bloom filter per table for point
/// reads; at most two background jobs per database.
///
/// ```
/// use affinity::store::{RocksOptions, RocksStore, Store, WriteBatch};
///
/// let dir = tempfile::tempdir()?;
/// let mut store = RocksStore::open(dir.path().join("p0"), ["vertices"], &RocksOptions::default())?;
/// let mut batch = WriteBatch::new();
/// batch.put("vertices", b"v1", b"one").set_checkpoint(7);
/// store.write(&batch)?;
/// store.close()?;
///
/// let store = RocksStore::open(dir.path().join("p0"), ["vertices"], &RocksOptions::default())?;
/// assert_eq!(store.get("vertices", b"v1")?.as_deref(), Some(&b"one"[..]));
/// assert_eq!(store.checkpoint()?, Some(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RocksStore {
    shared: Arc<Shared>,
    path: PathBuf,
    checkpoint: Option<u64>,
    write_options: WriteOptions,
}

/// What the store shares with its [`StoreReader`]s: the database (`None` once closed) and
/// its tables.
///
/// The lock is taken for reading by every call, the store's own included, and for writing
/// only by [`Store::close`]: RocksDB itself serialises nothing here (its reads and writes are
/// thread-safe), the lock only lets `close` wait for the reads in progress before the
/// database is dropped, so that a reader never keeps a closed store's files locked.
struct Shared {
    db: RwLock<Option<DB>>,
    /// Sorted; excludes RocksDB's default and the metadata column family.
    tables: Vec<String>,
}

impl Shared {
    /// Runs `f` on the open database.
    fn with_db<T>(&self, f: impl FnOnce(&DB) -> Result<T, StoreError>) -> Result<T, StoreError> {
        // Nothing panics while holding the lock for writing (close only takes the database
        // out), so a poisoned lock still guards a consistent value.
        let db = self.db.read().unwrap_or_else(PoisonError::into_inner);
        f(db.as_ref().ok_or(StoreError::Closed)?)
    }

    /// The column family of a table (never the default or metadata one).
    fn cf<'d>(&self, db: &'d DB, table: &str) -> Result<&'d ColumnFamily, StoreError> {
        let unknown = || StoreError::UnknownTable(table.to_owned());
        self.tables
            .binary_search_by(|t| t.as_str().cmp(table))
            .map_err(|_| unknown())?;
        db.cf_handle(table).ok_or_else(unknown)
    }

    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.with_db(|db| db.get_cf(self.cf(db, table)?, key).map_err(backend("get")))
    }

    fn is_open(&self) -> bool {
        self.db
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}

/// A [`RocksStore`]'s reader: RocksDB serves concurrent point reads from its memtables and
/// block cache while the partition writes.
struct RocksReader(Arc<Shared>);

impl StoreReader for RocksReader {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.get(table, key)
    }
}

impl std::fmt::Debug for RocksStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RocksStore")
            .field("path", &self.path)
            .field("tables", &self.shared.tables)
            .field("checkpoint", &self.checkpoint)
            .field("open", &self.shared.is_open())
            .finish()
    }
}

/// Maps a RocksDB error: corruption is [`StoreError::Corrupt`], the rest
/// [`StoreError::Backend`].
fn backend(operation: &'static str) -> impl Fn(rocksdb::Error) -> StoreError {
    move |e| match e.kind() {
        ErrorKind::Corruption => StoreError::Corrupt(e.into_string()),
        _ => StoreError::Backend {
            operation,
            message: e.into_string(),
        },
    }
}

impl RocksStore {
    /// Opens (creating if needed) the store at `path` with at least `tables`.
    pub fn open<I>(
        path: impl AsRef<Path>,
        tables: I,
        options: &RocksOptions,
    ) -> Result<Self, StoreError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let path = path.as_ref();
        let span = tracing::info_span!("store.open", path = %path.display());
        let _entered = span.enter();
        let mut names = checked_names(tables)?;
        let found = inspect(path)?;
        if found == Found::Nothing {
            std::fs::create_dir_all(path).map_err(|source| StoreError::Io {
                path: path.to_owned(),
                source,
            })?;
        }
        if found == Found::Database {
            let existing =
                DB::list_cf(&rocksdb::Options::default(), path).map_err(backend("open"))?;
            if !existing.iter().any(|cf| cf == META_CF) {
                return Err(StoreError::NotAStore {
                    path: path.to_owned(),
                    reason: "a RocksDB database that Affinity did not create",
                });
            }
            names.extend(
                existing
                    .into_iter()
                    .filter(|cf| cf != META_CF && cf != DEFAULT_CF),
            );
            names.sort();
            names.dedup();
        }
        let descriptors = names
            .iter()
            .map(String::as_str)
            .chain([DEFAULT_CF, META_CF])
            .map(|name| ColumnFamilyDescriptor::new(name, options.table_options()));
        let db_options = options.db_options(found != Found::Database);
        let db =
            DB::open_cf_descriptors(&db_options, path, descriptors).map_err(backend("open"))?;
        let meta = db
            .cf_handle(META_CF)
            .ok_or_else(|| StoreError::Corrupt("the metadata column family is missing".into()))?;
        match db.get_cf(meta, FORMAT_KEY).map_err(backend("open"))? {
            Some(v) => check_format(&v)?,
            None => db
                .put_cf(meta, FORMAT_KEY, FORMAT.to_be_bytes())
                .map_err(backend("open"))?,
        }
        let checkpoint = match db.get_cf(meta, CHECKPOINT_KEY).map_err(backend("open"))? {
            Some(v) => Some(parse_checkpoint(&v)?),
            None => None,
        };
        let mut write_options = WriteOptions::default();
        write_options.set_sync(options.sync_writes);
        tracing::info!(tables = ?names, ?checkpoint, created = found != Found::Database, "store opened");
        Ok(RocksStore {
            shared: Arc::new(Shared {
                db: RwLock::new(Some(db)),
                tables: names,
            }),
            path: path.to_owned(),
            checkpoint,
            write_options,
        })
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Store for RocksStore {
    fn tables(&self) -> Vec<String> {
        self.shared.tables.clone()
    }

    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.shared.get(table, key)
    }

    fn reader(&self) -> Option<Arc<dyn StoreReader>> {
        Some(Arc::new(RocksReader(self.shared.clone())))
    }

    fn scan(
        &self,
        table: &str,
        range: &KeyRange,
        direction: Direction,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let shared = &self.shared;
        shared.with_db(|db| {
            let cf = shared.cf(db, table)?;
            if range.is_empty() {
                return Ok(Page::default());
            }
            let mut read = ReadOptions::default();
            // The bounds keep RocksDB from even visiting keys outside the range.
            read.set_iterate_lower_bound(range.lower());
            if let Some(upper) = range.upper() {
                read.set_iterate_upper_bound(upper);
            }
            let mut it = db.raw_iterator_cf_opt(cf, read);
            match (direction, range.upper()) {
                (Direction::Forward, _) => it.seek(range.lower()),
                (Direction::Reverse, Some(upper)) => {
                    it.seek_for_prev(upper);
                    // The upper bound is excluded.
                    if it.key() == Some(upper) {
                        it.prev();
                    }
                }
                (Direction::Reverse, None) => it.seek_to_last(),
            }
            let mut entries = Vec::with_capacity(limit.min(1024));
            let mut more = false;
            while let (Some(k), Some(v)) = (it.key(), it.value()) {
                if !range.contains(k) {
                    break;
                }
                if entries.len() == limit {
                    more = true;
                    break;
                }
                entries.push((k.to_vec(), v.to_vec()));
                match direction {
                    Direction::Forward => it.next(),
                    Direction::Reverse => it.prev(),
                }
            }
            it.status().map_err(backend("scan"))?;
            let rest = more.then(|| match entries.last() {
                Some((k, _)) => range.after(k, direction),
                None => range.clone(),
            });
            Ok(Page { entries, rest })
        })
    }

    fn write(&mut self, batch: &WriteBatch) -> Result<(), StoreError> {
        let shared = &self.shared;
        let write_options = &self.write_options;
        shared.with_db(|db| {
            // Resolve every table first, so that a failing batch applies nothing.
            for table in batch.tables() {
                shared.cf(db, table)?;
            }
            if batch.is_empty() {
                return Ok(());
            }
            let mut wb = rocksdb::WriteBatch::default();
            for m in batch.iter() {
                match m {
                    Mutation::Put { table, key, value } => {
                        wb.put_cf(shared.cf(db, table)?, key, value)
                    }
                    Mutation::Delete { table, key } => wb.delete_cf(shared.cf(db, table)?, key),
                }
            }
            if let Some(c) = batch.checkpoint() {
                let meta = db.cf_handle(META_CF).ok_or_else(|| {
                    StoreError::Corrupt("the metadata column family is missing".into())
                })?;
                wb.put_cf(meta, CHECKPOINT_KEY, c.to_be_bytes());
            }
            db.write_opt(wb, write_options).map_err(backend("write"))
        })?;
        if let Some(c) = batch.checkpoint() {
            self.checkpoint = Some(c);
        }
        Ok(())
    }

    fn checkpoint(&self) -> Result<Option<u64>, StoreError> {
        self.shared.with_db(|_| Ok(self.checkpoint))
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.shared
            .with_db(|db| db.flush_wal(true).map_err(backend("flush")))
    }

    fn close(&mut self) -> Result<(), StoreError> {
        // Waits for the readers' calls in progress; later ones find the store closed.
        let taken = self
            .shared
            .db
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(db) = taken else {
            return Ok(());
        };
        let span = tracing::info_span!("store.close", path = %self.path.display());
        let _entered = span.enter();
        let synced = db.flush_wal(true).map_err(backend("close"));
        // Dropping the database waits for its background work and releases its lock.
        drop(db);
        match &synced {
            Ok(()) => tracing::info!("store closed"),
            Err(e) => tracing::warn!(error = %e, "store closed without syncing its log"),
        }
        synced
    }
}

impl Drop for RocksStore {
    fn drop(&mut self) {
        if self.shared.is_open() {
            // Errors are logged by close; a destructor cannot return them.
            let _ = self.close();
        }
    }
}
