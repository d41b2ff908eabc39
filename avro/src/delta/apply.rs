//! Applying a delta to a [`Value`]: everything is read and checked first, then the value is
//! changed, so a bad delta changes nothing.

use crate::binary::Reader;
use crate::schema::{Kind, NodeId, Record, Schema};
use crate::value::read_value;
use crate::{DecodeError, Value};

/// The new value: `old` with `delta` (as written by [`crate::delta::value_delta`]) applied.
///
/// The whole delta must be consumed (trailing bytes are an error); a malformed delta — a bit
/// set for a field the record does not have, a truncated value, a length beyond the input —
/// is an error, and `old` is of course untouched. Nesting is bounded like decoding
/// ([`crate::binary::MAX_DEPTH`]) and no input makes this panic.
///
/// ```
/// use affinity_avro::{Schema, Value, delta::apply_value_delta};
/// let s = Schema::parse(r#"{"type":"record","name":"P","fields":[
///     {"name":"a","type":"long"},{"name":"b","type":"string"}]}"#)?;
/// let old = Value::Record(vec![Value::Long(1), Value::String("x".into())]);
/// let new = apply_value_delta(&s, &old, &[0b10, 2, b'y'])?;
/// assert_eq!(new, Value::Record(vec![Value::Long(1), Value::String("y".into())]));
/// assert!(apply_value_delta(&s, &old, &[0b100]).is_err()); // no field 2
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn apply_value_delta(schema: &Schema, old: &Value, delta: &[u8]) -> Result<Value, DecodeError> {
    match read_delta(schema, old, delta)? {
        Patch::Replace(v) => Ok(v),
        patch => {
            let mut v = old.clone();
            patch.apply(&mut v);
            Ok(v)
        }
    }
}

/// [`apply_value_delta`] in place: only the changed fields are written, nothing is copied.
/// On error `value` is unchanged — the delta is read and checked in full before anything is
/// written.
pub fn apply_value_delta_in_place(
    schema: &Schema,
    value: &mut Value,
    delta: &[u8],
) -> Result<(), DecodeError> {
    read_delta(schema, value, delta)?.apply(value);
    Ok(())
}

fn read_delta(schema: &Schema, old: &Value, delta: &[u8]) -> Result<Patch, DecodeError> {
    let mut r = Reader::new(delta);
    let patch = read_patch(schema, schema.root(), old, &mut r)?;
    r.finish()?;
    Ok(patch)
}

/// A delta read and checked, ready to be applied without any further failure.
#[derive(Debug)]
enum Patch {
    /// The whole value is replaced.
    Replace(Value),
    /// Some fields of a record change: field position and its patch, in field order.
    Fields(Vec<(usize, Patch)>),
}

impl Patch {
    fn apply(self, target: &mut Value) {
        match self {
            Patch::Replace(v) => *target = v,
            Patch::Fields(fields) => {
                // `read_patch` checked that `target` is a record with every patched position.
                if let Value::Record(slots) = target {
                    for (i, p) in fields {
                        if let Some(slot) = slots.get_mut(i) {
                            p.apply(slot);
                        }
                    }
                }
            }
        }
    }
}

fn read_patch(
    schema: &Schema,
    id: NodeId,
    old: &Value,
    r: &mut Reader<'_>,
) -> Result<Patch, DecodeError> {
    match &schema.node(id).kind {
        Kind::Record(rec) => {
            r.enter()?;
            let patch = read_record(schema, rec, old, r)?;
            r.leave();
            Ok(patch)
        }
        _ => read_value(schema, id, r).map(Patch::Replace),
    }
}

fn read_record(
    schema: &Schema,
    rec: &Record,
    old: &Value,
    r: &mut Reader<'_>,
) -> Result<Patch, DecodeError> {
    let n = rec.fields.len();
    let olds = match old {
        Value::Record(o) if o.len() == n => o,
        _ => {
            return Err(DecodeError::InvalidValue(format!(
                "the old value is not a record {} of {n} fields",
                rec.name
            )));
        }
    };
    let bitmap = r.read_fixed(n.div_ceil(8))?;
    let mut fields = Vec::new();
    for (byte, &bits) in bitmap.iter().enumerate() {
        let mut bits = bits;
        while bits != 0 {
            let i = byte * 8 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let (Some(f), Some(o)) = (rec.fields.get(i), olds.get(i)) else {
                return Err(DecodeError::InvalidDelta(format!(
                    "bit {i} is set but the record {} has {n} fields",
                    rec.name
                )));
            };
            fields.push((i, read_patch(schema, f.schema, o, r)?));
        }
    }
    Ok(Patch::Fields(fields))
}
