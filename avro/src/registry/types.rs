//! The registry's vocabulary: schema ids, registered schemas and the future type.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::RegistryError;
use crate::Schema;

/// A schema's id in a registry: global across subjects, the id in the Confluent frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub u32);

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u32> for SchemaId {
    fn from(id: u32) -> Self {
        SchemaId(id)
    }
}

impl From<SchemaId> for u32 {
    fn from(id: SchemaId) -> Self {
        id.0
    }
}

/// A schema as registered under a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    /// Its global id.
    pub id: SchemaId,
    /// Its version within the subject, from 1.
    pub version: u32,
    /// The subject.
    pub subject: String,
    /// The schema.
    pub schema: Arc<Schema>,
}

/// What the [`SchemaRegistry`](super::SchemaRegistry) methods return: a boxed, `Send` future,
/// so the trait is object-safe and works with any async runtime.
pub type RegistryFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, RegistryError>> + Send + 'a>>;
