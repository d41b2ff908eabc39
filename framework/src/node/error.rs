//! [`NodeError`].

use std::net::SocketAddr;

use crate::config::ConfigError;
use crate::keyspace::KeyspaceError;

/// Why a node could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Joining the cluster (ZooKeeper) failed.
    #[error("joining the cluster: {0}")]
    Cluster(#[from] crate::coordinator::CoordinatorError),
    /// A keyspace could not start.
    #[error(transparent)]
    Keyspace(#[from] KeyspaceError),
    /// Two keyspaces with one name or one handler type.
    #[error(
        "keyspace `{0}` is declared twice, or shares its handler type with another keyspace (`KeyspaceRef<H>` must name exactly one)"
    )]
    DuplicateKeyspace(String),
    /// The embedded schema registry could not open.
    #[error(transparent)]
    Registry(#[from] crate::registry::FileRegistryError),
    /// The cluster's schema registry (on ZooKeeper, in Kafka mode) could not open.
    #[error("the cluster's schema registry: {0}")]
    ClusterRegistry(#[source] affinity_avro::RegistryError),
    /// The node's metrics could not be registered.
    #[error(transparent)]
    Metrics(#[from] crate::metrics::MetricsError),
    /// The HTTP listener could not bind.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Serving HTTP failed.
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// Waiting for a shutdown signal failed.
    #[error("cannot wait for shutdown signals: {0}")]
    Signal(#[source] std::io::Error),
}
