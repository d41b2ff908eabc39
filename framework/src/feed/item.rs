//! [`FeedItem`]: what an observer of one key receives.

use bytes::Bytes;

/// One step of a key's history as an observer sees it: the live protocol's Snapshot, Delta and
/// Deleted frames before they get a subscription id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedItem {
    /// The whole value.
    Snapshot {
        /// The offset of the write that produced it.
        offset: u64,
        /// The registry id of its schema.
        schema_id: u32,
        /// The Avro body.
        value: Bytes,
    },
    /// The change from the value at `base_offset` to the value at `offset`, as an Affinity
    /// delta (DESIGN.md §5).
    Delta {
        /// The offset of the new value.
        offset: u64,
        /// The offset of the value it applies to.
        base_offset: u64,
        /// The registry id of the schema of both values.
        schema_id: u32,
        /// The delta.
        delta: Bytes,
    },
    /// The key has no value as of `offset` (deleted or expired then, or never written: then
    /// `offset` is the partition's offset when the observer joined).
    Deleted {
        /// The offset.
        offset: u64,
    },
}

impl FeedItem {
    /// The offset of the state this item leaves the observer in.
    pub fn offset(&self) -> u64 {
        match self {
            FeedItem::Snapshot { offset, .. }
            | FeedItem::Delta { offset, .. }
            | FeedItem::Deleted { offset } => *offset,
        }
    }
}
