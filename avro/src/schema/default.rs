//! Field defaults: JSON as written in a schema → a [`Value`] of the field's type.
//!
//! The specification's rules for defaults differ from the JSON encoding in one place: a union's
//! default is a plain value of its *first* branch, not a tagged object.

use serde_json::Value as Json;

use super::{Kind, Node, NodeId};
use crate::Value;

pub(super) fn default_value(nodes: &[Node], id: NodeId, json: &Json) -> Result<Value, String> {
    let kind = &nodes[id.index()].kind;
    let mismatch = || format!("expected a {} default, found {json}", kind.type_name());
    Ok(match kind {
        Kind::Null => json.is_null().then_some(Value::Null).ok_or_else(mismatch)?,
        Kind::Boolean => Value::Boolean(json.as_bool().ok_or_else(mismatch)?),
        Kind::Int => Value::Int(
            json.as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(mismatch)?,
        ),
        Kind::Long => Value::Long(json.as_i64().ok_or_else(mismatch)?),
        Kind::Float => Value::Float(json.as_f64().ok_or_else(mismatch)? as f32),
        Kind::Double => Value::Double(json.as_f64().ok_or_else(mismatch)?),
        Kind::String => Value::String(json.as_str().ok_or_else(mismatch)?.to_owned()),
        Kind::Bytes => Value::Bytes(latin1(json).ok_or_else(mismatch)?),
        Kind::Fixed(f) => {
            let b = latin1(json).ok_or_else(mismatch)?;
            if b.len() != f.size {
                return Err(format!(
                    "fixed default has {} bytes, the type has {}",
                    b.len(),
                    f.size
                ));
            }
            Value::Fixed(b)
        }
        Kind::Enum(e) => {
            let s = json.as_str().ok_or_else(mismatch)?;
            let i = e
                .symbols
                .iter()
                .position(|x| x == s)
                .ok_or_else(|| format!("`{s}` is not a symbol of {}", e.name))?;
            Value::Enum(i as u32)
        }
        Kind::Array(items) => {
            let a = json.as_array().ok_or_else(mismatch)?;
            Value::Array(
                a.iter()
                    .map(|j| default_value(nodes, *items, j))
                    .collect::<Result<_, _>>()?,
            )
        }
        Kind::Map(values) => {
            let m = json.as_object().ok_or_else(mismatch)?;
            Value::Map(
                m.iter()
                    .map(|(k, j)| Ok((k.clone(), default_value(nodes, *values, j)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
        Kind::Union(branches) => {
            let first = branches.first().ok_or("an empty union has no default")?;
            let v = default_value(nodes, *first, json).map_err(|e| {
                format!("a union's default must be a value of its first branch: {e}")
            })?;
            Value::Union(0, Box::new(v))
        }
        Kind::Record(r) => {
            let obj = json.as_object().ok_or_else(mismatch)?;
            let mut fields = Vec::with_capacity(r.fields.len());
            for f in &r.fields {
                let v = match (obj.get(&f.name), &f.default_json) {
                    (Some(j), _) | (None, Some(j)) => default_value(nodes, f.schema, j)?,
                    (None, None) => {
                        return Err(format!(
                            "field `{}` of {} has no value and no default",
                            f.name, r.name
                        ));
                    }
                };
                fields.push(v);
            }
            Value::Record(fields)
        }
    })
}

/// Bytes as the specification writes them in JSON: a string whose code points are 0–255.
pub(crate) fn latin1(json: &Json) -> Option<Vec<u8>> {
    json.as_str()?
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
