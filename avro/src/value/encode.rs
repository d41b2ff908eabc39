//! [`Value`] → Avro binary, checked against a schema.

use crate::binary::{
    write_bool, write_bytes, write_double, write_float, write_int, write_long, write_str,
};
use crate::schema::{Kind, NodeId, Schema};
use crate::{EncodeError, Value};

/// Encodes `value` as a value of `schema`, appending to `out`. A value that does not match
/// the schema is an error, and then `out` is left as it was.
///
/// ```
/// use affinity_avro::{Schema, Value, encode_value};
/// let s = Schema::parse(r#"{"type":"array","items":"int"}"#)?;
/// let mut out = Vec::new();
/// encode_value(&s, &Value::Array(vec![Value::Int(1), Value::Int(-1)]), &mut out)?;
/// assert_eq!(out, [4, 2, 1, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_value(schema: &Schema, value: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let start = out.len();
    write_value(schema, schema.root(), value, out).inspect_err(|_| out.truncate(start))
}

/// The error for a value that is not a value of node `id`.
pub(crate) fn mismatch(schema: &Schema, id: NodeId) -> EncodeError {
    let kind = &schema.node(id).kind;
    let expected = match kind.name() {
        Some(n) => format!("{} {}", kind.type_name(), n),
        None => kind.type_name().to_owned(),
    };
    EncodeError::Mismatch {
        path: String::new(),
        expected,
    }
}

/// Prefixes a mismatch's path with `segment`, built only when there is an error: encoding a
/// large array must not format a path per item.
fn at(e: EncodeError, segment: impl FnOnce() -> String) -> EncodeError {
    match e {
        EncodeError::Mismatch { path, expected } => {
            let segment = segment();
            let path = if path.is_empty() {
                segment
            } else if path.starts_with('[') {
                format!("{segment}{path}")
            } else {
                format!("{segment}.{path}")
            };
            EncodeError::Mismatch { path, expected }
        }
    }
}

pub(crate) fn write_value(
    schema: &Schema,
    id: NodeId,
    value: &Value,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    match (&schema.node(id).kind, value) {
        (Kind::Null, Value::Null) => {}
        (Kind::Boolean, Value::Boolean(b)) => write_bool(out, *b),
        (Kind::Int, Value::Int(v)) => write_int(out, *v),
        (Kind::Long, Value::Long(v)) => write_long(out, *v),
        (Kind::Float, Value::Float(v)) => write_float(out, *v),
        (Kind::Double, Value::Double(v)) => write_double(out, *v),
        (Kind::Bytes, Value::Bytes(v)) => write_bytes(out, v),
        (Kind::String, Value::String(v)) => write_str(out, v),
        (Kind::Fixed(f), Value::Fixed(v)) if v.len() == f.size => out.extend_from_slice(v),
        (Kind::Enum(e), Value::Enum(i)) if (*i as usize) < e.symbols.len() => {
            write_long(out, i64::from(*i))
        }
        (Kind::Union(branches), Value::Union(i, v)) if (*i as usize) < branches.len() => {
            write_long(out, i64::from(*i));
            write_value(schema, branches[*i as usize], v, out)
                .map_err(|e| at(e, || format!("<branch {i}>")))?;
        }
        (Kind::Array(items), Value::Array(vs)) => {
            if !vs.is_empty() {
                write_long(out, vs.len() as i64);
                for (i, v) in vs.iter().enumerate() {
                    write_value(schema, *items, v, out).map_err(|e| at(e, || format!("[{i}]")))?;
                }
            }
            out.push(0);
        }
        (Kind::Map(values), Value::Map(vs)) => {
            if !vs.is_empty() {
                write_long(out, vs.len() as i64);
                for (k, v) in vs {
                    write_str(out, k);
                    write_value(schema, *values, v, out)
                        .map_err(|e| at(e, || format!("[{k:?}]")))?;
                }
            }
            out.push(0);
        }
        (Kind::Record(r), Value::Record(vs)) if vs.len() == r.fields.len() => {
            for (f, v) in r.fields.iter().zip(vs) {
                write_value(schema, f.schema, v, out).map_err(|e| at(e, || f.name.clone()))?;
            }
        }
        _ => return Err(mismatch(schema, id)),
    }
    Ok(())
}
