//! [`Resolver`]: reads data written with one schema as values of another.

use super::ResolveError;
use super::decode::run;
use super::plan::{Plan, compile};
use super::typed::TypedResolver;
use crate::binary::Reader;
use crate::{Avro, DecodeError, Schema, Value};

/// A compiled plan to read data written with a writer schema as values of a reader schema,
/// following "Schema Resolution" in the Avro 1.12 specification.
///
/// Build it once per (writer, reader) pair and keep it: building walks both schemas, decoding
/// only follows the plan. It owns copies of both schemas, is `Send + Sync` and can be shared.
///
/// The rules: `int` → `long` → `float` → `double` (and `long` → `double`, `int` → `float`…)
/// promotions; `string` ↔ `bytes`; records, enums and fixeds matched by full name, unqualified
/// name or a reader alias (fixeds also by size); fields matched by name or a reader field alias,
/// in any order; writer fields the reader lacks skipped; reader fields the writer lacks filled
/// from their defaults; enum symbols by name, with the reader's enum default for symbols it
/// does not know; union branches chosen by exact match first, then by name, then by promotion.
/// Logical types resolve as their underlying types.
///
/// [`Resolver::new`] fails when the writer's data can never be read. A writer union branch or
/// enum symbol that the reader cannot take fails only when it occurs in the data, with
/// [`DecodeError::Unresolved`]; use [`crate::can_read`] to rule that out in advance.
///
/// ```
/// use affinity_avro::{Resolver, Schema, Value, encode_value};
/// let v1 = Schema::parse(r#"{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}"#)?;
/// let v2 = Schema::parse(r#"{"type":"record","name":"P","fields":[
///     {"name":"y","type":"string","default":"none"},{"name":"x","type":"long"}]}"#)?;
/// let mut bytes = Vec::new();
/// encode_value(&v1, &Value::Record(vec![Value::Int(7)]), &mut bytes)?;
/// let resolver = Resolver::new(&v1, &v2)?;
/// assert_eq!(
///     resolver.decode(&bytes)?,
///     Value::Record(vec![Value::String("none".into()), Value::Long(7)])
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Resolver {
    writer: Schema,
    reader: Schema,
    plan: Plan,
}

impl Resolver {
    /// Compiles the plan to read `writer`'s data as `reader` values; fails, naming the path and
    /// the reason, when no data of `writer` could ever be read as `reader`.
    pub fn new(writer: &Schema, reader: &Schema) -> Result<Resolver, ResolveError> {
        let plan = compile(writer, reader)?;
        Ok(Resolver {
            writer: writer.clone(),
            reader: reader.clone(),
            plan,
        })
    }

    /// A reusable resolver from `writer` to `T`'s schema, decoding straight into `T` (see
    /// [`TypedResolver`]).
    pub fn for_type<T: Avro>(writer: &Schema) -> Result<TypedResolver<T>, ResolveError> {
        TypedResolver::new(writer)
    }

    /// The writer schema.
    pub fn writer(&self) -> &Schema {
        &self.writer
    }

    /// The reader schema.
    pub fn reader(&self) -> &Schema {
        &self.reader
    }

    /// Decodes one whole writer value from `bytes` as a value of the reader schema; trailing
    /// bytes are an error.
    pub fn decode(&self, bytes: &[u8]) -> Result<Value, DecodeError> {
        let mut r = Reader::new(bytes);
        let v = self.read(&mut r)?;
        r.finish()?;
        Ok(v)
    }

    /// Reads one writer value from `r` as a value of the reader schema (for a value embedded in
    /// a larger input).
    pub fn read(&self, r: &mut Reader<'_>) -> Result<Value, DecodeError> {
        run(&self.plan, &self.writer, self.plan.root, r)
    }
}
