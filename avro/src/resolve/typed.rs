//! Reading data written with any compatible schema into a Rust type.

use std::fmt;
use std::marker::PhantomData;

use super::{ReadError, ResolveError, Resolver};
use crate::{Avro, DecodeError, Schema, encode_value, from_slice};

/// Reads values written with one writer schema as `T`, with the plan compiled once: keep one
/// per writer schema (per schema id, say).
///
/// When the writer schema is `T`'s own (same fingerprint), values are decoded directly with
/// [`Avro::decode`]. Otherwise — the evolution path — the bytes are resolved into a
/// [`Value`](crate::Value) of `T`'s schema with a [`Resolver`], that value is encoded with
/// `T`'s schema and decoded as `T`. The evolution path costs an extra encode and decode; it
/// keeps the generated code free of resolution logic.
pub struct TypedResolver<T> {
    resolver: Option<Resolver>,
    _type: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for TypedResolver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedResolver")
            .field("type", &std::any::type_name::<T>())
            .field("direct", &self.resolver.is_none())
            .finish()
    }
}

impl<T> Clone for TypedResolver<T> {
    fn clone(&self) -> Self {
        TypedResolver {
            resolver: self.resolver.clone(),
            _type: PhantomData,
        }
    }
}

impl<T: Avro> TypedResolver<T> {
    /// Prepares to read `writer`'s data as `T`; fails when it never could be.
    pub fn new(writer: &Schema) -> Result<Self, ResolveError> {
        let resolver = if writer.fingerprint() == T::fingerprint() {
            None
        } else {
            Some(Resolver::new(writer, T::schema())?)
        };
        Ok(TypedResolver {
            resolver,
            _type: PhantomData,
        })
    }

    /// Whether values decode directly (the writer schema is `T`'s own).
    pub fn is_direct(&self) -> bool {
        self.resolver.is_none()
    }

    /// Decodes one whole writer value from `bytes` as `T`; trailing bytes are an error.
    pub fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        let Some(resolver) = &self.resolver else {
            return from_slice(bytes);
        };
        let value = resolver.decode(bytes)?;
        let mut own = Vec::with_capacity(bytes.len());
        encode_value(T::schema(), &value, &mut own)
            .map_err(|e| DecodeError::InvalidValue(e.to_string()))?;
        from_slice(&own)
    }
}

/// Decodes `bytes`, written with `writer`, as a `T`.
///
/// When `writer` is `T`'s own schema (same fingerprint) this is [`from_slice`]. Otherwise it is
/// the evolution path: the data is resolved against `T`'s schema (defaults filled in, removed
/// fields skipped, promotions applied…) into a [`Value`](crate::Value), which is encoded with
/// `T`'s schema and decoded. To read many values with one writer schema, build a
/// [`TypedResolver`] once instead.
pub fn from_slice_with<T: Avro>(writer: &Schema, bytes: &[u8]) -> Result<T, ReadError> {
    Ok(TypedResolver::<T>::new(writer)?.decode(bytes)?)
}
