//! Schema registries: the [`SchemaRegistry`] trait (the Confluent Schema Registry's model) and
//! the in-memory [`MemoryRegistry`].

mod error;
mod memory;
mod schema_registry;
mod types;

pub use error::RegistryError;
pub use memory::MemoryRegistry;
pub use schema_registry::SchemaRegistry;
pub use types::{RegisteredSchema, RegistryFuture, SchemaId};
