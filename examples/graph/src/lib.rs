//! Affinity's distributed-graph example: vertices and undirected edges in a keyspace of eight
//! partitions, with every vertex's connected component kept up to date across partitions, an
//! HTTP API ([`api`]) and live subscriptions to components ([`watch`]). Live clients may also
//! publish a [`Rename`] to a vertex id (subjects `graph-published-key`, a
//! `long`, and `graph-published-value`).
//!
//! ```text
//! cargo run -p example-graph                       # serves on 127.0.0.1:8080
//! curl -X PUT localhost:8080/vertex/1 -H 'content-type: application/json' -d '{"name":"one"}'
//! cargo run -p example-graph -- watch 1            # prints component 1 as it changes
//! ```

pub mod api;
pub mod graph;
pub mod lease;
pub mod model;
pub mod partition;
pub mod watch;
pub mod web;

use affinity::keyspace::Keyspace;

use crate::lease::{DropLease, LEASES, Lease, TakeLease};
use crate::model::{Component, Rename, Vertex};
use crate::partition::{
    COMPONENTS, GraphPartition, RenameVertex, SetComponent, SetEdge, SetMembers, UpsertVertex,
    VERTICES,
};

/// The `graph` keyspace: vertices and components by id, in eight partitions; live clients may
/// publish [`Rename`]s to vertex ids.
pub fn keyspace() -> Keyspace<GraphPartition> {
    Keyspace::new("graph")
        .partitions(8)
        .state::<i64, Vertex>(VERTICES)
        .state::<i64, Component>(COMPONENTS)
        .state::<String, Lease>(LEASES)
        .handler(GraphPartition)
        .accept_published::<i64, Rename>()
        // In a cluster, the messages the API sends travel to their partition's master.
        .remote::<UpsertVertex>()
        .remote::<RenameVertex>()
        .remote::<SetEdge>()
        .remote::<SetComponent>()
        .remote::<SetMembers>()
        .remote::<TakeLease>()
        .remote::<DropLease>()
}
