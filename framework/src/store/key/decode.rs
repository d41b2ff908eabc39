//! Order-preserving key bytes → Avro binary (the canonical encoding: one block per non-empty
//! array or map, shortest varints), from which [`affinity_avro::decode_value`] or a typed
//! decoder reads the value.

use affinity_avro::Schema;
use affinity_avro::binary::{
    MAX_DEPTH, write_bool, write_bytes, write_double, write_float, write_int, write_long, write_str,
};
use affinity_avro::schema::{Kind, NodeId, Order};

use super::KeyError;
use super::primitives::{END, KeyReader, MORE};

/// Where the values of ignored record fields come from.
pub(super) enum Ignored<'r, 'k> {
    /// Read in place: inside the trailer, where every field is written in place.
    Inline,
    /// Not read at all (the first pass, which only finds where the ordered part ends).
    Skip,
    /// Read from the trailer, in the order the ordered part meets them.
    From(&'r mut KeyReader<'k>),
}

/// Converts one whole key of `schema` to Avro binary, appended to `out`. `has_ignored` says
/// whether keys of this schema carry a trailer (see the module docs of `key`).
pub(super) fn key_to_avro(
    schema: &Schema,
    has_ignored: bool,
    key: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), KeyError> {
    let start = out.len();
    let res = if has_ignored {
        // First find where the ordered part ends; the trailer follows it.
        let mut r = KeyReader::new(key, 0);
        read(
            schema,
            schema.root(),
            &mut r,
            &mut Ignored::Skip,
            &mut Vec::new(),
            0,
        )?;
        let split = r.position();
        let mut r = KeyReader::new(&key[..split], 0);
        let mut t = KeyReader::new(&key[split..], split);
        read(
            schema,
            schema.root(),
            &mut r,
            &mut Ignored::From(&mut t),
            out,
            0,
        )
        .and_then(|()| r.finish())
        .and_then(|()| t.finish())
    } else {
        let mut r = KeyReader::new(key, 0);
        read(schema, schema.root(), &mut r, &mut Ignored::Skip, out, 0).and_then(|()| r.finish())
    };
    res.inspect_err(|_| out.truncate(start))
}

/// Reads one value of node `id` from `r`, writing its Avro binary encoding to `out`.
pub(super) fn read(
    schema: &Schema,
    id: NodeId,
    r: &mut KeyReader<'_>,
    ignored: &mut Ignored<'_, '_>,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), KeyError> {
    match &schema.node(id).kind {
        Kind::Null => {}
        Kind::Boolean => write_bool(out, r.bool()?),
        Kind::Int => write_int(out, r.int()?),
        Kind::Long => write_long(out, r.long()?),
        Kind::Float => write_float(out, r.float()?),
        Kind::Double => write_double(out, r.double()?),
        Kind::Bytes => {
            let mut b = Vec::new();
            r.bytes(&mut b)?;
            write_bytes(out, &b);
        }
        Kind::String => {
            let pos = r.at();
            let mut b = Vec::new();
            r.bytes(&mut b)?;
            let s = std::str::from_utf8(&b).map_err(|_| KeyError::Malformed {
                pos,
                reason: "a string that is not UTF-8",
            })?;
            write_str(out, s);
        }
        Kind::Fixed(f) => r.fixed(f.size, out)?,
        Kind::Enum(e) => {
            let i = r.index(e.symbols.len(), "an enum symbol index out of range")?;
            write_long(out, i as i64);
        }
        Kind::Union(branches) => {
            let i = r.index(branches.len(), "a union branch index out of range")?;
            write_long(out, i as i64);
            read(schema, branches[i], r, ignored, out, depth)?;
        }
        Kind::Array(items) => {
            let start = out.len();
            let mut count = 0i64;
            while more(r)? {
                read(schema, *items, r, ignored, out, depth)?;
                count += 1;
            }
            finish_block(out, start, count);
        }
        Kind::Map(values) => {
            if !matches!(ignored, Ignored::Inline) {
                return Err(r.malformed("a map outside an ignored field"));
            }
            let start = out.len();
            let mut count = 0i64;
            while more(r)? {
                let pos = r.at();
                let mut k = Vec::new();
                r.bytes(&mut k)?;
                let k = std::str::from_utf8(&k).map_err(|_| KeyError::Malformed {
                    pos,
                    reason: "a map key that is not UTF-8",
                })?;
                write_str(out, k);
                read(schema, *values, r, ignored, out, depth)?;
                count += 1;
            }
            finish_block(out, start, count);
        }
        Kind::Record(rec) => {
            if depth >= MAX_DEPTH {
                return Err(KeyError::TooDeep(MAX_DEPTH));
            }
            for f in &rec.fields {
                match (&mut *ignored, f.order) {
                    (Ignored::Inline, _) | (_, Order::Ascending) => {
                        read(schema, f.schema, r, ignored, out, depth + 1)?;
                    }
                    (_, Order::Descending) => {
                        r.mask ^= 0xFF;
                        let res = read(schema, f.schema, r, ignored, out, depth + 1);
                        r.mask ^= 0xFF;
                        res?;
                    }
                    (Ignored::Skip, Order::Ignore) => {}
                    (Ignored::From(t), Order::Ignore) => {
                        read(schema, f.schema, t, &mut Ignored::Inline, out, depth + 1)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Reads an item marker: `true` if an item follows, `false` at the end.
fn more(r: &mut KeyReader<'_>) -> Result<bool, KeyError> {
    match r.u8()? {
        MORE => Ok(true),
        END => Ok(false),
        _ => Err(KeyError::Malformed {
            pos: r.at() - 1,
            reason: "an array or map item marker other than 0 or 1",
        }),
    }
}

/// Turns the items written since `start` into one Avro block: the count before them (when there
/// are any) and the end marker after.
fn finish_block(out: &mut Vec<u8>, start: usize, count: i64) {
    if count > 0 {
        let mut header = Vec::with_capacity(10);
        write_long(&mut header, count);
        out.splice(start..start, header);
    }
    out.push(0);
}
