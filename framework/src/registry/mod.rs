//! The node's schema registry: the embedded, file-backed [`FileRegistry`] and the Confluent
//! Schema Registry REST subset ([`schema_routes`]) that every node serves under `/schemas`
//! (DESIGN.md §5), so that standard Confluent clients can read the node's topics and browsers
//! can fetch writer schemas by id.
//!
//! The registry model — subjects, versions, global ids, compatibility levels — is
//! [`affinity_avro::SchemaRegistry`]; [`FileRegistry`] persists a
//! [`MemoryRegistry`](affinity_avro::MemoryRegistry) in a checksummed journal under
//! `<data_dir>/registry/`, and [`schema_routes`] serves any `SchemaRegistry` over HTTP (the
//! route list and its departures from Confluent's server are in [`rest`]'s docs).

mod crc32;
mod error;
mod file;
mod journal;
mod op;
mod record;
pub mod rest;
mod zookeeper;

pub use error::FileRegistryError;
pub use file::{FileRegistry, REGISTRY_DIR};
pub use rest::schema_routes;
pub use zookeeper::ZookeeperRegistry;
