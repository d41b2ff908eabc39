//! Proptest strategies for dynamic [`Value`]s of a given [`Schema`]: every value generated
//! matches the schema, and pairs of values that share some fields (for delta tests).
//!
//! Values are canonical where the JSON encoding needs them to be to read back identically:
//! NaNs are the standard quiet NaN, maps have unique keys, decimals are in the shortest
//! two's-complement form (sign-extended for `fixed`) and within their precision.
//!
//! Recursive schemas terminate because every array, map and union counts against a depth
//! budget: at zero, arrays and maps are empty and a union takes its `null` branch (or its
//! first branch that is not a record), so give recursive types a nullable union.

use std::collections::HashSet;
use std::sync::Arc;

use affinity_avro::Value;
use affinity_avro::schema::{Kind, Logical, NodeId, Schema};
use proptest::prelude::*;

/// How many nested arrays, maps and unions [`arb_value`] generates.
pub const DEFAULT_DEPTH: u32 = 3;

/// Any value of `schema`.
pub fn arb_value(schema: &Schema) -> BoxedStrategy<Value> {
    arb_node(Arc::new(schema.clone()), schema.root(), DEFAULT_DEPTH)
}

/// Two values of `schema` that differ in some fields and agree on others, at every level of
/// nested records (a delta's interesting case); sometimes they are equal.
pub fn arb_value_pair(schema: &Schema) -> BoxedStrategy<(Value, Value)> {
    let shared = Arc::new(schema.clone());
    let root = schema.root();
    (
        arb_value(schema),
        arb_value(schema),
        prop::collection::vec(any::<bool>(), 1..32),
    )
        .prop_map(move |(a, b, choices)| {
            let mut choices = choices.into_iter().cycle();
            let mixed = blend(&shared, root, &a, &b, &mut choices);
            (a, mixed)
        })
        .boxed()
}

/// `a` with some record fields, at any depth, taken from `b` instead.
fn blend(
    schema: &Schema,
    id: NodeId,
    a: &Value,
    b: &Value,
    choices: &mut impl Iterator<Item = bool>,
) -> Value {
    match (&schema.node(id).kind, a, b) {
        (Kind::Record(r), Value::Record(fa), Value::Record(fb)) => Value::Record(
            r.fields
                .iter()
                .zip(fa.iter().zip(fb))
                .map(|(f, (x, y))| blend(schema, f.schema, x, y, choices))
                .collect(),
        ),
        _ if choices.next().unwrap_or(false) => b.clone(),
        _ => a.clone(),
    }
}

/// Any value of node `id`, with `depth` nested arrays, maps and unions to go.
pub fn arb_node(schema: Arc<Schema>, id: NodeId, depth: u32) -> BoxedStrategy<Value> {
    let node = schema.node(id).clone();
    match (&node.kind, node.logical) {
        (Kind::Null, _) => Just(Value::Null).boxed(),
        (Kind::Boolean, _) => any::<bool>().prop_map(Value::Boolean).boxed(),
        (Kind::Int, _) => any::<i32>().prop_map(Value::Int).boxed(),
        (Kind::Long, _) => prop_oneof![
            any::<i64>(),
            -1000i64..1000,
            Just(i64::MAX),
            Just(i64::MIN),
            Just((1i64 << 53) + 1),
        ]
        .prop_map(Value::Long)
        .boxed(),
        (Kind::Float, _) => prop_oneof![
            4 => any::<f32>().prop_map(|f| if f.is_nan() { f32::NAN } else { f }),
            1 => prop::sample::select(vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -0.0, 0.1]),
        ]
        .prop_map(Value::Float)
        .boxed(),
        (Kind::Double, _) => prop_oneof![
            4 => any::<f64>().prop_map(|f| if f.is_nan() { f64::NAN } else { f }),
            1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.1]),
        ]
        .prop_map(Value::Double)
        .boxed(),
        (Kind::Bytes, Some(Logical::Decimal { precision, .. })) => {
            decimal(precision).prop_map(Value::Bytes).boxed()
        }
        (Kind::Bytes, _) => prop::collection::vec(any::<u8>(), 0..8)
            .prop_map(Value::Bytes)
            .boxed(),
        (Kind::String, _) => arb_string().prop_map(Value::String).boxed(),
        (Kind::Fixed(f), Some(Logical::Decimal { precision, .. })) => {
            let size = f.size;
            decimal(precision)
                .prop_map(move |b| Value::Fixed(sign_extend(&b, size)))
                .boxed()
        }
        (Kind::Fixed(f), _) => prop::collection::vec(any::<u8>(), f.size)
            .prop_map(Value::Fixed)
            .boxed(),
        (Kind::Enum(e), _) => (0..e.symbols.len() as u32).prop_map(Value::Enum).boxed(),
        (Kind::Array(_), _) if depth == 0 => Just(Value::Array(Vec::new())).boxed(),
        (Kind::Array(items), _) => {
            prop::collection::vec(arb_node(schema.clone(), *items, depth - 1), 0..4)
                .prop_map(Value::Array)
                .boxed()
        }
        (Kind::Map(_), _) if depth == 0 => Just(Value::Map(Vec::new())).boxed(),
        (Kind::Map(values), _) => prop::collection::vec(
            (arb_string(), arb_node(schema.clone(), *values, depth - 1)),
            0..4,
        )
        .prop_map(|entries| {
            let mut seen = HashSet::new();
            Value::Map(
                entries
                    .into_iter()
                    .filter(|(k, _)| seen.insert(k.clone()))
                    .collect(),
            )
        })
        .boxed(),
        (Kind::Union(branches), _) if depth == 0 => {
            let i = branches
                .iter()
                .position(|b| matches!(schema.node(*b).kind, Kind::Null))
                .or_else(|| {
                    branches
                        .iter()
                        .position(|b| !matches!(schema.node(*b).kind, Kind::Record(_)))
                })
                .unwrap_or(0);
            let b = branches[i];
            arb_node(schema, b, 0)
                .prop_map(move |v| Value::Union(i as u32, Box::new(v)))
                .boxed()
        }
        (Kind::Union(branches), _) => {
            let options: Vec<BoxedStrategy<Value>> = branches
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    arb_node(schema.clone(), *b, depth - 1)
                        .prop_map(move |v| Value::Union(i as u32, Box::new(v)))
                        .boxed()
                })
                .collect();
            prop::strategy::Union::new(options).boxed()
        }
        (Kind::Record(r), _) => {
            let fields: Vec<BoxedStrategy<Value>> = r
                .fields
                .iter()
                .map(|f| arb_node(schema.clone(), f.schema, depth))
                .collect();
            fields.prop_map(Value::Record).boxed()
        }
    }
}

/// Short strings, any characters (control characters and non-BMP ones included).
pub fn arb_string() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z]{0,6}",
        prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
    ]
    .boxed()
}

/// The shortest two's-complement big-endian bytes of a number of at most `precision` digits.
fn decimal(precision: u32) -> BoxedStrategy<Vec<u8>> {
    let max = if precision >= 38 {
        i128::MAX
    } else {
        10i128.pow(precision) - 1
    };
    prop_oneof![-max..=max, -1000i128..1000]
        .prop_map(|v| shortest(&v.to_be_bytes()))
        .boxed()
}

/// `bytes` without the leading bytes that only repeat the sign (0 is `[0]`).
pub fn shortest(bytes: &[u8]) -> Vec<u8> {
    let redundant = bytes
        .windows(2)
        .take_while(|w| (w[0] == 0 && w[1] & 0x80 == 0) || (w[0] == 0xff && w[1] & 0x80 != 0))
        .count();
    bytes[redundant..].to_vec()
}

/// `bytes` (two's complement) sign-extended to `size` bytes; the caller keeps it in range.
pub fn sign_extend(bytes: &[u8], size: usize) -> Vec<u8> {
    let pad = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        0xff
    } else {
        0
    };
    let mut out = vec![pad; size.saturating_sub(bytes.len())];
    out.extend_from_slice(&bytes[bytes.len().saturating_sub(size)..]);
    out
}
