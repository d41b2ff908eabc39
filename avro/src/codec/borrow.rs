//! Borrowed decoding: [`AvroBorrow`], for types whose strings and bytes point into the input
//! (`&'a str`, `&'a [u8]`, `Cow<'a, str>`, and records deriving `Avro` with a lifetime), as
//! serde's `Deserialize<'de>` does it.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};
use std::time::SystemTime;

use super::{Avro, SchemaWriter};
use crate::binary::{Reader, write_bytes, write_long, write_str};
use crate::{DecodeError, Schema};

/// A type with an Avro schema and binary codec whose decoded values may borrow from the input
/// of lifetime `'a`.
///
/// `#[derive(Avro)]` implements it for a type with one lifetime parameter, such as
/// `struct OrderRef<'a> { name: &'a str, .. }`, instead of [`Avro`]; for a type without one, it
/// implements both. The crate implements it for `&'a str` (string), `&'a [u8]` (bytes),
/// `Cow<'a, str>`, `Cow<'a, [u8]>` (decoded borrowed), for every type of the crate that
/// implements [`Avro`], and for `Option`, `Vec`, `Box`, `HashMap` and `BTreeMap` of `AvroBorrow`
/// types (map keys: `&'a str`, `Cow<'a, str>` or `String`).
///
/// A borrowed type has the same schema and encoding as its owned counterpart (`&'a str` as
/// `String`), so bytes written by either decode into either. Borrowed decoding reads data
/// written with the type's own schema; for JSON, deltas and data written with another schema,
/// use the owned type.
///
/// The items are named apart from [`Avro`]'s so that calls stay unambiguous on types that
/// implement both.
///
/// ```
/// # #[cfg(feature = "derive")] {
/// use affinity_avro::{Avro, AvroBorrow, from_slice_borrowed, to_vec};
///
/// #[derive(Avro, Debug, PartialEq)]
/// struct User { name: String, tags: Vec<String> }
///
/// #[derive(Avro, Debug, PartialEq)]
/// #[avro(name = "User")]
/// struct UserRef<'a> { name: &'a str, tags: Vec<&'a str> }
///
/// let bytes = to_vec(&User { name: "Ada".into(), tags: vec!["math".into()] });
/// let user: UserRef<'_> = from_slice_borrowed(&bytes)?;
/// assert_eq!(user, UserRef { name: "Ada", tags: vec!["math"] });
/// assert_eq!(UserRef::borrowed_schema().fingerprint(), User::fingerprint());
/// # }
/// # Ok::<(), affinity_avro::DecodeError>(())
/// ```
pub trait AvroBorrow<'a>: Sized {
    /// The fewest bytes a value encodes to (as [`Avro::MIN_SIZE`]).
    const BORROW_MIN_SIZE: usize;

    /// Appends this type's schema JSON to `w` (as [`Avro::write_schema`]).
    fn write_borrow_schema(w: &mut SchemaWriter);

    /// Appends the value's Avro binary encoding to `out` (as [`Avro::encode`]).
    fn encode_borrow(&self, out: &mut Vec<u8>);

    /// Reads one value from `r`, borrowing strings and bytes from its input.
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError>;

    /// The type's schema, built and parsed on each call (borrowed types have no `'static`
    /// identity to cache it under; keep it, or use the owned type's [`Avro::schema`]).
    ///
    /// # Panics
    /// When the type's schema JSON is invalid, as [`crate::build_schema`].
    fn borrowed_schema() -> Schema {
        super::cache::build_schema_with(Self::write_borrow_schema, std::any::type_name::<Self>())
    }
}

/// Decodes a whole value from `bytes`, borrowing from them; trailing bytes are an error.
///
/// ```
/// use affinity_avro::{from_slice_borrowed, to_vec};
/// let bytes = to_vec(&"hello".to_owned());
/// let s: &str = from_slice_borrowed(&bytes)?;
/// assert_eq!(s, "hello");
/// # Ok::<(), affinity_avro::DecodeError>(())
/// ```
pub fn from_slice_borrowed<'a, T: AvroBorrow<'a>>(bytes: &'a [u8]) -> Result<T, DecodeError> {
    let mut r = Reader::new(bytes);
    let v = T::decode_borrow(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Encodes a borrowed `value` into a new vector (as [`crate::to_vec`]).
pub fn to_vec_borrowed<'a, T: AvroBorrow<'a>>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.encode_borrow(&mut out);
    out
}

/// `AvroBorrow` by way of `Avro`, for owned types.
macro_rules! via_avro {
    ($($ty:ty),* $(,)?) => {$(
        impl<'a> $crate::AvroBorrow<'a> for $ty {
            const BORROW_MIN_SIZE: usize = <$ty as $crate::Avro>::MIN_SIZE;
            fn write_borrow_schema(w: &mut $crate::SchemaWriter) {
                <$ty as $crate::Avro>::write_schema(w);
            }
            #[inline]
            fn encode_borrow(&self, out: &mut ::std::vec::Vec<u8>) {
                <$ty as $crate::Avro>::encode(self, out);
            }
            #[inline]
            fn decode_borrow(
                r: &mut $crate::binary::Reader<'a>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                <$ty as $crate::Avro>::decode(r)
            }
        }
    )*};
}
#[cfg(any(feature = "uuid", feature = "chrono"))]
pub(crate) use via_avro;

via_avro!(
    (),
    bool,
    i8,
    i16,
    i32,
    i64,
    u16,
    u32,
    f32,
    f64,
    String,
    Vec<u8>,
    SystemTime,
    super::TimestampMillis,
    super::TimestampMicros,
);

impl<'a, const N: usize> AvroBorrow<'a> for [u8; N] {
    const BORROW_MIN_SIZE: usize = N;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        <[u8; N] as Avro>::write_schema(w);
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        r.read_array()
    }
}

/// `&'a str` is a `string` pointing into the input.
impl<'a> AvroBorrow<'a> for &'a str {
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        w.raw("\"string\"");
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        r.read_str()
    }
}

/// `&'a [u8]` is `bytes` pointing into the input.
impl<'a> AvroBorrow<'a> for &'a [u8] {
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        w.raw("\"bytes\"");
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        write_bytes(out, self);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        r.read_bytes()
    }
}

/// `Cow<'a, str>` is a `string`, decoded borrowed.
impl<'a> AvroBorrow<'a> for Cow<'a, str> {
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        w.raw("\"string\"");
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        r.read_str().map(Cow::Borrowed)
    }
}

/// `Cow<'a, [u8]>` is `bytes`, decoded borrowed.
impl<'a> AvroBorrow<'a> for Cow<'a, [u8]> {
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        w.raw("\"bytes\"");
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        write_bytes(out, self);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        r.read_bytes().map(Cow::Borrowed)
    }
}

/// `Option<T>` is `["null", T]`, as for [`Avro`].
impl<'a, T: AvroBorrow<'a>> AvroBorrow<'a> for Option<T> {
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        w.raw(r#"["null","#);
        T::write_borrow_schema(w);
        w.raw("]");
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(2);
                v.encode_borrow(out);
            }
        }
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        match r.read_union_index(2)? {
            0 => Ok(None),
            _ => T::decode_borrow(r).map(Some),
        }
    }
}

/// `Box<T>` has `T`'s schema and codec.
impl<'a, T: AvroBorrow<'a>> AvroBorrow<'a> for Box<T> {
    const BORROW_MIN_SIZE: usize = T::BORROW_MIN_SIZE;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        T::write_borrow_schema(w);
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        (**self).encode_borrow(out);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        T::decode_borrow(r).map(Box::new)
    }
}

/// `Vec<T>` is an `array`, as for [`Avro`].
impl<'a, T: AvroBorrow<'a>> AvroBorrow<'a> for Vec<T> {
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        w.raw(r#"{"type":"array","items":"#);
        T::write_borrow_schema(w);
        w.raw("}");
    }
    #[inline]
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        if !self.is_empty() {
            write_long(out, self.len() as i64);
            for v in self {
                v.encode_borrow(out);
            }
        }
        out.push(0);
    }
    #[inline]
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let mut out = Vec::new();
        while let Some(n) = r.read_block(T::BORROW_MIN_SIZE)? {
            out.reserve(Reader::reserve_hint(n));
            for _ in 0..n {
                out.push(T::decode_borrow(r)?);
            }
        }
        Ok(out)
    }
}

/// A map key of a borrowed map: `&'a str`, `Cow<'a, str>` or `String` (Avro map keys are
/// strings).
pub trait AvroMapKey<'a>: AvroBorrow<'a> + AsRef<str> + sealed::Sealed {}
impl<'a> AvroMapKey<'a> for &'a str {}
impl<'a> AvroMapKey<'a> for Cow<'a, str> {}
impl AvroMapKey<'_> for String {}

mod sealed {
    use std::borrow::Cow;
    pub trait Sealed {}
    impl Sealed for &str {}
    impl Sealed for Cow<'_, str> {}
    impl Sealed for String {}
}

fn write_map_schema<'a, V: AvroBorrow<'a>>(w: &mut SchemaWriter) {
    w.raw(r#"{"type":"map","values":"#);
    V::write_borrow_schema(w);
    w.raw("}");
}

/// Writes map entries in key order, as the owned maps do, so equal maps give equal bytes.
fn encode_map<'a, 'k, K, V>(mut entries: Vec<(&'k K, &'k V)>, out: &mut Vec<u8>)
where
    K: AvroMapKey<'a> + 'k,
    V: AvroBorrow<'a> + 'k,
{
    if !entries.is_empty() {
        entries.sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        write_long(out, entries.len() as i64);
        for (k, v) in entries {
            write_str(out, k.as_ref());
            v.encode_borrow(out);
        }
    }
    out.push(0);
}

/// Reads a map's blocks, reserving room for each block's (bounded) size first.
fn decode_map<'a, K: AvroMapKey<'a>, V: AvroBorrow<'a>, M>(
    r: &mut Reader<'a>,
    m: &mut M,
    reserve: impl Fn(&mut M, usize),
    insert: impl Fn(&mut M, K, V),
) -> Result<(), DecodeError> {
    while let Some(n) = r.read_block(1 + V::BORROW_MIN_SIZE)? {
        reserve(m, Reader::reserve_hint(n));
        for _ in 0..n {
            let k = K::decode_borrow(r)?;
            insert(m, k, V::decode_borrow(r)?);
        }
    }
    Ok(())
}

/// `HashMap<K, V>` is a `map`, written in key order.
impl<'a, K, V, S> AvroBorrow<'a> for HashMap<K, V, S>
where
    K: AvroMapKey<'a> + Eq + Hash,
    V: AvroBorrow<'a>,
    S: BuildHasher + Default,
{
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        write_map_schema::<V>(w);
    }
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        encode_map(self.iter().collect(), out);
    }
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let mut m = HashMap::default();
        decode_map(
            r,
            &mut m,
            |m: &mut Self, n| m.reserve(n),
            |m: &mut Self, k, v| {
                m.insert(k, v);
            },
        )?;
        Ok(m)
    }
}

/// `BTreeMap<K, V>` is a `map`, written in key order.
impl<'a, K, V> AvroBorrow<'a> for BTreeMap<K, V>
where
    K: AvroMapKey<'a> + Ord,
    V: AvroBorrow<'a>,
{
    const BORROW_MIN_SIZE: usize = 1;
    fn write_borrow_schema(w: &mut SchemaWriter) {
        write_map_schema::<V>(w);
    }
    fn encode_borrow(&self, out: &mut Vec<u8>) {
        encode_map(self.iter().collect(), out);
    }
    fn decode_borrow(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let mut m = BTreeMap::new();
        decode_map(
            r,
            &mut m,
            |_, _| {},
            |m: &mut Self, k, v| {
                m.insert(k, v);
            },
        )?;
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{from_slice, to_vec};

    #[test]
    fn borrowed_leaves_point_into_the_input() {
        let bytes = to_vec(&"héllo".to_owned());
        let s: &str = from_slice_borrowed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s, "héllo");
        assert!(std::ptr::eq(s.as_bytes(), &bytes[1..]));
        let c: Cow<'_, str> = from_slice_borrowed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(c, Cow::Borrowed("héllo")));
        let raw = to_vec(&vec![1u8, 2, 3]);
        let b: &[u8] = from_slice_borrowed(&raw).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b, [1, 2, 3]);
    }

    #[test]
    fn borrowed_containers_match_the_owned_encoding() {
        let owned: HashMap<String, Vec<Option<String>>> = [
            ("b".to_owned(), vec![Some("x".to_owned()), None]),
            ("a".to_owned(), vec![]),
        ]
        .into_iter()
        .collect();
        let bytes = to_vec(&owned);
        let borrowed: BTreeMap<&str, Vec<Option<Cow<'_, str>>>> =
            from_slice_borrowed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(to_vec_borrowed(&borrowed), bytes);
        let hashed: HashMap<&str, Vec<Option<&str>>> =
            from_slice_borrowed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(to_vec_borrowed(&hashed), bytes);
        assert_eq!(
            HashMap::<&str, Vec<Option<&str>>>::borrowed_schema().fingerprint(),
            HashMap::<String, Vec<Option<String>>>::fingerprint()
        );
        assert_eq!(
            from_slice::<HashMap<String, Vec<Option<String>>>>(&bytes),
            Ok(owned)
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        // A string of length 3 with one byte present; invalid UTF-8; a huge block count.
        assert!(from_slice_borrowed::<&str>(&[6, b'a']).is_err());
        assert_eq!(
            from_slice_borrowed::<&str>(&[2, 0xff]),
            Err(DecodeError::InvalidUtf8(0))
        );
        let mut huge = Vec::new();
        write_long(&mut huge, 1 << 62);
        assert!(from_slice_borrowed::<Vec<&str>>(&huge).is_err());
        assert!(from_slice_borrowed::<HashMap<&str, ()>>(&huge).is_err());
    }
}
