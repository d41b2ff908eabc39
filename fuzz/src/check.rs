//! What every decoder promises on any input, as assertions: shared by the fuzz targets and
//! `avro/tests/arbitrary_bytes.rs` (which includes this file by path).
//!
//! A decoder may reject anything, but must not panic, and what it accepts must survive a round
//! trip. The re-encoding is not always the input byte for byte: Avro admits several encodings
//! of one value (an array split into blocks, a block with its byte size, an overlong varint,
//! and for typed decoders map keys in any order or repeated, an upper-case UUID, a sign-extended
//! decimal; a delta may mark unchanged fields), and encoders write the one canonical form. So
//! the checks are: the canonical form is never longer than the input, decodes to the same
//! value, and re-encodes to itself.

use std::fmt::Debug;

use affinity_avro::binary::Reader;
use affinity_avro::delta::{
    apply_delta, apply_value_delta, apply_value_delta_in_place, delta, value_delta,
};
use affinity_avro::json::{value_from_json_str, value_to_json_string};
use affinity_avro::schema::Logical;
use affinity_avro::{
    Avro, Resolver, Schema, Value, decode_value, encode_value, from_slice, skip_value, to_vec,
};

/// Encodes `value` as `schema`, which must succeed for a value a decoder produced.
pub fn encode(schema: &Schema, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    if let Err(e) = encode_value(schema, value, &mut out) {
        unreachable!("a decoded value does not encode: {e}\nvalue: {value:?}\nschema: {schema}");
    }
    out
}

/// Decodes `bytes` as `schema` with [`decode_value`]; checks that [`skip_value`] and the
/// identity resolution (`identity`, from `schema` to itself) accept exactly the same inputs and,
/// on success, that the value round-trips through binary and through JSON. Returns the value.
pub fn dynamic(schema: &Schema, identity: &Resolver, bytes: &[u8]) -> Option<Value> {
    let decoded = decode_value(schema, bytes);
    let mut r = Reader::new(bytes);
    let skipped = skip_value(schema, schema.root(), &mut r).and_then(|()| r.finish());
    assert_eq!(
        decoded.as_ref().err(),
        skipped.as_ref().err(),
        "decode_value and skip_value disagree on {bytes:02x?}"
    );
    let resolved = identity.decode(bytes);
    assert_eq!(
        decoded.is_ok(),
        resolved.is_ok(),
        "decode_value and the identity resolver disagree on {bytes:02x?}: {resolved:?}"
    );
    let value = decoded.ok()?;
    if let Ok(r) = resolved {
        assert!(
            r.same_encoding(&value),
            "resolved as {r:?}, decoded as {value:?}"
        );
    }
    let canonical = encode(schema, &value);
    assert!(
        canonical.len() <= bytes.len(),
        "the canonical encoding is longer than the input {bytes:02x?}"
    );
    let again = match decode_value(schema, &canonical) {
        Ok(v) => v,
        Err(e) => unreachable!("the re-encoding {canonical:02x?} does not decode: {e}"),
    };
    assert!(
        again.same_encoding(&value),
        "{value:?} re-decodes as {again:?}"
    );
    if json_comparable(&value) {
        json_round_trip(schema, &value);
    }
    Some(value)
}

/// How deeply JSON may nest for [`json_round_trip`]: `serde_json` reads at most 128 levels,
/// and the JSON encoder recurses with a large frame per level in debug builds (255 levels
/// overflow a 2 MB test thread), while binary values may nest 256 records deep.
const JSON_DEPTH: usize = 64;

/// The most values [`json_round_trip`] writes, to keep each input fast: a few bytes of binary
/// can hold a million empty records.
const JSON_VALUES: usize = 10_000;

/// Whether `value`'s JSON can be compared with it: no map has a key twice (binary allows it; a
/// JSON object cannot keep both), it nests at most [`JSON_DEPTH`] levels and holds at most
/// [`JSON_VALUES`] values.
fn json_comparable(value: &Value) -> bool {
    let mut count = 0;
    shape(value, 0, &mut count)
}

/// Counts the values in `v` into `count`; false if that passes [`JSON_VALUES`], if `v` nests
/// deeper than [`JSON_DEPTH`] below `depth`, or if a map in it has a repeated key.
fn shape(v: &Value, depth: usize, count: &mut usize) -> bool {
    *count += 1;
    if depth > JSON_DEPTH || *count > JSON_VALUES {
        return false;
    }
    match v {
        Value::Array(items) | Value::Record(items) => {
            items.iter().all(|v| shape(v, depth + 1, count))
        }
        Value::Map(entries) => {
            let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.windows(2).all(|w| w[0] != w[1])
                && entries.iter().all(|(_, v)| shape(v, depth + 1, count))
        }
        Value::Union(_, v) => shape(v, depth + 1, count),
        _ => true,
    }
}

/// `value` written as JSON reads back as the same value.
fn json_round_trip(schema: &Schema, value: &Value) {
    let text = match value_to_json_string(schema, value) {
        Ok(t) => t,
        Err(e) => unreachable!("{value:?} has no JSON form: {e}"),
    };
    match value_from_json_str(schema, &text) {
        Ok(back) if same_in_json(&back, value) => {}
        // A decimal's bytes are normalised to the shortest form (an empty or sign-extended
        // byte string reads back minimal), so only the JSON text must be stable.
        Ok(back) if has_decimal(schema) => match value_to_json_string(schema, &back) {
            Ok(again) => assert_eq!(again, text, "{value:?} → {text} → {back:?}"),
            Err(e) => unreachable!("{back:?} has no JSON form: {e}"),
        },
        Ok(back) => unreachable!("{value:?} → {text} → {back:?}"),
        // Binary decoding does not check a decimal's precision and the JSON writer writes any
        // decimal, but the JSON reader rejects more digits than the precision.
        Err(_) if has_decimal(schema) => {}
        Err(e) => unreachable!("{value:?} → {text}, which does not read back: {e}"),
    }
}

/// [`Value::same_encoding`], except that all NaNs are equal: JSON writes any NaN as `"NaN"`,
/// which reads back as the canonical one.
fn same_in_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) if x.is_nan() && y.is_nan() => true,
        (Value::Double(x), Value::Double(y)) if x.is_nan() && y.is_nan() => true,
        (Value::Array(a), Value::Array(b)) | (Value::Record(a), Value::Record(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_in_json(x, y))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_in_json(va, vb))
        }
        (Value::Union(i, a), Value::Union(j, b)) => i == j && same_in_json(a, b),
        (a, b) => a.same_encoding(b),
    }
}

fn has_decimal(schema: &Schema) -> bool {
    schema
        .nodes()
        .iter()
        .any(|n| matches!(n.logical, Some(Logical::Decimal { .. })))
}

/// Reads `bytes` through `resolver`. The corpus' resolutions are total — every writer value
/// has a reader value — so it must accept exactly what [`decode_value`] accepts with the
/// writer schema, and give a value of the reader schema. Returns the value.
pub fn resolved(resolver: &Resolver, bytes: &[u8]) -> Option<Value> {
    let written = decode_value(resolver.writer(), bytes);
    let read = resolver.decode(bytes);
    assert_eq!(
        written.is_ok(),
        read.is_ok(),
        "the writer decodes {bytes:02x?} as {written:?}, the resolver as {read:?}"
    );
    let value = read.ok()?;
    encode(resolver.reader(), &value);
    Some(value)
}

/// Applies `delta` to `base` (a value of `schema`) with [`apply_value_delta`] and in place;
/// checks that both agree, that a rejected delta leaves the value untouched, and that the
/// result is a valid value whose canonical delta from `base` (never longer) gives it back.
/// Returns the new value.
pub fn dynamic_delta(schema: &Schema, base: &Value, delta: &[u8]) -> Option<Value> {
    let applied = apply_value_delta(schema, base, delta);
    let mut in_place = base.clone();
    let in_place_result = apply_value_delta_in_place(schema, &mut in_place, delta);
    assert_eq!(
        applied.as_ref().err(),
        in_place_result.as_ref().err(),
        "apply_value_delta and apply_value_delta_in_place disagree on {delta:02x?}"
    );
    let new = match applied {
        Ok(v) => v,
        Err(_) => {
            assert!(
                in_place.same_encoding(base),
                "a rejected delta changed the value"
            );
            return None;
        }
    };
    assert!(
        in_place.same_encoding(&new),
        "in place gave {in_place:?}, not {new:?}"
    );
    encode(schema, &new);
    let canonical = match value_delta(schema, base, &new) {
        Ok(d) => d,
        Err(e) => unreachable!("no delta from the base to {new:?}: {e}"),
    };
    assert!(
        canonical.len() <= delta.len(),
        "the canonical delta {canonical:02x?} is longer than {delta:02x?}"
    );
    match apply_value_delta(schema, base, &canonical) {
        Ok(again) => assert!(
            again.same_encoding(&new),
            "{canonical:02x?} gives {again:?}"
        ),
        Err(e) => unreachable!("the canonical delta {canonical:02x?} does not apply: {e}"),
    }
    Some(new)
}

/// How closely a typed decoder agrees with the dynamic one for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The typed decoder accepts a subset of what the dynamic one accepts, and both re-encode an
    /// accepted input identically (and write identical deltas).
    Exact,
    /// The typed decoder accepts a subset, but normalises more (maps keyed by Rust maps,
    /// UUID case, decimal sign extension), so its re-encoding may differ.
    Subset,
}

/// Decodes `bytes` with `from_slice::<T>`; on success checks the round trip (`same` compares two
/// values of `T`) and agreement with [`decode_value`] on `T`'s schema. Returns the value.
pub fn typed<T: Avro + Debug>(
    bytes: &[u8],
    same: impl Fn(&T, &T) -> bool,
    agreement: Agreement,
) -> Option<T> {
    let decoded = from_slice::<T>(bytes);
    let dynamic = decode_value(T::schema(), bytes);
    let value = decoded.ok()?;
    let dynamic = match dynamic {
        Ok(v) => v,
        Err(e) => {
            unreachable!("from_slice accepted {value:?} but decode_value rejects {bytes:02x?}: {e}")
        }
    };
    let canonical = to_vec(&value);
    assert!(
        canonical.len() <= bytes.len(),
        "the canonical encoding of {value:?} is longer than the input {bytes:02x?}"
    );
    let again = match from_slice::<T>(&canonical) {
        Ok(v) => v,
        Err(e) => unreachable!("to_vec gave {canonical:02x?}, which does not decode: {e}"),
    };
    assert!(same(&value, &again), "{value:?} round-trips as {again:?}");
    assert_eq!(to_vec(&again), canonical, "encoding is not stable");
    if agreement == Agreement::Exact {
        assert_eq!(
            encode(T::schema(), &dynamic),
            canonical,
            "typed and dynamic codecs differ on {value:?}"
        );
    }
    Some(value)
}

/// Applies `delta` to `base` with the typed [`apply_delta`]; checks agreement with
/// [`apply_value_delta`] (which must accept whatever the typed applier accepts, with the same
/// result and the same canonical delta for [`Agreement::Exact`] types) and that the canonical
/// typed delta gives the new value back. Returns the new value.
pub fn typed_delta<T: Avro + Clone + Debug>(
    base: &T,
    delta_bytes: &[u8],
    same: impl Fn(&T, &T) -> bool,
    agreement: Agreement,
) -> Option<T> {
    let schema = T::schema();
    let base_value = match decode_value(schema, &to_vec(base)) {
        Ok(v) => v,
        Err(e) => unreachable!("{base:?} does not decode dynamically: {e}"),
    };
    let typed = apply_delta(base, delta_bytes);
    let dynamic = apply_value_delta(schema, &base_value, delta_bytes);
    let new = typed.ok()?;
    let dynamic = match dynamic {
        Ok(v) => v,
        Err(e) => unreachable!(
            "apply_delta accepted {delta_bytes:02x?} but apply_value_delta rejects it: {e}"
        ),
    };
    let canonical = delta(base, &new);
    if agreement == Agreement::Exact {
        assert_eq!(
            to_vec(&new),
            encode(schema, &dynamic),
            "typed and dynamic deltas differ"
        );
        let dynamic_delta = match value_delta(schema, &base_value, &dynamic) {
            Ok(d) => d,
            Err(e) => unreachable!("no delta from the base to {dynamic:?}: {e}"),
        };
        assert_eq!(
            canonical, dynamic_delta,
            "typed and dynamic delta writers differ"
        );
    }
    match apply_delta(base, &canonical) {
        Ok(again) => assert!(
            same(&again, &new),
            "{canonical:02x?} gives {again:?}, not {new:?}"
        ),
        Err(e) => unreachable!("the canonical delta {canonical:02x?} does not apply: {e}"),
    }
    Some(new)
}

/// Reads `text` as JSON for `schema` with [`value_from_json_str`]; on success checks that the
/// value encodes to binary and that its JSON reads back as the same value. Returns the value.
pub fn json(schema: &Schema, text: &str) -> Option<Value> {
    let value = value_from_json_str(schema, text).ok()?;
    encode(schema, &value);
    if json_comparable(&value) {
        json_round_trip(schema, &value);
    }
    Some(value)
}
