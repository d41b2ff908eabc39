//! Deltas of derived types: the generated `write_delta`/`apply_delta` against the format of
//! `affinity_avro::delta`, byte for byte the same as the dynamic `value_delta`.

mod derive_support;

use affinity_avro::delta::{apply_value_delta, delta, value_delta};
use affinity_avro::{Avro, DecodeError, apply_delta, decode_value, to_vec};
use proptest::prelude::*;

#[derive(Avro, Debug, Clone, PartialEq, Default)]
#[avro(namespace = "test.delta")]
struct Wide {
    f0: i64,
    f1: i64,
    f2: String,
    f3: bool,
    f4: f64,
    f5: i32,
    f6: Option<String>,
    f7: Vec<i64>,
    f8: i64,
    f9: i64,
    f10: String,
    f11: i64,
    f12: i64,
    f13: i64,
    f14: Vec<u8>,
    f15: i64,
    f16: i64,
    f17: i64,
    f18: i64,
    f19: String,
}

/// The generated delta, checked against the dynamic one for the same values.
fn checked_delta<T: Avro>(old: &T, new: &T) -> Vec<u8> {
    let d = delta(old, new);
    let schema = T::schema();
    let dynamic = decode_value(schema, &to_vec(old))
        .and_then(|old_v| Ok((old_v, decode_value(schema, &to_vec(new))?)))
        .map_err(|e| e.to_string())
        .and_then(|(old_v, new_v)| {
            let written = value_delta(schema, &old_v, &new_v).map_err(|e| e.to_string())?;
            let applied = apply_value_delta(schema, &old_v, &d).map_err(|e| e.to_string())?;
            Ok((written, applied.same_encoding(&new_v)))
        });
    assert_eq!(
        dynamic,
        Ok((d.clone(), true)),
        "dynamic delta, and applying ours"
    );
    d
}

#[test]
fn a_one_field_change_of_a_twenty_field_record_is_a_few_bytes() {
    let old = Wide {
        f2: "a long string that stays the same".into(),
        f7: (0..100).collect(),
        ..Wide::default()
    };
    let mut new = old.clone();
    new.f13 = 5;
    let d = checked_delta(&old, &new);
    // Three bitmap bytes (20 fields), bit 13 (byte 1, bit 5), then the long 5.
    assert_eq!(d, [0, 0b0010_0000, 0, 10]);
    assert!(to_vec(&new).len() > 100);
    assert_eq!(apply_delta(&old, &d), Ok(new));
}

#[test]
fn unchanged_values_have_an_all_zero_bitmap_and_no_field_delta() {
    let v = Wide::default();
    assert_eq!(checked_delta(&v, &v), [0, 0, 0]);
    let mut out = vec![9];
    assert!(!Wide::write_field_delta(&v, &v, &mut out));
    assert_eq!(out, [9]);
    assert_eq!(apply_delta(&v, &[0, 0, 0]), Ok(v));
}

#[test]
fn floats_change_by_their_bits() {
    let old = Wide {
        f4: f64::NAN,
        ..Wide::default()
    };
    assert_eq!(checked_delta(&old, &old.clone()), [0, 0, 0]);
    let zero = Wide::default();
    let negative_zero = Wide {
        f4: -0.0,
        ..Wide::default()
    };
    let d = checked_delta(&zero, &negative_zero);
    assert_eq!(&d[..3], [0b0001_0000, 0, 0]);
}

#[test]
fn bits_past_the_last_field_are_an_invalid_delta() {
    let v = Wide::default();
    for bit in 20..24 {
        let mut d = vec![0, 0, 0];
        d[bit / 8] |= 1 << (bit % 8);
        match apply_delta(&v, &d) {
            Err(DecodeError::InvalidDelta(m)) => {
                assert!(
                    m.contains(&format!("bit {bit}")) && m.contains("20 fields"),
                    "{m}"
                );
            }
            other => panic!("bit {bit}: {other:?}"),
        }
    }
    // Truncated: bit 0 set but no value; and trailing bytes.
    assert!(apply_delta(&v, &[1, 0, 0]).is_err());
    assert!(apply_delta(&v, &[0, 0]).is_err());
    assert_eq!(
        apply_delta(&v, &[0, 0, 0, 0]),
        Err(DecodeError::TrailingBytes(1))
    );
}

#[derive(Avro, Debug, Clone, PartialEq, Default)]
#[avro(namespace = "test.delta")]
struct Inner {
    a: i32,
    b: String,
}

#[derive(Avro, Debug, Clone, PartialEq, Default)]
struct Wrapped(Inner);

#[derive(Avro, Debug, Clone, PartialEq, Default)]
#[avro(namespace = "test.delta")]
struct Outer {
    id: i64,
    inner: Inner,
    maybe: Option<Inner>,
    boxed: Box<Inner>,
    wrapped: Wrapped,
    list: Vec<Inner>,
    #[avro(skip)]
    local: u64,
}

#[test]
fn nested_records_carry_nested_deltas_and_everything_else_is_replaced() {
    let old = Outer {
        maybe: Some(Inner::default()),
        list: vec![Inner::default()],
        ..Outer::default()
    };
    let mut new = old.clone();
    new.inner.b = "x".into();
    new.boxed.a = 1;
    new.wrapped.0.a = -1;
    new.maybe = Some(Inner {
        a: 2,
        b: String::new(),
    });
    new.list[0].a = 3;
    let d = checked_delta(&old, &new);
    assert_eq!(
        d,
        [
            0b0011_1110, // inner, maybe, boxed, wrapped, list changed; id did not
            0b10,        // inner: b changed
            2,
            b'x',
            2, // maybe: a union, so the full value: branch 1,
            4,
            0,    //   a = 2, b = ""
            0b01, // boxed: a nested delta, a changed
            2,
            0b01, // wrapped: a newtype over a record is the record
            1,
            2, // list: replaced whole, one item
            6,
            0,
            0,
        ]
    );
    assert_eq!(apply_delta(&old, &d), Ok(new));
}

#[test]
fn skipped_fields_are_not_in_deltas_and_survive_them() {
    let old = Outer {
        local: 7,
        ..Outer::default()
    };
    let new = Outer {
        id: 1,
        local: 8,
        ..Outer::default()
    };
    let d = checked_delta(&old, &new);
    assert_eq!(d, [0b1, 2]);
    let applied = apply_delta(&old, &d).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((applied.id, applied.local), (1, 7));
}

#[test]
fn an_invalid_nested_delta_is_an_error() {
    let v = Outer::default();
    // `inner` changed, with a nested bitmap naming field 2 of a 2-field record.
    match apply_delta(&v, &[0b10, 0b100]) {
        Err(DecodeError::InvalidDelta(m)) => assert!(m.contains("`Inner` has 2 fields"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[derive(Avro, Debug, Clone, PartialEq, Default)]
#[avro(namespace = "test.delta")]
struct Eight {
    a: i32,
    b: i32,
    c: i32,
    d: i32,
    e: i32,
    f: i32,
    g: i32,
    h: i32,
}

#[derive(Avro, Debug, Clone, PartialEq, Default)]
#[avro(namespace = "test.delta")]
struct Nine {
    a: i32,
    b: i32,
    c: i32,
    d: i32,
    e: i32,
    f: i32,
    g: i32,
    h: i32,
    i: i32,
}

#[derive(Avro, Debug, Clone, PartialEq, Default)]
#[avro(namespace = "test.delta")]
struct NoFields {}

#[test]
fn bitmap_sizes_follow_the_field_count() {
    let d = checked_delta(
        &Eight::default(),
        &Eight {
            h: 1,
            ..Eight::default()
        },
    );
    assert_eq!(d, [0b1000_0000, 2]);
    let d = checked_delta(
        &Nine::default(),
        &Nine {
            i: 1,
            ..Nine::default()
        },
    );
    assert_eq!(d, [0, 1, 2]);
    assert!(apply_delta(&Nine::default(), &[0, 2]).is_err());
    assert_eq!(checked_delta(&NoFields {}, &NoFields {}), Vec::<u8>::new());
    let mut out = Vec::new();
    assert!(!NoFields::write_field_delta(
        &NoFields {},
        &NoFields {},
        &mut out
    ));
    assert_eq!(apply_delta(&NoFields {}, &[]), Ok(NoFields {}));
}

fn inner() -> impl Strategy<Value = Inner> {
    (any::<i32>(), "[a-c]{0,3}").prop_map(|(a, b)| Inner { a, b })
}

fn outer() -> impl Strategy<Value = Outer> {
    (
        any::<i64>(),
        inner(),
        proptest::option::of(inner()),
        inner(),
        inner(),
        proptest::collection::vec(inner(), 0..3),
    )
        .prop_map(|(id, inner, maybe, boxed, wrapped, list)| Outer {
            id,
            inner,
            maybe,
            boxed: Box::new(boxed),
            wrapped: Wrapped(wrapped),
            list,
            local: 0,
        })
}

proptest! {
    #[test]
    fn generated_and_dynamic_deltas_agree(old in outer(), new in outer()) {
        let d = checked_delta(&old, &new);
        prop_assert_eq!(apply_delta(&old, &d), Ok(new.clone()));
        // No field changed exactly when the values are equal.
        prop_assert_eq!(d == [0], old == new);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_apply_like_the_dynamic_codec(
        bytes in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let old = Outer::default();
        let old_v = decode_value(Outer::schema(), &to_vec(&old)).unwrap_or_else(|e| panic!("{e}"));
        let generated = apply_delta(&old, &bytes);
        let dynamic = apply_value_delta(Outer::schema(), &old_v, &bytes);
        match (generated, dynamic) {
            (Ok(new), Ok(new_v)) => {
                let again = decode_value(Outer::schema(), &to_vec(&new)).unwrap_or_else(|e| panic!("{e}"));
                prop_assert_eq!(again, new_v);
            }
            (Err(_), Err(_)) => {}
            (g, d) => prop_assert!(false, "generated {:?}, dynamic {:?}", g, d),
        }
    }
}
