//! Deltas of [`Avro`] types, through the type's generated [`Avro::write_delta`] and
//! [`Avro::apply_delta`].

use crate::binary::Reader;
use crate::{Avro, DecodeError};

/// The delta from `old` to `new` (see [`crate::delta`]); byte for byte what
/// [`crate::delta::value_delta`] writes for the same values.
///
/// ```
/// use affinity_avro::delta::{apply_delta, delta};
/// let d = delta(&vec![1i64, 2], &vec![1, 2, 3]);
/// assert_eq!(d, [6, 2, 4, 6, 0]); // not a record: the new value in full
/// assert_eq!(apply_delta(&vec![1i64, 2], &d), Ok(vec![1, 2, 3]));
/// ```
pub fn delta<T: Avro>(old: &T, new: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    T::write_delta(old, new, &mut out);
    out
}

/// [`delta`], appending to `out`.
pub fn delta_into<T: Avro>(old: &T, new: &T, out: &mut Vec<u8>) {
    T::write_delta(old, new, out);
}

/// `old` with `delta` applied, as a new value; `old` is untouched, also on error. The whole
/// delta must be consumed (trailing bytes are an error).
pub fn apply_delta<T: Avro + Clone>(old: &T, delta: &[u8]) -> Result<T, DecodeError> {
    let mut value = old.clone();
    let mut r = Reader::new(delta);
    value.apply_delta(&mut r)?;
    r.finish()?;
    Ok(value)
}
