//! Bridges to apache-avro, the reference implementation, for interoperability tests.

#![allow(dead_code)]

use std::collections::HashMap;

use affinity_avro::Value;
use affinity_avro::schema::{Kind, Logical, NodeId, Schema};
use apache_avro::types::Value as Apache;

/// Parses our schema's JSON with apache-avro.
pub fn apache_schema(schema: &Schema) -> apache_avro::Schema {
    apache_avro::Schema::parse_str(&schema.to_json())
        .unwrap_or_else(|e| panic!("apache-avro rejects our schema: {e}\n{}", schema.to_json()))
}

/// apache-avro's Rabin fingerprint of a schema, as a u64.
pub fn apache_fingerprint(schema: &apache_avro::Schema) -> u64 {
    let fp = schema.fingerprint::<apache_avro::rabin::Rabin>();
    u64::from_le_bytes(
        fp.bytes
            .try_into()
            .unwrap_or_else(|b: Vec<u8>| panic!("fingerprint of {} bytes", b.len())),
    )
}

/// apache-avro's decoding of `bytes` written with `schema`, all bytes consumed.
///
/// `from_avro_datum`/`to_avro_datum` are deprecated in 0.22 in favour of datum reader/writer
/// types, but they are the plain single-datum API this comparison is about.
#[allow(deprecated)]
pub fn apache_decode(schema: &apache_avro::Schema, bytes: &[u8]) -> Apache {
    let mut rest = bytes;
    let v = apache_avro::from_avro_datum(schema, &mut rest, None)
        .unwrap_or_else(|e| panic!("apache-avro cannot decode our bytes {bytes:?}: {e}"));
    assert!(rest.is_empty(), "apache-avro left {} bytes", rest.len());
    v
}

/// apache-avro's encoding of `value` with `schema`.
#[allow(deprecated)]
pub fn apache_encode(schema: &apache_avro::Schema, value: Apache) -> Vec<u8> {
    apache_avro::to_avro_datum(schema, value)
        .unwrap_or_else(|e| panic!("apache-avro cannot encode: {e}"))
}

/// Our dynamic value, as apache-avro represents the same datum.
pub fn to_apache(schema: &Schema, value: &Value) -> Apache {
    convert(schema, schema.root(), value)
}

fn convert(schema: &Schema, id: NodeId, value: &Value) -> Apache {
    let node = schema.node(id);
    match (&node.kind, value) {
        (_, Value::Null) => Apache::Null,
        (_, Value::Boolean(b)) => Apache::Boolean(*b),
        (_, Value::Int(v)) => match node.logical {
            Some(Logical::Date) => Apache::Date(*v),
            Some(Logical::TimeMillis) => Apache::TimeMillis(*v),
            _ => Apache::Int(*v),
        },
        (_, Value::Long(v)) => match node.logical {
            Some(Logical::TimeMicros) => Apache::TimeMicros(*v),
            Some(Logical::TimestampMillis) => Apache::TimestampMillis(*v),
            Some(Logical::TimestampMicros) => Apache::TimestampMicros(*v),
            Some(Logical::TimestampNanos) => Apache::TimestampNanos(*v),
            Some(Logical::LocalTimestampMillis) => Apache::LocalTimestampMillis(*v),
            Some(Logical::LocalTimestampMicros) => Apache::LocalTimestampMicros(*v),
            Some(Logical::LocalTimestampNanos) => Apache::LocalTimestampNanos(*v),
            _ => Apache::Long(*v),
        },
        (_, Value::Float(v)) => Apache::Float(*v),
        (_, Value::Double(v)) => Apache::Double(*v),
        (_, Value::Bytes(b)) => match node.logical {
            Some(Logical::Decimal { .. }) => Apache::Decimal(apache_avro::Decimal::from(b)),
            _ => Apache::Bytes(b.clone()),
        },
        (_, Value::String(s)) => match node.logical {
            Some(Logical::Uuid) => {
                Apache::Uuid(s.parse().unwrap_or_else(|e| panic!("uuid {s:?}: {e}")))
            }
            _ => Apache::String(s.clone()),
        },
        (Kind::Fixed(f), Value::Fixed(b)) => match node.logical {
            Some(Logical::Decimal { .. }) => Apache::Decimal(apache_avro::Decimal::from(b)),
            Some(Logical::Duration) => {
                let a: [u8; 12] = b
                    .as_slice()
                    .try_into()
                    .unwrap_or_else(|_| panic!("duration of {} bytes", b.len()));
                Apache::Duration(apache_avro::Duration::from(a))
            }
            Some(Logical::Uuid) => {
                Apache::Uuid(uuid::Uuid::from_slice(b).unwrap_or_else(|e| panic!("{e}")))
            }
            _ => Apache::Fixed(f.size, b.clone()),
        },
        (Kind::Enum(e), Value::Enum(i)) => Apache::Enum(*i, e.symbols[*i as usize].clone()),
        (Kind::Array(items), Value::Array(vs)) => {
            Apache::Array(vs.iter().map(|v| convert(schema, *items, v)).collect())
        }
        (Kind::Map(values), Value::Map(vs)) => Apache::Map(
            vs.iter()
                .map(|(k, v)| (k.clone(), convert(schema, *values, v)))
                .collect::<HashMap<_, _>>(),
        ),
        (Kind::Union(branches), Value::Union(i, v)) => {
            Apache::Union(*i, Box::new(convert(schema, branches[*i as usize], v)))
        }
        (Kind::Record(r), Value::Record(vs)) => Apache::Record(
            r.fields
                .iter()
                .zip(vs)
                .map(|(f, v)| (f.name.clone(), convert(schema, f.schema, v)))
                .collect(),
        ),
        (kind, v) => panic!("value {v:?} does not match {}", kind.type_name()),
    }
}
