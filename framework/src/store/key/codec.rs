//! [`KeyCodec`] (dynamic values of a schema) and [`TypedKeyCodec`] (a Rust key type).

use std::fmt;
use std::marker::PhantomData;

use affinity_avro::schema::{Kind, Order};
use affinity_avro::{Avro, Schema, Value, decode_value, from_slice, to_vec};

use super::KeyError;
use super::check::check;
use super::decode::key_to_avro;
use super::encode::{at, write};
use super::primitives::invert;

/// Encodes values of one key schema into bytes that sort like the values, and back.
///
/// See the [module docs](super) for the encoding and the order it gives.
///
/// ```
/// use affinity::store::KeyCodec;
/// use affinity_avro::{Schema, Value};
///
/// let schema = Schema::parse(r#"{"type":"record","name":"K","fields":[
///     {"name":"user","type":"string"},
///     {"name":"at","type":"long","order":"descending"}]}"#)?;
/// let codec = KeyCodec::new(&schema)?;
/// let key = |user: &str, at: i64| {
///     codec.to_vec(&Value::Record(vec![Value::String(user.into()), Value::Long(at)]))
/// };
/// // Users in byte order; within a user, the newest first.
/// assert!(key("ann", 10)? < key("ann", 9)?);
/// assert!(key("ann", 0)? < key("bob", 99)?);
/// // Every key of "ann" starts with the prefix of "ann".
/// let prefix = codec.prefix_to_vec(&[Value::String("ann".into())])?;
/// assert!(key("ann", 5)?.starts_with(&prefix));
/// assert_eq!(codec.decode(&key("ann", 5)?)?, Value::Record(vec![Value::String("ann".into()), Value::Long(5)]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct KeyCodec<'s> {
    schema: &'s Schema,
    has_ignored: bool,
}

impl fmt::Debug for KeyCodec<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCodec")
            .field("schema", &self.schema.canonical_form())
            .field("has_ignored", &self.has_ignored)
            .finish()
    }
}

impl<'s> KeyCodec<'s> {
    /// A codec for keys of `schema`. Fails with [`KeyError::Unorderable`] if the sort order
    /// reaches a map (maps have no order; only a field with `"order": "ignore"` may hold one).
    pub fn new(schema: &'s Schema) -> Result<Self, KeyError> {
        let shape = check(schema)?;
        Ok(KeyCodec {
            schema,
            has_ignored: shape.has_ignored,
        })
    }

    /// The key schema.
    pub fn schema(&self) -> &'s Schema {
        self.schema
    }

    /// Appends the encoding of `value` to `out`. A value that does not match the schema is a
    /// [`KeyError::Mismatch`], and `out` is then left as it was.
    pub fn encode(&self, value: &Value, out: &mut Vec<u8>) -> Result<(), KeyError> {
        let start = out.len();
        // Ignored fields go to the trailer, which follows the ordered part (empty without any).
        let mut trailer = Vec::new();
        let res = write(
            self.schema,
            self.schema.root(),
            value,
            out,
            Some(&mut trailer),
            0,
        )
        .map(|()| out.extend_from_slice(&trailer));
        res.inspect_err(|_| out.truncate(start))
    }

    /// The encoding of `value` in a new vector.
    pub fn to_vec(&self, value: &Value) -> Result<Vec<u8>, KeyError> {
        let mut out = Vec::new();
        self.encode(value, &mut out)?;
        Ok(out)
    }

    /// Appends the encoding of a key *prefix* to `out`: the first `fields.len()` fields of a
    /// record key schema. Every key whose first fields equal `fields` (as the sort order sees
    /// them) starts with these bytes, and no other key does, so a prefix scan over them finds
    /// exactly those keys. Ignored fields among `fields` are checked against the schema but
    /// match every value.
    pub fn encode_prefix(&self, fields: &[Value], out: &mut Vec<u8>) -> Result<(), KeyError> {
        let Kind::Record(record) = &self.schema.root_node().kind else {
            return Err(KeyError::NotARecord(
                self.schema.root_node().kind.type_name(),
            ));
        };
        if fields.len() > record.fields.len() {
            return Err(KeyError::TooManyFields {
                given: fields.len(),
                fields: record.fields.len(),
            });
        }
        let start = out.len();
        let mut ignored = Vec::new();
        let mut res = Ok(());
        for (f, v) in record.fields.iter().zip(fields) {
            let field_start = out.len();
            res = match f.order {
                Order::Ascending => write(self.schema, f.schema, v, out, Some(&mut ignored), 1),
                Order::Descending => {
                    let r = write(self.schema, f.schema, v, out, Some(&mut ignored), 1);
                    invert(&mut out[field_start..]);
                    r
                }
                Order::Ignore => write(self.schema, f.schema, v, &mut ignored, None, 1),
            }
            .map_err(|e| at(e, || f.name.clone()));
            if res.is_err() {
                break;
            }
        }
        res.inspect_err(|_| out.truncate(start))
    }

    /// The encoding of a key prefix in a new vector (see [`KeyCodec::encode_prefix`]).
    pub fn prefix_to_vec(&self, fields: &[Value]) -> Result<Vec<u8>, KeyError> {
        let mut out = Vec::new();
        self.encode_prefix(fields, &mut out)?;
        Ok(out)
    }

    /// Decodes a whole encoded key back to its value.
    pub fn decode(&self, key: &[u8]) -> Result<Value, KeyError> {
        let mut avro = Vec::with_capacity(key.len());
        self.to_avro(key, &mut avro)?;
        Ok(decode_value(self.schema, &avro)?)
    }

    /// Appends the key's Avro binary encoding (the canonical one, as
    /// [`affinity_avro::encode_value`] writes it) to `out`, without building a [`Value`]. On
    /// error `out` is left as it was.
    pub fn to_avro(&self, key: &[u8], out: &mut Vec<u8>) -> Result<(), KeyError> {
        key_to_avro(self.schema, self.has_ignored, key, out)
    }

    /// Appends the key encoding of a value given in Avro binary to `out`.
    pub fn from_avro(&self, avro: &[u8], out: &mut Vec<u8>) -> Result<(), KeyError> {
        self.encode(&decode_value(self.schema, avro)?, out)
    }

    /// The key encoding of a value given in Avro binary, in a new vector (see
    /// [`KeyCodec::from_avro`]).
    pub fn from_avro_to_vec(&self, avro: &[u8]) -> Result<Vec<u8>, KeyError> {
        // Key encodings are the Avro bytes with at most a terminator or two per field.
        let mut out = Vec::with_capacity(avro.len() + 1);
        self.from_avro(avro, &mut out)?;
        Ok(out)
    }
}

/// A [`KeyCodec`] for the Rust key type `K`, over `K`'s own schema.
///
/// ```
/// use affinity::store::TypedKeyCodec;
///
/// let codec = TypedKeyCodec::<i64>::new()?;
/// let keys: Vec<Vec<u8>> = [-5i64, 0, 3].iter().map(|k| codec.to_vec(k)).collect::<Result<_, _>>()?;
/// assert!(keys.windows(2).all(|w| w[0] < w[1]));
/// assert_eq!(codec.decode(&keys[0])?, -5);
/// # Ok::<(), affinity::store::KeyError>(())
/// ```
pub struct TypedKeyCodec<K> {
    codec: KeyCodec<'static>,
    _key: PhantomData<fn() -> K>,
}

impl<K> Clone for TypedKeyCodec<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for TypedKeyCodec<K> {}

impl<K> fmt::Debug for TypedKeyCodec<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TypedKeyCodec").field(&self.codec).finish()
    }
}

impl<K: Avro> TypedKeyCodec<K> {
    /// The codec for `K`; fails like [`KeyCodec::new`] on `K`'s schema.
    pub fn new() -> Result<Self, KeyError> {
        Ok(TypedKeyCodec {
            codec: KeyCodec::new(K::schema())?,
            _key: PhantomData,
        })
    }

    /// The dynamic codec underneath.
    pub fn codec(&self) -> KeyCodec<'static> {
        self.codec
    }

    /// Appends the encoding of `key` to `out` (left as it was on error).
    pub fn encode(&self, key: &K, out: &mut Vec<u8>) -> Result<(), KeyError> {
        self.codec.from_avro(&to_vec(key), out)
    }

    /// The encoding of `key` in a new vector.
    pub fn to_vec(&self, key: &K) -> Result<Vec<u8>, KeyError> {
        let mut out = Vec::new();
        self.encode(key, &mut out)?;
        Ok(out)
    }

    /// Decodes an encoded key.
    pub fn decode(&self, key: &[u8]) -> Result<K, KeyError> {
        let mut avro = Vec::with_capacity(key.len());
        self.codec.to_avro(key, &mut avro)?;
        Ok(from_slice::<K>(&avro)?)
    }
}
