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
//! - [`keyspace`], [`partition`], [`state`]: keyspaces of partition actors running a
//!   [`Handler`](partition::Handler) over typed [`State`](state::State)s.
//! - [`feed`]: how observers of a key follow it without holding up its partition.
//! - [`registry`]: the embedded, file-backed schema registry and the Confluent Schema Registry
//!   REST subset served under `/schemas`.
//! - [`gateway`]: what Affinity adds to axum — the `Avro<T>` extractor and responder with
//!   content negotiation, `ApiError`, the middleware stack (tracing, CORS, gzip, timeout, body
//!   limit) and `/health`, `/ready`, `/metrics`.
//! - [`metrics`]: counters, gauges and histograms in the Prometheus text format, and the HTTP
//!   request metrics.

pub mod config;
pub mod feed;
pub mod gateway;
pub mod keyspace;
mod live;
pub mod metrics;
pub mod node;
pub mod partition;
pub mod partitioner;
pub mod registry;
pub mod state;
pub mod store;

pub use config::NodeConfig;
pub use partitioner::Partitioner;
