//! The order-preserving key encoding against the Avro specification's sort order.
//!
//! `avro_cmp` below is an independent implementation of the "Sort Order" section of the Avro
//! 1.12 specification (with IEEE 754 totalOrder for floats, as the encoding documents); the
//! properties check the encoding against it on random values of several key schemas.

use std::cmp::Ordering;

use affinity::store::{KeyCodec, KeyError, TypedKeyCodec};
use affinity_avro::schema::{Kind, NodeId, Order};
use affinity_avro::{Avro, Schema, Value, encode_value};
use proptest::prelude::*;

fn parse(json: &str) -> Schema {
    Schema::parse(json).unwrap_or_else(|e| unreachable!("test schema: {e}"))
}

/// The Avro sort order of two values of node `id`, written from the specification.
fn avro_cmp(schema: &Schema, id: NodeId, a: &Value, b: &Value) -> Ordering {
    match (&schema.node(id).kind, a, b) {
        (Kind::Null, _, _) => Ordering::Equal,
        (Kind::Boolean, Value::Boolean(x), Value::Boolean(y)) => x.cmp(y),
        (Kind::Int, Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Kind::Long, Value::Long(x), Value::Long(y)) => x.cmp(y),
        (Kind::Float, Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        (Kind::Double, Value::Double(x), Value::Double(y)) => x.total_cmp(y),
        (Kind::Bytes, Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        (Kind::Fixed(_), Value::Fixed(x), Value::Fixed(y)) => x.cmp(y),
        // "compared lexicographically by Unicode code point"
        (Kind::String, Value::String(x), Value::String(y)) => x.chars().cmp(y.chars()),
        (Kind::Enum(_), Value::Enum(x), Value::Enum(y)) => x.cmp(y),
        (Kind::Union(bs), Value::Union(i, x), Value::Union(j, y)) => i
            .cmp(j)
            .then_with(|| avro_cmp(schema, bs[*i as usize], x, y)),
        (Kind::Array(items), Value::Array(xs), Value::Array(ys)) => {
            for (x, y) in xs.iter().zip(ys) {
                let o = avro_cmp(schema, *items, x, y);
                if o != Ordering::Equal {
                    return o;
                }
            }
            xs.len().cmp(&ys.len())
        }
        (Kind::Record(r), Value::Record(xs), Value::Record(ys)) => {
            for ((f, x), y) in r.fields.iter().zip(xs).zip(ys) {
                let o = match f.order {
                    Order::Ascending => avro_cmp(schema, f.schema, x, y),
                    Order::Descending => avro_cmp(schema, f.schema, y, x),
                    Order::Ignore => Ordering::Equal,
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        }
        (kind, _, _) => unreachable!("values do not match {}", kind.type_name()),
    }
}

/// `a` with the ignored fields of `b` wherever the two line up: a value the sort order calls
/// equal to `a` that often differs from it in bytes.
fn mix(schema: &Schema, id: NodeId, a: &Value, b: &Value) -> Value {
    match (&schema.node(id).kind, a, b) {
        (Kind::Record(r), Value::Record(xs), Value::Record(ys)) => Value::Record(
            r.fields
                .iter()
                .zip(xs.iter().zip(ys))
                .map(|(f, (x, y))| match f.order {
                    Order::Ignore => y.clone(),
                    _ => mix(schema, f.schema, x, y),
                })
                .collect(),
        ),
        (Kind::Array(items), Value::Array(xs), Value::Array(ys)) => Value::Array(
            xs.iter()
                .enumerate()
                .map(|(n, x)| {
                    ys.get(n)
                        .map_or_else(|| x.clone(), |y| mix(schema, *items, x, y))
                })
                .collect(),
        ),
        (Kind::Union(bs), Value::Union(i, x), Value::Union(j, y)) if i == j => {
            Value::Union(*i, Box::new(mix(schema, bs[*i as usize], x, y)))
        }
        _ => a.clone(),
    }
}

fn avro_bytes(schema: &Schema, v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_value(schema, v, &mut out).unwrap_or_else(|e| unreachable!("generated value: {e}"));
    out
}

/// Values of node `id`, from small domains (so that random pairs often share parts) mixed with
/// arbitrary ones.
fn arb(schema: &'static Schema, id: NodeId, depth: u32) -> BoxedStrategy<Value> {
    let small_str = "[ab\u{0}\u{e9}\u{10000}]{0,3}";
    match &schema.node(id).kind {
        Kind::Null => Just(Value::Null).boxed(),
        Kind::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        Kind::Int => prop_oneof![-2i32..3, Just(i32::MIN), Just(i32::MAX), any::<i32>()]
            .prop_map(Value::Int)
            .boxed(),
        Kind::Long => prop_oneof![-2i64..3, Just(i64::MIN), Just(i64::MAX), any::<i64>()]
            .prop_map(Value::Long)
            .boxed(),
        Kind::Float => prop_oneof![
            prop::sample::select(vec![
                0.0f32,
                -0.0,
                1.0,
                -1.0,
                f32::NAN,
                -f32::NAN,
                f32::INFINITY
            ]),
            any::<f32>(),
            any::<u32>().prop_map(f32::from_bits),
        ]
        .prop_map(Value::Float)
        .boxed(),
        Kind::Double => prop_oneof![
            prop::sample::select(vec![
                0.0f64,
                -0.0,
                1.0,
                -1.0,
                f64::NAN,
                -f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MIN_POSITIVE,
            ]),
            any::<f64>(),
            any::<u64>().prop_map(f64::from_bits),
        ]
        .prop_map(Value::Double)
        .boxed(),
        Kind::Bytes => prop_oneof![
            prop::collection::vec(prop::sample::select(vec![0u8, 1, 0xFF]), 0..4),
            prop::collection::vec(any::<u8>(), 0..8),
        ]
        .prop_map(Value::Bytes)
        .boxed(),
        Kind::String => prop_oneof![small_str, any::<String>()]
            .prop_map(Value::String)
            .boxed(),
        Kind::Fixed(f) => {
            prop::collection::vec(prop::sample::select(vec![0u8, 1, 0x7F, 0xFF]), f.size)
                .prop_map(Value::Fixed)
                .boxed()
        }
        Kind::Enum(e) => (0..e.symbols.len() as u32).prop_map(Value::Enum).boxed(),
        Kind::Union(branches) => {
            let options: Vec<_> = branches
                .iter()
                .enumerate()
                .filter(|(_, b)| depth > 0 || !matches!(schema.node(**b).kind, Kind::Record(_)))
                .map(|(i, b)| {
                    arb(schema, *b, depth.saturating_sub(1))
                        .prop_map(move |v| Value::Union(i as u32, Box::new(v)))
                        .boxed()
                })
                .collect();
            proptest::strategy::Union::new(options).boxed()
        }
        Kind::Array(items) => prop::collection::vec(arb(schema, *items, depth), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        Kind::Map(values) => {
            prop::collection::vec(("[ab]{0,2}", arb(schema, *values, depth)), 0..3)
                .prop_map(Value::Map)
                .boxed()
        }
        Kind::Record(r) => r
            .fields
            .iter()
            .map(|f| arb(schema, f.schema, depth))
            .collect::<Vec<_>>()
            .prop_map(Value::Record)
            .boxed(),
    }
}

const SCHEMAS: &[&str] = &[
    r#""long""#,
    r#""int""#,
    r#""double""#,
    r#""float""#,
    r#""string""#,
    r#""bytes""#,
    r#"{"type":"record","name":"K1","fields":[
        {"name":"a","type":"int"},
        {"name":"b","type":"string","order":"descending"},
        {"name":"c","type":["null","boolean","bytes",{"type":"fixed","name":"F","size":2}]},
        {"name":"d","type":{"type":"enum","name":"E","symbols":["Z","A","M"]}},
        {"name":"e","type":{"type":"array","items":"long"}},
        {"name":"f","type":"float"}]}"#,
    r#"{"type":"record","name":"K2","fields":[
        {"name":"id","type":"long"},
        {"name":"tags","type":{"type":"map","values":"string"},"order":"ignore"},
        {"name":"nested","type":{"type":"record","name":"N","fields":[
            {"name":"x","type":"double","order":"descending"},
            {"name":"names","type":{"type":"array","items":{"type":"array","items":"string"}}},
            {"name":"seen","type":"boolean","order":"ignore"}]},"order":"descending"},
        {"name":"when","type":"long","order":"descending"}]}"#,
    r#"["null","int","string",{"type":"record","name":"R","fields":[{"name":"v","type":"bytes"}]}]"#,
    r#"{"type":"record","name":"L","fields":[
        {"name":"v","type":"int"},
        {"name":"next","type":["null","L"]}]}"#,
    r#"{"type":"array","items":{"type":"record","name":"P","fields":[
        {"name":"k","type":"string"},
        {"name":"n","type":"null"},
        {"name":"w","type":"int","order":"ignore"}]}}"#,
];

fn schemas() -> &'static [Schema] {
    static SCHEMAS_PARSED: std::sync::OnceLock<Vec<Schema>> = std::sync::OnceLock::new();
    SCHEMAS_PARSED.get_or_init(|| SCHEMAS.iter().map(|s| parse(s)).collect())
}

/// A schema index with `n` values of it.
fn arb_values(n: usize) -> impl Strategy<Value = (usize, Vec<Value>)> {
    (0..SCHEMAS.len()).prop_flat_map(move |i| {
        let s = &schemas()[i];
        (Just(i), prop::collection::vec(arb(s, s.root(), 3), n))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn key_order_is_the_avro_order((i, vs) in arb_values(2)) {
        let schema = &schemas()[i];
        let codec = KeyCodec::new(schema).unwrap_or_else(|e| unreachable!("{e}"));
        let a = &vs[0];
        // An independent value, and one the order calls equal to `a` but for ignored fields.
        for b in [vs[1].clone(), mix(schema, schema.root(), a, &vs[1])] {
            let (ka, kb) = (codec.to_vec(a)?, codec.to_vec(&b)?);
            let order = avro_cmp(schema, schema.root(), a, &b);
            if order != Ordering::Equal {
                prop_assert_eq!(ka.cmp(&kb), order);
            }
            // Keys are equal exactly when the Avro encodings are (the key's identity in Kafka).
            prop_assert_eq!(ka == kb, avro_bytes(schema, a) == avro_bytes(schema, &b));
        }
    }

    #[test]
    fn keys_decode_to_the_same_value((i, vs) in arb_values(1)) {
        let schema = &schemas()[i];
        let codec = KeyCodec::new(schema).unwrap_or_else(|e| unreachable!("{e}"));
        let key = codec.to_vec(&vs[0])?;
        let back = codec.decode(&key)?;
        prop_assert!(back.same_encoding(&vs[0]), "{:?} came back as {:?}", vs[0], back);
        let mut avro = Vec::new();
        codec.to_avro(&key, &mut avro)?;
        prop_assert_eq!(&avro, &avro_bytes(schema, &vs[0]));
        let mut again = Vec::new();
        codec.from_avro(&avro, &mut again)?;
        prop_assert_eq!(again, key);
    }

    #[test]
    fn sorting_keys_sorts_values((i, vs) in arb_values(12)) {
        let schema = &schemas()[i];
        let codec = KeyCodec::new(schema).unwrap_or_else(|e| unreachable!("{e}"));
        let mut keyed = vs.iter().map(|v| Ok((codec.to_vec(v)?, v))).collect::<Result<Vec<_>, KeyError>>()?;
        keyed.sort_by(|x, y| x.0.cmp(&y.0));
        for w in keyed.windows(2) {
            prop_assert_ne!(avro_cmp(schema, schema.root(), w[0].1, w[1].1), Ordering::Greater);
        }
    }

    /// Any bytes either fail to decode or are exactly the key of what they decode to.
    #[test]
    fn arbitrary_bytes_decode_only_as_canonical_keys(i in 0..SCHEMAS.len(), bytes in prop::collection::vec(prop::sample::select(vec![0u8, 1, 2, 0x7F, 0x80, 0xFE, 0xFF]), 0..40)) {
        let schema = &schemas()[i];
        let codec = KeyCodec::new(schema).unwrap_or_else(|e| unreachable!("{e}"));
        if let Ok(v) = codec.decode(&bytes) {
            prop_assert_eq!(codec.to_vec(&v)?, bytes);
        }
    }

    /// All keys whose first fields equal a given prefix start with its encoding, and only they.
    #[test]
    fn record_prefixes_select_exactly_their_keys((i, vs) in (6usize..8).prop_flat_map(|i| {
        let s = &schemas()[i];
        (Just(i), prop::collection::vec(arb(s, s.root(), 2), 16))
    }), fields in 1usize..3) {
        let schema = &schemas()[i];
        let codec = KeyCodec::new(schema).unwrap_or_else(|e| unreachable!("{e}"));
        let Kind::Record(rec) = &schema.root_node().kind else { unreachable!() };
        let mut keys = vs.iter().map(|v| codec.to_vec(v)).collect::<Result<Vec<_>, _>>()?;
        keys.sort();
        let Value::Record(first) = &vs[0] else { unreachable!() };
        let prefix = codec.prefix_to_vec(&first[..fields])?;
        for k in &keys {
            let Value::Record(other) = codec.decode(k)? else { unreachable!() };
            let same = rec.fields[..fields].iter().zip(first).zip(&other).all(|((f, x), y)| {
                f.order == Order::Ignore || avro_cmp(schema, f.schema, x, y) == Ordering::Equal
            });
            prop_assert_eq!(k.starts_with(&prefix), same);
        }
        // ... so they are one contiguous run of the sorted keys.
        let hits: Vec<usize> = keys.iter().enumerate().filter(|(_, k)| k.starts_with(&prefix)).map(|(n, _)| n).collect();
        prop_assert!(hits.windows(2).all(|w| w[1] == w[0] + 1), "{hits:?}");
        prop_assert!(!hits.is_empty());
    }
}

#[test]
fn spec_examples_sort_as_documented() -> Result<(), KeyError> {
    let enums = parse(r#"{"type":"enum","name":"E","symbols":["z","a"]}"#);
    let c = KeyCodec::new(&enums)?;
    // "an enum whose symbols are ["z", "a"] would sort "z" symbols before "a" symbols"
    assert!(c.to_vec(&Value::Enum(0))? < c.to_vec(&Value::Enum(1))?);
    let union = parse(r#"["int","string"]"#);
    let c = KeyCodec::new(&union)?;
    // "an ["int", "string"] union would order all int values before all string values"
    let big_int = c.to_vec(&Value::Union(0, Box::new(Value::Int(i32::MAX))))?;
    let small_string = c.to_vec(&Value::Union(1, Box::new(Value::String(String::new()))))?;
    assert!(big_int < small_string);
    let strings = parse(r#""string""#);
    let c = KeyCodec::new(&strings)?;
    let ordered = ["", "\0", "a", "a\0", "ab", "b", "\u{e9}", "\u{10000}"];
    let keys = ordered
        .iter()
        .map(|s| c.to_vec(&Value::String((*s).into())))
        .collect::<Result<Vec<_>, _>>()?;
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    Ok(())
}

#[test]
fn maps_outside_ignored_fields_are_rejected() {
    let s = parse(
        r#"{"type":"record","name":"K","fields":[{"name":"m","type":{"type":"map","values":"int"}}]}"#,
    );
    assert_eq!(
        KeyCodec::new(&s).err(),
        Some(KeyError::Unorderable { path: "m".into() })
    );
}

#[test]
fn a_mismatched_value_is_an_error_and_writes_nothing() {
    let s = &schemas()[6];
    let c = KeyCodec::new(s).unwrap_or_else(|e| unreachable!("{e}"));
    let mut out = b"kept".to_vec();
    let bad = Value::Record(vec![
        Value::Int(1),
        Value::String("x".into()),
        Value::Union(3, Box::new(Value::Fixed(vec![1, 2, 3]))),
        Value::Enum(0),
        Value::Array(vec![]),
        Value::Float(0.0),
    ]);
    let err = c.encode(&bad, &mut out);
    assert_eq!(
        err,
        Err(KeyError::Mismatch {
            path: "c.<branch 3>".into(),
            expected: "fixed F".into()
        })
    );
    assert_eq!(out, b"kept");
    assert!(matches!(
        c.encode(&Value::Int(1), &mut out),
        Err(KeyError::Mismatch { .. })
    ));
    assert_eq!(out, b"kept");
}

#[test]
fn malformed_keys_are_errors() {
    let s = parse(
        r#"{"type":"record","name":"K","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}"#,
    );
    let c = KeyCodec::new(&s).unwrap_or_else(|e| unreachable!("{e}"));
    let key = c
        .to_vec(&Value::Record(vec![
            Value::Long(1),
            Value::String("hi".into()),
        ]))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(c.decode(&key[..5]), Err(KeyError::Truncated(5)));
    let mut long = key.clone();
    long.push(0);
    assert_eq!(c.decode(&long), Err(KeyError::TrailingBytes(1)));
    let mut bad_utf8 = key[..8].to_vec();
    bad_utf8.extend_from_slice(&[0xC3, 0x28, 0, 0]);
    assert!(matches!(
        c.decode(&bad_utf8),
        Err(KeyError::Malformed { pos: 8, .. })
    ));
    let mut out = b"kept".to_vec();
    assert!(c.to_avro(&key[..9], &mut out).is_err());
    assert_eq!(out, b"kept");
}

#[test]
fn nesting_is_bounded_both_ways() {
    let s = &schemas()[9];
    let c = KeyCodec::new(s).unwrap_or_else(|e| unreachable!("{e}"));
    let mut v = Value::Record(vec![Value::Int(0), Value::Union(0, Box::new(Value::Null))]);
    for i in 0..200 {
        v = Value::Record(vec![Value::Int(i), Value::Union(1, Box::new(v))]);
    }
    assert_eq!(
        c.to_vec(&v),
        Err(KeyError::TooDeep(affinity_avro::binary::MAX_DEPTH))
    );
    // The same chain as bytes: int (4 bytes) then branch 1, 200 times.
    let mut key = Vec::new();
    for _ in 0..200 {
        key.extend_from_slice(&[0x80, 0, 0, 0, 1]);
    }
    assert_eq!(
        c.decode(&key),
        Err(KeyError::TooDeep(affinity_avro::binary::MAX_DEPTH))
    );
}

#[test]
fn prefix_errors() {
    let c = KeyCodec::new(&schemas()[0]).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(
        c.prefix_to_vec(&[Value::Long(1)]),
        Err(KeyError::NotARecord("long"))
    );
    let c = KeyCodec::new(&schemas()[9]).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(
        c.prefix_to_vec(&[
            Value::Int(1),
            Value::Union(0, Box::new(Value::Null)),
            Value::Null
        ]),
        Err(KeyError::TooManyFields {
            given: 3,
            fields: 2
        })
    );
    assert!(
        matches!(c.prefix_to_vec(&[Value::Long(1)]), Err(KeyError::Mismatch { path, .. }) if path == "v")
    );
    assert_eq!(c.prefix_to_vec(&[]), Ok(Vec::new()));
}

#[derive(Avro, Clone, Debug, PartialEq, PartialOrd)]
#[avro(namespace = "com.example.keys")]
struct UserKey {
    tenant: String,
    id: i64,
    shard: Option<i32>,
}

#[test]
fn typed_keys_sort_like_their_fields() {
    let codec = TypedKeyCodec::<UserKey>::new().unwrap_or_else(|e| unreachable!("{e}"));
    let keys = [
        UserKey {
            tenant: "".into(),
            id: i64::MAX,
            shard: Some(0),
        },
        UserKey {
            tenant: "a".into(),
            id: -5,
            shard: None,
        },
        UserKey {
            tenant: "a".into(),
            id: -5,
            shard: Some(i32::MIN),
        },
        UserKey {
            tenant: "a".into(),
            id: -5,
            shard: Some(-1),
        },
        UserKey {
            tenant: "a".into(),
            id: 0,
            shard: None,
        },
        UserKey {
            tenant: "ab".into(),
            id: i64::MIN,
            shard: None,
        },
        UserKey {
            tenant: "b".into(),
            id: 1,
            shard: None,
        },
    ];
    let encoded: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| codec.to_vec(k).unwrap_or_else(|e| unreachable!("{e}")))
        .collect();
    assert!(encoded.windows(2).all(|w| w[0] < w[1]));
    for (k, e) in keys.iter().zip(&encoded) {
        assert_eq!(codec.decode(e).as_ref(), Ok(k));
    }
    // A prefix scan over one tenant: the tenant's keys and no others.
    let prefix = codec
        .codec()
        .prefix_to_vec(&[Value::String("a".into())])
        .unwrap_or_else(|e| unreachable!("{e}"));
    let hits: Vec<_> = encoded.iter().filter(|e| e.starts_with(&prefix)).collect();
    assert_eq!(hits.len(), 4);
}

proptest! {
    #[test]
    fn typed_i64_and_string_keys_sort_numerically_and_by_code_point(a: i64, b: i64, s: String, t: String) {
        let longs = TypedKeyCodec::<i64>::new()?;
        prop_assert_eq!(longs.to_vec(&a)?.cmp(&longs.to_vec(&b)?), a.cmp(&b));
        prop_assert_eq!(longs.decode(&longs.to_vec(&a)?)?, a);
        let strings = TypedKeyCodec::<String>::new()?;
        prop_assert_eq!(strings.to_vec(&s)?.cmp(&strings.to_vec(&t)?), s.chars().cmp(t.chars()));
        prop_assert_eq!(strings.decode(&strings.to_vec(&s)?)?, s);
    }
}
