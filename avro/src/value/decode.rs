//! Avro binary → [`Value`], driven by a schema.

use crate::binary::Reader;
use crate::schema::{Kind, NodeId, Schema};
use crate::{DecodeError, Value};

/// Decodes one whole value of `schema` from `bytes`; trailing bytes are an error.
///
/// ```
/// use affinity_avro::{Schema, Value, decode_value};
/// let s = Schema::parse(r#"["null","string"]"#)?;
/// assert_eq!(decode_value(&s, &[2, 2, b'a'])?, Value::Union(1, Box::new(Value::String("a".into()))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_value(schema: &Schema, bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut r = Reader::new(bytes);
    let v = read_value(schema, schema.root(), &mut r)?;
    r.finish()?;
    Ok(v)
}

/// Reads one value of node `id` from `r`.
pub(crate) fn read_value(
    schema: &Schema,
    id: NodeId,
    r: &mut Reader<'_>,
) -> Result<Value, DecodeError> {
    Ok(match &schema.node(id).kind {
        Kind::Null => Value::Null,
        Kind::Boolean => Value::Boolean(r.read_bool()?),
        Kind::Int => Value::Int(r.read_int()?),
        Kind::Long => Value::Long(r.read_long()?),
        Kind::Float => Value::Float(r.read_float()?),
        Kind::Double => Value::Double(r.read_double()?),
        Kind::Bytes => Value::Bytes(r.read_bytes()?.to_vec()),
        Kind::String => Value::String(r.read_str()?.to_owned()),
        Kind::Fixed(f) => Value::Fixed(r.read_fixed(f.size)?.to_vec()),
        Kind::Enum(e) => Value::Enum(r.read_enum_index(e.symbols.len())? as u32),
        Kind::Union(branches) => {
            let i = r.read_union_index(branches.len())?;
            Value::Union(i as u32, Box::new(read_value(schema, branches[i], r)?))
        }
        Kind::Array(items) => {
            let mut out = Vec::new();
            while let Some(n) = r.read_block(schema.min_size(*items))? {
                out.reserve(Reader::reserve_hint(n));
                for _ in 0..n {
                    out.push(read_value(schema, *items, r)?);
                }
            }
            Value::Array(out)
        }
        Kind::Map(values) => {
            let mut out = Vec::new();
            while let Some(n) = r.read_block(1 + schema.min_size(*values))? {
                out.reserve(Reader::reserve_hint(n));
                for _ in 0..n {
                    let k = r.read_str()?.to_owned();
                    out.push((k, read_value(schema, *values, r)?));
                }
            }
            Value::Map(out)
        }
        Kind::Record(rec) => {
            r.enter()?;
            let mut fields = Vec::with_capacity(rec.fields.len());
            for f in &rec.fields {
                fields.push(read_value(schema, f.schema, r)?);
            }
            r.leave();
            Value::Record(fields)
        }
    })
}

/// Skips one value of node `id` of `schema` in `r`, checking it as thoroughly as decoding would.
pub fn skip_value(schema: &Schema, id: NodeId, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    match &schema.node(id).kind {
        Kind::Null => {}
        Kind::Boolean => {
            r.read_bool()?;
        }
        Kind::Int => {
            r.read_int()?;
        }
        Kind::Long => {
            r.read_long()?;
        }
        Kind::Enum(e) => {
            r.read_enum_index(e.symbols.len())?;
        }
        Kind::Float => {
            r.read_fixed(4)?;
        }
        Kind::Double => {
            r.read_fixed(8)?;
        }
        Kind::Bytes => {
            r.read_bytes()?;
        }
        Kind::String => {
            r.read_str()?;
        }
        Kind::Fixed(f) => {
            r.read_fixed(f.size)?;
        }
        Kind::Union(branches) => {
            let i = r.read_union_index(branches.len())?;
            skip_value(schema, branches[i], r)?;
        }
        Kind::Array(items) => {
            while let Some(n) = r.read_block(schema.min_size(*items))? {
                for _ in 0..n {
                    skip_value(schema, *items, r)?;
                }
            }
        }
        Kind::Map(values) => {
            while let Some(n) = r.read_block(1 + schema.min_size(*values))? {
                for _ in 0..n {
                    r.read_str()?;
                    skip_value(schema, *values, r)?;
                }
            }
        }
        Kind::Record(rec) => {
            r.enter()?;
            for f in &rec.fields {
                skip_value(schema, f.schema, r)?;
            }
            r.leave();
        }
    }
    Ok(())
}
