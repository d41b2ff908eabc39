//! Peer links (DESIGN.md §3): how a node forwards a request for a partition whose master is on
//! another node of its cluster, and serves the requests other nodes forward to it.
//!
//! # Shape
//!
//! Every node of a cluster (Kafka mode) listens for peers on its own address
//! (`cluster.peer_listen`, advertised through the coordinator as the member's `peer`). A node
//! keeps one persistent TCP connection to each node it forwards to, made when first needed
//! and remade after a failure, and multiplexes every request on it: each is a length-prefixed
//! Avro frame ([`frame`]) with an id, the reply comes back with the same id, in any order.
//!
//! The peer listener is separate from the HTTP listener on purpose: what arrives on it runs
//! handlers directly, past any authentication an application puts on its routes, so it must be
//! reachable by the cluster's nodes only, which is simplest to arrange (bind address, firewall)
//! for a port of its own.
//!
//! # Routing and retries
//!
//! [`KeyspaceRef`](crate::keyspace::KeyspaceRef) routes each `ask`, `tell` and live `Publish`:
//! to this node's replica if it is the master (or, for stale reads, any replica here), else to
//! the master the coordinator names. The master's node runs it only if it still is the master,
//! and otherwise refuses it unrun (`NotMaster`). The caller then routes again, so a request
//! follows the mastership across a failover: it waits (at most a few seconds, within its
//! timeout) while no master is known, and retries while the named master cannot be reached or
//! refuses. A request is never retried when it may have been handled — its link broke after it
//! was written — unless its message type is [`IDEMPOTENT`](crate::partition::Message); then
//! it fails with [`AskError::Lost`](crate::keyspace::AskError::Lost).
//!
//! What travels: messages declared with
//! [`Keyspace::remote`](crate::keyspace::Keyspace::remote) (Avro), their replies
//! ([`Wire`](affinity_avro::Wire)), and published messages as the live client sent them.
//! Closures (`call`) cannot travel.
//!
//! # Watches
//!
//! A live subscription is served by a replica of its key's partition on the node the client
//! is connected to when there is one. Otherwise that node watches the key on the master's
//! node ([`RemoteWatch`], served by [`watching`]): changes come back in batches, one at a
//! time per watch (credit-based, so a slow subscriber holds back only its own watch, whose
//! changes coalesce in the serving node's feed). When the watch ends for a reason that may
//! pass — the serving node died or stopped, or holds no replica any more — the subscription
//! starts again from the offset its client holds, wherever the partition is served then
//! ([`KeyWatch`](crate::keyspace::KeyWatch)).

mod frame;
mod link;
mod metrics;
mod peers;
mod server;
mod watch;
mod watching;
mod wire;

pub(crate) use frame::{
    Code, Done, Get, Message, Outcome, Publish, Refused, RequestBody, Tell, Watch,
};
pub(crate) use metrics::PeerMetrics;
pub(crate) use peers::Peers;
pub(crate) use server::PeerServer;
pub(crate) use watch::{RemoteWatch, WatchEnded, peer_offset};

/// The version of the peer protocol; nodes speaking another refuse the link. 3: requests may
/// be a [`Get`].
pub(crate) const PROTOCOL: i32 = 3;

/// Why a request got no outcome from the master's node.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum LinkError {
    /// It was never written to the link: it was not handled.
    #[error("not sent: {0}")]
    NotSent(String),
    /// The link broke after it was written: it may have been handled.
    #[error("lost: {0}")]
    Lost(String),
    /// No outcome before its deadline: it may still be handled.
    #[error("no answer in time")]
    Timeout,
}
