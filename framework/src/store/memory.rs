//! [`MemoryStore`]: a sorted in-memory store, for tests and small data.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::table::checked_names;
use super::{Direction, KeyRange, Mutation, Page, Store, StoreError, WriteBatch};

type Table = BTreeMap<Vec<u8>, Vec<u8>>;

/// A [`Store`] in memory: one `BTreeMap` per table. It behaves exactly like
/// [`RocksStore`](super::RocksStore) (the same conformance tests run against both) except that
/// nothing survives the process; [`Store::flush`] has nothing to do.
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
    tables: BTreeMap<String, Table>,
    checkpoint: Option<u64>,
    closed: bool,
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
        Ok(MemoryStore {
            tables: checked_names(tables)?
                .into_iter()
                .map(|t| (t, Table::new()))
                .collect(),
            checkpoint: None,
            closed: false,
        })
    }

    fn table(&self, name: &str) -> Result<&Table, StoreError> {
        if self.closed {
            return Err(StoreError::Closed);
        }
        self.tables
            .get(name)
            .ok_or_else(|| StoreError::UnknownTable(name.to_owned()))
    }
}

impl Store for MemoryStore {
    fn tables(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    fn get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.table(table)?.get(key).cloned())
    }

    fn scan(
        &self,
        table: &str,
        range: &KeyRange,
        direction: Direction,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let table = self.table(table)?;
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
        if self.closed {
            return Err(StoreError::Closed);
        }
        // Check every table first, so that a failing batch applies nothing.
        if let Some(missing) = batch.tables().find(|t| !self.tables.contains_key(*t)) {
            return Err(StoreError::UnknownTable(missing.to_owned()));
        }
        for m in batch.iter() {
            match m {
                Mutation::Put { table, key, value } => {
                    if let Some(t) = self.tables.get_mut(table) {
                        t.insert(key.to_vec(), value.to_vec());
                    }
                }
                Mutation::Delete { table, key } => {
                    if let Some(t) = self.tables.get_mut(table) {
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
        if self.closed {
            return Err(StoreError::Closed);
        }
        Ok(self.checkpoint)
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if self.closed {
            return Err(StoreError::Closed);
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), StoreError> {
        self.closed = true;
        self.tables.values_mut().for_each(Table::clear);
        Ok(())
    }
}
