//! Avro [`Value`]s ↔ plain JavaScript values, shaped by the writer (or key) schema.
//!
//! Decoding for JS normally happens in JS: `js/avro.js` generates a decoder per writer schema
//! that gives exactly this mapping (see the `decode` module; `js-package/test/agree.mjs` checks
//! the two against each other). [`to_js`] is the reference it is tested against and the fallback
//! where a page forbids `new Function`; [`from_js`] encodes keys and `AvroType` values.
//!
//! | Avro | JavaScript |
//! |---|---|
//! | `null` | `null` (reading also accepts `undefined`) |
//! | `boolean` | `boolean` |
//! | `int` (and `date`, `time-millis`) | `number` |
//! | `long` (and times, timestamps) | `number` when within ±(2^53 − 1), otherwise `BigInt` — never rounded; reading accepts either |
//! | `float`, `double` | `number` |
//! | `bytes`, `fixed` (and `decimal`, `duration`, `uuid` on fixed) | `Uint8Array` |
//! | `string` (and `uuid` on string) | `string` |
//! | `enum` | the symbol, a `string` |
//! | `array` | `Array` |
//! | `map` | a plain object, entries in order |
//! | `record` | a plain object, one property per field; reading, a missing field takes its default |
//! | union `["null", T]` / `[T, "null"]` | `null` or T's value, unwrapped |
//! | any other union | `null` for its `null` branch, otherwise `{ "<branch>": value }` (the branch's type name, or full name for named types) — as in `affinity_avro::json` |

use affinity_avro::Value;
use affinity_avro::schema::{Kind, NodeId, Schema};
use js_sys::{Array, BigInt, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue, intern};

/// The largest integer a JS `number` holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// A JS value that does not fit the schema, or a value that does not fit its schema.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConvertError {
    /// Where, as a JS-like path (`edges[2]`, `name`); empty at the root.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn fail<T>(path: &str, message: impl Into<String>) -> Result<T, ConvertError> {
    Err(ConvertError {
        path: if path.is_empty() {
            "value".into()
        } else {
            path.into()
        },
        message: message.into(),
    })
}

/// Sets an own property on a fresh plain object (`__proto__` too, as `JSON.parse` and the JS
/// decoder do, rather than calling the prototype setter). `name` keys (field and type names, a
/// schema's few) are interned; map keys (data) are not.
fn set(obj: &Object, key: &str, value: &JsValue, name: bool) {
    if key == "__proto__" {
        let descriptor = Object::new();
        let _ = Reflect::set(&descriptor, &"value".into(), value);
        for flag in ["writable", "enumerable", "configurable"] {
            let _ = Reflect::set(&descriptor, &flag.into(), &JsValue::TRUE);
        }
        Object::define_property(obj, &key.into(), &descriptor);
    } else {
        // Setting a property on a fresh plain object cannot fail.
        let key = if name { intern(key) } else { key };
        let _ = Reflect::set(obj, &JsValue::from_str(key), value);
    }
}

/// The name a union branch goes by: the full name of a named type, else its type name.
pub(crate) fn branch_name(schema: &Schema, id: NodeId) -> &str {
    let kind = &schema.node(id).kind;
    kind.name().map_or(kind.type_name(), |n| n.fullname())
}

/// The non-null branch of a two-branch union with a `null` branch, and its index.
fn nullable(schema: &Schema, branches: &[NodeId]) -> Option<(u32, u32, NodeId)> {
    match branches {
        [a, b] if matches!(schema.node(*a).kind, Kind::Null) => Some((0, 1, *b)),
        [a, b] if matches!(schema.node(*b).kind, Kind::Null) => Some((1, 0, *a)),
        _ => None,
    }
}

/// `value` (of type `id` in `schema`) as a JS value.
///
/// Most values are written as JSON inside wasm and built by one `JSON.parse` (see
/// the `fast` module); the others (bytes, longs beyond 2^53, non-finite numbers) are built
/// property by property. Record field names and enum symbols go through wasm-bindgen's string interning (decoded to
/// JS strings once, not per value); an error's path is built only when there is an error.
pub fn to_js(schema: &Schema, id: NodeId, value: &Value) -> Result<JsValue, ConvertError> {
    if let Some(json) = crate::fast::to_json(schema, id, value)
        && let Ok(js) = js_sys::JSON::parse(&json)
    {
        return Ok(js);
    }
    to_js_at(schema, id, value).map_err(|mut e| {
        if e.path.is_empty() {
            e.path = "value".into();
        }
        e
    })
}

/// `inner`'s error under `step` (a field name or `[i]`).
fn under(step: impl FnOnce() -> String) -> impl FnOnce(ConvertError) -> ConvertError {
    move |mut e| {
        let step = step();
        e.path = match (e.path.is_empty(), step.starts_with('[')) {
            (true, _) => step,
            (false, true) => format!("{step}{}", e.path),
            (false, false) if e.path.starts_with('[') => format!("{step}{}", e.path),
            (false, false) => format!("{step}.{}", e.path),
        };
        e
    }
}

fn mismatch<T>(message: String) -> Result<T, ConvertError> {
    Err(ConvertError {
        path: String::new(),
        message,
    })
}

fn to_js_at(schema: &Schema, id: NodeId, value: &Value) -> Result<JsValue, ConvertError> {
    Ok(match (&schema.node(id).kind, value) {
        (Kind::Null, Value::Null) => JsValue::NULL,
        (Kind::Boolean, Value::Boolean(b)) => JsValue::from_bool(*b),
        (Kind::Int, Value::Int(i)) => JsValue::from_f64(f64::from(*i)),
        (Kind::Long, Value::Long(l)) => long_to_js(*l),
        (Kind::Float, Value::Float(f)) => JsValue::from_f64(f64::from(*f)),
        (Kind::Double, Value::Double(d)) => JsValue::from_f64(*d),
        (Kind::Bytes, Value::Bytes(b)) | (Kind::Fixed(_), Value::Fixed(b)) => {
            Uint8Array::from(b.as_slice()).into()
        }
        (Kind::String, Value::String(s)) => JsValue::from_str(s),
        (Kind::Enum(e), Value::Enum(i)) => match e.symbols.get(*i as usize) {
            Some(s) => JsValue::from_str(intern(s)),
            None => return mismatch(format!("enum index {i} out of range")),
        },
        (Kind::Array(items), Value::Array(values)) => {
            let out = Array::new_with_length(values.len() as u32);
            for (i, v) in values.iter().enumerate() {
                out.set(
                    i as u32,
                    to_js_at(schema, *items, v).map_err(under(|| format!("[{i}]")))?,
                );
            }
            out.into()
        }
        (Kind::Map(values_id), Value::Map(entries)) => {
            let out = Object::new();
            for (k, v) in entries {
                let js = to_js_at(schema, *values_id, v).map_err(under(|| k.clone()))?;
                set(&out, k, &js, false);
            }
            out.into()
        }
        (Kind::Union(branches), Value::Union(i, v)) => {
            let Some(branch) = branches.get(*i as usize).copied() else {
                return mismatch(format!("union branch {i} out of range"));
            };
            if matches!(schema.node(branch).kind, Kind::Null) {
                JsValue::NULL
            } else if nullable(schema, branches).is_some() {
                to_js_at(schema, branch, v)?
            } else {
                let out = Object::new();
                let name = branch_name(schema, branch);
                set(&out, name, &to_js_at(schema, branch, v)?, true);
                out.into()
            }
        }
        (Kind::Record(r), Value::Record(values)) if r.fields.len() == values.len() => {
            let out = Object::new();
            for (f, v) in r.fields.iter().zip(values) {
                let js = to_js_at(schema, f.schema, v).map_err(under(|| f.name.clone()))?;
                set(&out, &f.name, &js, true);
            }
            out.into()
        }
        (kind, _) => return mismatch(format!("the value is not a {}", kind.type_name())),
    })
}

/// A `long` as a `number` when exact, otherwise as a `BigInt`.
pub fn long_to_js(l: i64) -> JsValue {
    if (-MAX_SAFE..=MAX_SAFE).contains(&l) {
        JsValue::from_f64(l as f64)
    } else {
        BigInt::from(l).into()
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The JS value `js` as a value of type `id` in `schema`.
pub fn from_js(schema: &Schema, id: NodeId, js: &JsValue) -> Result<Value, ConvertError> {
    from_js_at(schema, id, js, "")
}

fn describe(js: &JsValue) -> String {
    if js.is_null() {
        "null".into()
    } else if js.is_undefined() {
        "undefined".into()
    } else if Array::is_array(js) {
        "an array".into()
    } else {
        format!("a {}", js.js_typeof().as_string().unwrap_or_default())
    }
}

fn from_js_at(
    schema: &Schema,
    id: NodeId,
    js: &JsValue,
    path: &str,
) -> Result<Value, ConvertError> {
    let kind = &schema.node(id).kind;
    let expected = |what: &str| fail(path, format!("expected {what}, found {}", describe(js)));
    Ok(match kind {
        Kind::Null if js.is_null() || js.is_undefined() => Value::Null,
        Kind::Boolean if js.as_bool().is_some() => Value::Boolean(js.as_bool() == Some(true)),
        Kind::Int => match integer(js) {
            Some(i) => match i32::try_from(i) {
                Ok(i) => Value::Int(i),
                Err(_) => return fail(path, format!("{i} is out of an int's range")),
            },
            None => return expected("an integer number"),
        },
        Kind::Long => match integer(js) {
            Some(l) => Value::Long(l),
            None => return expected("an integer number or a BigInt within 64 bits"),
        },
        Kind::Float | Kind::Double => match js.as_f64() {
            Some(d) if matches!(kind, Kind::Float) => Value::Float(d as f32),
            Some(d) => Value::Double(d),
            None => return expected("a number"),
        },
        Kind::Bytes | Kind::Fixed(_) => match js.dyn_ref::<Uint8Array>() {
            Some(a) => {
                let bytes = a.to_vec();
                match kind {
                    Kind::Fixed(f) if f.size != bytes.len() => {
                        return fail(
                            path,
                            format!("expected {} bytes, found {}", f.size, bytes.len()),
                        );
                    }
                    Kind::Fixed(_) => Value::Fixed(bytes),
                    _ => Value::Bytes(bytes),
                }
            }
            None => return expected("a Uint8Array"),
        },
        Kind::String => match js.as_string() {
            Some(s) => Value::String(s),
            None => return expected("a string"),
        },
        Kind::Enum(e) => match js.as_string() {
            Some(s) => match e.symbols.iter().position(|x| *x == s) {
                Some(i) => Value::Enum(i as u32),
                None => {
                    return fail(
                        path,
                        format!("{s:?} is not a symbol of {}", e.name.fullname()),
                    );
                }
            },
            None => return expected("a string (an enum symbol)"),
        },
        Kind::Array(items) => match js.dyn_ref::<Array>() {
            Some(a) => {
                let mut out = Vec::with_capacity(a.length() as usize);
                for (i, v) in a.iter().enumerate() {
                    out.push(from_js_at(schema, *items, &v, &format!("{path}[{i}]"))?);
                }
                Value::Array(out)
            }
            None => return expected("an array"),
        },
        Kind::Map(values) if is_plain_object(js) => {
            let mut out = Vec::new();
            for entry in Object::entries(js.unchecked_ref::<Object>()).iter() {
                let pair: Array = entry.unchecked_into();
                let k = pair.get(0).as_string().unwrap_or_default();
                let v = from_js_at(schema, *values, &pair.get(1), &join(path, &k))?;
                out.push((k, v));
            }
            Value::Map(out)
        }
        Kind::Union(branches) => union_from_js(schema, branches, js, path)?,
        Kind::Record(r) if is_plain_object(js) => {
            let mut out = Vec::with_capacity(r.fields.len());
            for f in &r.fields {
                let v = Reflect::get(js, &JsValue::from_str(&f.name)).unwrap_or(JsValue::UNDEFINED);
                let p = join(path, &f.name);
                if v.is_undefined() {
                    match &f.default {
                        Some(d) => out.push(d.clone()),
                        None if matches!(schema.node(f.schema).kind, Kind::Null) => {
                            out.push(Value::Null)
                        }
                        None => return fail(&p, "missing, and the field has no default"),
                    }
                } else {
                    out.push(from_js_at(schema, f.schema, &v, &p)?);
                }
            }
            Value::Record(out)
        }
        Kind::Map(_) | Kind::Record(_) => return expected("an object"),
        Kind::Null => return expected("null"),
        Kind::Boolean => return expected("a boolean"),
    })
}

fn union_from_js(
    schema: &Schema,
    branches: &[NodeId],
    js: &JsValue,
    path: &str,
) -> Result<Value, ConvertError> {
    let null_branch = branches
        .iter()
        .position(|b| matches!(schema.node(*b).kind, Kind::Null));
    if js.is_null() || js.is_undefined() {
        return match null_branch {
            Some(i) => Ok(Value::Union(i as u32, Box::new(Value::Null))),
            None => fail(path, "null, but the union has no null branch"),
        };
    }
    if let Some((_, other, branch)) = nullable(schema, branches) {
        let v = from_js_at(schema, branch, js, path)?;
        return Ok(Value::Union(other, Box::new(v)));
    }
    let names: Vec<&str> = branches.iter().map(|b| branch_name(schema, *b)).collect();
    if is_plain_object(js) {
        let keys = Object::keys(js.unchecked_ref::<Object>());
        if keys.length() == 1 {
            let key = keys.get(0).as_string().unwrap_or_default();
            if let Some(i) = names.iter().position(|n| *n == key) {
                let inner =
                    Reflect::get(js, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
                let v = from_js_at(schema, branches[i], &inner, &join(path, &key))?;
                return Ok(Value::Union(i as u32, Box::new(v)));
            }
        }
    }
    fail(
        path,
        format!(
            "expected null or an object with one key naming a branch of the union ({})",
            names.join(", ")
        ),
    )
}

fn is_plain_object(js: &JsValue) -> bool {
    js.is_object() && !Array::is_array(js) && !js.is_instance_of::<Uint8Array>()
}

/// An integral `number` (exactly representable) or a `BigInt` within 64 bits.
fn integer(js: &JsValue) -> Option<i64> {
    if let Some(d) = js.as_f64() {
        return (d.fract() == 0.0 && d.abs() <= MAX_SAFE as f64).then_some(d as i64);
    }
    if js.is_bigint() {
        let text = js.dyn_ref::<BigInt>()?.to_string(10).ok()?;
        return String::from(text).parse::<i64>().ok();
    }
    None
}
