//! Affinity: stateful, horizontally scalable data APIs on Kafka, with live data pushed to
//! browsers and native clients.
//!
//! This crate is the server (`../shared/DESIGN.md` §2–§4). A [`Node`](node::Node) serves
//! keyspaces — partitions of typed state, each an actor running the application's
//! [`Handler`](partition::Handler) — over axum, with live subscriptions on `/live`. On one
//! machine it runs with the embedded default: RocksDB in a data directory and no Kafka or
//! ZooKeeper. Start from [`prelude`] and the graph example (`examples/graph`).
//!
//! - [`node`]: the node — keyspaces, routes, configuration, graceful shutdown; `/live`,
//!   `/schemas`, `/health`, `/ready` and `/metrics` come with it.
//! - [`config`]: the node configuration ([`NodeConfig`]) from a TOML file, environment overrides
//!   and code, every key validated.
//! - [`coordinator`]: the cluster coordinator — membership, partition assignment with minimal
//!   movement, and per-partition master election with an epoch, embedded or on ZooKeeper.
//! - [`partitioner`]: Kafka's default partitioner (murmur2), which routes keys to partitions.
//! - [`store`]: partition storage — the `Store` trait, RocksDB and in-memory stores, atomic
//!   write batches with the checkpoint, and the order-preserving encoding of Avro keys.
//! - [`changelog`]: the Kafka changelogs — one compacted topic per state, written by each
//!   partition's master with group-committed transactions and read back on start.
//! - [`keyspace`], [`partition`], [`state`]: keyspaces of partition actors running a
//!   [`Handler`](partition::Handler) over typed [`State`](state::State)s.
//! - `peer` (internal): the links between the nodes of a cluster, which forward requests to
//!   the node that masters their partition.
//! - [`feed`]: how observers of a key follow it without holding up its partition.
//! - [`registry`]: the embedded, file-backed schema registry and the Confluent Schema Registry
//!   REST subset served under `/schemas`.
//! - [`gateway`]: what Affinity adds to axum — the `Avro<T>` extractor and responder with
//!   content negotiation, `ApiError`, the middleware stack (tracing, CORS, gzip, timeout, body
//!   limit) and `/health`, `/ready`, `/metrics`.
//! - [`prelude`]: the names most applications use.
//! - [`metrics`]: counters, gauges and histograms in the Prometheus text format, and the HTTP
//!   request metrics.

pub mod changelog;
pub mod config;
pub mod coordinator;
pub mod feed;
pub mod gateway;
pub mod keyspace;
mod live;
pub mod metrics;
pub mod node;
pub mod partition;
pub mod partitioner;
mod peer;
pub mod prelude;
pub mod registry;
pub mod state;
pub mod store;
mod sync;

/// The Avro core, re-exported so an application can depend on `affinity` alone.
pub use affinity_avro as avro;
pub use config::NodeConfig;
pub use partitioner::Partitioner;
