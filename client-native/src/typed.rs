//! From a writer's value to the application's type: [`value_as`] and the [`Resolvers`] cache.
//!
//! The live session hands over values as dynamic [`Value`]s shaped by their writer schema (it
//! decodes snapshots and applies deltas without knowing any Rust type); HTTP bodies arrive as
//! bytes with a writer schema id. Both become a typed `V` through a [`TypedResolver<V>`] built
//! once per (writer schema id, `V`): direct decoding when the writer schema is `V`'s own (same
//! fingerprint), Avro schema resolution otherwise.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use affinity_avro::{Avro, DecodeError, ResolveError, Schema, TypedResolver, Value, encode_value};

/// How many (schema id, type) resolvers a client keeps; past it an arbitrary one is dropped
/// (and rebuilt when needed again).
const MAX_RESOLVERS: usize = 1024;

/// Reads `value`, a value of `writer`, as a `V` through `resolver` (built for `writer`).
///
/// The value is encoded with its writer schema and decoded by the resolver: directly with
/// [`Avro::decode`] when `writer` is `V`'s own schema, through schema resolution (defaults,
/// promotions, removed fields…) otherwise. A value that does not match `writer` is
/// [`DecodeError::InvalidValue`].
pub(crate) fn value_as<V: Avro>(
    value: &Value,
    writer: &Schema,
    resolver: &TypedResolver<V>,
) -> Result<V, DecodeError> {
    let mut bytes = Vec::new();
    encode_value(writer, value, &mut bytes)
        .map_err(|e| DecodeError::InvalidValue(e.to_string()))?;
    resolver.decode(&bytes)
}

/// The resolvers a client has built, by writer schema id and target type; shared by its HTTP
/// calls and subscriptions.
#[derive(Debug, Default)]
pub(crate) struct Resolvers {
    cache: Mutex<HashMap<(i32, TypeId), Arc<dyn Any + Send + Sync>>>,
}

impl Resolvers {
    /// The resolver from `writer` (registered as `id`) to `V`, built on first use.
    pub(crate) fn get<V: Avro>(
        &self,
        id: i32,
        writer: &Schema,
    ) -> Result<Arc<TypedResolver<V>>, ResolveError> {
        let key = (id, TypeId::of::<V>());
        let cached = self.lock().get(&key).cloned();
        if let Some(any) = cached
            && let Ok(resolver) = any.downcast::<TypedResolver<V>>()
        {
            return Ok(resolver);
        }
        // Built outside the lock: compiling a plan walks both schemas.
        let resolver = Arc::new(TypedResolver::<V>::new(writer)?);
        let mut cache = self.lock();
        if cache.len() >= MAX_RESOLVERS
            && let Some(victim) = cache.keys().next().copied()
        {
            cache.remove(&victim);
        }
        cache.insert(key, resolver.clone());
        Ok(resolver)
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(i32, TypeId), Arc<dyn Any + Send + Sync>>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_directly_or_through_resolution() {
        let own = <i64 as Avro>::schema();
        let direct = TypedResolver::<i64>::new(own).unwrap();
        assert!(direct.is_direct());
        assert_eq!(value_as(&Value::Long(-3), own, &direct), Ok(-3));

        let int = Schema::parse(r#""int""#).unwrap();
        let promoted = TypedResolver::<i64>::new(&int).unwrap();
        assert!(!promoted.is_direct());
        assert_eq!(value_as(&Value::Int(7), &int, &promoted), Ok(7));
        assert!(matches!(
            value_as(&Value::String("x".into()), &int, &promoted),
            Err(DecodeError::InvalidValue(_))
        ));
    }

    #[test]
    fn resolvers_are_cached_per_id_and_type() {
        let r = Resolvers::default();
        let int = Schema::parse(r#""int""#).unwrap();
        let a = r.get::<i64>(3, &int).unwrap();
        let b = r.get::<i64>(3, &int).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(r.get::<f64>(3, &int).is_ok());
        assert!(
            r.get::<String>(3, &int).is_err(),
            "int never reads as string"
        );
        assert_eq!(r.lock().len(), 2);
    }
}
