//! The dynamic [`Value`]: any Avro datum, read and written against a [`Schema`](crate::Schema).
//!
//! Values are shaped by their schema rather than self-describing: a record holds its fields by
//! position, an enum its symbol's index, a union its branch index. That keeps decoding free of
//! per-field string allocations; the schema supplies names wherever they are needed (JSON, the
//! browser client's JS objects).

mod decode;
mod encode;

/// Reading and writing one node's value, for the JSON and delta codecs.
pub(crate) use decode::read_value;
pub use decode::{decode_value, skip_value};
pub use encode::encode_value;
pub(crate) use encode::{mismatch, write_value};

/// A dynamically typed Avro datum.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `boolean`.
    Boolean(bool),
    /// `int` (also `date`, `time-millis`).
    Int(i32),
    /// `long` (also times and timestamps).
    Long(i64),
    /// `float`.
    Float(f32),
    /// `double`.
    Double(f64),
    /// `bytes` (also `decimal` on bytes).
    Bytes(Vec<u8>),
    /// `string` (also `uuid` on string).
    String(String),
    /// `fixed` (also `decimal`, `duration`, `uuid` on fixed).
    Fixed(Vec<u8>),
    /// `enum`: the symbol's index.
    Enum(u32),
    /// `array`.
    Array(Vec<Value>),
    /// `map`, in encoding order.
    Map(Vec<(String, Value)>),
    /// A union: the branch's index and its value.
    Union(u32, Box<Value>),
    /// A record: its fields' values, in schema order.
    Record(Vec<Value>),
}

impl Value {
    /// Whether two values have the same Avro encoding: like `==`, except that floating-point
    /// numbers compare by their bits (so `NaN` equals itself and `0.0` differs from `-0.0`).
    /// This is the equality the delta codec uses.
    pub fn same_encoding(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Double(a), Value::Double(b)) => a.to_bits() == b.to_bits(),
            (Value::Array(a), Value::Array(b)) | (Value::Record(a), Value::Record(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_encoding(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.same_encoding(vb))
            }
            (Value::Union(i, a), Value::Union(j, b)) => i == j && a.same_encoding(b),
            (a, b) => a == b,
        }
    }
}
