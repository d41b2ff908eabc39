//! [`WriteBatch`]: puts and deletes across tables, and the partition's checkpoint, applied
//! atomically.

/// Puts and deletes across a store's tables plus, optionally, a new checkpoint, applied by
/// [`Store::write`](super::Store::write) all together or not at all (DESIGN.md §4.4: the
/// checkpoint is committed atomically with the data it covers).
///
/// Operations apply in the order they were added, so a later put or delete of the same key
/// wins. A batch is reusable: [`Store::write`](super::Store::write) borrows it, and
/// [`WriteBatch::clear`] empties it.
///
/// ```
/// use affinity::store::{MemoryStore, Store, WriteBatch};
///
/// let mut store = MemoryStore::new(["vertices", "edges"])?;
/// let mut batch = WriteBatch::new();
/// batch.put("vertices", b"v1", b"one").put("edges", b"v1-v2", b"").set_checkpoint(41);
/// store.write(&batch)?;
/// assert_eq!(store.get("vertices", b"v1")?.as_deref(), Some(&b"one"[..]));
/// assert_eq!(store.checkpoint()?, Some(41));
/// # Ok::<(), affinity::store::StoreError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    /// Tables the batch touches, each once; operations refer to them by index.
    tables: Vec<String>,
    ops: Vec<Op>,
    checkpoint: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Op {
    table: usize,
    key: Vec<u8>,
    /// `None` deletes.
    value: Option<Vec<u8>>,
}

/// One operation of a [`WriteBatch`], as [`WriteBatch::iter`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation<'a> {
    /// Sets `key` to `value` in `table`.
    Put {
        /// The table.
        table: &'a str,
        /// The key.
        key: &'a [u8],
        /// The new value.
        value: &'a [u8],
    },
    /// Removes `key` from `table` (nothing happens if it is absent).
    Delete {
        /// The table.
        table: &'a str,
        /// The key.
        key: &'a [u8],
    },
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    fn table_index(&mut self, table: &str) -> usize {
        match self.tables.iter().position(|t| t == table) {
            Some(i) => i,
            None => {
                self.tables.push(table.to_owned());
                self.tables.len() - 1
            }
        }
    }

    /// Adds a put of `key` → `value` in `table`.
    pub fn put(
        &mut self,
        table: &str,
        key: impl Into<Vec<u8>>,
        value: impl Into<Vec<u8>>,
    ) -> &mut Self {
        let table = self.table_index(table);
        self.ops.push(Op {
            table,
            key: key.into(),
            value: Some(value.into()),
        });
        self
    }

    /// Adds a delete of `key` in `table`.
    pub fn delete(&mut self, table: &str, key: impl Into<Vec<u8>>) -> &mut Self {
        let table = self.table_index(table);
        self.ops.push(Op {
            table,
            key: key.into(),
            value: None,
        });
        self
    }

    /// Sets the checkpoint the batch commits (a changelog offset or local sequence); the last
    /// call wins. A batch without one leaves the store's checkpoint as it was.
    pub fn set_checkpoint(&mut self, checkpoint: u64) -> &mut Self {
        self.checkpoint = Some(checkpoint);
        self
    }

    /// The checkpoint the batch commits, if any.
    pub fn checkpoint(&self) -> Option<u64> {
        self.checkpoint
    }

    /// The number of puts and deletes.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the batch would change nothing: no puts, no deletes, no checkpoint.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.checkpoint.is_none()
    }

    /// Empties the batch, keeping its allocations.
    pub fn clear(&mut self) {
        self.tables.clear();
        self.ops.clear();
        self.checkpoint = None;
    }

    /// The tables the batch touches, each once, in the order first used.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.tables.iter().map(String::as_str)
    }

    /// The puts and deletes, in order.
    pub fn iter(&self) -> impl Iterator<Item = Mutation<'_>> {
        self.ops.iter().map(|op| {
            let table = self.tables[op.table].as_str();
            match &op.value {
                Some(value) => Mutation::Put {
                    table,
                    key: &op.key,
                    value,
                },
                None => Mutation::Delete {
                    table,
                    key: &op.key,
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_keep_their_order_and_tables_are_listed_once() {
        let mut b = WriteBatch::new();
        assert!(b.is_empty());
        b.put("a", b"k", b"1")
            .delete("b", b"k")
            .put("a", b"k", b"2");
        assert_eq!(b.len(), 3);
        assert_eq!(b.tables().collect::<Vec<_>>(), ["a", "b"]);
        let ops: Vec<_> = b.iter().collect();
        assert_eq!(
            ops,
            [
                Mutation::Put {
                    table: "a",
                    key: b"k",
                    value: b"1"
                },
                Mutation::Delete {
                    table: "b",
                    key: b"k"
                },
                Mutation::Put {
                    table: "a",
                    key: b"k",
                    value: b"2"
                },
            ]
        );
        b.clear();
        assert!(b.is_empty());
        b.set_checkpoint(3).set_checkpoint(4);
        assert!(!b.is_empty());
        assert_eq!((b.len(), b.checkpoint()), (0, Some(4)));
    }
}
