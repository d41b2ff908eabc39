//! The error type of the order-preserving key encoding.

use affinity_avro::DecodeError;

/// An error from [`KeyCodec`](super::KeyCodec) or [`TypedKeyCodec`](super::TypedKeyCodec).
///
/// Encoding errors leave the output buffer as it was; decoding errors return nothing, so bad
/// input never leaves a half-built key or value behind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key schema holds a map where the sort order needs it: the Avro specification gives
    /// maps no order. A map may appear only inside a record field with `"order": "ignore"`.
    #[error(
        "the key schema cannot be ordered: {path} is a map, and maps have no sort order \
         (only a field with \"order\": \"ignore\" may hold one)"
    )]
    Unorderable {
        /// Where the map is (dotted field names, `[]` for array items, `<branch i>`).
        path: String,
    },
    /// A value does not match the key schema.
    #[error("key value does not match the key schema at {path}: expected {expected}")]
    Mismatch {
        /// Where in the value (dotted field names, `[i]` for items, `<branch i>`); empty at the
        /// root.
        path: String,
        /// What the schema wants there.
        expected: String,
    },
    /// Records nest deeper than [`affinity_avro::binary::MAX_DEPTH`] levels.
    #[error("key values nest deeper than {0} records")]
    TooDeep(usize),
    /// Encoded key bytes end in the middle of a value.
    #[error("encoded key ends unexpectedly at byte {0}")]
    Truncated(usize),
    /// Encoded key bytes are not a key of this schema (corrupt data, or a key of another schema).
    #[error("malformed encoded key at byte {pos}: {reason}")]
    Malformed {
        /// The offending byte's position in the encoded key.
        pos: usize,
        /// What is wrong there.
        reason: &'static str,
    },
    /// Encoded key bytes continue after a whole key.
    #[error("{0} trailing bytes after the encoded key")]
    TrailingBytes(usize),
    /// A key prefix was asked of a schema that is not a record.
    #[error("a key prefix needs a record key schema, not {0}")]
    NotARecord(&'static str),
    /// A key prefix has more fields than the key record.
    #[error("a key prefix of {given} fields, but the key record has {fields}")]
    TooManyFields {
        /// Fields given.
        given: usize,
        /// Fields the record has.
        fields: usize,
    },
    /// The Avro side of a conversion failed: Avro bytes that are not a value of the key schema,
    /// or a typed key that does not accept the decoded value.
    #[error("key is not valid Avro for its schema: {0}")]
    Avro(#[from] DecodeError),
}
