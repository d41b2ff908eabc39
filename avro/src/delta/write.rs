//! Computing the delta between two [`Value`]s of a schema.

use crate::json::path::Seg;
use crate::schema::{Kind, Record, Schema};
use crate::value::write_value;
use crate::{EncodeError, Value};

/// The delta from `old` to `new`, two values of `schema` (the format is in [`crate::delta`]).
///
/// For a record schema: a field bitmap and the changed fields, recursively for fields that are
/// records; for any other schema: `new`'s full encoding. Fields that did not change are only
/// compared (with [`Value::same_encoding`]), never encoded or checked against the schema. A
/// value that does not match the schema where it is looked at is an error naming where.
///
/// ```
/// use affinity_avro::{Schema, Value, delta::value_delta};
/// let s = Schema::parse(r#"{"type":"record","name":"P","fields":[
///     {"name":"a","type":"long"},{"name":"b","type":"string"}]}"#)?;
/// let old = Value::Record(vec![Value::Long(1), Value::String("x".into())]);
/// let new = Value::Record(vec![Value::Long(1), Value::String("y".into())]);
/// assert_eq!(value_delta(&s, &old, &new)?, [0b10, 2, b'y']);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn value_delta(schema: &Schema, old: &Value, new: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(64);
    value_delta_into(schema, old, new, &mut out)?;
    Ok(out)
}

/// [`value_delta`], appending to `out`; on error `out` is left as it was.
pub fn value_delta_into(
    schema: &Schema,
    old: &Value,
    new: &Value,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let root = schema.root();
    let written = match &schema.node(root).kind {
        Kind::Record(rec) => write_record(schema, rec, old, new, out).map(|_| ()),
        _ => write_value(schema, root, new, out),
    };
    written.inspect_err(|_| out.truncate(start))
}

fn mismatch(rec: &Record) -> EncodeError {
    EncodeError::Mismatch {
        path: String::new(),
        expected: format!("record {} ({} fields)", rec.name, rec.fields.len()),
    }
}

/// Appends `rec`'s bitmap and changed fields; returns whether any field changed.
fn write_record(
    schema: &Schema,
    rec: &Record,
    old: &Value,
    new: &Value,
    out: &mut Vec<u8>,
) -> Result<bool, EncodeError> {
    let n = rec.fields.len();
    let (olds, news) = match (old, new) {
        (Value::Record(o), Value::Record(v)) if o.len() == n && v.len() == n => (o, v),
        _ => return Err(mismatch(rec)),
    };
    let bitmap = out.len();
    out.resize(bitmap + n.div_ceil(8), 0);
    let mut any = false;
    for (i, ((f, o), v)) in rec.fields.iter().zip(olds).zip(news).enumerate() {
        let changed = match &schema.node(f.schema).kind {
            Kind::Record(inner) => {
                let start = out.len();
                let changed = write_record(schema, inner, o, v, out)
                    .map_err(|e| e.within(Seg::Field(&f.name)))?;
                if !changed {
                    out.truncate(start);
                }
                changed
            }
            _ if o.same_encoding(v) => false,
            _ => {
                write_value(schema, f.schema, v, out).map_err(|e| e.within(Seg::Field(&f.name)))?;
                true
            }
        };
        if changed {
            out[bitmap + i / 8] |= 1 << (i % 8);
            any = true;
        }
    }
    Ok(any)
}
