//! The delta codec: the format byte for byte, apply ∘ delta = identity, size, malformed deltas,
//! and the typed entry points against the dynamic ones.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use affinity_avro::binary::{MAX_DEPTH, write_long};
use affinity_avro::delta::{
    apply_delta, apply_value_delta, apply_value_delta_in_place, delta, delta_into, value_delta,
    value_delta_into,
};
use affinity_avro::{
    Avro, DecodeError, EncodeError, Schema, Value, decode_value, encode_value, to_vec,
};
use proptest::prelude::*;
use support::arbitrary::{arb_value, arb_value_pair};

fn schema(json: &str) -> Schema {
    Schema::parse(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn u(i: u32, v: Value) -> Value {
    Value::Union(i, Box::new(v))
}

fn rec(fields: Vec<Value>) -> Value {
    Value::Record(fields)
}

/// Eleven fields (a 2-byte bitmap), nested records two deep, a union, an array, an enum and a
/// union holding a record (replaced whole).
const BIG: &str = r#"{"type":"record","name":"Big","namespace":"ex","fields":[
    {"name":"id","type":"long"},
    {"name":"name","type":"string"},
    {"name":"pos","type":{"type":"record","name":"Pos","fields":[
        {"name":"x","type":"int"},{"name":"y","type":"int"}]}},
    {"name":"tags","type":{"type":"array","items":"string"}},
    {"name":"note","type":["null","string"]},
    {"name":"a","type":"int"},
    {"name":"b","type":"boolean"},
    {"name":"c","type":"double"},
    {"name":"inner","type":{"type":"record","name":"Inner","fields":[
        {"name":"deep","type":{"type":"record","name":"Deep","fields":[{"name":"v","type":"long"}]}},
        {"name":"w","type":"string"}]}},
    {"name":"last","type":{"type":"enum","name":"E","symbols":["A","B"]}},
    {"name":"shape","type":["null",{"type":"record","name":"Circle","fields":[{"name":"r","type":"int"}]}]}]}"#;

#[allow(clippy::too_many_arguments)]
fn big(y: i32, tags: &[&str], note: Option<&str>, v: i64, last: u32, r: Option<i32>) -> Value {
    rec(vec![
        Value::Long(1),
        s("a"),
        rec(vec![Value::Int(1), Value::Int(y)]),
        Value::Array(tags.iter().map(|t| s(t)).collect()),
        match note {
            None => u(0, Value::Null),
            Some(n) => u(1, s(n)),
        },
        Value::Int(5),
        Value::Boolean(false),
        Value::Double(1.0),
        rec(vec![rec(vec![Value::Long(v)]), s("w")]),
        Value::Enum(last),
        match r {
            None => u(0, Value::Null),
            Some(r) => u(1, rec(vec![Value::Int(r)])),
        },
    ])
}

#[test]
fn the_format_byte_for_byte() {
    let sc = schema(BIG);
    let old = big(2, &[], None, 7, 0, None);
    let new = big(3, &["t"], Some("n"), 8, 1, Some(2));
    let d = value_delta(&sc, &old, &new).unwrap();
    #[rustfmt::skip]
    let expected = [
        0x1c, 0x07,             // bitmap: fields 2, 3, 4 | 8, 9, 10
        0x02, 0x06,             // pos: nested bitmap (y), y = 3
        0x02, 0x02, 0x74, 0x00, // tags: ["t"]
        0x02, 0x02, 0x6e,       // note: branch 1, "n"
        0x01,                   // inner: nested bitmap (deep)
        0x01, 0x10,             //   deep: nested bitmap (v), v = 8
        0x02,                   // last: symbol 1
        0x02, 0x04,             // shape: branch 1, Circle { r: 2 } in full
    ];
    assert_eq!(d, expected);
    assert_eq!(apply_value_delta(&sc, &old, &d), Ok(new.clone()));

    // Only field 9 changed: the second bitmap byte alone says so.
    let d = value_delta(&sc, &old, &big(2, &[], None, 7, 1, None)).unwrap();
    assert_eq!(d, [0x00, 0x02, 0x02]);
    // Nothing changed: an all-zero bitmap.
    assert_eq!(value_delta(&sc, &old, &old).unwrap(), [0, 0]);
    // A change inside a union holding a record replaces the union whole.
    let d = value_delta(&sc, &new, &big(3, &["t"], Some("n"), 8, 1, Some(3))).unwrap();
    assert_eq!(d, [0x00, 0x04, 0x02, 0x06]);

    // `_into` appends.
    let mut out = vec![0xaa];
    value_delta_into(&sc, &old, &new, &mut out).unwrap();
    assert_eq!(out.len(), 1 + expected.len());
    assert_eq!(out[1..], expected);
}

#[test]
fn non_records_are_replaced_whole() {
    let sc = schema(r#"{"type":"array","items":"long"}"#);
    let old = Value::Array(vec![Value::Long(1)]);
    let new = Value::Array(vec![Value::Long(1), Value::Long(2)]);
    assert_eq!(value_delta(&sc, &old, &new).unwrap(), [4, 2, 4, 0]);
    assert_eq!(value_delta(&sc, &old, &old).unwrap(), [2, 2, 0]);
    let d = value_delta(&sc, &old, &new).unwrap();
    assert_eq!(apply_value_delta(&sc, &old, &d), Ok(new));
}

#[test]
fn floats_compare_by_bits() {
    let sc = schema(r#"{"type":"record","name":"F","fields":[{"name":"f","type":"double"}]}"#);
    let v = |f: f64| rec(vec![Value::Double(f)]);
    assert_eq!(value_delta(&sc, &v(f64::NAN), &v(f64::NAN)).unwrap(), [0]);
    assert_eq!(value_delta(&sc, &v(0.0), &v(-0.0)).unwrap().len(), 9);
}

#[test]
fn values_that_do_not_match_are_errors_and_write_nothing() {
    let sc = schema(BIG);
    let old = big(2, &[], None, 7, 0, None);
    let mut bad = big(2, &[], None, 7, 0, None);
    if let Value::Record(f) = &mut bad {
        f[8] = rec(vec![rec(vec![Value::Int(8)]), s("w")]);
    }
    let mut out = vec![9];
    let err = value_delta_into(&sc, &old, &bad, &mut out).unwrap_err();
    assert_eq!(
        err,
        EncodeError::Mismatch {
            path: "inner.deep.v".into(),
            expected: "long".into()
        }
    );
    assert_eq!(out, [9]);
    assert!(value_delta(&sc, &old, &Value::Null).is_err());
}

#[test]
fn a_one_field_change_is_small() {
    let fields: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"name":"f{i}","type":"string"}}"#))
        .collect();
    let sc = schema(&format!(
        r#"{{"type":"record","name":"Wide","fields":[{}]}}"#,
        fields.join(",")
    ));
    let old = rec((0..20).map(|i| s(&format!("value number {i}"))).collect());
    let mut new = old.clone();
    if let Value::Record(f) = &mut new {
        f[13] = s("value number 99");
    }
    let mut full = Vec::new();
    encode_value(&sc, &new, &mut full).unwrap();
    let d = value_delta(&sc, &old, &new).unwrap();
    assert!(
        d.len() * 4 < full.len(),
        "delta {} bytes, value {} bytes",
        d.len(),
        full.len()
    );
    assert_eq!(d.len(), 3 + 16);
    assert_eq!(apply_value_delta(&sc, &old, &d), Ok(new));
}

/// Applies `delta` both ways and checks it fails with `expected` and changes nothing.
#[track_caller]
fn rejected(sc: &Schema, old: &Value, delta: &[u8], expected: DecodeError) {
    assert_eq!(apply_value_delta(sc, old, delta), Err(expected.clone()));
    let mut v = old.clone();
    assert_eq!(apply_value_delta_in_place(sc, &mut v, delta), Err(expected));
    assert_eq!(&v, old, "the value changed on error");
}

#[test]
fn malformed_deltas_are_errors_and_change_nothing() {
    let sc = schema(BIG);
    let old = big(2, &[], None, 7, 0, None);
    let new = big(3, &["t"], Some("n"), 8, 1, Some(2));
    let good = value_delta(&sc, &old, &new).unwrap();

    // Bits beyond the 11 fields, at the top and nested.
    rejected(
        &sc,
        &old,
        &[0x00, 0x08],
        DecodeError::InvalidDelta("bit 11 is set but the record ex.Big has 11 fields".into()),
    );
    rejected(
        &sc,
        &old,
        &[0x04, 0x00, 0x04],
        DecodeError::InvalidDelta("bit 2 is set but the record ex.Pos has 2 fields".into()),
    );
    // Every truncation fails, none applies half the change.
    for cut in 0..good.len() {
        let mut v = old.clone();
        assert!(
            apply_value_delta_in_place(&sc, &mut v, &good[..cut]).is_err(),
            "{cut}"
        );
        assert_eq!(v, old);
    }
    // Trailing bytes.
    let mut long = good.clone();
    long.push(0);
    rejected(&sc, &old, &long, DecodeError::TrailingBytes(1));
    // A string length of 2^60 where field 1 is.
    let mut huge = vec![0x02, 0x00];
    write_long(&mut huge, 1 << 60);
    huge.extend_from_slice(b"abc");
    rejected(
        &sc,
        &old,
        &huge,
        DecodeError::LengthOutOfRange {
            len: 1 << 60,
            pos: 2,
            remaining: 3,
        },
    );
    // An array block count beyond the input (tags, field 3).
    let mut many = vec![0x08, 0x00];
    write_long(&mut many, 1 << 40);
    assert!(matches!(
        apply_value_delta(&sc, &old, &many),
        Err(DecodeError::LengthOutOfRange { .. })
    ));
    // An old value that is not of the schema.
    assert!(apply_value_delta(&sc, &Value::Null, &good).is_err());
}

#[test]
fn nesting_is_bounded() {
    let sc = schema(
        r#"{"type":"record","name":"T","fields":[{"name":"kids","type":{"type":"array","items":"T"}}]}"#,
    );
    let old = rec(vec![Value::Array(vec![])]);
    // kids changed: an array of one T, whose kids are an array of one T, … deeper than allowed.
    let mut d = vec![0x01];
    d.extend(std::iter::repeat_n(0x02, MAX_DEPTH + 1));
    d.extend(std::iter::repeat_n(0x00, MAX_DEPTH + 2));
    rejected(&sc, &old, &d, DecodeError::TooDeep(MAX_DEPTH));
}

const SCHEMAS: &[&str] = &[
    BIG,
    r#"{"type":"record","name":"Node","fields":[
        {"name":"value","type":"long"},
        {"name":"children","type":{"type":"array","items":"Node"}},
        {"name":"meta","type":{"type":"record","name":"Meta","fields":[
            {"name":"f","type":"float"},{"name":"m","type":{"type":"map","values":"Node"}},
            {"name":"e","type":{"type":"record","name":"Empty","fields":[]}}]}},
        {"name":"next","type":["null","Node"]}]}"#,
    r#"{"type":"record","name":"L","fields":[
        {"name":"u","type":{"type":"string","logicalType":"uuid"}},
        {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":4}},
        {"name":"fx","type":{"type":"fixed","name":"Fx","size":3}},
        {"name":"bs","type":"bytes"}]}"#,
    r#"["null","int",{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}]"#,
    r#"{"type":"record","name":"Nothing","fields":[]}"#,
];

fn arb_schema_and_pair() -> impl Strategy<Value = (usize, (Value, Value))> {
    (0..SCHEMAS.len()).prop_flat_map(|i| (Just(i), arb_value_pair(&schema(SCHEMAS[i]))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn applying_a_delta_gives_the_new_value((i, (old, new)) in arb_schema_and_pair()) {
        let sc = schema(SCHEMAS[i]);
        let d = value_delta(&sc, &old, &new).unwrap();
        let applied = apply_value_delta(&sc, &old, &d).unwrap();
        prop_assert!(applied.same_encoding(&new), "{applied:?} != {new:?}");
        let mut in_place = old.clone();
        apply_value_delta_in_place(&sc, &mut in_place, &d).unwrap();
        prop_assert!(in_place.same_encoding(&new));
        // Never larger than the value itself plus its bitmaps (at most one byte per 8 fields).
        let mut full = Vec::new();
        encode_value(&sc, &new, &mut full).unwrap();
        prop_assert!(d.len() <= full.len() + 16, "{} > {}", d.len(), full.len());
    }

    #[test]
    fn arbitrary_bytes_never_panic_nor_change_the_value(
        (i, old) in (0..SCHEMAS.len()).prop_flat_map(|i| (Just(i), arb_value(&schema(SCHEMAS[i])))),
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let sc = schema(SCHEMAS[i]);
        let mut v = old.clone();
        let result = apply_value_delta_in_place(&sc, &mut v, &bytes);
        prop_assert_eq!(result.is_ok(), apply_value_delta(&sc, &old, &bytes).is_ok());
        if result.is_err() {
            prop_assert!(v.same_encoding(&old));
        }
    }

    #[test]
    fn typed_deltas_of_library_types_match_the_dynamic_ones(
        a in prop::collection::vec(any::<i64>(), 0..4),
        b in prop::collection::vec(any::<i64>(), 0..4),
        x in prop::option::of(".{0,4}"),
        y in prop::option::of(".{0,4}"),
    ) {
        check_typed(&a, &b)?;
        check_typed(&x, &y)?;
    }
}

/// `delta::<T>` writes exactly what `value_delta` writes for the same values, and both apply
/// to the same result.
fn check_typed<T: Avro + Clone + PartialEq + std::fmt::Debug>(
    a: &T,
    b: &T,
) -> Result<(), TestCaseError> {
    let sc = T::schema();
    let value_of = |t: &T| decode_value(sc, &to_vec(t)).unwrap();
    let typed = delta(a, b);
    let dynamic = value_delta(sc, &value_of(a), &value_of(b)).unwrap();
    prop_assert_eq!(&typed, &dynamic);
    let mut appended = vec![1];
    delta_into(a, b, &mut appended);
    prop_assert_eq!(&appended[1..], &typed[..]);
    let applied = apply_delta(a, &typed).unwrap();
    prop_assert_eq!(to_vec(&applied), to_vec(b));
    let applied_dynamic = apply_value_delta(sc, &value_of(a), &dynamic).unwrap();
    prop_assert!(applied_dynamic.same_encoding(&value_of(b)));
    // Trailing bytes are refused by the typed entry point too.
    let mut long = typed.clone();
    long.push(0);
    prop_assert_eq!(apply_delta(a, &long), Err(DecodeError::TrailingBytes(1)));
    Ok(())
}

#[cfg(feature = "derive")]
mod derived {
    //! Types with `#[derive(Avro)]`: their generated deltas against the dynamic codec.

    use super::*;
    use std::collections::BTreeMap;

    #[derive(Avro, Clone, Debug, PartialEq)]
    struct Point {
        x: i32,
        y: i32,
    }

    #[derive(Avro, Clone, Debug, PartialEq)]
    struct Meta {
        at: Point,
        weight: f64,
        label: Option<String>,
    }

    #[derive(Avro, Clone, Debug, PartialEq)]
    struct Wide {
        id: i64,
        name: String,
        pos: Point,
        tags: Vec<String>,
        note: Option<String>,
        flag: bool,
        ratio: f32,
        meta: Meta,
        counts: BTreeMap<String, i64>,
        blob: Vec<u8>,
        boxed: Box<Point>,
        maybe: Option<Point>,
    }

    /// A `T` from a random value of its schema.
    fn arb_typed<T: Avro + Clone + std::fmt::Debug>() -> BoxedStrategy<(T, T)> {
        arb_value_pair(T::schema())
            .prop_map(|(a, b)| {
                let bytes = |v: &Value| {
                    let mut out = Vec::new();
                    encode_value(T::schema(), v, &mut out).unwrap();
                    out
                };
                let a = affinity_avro::from_slice::<T>(&bytes(&a)).unwrap();
                let b = affinity_avro::from_slice::<T>(&bytes(&b)).unwrap();
                (a, b)
            })
            .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn derived_deltas_match_the_dynamic_ones((a, b) in arb_typed::<Wide>()) {
            check_typed(&a, &b)?;
            check_typed(&a.meta, &b.meta)?;
        }

        #[test]
        fn derived_and_dynamic_apply_reject_the_same_bytes(
            (a, _) in arb_typed::<Wide>(),
            bytes in prop::collection::vec(any::<u8>(), 0..48),
        ) {
            let typed = apply_delta(&a, &bytes).map(|t| to_vec(&t));
            let value = decode_value(Wide::schema(), &to_vec(&a)).unwrap();
            let dynamic = apply_value_delta(Wide::schema(), &value, &bytes).map(|v| {
                let mut out = Vec::new();
                encode_value(Wide::schema(), &v, &mut out).unwrap();
                out
            });
            prop_assert_eq!(typed.is_ok(), dynamic.is_ok(), "{:?} vs {:?}", typed, dynamic);
            if let (Ok(t), Ok(d)) = (typed, dynamic) {
                prop_assert_eq!(t, d);
            }
        }
    }

    #[test]
    fn a_hand_checked_derived_delta() {
        let p = |y| Point { x: 1, y };
        let old = Meta {
            at: p(2),
            weight: 1.0,
            label: None,
        };
        let new = Meta {
            at: p(3),
            weight: 1.0,
            label: Some("n".into()),
        };
        // Bitmap: at (0) and label (2); at's nested bitmap: y; y = 3; label: branch 1, "n".
        assert_eq!(delta(&old, &new), [0b101, 0b10, 0x06, 0x02, 0x02, b'n']);
        assert_eq!(apply_delta(&old, &delta(&old, &new)), Ok(new));
        // A nested bitmap of zeros is never written, but both sides accept it as "no change".
        let value = decode_value(Meta::schema(), &to_vec(&old)).unwrap();
        assert_eq!(apply_delta(&old, &[0b1, 0]), Ok(old.clone()));
        assert_eq!(
            apply_value_delta(Meta::schema(), &value, &[0b1, 0]),
            Ok(value)
        );
    }
}
