//! JSON → [`Value`], driven by a schema.

use serde_json::Value as Json;

use super::decimal::{fit_fixed, from_decimal_string};
use super::number::json_to_double;
use super::path::Seg;
use super::union::{branch_name, nullable};
use super::uuid::uuid_from_str;
use crate::binary::MAX_DEPTH;
use crate::schema::{Kind, Logical, NodeId, Record, Schema};
use crate::{JsonError, Value};

/// Reads `json` as a value of `schema`, in the JSON encoding described in [`crate::json`].
///
/// Anything the schema does not allow is an error naming where and what was found:
/// `items[3].price: expected a number, found "12"`.
///
/// ```
/// use affinity_avro::{Schema, Value, json::value_from_json};
/// let s = Schema::parse(r#"{"type":"record","name":"P","fields":[
///     {"name":"id","type":"long"},{"name":"tag","type":["null","string"],"default":null}]}"#)?;
/// let v = value_from_json(&s, &serde_json::json!({"id": 7}))?;
/// assert_eq!(v, Value::Record(vec![Value::Long(7), Value::Union(0, Box::new(Value::Null))]));
/// let e = value_from_json(&s, &serde_json::json!({"id": "7"})).unwrap_err();
/// assert_eq!(e.to_string(), r#"id: expected an integer, found "7""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn value_from_json(schema: &Schema, json: &Json) -> Result<Value, JsonError> {
    from_node(schema, schema.root(), json, 0)
}

/// [`value_from_json`] from JSON text.
pub fn value_from_json_str(schema: &Schema, text: &str) -> Result<Value, JsonError> {
    let json: Json = serde_json::from_str(text).map_err(|e| JsonError::Syntax(e.to_string()))?;
    value_from_json(schema, &json)
}

/// A short description of what the JSON has, for error messages.
fn describe(json: &Json) -> String {
    const MAX_CHARS: usize = 40;
    match json {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) if s.chars().count() <= MAX_CHARS => Json::String(s.clone()).to_string(),
        Json::String(s) => {
            let head: String = s.chars().take(MAX_CHARS).collect();
            format!("{}…", Json::String(head))
        }
        Json::Array(a) => format!("an array of {} items", a.len()),
        Json::Object(o) => format!("an object with {} keys", o.len()),
    }
}

fn mismatch(expected: impl Into<String>, json: &Json) -> JsonError {
    JsonError::Mismatch {
        path: String::new(),
        expected: expected.into(),
        found: describe(json),
    }
}

fn invalid(message: impl Into<String>) -> JsonError {
    JsonError::Invalid {
        path: String::new(),
        message: message.into(),
    }
}

/// An integer JSON number: `Ok(None)` when it is an integer beyond `i64`.
fn integer(json: &Json) -> Result<Option<i64>, JsonError> {
    match json {
        Json::Number(n) if n.is_i64() || n.is_u64() => Ok(n.as_i64()),
        _ => Err(mismatch("an integer", json)),
    }
}

/// Bytes as the specification writes them in JSON: one character, U+0000–U+00FF, per byte.
fn latin1(json: &Json, expected: &str) -> Result<Vec<u8>, JsonError> {
    let s = json.as_str().ok_or_else(|| mismatch(expected, json))?;
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            u8::try_from(u32::from(c)).map_err(|_| {
                invalid(format!(
                    "character {i} is U+{:04X}; bytes are written one character per byte, \
                     U+0000 to U+00FF",
                    u32::from(c)
                ))
            })
        })
        .collect()
}

fn from_node(schema: &Schema, id: NodeId, json: &Json, depth: usize) -> Result<Value, JsonError> {
    if depth > MAX_DEPTH {
        return Err(invalid(format!(
            "values nest deeper than {MAX_DEPTH} levels"
        )));
    }
    let node = schema.node(id);
    Ok(match &node.kind {
        Kind::Null => match json {
            Json::Null => Value::Null,
            _ => return Err(mismatch("null", json)),
        },
        Kind::Boolean => Value::Boolean(
            json.as_bool()
                .ok_or_else(|| mismatch("true or false", json))?,
        ),
        Kind::Int => match integer(json)?.map(i32::try_from) {
            Some(Ok(v)) => Value::Int(v),
            _ => return Err(invalid(format!("{json} is out of range for an int"))),
        },
        Kind::Long => match integer(json)? {
            Some(v) => Value::Long(v),
            None => return Err(invalid(format!("{json} is out of range for a long"))),
        },
        Kind::Float => {
            let d = json_to_double(json).ok_or_else(|| mismatch("a number", json))?;
            let f = d as f32;
            if f.is_infinite() && d.is_finite() {
                return Err(invalid(format!("{json} is out of range for a float")));
            }
            Value::Float(f)
        }
        Kind::Double => {
            Value::Double(json_to_double(json).ok_or_else(|| mismatch("a number", json))?)
        }
        Kind::String => Value::String(
            json.as_str()
                .ok_or_else(|| mismatch("a string", json))?
                .to_owned(),
        ),
        Kind::Bytes => match node.logical {
            Some(Logical::Decimal { precision, scale }) => {
                Value::Bytes(decimal(json, precision, scale)?)
            }
            _ => Value::Bytes(latin1(json, "a string of bytes")?),
        },
        Kind::Fixed(f) => match node.logical {
            Some(Logical::Decimal { precision, scale }) => {
                let minimal = decimal(json, precision, scale)?;
                Value::Fixed(fit_fixed(&minimal, f.size).ok_or_else(|| {
                    invalid(format!(
                        "{json} does not fit the {} bytes of {}",
                        f.size, f.name
                    ))
                })?)
            }
            Some(Logical::Uuid) => {
                let s = json
                    .as_str()
                    .ok_or_else(|| mismatch("a UUID string", json))?;
                let b = uuid_from_str(s).ok_or_else(|| {
                    invalid(format!(
                        "{json} is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
                    ))
                })?;
                Value::Fixed(b.to_vec())
            }
            _ => {
                let b = latin1(json, "a string of bytes")?;
                if b.len() != f.size {
                    return Err(invalid(format!(
                        "{} is a fixed of {} bytes, found {}",
                        f.name,
                        f.size,
                        b.len()
                    )));
                }
                Value::Fixed(b)
            }
        },
        Kind::Enum(e) => {
            let s = json
                .as_str()
                .ok_or_else(|| mismatch(format!("a symbol of {} (a string)", e.name), json))?;
            match e.symbols.iter().position(|x| x == s) {
                Some(i) => Value::Enum(i as u32),
                None => {
                    return Err(invalid(format!(
                        "{json} is not a symbol of {} ({})",
                        e.name,
                        e.symbols.join(", ")
                    )));
                }
            }
        }
        Kind::Array(items) => {
            let a = json.as_array().ok_or_else(|| mismatch("an array", json))?;
            let mut out = Vec::with_capacity(a.len());
            for (i, j) in a.iter().enumerate() {
                out.push(
                    from_node(schema, *items, j, depth + 1).map_err(|e| e.within(Seg::Index(i)))?,
                );
            }
            Value::Array(out)
        }
        Kind::Map(values) => {
            let o = json
                .as_object()
                .ok_or_else(|| mismatch("an object (a map)", json))?;
            let mut out = Vec::with_capacity(o.len());
            for (k, j) in o {
                let v =
                    from_node(schema, *values, j, depth + 1).map_err(|e| e.within(Seg::Key(k)))?;
                out.push((k.clone(), v));
            }
            Value::Map(out)
        }
        Kind::Union(branches) => union(schema, branches, json, depth)?,
        Kind::Record(r) => record(schema, r, json, depth)?,
    })
}

fn decimal(json: &Json, precision: u32, scale: u32) -> Result<Vec<u8>, JsonError> {
    let s = json
        .as_str()
        .ok_or_else(|| mismatch("a decimal number in a string, such as \"-12.34\"", json))?;
    from_decimal_string(s, precision, scale).map_err(invalid)
}

fn union(
    schema: &Schema,
    branches: &[NodeId],
    json: &Json,
    depth: usize,
) -> Result<Value, JsonError> {
    let is_null = |b: &NodeId| matches!(schema.node(*b).kind, Kind::Null);
    if let Some((null, other)) = nullable(schema, branches) {
        if json.is_null() {
            return Ok(Value::Union(null as u32, Box::new(Value::Null)));
        }
        return match from_node(schema, branches[other], json, depth + 1) {
            Ok(v) => Ok(Value::Union(other as u32, Box::new(v))),
            Err(JsonError::Mismatch {
                path,
                expected,
                found,
            }) if path.is_empty() => Err(JsonError::Mismatch {
                path,
                expected: format!("null or {expected}"),
                found,
            }),
            Err(e) => Err(e),
        };
    }
    let names = || {
        branches
            .iter()
            .filter(|b| !is_null(b))
            .map(|b| Json::String(branch_name(&schema.node(*b).kind).into()).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if json.is_null() {
        return match branches.iter().position(is_null) {
            Some(i) => Ok(Value::Union(i as u32, Box::new(Value::Null))),
            None => Err(mismatch(
                format!("an object with one key naming a branch ({})", names()),
                json,
            )),
        };
    }
    let tagged = json
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next());
    let Some((tag, inner)) = tagged else {
        let null = if branches.iter().any(is_null) {
            "null or "
        } else {
            ""
        };
        return Err(mismatch(
            format!("{null}an object with one key naming a branch ({})", names()),
            json,
        ));
    };
    let found = branches
        .iter()
        .position(|b| !is_null(b) && branch_name(&schema.node(*b).kind) == tag);
    match found {
        Some(i) => {
            let v = from_node(schema, branches[i], inner, depth + 1)
                .map_err(|e| e.within(Seg::Key(tag)))?;
            Ok(Value::Union(i as u32, Box::new(v)))
        }
        None => Err(invalid(format!(
            "{} does not name a branch of the union; its branches are {}",
            Json::String(tag.clone()),
            names()
        ))),
    }
}

fn record(schema: &Schema, r: &Record, json: &Json, depth: usize) -> Result<Value, JsonError> {
    let obj = json
        .as_object()
        .ok_or_else(|| mismatch(format!("an object (record {})", r.name), json))?;
    let mut fields = Vec::with_capacity(r.fields.len());
    let mut present = 0;
    let mut missing = None;
    for f in &r.fields {
        match (obj.get(&f.name), &f.default) {
            (Some(j), _) => {
                present += 1;
                let v = from_node(schema, f.schema, j, depth + 1)
                    .map_err(|e| e.within(Seg::Field(&f.name)))?;
                fields.push(v);
            }
            (None, Some(d)) => fields.push(d.clone()),
            (None, None) => {
                missing.get_or_insert(&f.name);
            }
        }
    }
    // An unknown key is reported first: it is often the missing field, misspelt.
    if present < obj.len()
        && let Some(k) = obj.keys().find(|k| r.field_position(k).is_none())
    {
        return Err(JsonError::UnknownField {
            path: String::new(),
            field: k.clone(),
            record: r.name.fullname().to_owned(),
        });
    }
    if let Some(field) = missing {
        return Err(JsonError::MissingField {
            path: String::new(),
            field: field.clone(),
        });
    }
    Ok(Value::Record(fields))
}
