//! [`Value`] → JSON, checked against a schema.

use serde_json::{Map, Value as Json};

use super::decimal::to_decimal_string;
use super::number::{double_to_json, float_to_json};
use super::path::Seg;
use super::union::{branch_name, nullable};
use super::uuid::uuid_to_string;
use crate::schema::{Kind, Logical, NodeId, Schema};
use crate::value::mismatch;
use crate::{EncodeError, Value};

/// Writes `value`, a value of `schema`, in the JSON encoding described in [`crate::json`].
///
/// A value that does not match the schema is an error naming where (`items[3].price`).
///
/// ```
/// use affinity_avro::{Schema, Value, json::value_to_json};
/// let s = Schema::parse(r#"{"type":"record","name":"P","fields":[
///     {"name":"id","type":"long"},{"name":"tag","type":["null","string"]}]}"#)?;
/// let v = Value::Record(vec![Value::Long(7), Value::Union(1, Box::new(Value::String("x".into())))]);
/// assert_eq!(value_to_json(&s, &v)?.to_string(), r#"{"id":7,"tag":"x"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn value_to_json(schema: &Schema, value: &Value) -> Result<Json, EncodeError> {
    node_to_json(schema, schema.root(), value)
}

/// [`value_to_json`] as JSON text.
pub fn value_to_json_string(schema: &Schema, value: &Value) -> Result<String, EncodeError> {
    value_to_json(schema, value).map(|j| j.to_string())
}

/// Bytes as the specification writes them in JSON: one character, U+0000–U+00FF, per byte.
fn latin1(bytes: &[u8]) -> Json {
    Json::String(bytes.iter().map(|&b| char::from(b)).collect())
}

pub(crate) fn node_to_json(
    schema: &Schema,
    id: NodeId,
    value: &Value,
) -> Result<Json, EncodeError> {
    let node = schema.node(id);
    Ok(match (&node.kind, value) {
        (Kind::Null, Value::Null) => Json::Null,
        (Kind::Boolean, Value::Boolean(b)) => Json::Bool(*b),
        (Kind::Int, Value::Int(v)) => Json::from(*v),
        (Kind::Long, Value::Long(v)) => Json::from(*v),
        (Kind::Float, Value::Float(v)) => float_to_json(*v),
        (Kind::Double, Value::Double(v)) => double_to_json(*v),
        (Kind::String, Value::String(s)) => Json::String(s.clone()),
        (Kind::Bytes, Value::Bytes(b)) => match node.logical {
            Some(Logical::Decimal { scale, .. }) => Json::String(to_decimal_string(b, scale)),
            _ => latin1(b),
        },
        (Kind::Fixed(f), Value::Fixed(b)) if b.len() == f.size => match node.logical {
            Some(Logical::Decimal { scale, .. }) => Json::String(to_decimal_string(b, scale)),
            Some(Logical::Uuid) => match <&[u8; 16]>::try_from(b.as_slice()) {
                Ok(b) => Json::String(uuid_to_string(b)),
                Err(_) => latin1(b),
            },
            _ => latin1(b),
        },
        (Kind::Enum(e), Value::Enum(i)) => match e.symbols.get(*i as usize) {
            Some(s) => Json::String(s.clone()),
            None => return Err(mismatch(schema, id)),
        },
        (Kind::Array(items), Value::Array(vs)) => Json::Array(
            vs.iter()
                .enumerate()
                .map(|(i, v)| node_to_json(schema, *items, v).map_err(|e| e.within(Seg::Index(i))))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::Map(values), Value::Map(vs)) => {
            let mut obj = Map::with_capacity(vs.len());
            for (k, v) in vs {
                let j = node_to_json(schema, *values, v).map_err(|e| e.within(Seg::Key(k)))?;
                obj.insert(k.clone(), j);
            }
            Json::Object(obj)
        }
        (Kind::Union(branches), Value::Union(i, v)) => {
            let Some(&branch) = branches.get(*i as usize) else {
                return Err(mismatch(schema, id));
            };
            let branch_kind = &schema.node(branch).kind;
            let name = branch_name(branch_kind);
            if matches!(branch_kind, Kind::Null) || nullable(schema, branches).is_some() {
                node_to_json(schema, branch, v)?
            } else {
                let inner =
                    node_to_json(schema, branch, v).map_err(|e| e.within(Seg::Key(name)))?;
                let mut obj = Map::with_capacity(1);
                obj.insert(name.to_owned(), inner);
                Json::Object(obj)
            }
        }
        (Kind::Record(r), Value::Record(vs)) if vs.len() == r.fields.len() => {
            let mut obj = Map::with_capacity(vs.len());
            for (f, v) in r.fields.iter().zip(vs) {
                let j =
                    node_to_json(schema, f.schema, v).map_err(|e| e.within(Seg::Field(&f.name)))?;
                obj.insert(f.name.clone(), j);
            }
            Json::Object(obj)
        }
        _ => return Err(mismatch(schema, id)),
    })
}
