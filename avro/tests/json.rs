//! The JSON encoding: every row of the mapping table both ways, exact text, error messages, and
//! a round-trip property over random values.

// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use affinity_avro::json::{
    from_json, from_json_str, to_json, to_json_string, value_from_json, value_from_json_str,
    value_to_json, value_to_json_string,
};
use affinity_avro::{EncodeError, JsonError, Schema, Value};
use proptest::prelude::*;
use serde_json::json;
use support::arbitrary::arb_value;

fn schema(json: &str) -> Schema {
    Schema::parse(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// `value` is written as exactly `text`, and `text` reads back as `value`.
#[track_caller]
fn both_ways(schema_json: &str, value: Value, text: &str) {
    let s = schema(schema_json);
    assert_eq!(
        value_to_json_string(&s, &value).unwrap(),
        text,
        "{schema_json}"
    );
    let back = value_from_json_str(&s, text).unwrap();
    assert!(
        back.same_encoding(&value),
        "{text} read back as {back:?}, not {value:?}"
    );
}

/// `text` does not read as a value of the schema, with exactly this message.
#[track_caller]
fn rejects(schema_json: &str, text: &str, message: &str) {
    let err = value_from_json_str(&schema(schema_json), text).unwrap_err();
    assert_eq!(err.to_string(), message, "{text}");
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn u(i: u32, v: Value) -> Value {
    Value::Union(i, Box::new(v))
}

#[test]
fn primitives() {
    both_ways(r#""null""#, Value::Null, "null");
    both_ways(r#""boolean""#, Value::Boolean(true), "true");
    both_ways(r#""boolean""#, Value::Boolean(false), "false");
    both_ways(r#""int""#, Value::Int(i32::MIN), "-2147483648");
    both_ways(r#""int""#, Value::Int(i32::MAX), "2147483647");
    both_ways(r#""long""#, Value::Long(i64::MIN), "-9223372036854775808");
    // Beyond 2^53 every digit is kept.
    both_ways(r#""long""#, Value::Long((1 << 53) + 1), "9007199254740993");
    both_ways(
        r#""string""#,
        s("a\"b\\c\n\u{1}é😀"),
        r#""a\"b\\c\n\u0001é😀""#,
    );
}

#[test]
fn floating_point() {
    both_ways(r#""float""#, Value::Float(0.1), "0.1");
    both_ways(r#""float""#, Value::Float(-1.5e-30), "-1.5e-30");
    both_ways(r#""float""#, Value::Float(-0.0), "-0.0");
    both_ways(r#""double""#, Value::Double(0.1), "0.1");
    both_ways(r#""double""#, Value::Double(1e300), "1e+300");
    both_ways(r#""double""#, Value::Double(5e-324), "5e-324");
    for (schema_json, nan, inf, neg) in [
        (
            r#""float""#,
            Value::Float(f32::NAN),
            Value::Float(f32::INFINITY),
            Value::Float(f32::NEG_INFINITY),
        ),
        (
            r#""double""#,
            Value::Double(f64::NAN),
            Value::Double(f64::INFINITY),
            Value::Double(f64::NEG_INFINITY),
        ),
    ] {
        both_ways(schema_json, nan, r#""NaN""#);
        both_ways(schema_json, inf, r#""Infinity""#);
        both_ways(schema_json, neg, r#""-Infinity""#);
    }
    // Integers are numbers too.
    let v = value_from_json_str(&schema(r#""double""#), "3").unwrap();
    assert_eq!(v, Value::Double(3.0));
}

#[test]
fn bytes_and_fixed_are_one_character_per_byte() {
    both_ways(
        r#""bytes""#,
        Value::Bytes(vec![0, 0x41, 0x7f, 0x80, 0xff]),
        "\"\\u0000A\u{7f}\u{80}ÿ\"",
    );
    both_ways(r#""bytes""#, Value::Bytes(vec![]), r#""""#);
    both_ways(
        r#"{"type":"fixed","name":"F","size":2}"#,
        Value::Fixed(vec![0xe9, 0x20]),
        r#""é ""#,
    );
}

#[test]
fn enums_arrays_maps_records() {
    let color = r#"{"type":"enum","name":"Color","namespace":"ex","symbols":["RED","GREEN"]}"#;
    both_ways(color, Value::Enum(1), r#""GREEN""#);
    both_ways(
        r#"{"type":"array","items":"int"}"#,
        Value::Array(vec![Value::Int(1), Value::Int(-1)]),
        "[1,-1]",
    );
    both_ways(
        r#"{"type":"array","items":"int"}"#,
        Value::Array(vec![]),
        "[]",
    );
    // Map entries keep their order.
    both_ways(
        r#"{"type":"map","values":"long"}"#,
        Value::Map(vec![
            ("z".into(), Value::Long(1)),
            ("a".into(), Value::Long(2)),
        ]),
        r#"{"z":1,"a":2}"#,
    );
    // Record fields come out in field order, not sorted.
    both_ways(
        r#"{"type":"record","name":"R","fields":[{"name":"zeta","type":"int"},{"name":"alpha","type":"string"}]}"#,
        Value::Record(vec![Value::Int(1), s("x")]),
        r#"{"zeta":1,"alpha":"x"}"#,
    );
}

#[test]
fn nullable_unions_are_unwrapped_either_order() {
    both_ways(r#"["null","string"]"#, u(0, Value::Null), "null");
    both_ways(r#"["null","string"]"#, u(1, s("x")), r#""x""#);
    both_ways(r#"["long","null"]"#, u(0, Value::Long(5)), "5");
    both_ways(r#"["long","null"]"#, u(1, Value::Null), "null");
    both_ways(
        r#"["null",{"type":"map","values":"int"}]"#,
        u(1, Value::Map(vec![("k".into(), Value::Int(1))])),
        r#"{"k":1}"#,
    );
}

#[test]
fn other_unions_are_tagged_with_the_branch_name() {
    let un = r#"["null","int","string",{"type":"array","items":"int"},{"type":"map","values":"int"},
        {"type":"record","name":"P","namespace":"ex","fields":[{"name":"x","type":"int"}]},
        {"type":"enum","name":"E","namespace":"ex","symbols":["A"]},
        {"type":"fixed","name":"F","namespace":"ex","size":1}]"#;
    both_ways(un, u(0, Value::Null), "null");
    both_ways(un, u(1, Value::Int(3)), r#"{"int":3}"#);
    both_ways(un, u(2, s("3")), r#"{"string":"3"}"#);
    both_ways(un, u(3, Value::Array(vec![])), r#"{"array":[]}"#);
    both_ways(un, u(4, Value::Map(vec![])), r#"{"map":{}}"#);
    both_ways(
        un,
        u(5, Value::Record(vec![Value::Int(1)])),
        r#"{"ex.P":{"x":1}}"#,
    );
    both_ways(un, u(6, Value::Enum(0)), r#"{"ex.E":"A"}"#);
    both_ways(un, u(7, Value::Fixed(vec![0x61])), r#"{"ex.F":"a"}"#);
    // Two branches, neither null: tagged.
    both_ways(r#"["int","string"]"#, u(1, s("x")), r#"{"string":"x"}"#);
    // A union without null has no JSON null.
    rejects(
        r#"["int","string"]"#,
        "null",
        r#"expected an object with one key naming a branch ("int", "string"), found null"#,
    );
}

#[test]
fn logical_types() {
    both_ways(
        r#"{"type":"string","logicalType":"uuid"}"#,
        s("0f8fad5b-d9cb-469f-a165-70867728950e"),
        r#""0f8fad5b-d9cb-469f-a165-70867728950e""#,
    );
    let uuid_fixed = r#"{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}"#;
    let bytes = vec![
        0x0f, 0x8f, 0xad, 0x5b, 0xd9, 0xcb, 0x46, 0x9f, 0xa1, 0x65, 0x70, 0x86, 0x77, 0x28, 0x95,
        0x0e,
    ];
    both_ways(
        uuid_fixed,
        Value::Fixed(bytes.clone()),
        r#""0f8fad5b-d9cb-469f-a165-70867728950e""#,
    );
    assert_eq!(
        value_from_json_str(
            &schema(uuid_fixed),
            r#""0F8FAD5B-D9CB-469F-A165-70867728950E""#
        ),
        Ok(Value::Fixed(bytes))
    );
    both_ways(
        r#"{"type":"int","logicalType":"date"}"#,
        Value::Int(19000),
        "19000",
    );
    both_ways(
        r#"{"type":"long","logicalType":"timestamp-micros"}"#,
        Value::Long(1_700_000_000_000_000),
        "1700000000000000",
    );
    both_ways(
        r#"{"type":"long","logicalType":"timestamp-nanos"}"#,
        Value::Long(-1),
        "-1",
    );
}

#[test]
fn decimals_are_decimal_strings() {
    let dec = r#"{"type":"bytes","logicalType":"decimal","precision":6,"scale":2}"#;
    both_ways(dec, Value::Bytes(vec![0xfb, 0x2e]), r#""-12.34""#);
    both_ways(dec, Value::Bytes(vec![0x04, 0xd2]), r#""12.34""#);
    both_ways(dec, Value::Bytes(vec![0x05]), r#""0.05""#);
    both_ways(dec, Value::Bytes(vec![0x00]), r#""0.00""#);
    both_ways(dec, Value::Bytes(vec![0x00, 0x80]), r#""1.28""#);
    // Fewer digits after the point are padded; extra zeros are fine.
    let s6 = schema(dec);
    assert_eq!(
        value_from_json_str(&s6, r#""-12.3""#),
        Ok(Value::Bytes(vec![0xfb, 0x32]))
    );
    assert_eq!(
        value_from_json_str(&s6, r#""7.000""#),
        Ok(Value::Bytes(vec![0x02, 0xbc]))
    );
    rejects(
        dec,
        r#""1.234""#,
        r#""1.234" has more than 2 digits after the point (the decimal's scale)"#,
    );
    rejects(
        dec,
        r#""12345.6""#,
        r#""12345.6" has 7 significant digits, more than the decimal's precision 6"#,
    );
    rejects(
        dec,
        "12.34",
        r#"expected a decimal number in a string, such as "-12.34", found 12.34"#,
    );
    // The specification's bytes form is not read: "\u0004Ò" is not a decimal number.
    rejects(
        dec,
        r#""\u0004Ò""#,
        r#""\u0004Ò" is not a decimal number such as "-12.34""#,
    );
    let fixed =
        r#"{"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9,"scale":0}"#;
    both_ways(fixed, Value::Fixed(vec![0xff, 0xff, 0xff, 0xfe]), r#""-2""#);
    both_ways(
        fixed,
        Value::Fixed(vec![0x00, 0x01, 0x00, 0x00]),
        r#""65536""#,
    );
}

#[test]
fn records_as_exact_text() {
    let order = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"long"},
        {"name":"customer","type":["null","string"]},
        {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
            {"name":"sku","type":"string"},
            {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
            {"name":"qty","type":"int"}]}}},
        {"name":"status","type":{"type":"enum","name":"Status","symbols":["OPEN","PAID"]}},
        {"name":"attrs","type":{"type":"map","values":"string"}},
        {"name":"payment","type":["null",
            {"type":"record","name":"Card","fields":[{"name":"last4","type":"string"}]},
            {"type":"record","name":"Cash","fields":[]}]},
        {"name":"weight","type":"double"}]}"#;
    let item = |sku: &str, cents: u8, qty| {
        Value::Record(vec![s(sku), Value::Bytes(vec![cents]), Value::Int(qty)])
    };
    let value = Value::Record(vec![
        Value::Long(9_007_199_254_740_993),
        u(1, s("Ada")),
        Value::Array(vec![item("A-1", 0x7b, 2), item("B-2", 0x05, 1)]),
        Value::Enum(1),
        Value::Map(vec![("gift".into(), s("yes")), ("note".into(), s("a\"b"))]),
        u(1, Value::Record(vec![s("4242")])),
        Value::Double(f64::INFINITY),
    ]);
    both_ways(
        order,
        value,
        concat!(
            r#"{"id":9007199254740993,"customer":"Ada","#,
            r#""items":[{"sku":"A-1","price":"1.23","qty":2},{"sku":"B-2","price":"0.05","qty":1}],"#,
            r#""status":"PAID","attrs":{"gift":"yes","note":"a\"b"},"#,
            r#""payment":{"shop.Card":{"last4":"4242"}},"weight":"Infinity"}"#
        ),
    );
    let empty = Value::Record(vec![
        Value::Long(0),
        u(0, Value::Null),
        Value::Array(vec![]),
        Value::Enum(0),
        Value::Map(vec![]),
        u(2, Value::Record(vec![])),
        Value::Double(-0.5),
    ]);
    both_ways(
        order,
        empty,
        r#"{"id":0,"customer":null,"items":[],"status":"OPEN","attrs":{},"payment":{"shop.Cash":{}},"weight":-0.5}"#,
    );
}

const PERSON: &str = r#"{"type":"record","name":"Person","namespace":"ex","fields":[
    {"name":"name","type":"string"},
    {"name":"age","type":"int","default":0},
    {"name":"nick","type":["null","string"],"default":null},
    {"name":"tags","type":{"type":"array","items":"string"},"default":["new"]},
    {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]},"default":"RED"},
    {"name":"id","type":{"type":"fixed","name":"Id","size":2},"default":"ab"},
    {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
        {"name":"price","type":"double"},{"name":"count","type":"int"}]}},"default":[]},
    {"name":"shape","type":["null","int",{"type":"record","name":"Circle","fields":[{"name":"r","type":"float"}]}],"default":null},
    {"name":"blob","type":"bytes","default":""}]}"#;

#[test]
fn missing_fields_take_their_defaults() {
    let v = value_from_json(&schema(PERSON), &json!({"name": "Bo"})).unwrap();
    assert_eq!(
        v,
        Value::Record(vec![
            s("Bo"),
            Value::Int(0),
            u(0, Value::Null),
            Value::Array(vec![s("new")]),
            Value::Enum(0),
            Value::Fixed(b"ab".to_vec()),
            Value::Array(vec![]),
            u(0, Value::Null),
            Value::Bytes(vec![]),
        ])
    );
}

#[test]
fn wrong_json_is_an_error_saying_where_and_what() {
    let cases: &[(serde_json::Value, &str)] = &[
        (
            json!([]),
            "expected an object (record ex.Person), found an array of 0 items",
        ),
        (
            json!({"age": 3}),
            "missing field `name`, which has no default",
        ),
        (
            json!({"name": "a", "nmae": "b"}),
            "unknown field `nmae` (the record ex.Person has no such field)",
        ),
        (json!({"name": 5}), "name: expected a string, found 5"),
        (
            json!({"name": "a", "age": 2147483648u64}),
            "age: 2147483648 is out of range for an int",
        ),
        (
            json!({"name": "a", "age": 1.5}),
            "age: expected an integer, found 1.5",
        ),
        (
            json!({"name": "a", "nick": 3}),
            "nick: expected null or a string, found 3",
        ),
        (
            json!({"name": "a", "color": "BLUE"}),
            r#"color: "BLUE" is not a symbol of ex.Color (RED, GREEN)"#,
        ),
        (
            json!({"name": "a", "id": "abc"}),
            "id: ex.Id is a fixed of 2 bytes, found 3",
        ),
        (
            json!({"name": "a", "blob": "aĀ"}),
            "blob: character 1 is U+0100; bytes are written one character per byte, U+0000 to U+00FF",
        ),
        (
            json!({"name": "a", "items": [{"price": 1, "count": 1}, {"price": "12", "count": 1}]}),
            r#"items[1].price: expected a number, found "12""#,
        ),
        (
            json!({"name": "a", "shape": {"ex.Square": {}}}),
            r#"shape: "ex.Square" does not name a branch of the union; its branches are "int", "ex.Circle""#,
        ),
        (
            json!({"name": "a", "shape": {"Circle": {"r": 1}}}),
            r#"shape: "Circle" does not name a branch of the union; its branches are "int", "ex.Circle""#,
        ),
        (
            json!({"name": "a", "shape": 3}),
            r#"shape: expected null or an object with one key naming a branch ("int", "ex.Circle"), found 3"#,
        ),
        (
            json!({"name": "a", "shape": {"ex.Circle": {"r": 1e39}}}),
            r#"shape["ex.Circle"].r: 1e+39 is out of range for a float"#,
        ),
        (
            json!({"name": "a", "shape": {"int": 1, "string": "x"}}),
            r#"shape: expected null or an object with one key naming a branch ("int", "ex.Circle"), found an object with 2 keys"#,
        ),
    ];
    let s = schema(PERSON);
    for (j, message) in cases {
        let err = value_from_json(&s, j).unwrap_err();
        assert_eq!(err.to_string(), *message, "{j}");
    }
    rejects(
        r#""long""#,
        "9223372036854775808",
        "9223372036854775808 is out of range for a long",
    );
    rejects(
        r#"{"type":"map","values":"int"}"#,
        r#"{"a b":"x"}"#,
        r#"["a b"]: expected an integer, found "x""#,
    );
    // Long strings are abridged in messages.
    rejects(
        r#""int""#,
        &format!("\"{}\"", "x".repeat(50)),
        &format!("expected an integer, found \"{}\"…", "x".repeat(40)),
    );
}

#[test]
fn errors_carry_their_parts() {
    let err = value_from_json(
        &schema(PERSON),
        &json!({"name": "a", "items": [{"price": true}]}),
    )
    .unwrap_err();
    assert_eq!(
        err,
        JsonError::Mismatch {
            path: "items[0].price".into(),
            expected: "a number".into(),
            found: "true".into(),
        }
    );
    assert!(matches!(
        value_from_json_str(&schema(PERSON), "{\"name\":"),
        Err(JsonError::Syntax(_))
    ));
}

#[test]
fn values_that_do_not_match_the_schema_are_encode_errors() {
    let s = schema(PERSON);
    let err = value_to_json(&s, &Value::Int(1)).unwrap_err();
    assert_eq!(
        err,
        EncodeError::Mismatch {
            path: String::new(),
            expected: "record ex.Person".into()
        }
    );
    let s = schema(
        r#"{"type":"array","items":{"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"int"}}]}}"#,
    );
    let v = Value::Array(vec![Value::Record(vec![Value::Map(vec![(
        "k".into(),
        Value::Long(1),
    )])])]);
    assert_eq!(
        value_to_json(&s, &v).unwrap_err().to_string(),
        r#"value does not match schema at [0].m["k"]: expected int"#
    );
}

#[test]
fn typed_entry_points_use_the_types_schema() {
    use std::collections::BTreeMap;
    assert_eq!(to_json(&Some(3i32)), json!(3));
    assert_eq!(to_json(&None::<i32>), json!(null));
    assert_eq!(to_json_string(&vec![b'a', 0xff]), r#""aÿ""#);
    assert_eq!(to_json_string(&[1u8, 2]), r#""\u0001\u0002""#);
    let m = BTreeMap::from([("x".to_string(), vec![1.5f32])]);
    assert_eq!(to_json_string(&m), r#"{"x":[1.5]}"#);
    assert_eq!(
        from_json::<BTreeMap<String, Vec<f32>>>(&json!({"x": [1.5]})),
        Ok(m)
    );
    assert_eq!(
        from_json_str::<i64>("9007199254740993"),
        Ok(9_007_199_254_740_993)
    );
    // Valid for the schema (an int) but not for the Rust type.
    assert!(matches!(
        from_json_str::<u16>("70000"),
        Err(JsonError::Value(_))
    ));
    assert_eq!(
        from_json_str::<Option<bool>>("1").unwrap_err().to_string(),
        "expected null or true or false, found 1"
    );
}

const SCHEMAS: &[&str] = &[
    PERSON,
    r#"["null","int","long","float","double","boolean","bytes","string",
        {"type":"array","items":["null","string"]},{"type":"map","values":{"type":"array","items":"double"}},
        {"type":"fixed","name":"F","size":3}]"#,
    r#"{"type":"record","name":"Node","fields":[
        {"name":"value","type":"long"},
        {"name":"children","type":{"type":"array","items":"Node"}},
        {"name":"index","type":{"type":"map","values":"Node"}},
        {"name":"next","type":["null","Node"]}]}"#,
    r#"{"type":"record","name":"L","fields":[
        {"name":"u","type":{"type":"string","logicalType":"uuid"}},
        {"name":"uf","type":{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}},
        {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":4}},
        {"name":"df","type":{"type":"fixed","name":"D","size":5,"logicalType":"decimal","precision":12,"scale":12}},
        {"name":"dbig","type":{"type":"bytes","logicalType":"decimal","precision":60,"scale":3}},
        {"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}},
        {"name":"opt","type":[{"type":"enum","name":"E","symbols":["A","B","C"]},"null"]}]}"#,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn values_round_trip_through_json(
        (i, v) in (0..SCHEMAS.len()).prop_flat_map(|i| (Just(i), arb_value(&schema(SCHEMAS[i]))))
    ) {
        let s = schema(SCHEMAS[i]);
        let j = value_to_json(&s, &v).unwrap();
        let back = value_from_json(&s, &j).unwrap();
        prop_assert!(back.same_encoding(&v), "{j} read back as {back:?}, not {v:?}");
        // And through the text, as HTTP bodies travel.
        let text = value_to_json_string(&s, &v).unwrap();
        let back = value_from_json_str(&s, &text).unwrap();
        prop_assert!(back.same_encoding(&v), "{text} read back as {back:?}, not {v:?}");
    }
}

#[cfg(feature = "derive")]
mod derived {
    //! `#[derive(Avro)]` types in JSON, as HTTP bodies carry them.

    use super::*;
    use affinity_avro::Avro;

    #[derive(Avro, Clone, Debug, PartialEq)]
    struct Line {
        sku: String,
        qty: i32,
        price: f64,
    }

    #[derive(Avro, Clone, Debug, PartialEq)]
    struct Cart {
        id: i64,
        owner: Option<String>,
        lines: Vec<Line>,
        seen: bool,
    }

    #[test]
    fn derived_types_read_and_write_their_json() {
        let cart = Cart {
            id: 9_007_199_254_740_993,
            owner: None,
            lines: vec![Line {
                sku: "A".into(),
                qty: 2,
                price: 0.1,
            }],
            seen: true,
        };
        let text = r#"{"id":9007199254740993,"owner":null,"lines":[{"sku":"A","qty":2,"price":0.1}],"seen":true}"#;
        assert_eq!(to_json_string(&cart), text);
        assert_eq!(from_json_str::<Cart>(text), Ok(cart.clone()));
        assert_eq!(from_json::<Cart>(&to_json(&cart)), Ok(cart));
        assert_eq!(
            from_json_str::<Cart>(
                r#"{"id":1,"owner":"x","lines":[{"sku":"A","qty":"2","price":1}],"seen":true}"#
            )
            .unwrap_err()
            .to_string(),
            r#"lines[0].qty: expected an integer, found "2""#
        );
    }

    proptest! {
        #[test]
        fn derived_values_round_trip(v in arb_value(Cart::schema())) {
            let mut bytes = Vec::new();
            affinity_avro::encode_value(Cart::schema(), &v, &mut bytes).unwrap();
            let cart: Cart = affinity_avro::from_slice(&bytes).unwrap();
            let j = to_json(&cart);
            prop_assert_eq!(&j, &value_to_json(Cart::schema(), &v).unwrap());
            let back = from_json::<Cart>(&j).unwrap();
            prop_assert_eq!(affinity_avro::to_vec(&back), bytes);
        }
    }
}
