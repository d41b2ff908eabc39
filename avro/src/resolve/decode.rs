//! Running a plan: writer bytes in, a reader-shaped [`Value`] out.

use super::matching::Scalar;
use super::plan::{FieldStep, Plan, RecordStep, Step, StepId};
use crate::binary::Reader;
use crate::schema::{Kind, NodeId, Schema};
use crate::{DecodeError, Value, skip_value};

/// Reads one value with `plan`'s step `id` (`writer` is the plan's writer schema).
///
/// Recursion is one frame of this function per nested record, union or collection, so each
/// arm that needs locals lives in its own function to keep this frame small: [`MAX_DEPTH`]
/// nested records must fit a thread's stack even in debug builds.
///
/// [`MAX_DEPTH`]: crate::binary::MAX_DEPTH
pub(crate) fn run(
    plan: &Plan,
    writer: &Schema,
    mut id: StepId,
    r: &mut Reader<'_>,
) -> Result<Value, DecodeError> {
    loop {
        let Some(step) = plan.steps.get(id) else {
            return Err(DecodeError::Unresolved(format!("no plan step {id}")));
        };
        return match step {
            Step::Scalar(s) => scalar(*s, r),
            Step::Fixed(n) => Ok(Value::Fixed(r.read_fixed(*n)?.to_vec())),
            Step::Enum {
                map,
                writer: node,
                path,
            } => enumeration(map, writer, *node, path, r),
            Step::Array {
                items,
                writer_items,
            } => array(plan, writer, *items, *writer_items, r),
            Step::Map {
                values,
                writer_values,
            } => map(plan, writer, *values, *writer_values, r),
            Step::Record(rec) => record(plan, writer, rec, r),
            Step::WriterUnion(branches) => {
                // The branch's step reads the value: no frame needed.
                id = branches[r.read_union_index(branches.len())?];
                continue;
            }
            Step::ReaderUnion { branch, step } => Ok(Value::Union(
                *branch,
                Box::new(run(plan, writer, *step, r)?),
            )),
            Step::Fail(message) => Err(DecodeError::Unresolved(message.to_string())),
        };
    }
}

fn enumeration(
    map: &[Option<u32>],
    writer: &Schema,
    node: NodeId,
    path: &str,
    r: &mut Reader<'_>,
) -> Result<Value, DecodeError> {
    let i = r.read_enum_index(map.len())?;
    match map[i] {
        Some(j) => Ok(Value::Enum(j)),
        None => Err(unknown_symbol(writer, node, i, path)),
    }
}

fn array(
    plan: &Plan,
    writer: &Schema,
    items: StepId,
    writer_items: NodeId,
    r: &mut Reader<'_>,
) -> Result<Value, DecodeError> {
    let mut out = Vec::new();
    while let Some(n) = r.read_block(writer.min_size(writer_items))? {
        out.reserve(Reader::reserve_hint(n));
        for _ in 0..n {
            out.push(run(plan, writer, items, r)?);
        }
    }
    Ok(Value::Array(out))
}

fn map(
    plan: &Plan,
    writer: &Schema,
    values: StepId,
    writer_values: NodeId,
    r: &mut Reader<'_>,
) -> Result<Value, DecodeError> {
    let mut out = Vec::new();
    while let Some(n) = r.read_block(1 + writer.min_size(writer_values))? {
        out.reserve(Reader::reserve_hint(n));
        for _ in 0..n {
            let k = r.read_str()?.to_owned();
            out.push((k, run(plan, writer, values, r)?));
        }
    }
    Ok(Value::Map(out))
}

fn record(
    plan: &Plan,
    writer: &Schema,
    rec: &RecordStep,
    r: &mut Reader<'_>,
) -> Result<Value, DecodeError> {
    r.enter()?;
    let mut out = vec![Value::Null; rec.len];
    for f in &rec.fields {
        match *f {
            FieldStep::Read { pos, step } => out[pos] = run(plan, writer, step, r)?,
            FieldStep::Skip(node) => skip_value(writer, node, r)?,
        }
    }
    for (pos, v) in &rec.defaults {
        out[*pos] = v.clone();
    }
    r.leave();
    Ok(Value::Record(out))
}

fn scalar(s: Scalar, r: &mut Reader<'_>) -> Result<Value, DecodeError> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean => Value::Boolean(r.read_bool()?),
        Scalar::Int => Value::Int(r.read_int()?),
        Scalar::Long => Value::Long(r.read_long()?),
        Scalar::Float => Value::Float(r.read_float()?),
        Scalar::Double => Value::Double(r.read_double()?),
        Scalar::Bytes => Value::Bytes(r.read_bytes()?.to_vec()),
        Scalar::String => Value::String(r.read_str()?.to_owned()),
        Scalar::IntToLong => Value::Long(i64::from(r.read_int()?)),
        Scalar::IntToFloat => Value::Float(r.read_int()? as f32),
        Scalar::IntToDouble => Value::Double(f64::from(r.read_int()?)),
        Scalar::LongToFloat => Value::Float(r.read_long()? as f32),
        Scalar::LongToDouble => Value::Double(r.read_long()? as f64),
        Scalar::FloatToDouble => Value::Double(f64::from(r.read_float()?)),
        Scalar::StringToBytes => Value::Bytes(r.read_str()?.as_bytes().to_vec()),
        Scalar::BytesToString => Value::String(r.read_str()?.to_owned()),
    })
}

fn unknown_symbol(writer: &Schema, node: NodeId, index: usize, path: &str) -> DecodeError {
    let (name, symbol) = match &writer.node(node).kind {
        Kind::Enum(e) => (
            e.name.fullname(),
            e.symbols.get(index).map_or("?", String::as_str),
        ),
        _ => ("?", "?"),
    };
    DecodeError::Unresolved(format!(
        "{}: the writer's symbol `{symbol}` of enum {name} is unknown to the reader's enum, \
         which has no default",
        super::error::display_path(path)
    ))
}
