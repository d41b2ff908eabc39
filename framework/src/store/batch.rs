//! [`WriteBatch`]: puts and deletes across tables, and the partition's checkpoint, applied
//! atomically.

/// How much of its keys' and values' buffer (and as much of its operations') a cleared batch
/// keeps for reuse.
const RETAINED_BYTES: usize = 1 << 20;

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
#[derive(Debug, Clone, Default)]
pub struct WriteBatch {
    /// Tables the batch touches, each once; operations refer to them by index.
    tables: Vec<String>,
    ops: Vec<Op>,
    /// Every key and value, back to back: a batch reused through [`WriteBatch::clear`]
    /// allocates nothing per operation.
    data: Vec<u8>,
    checkpoint: Option<u64>,
}

/// An operation, its key and value as ranges of the batch's `data`.
#[derive(Debug, Clone, Copy)]
struct Op {
    table: usize,
    /// Where the key starts; the value (if any) follows it.
    start: usize,
    key_len: usize,
    /// The value's length, or `None` to delete.
    value_len: Option<usize>,
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

    fn push(&mut self, table: &str, key: &[u8], value: Option<&[u8]>) -> &mut Self {
        let table = self.table_index(table);
        let start = self.data.len();
        self.data.extend_from_slice(key);
        if let Some(value) = value {
            self.data.extend_from_slice(value);
        }
        self.ops.push(Op {
            table,
            start,
            key_len: key.len(),
            value_len: value.map(<[u8]>::len),
        });
        self
    }

    /// Adds a put of `key` → `value` in `table`.
    pub fn put(
        &mut self,
        table: &str,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> &mut Self {
        self.push(table, key.as_ref(), Some(value.as_ref()))
    }

    /// Adds a delete of `key` in `table`.
    pub fn delete(&mut self, table: &str, key: impl AsRef<[u8]>) -> &mut Self {
        self.push(table, key.as_ref(), None)
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

    /// Empties the batch, keeping its allocations up to a bound (so a partition's one huge
    /// batch, e.g. during a restore, does not hold its memory for good).
    pub fn clear(&mut self) {
        self.tables.clear();
        self.ops.clear();
        self.ops
            .shrink_to(RETAINED_BYTES / std::mem::size_of::<Op>());
        self.data.clear();
        self.data.shrink_to(RETAINED_BYTES);
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
            let value_at = op.start + op.key_len;
            let key = &self.data[op.start..value_at];
            match op.value_len {
                Some(len) => Mutation::Put {
                    table,
                    key,
                    value: &self.data[value_at..value_at + len],
                },
                None => Mutation::Delete { table, key },
            }
        })
    }
}

/// Batches are equal when they make the same changes: the same operations in the same order,
/// and the same checkpoint.
impl PartialEq for WriteBatch {
    fn eq(&self, other: &Self) -> bool {
        self.checkpoint == other.checkpoint && self.iter().eq(other.iter())
    }
}

impl Eq for WriteBatch {}

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
        let mut same = WriteBatch::new();
        same.put("a", b"k", b"1")
            .delete("b", b"k")
            .put("a", b"k", b"2");
        assert_eq!(b, same);
        b.clear();
        assert!(b.is_empty());
        assert_ne!(b, same);
        // Reused after `clear`, it holds only the new operations.
        b.put("c", b"key", b"").delete("c", b"other");
        assert_eq!(b.tables().collect::<Vec<_>>(), ["c"]);
        assert_eq!(
            b.iter().collect::<Vec<_>>(),
            [
                Mutation::Put {
                    table: "c",
                    key: b"key",
                    value: b""
                },
                Mutation::Delete {
                    table: "c",
                    key: b"other"
                },
            ]
        );
        b.clear();
        b.set_checkpoint(3).set_checkpoint(4);
        assert!(!b.is_empty());
        assert_eq!((b.len(), b.checkpoint()), (0, Some(4)));
    }

    #[test]
    fn a_cleared_batch_keeps_a_bounded_buffer() {
        let mut b = WriteBatch::new();
        let value = vec![7u8; 64 * 1024];
        for i in 0..64u32 {
            b.put("t", i.to_be_bytes(), &value);
        }
        assert!(b.data.capacity() > RETAINED_BYTES);
        b.clear();
        assert!(b.data.capacity() <= RETAINED_BYTES);
        assert!(b.ops.capacity() * std::mem::size_of::<Op>() <= RETAINED_BYTES);
        // Small batches keep reusing what is left.
        b.put("t", b"k", b"v");
        let kept = b.data.capacity();
        b.clear();
        assert_eq!(b.data.capacity(), kept);
    }
}
