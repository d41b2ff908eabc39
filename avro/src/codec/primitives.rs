//! [`Avro`] for standard library types.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Avro, SchemaWriter};
use crate::DecodeError;
use crate::binary::{
    Reader, write_bool, write_bytes, write_double, write_float, write_int, write_long, write_str,
};

macro_rules! primitive {
    ($ty:ty, $schema:literal, $min:expr, |$v:ident, $out:ident| $enc:expr, |$r:ident| $dec:expr) => {
        impl Avro for $ty {
            const MIN_SIZE: usize = $min;
            fn write_schema(w: &mut SchemaWriter) {
                w.raw(concat!("\"", $schema, "\""));
            }
            #[inline]
            fn encode(&self, $out: &mut Vec<u8>) {
                let $v = self;
                $enc
            }
            #[inline]
            fn decode($r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                $dec
            }
        }
    };
}

primitive!((), "null", 0, |_v, _out| {}, |_r| Ok(()));
primitive!(bool, "boolean", 1, |v, out| write_bool(out, *v), |r| r
    .read_bool());
primitive!(i32, "int", 1, |v, out| write_int(out, *v), |r| r.read_int());
primitive!(i64, "long", 1, |v, out| write_long(out, *v), |r| r
    .read_long());
primitive!(f32, "float", 4, |v, out| write_float(out, *v), |r| r
    .read_float());
primitive!(f64, "double", 8, |v, out| write_double(out, *v), |r| r
    .read_double());
primitive!(String, "string", 1, |v, out| write_str(out, v), |r| r
    .read_str()
    .map(str::to_owned));
primitive!(Vec<u8>, "bytes", 1, |v, out| write_bytes(out, v), |r| r
    .read_bytes()
    .map(<[u8]>::to_vec));

/// Narrow integers travel as an Avro `int` (`u32` as a `long`); a value out of range is a
/// decode error, never a silent truncation. (`u8` has no impl so that `Vec<u8>` can be bytes.)
macro_rules! narrow {
    ($ty:ty, $schema:literal, $write:ident, $read:ident) => {
        primitive!($ty, $schema, 1, |v, out| $write(out, (*v).into()), |r| {
            let v = r.$read()?;
            <$ty>::try_from(v).map_err(|_| {
                DecodeError::InvalidValue(format!("{v} does not fit {}", stringify!($ty)))
            })
        });
    };
}
narrow!(i8, "int", write_int, read_int);
narrow!(i16, "int", write_int, read_int);
narrow!(u16, "int", write_int, read_int);
narrow!(u32, "long", write_long, read_long);

/// `[u8; N]` is the Avro `fixed` named `affinity.FixedN` (N its size); name your own with
/// `#[avro(fixed)]` on a newtype.
impl<const N: usize> Avro for [u8; N] {
    const MIN_SIZE: usize = N;
    fn write_schema(w: &mut SchemaWriter) {
        if w.begin_named("fixed", &format!("Fixed{N}"), Some("affinity")) {
            w.raw(&format!(",\"size\":{N}"));
            w.end_named();
        }
    }
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.read_array()
    }
}

/// `Option<T>` is the union `["null", T]`; `None` is branch 0.
impl<T: Avro> Avro for Option<T> {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"["null","#);
        T::write_schema(w);
        w.raw("]");
    }
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(2);
                v.encode(out);
            }
        }
    }
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.read_union_index(2)? {
            0 => Ok(None),
            _ => T::decode(r).map(Some),
        }
    }
}

/// `Box<T>` has `T`'s schema and codec, deltas included, so recursive types can box.
impl<T: Avro> Avro for Box<T> {
    const MIN_SIZE: usize = T::MIN_SIZE;
    fn write_schema(w: &mut SchemaWriter) {
        T::write_schema(w);
    }
    fn schema() -> &'static crate::Schema {
        T::schema()
    }
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        T::decode(r).map(Box::new)
    }
    fn write_delta(old: &Self, new: &Self, out: &mut Vec<u8>) {
        T::write_delta(old, new, out);
    }
    fn write_field_delta(old: &Self, new: &Self, out: &mut Vec<u8>) -> bool {
        T::write_field_delta(old, new, out)
    }
    fn apply_delta(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        (**self).apply_delta(r)
    }
}

/// `Vec<T>` is an `array`, written as one block.
impl<T: Avro> Avro for Vec<T> {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"array","items":"#);
        T::write_schema(w);
        w.raw("}");
    }
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        if !self.is_empty() {
            write_long(out, self.len() as i64);
            for v in self {
                v.encode(out);
            }
        }
        out.push(0);
    }
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut out = Vec::new();
        while let Some(n) = r.read_block(T::MIN_SIZE)? {
            out.reserve(Reader::reserve_hint(n));
            for _ in 0..n {
                out.push(T::decode(r)?);
            }
        }
        Ok(out)
    }
}

fn write_map_schema<T: Avro>(w: &mut SchemaWriter) {
    w.raw(r#"{"type":"map","values":"#);
    T::write_schema(w);
    w.raw("}");
}

fn encode_map<'a, T: Avro>(
    len: usize,
    entries: impl Iterator<Item = (&'a String, &'a T)>,
    out: &mut Vec<u8>,
) {
    if len > 0 {
        write_long(out, len as i64);
        for (k, v) in entries {
            write_str(out, k);
            v.encode(out);
        }
    }
    out.push(0);
}

/// Reads a map's blocks into `M`, reserving room for each block's (bounded) size first.
fn decode_map<T: Avro, M: Default>(
    r: &mut Reader<'_>,
    reserve: impl Fn(&mut M, usize),
    insert: impl Fn(&mut M, String, T),
) -> Result<M, DecodeError> {
    let mut m = M::default();
    while let Some(n) = r.read_block(1 + T::MIN_SIZE)? {
        reserve(&mut m, Reader::reserve_hint(n));
        for _ in 0..n {
            let k = r.read_str()?.to_owned();
            insert(&mut m, k, T::decode(r)?);
        }
    }
    Ok(m)
}

/// `BTreeMap<String, T>` is a `map`, written in key order.
impl<T: Avro> Avro for BTreeMap<String, T> {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        write_map_schema::<T>(w);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        encode_map(self.len(), self.iter(), out);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        decode_map(
            r,
            |_, _| {},
            |m: &mut Self, k, v| {
                m.insert(k, v);
            },
        )
    }
}

/// `HashMap<String, T>` is a `map`, written in key order so that equal maps encode to equal
/// bytes (deltas and "no write if unchanged" depend on that).
impl<T: Avro, S: BuildHasher + Default + 'static> Avro for HashMap<String, T, S> {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        write_map_schema::<T>(w);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let mut entries: Vec<(&String, &T)> = self.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        encode_map(self.len(), entries.into_iter(), out);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        decode_map(
            r,
            |m: &mut Self, n| m.reserve(n),
            |m: &mut Self, k, v| {
                m.insert(k, v);
            },
        )
    }
}

/// `SystemTime` is a `timestamp-micros` (microseconds since the Unix epoch; earlier times are
/// negative). Precision below a microsecond is truncated toward the past.
impl Avro for SystemTime {
    const MIN_SIZE: usize = 1;
    fn write_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"long","logicalType":"timestamp-micros"}"#);
    }
    fn encode(&self, out: &mut Vec<u8>) {
        write_long(out, system_time_to_micros(*self));
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let micros = r.read_long()?;
        micros_to_system_time(micros).ok_or_else(|| {
            DecodeError::InvalidValue(format!("timestamp {micros}µs is out of range"))
        })
    }
}

/// Microseconds since the Unix epoch, saturating at the range of `i64`.
pub(crate) fn system_time_to_micros(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            // Round toward the past: -0.5µs is -1µs.
            let micros = d.as_micros() + u128::from(d.subsec_nanos() % 1000 != 0);
            i64::try_from(micros).map(|m| -m).unwrap_or(i64::MIN)
        }
    }
}

pub(crate) fn micros_to_system_time(micros: i64) -> Option<SystemTime> {
    let d = Duration::from_micros(micros.unsigned_abs());
    if micros >= 0 {
        UNIX_EPOCH.checked_add(d)
    } else {
        UNIX_EPOCH.checked_sub(d)
    }
}
