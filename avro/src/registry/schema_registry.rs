//! The [`SchemaRegistry`] trait.

use std::sync::Arc;

use super::{RegisteredSchema, RegistryFuture, SchemaId};
use crate::Schema;
use crate::compat::{Compatibility, Incompatibility};

/// A schema registry with the Confluent Schema Registry's model: subjects hold numbered
/// versions of schemas, every distinct schema has one global id, and each subject (or the whole
/// registry) has a [`Compatibility`] level that new versions must meet.
///
/// The methods return boxed futures ([`RegistryFuture`]) so that the trait is object-safe
/// (`Arc<dyn SchemaRegistry>`) and independent of any async runtime. Implementations are the
/// in-memory [`MemoryRegistry`](super::MemoryRegistry) here and, in the server, file,
/// ZooKeeper and HTTP (Confluent) providers.
pub trait SchemaRegistry: Send + Sync {
    /// Registers `schema` under `subject` and returns its id.
    ///
    /// Idempotent: a schema already registered under the subject returns its existing id
    /// without a new version. Otherwise the schema must be compatible with the subject's
    /// versions at the subject's level (or the global one), else
    /// [`RegistryError::Incompatible`](super::RegistryError::Incompatible) lists the problems.
    /// A schema already registered under another subject keeps its id.
    fn register<'a>(&'a self, subject: &'a str, schema: &'a Schema)
    -> RegistryFuture<'a, SchemaId>;

    /// The schema with this id.
    fn schema_by_id(&self, id: SchemaId) -> RegistryFuture<'_, Arc<Schema>>;

    /// The latest version under `subject`.
    fn latest<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, RegisteredSchema>;

    /// Version `version` (from 1) under `subject`.
    fn version<'a>(
        &'a self,
        subject: &'a str,
        version: u32,
    ) -> RegistryFuture<'a, RegisteredSchema>;

    /// The versions under `subject`, ascending.
    fn versions<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>>;

    /// All subjects, sorted.
    fn subjects(&self) -> RegistryFuture<'_, Vec<String>>;

    /// The version under `subject` holding `schema`, if any; an unknown subject is an error.
    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Option<RegisteredSchema>>;

    /// The compatibility level of `subject` (its own, else the global one), or the global
    /// level for `None`.
    fn compatibility<'a>(&'a self, subject: Option<&'a str>) -> RegistryFuture<'a, Compatibility>;

    /// Sets the compatibility level of `subject`, or the global level for `None`.
    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: Compatibility,
    ) -> RegistryFuture<'a, ()>;

    /// Whether `schema` could be registered under `subject` now: `Ok(Err(problems))` when it
    /// is incompatible. A subject without versions accepts any schema.
    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Result<(), Vec<Incompatibility>>>;

    /// Deletes `subject` with its versions and its compatibility level, returning the deleted
    /// versions. Schema ids stay valid: data framed with them can still be read.
    fn delete_subject<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>>;
}
