//! [`CoordinatorError`]: why a coordinator operation failed.

use super::MemberId;

/// Why a [`Coordinator`](super::Coordinator) operation failed. An operation that fails changes
/// nothing in the cluster, except where a variant says otherwise.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CoordinatorError {
    /// A member id, keyspace or cluster name that cannot be used.
    #[error("invalid {what} `{name}`: {reason}")]
    InvalidName {
        /// What the name is for.
        what: &'static str,
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Another live session already joined with this member id (another node with the same
    /// id, or this node's previous session that has not expired yet — it does within the
    /// session timeout).
    #[error("member `{0}` is already live in the cluster")]
    MemberAlreadyLive(MemberId),
    /// A keyspace declaration that cannot be used (zero partitions, a bad static placement…).
    #[error("keyspace `{keyspace}` is declared wrongly: {reason}")]
    InvalidKeyspace {
        /// The keyspace.
        keyspace: String,
        /// What is wrong.
        reason: String,
    },
    /// The cluster already knows the keyspace with another shape.
    #[error(
        "keyspace `{keyspace}` has {stored_partitions} partitions and {stored_replicas} replicas \
         in the cluster, but is declared here with {partitions} and {replicas}"
    )]
    KeyspaceMismatch {
        /// The keyspace.
        keyspace: String,
        /// The partition count the cluster has.
        stored_partitions: u32,
        /// The replication the cluster has.
        stored_replicas: u32,
        /// The partition count declared here.
        partitions: u32,
        /// The replication declared here.
        replicas: u32,
    },
    /// The keyspace was not declared to this coordinator (with
    /// [`Coordinator::keyspace`](super::Coordinator::keyspace)).
    #[error("keyspace `{0}` is not declared to the coordinator")]
    UnknownKeyspace(String),
    /// A partition number at or beyond the keyspace's partition count.
    #[error("keyspace `{keyspace}` has {partitions} partitions, there is no partition {partition}")]
    PartitionOutOfRange {
        /// The keyspace.
        keyspace: String,
        /// The partition asked for.
        partition: u32,
        /// How many the keyspace has.
        partitions: u32,
    },
    /// Only the partition's replicas in the assignment may campaign for it; this member is not
    /// one (or stopped being one while it waited).
    #[error("member `{member}` holds no replica of {keyspace}/{partition}")]
    NotAReplica {
        /// The keyspace.
        keyspace: String,
        /// The partition.
        partition: u32,
        /// This member.
        member: MemberId,
    },
    /// This member already campaigns for (or masters) the partition.
    #[error("already campaigning for or mastering {keyspace}/{partition}")]
    AlreadyCampaigning {
        /// The keyspace.
        keyspace: String,
        /// The partition.
        partition: u32,
    },
    /// The candidacy was withdrawn with [`Coordinator::resign`](super::Coordinator::resign)
    /// before it won.
    #[error("the candidacy for {keyspace}/{partition} was withdrawn")]
    Withdrawn {
        /// The keyspace.
        keyspace: String,
        /// The partition.
        partition: u32,
    },
    /// The ZooKeeper session expired or was closed: every mastership of this coordinator is
    /// lost, and it can do nothing more. Connect a new coordinator (it joins with a new
    /// session).
    #[error("the coordinator's ZooKeeper session is over ({0})")]
    SessionLost(String),
    /// The coordinator was shut down.
    #[error("the coordinator is shut down")]
    Stopped,
    /// A ZooKeeper request failed.
    #[error("ZooKeeper {operation} on {path} failed: {source}")]
    ZooKeeper {
        /// What was being done.
        operation: &'static str,
        /// The znode.
        path: String,
        /// The client's error.
        #[source]
        source: zookeeper_client::Error,
    },
    /// A znode holds data this version cannot read (written by something else, or damaged).
    #[error("znode {path} holds unreadable data: {reason}")]
    Corrupt {
        /// The znode.
        path: String,
        /// What is wrong.
        reason: String,
    },
}
