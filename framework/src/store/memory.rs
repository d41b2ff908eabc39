//! [`MemoryStore`]: a sorted in-memory store, for tests and small data.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::table::checked_names;
use super::{Direction, KeyRange, Mutation, Page, Store, StoreError, StoreReader, WriteBatch};

type Table = BTreeMap<Vec<u8>, Vec<u8>>;

/// A [`Store`] in memory: one `BTreeMap` per table. It behaves exactly like
/// [`RocksStore`](super::RocksStore) (the same conformance tests run against both) except that
/// nothing survives the process; [`Store::flush`] has nothing to do. The tables sit behind a
/// read-write lock shared with the store's [`reader`](Store::reader)s: a write holds it for
/// the whole batch, which is what makes the batch atomic to them.
///
/// ```
/// use affinity::store::{Direction, KeyRange, MemoryStore, Store, WriteBatch};
///
/// let mut store = MemoryStore::new(["sessions"])?;
/// let mut batch = WriteBatch::new();
/// for k in [b"b", b"a", b"c"] {
///     batch.put("sessions", *k, *k);
/// }
/// store.write(&batch)?;
/// let page = store.scan("sessions", &KeyRange::all(), Direction::Forward, 2)?;
/// assert_eq!(page.entries.iter().map(|(k, _)| k.as_slice()).collect::<Vec<_>>(), [b"a", b"b"]);
/// let rest = store.scan("sessions", &page.rest.unwrap_or_else(KeyRange::all), Direction::Forward, 2)?;
/// assert_eq!(rest.entries.len(), 1);
/// assert!(rest.rest.is_none());
/// # Ok::<(), affinity::store::StoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: Arc<RwLock<Tables>>,
    checkpoint: Option<u64>,
}

/// The tables; empty and closed once the store is closed.
#[derive(Debug, Default)]
struct Tables {
    tables: BTreeMap<String, Table>,
    closed: bool,
}

impl Tables {
    fn table(&self, name: &str) -> Result<&Table, StoreError> {
        if self.closed {
            return Err(StoreError::Closed);
        }
        self.tables
            .get(name)
            .ok_or_else(|| StoreError::UnknownTable(name.to_owned()))
    }

    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.table(table)?.get(key).cloned())
    }
}

// No code panics while holding these locks in a way that leaves the tables half-changed (a
// batch is checked before it is applied), so a poisoned lock still guards consistent tables.
fn read(tables: &RwLock<Tables>) -> RwLockReadGuard<'_, Tables> {
    tables.read().unwrap_or_else(PoisonError::into_inner)
}

fn write(tables: &RwLock<Tables>) -> RwLockWriteGuard<'_, Tables> {
    tables.write().unwrap_or_else(PoisonError::into_inner)
}

/// A [`MemoryStore`]'s reader.
struct MemoryReader(Arc<RwLock<Tables>>);

impl StoreReader for MemoryReader {
    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        read(&self.0).get(table, key)
    }
}

impl MemoryStore {
    /// An empty store with these tables (duplicates are ignored). Fails with
    /// [`StoreError::InvalidTableName`] on a name that [`check_table_name`](super::check_table_name)
    /// rejects.
    pub fn new<I>(tables: I) -> Result<Self, StoreError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let tables = checked_names(tables)?
            .into_iter()
            .map(|t| (t, Table::new()))
            .collect();
        Ok(MemoryStore {
            tables: Arc::new(RwLock::new(Tables {
                tables,
                closed: false,
            })),
            checkpoint: None,
        })
    }

    fn closed(&self) -> bool {
        read(&self.tables).closed
    }
}

impl Store for MemoryStore {
    fn tables(&self) -> Vec<String> {
        read(&self.tables).tables.keys().cloned().collect()
    }

    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        read(&self.tables).get(table, key)
    }

    fn reader(&self) -> Option<Arc<dyn StoreReader>> {
        Some(Arc::new(MemoryReader(self.tables.clone())))
    }

    fn scan(
        &self,
        table: &str,
        range: &KeyRange,
        direction: Direction,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let tables = read(&self.tables);
        let table = tables.table(table)?;
        if range.is_empty() {
            // Also keeps BTreeMap::range from panicking on inverted bounds.
            return Ok(Page::default());
        }
        let upper = match range.upper() {
            Some(u) => Bound::Excluded(u),
            None => Bound::Unbounded,
        };
        let mut iter = table.range::<[u8], _>((Bound::Included(range.lower()), upper));
        let mut next = || match direction {
            Direction::Forward => iter.next(),
            Direction::Reverse => iter.next_back(),
        };
        let mut entries = Vec::with_capacity(limit.min(1024));
        while entries.len() < limit {
            match next() {
                Some((k, v)) => entries.push((k.clone(), v.clone())),
                None => {
                    return Ok(Page {
                        entries,
                        rest: None,
                    });
                }
            }
        }
        let rest = next().map(|_| match entries.last() {
            Some((k, _)) => range.after(k, direction),
            None => range.clone(),
        });
        Ok(Page { entries, rest })
    }

    fn write(&mut self, batch: &WriteBatch) -> Result<(), StoreError> {
        let mut tables = write(&self.tables);
        if tables.closed {
            return Err(StoreError::Closed);
        }
        // Check every table first, so that a failing batch applies nothing.
        if let Some(missing) = batch.tables().find(|t| !tables.tables.contains_key(*t)) {
            return Err(StoreError::UnknownTable(missing.to_owned()));
        }
        for m in batch.iter() {
            match m {
                Mutation::Put { table, key, value } => {
                    if let Some(t) = tables.tables.get_mut(table) {
                        t.insert(key.to_vec(), value.to_vec());
                    }
                }
                Mutation::Delete { table, key } => {
                    if let Some(t) = tables.tables.get_mut(table) {
                        t.remove(key);
                    }
                }
            }
        }
        if let Some(c) = batch.checkpoint() {
            self.checkpoint = Some(c);
        }
        Ok(())
    }

    fn checkpoint(&self) -> Result<Option<u64>, StoreError> {
        if self.closed() {
            return Err(StoreError::Closed);
        }
        Ok(self.checkpoint)
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if self.closed() {
            return Err(StoreError::Closed);
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), StoreError> {
        let mut tables = write(&self.tables);
        tables.closed = true;
        tables.tables.values_mut().for_each(Table::clear);
        Ok(())
    }
}
