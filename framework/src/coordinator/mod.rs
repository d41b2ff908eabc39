//! The cluster coordinator (DESIGN.md §3): node membership with advertised addresses,
//! partition assignment, and per-partition master election with an epoch — the
//! [`Coordinator`] trait, with [`EmbeddedCoordinator`] (one node, in process) and
//! [`ZookeeperCoordinator`].
//!
//! # What a node does with it
//!
//! ```text
//! let coordinator = ZookeeperCoordinator::connect(&config, Member::new(id, http, peer)).await?;
//! let assignment = coordinator.keyspace(&KeyspaceSpec::new("graph", 8, 2)).await?;
//! // for each partition this node holds a replica of: run a standby, catch up, then
//! let mastership = coordinator.campaign("graph", p).await?;   // epoch > every earlier one
//! // serve as master, fencing every changelog write with mastership.epoch();
//! // stop serving the moment mastership.lost() resolves.
//! let who = coordinator.master("graph", p).await?;           // routing: watch of MasterInfo
//! ```
//!
//! # Assignment
//!
//! [`assign`] is a pure, deterministic function: replicas of members that stay never move,
//! replicas of members that left go to the least loaded members, a member that joins takes
//! replicas from the most loaded ones until every member's load is within one, and a new
//! replica is appended after the existing ones (a standby first, never the preferred master
//! straight away). A keyspace may instead have a static placement from configuration
//! ([`Placement::Static`]). Only replicas in the assignment may campaign for a partition.
//!
//! # ZooKeeper layout
//!
//! Under `<root>/<cluster>` (root `/affinity` by default):
//!
//! ```text
//! members/<id>                        ephemeral   Member as JSON {id, http, peer}
//! controller                          ephemeral   id of the node that rebalances assignments
//! keyspaces/<keyspace>                persistent  {partitions, replicas, automatic, assignment}
//! partitions/<keyspace>/<p>/epoch     persistent  the last master's epoch, decimal
//! partitions/<keyspace>/<p>/candidates/c-<seq>
//!                                     ephemeral sequential, data: member id
//! partitions/<keyspace>/<p>/master    ephemeral   MasterInfo as JSON {member, epoch}
//! ```
//!
//! - **Membership**: joining creates `members/<id>`; an id that is already there is an error
//!   ([`CoordinatorError::MemberAlreadyLive`]). Every node watches the children of `members`.
//! - **Assignment**: whoever declares a keyspace first creates `keyspaces/<keyspace>` with an
//!   assignment of the members it sees. The node holding `controller` (an ephemeral znode:
//!   first come, the next takes over when it goes) watches `members` and `keyspaces` and
//!   rewrites each automatic assignment with [`assign`], by a conditional `setData` on the
//!   version it read, so a stale controller can never overwrite a newer assignment. Every node
//!   watches the keyspaces it declared.
//! - **Election**: each candidate creates `candidates/c-<seq>` and watches its predecessor;
//!   the first in line claims in one transaction — check its candidate znode, `setData` the
//!   `epoch` to the value read plus one conditionally on its version, create `master`. So an
//!   epoch is never given twice and is greater than every earlier master's, and the claim can
//!   only succeed while the candidate's session lives. Resigning deletes `master` and the
//!   candidate in one transaction guarded by the candidate's existence.
//!
//! # Losing the session, and why fencing at Kafka is still needed
//!
//! ZooKeeper expires a silent session after its timeout `T`, deletes its ephemeral znodes, and
//! then the next candidate can win. A node does not learn of the expiry until it reconnects,
//! so it must give up on its own first: it probes ZooKeeper every `T/6`, and when no probe
//! sent in the last `2T/3` has been answered, it is [`Suspended`](CoordinatorStatus::Suspended)
//! and every [`Mastership`] is lost (its token is cancelled) — at least `T/3` before the server
//! can expire the session. [`Mastership::is_held`] checks the same bound against the clock
//! directly. An expired or closed session is terminal ([`CoordinatorStatus::Expired`]).
//!
//! This is safe only together with fencing where the writes go. A process can be paused (GC,
//! SIGSTOP, a swapped-out VM) for longer than `T/3` between checking its mastership and
//! writing; clocks can jump; a network can deliver a write late. ZooKeeper cannot stop such a
//! write — only the changelog can refuse it: with a transactional id per partition, the new
//! master's `init_transactions` fences the old producer, or with the epoch stored and checked
//! on every write. The coordinator's job is to make the overlap rare and short; the fencing
//! makes it harmless.
//!
//! # Why `zookeeper-client`
//!
//! `zookeeper-client` 0.11 is async on tokio, maintained, and supports everything used here:
//! multi-op transactions, sequential and ephemeral znodes, one-shot watches, session state
//! events and the negotiated session timeout. The `zookeeper` crate (0.8) is synchronous and
//! stale, and `zookeeper-async` has been stale since 2024.

mod api;
mod assign;
mod assignment;
mod embedded;
mod error;
mod flow;
mod keyspace;
mod mastership;
mod member;
mod status;
mod zookeeper;

pub use api::Coordinator;
pub use assign::assign;
pub use assignment::Assignment;
pub use embedded::EmbeddedCoordinator;
pub use error::CoordinatorError;
pub use keyspace::{KeyspaceSpec, Placement};
pub use mastership::{MasterInfo, Mastership};
pub use member::{MAX_NAME_LEN, Member, MemberId, Members};
pub use status::CoordinatorStatus;
pub use zookeeper::{ZookeeperConfig, ZookeeperCoordinator};
