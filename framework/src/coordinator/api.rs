//! The [`Coordinator`] trait.

use std::fmt;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::watch;

use super::{
    Assignment, CoordinatorError, CoordinatorStatus, KeyspaceSpec, MasterInfo, Mastership, Member,
    Members,
};

/// What a node needs from its cluster: membership, partition assignment and per-partition
/// master election with an epoch (DESIGN.md §3).
///
/// Object-safe (`Arc<dyn Coordinator>`): the async methods return boxed futures. Implemented by
/// [`EmbeddedCoordinator`](super::EmbeddedCoordinator) (one node, in process) and
/// [`ZookeeperCoordinator`](super::ZookeeperCoordinator). A coordinator joins the cluster when
/// it is created and leaves when it is shut down or dropped.
pub trait Coordinator: Send + Sync + fmt::Debug {
    /// This node, as it joined.
    fn local(&self) -> &Member;

    /// The live members (this node included while it is a member), updated as they join and
    /// leave.
    fn members(&self) -> watch::Receiver<Arc<Members>>;

    /// Where the coordinator stands with the cluster.
    fn status(&self) -> watch::Receiver<CoordinatorStatus>;

    /// Declares a keyspace (idempotent) and watches its assignment: which members hold the
    /// replicas of each partition, preferred master first. The first node to declare it
    /// stores it in the cluster; a declaration with another partition count or replication is
    /// [`CoordinatorError::KeyspaceMismatch`].
    fn keyspace<'a>(
        &'a self,
        spec: &'a KeyspaceSpec,
    ) -> BoxFuture<'a, Result<watch::Receiver<Arc<Assignment>>, CoordinatorError>>;

    /// Campaigns for the mastership of a partition of a declared keyspace; resolves when this
    /// node is master, with an epoch greater than every earlier master's. Only a replica in
    /// the assignment may campaign ([`CoordinatorError::NotAReplica`], also when it stops
    /// being one while it waits). Dropping the future withdraws the candidacy.
    fn campaign<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<Mastership, CoordinatorError>>;

    /// Gives up the mastership of (or the candidacy for) a partition: the mastership is lost
    /// before the next master can be elected. Resigning what it does not hold does nothing.
    fn resign<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<(), CoordinatorError>>;

    /// Watches who masters a partition, for routing: `None` while it has no master.
    fn master<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<watch::Receiver<Option<MasterInfo>>, CoordinatorError>>;

    /// Leaves the cluster: every mastership is lost, every task stops, the session closes
    /// (deleting its ephemeral nodes at once, so successors need not wait for a timeout).
    fn shutdown(&self) -> BoxFuture<'_, ()>;
}
