//! Affinity: stateful, horizontally scalable data APIs on Kafka, with live data pushed to
//! browsers and native clients.
//!
//! This crate is the server (`../shared/DESIGN.md` §2–§4). It is being built in steps; what is
//! here so far is listed below, and each module's docs say what it covers.
//!
//! - [`config`]: the node configuration ([`NodeConfig`]) from a TOML file, environment overrides
//!   and code, every key validated.
//! - [`partitioner`]: Kafka's default partitioner (murmur2), which routes keys to partitions.
//! - [`store`]: partition storage — the `Store` trait, RocksDB and in-memory stores, atomic
//!   write batches with the checkpoint, and the order-preserving encoding of Avro keys.
//! - [`registry`]: the embedded, file-backed schema registry and the Confluent Schema Registry
//!   REST subset served under `/schemas`.

pub mod config;
pub mod partitioner;
pub mod registry;
pub mod store;

pub use config::NodeConfig;
pub use partitioner::Partitioner;
