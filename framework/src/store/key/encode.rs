//! [`Value`] → order-preserving key bytes.

use affinity_avro::binary::MAX_DEPTH;
use affinity_avro::schema::{Kind, NodeId, Order};
use affinity_avro::{Schema, Value};

use super::KeyError;
use super::primitives::{
    END, MORE, invert, put_bytes, put_double, put_float, put_index, put_int, put_long,
};

/// Writes `value`, a value of node `id`, to `out`.
///
/// `trailer` is `Some` in the *ordered* part of a key: there, descending fields are inverted
/// and ignored fields are written to the trailer instead of `out`, and maps are an error. It
/// is `None` inside the trailer, where everything is written in place and ascending (the order
/// there only breaks ties between keys the sort order calls equal) and maps are allowed.
pub(super) fn write(
    schema: &Schema,
    id: NodeId,
    value: &Value,
    out: &mut Vec<u8>,
    mut trailer: Option<&mut Vec<u8>>,
    depth: usize,
) -> Result<(), KeyError> {
    match (&schema.node(id).kind, value) {
        (Kind::Null, Value::Null) => {}
        (Kind::Boolean, Value::Boolean(b)) => out.push(u8::from(*b)),
        (Kind::Int, Value::Int(v)) => put_int(out, *v),
        (Kind::Long, Value::Long(v)) => put_long(out, *v),
        (Kind::Float, Value::Float(v)) => put_float(out, *v),
        (Kind::Double, Value::Double(v)) => put_double(out, *v),
        (Kind::Bytes, Value::Bytes(v)) => put_bytes(out, v),
        (Kind::String, Value::String(v)) => put_bytes(out, v.as_bytes()),
        (Kind::Fixed(f), Value::Fixed(v)) if v.len() == f.size => out.extend_from_slice(v),
        (Kind::Enum(e), Value::Enum(i)) if (*i as usize) < e.symbols.len() => put_index(out, *i),
        (Kind::Union(branches), Value::Union(i, v)) if (*i as usize) < branches.len() => {
            put_index(out, *i);
            write(schema, branches[*i as usize], v, out, trailer, depth)
                .map_err(|e| at(e, || format!("<branch {i}>")))?;
        }
        (Kind::Array(items), Value::Array(vs)) => {
            for (i, v) in vs.iter().enumerate() {
                out.push(MORE);
                write(schema, *items, v, out, trailer.as_deref_mut(), depth)
                    .map_err(|e| at(e, || format!("[{i}]")))?;
            }
            out.push(END);
        }
        (Kind::Map(values), Value::Map(entries)) => {
            if trailer.is_some() {
                return Err(KeyError::Unorderable {
                    path: String::new(),
                });
            }
            for (k, v) in entries {
                out.push(MORE);
                put_bytes(out, k.as_bytes());
                write(schema, *values, v, out, None, depth)
                    .map_err(|e| at(e, || format!("[{k:?}]")))?;
            }
            out.push(END);
        }
        (Kind::Record(r), Value::Record(vs)) if vs.len() == r.fields.len() => {
            if depth >= MAX_DEPTH {
                return Err(KeyError::TooDeep(MAX_DEPTH));
            }
            for (f, v) in r.fields.iter().zip(vs) {
                let res = match (trailer.as_deref_mut(), f.order) {
                    (None, _) => write(schema, f.schema, v, out, None, depth + 1),
                    (Some(t), Order::Ascending) => {
                        write(schema, f.schema, v, out, Some(t), depth + 1)
                    }
                    (Some(t), Order::Descending) => {
                        let start = out.len();
                        let res = write(schema, f.schema, v, out, Some(t), depth + 1);
                        invert(&mut out[start..]);
                        res
                    }
                    (Some(t), Order::Ignore) => write(schema, f.schema, v, t, None, depth + 1),
                };
                res.map_err(|e| at(e, || f.name.clone()))?;
            }
        }
        _ => return Err(mismatch(schema, id)),
    }
    Ok(())
}

/// The error for a value that is not a value of node `id`.
fn mismatch(schema: &Schema, id: NodeId) -> KeyError {
    let kind = &schema.node(id).kind;
    let expected = match kind.name() {
        Some(n) => format!("{} {}", kind.type_name(), n),
        None => kind.type_name().to_owned(),
    };
    KeyError::Mismatch {
        path: String::new(),
        expected,
    }
}

/// Prefixes the path of a path-carrying error with `segment` (built only on error).
pub(super) fn at(e: KeyError, segment: impl FnOnce() -> String) -> KeyError {
    let join = |path: String, segment: String| {
        if path.is_empty() {
            segment
        } else if path.starts_with('[') {
            format!("{segment}{path}")
        } else {
            format!("{segment}.{path}")
        }
    };
    match e {
        KeyError::Mismatch { path, expected } => KeyError::Mismatch {
            path: join(path, segment()),
            expected,
        },
        KeyError::Unorderable { path } => KeyError::Unorderable {
            path: join(path, segment()),
        },
        other => other,
    }
}
