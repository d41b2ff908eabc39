//! Error types of the Avro core.

/// An error found while parsing or validating a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The schema text is not JSON.
    #[error("schema is not valid JSON: {0}")]
    Json(String),
    /// A JSON value where a schema was expected is not a schema.
    #[error("invalid schema at {path}: {message}")]
    Invalid {
        /// Where in the schema (a dotted path of names).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A name is referenced before it is defined, or never defined.
    #[error("unknown type name `{0}`")]
    UnknownName(String),
    /// A named type is defined twice.
    #[error("type name `{0}` is defined more than once")]
    DuplicateName(String),
    /// A name does not match `[A-Za-z_][A-Za-z0-9_]*` (per dotted component).
    #[error("invalid name `{0}`: names match [A-Za-z_][A-Za-z0-9_]*")]
    InvalidName(String),
    /// A field's default value does not match the field's schema.
    #[error("invalid default for field `{field}`: {message}")]
    InvalidDefault {
        /// The field's name (dotted with its record's full name).
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl SchemaError {
    pub(crate) fn invalid(path: &str, message: impl Into<String>) -> Self {
        SchemaError::Invalid {
            path: if path.is_empty() {
                "<root>".into()
            } else {
                path.into()
            },
            message: message.into(),
        }
    }
}

/// An error found while decoding Avro binary data.
///
/// Decoding never panics and never allocates more than the input can justify: every length and
/// block count is checked against the bytes actually present before anything is allocated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside a value.
    #[error("unexpected end of input at byte {0}")]
    UnexpectedEof(usize),
    /// A variable-length integer is longer than 10 bytes or overflows 64 bits.
    #[error("malformed variable-length integer at byte {0}")]
    BadVarint(usize),
    /// An `int` value does not fit 32 bits.
    #[error("int value {0} out of range")]
    IntOutOfRange(i64),
    /// A length (bytes, string) or block count is negative where it may not be, or larger than
    /// what the remaining input can hold.
    #[error("length {len} at byte {pos} exceeds the {remaining} bytes remaining")]
    LengthOutOfRange {
        /// The length read.
        len: i64,
        /// Where it was read.
        pos: usize,
        /// Bytes remaining after it.
        remaining: usize,
    },
    /// A boolean byte other than 0 or 1.
    #[error("invalid boolean byte {0:#04x}")]
    InvalidBool(u8),
    /// A string is not UTF-8.
    #[error("string at byte {0} is not valid UTF-8")]
    InvalidUtf8(usize),
    /// A union branch index outside the union.
    #[error("union branch index {index} out of range (union has {branches} branches)")]
    InvalidUnionIndex {
        /// The index read.
        index: i64,
        /// How many branches the union has.
        branches: usize,
    },
    /// An enum symbol index outside the enum.
    #[error("enum symbol index {index} out of range (enum has {symbols} symbols)")]
    InvalidEnumIndex {
        /// The index read.
        index: i64,
        /// How many symbols the enum has.
        symbols: usize,
    },
    /// Values nest deeper than [`crate::binary::MAX_DEPTH`] records.
    #[error("values nest deeper than {0} levels")]
    TooDeep(usize),
    /// More items that encode to zero bytes than the decoder allows in one input.
    #[error("more than {0} zero-size items in one input")]
    TooManyItems(usize),
    /// Bytes were left after the value.
    #[error("{0} trailing bytes after the value")]
    TrailingBytes(usize),
    /// A delta is malformed (bits set for fields that do not exist, for example).
    #[error("invalid delta: {0}")]
    InvalidDelta(String),
    /// A value decoded fine but is not valid for its Rust type (a UUID string that does not
    /// parse, a fixed of the wrong size, for example).
    #[error("invalid value: {0}")]
    InvalidValue(String),
    /// A Confluent-framed message does not start with the magic byte 0, or is shorter than 5 bytes.
    #[error("not a Confluent-framed message: {0}")]
    BadFrame(String),
    /// Data written with one schema cannot be read with another: the writer used a union branch
    /// or an enum symbol that the reader schema has no place for (see [`crate::Resolver`]).
    #[error("cannot read the writer's data with the reader schema: {0}")]
    Unresolved(String),
}

/// An error found while encoding a dynamic [`crate::Value`] against a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The value does not match the schema at this path.
    #[error("value does not match schema at {path}: expected {expected}")]
    Mismatch {
        /// Where in the value (dotted field names, `[i]` for items).
        path: String,
        /// What the schema wants there.
        expected: String,
    },
}
