//! [`Wire`]: how a value crosses a link between two processes that run the same code — any
//! [`Avro`] type as itself, and a `Result` of two [`Avro`] types, which Avro has no schema for.

use super::Avro;
use crate::DecodeError;
use crate::binary::{Reader, write_long};
use crate::schema::rabin_fingerprint;

/// A value sent between two processes of one application, such as the reply to a message
/// that a node forwards to the node that owns the message's key.
///
/// Every [`Avro`] type is one, encoded as its Avro binary form. So is `Result<T, E>` for
/// [`Avro`] types `T` and `E` — the usual reply of a handler that can fail — encoded as a
/// branch index (a `long`: 0 for `Ok`, 1 for `Err`) then `T`'s or `E`'s encoding: the Avro
/// encoding of the union `[T, E]`, which Avro itself cannot declare when `T` and `E` are of the
/// same type or `T` is a union (an `Option`).
///
/// Both ends check [`Wire::wire_fingerprint`] before they trust the bytes, so two builds whose
/// types differ refuse each other's values instead of misreading them.
pub trait Wire: Sized + 'static {
    /// A fingerprint of the encoding: the Rabin fingerprint of the schema for an [`Avro`]
    /// type, and one derived from both branches' for a `Result`.
    fn wire_fingerprint() -> u64;

    /// Appends the value's encoding to `out`.
    fn encode_wire(&self, out: &mut Vec<u8>);

    /// Reads one value from `r`.
    fn decode_wire(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// The value read from `bytes`, which must hold exactly one.
    fn from_wire(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let value = Self::decode_wire(&mut r)?;
        r.finish()?;
        Ok(value)
    }
}

impl<T: Avro> Wire for T {
    fn wire_fingerprint() -> u64 {
        T::fingerprint()
    }

    fn encode_wire(&self, out: &mut Vec<u8>) {
        self.encode(out);
    }

    fn decode_wire(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        T::decode(r)
    }
}

impl<T: Avro, E: Avro> Wire for Result<T, E> {
    fn wire_fingerprint() -> u64 {
        // The fingerprint of a text that names both branches' fingerprints, so that it differs
        // from each branch's own and from the swapped `Result<E, T>`.
        let mut text = b"affinity.Result:".to_vec();
        text.extend_from_slice(&T::fingerprint().to_le_bytes());
        text.extend_from_slice(&E::fingerprint().to_le_bytes());
        rabin_fingerprint(&text)
    }

    fn encode_wire(&self, out: &mut Vec<u8>) {
        match self {
            Ok(value) => {
                write_long(out, 0);
                value.encode(out);
            }
            Err(error) => {
                write_long(out, 1);
                error.encode(out);
            }
        }
    }

    fn decode_wire(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.read_union_index(2)? {
            0 => T::decode(r).map(Ok),
            _ => E::decode(r).map(Err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::to_vec;

    fn round_trip<T: Wire + PartialEq + std::fmt::Debug>(value: T) -> Vec<u8> {
        let mut bytes = Vec::new();
        value.encode_wire(&mut bytes);
        assert_eq!(T::from_wire(&bytes).unwrap(), value);
        bytes
    }

    #[test]
    fn avro_types_travel_as_their_avro_encoding() {
        assert_eq!(round_trip(Some(7i64)), to_vec(&Some(7i64)));
        assert_eq!(<String as Wire>::wire_fingerprint(), String::fingerprint());
    }

    #[test]
    fn results_travel_as_a_branch_then_the_value() {
        let ok: Result<Option<i64>, String> = Ok(Some(3));
        assert_eq!(round_trip(ok), vec![0, 2, 6]);
        let err: Result<Option<i64>, String> = Err("no".to_owned());
        assert_eq!(round_trip(err), vec![2, 4, b'n', b'o']);
        assert_eq!(
            round_trip(Ok::<String, String>("a".to_owned())),
            vec![0, 2, b'a']
        );
    }

    #[test]
    fn fingerprints_tell_results_apart() {
        let a = <Result<i64, String> as Wire>::wire_fingerprint();
        let b = <Result<String, i64> as Wire>::wire_fingerprint();
        assert_ne!(a, b);
        assert_ne!(a, i64::fingerprint());
        assert_eq!(a, <Result<i64, String> as Wire>::wire_fingerprint());
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(<Result<i64, String> as Wire>::from_wire(&[4, 0]).is_err());
        assert!(<Result<i64, String> as Wire>::from_wire(&[]).is_err());
        assert!(<Result<i64, String> as Wire>::from_wire(&[0, 2, 0]).is_err());
    }
}
