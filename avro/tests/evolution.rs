//! Schema evolution: every resolution rule of the Avro 1.12 specification, with an old and a new
//! version of a schema. Each case encodes a value with the writer schema, reads it with
//! [`Resolver`] and — unless noted — checks the result against apache-avro's reading of the
//! same bytes with the same writer and reader schemas (its `GenericDatumReader`, what
//! `from_avro_datum(writer, bytes, Some(reader))` does), the reference implementation.
//!
//! apache-avro 0.22 resolves values after decoding them (not by the schemas), so it ignores
//! aliases, picks union branches by value and does not read logical types as their underlying
//! types; the few cases that depend on those are checked against the specification's answer
//! only, and say so. The compatibility verdicts are also compared with apache-avro's
//! `SchemaCompatibility`.

#![allow(clippy::panic)]

mod support;

use affinity_avro::{
    DecodeError, Resolver, Schema, Value, can_read, decode_value, encode_value, from_slice,
};
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema_compatibility::{Compatibility as Compat, SchemaCompatibility};
use support::apache::{apache_schema, to_apache};

fn schema(json: &str) -> Schema {
    Schema::parse(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn encode(schema: &Schema, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_value(schema, value, &mut out).unwrap_or_else(|e| panic!("{e}"));
    out
}

fn resolver(writer: &Schema, reader: &Schema) -> Resolver {
    Resolver::new(writer, reader).unwrap_or_else(|e| panic!("{e}"))
}

/// Writes `value` with `writer`, reads it with `reader`: checks against apache-avro, and that
/// the result is a valid `reader` value.
fn evolve(writer: &str, reader: &str, value: Value) -> Value {
    let (w, r) = (schema(writer), schema(reader));
    let ours = evolve_spec_only(&w, &r, &value);
    let bytes = encode(&w, &value);
    let theirs = apache_read(&w, &r, &bytes).unwrap_or_else(|e| panic!("apache-avro: {e}"));
    assert_eq!(to_apache(&r, &ours), theirs, "apache-avro disagrees");
    ours
}

/// apache-avro's reading of `bytes`, written with `w`, as `r`.
fn apache_read(w: &Schema, r: &Schema, bytes: &[u8]) -> Result<apache_avro::types::Value, String> {
    let (w, r) = (apache_schema(w), apache_schema(r));
    GenericDatumReader::builder(&w)
        .reader_schema(&r)
        .build()
        .and_then(|reader| reader.read_value(&mut &bytes[..]))
        .map_err(|e| e.to_string())
}

/// Like [`evolve`] without apache-avro.
fn evolve_spec_only(w: &Schema, r: &Schema, value: &Value) -> Value {
    let bytes = encode(w, value);
    let ours = resolver(w, r)
        .decode(&bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    // The result is a value of the reader schema: it encodes and decodes back to itself.
    assert_eq!(decode_value(r, &encode(r, &ours)), Ok(ours.clone()));
    ours
}

fn rec(fields: Vec<Value>) -> Value {
    Value::Record(fields)
}

fn string(s: &str) -> Value {
    Value::String(s.into())
}

fn union(i: u32, v: Value) -> Value {
    Value::Union(i, Box::new(v))
}

const USER_V1: &str = r#"{"type":"record","name":"User","namespace":"ex","fields":[
    {"name":"id","type":"long"},{"name":"name","type":"string"}]}"#;

#[test]
fn added_fields_take_their_defaults() {
    let v2 = r#"{"type":"record","name":"User","namespace":"ex","fields":[
        {"name":"id","type":"long"},{"name":"name","type":"string"},
        {"name":"email","type":["null","string"],"default":null},
        {"name":"tags","type":{"type":"array","items":"string"},"default":["new"]},
        {"name":"score","type":"double","default":1.5},
        {"name":"home","type":{"type":"record","name":"Addr","fields":[
            {"name":"city","type":"string"}]},"default":{"city":"Paris"}}]}"#;
    let got = evolve(USER_V1, v2, rec(vec![Value::Long(7), string("ann")]));
    assert_eq!(
        got,
        rec(vec![
            Value::Long(7),
            string("ann"),
            union(0, Value::Null),
            Value::Array(vec![string("new")]),
            Value::Double(1.5),
            rec(vec![string("Paris")]),
        ])
    );
    assert_eq!(can_read(&schema(v2), &schema(USER_V1)), Ok(()));
}

#[test]
fn removed_fields_are_skipped_whatever_their_type() {
    let v0 = r#"{"type":"record","name":"User","namespace":"ex","fields":[
        {"name":"legacy","type":{"type":"map","values":{"type":"array","items":["null","bytes"]}}},
        {"name":"id","type":"long"},
        {"name":"old","type":{"type":"record","name":"Old","fields":[
            {"name":"f","type":{"type":"fixed","name":"F4","size":4}},
            {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}]}},
        {"name":"name","type":"string"},
        {"name":"ratio","type":"float"}]}"#;
    let value = rec(vec![
        Value::Map(vec![(
            "k".into(),
            Value::Array(vec![
                union(1, Value::Bytes(vec![1, 2])),
                union(0, Value::Null),
            ]),
        )]),
        Value::Long(-3),
        rec(vec![Value::Fixed(vec![9; 4]), Value::Enum(1)]),
        string("bob"),
        Value::Float(0.25),
    ]);
    assert_eq!(
        evolve(v0, USER_V1, value),
        rec(vec![Value::Long(-3), string("bob")])
    );
}

#[test]
fn a_field_renamed_with_an_alias_keeps_its_value() {
    let v2 = r#"{"type":"record","name":"User","namespace":"ex","fields":[
        {"name":"id","type":"long"},{"name":"full_name","type":"string","aliases":["name"]}]}"#;
    let (w, r) = (schema(USER_V1), schema(v2));
    let got = evolve_spec_only(&w, &r, &rec(vec![Value::Long(1), string("cy")]));
    assert_eq!(got, rec(vec![Value::Long(1), string("cy")]));
    assert_eq!(can_read(&r, &w), Ok(()));
    // Without the alias the field is missing and has no default.
    let no_alias = schema(&v2.replace(r#","aliases":["name"]"#, ""));
    let e = Resolver::new(&w, &no_alias).map(|_| ()).unwrap_err();
    assert_eq!(e.path, "User.full_name");
    assert!(e.message.contains("no default"), "{e}");
}

#[test]
fn a_record_renamed_with_an_alias_or_moved_to_another_namespace_resolves() {
    let value = rec(vec![Value::Long(1), string("d")]);
    let renamed = r#"{"type":"record","name":"Customer","namespace":"ex","aliases":["User"],
        "fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}"#;
    let moved = USER_V1.replace(r#""namespace":"ex""#, r#""namespace":"other""#);
    // apache-avro ignores names when resolving, so it agrees here.
    assert_eq!(evolve(USER_V1, renamed, value.clone()), value);
    assert_eq!(evolve(USER_V1, &moved, value.clone()), value);
    let stranger = USER_V1.replace(r#""name":"User""#, r#""name":"Customer""#);
    let e = Resolver::new(&schema(USER_V1), &schema(&stranger))
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.path, "Customer");
    assert!(e.message.contains("ex.User"), "{e}");
}

#[test]
fn every_promotion() {
    let cases: [(&str, &str, Value, Value); 8] = [
        ("int", "long", Value::Int(-5), Value::Long(-5)),
        (
            "int",
            "float",
            Value::Int(16_777_217),
            Value::Float(16_777_216.0),
        ),
        (
            "int",
            "double",
            Value::Int(i32::MIN),
            Value::Double(-2_147_483_648.0),
        ),
        (
            "long",
            "float",
            Value::Long(i64::MAX),
            Value::Float(9.223_372e18),
        ),
        (
            "long",
            "double",
            Value::Long(1 << 53),
            Value::Double(9_007_199_254_740_992.0),
        ),
        (
            "float",
            "double",
            Value::Float(0.1),
            Value::Double(f64::from(0.1f32)),
        ),
        (
            "string",
            "bytes",
            string("é"),
            Value::Bytes("é".as_bytes().to_vec()),
        ),
        (
            "bytes",
            "string",
            Value::Bytes(b"ok".to_vec()),
            string("ok"),
        ),
    ];
    for (w, r, value, expected) in cases {
        let (wj, rj) = (format!("\"{w}\""), format!("\"{r}\""));
        assert_eq!(evolve(&wj, &rj, value.clone()), expected, "{w} -> {r}");
        // Inside a record field, too.
        let field = |t: &str| {
            format!(r#"{{"type":"record","name":"R","fields":[{{"name":"x","type":"{t}"}}]}}"#)
        };
        assert_eq!(
            evolve(&field(w), &field(r), rec(vec![value])),
            rec(vec![expected])
        );
        // No demotion (string and bytes go both ways).
        if !matches!(w, "string" | "bytes") {
            assert!(
                Resolver::new(&schema(&rj), &schema(&wj)).is_err(),
                "{r} -> {w}"
            );
        }
    }
    // bytes that are not UTF-8 cannot become a string: an error, not a panic.
    let e = resolver(&schema(r#""bytes""#), &schema(r#""string""#)).decode(&[2, 0xff]);
    assert!(matches!(e, Err(DecodeError::InvalidUtf8(_))), "{e:?}");
    for bad in [
        ("boolean", "int"),
        ("long", "int"),
        ("double", "float"),
        ("string", "int"),
    ] {
        let e = Resolver::new(
            &schema(&format!("\"{}\"", bad.0)),
            &schema(&format!("\"{}\"", bad.1)),
        );
        assert!(e.is_err(), "{bad:?}");
    }
}

#[test]
fn logical_types_resolve_as_their_underlying_types() {
    let date = r#"{"type":"int","logicalType":"date"}"#;
    let millis = r#"{"type":"long","logicalType":"timestamp-millis"}"#;
    assert_eq!(evolve(r#""long""#, millis, Value::Long(5)), Value::Long(5));
    assert_eq!(evolve(r#""int""#, millis, Value::Int(6)), Value::Long(6));
    // apache-avro 0.22 refuses to read a `date` as a plain `int` or to promote it; the
    // specification resolves logical types as their underlying types.
    let (d, m) = (schema(date), schema(millis));
    let int = schema(r#""int""#);
    assert_eq!(
        evolve_spec_only(&d, &int, &Value::Int(19_000)),
        Value::Int(19_000)
    );
    assert_eq!(evolve_spec_only(&d, &m, &Value::Int(3)), Value::Long(3));
    assert!(
        Resolver::new(&m, &d).is_err(),
        "no demotion through logical types"
    );
}

const COLOR_V1: &str =
    r#"{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE","PURPLE"]}"#;

#[test]
fn enum_symbols_resolve_by_name_and_unknown_ones_take_the_default() {
    let v2 = r#"{"type":"enum","name":"Color","symbols":["UNKNOWN","BLUE","RED"],
        "default":"UNKNOWN"}"#;
    assert_eq!(evolve(COLOR_V1, v2, Value::Enum(0)), Value::Enum(2));
    assert_eq!(evolve(COLOR_V1, v2, Value::Enum(2)), Value::Enum(1));
    assert_eq!(evolve(COLOR_V1, v2, Value::Enum(1)), Value::Enum(0));
    assert_eq!(can_read(&schema(v2), &schema(COLOR_V1)), Ok(()));
}

#[test]
fn an_unknown_enum_symbol_without_a_default_fails_only_when_it_occurs() {
    let v2 = r#"{"type":"enum","name":"Color","symbols":["BLUE","RED"]}"#;
    let (w, r) = (schema(COLOR_V1), schema(v2));
    assert_eq!(evolve(COLOR_V1, v2, Value::Enum(0)), Value::Enum(1));
    let resolver = resolver(&w, &r);
    let e = resolver.decode(&encode(&w, &Value::Enum(3))).unwrap_err();
    assert!(
        matches!(&e, DecodeError::Unresolved(m) if m.contains("PURPLE")),
        "{e}"
    );
    assert!(apache_read(&w, &r, &encode(&w, &Value::Enum(3))).is_err());
    let problems = can_read(&r, &w).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("GREEN, PURPLE"),
        "{problems:?}"
    );
}

#[test]
fn fixed_needs_the_same_name_and_size() {
    let f = r#"{"type":"fixed","name":"Hash","size":4}"#;
    let aliased = r#"{"type":"fixed","name":"Digest","aliases":["Hash"],"size":4}"#;
    assert_eq!(
        evolve(f, aliased, Value::Fixed(vec![1, 2, 3, 4])),
        Value::Fixed(vec![1, 2, 3, 4])
    );
    let bigger = r#"{"type":"fixed","name":"Hash","size":8}"#;
    let e = Resolver::new(&schema(f), &schema(bigger))
        .map(|_| ())
        .unwrap_err();
    assert!(e.message.contains("4 bytes"), "{e}");
    assert!(
        Resolver::new(
            &schema(f),
            &schema(r#"{"type":"fixed","name":"X","size":4}"#)
        )
        .is_err()
    );
}

#[test]
fn unions_resolve_branch_by_branch() {
    // Writer union into a reordered, wider reader union.
    let w = r#"["null","int","string"]"#;
    let r = r#"["string","double","null","boolean"]"#;
    assert_eq!(evolve(w, r, union(0, Value::Null)), union(2, Value::Null));
    assert_eq!(
        evolve(w, r, union(1, Value::Int(4))),
        union(1, Value::Double(4.0))
    );
    assert_eq!(evolve(w, r, union(2, string("s"))), union(0, string("s")));
    // Non-union writer into a reader union: the first branch that matches.
    assert_eq!(evolve(r#""string""#, r, string("t")), union(0, string("t")));
    assert_eq!(
        evolve(r#""long""#, r, Value::Long(2)),
        union(1, Value::Double(2.0))
    );
    // Writer union into a non-union reader: each branch against the reader.
    assert_eq!(
        evolve(r#"["int","long"]"#, r#""double""#, union(0, Value::Int(1))),
        Value::Double(1.0)
    );
    assert_eq!(
        evolve(r#"["int","long"]"#, r#""double""#, union(1, Value::Long(2))),
        Value::Double(2.0)
    );
}

#[test]
fn an_exact_union_branch_is_preferred_to_a_promotion() {
    // `int` is picked, the exact match, although `long` comes first.
    assert_eq!(
        evolve(r#""int""#, r#"["null","long","int"]"#, Value::Int(3)),
        union(2, Value::Int(3))
    );
    assert_eq!(
        evolve(r#""int""#, r#"["null","long","float"]"#, Value::Int(3)),
        union(1, Value::Long(3))
    );
    // Records in a union are chosen by name, not by shape: `B` here, although a `B` could be
    // read as an `A`. apache-avro picks the first record the value fits, `A`, so this is
    // checked against the specification only.
    let a = r#"{"type":"record","name":"A","fields":[{"name":"x","type":"int","default":0}]}"#;
    let b = r#"{"type":"record","name":"B","fields":[{"name":"x","type":"int"}]}"#;
    let (w, r) = (schema(b), schema(&format!("[{a},{b}]")));
    assert_eq!(
        evolve_spec_only(&w, &r, &rec(vec![Value::Int(5)])),
        union(1, rec(vec![Value::Int(5)]))
    );
    let theirs = apache_read(&w, &r, &encode(&w, &rec(vec![Value::Int(5)])));
    assert!(
        matches!(theirs, Ok(apache_avro::types::Value::Union(0, _))),
        "{theirs:?}"
    );
}

#[test]
fn a_writer_branch_the_reader_lacks_fails_only_when_it_occurs() {
    let (w, r) = (
        schema(r#"["null","string","int"]"#),
        schema(r#"["null","string"]"#),
    );
    let resolver = resolver(&w, &r);
    assert_eq!(resolver.decode(&[2, 2, b'a']), Ok(union(1, string("a"))));
    let e = resolver
        .decode(&encode(&w, &union(2, Value::Int(1))))
        .unwrap_err();
    assert!(
        matches!(&e, DecodeError::Unresolved(m) if m.contains("<int>")),
        "{e}"
    );
    let problems = can_read(&r, &w).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "<int>");
    // Writer union into a non-union reader: only the matching branch reads.
    let resolver = self::resolver(&w, &schema(r#""string""#));
    assert_eq!(resolver.decode(&[2, 2, b'b']), Ok(string("b")));
    assert!(matches!(
        resolver.decode(&[0]),
        Err(DecodeError::Unresolved(_))
    ));
    // No branch at all: never readable.
    assert!(Resolver::new(&schema(r#"["null","int"]"#), &schema(r#""string""#)).is_err());
    assert!(Resolver::new(&schema(r#""boolean""#), &schema(r#"["null","int"]"#)).is_err());
}

const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"id","type":"long"},
    {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
        {"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
    {"name":"by_sku","type":{"type":"map","values":"Item"}},
    {"name":"note","type":["null","Item"]}]}"#;

/// Version 2, written in another field order: `qty` widened to `long`, `price` added with a
/// default, `sku` renamed `code` (an alias), `note` dropped, `total` added.
const ORDER_V2: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"total","type":"double","default":0},
    {"name":"by_sku","type":{"type":"map","values":{"type":"record","name":"Item","fields":[
        {"name":"price","type":"float","default":9.5},
        {"name":"qty","type":"long"},
        {"name":"code","type":"string","aliases":["sku"]}]}}},
    {"name":"items","type":{"type":"array","items":"Item"}},
    {"name":"id","type":"long"}]}"#;

#[test]
fn nested_records_arrays_and_maps_evolve_with_reordered_fields() {
    let item = |sku: &str, qty| rec(vec![string(sku), Value::Int(qty)]);
    let item2 = |sku: &str, qty| rec(vec![Value::Float(9.5), Value::Long(qty), string(sku)]);
    let value = rec(vec![
        Value::Long(10),
        Value::Array(vec![item("a", 1), item("b", 2)]),
        Value::Map(vec![("a".into(), item("a", 1))]),
        union(1, item("n", 0)),
    ]);
    let (w, r) = (schema(ORDER_V1), schema(ORDER_V2));
    let expected = rec(vec![
        Value::Double(0.0),
        Value::Map(vec![("a".into(), item2("a", 1))]),
        Value::Array(vec![item2("a", 1), item2("b", 2)]),
        Value::Long(10),
    ]);
    // The alias `sku` → `code` is invisible to apache-avro.
    assert_eq!(evolve_spec_only(&w, &r, &value), expected);
    assert_eq!(can_read(&r, &w), Ok(()));
    // Backwards: v1 cannot read v2 (qty narrows, sku is missing), and the paths say where.
    let e = Resolver::new(&r, &w).map(|_| ()).unwrap_err();
    assert_eq!(e.path, "Order.note");
    let paths: Vec<String> = can_read(&w, &r)
        .unwrap_err()
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(
        paths,
        ["Order.items[].sku", "Order.items[].qty", "Order.note"]
    );
}

#[test]
fn nested_records_and_reordering_agree_with_apache_avro() {
    // ORDER_V2 without the alias, so that apache-avro can take part.
    let v1 = ORDER_V1.replace(r#""name":"sku""#, r#""name":"code""#);
    let v2 = ORDER_V2.replace(r#","aliases":["sku"]"#, "");
    let item = |qty| rec(vec![string("c"), Value::Int(qty)]);
    let value = rec(vec![
        Value::Long(1),
        Value::Array(vec![item(3)]),
        Value::Map(vec![("k".into(), item(4)), ("j".into(), item(5))]),
        union(0, Value::Null),
    ]);
    let item2 = |qty| rec(vec![Value::Float(9.5), Value::Long(qty), string("c")]);
    assert_eq!(
        evolve(&v1, &v2, value),
        rec(vec![
            Value::Double(0.0),
            Value::Map(vec![("k".into(), item2(4)), ("j".into(), item2(5))]),
            Value::Array(vec![item2(3)]),
            Value::Long(1),
        ])
    );
}

// A tree: recursion through an array.
const NODE_V1: &str = r#"{"type":"record","name":"Node","fields":[
    {"name":"value","type":"int"},{"name":"children","type":{"type":"array","items":"Node"}}]}"#;
const NODE_V2: &str = r#"{"type":"record","name":"Node","fields":[
    {"name":"label","type":"string","default":"?"},
    {"name":"kids","aliases":["children"],"type":{"type":"array","items":"Node"}},
    {"name":"value","type":"long"}]}"#;

fn tree(value: i32, children: Vec<Value>) -> Value {
    rec(vec![Value::Int(value), Value::Array(children)])
}

fn tree2(value: i64, children: Vec<Value>) -> Value {
    rec(vec![
        string("?"),
        Value::Array(children),
        Value::Long(value),
    ])
}

#[test]
fn recursive_records_evolve() {
    let (w, r) = (schema(NODE_V1), schema(NODE_V2));
    let value = tree(1, vec![tree(2, vec![tree(3, vec![])]), tree(4, vec![])]);
    let expected = tree2(1, vec![tree2(2, vec![tree2(3, vec![])]), tree2(4, vec![])]);
    // `kids` reads `children` through an alias, which apache-avro ignores.
    assert_eq!(evolve_spec_only(&w, &r, &value), expected);
    assert_eq!(can_read(&r, &w), Ok(()));
    // A missing field without a default is found through the recursion.
    let bad = NODE_V2.replace(r#","default":"?""#, "");
    let e = Resolver::new(&w, &schema(&bad)).map(|_| ()).unwrap_err();
    assert_eq!(e.path, "Node.label");
}

const LIST_V1: &str = r#"{"type":"record","name":"List","fields":[
    {"name":"value","type":"int"},{"name":"next","type":["null","List"]}]}"#;
const LIST_V2: &str = r#"{"type":"record","name":"List","fields":[
    {"name":"label","type":"string","default":"?"},
    {"name":"next","type":["null","List"]},
    {"name":"value","type":"double"}]}"#;

#[test]
fn recursion_through_a_nullable_union_evolves() {
    let list = [1, 2, 3]
        .iter()
        .rev()
        .fold(union(0, Value::Null), |next, v| {
            union(1, rec(vec![Value::Int(*v), next]))
        });
    let Value::Union(1, head) = list else {
        panic!("a list");
    };
    let expected = [1.0, 2.0, 3.0]
        .iter()
        .rev()
        .fold(union(0, Value::Null), |next, v| {
            union(1, rec(vec![string("?"), next, Value::Double(*v)]))
        });
    assert_eq!(union(1, evolve(LIST_V1, LIST_V2, *head)), expected);
    let (w, r) = (schema(LIST_V1), schema(LIST_V2));
    assert_eq!(can_read(&r, &w), Ok(()));
    // Deeper than the decoder allows: an error rather than a stack overflow.
    let deep: Vec<u8> = std::iter::repeat_n([2u8, 2], 10_000)
        .flatten()
        .chain([2, 0])
        .collect();
    assert_eq!(
        resolver(&w, &r).decode(&deep),
        Err(DecodeError::TooDeep(affinity_avro::binary::MAX_DEPTH))
    );
}

#[test]
fn recursive_unions_evolve() {
    let v1 = r#"{"type":"record","name":"Expr","fields":[
        {"name":"op","type":"string"},
        {"name":"left","type":["long","Expr"]},{"name":"right","type":["long","Expr"]}]}"#;
    let v2 = r#"{"type":"record","name":"Expr","fields":[
        {"name":"right","type":["double","Expr"]},{"name":"left","type":["double","Expr"]},
        {"name":"op","type":"string"},{"name":"note","type":"string","default":""}]}"#;
    let leaf = |n| union(0, Value::Long(n));
    let value = rec(vec![
        string("+"),
        leaf(1),
        union(1, rec(vec![string("*"), leaf(2), leaf(3)])),
    ]);
    let dleaf = |n| union(0, Value::Double(n));
    assert_eq!(
        evolve(v1, v2, value),
        rec(vec![
            union(
                1,
                rec(vec![dleaf(3.0), dleaf(2.0), string("*"), string("")])
            ),
            dleaf(1.0),
            string("+"),
            string(""),
        ])
    );
}

#[test]
fn decoding_is_bounded_and_checks_its_input() {
    let (w, r) = (schema(NODE_V1), schema(NODE_V2));
    let resolver = resolver(&w, &r);
    // 10 000 nested nodes: deeper than the decoder allows, an error rather than a stack overflow.
    let mut deep = Vec::new();
    for _ in 0..10_000 {
        deep.extend_from_slice(&[2, 2]); // value 1, a block of one child
    }
    deep.extend_from_slice(&[2, 0]);
    deep.extend(std::iter::repeat_n(0, 10_000));
    assert!(matches!(
        resolver.decode(&deep),
        Err(DecodeError::TooDeep(_))
    ));
    let ok = encode(&w, &tree(1, vec![]));
    assert!(resolver.decode(&ok).is_ok());
    let mut trailing = ok.clone();
    trailing.push(0);
    assert_eq!(
        resolver.decode(&trailing),
        Err(DecodeError::TrailingBytes(1))
    );
    assert!(matches!(
        resolver.decode(&ok[..1]),
        Err(DecodeError::UnexpectedEof(_))
    ));
    // A huge block count is rejected before anything is allocated.
    let arr = self::resolver(
        &schema(r#"{"type":"array","items":"long"}"#),
        &schema(r#"{"type":"array","items":"double"}"#),
    );
    assert!(matches!(
        arr.decode(&[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
        Err(DecodeError::LengthOutOfRange { .. })
    ));
}

#[test]
fn identical_schemas_resolve_to_the_same_value_as_plain_decoding() {
    let w = schema(ORDER_V1);
    let value = rec(vec![
        Value::Long(1),
        Value::Array(vec![]),
        Value::Map(vec![]),
        union(1, rec(vec![string("z"), Value::Int(-1)])),
    ]);
    let bytes = encode(&w, &value);
    assert_eq!(resolver(&w, &w).decode(&bytes), decode_value(&w, &bytes));
    assert_eq!(can_read(&w, &w), Ok(()));
}

#[test]
fn typed_reads_go_direct_or_through_resolution() {
    use affinity_avro::{TypedResolver, from_slice_with};
    // `Option<i64>` is ["null","long"]; data written as ["null","int"] must be resolved.
    let own = schema(r#"["null","long"]"#);
    let old = schema(r#"["null","int"]"#);
    assert_eq!(from_slice_with::<Option<i64>>(&own, &[2, 4]), Ok(Some(2)));
    assert_eq!(from_slice_with::<Option<i64>>(&old, &[2, 4]), Ok(Some(2)));
    assert_eq!(from_slice_with::<Option<i64>>(&old, &[0]), Ok(None));
    assert!(from_slice_with::<Option<i64>>(&schema(r#""string""#), &[0]).is_err());
    let direct = Resolver::for_type::<Option<i64>>(&own).unwrap_or_else(|e| panic!("{e}"));
    assert!(direct.is_direct());
    let evolved: TypedResolver<Vec<f64>> =
        Resolver::for_type(&schema(r#"{"type":"array","items":"int"}"#))
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(!evolved.is_direct());
    assert_eq!(evolved.decode(&[4, 2, 6, 0]), Ok(vec![1.0, 3.0]));
    assert_eq!(
        evolved.decode(&[4, 2, 6, 0, 0]),
        Err(DecodeError::TrailingBytes(1))
    );
    assert_eq!(from_slice::<Vec<f64>>(&[0]), Ok(vec![]));
}

/// Our verdict on a (writer, reader) pair in apache-avro's terms: `Full` when [`can_read`]
/// passes, `Partial` when only [`Resolver::new`] does (some data may fail), else an error.
fn verdict(w: &Schema, r: &Schema) -> Option<Compat> {
    match (can_read(r, w), Resolver::new(w, r)) {
        (Ok(()), Ok(_)) => Some(Compat::Full),
        (Err(_), Ok(_)) => Some(Compat::Partial),
        (Ok(()), Err(e)) => panic!("can_read passes but resolution fails: {e}"),
        (Err(_), Err(_)) => None,
    }
}

#[test]
fn compatibility_verdicts_agree_with_apache_avro() {
    let user_v2 = r#"{"type":"record","name":"User","namespace":"ex","fields":[
        {"name":"id","type":"long"},{"name":"name","type":"string"},
        {"name":"age","type":"int","default":0}]}"#;
    let user_v2_no_default = user_v2.replace(r#","default":0"#, "");
    // Named types defined at the same place in both: apache-avro 0.22's checker fails on a
    // type referenced by name in one schema and defined in place in the other.
    let order_v1 = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},
        {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item",
            "fields":[{"name":"code","type":"string"},{"name":"qty","type":"int"}]}}}]}"#;
    let order_v2 = r#"{"type":"record","name":"Order","fields":[
        {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item",
            "fields":[{"name":"price","type":"float","default":9.5},{"name":"qty","type":"long"},
                {"name":"code","type":"string"}]}}},
        {"name":"id","type":"long"}]}"#;
    let pairs: Vec<(&str, &str)> = vec![
        (USER_V1, user_v2),
        (user_v2, USER_V1),
        (USER_V1, &user_v2_no_default),
        (r#""int""#, r#""long""#),
        (r#""long""#, r#""int""#),
        (r#""string""#, r#""bytes""#),
        (r#""bytes""#, r#""string""#),
        (r#""float""#, r#"["null","double"]"#),
        (r#""boolean""#, r#"["null","double"]"#),
        (
            COLOR_V1,
            r#"{"type":"enum","name":"Color","symbols":["BLUE","RED"]}"#,
        ),
        (
            COLOR_V1,
            r#"{"type":"enum","name":"Color","symbols":["BLUE","RED"],"default":"RED"}"#,
        ),
        (r#"["null","string","int"]"#, r#"["null","string"]"#),
        (r#"["null","string"]"#, r#"["null","string","int"]"#),
        (r#"["null","int"]"#, r#""string""#),
        (
            r#"{"type":"fixed","name":"F","size":4}"#,
            r#"{"type":"fixed","name":"F","size":5}"#,
        ),
        (
            r#"{"type":"array","items":"int"}"#,
            r#"{"type":"array","items":"double"}"#,
        ),
        (
            r#"{"type":"map","values":"long"}"#,
            r#"{"type":"map","values":"float"}"#,
        ),
        (
            r#"{"type":"map","values":"long"}"#,
            r#"{"type":"array","items":"long"}"#,
        ),
        (order_v1, order_v2),
        (order_v2, order_v1),
        (NODE_V1, NODE_V2),
        (NODE_V2, NODE_V1),
        (LIST_V1, LIST_V2),
        (LIST_V2, LIST_V1),
    ];
    for (w, r) in pairs {
        let (w, r) = (schema(w), schema(r));
        let theirs = SchemaCompatibility::can_read(&apache_schema(&w), &apache_schema(&r)).ok();
        assert_eq!(verdict(&w, &r), theirs, "writer {w}\nreader {r}");
    }
}

/// The typed entry points with derived types: `from_slice_with` decodes directly when the
/// writer schema is the type's own and resolves otherwise.
#[cfg(feature = "derive")]
mod typed {
    use affinity_avro::{Avro, Resolver, Schema, Value, from_slice_with, to_vec};

    use super::{encode, rec, schema, string, union};

    #[derive(Avro, Debug, Clone, Copy, PartialEq)]
    #[avro(namespace = "ex")]
    enum Status {
        Active,
        Banned,
        #[avro(default)]
        Unknown,
    }

    /// Version 2 of a user.
    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "ex", alias = "Member")]
    struct User {
        status: Status,
        id: i64,
        #[avro(alias = "name")]
        full_name: String,
        #[avro(default = "null")]
        email: Option<String>,
        #[avro(default = "0.5")]
        score: f64,
        tags: Vec<String>,
    }

    /// Version 1, as another service wrote it: `Member` in another namespace, `id` an int,
    /// `name` before its rename, a `Suspended` status the reader never had, tags as bytes, and
    /// a field since removed.
    const MEMBER_V1: &str = r#"{"type":"record","name":"Member","namespace":"old","fields":[
        {"name":"id","type":"int"},
        {"name":"legacy","type":{"type":"map","values":"long"}},
        {"name":"name","type":"string"},
        {"name":"tags","type":{"type":"array","items":"bytes"}},
        {"name":"status","type":{"type":"enum","name":"Status",
            "symbols":["Suspended","Banned","Active"]}}]}"#;

    fn member(id: i32, status: u32) -> Value {
        rec(vec![
            Value::Int(id),
            Value::Map(vec![("x".into(), Value::Long(1))]),
            string("ann"),
            Value::Array(vec![Value::Bytes(b"a".to_vec())]),
            Value::Enum(status),
        ])
    }

    fn user(status: Status) -> User {
        User {
            status,
            id: 7,
            full_name: "ann".into(),
            email: None,
            score: 0.5,
            tags: vec!["a".into()],
        }
    }

    #[test]
    fn old_data_reads_into_the_new_type() {
        let v1 = schema(MEMBER_V1);
        for (symbol, status) in [
            (0, Status::Unknown),
            (1, Status::Banned),
            (2, Status::Active),
        ] {
            let bytes = encode(&v1, &member(7, symbol));
            assert_eq!(from_slice_with::<User>(&v1, &bytes), Ok(user(status)));
        }
        let resolver = Resolver::for_type::<User>(&v1).unwrap_or_else(|e| panic!("{e}"));
        assert!(!resolver.is_direct());
        assert_eq!(
            resolver.decode(&encode(&v1, &member(-1, 2))).map(|u| u.id),
            Ok(-1)
        );
    }

    #[test]
    fn data_of_the_type_itself_decodes_directly() {
        let mut u = user(Status::Active);
        u.email = Some("a@b".into());
        let own: &Schema = User::schema();
        let resolver = Resolver::for_type::<User>(own).unwrap_or_else(|e| panic!("{e}"));
        assert!(resolver.is_direct());
        assert_eq!(resolver.decode(&to_vec(&u)), Ok(u.clone()));
        assert_eq!(from_slice_with::<User>(own, &to_vec(&u)), Ok(u.clone()));
        // A parsed copy of the same schema is recognised by its fingerprint.
        let parsed = schema(&own.to_json());
        assert!(Resolver::for_type::<User>(&parsed).is_ok_and(|r| r.is_direct()));
        // The new type's data read back by the old schema's reader, dynamically.
        let old = Resolver::new(
            own,
            &schema(
                r#"{"type":"record","name":"User","namespace":"ex",
            "fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"]}]}"#,
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            old.decode(&to_vec(&u)),
            Ok(rec(vec![Value::Long(7), union(1, string("a@b"))]))
        );
    }

    #[test]
    fn unreadable_old_data_is_an_error() {
        // No `full_name` (nor `name`) and no default: the schemas never resolve.
        let v0 = schema(
            r#"{"type":"record","name":"User","namespace":"ex","fields":[
            {"name":"id","type":"long"}]}"#,
        );
        let e = from_slice_with::<User>(&v0, &[2]).unwrap_err();
        assert!(e.to_string().contains("User.status"), "{e}");
        // Data that is not a value of the writer schema.
        let v1 = schema(MEMBER_V1);
        assert!(from_slice_with::<User>(&v1, &[2, 0, 6]).is_err());
    }
}
