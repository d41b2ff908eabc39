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

/// An error found while reading JSON as a value of a schema (see [`crate::json`]).
///
/// `path` says where in the JSON the problem is, as a JavaScript-like access path from the
/// root: `items[3].price`, `tags["a b"]`, `shape["ex.Circle"].radius` (a union branch's tag);
/// it is empty at the root. The message starts with it: `items[3].price: expected a number,
/// found "12"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The text is not JSON.
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// The JSON has the wrong type for the schema here.
    #[error("{}expected {expected}, found {found}", path_prefix(.path))]
    Mismatch {
        /// Where in the JSON.
        path: String,
        /// What the schema wants there.
        expected: String,
        /// What the JSON has there (abridged).
        found: String,
    },
    /// A record's field is absent and the schema gives it no default.
    #[error("{}missing field `{field}`, which has no default", path_prefix(.path))]
    MissingField {
        /// Where the record is.
        path: String,
        /// The field's name.
        field: String,
    },
    /// An object for a record has a key that is not one of its fields.
    #[error("{}unknown field `{field}` (the record {record} has no such field)", path_prefix(.path))]
    UnknownField {
        /// Where the record is.
        path: String,
        /// The key found.
        field: String,
        /// The record's full name.
        record: String,
    },
    /// The JSON has the right type but a value the schema does not allow: an integer out of
    /// range, an unknown enum symbol or union branch, a fixed of the wrong length, a bytes
    /// character above U+00FF, a decimal with too many digits.
    #[error("{}{message}", path_prefix(.path))]
    Invalid {
        /// Where in the JSON.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The JSON is a valid value of the schema but not of the Rust type it is read into (a
    /// number too large for a `u16` field, a string that is not a UUID, for example).
    #[error("value does not fit the Rust type: {0}")]
    Value(DecodeError),
}

fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}
