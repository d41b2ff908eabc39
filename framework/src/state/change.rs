//! [`StateChange`]: what store-wide listeners receive.

use bytes::Bytes;

/// A committed change to one key of a state, as store-wide listeners
/// ([`KeyspaceRef::listen`](crate::keyspace::KeyspaceRef::listen)) receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    /// The partition.
    pub partition: u32,
    /// The write's offset in its partition.
    pub offset: u64,
    /// The key, Avro binary.
    pub key: Bytes,
    /// The new value (Avro binary in `schema_id`'s schema), or `None` for a deletion.
    pub value: Option<Bytes>,
    /// The registry id of the value's schema.
    pub schema_id: u32,
}
