//! The [`Avro`] trait that `#[derive(Avro)]` implements, its implementations for standard types,
//! and the entry points [`to_vec`] and [`from_slice`].

mod borrow;
mod cache;
mod logical;
mod primitives;
mod schema_writer;
mod wire;

pub use borrow::{AvroBorrow, AvroMapKey, from_slice_borrowed, to_vec_borrowed};
pub use cache::build_schema;
#[cfg(feature = "decimal")]
pub use logical::{Decimal, DecimalError};
pub use logical::{TimestampMicros, TimestampMillis};
pub use schema_writer::SchemaWriter;
pub use wire::Wire;

use crate::binary::Reader;
use crate::{DecodeError, Schema};

/// A Rust type with an Avro schema and a direct binary codec.
///
/// Implemented by `#[derive(Avro)]` and, in this crate, for `bool`, the integer and float
/// types, `String`, `Vec<u8>` (bytes), `[u8; N]` (fixed), `Option<T>` (`["null", T]`),
/// `Vec<T>` (array), `HashMap`/`BTreeMap<String, T>` (map), `Box<T>`, `()` (null) and
/// `SystemTime` (timestamp-micros), with more behind features.
///
/// The encoding methods write the Avro binary encoding of the type's own schema; a value written
/// with another schema is read through [`crate::Resolver`].
pub trait Avro: Sized + 'static {
    /// The fewest bytes a value encodes to; decoders use it to bound block counts by the input.
    /// A recursive type may give a lower bound.
    const MIN_SIZE: usize;

    /// Appends this type's schema JSON to `w`; named types defined earlier in `w` are written as
    /// references.
    fn write_schema(w: &mut SchemaWriter);

    /// The type's schema, built once per process.
    fn schema() -> &'static Schema {
        cache::schema_of::<Self>()
    }

    /// The Rabin fingerprint of [`Avro::schema`].
    fn fingerprint() -> u64 {
        Self::schema().fingerprint()
    }

    /// Appends the value's Avro binary encoding to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// Reads one value from `r`.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Appends the delta from `old` to `new` (see [`crate::delta`]): for a record, the field
    /// bitmap and the changed fields; for any other type, `new`'s full encoding.
    fn write_delta(old: &Self, new: &Self, out: &mut Vec<u8>) {
        let _ = old;
        new.encode(out);
    }

    /// Appends the delta from `old` to `new` as a record field and returns `true`, or appends
    /// nothing and returns `false` when the two encode alike.
    fn write_field_delta(old: &Self, new: &Self, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        new.encode(out);
        let mid = out.len();
        old.encode(out);
        let changed = out[start..mid] != out[mid..];
        out.truncate(if changed { mid } else { start });
        changed
    }

    /// Applies a delta read from `r` (as written by [`Avro::write_delta`]) to `self`. On error
    /// `self` may be partly updated; [`crate::apply_delta`] works on a copy for that reason.
    fn apply_delta(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        *self = Self::decode(r)?;
        Ok(())
    }
}

/// Encodes `value` into a new vector.
///
/// ```
/// assert_eq!(affinity_avro::to_vec(&Some(-1i64)), [2, 1]);
/// ```
pub fn to_vec<T: Avro>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode(&mut out);
    out
}

/// Decodes a whole value from `bytes`, written with `T`'s own schema; trailing bytes are an error.
///
/// ```
/// assert_eq!(affinity_avro::from_slice::<Option<i64>>(&[2, 1]), Ok(Some(-1)));
/// assert!(affinity_avro::from_slice::<Option<i64>>(&[4, 1]).is_err());
/// ```
pub fn from_slice<T: Avro>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut r = Reader::new(bytes);
    let v = T::decode(&mut r)?;
    r.finish()?;
    Ok(v)
}
