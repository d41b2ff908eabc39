//! [`ErrorCode`]: the Avro enum in an Error frame, readable by older clients when it grows.
//!
//! This is the one frame type whose `Avro` impl is written by hand rather than derived, on
//! purpose: frames are decoded with the receiver's own schema (there is no writer schema to
//! resolve against), and a derived enum rejects a symbol index it does not know. A newer
//! server will send codes this client has never heard of; they must read as
//! [`ErrorCode::Other`] — the schema's `default` symbol, exactly what Avro schema resolution
//! would give — rather than make the whole frame malformed. The schema and the encoding are
//! those the derive would produce.

use affinity_avro::binary::{Reader, write_long};
use affinity_avro::{Avro, DecodeError, SchemaWriter};

use super::NAMESPACE;

/// What went wrong, in an Error frame. New codes are appended; a code this version does not
/// know decodes as [`ErrorCode::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The server failed; the message carries no internals. Retrying may help.
    Internal,
    /// A frame could not be decoded, is too large, or is not allowed here (for example a
    /// `sub_id` already in use).
    BadFrame,
    /// No keyspace has that name.
    UnknownKeyspace,
    /// The keyspace has no state of that name.
    UnknownState,
    /// The key's bytes do not decode as the keyspace's key type.
    BadKey,
    /// A Publish's message does not decode as a message the handler accepts, or the handler
    /// rejected it.
    BadMessage,
    /// The connection may not do that.
    Unauthorized,
    /// The server sheds load (too many subscriptions, requests or bytes); retry later.
    Overloaded,
    /// The key's partition has no master or replica that can serve right now (a failover is
    /// under way); retry later.
    Unavailable,
    /// A code that this version of the protocol does not know: the schema's `default`.
    Other,
}

impl ErrorCode {
    /// Every code, in symbol order: a code's symbol index is its position here.
    pub const ALL: [ErrorCode; 10] = [
        ErrorCode::Internal,
        ErrorCode::BadFrame,
        ErrorCode::UnknownKeyspace,
        ErrorCode::UnknownState,
        ErrorCode::BadKey,
        ErrorCode::BadMessage,
        ErrorCode::Unauthorized,
        ErrorCode::Overloaded,
        ErrorCode::Unavailable,
        ErrorCode::Other,
    ];

    /// The Avro symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            ErrorCode::Internal => "Internal",
            ErrorCode::BadFrame => "BadFrame",
            ErrorCode::UnknownKeyspace => "UnknownKeyspace",
            ErrorCode::UnknownState => "UnknownState",
            ErrorCode::BadKey => "BadKey",
            ErrorCode::BadMessage => "BadMessage",
            ErrorCode::Unauthorized => "Unauthorized",
            ErrorCode::Overloaded => "Overloaded",
            ErrorCode::Unavailable => "Unavailable",
            ErrorCode::Other => "Other",
        }
    }

    /// The symbol index on the wire.
    pub fn index(self) -> usize {
        // `ALL` lists every variant, so the search always succeeds; `Other` is a safe answer.
        Self::ALL
            .iter()
            .position(|&c| c == self)
            .unwrap_or(Self::ALL.len() - 1)
    }

    /// The code of a symbol index: [`ErrorCode::Other`] for an index this version does not
    /// know (a newer peer's code), `None` for a negative one (not an index at all).
    pub fn from_index(index: i64) -> Option<ErrorCode> {
        let i = usize::try_from(index).ok()?;
        Some(Self::ALL.get(i).copied().unwrap_or(ErrorCode::Other))
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Avro for ErrorCode {
    const MIN_SIZE: usize = 1;

    fn write_schema(w: &mut SchemaWriter) {
        if w.begin_named("enum", "ErrorCode", Some(NAMESPACE)) {
            w.raw(",\"doc\":");
            w.string(
                "What went wrong, in an Error frame. New codes are appended; a reader reads a \
                 code it does not know as Other.",
            );
            w.raw(",\"symbols\":[");
            for (i, code) in Self::ALL.iter().enumerate() {
                if i > 0 {
                    w.raw(",");
                }
                w.string(code.symbol());
            }
            w.raw("],\"default\":");
            w.string(ErrorCode::Other.symbol());
            w.end_named();
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        // At most `ALL.len()`, far below `i64::MAX`.
        write_long(out, self.index() as i64);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let index = r.read_long()?;
        ErrorCode::from_index(index).ok_or(DecodeError::InvalidEnumIndex {
            index,
            symbols: Self::ALL.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use affinity_avro::{Value, decode_value, from_slice, to_vec};

    use super::*;

    #[test]
    fn symbols_are_in_index_order() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(code.index(), i);
            assert_eq!(to_vec(code), to_vec(&(i as i64)));
            assert_eq!(from_slice::<ErrorCode>(&to_vec(code)), Ok(*code));
        }
    }

    #[test]
    fn the_schema_is_an_enum_defaulting_to_other() {
        let schema = ErrorCode::schema();
        assert_eq!(
            schema.canonical_form(),
            r#"{"name":"affinity.live.ErrorCode","type":"enum","symbols":["Internal","BadFrame","UnknownKeyspace","UnknownState","BadKey","BadMessage","Unauthorized","Overloaded","Unavailable","Other"]}"#
        );
        assert!(schema.to_json().contains(r#""default":"Other""#));
        // The dynamic decoder agrees with the hand-written one on known symbols.
        assert_eq!(decode_value(schema, &[0x10]), Ok(Value::Enum(8)));
    }

    #[test]
    fn a_newer_code_reads_as_other_and_a_negative_index_is_an_error() {
        assert_eq!(
            from_slice::<ErrorCode>(&to_vec(&10i64)),
            Ok(ErrorCode::Other)
        );
        assert_eq!(
            from_slice::<ErrorCode>(&to_vec(&99i64)),
            Ok(ErrorCode::Other)
        );
        assert_eq!(
            from_slice::<ErrorCode>(&to_vec(&-1i64)),
            Err(DecodeError::InvalidEnumIndex {
                index: -1,
                symbols: 10
            })
        );
    }
}
