//! One parsed schema per Rust type, built on first use.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use super::{Avro, SchemaWriter};
use crate::Schema;

/// Builds `T`'s schema from [`Avro::write_schema`].
///
/// # Panics
/// When the JSON the type writes is not a valid schema. That is a defect of the type's
/// definition, not of any input — for example two different types given the same Avro name, or
/// `Option<Option<T>>` (a union inside a union) — and the message names the schema.
pub fn build_schema<T: Avro>() -> Schema {
    build_schema_with(T::write_schema, std::any::type_name::<T>())
}

/// Builds the schema `write` writes, for the type named `type_name`; panics as [`build_schema`].
#[allow(clippy::panic)]
pub(crate) fn build_schema_with(write: fn(&mut SchemaWriter), type_name: &str) -> Schema {
    let mut w = SchemaWriter::new();
    write(&mut w);
    let json = w.finish();
    match Schema::parse(&json) {
        Ok(s) => s,
        Err(e) => panic!("the Avro schema of `{type_name}` is invalid: {e}\nschema: {json}"),
    }
}

type Cache = RwLock<HashMap<TypeId, &'static Schema>>;

/// `T`'s schema, built once per process and kept for its lifetime (one per type, so bounded by
/// the program's types).
pub(crate) fn schema_of<T: Avro>() -> &'static Schema {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let id = TypeId::of::<T>();
    if let Some(s) = cache.read().unwrap_or_else(|p| p.into_inner()).get(&id) {
        return s;
    }
    // Built outside the lock: a type's schema never depends on the cache.
    let built: &'static Schema = Box::leak(Box::new(build_schema::<T>()));
    cache
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .entry(id)
        .or_insert(built)
}
