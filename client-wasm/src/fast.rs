//! The fast path of [`to_js`](crate::convert::to_js): the value written as JSON text inside
//! wasm and turned into JS objects by one `JSON.parse`, instead of one wasm↔JS call per
//! property (each creating, storing and dropping a JS reference).
//!
//! It gives exactly what the slow path gives, so it applies only where JSON can say it: no
//! `bytes` or `fixed` (a `Uint8Array`), no `long` beyond ±(2^53 − 1) (a `BigInt`), no NaN or
//! infinite `float`/`double`; for anything else it declines and the caller takes the slow path.

use std::fmt::Write as _;

use affinity_avro::Value;
use affinity_avro::schema::{Kind, NodeId, Schema};

use crate::convert::branch_name;

/// The largest integer a JS `number` holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// `value` (of type `id`) as JSON text shaped like the JS value [`to_js`](crate::convert::to_js)
/// builds, or `None` when JSON cannot say it (or the value does not fit the schema).
pub(crate) fn to_json(schema: &Schema, id: NodeId, value: &Value) -> Option<String> {
    let mut out = String::with_capacity(128);
    write(schema, id, value, &mut out).then_some(out)
}

fn write(schema: &Schema, id: NodeId, value: &Value, out: &mut String) -> bool {
    match (&schema.node(id).kind, value) {
        (Kind::Null, Value::Null) => out.push_str("null"),
        (Kind::Boolean, Value::Boolean(b)) => out.push_str(if *b { "true" } else { "false" }),
        (Kind::Int, Value::Int(i)) => {
            let _ = write!(out, "{i}");
        }
        (Kind::Long, Value::Long(l)) if (-MAX_SAFE..=MAX_SAFE).contains(l) => {
            let _ = write!(out, "{l}");
        }
        (Kind::Float, Value::Float(f)) => return number(f64::from(*f), out),
        (Kind::Double, Value::Double(d)) => return number(*d, out),
        (Kind::String, Value::String(s)) => string(s, out),
        (Kind::Enum(e), Value::Enum(i)) => match e.symbols.get(*i as usize) {
            Some(s) => string(s, out),
            None => return false,
        },
        (Kind::Array(items), Value::Array(values)) => {
            out.push('[');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write(schema, *items, v, out) {
                    return false;
                }
            }
            out.push(']');
        }
        (Kind::Map(values_id), Value::Map(entries)) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                if !write(schema, *values_id, v, out) {
                    return false;
                }
            }
            out.push('}');
        }
        (Kind::Union(branches), Value::Union(i, v)) => {
            let Some(branch) = branches.get(*i as usize).copied() else {
                return false;
            };
            let plain = branches.len() == 2
                && branches
                    .iter()
                    .any(|b| matches!(schema.node(*b).kind, Kind::Null));
            if matches!(schema.node(branch).kind, Kind::Null) {
                out.push_str("null");
            } else if plain {
                return write(schema, branch, v, out);
            } else {
                out.push('{');
                string(branch_name(schema, branch), out);
                out.push(':');
                if !write(schema, branch, v, out) {
                    return false;
                }
                out.push('}');
            }
        }
        (Kind::Record(r), Value::Record(values)) if r.fields.len() == values.len() => {
            out.push('{');
            for (i, (f, v)) in r.fields.iter().zip(values).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(&f.name, out);
                out.push(':');
                if !write(schema, f.schema, v, out) {
                    return false;
                }
            }
            out.push('}');
        }
        _ => return false,
    }
    true
}

/// A finite number; Rust's shortest round-trip form is valid JSON and parses to the same
/// double (`-0` included).
fn number(d: f64, out: &mut String) -> bool {
    if !d.is_finite() {
        return false;
    }
    let _ = write!(out, "{d}");
    true
}

/// A JSON string literal.
fn string(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(schema: &str, value: Value) -> Option<serde_json::Value> {
        let s = Schema::parse(schema).unwrap();
        to_json(&s, s.root(), &value).map(|t| serde_json::from_str(&t).unwrap())
    }

    #[test]
    fn records_unions_maps_and_escapes_read_back_as_the_js_shape() {
        let schema = r#"{"type":"record","name":"R","fields":[
            {"name":"s","type":"string"},{"name":"o","type":["null","long"]},
            {"name":"u","type":["int","string"]},{"name":"m","type":{"type":"map","values":"double"}},
            {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}]}"#;
        let value = Value::Record(vec![
            Value::String("q\"\\\n\u{1}é".into()),
            Value::Union(1, Box::new(Value::Long(-(1 << 53) + 1))),
            Value::Union(1, Box::new(Value::String("x".into()))),
            Value::Map(vec![("__proto__".into(), Value::Double(-0.0))]),
            Value::Enum(1),
        ]);
        let got = json(schema, value).unwrap();
        assert_eq!(got["s"], "q\"\\\n\u{1}é");
        assert_eq!(got["o"], -(1i64 << 53) + 1);
        assert_eq!(got["u"], serde_json::json!({"string": "x"}));
        assert_eq!(
            got["m"]["__proto__"].as_f64().map(f64::is_sign_negative),
            Some(true)
        );
        assert_eq!(got["e"], "B");
    }

    #[test]
    fn declines_what_json_cannot_say() {
        assert_eq!(json(r#""long""#, Value::Long(1 << 53)), None);
        assert_eq!(json(r#""double""#, Value::Double(f64::NAN)), None);
        assert_eq!(json(r#""float""#, Value::Float(f32::INFINITY)), None);
        assert_eq!(json(r#""bytes""#, Value::Bytes(vec![1])), None);
        assert_eq!(
            json(r#""int""#, Value::Long(1)),
            None,
            "a value that does not fit"
        );
        assert!(json(r#""long""#, Value::Long((1 << 53) - 1)).is_some());
    }
}
