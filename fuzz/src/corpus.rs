//! The schemas the fuzz targets and `avro/tests/arbitrary_bytes.rs` decode against, how an input
//! picks one, and sample values to seed a corpus with.
//!
//! This file is shared: the fuzz crate declares it as a module and the stable property test
//! includes it by path, so both exercise the same schemas. It depends on `affinity_avro` only.

use affinity_avro::schema::{Kind, Logical, NodeId, Schema};
use affinity_avro::{Resolver, Value};

/// Schemas covering every Avro type: records (nested and recursive), unions of every kind of
/// branch, arrays and maps (nested, of zero-size items), fixed, enums and logical types.
pub const SCHEMAS: &[&str] = &[
    // 0: every primitive in a record.
    r#"{"type":"record","name":"Prims","namespace":"fuzz","fields":[
        {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},
        {"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},
        {"name":"by","type":"bytes"},{"name":"s","type":"string"}]}"#,
    // 1: a recursive tree: recursion through an array and through a union.
    r#"{"type":"record","name":"Node","namespace":"fuzz","fields":[
        {"name":"value","type":"long"},
        {"name":"children","type":{"type":"array","items":"Node"}},
        {"name":"next","type":["null","Node"]}]}"#,
    // 2: a union with a branch of every kind.
    r#"["null","boolean","int","long","float","double","bytes","string",
        {"type":"array","items":"int"},{"type":"map","values":"string"},
        {"type":"fixed","name":"F4","namespace":"fuzz","size":4},
        {"type":"enum","name":"Suit","namespace":"fuzz","symbols":["S","H","D","C"]},
        {"type":"record","name":"Point","namespace":"fuzz","fields":[
            {"name":"x","type":"int"},{"name":"y","type":"int"}]}]"#,
    // 3: nested collections.
    r#"{"type":"map","values":{"type":"array","items":["null","string",
        {"type":"map","values":"long"}]}}"#,
    // 4: zero-size items: arrays of empty records and of nulls.
    r#"{"type":"record","name":"Zeros","namespace":"fuzz","fields":[
        {"name":"empties","type":{"type":"array","items":
            {"type":"record","name":"Empty","fields":[]}}},
        {"name":"nulls","type":{"type":"array","items":"null"}},
        {"name":"m","type":{"type":"map","values":"Empty"}}]}"#,
    // 5: logical types.
    r#"{"type":"record","name":"Logicals","namespace":"fuzz","fields":[
        {"name":"id","type":{"type":"string","logicalType":"uuid"}},
        {"name":"id16","type":{"type":"fixed","name":"Id16","size":16,"logicalType":"uuid"}},
        {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"at_us","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"at_ns","type":{"type":"long","logicalType":"timestamp-nanos"}},
        {"name":"local","type":{"type":"long","logicalType":"local-timestamp-micros"}},
        {"name":"day","type":{"type":"int","logicalType":"date"}},
        {"name":"tod","type":{"type":"int","logicalType":"time-millis"}},
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
        {"name":"amount","type":{"type":"fixed","name":"Amount","size":8,
            "logicalType":"decimal","precision":18,"scale":4}},
        {"name":"span","type":{"type":"fixed","name":"Span","size":12,"logicalType":"duration"}}]}"#,
    // 6: nested records, as the delta codec sees them.
    r#"{"type":"record","name":"Outer","namespace":"fuzz","fields":[
        {"name":"id","type":"long"},
        {"name":"inner","type":{"type":"record","name":"Inner","fields":[
            {"name":"a","type":"int"},{"name":"b","type":"string"},
            {"name":"tags","type":{"type":"array","items":"string"}},
            {"name":"deep","type":{"type":"record","name":"Deep","fields":[
                {"name":"flag","type":"boolean"},{"name":"score","type":"double"}]}}]}},
        {"name":"opt","type":["null","Inner"]},
        {"name":"counts","type":{"type":"map","values":"long"}},
        {"name":"suit","type":{"type":"enum","name":"Suit","symbols":["S","H","D","C"]}},
        {"name":"hash","type":{"type":"fixed","name":"Hash","size":2}},
        {"name":"f9","type":"int"},{"name":"f10","type":"int"}]}"#,
    // 7: a linked list through a union, the deepest nesting per byte.
    r#"{"type":"record","name":"List","namespace":"fuzz","fields":[
        {"name":"next","type":["null","List"]}]}"#,
];

/// Pairs of (writer, reader) schemas that schema resolution must handle: promotions, added
/// fields with defaults, removed fields, enum defaults, union branch matching, aliases.
pub const RESOLUTIONS: &[(&str, &str)] = &[
    (
        r#"{"type":"record","name":"V","namespace":"fuzz","fields":[
            {"name":"id","type":"int"},{"name":"gone","type":"string"},
            {"name":"tags","type":{"type":"array","items":"int"}},
            {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B","C"]}},
            {"name":"opt","type":["null","int"]},{"name":"f","type":"float"},
            {"name":"m","type":{"type":"map","values":"string"}}]}"#,
        r#"{"type":"record","name":"V","namespace":"fuzz","fields":[
            {"name":"ident","aliases":["id"],"type":"long"},
            {"name":"tags","type":{"type":"array","items":"double"}},
            {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B"],"default":"A"}},
            {"name":"opt","type":["null","long","string"]},{"name":"f","type":"double"},
            {"name":"m","type":{"type":"map","values":"bytes"}},
            {"name":"added","type":"string","default":"x"}]}"#,
    ),
    (
        r#"["int","string",{"type":"record","name":"R","namespace":"fuzz","fields":[
            {"name":"x","type":"float"}]}]"#,
        r#"["null","long",{"type":"record","name":"R","namespace":"fuzz","fields":[
            {"name":"x","type":"double"},{"name":"y","type":"int","default":0}]},"bytes"]"#,
    ),
    (
        r#"{"type":"record","name":"List","namespace":"fuzz","fields":[
            {"name":"v","type":"int"},{"name":"next","type":["null","List"]}]}"#,
        r#"{"type":"record","name":"List","namespace":"fuzz","fields":[
            {"name":"next","type":["null","List"]},{"name":"v","type":"long"}]}"#,
    ),
];

/// What a fuzz input's first byte picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Decode as `SCHEMAS[i]` (first byte below 0x80).
    Schema(usize),
    /// Read through the resolution `RESOLUTIONS[i]` (first byte 0x80 or above).
    Resolution(usize),
}

/// Splits a fuzz input into what its first byte picks and the bytes to decode; `None` for an
/// empty input.
pub fn select(data: &[u8]) -> Option<(Pick, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let n = usize::from(first & 0x7f);
    let pick = if first < 0x80 {
        Pick::Schema(n % SCHEMAS.len())
    } else {
        Pick::Resolution(n % RESOLUTIONS.len())
    };
    Some((pick, rest))
}

/// What a `delta_apply` input's first byte picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeltaPick {
    /// A delta to a base value of `SCHEMAS[i]`, applied dynamically (first byte below 0x80).
    Schema(usize),
    /// A delta to a base value of the typed type number `n` (first byte 0x80 or above).
    Typed(u8),
}

/// Splits a `delta_apply` input into what its first byte picks, the base-value variant (its
/// second byte, modulo 4) and the delta.
pub fn select_delta(data: &[u8]) -> Option<(DeltaPick, u32, &[u8])> {
    let [first, second, rest @ ..] = data else {
        return None;
    };
    let pick = if *first < 0x80 {
        DeltaPick::Schema(usize::from(*first) % SCHEMAS.len())
    } else {
        DeltaPick::Typed(first & 0x7f)
    };
    Some((pick, u32::from(*second % 4), rest))
}

/// The base value the `delta_apply` target applies deltas to: a sample of nesting depth 2.
pub fn base_value(schema: &Schema, variant: u32) -> Value {
    sample_value(schema, schema.root(), variant, 2)
}

/// Parses a schema of this file.
///
/// # Panics
/// If it does not parse: a defect of this file, found by the first run.
pub fn parse(json: &str) -> Schema {
    match Schema::parse(json) {
        Ok(s) => s,
        Err(e) => unreachable!("a fuzz schema does not parse: {e}\n{json}"),
    }
}

/// Parses [`SCHEMAS`].
pub fn parse_schemas() -> Vec<Schema> {
    SCHEMAS.iter().map(|json| parse(json)).collect()
}

/// Builds the resolvers of [`RESOLUTIONS`].
///
/// # Panics
/// If one of them does not resolve: a defect of this file, found by the first run.
pub fn resolvers() -> Vec<Resolver> {
    RESOLUTIONS
        .iter()
        .map(|(w, r)| match Resolver::new(&parse(w), &parse(r)) {
            Ok(res) => res,
            Err(e) => unreachable!("a fuzz resolution does not resolve: {e}\n{w}\n{r}"),
        })
        .collect()
}

/// A valid value of node `id` that varies with `variant`. Below `depth` zero, collections are
/// empty and unions take a branch that is not a record or collection where they have one, so
/// recursive schemas end.
pub fn sample_value(schema: &Schema, id: NodeId, variant: u32, depth: u32) -> Value {
    let node = schema.node(id);
    let v = variant;
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Boolean => Value::Boolean(v % 2 == 1),
        Kind::Int => Value::Int(match node.logical {
            Some(Logical::Date) => 19_000 + v as i32,
            _ => (v as i32).wrapping_mul(1_000_003) - 64,
        }),
        Kind::Long => Value::Long(match node.logical {
            Some(_) => 1_700_000_000_000 + i64::from(v),
            None => i64::from(v).wrapping_mul(-7_000_000_019),
        }),
        Kind::Float => Value::Float(v as f32 * 1.5 - 2.0),
        Kind::Double => Value::Double(f64::from(v) * -0.25 + 1e10),
        Kind::Bytes => Value::Bytes(match node.logical {
            Some(Logical::Decimal { .. }) => vec![0x04, 0xd2],
            _ => (0..v % 5).map(|i| (i * 61 + v) as u8).collect(),
        }),
        Kind::String => Value::String(match node.logical {
            Some(Logical::Uuid) => format!("67e55044-10b1-426f-9247-bb680e5fe0{:02x}", v % 256),
            _ => ["", "a", "héllo", "k3y", "\u{1f600}"][v as usize % 5].to_owned(),
        }),
        Kind::Fixed(f) => Value::Fixed((0..f.size).map(|i| (i as u32 + v) as u8).collect()),
        Kind::Enum(e) => Value::Enum(v % e.symbols.len().max(1) as u32),
        Kind::Union(branches) => {
            let shallow = |b: &NodeId| {
                !matches!(
                    schema.node(*b).kind,
                    Kind::Record(_) | Kind::Array(_) | Kind::Map(_)
                )
            };
            let i = if depth == 0 {
                branches.iter().position(shallow).unwrap_or(0)
            } else {
                v as usize % branches.len()
            };
            let inner = sample_value(schema, branches[i], v / 2, depth.saturating_sub(1));
            Value::Union(i as u32, Box::new(inner))
        }
        Kind::Array(items) => Value::Array(if depth == 0 {
            Vec::new()
        } else {
            (0..1 + v % 3)
                .map(|i| sample_value(schema, *items, v + i, depth - 1))
                .collect()
        }),
        Kind::Map(values) => Value::Map(if depth == 0 {
            Vec::new()
        } else {
            (0..1 + v % 3)
                .map(|i| {
                    (
                        format!("k{i}"),
                        sample_value(schema, *values, v + i, depth - 1),
                    )
                })
                .collect()
        }),
        Kind::Record(r) => Value::Record(
            r.fields
                .iter()
                .enumerate()
                .map(|(i, f)| sample_value(schema, f.schema, v + i as u32, depth.saturating_sub(1)))
                .collect(),
        ),
    }
}
