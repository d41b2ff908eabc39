//! [`AskError`] and [`KeyspaceError`].

/// Why a message to a partition got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AskError {
    /// No answer within the keyspace's timeout (the mailbox was full, or the handler slow).
    /// The message may still be handled.
    #[error("the partition did not answer in time")]
    Timeout,
    /// The partition is not running (the node is shutting down).
    #[error("the partition is not running")]
    Stopped,
    /// The handler failed (panicked) on this message.
    #[error("the partition's handler failed on this message")]
    Failed,
    /// The partition's changelog did not take the writes this message made (or read), so
    /// they were undone. The message may be sent again.
    #[error("the partition's changelog did not take the write: {reason}")]
    NotWritten {
        /// Why.
        reason: String,
    },
    /// The partition has no master that this node could reach within a few seconds (it is
    /// changing hands, or its master's node is unreachable). Send it again shortly.
    #[error("partition {partition} has no master right now")]
    NoMaster {
        /// The partition.
        partition: u32,
    },
    /// The partition's master is on another node, and this request cannot travel there: a
    /// closure (`call`), a subscription, or a message type not declared with
    /// [`Keyspace::remote`](super::Keyspace::remote).
    #[error("{what} cannot be sent to partition {partition}'s master on node `{master}`")]
    NotForwardable {
        /// What was asked.
        what: &'static str,
        /// The partition.
        partition: u32,
        /// The master's member id.
        master: String,
    },
    /// The link to the node of the partition's master broke after the message was sent, so
    /// it may or may not have been handled: it was not retried because its type is not
    /// [`IDEMPOTENT`](crate::partition::Message::IDEMPOTENT), or it was and no retry got an
    /// answer.
    #[error("the link to the partition's master broke after the message was sent: {reason}")]
    Lost {
        /// What broke.
        reason: String,
    },
    /// The master's node refused the request: it does not know the message type (the nodes
    /// run different builds of the application) or could not decode it.
    #[error("the partition's master refused the message: {reason}")]
    Refused {
        /// Why.
        reason: String,
    },
    /// No partition has that number.
    #[error("no partition {partition} (the keyspace has {partitions})")]
    NoSuchPartition {
        /// The number asked for.
        partition: u32,
        /// How many there are.
        partitions: u32,
    },
}

impl From<AskError> for crate::gateway::ApiError {
    /// A partition that is not running, has no master, or whose changelog did not take a
    /// write, answers 503 (retry shortly); one that did not answer in time, or whose link
    /// broke with the outcome unknown, 504; a failed handler or a request that cannot reach
    /// the master 500.
    fn from(error: AskError) -> Self {
        use crate::gateway::ApiError;
        match error {
            AskError::Stopped | AskError::NotWritten { .. } | AskError::NoMaster { .. } => {
                ApiError::Unavailable {
                    retry_after: std::time::Duration::from_secs(1),
                }
            }
            AskError::Timeout | AskError::Lost { .. } => ApiError::Timeout,
            AskError::Failed
            | AskError::NoSuchPartition { .. }
            | AskError::NotForwardable { .. }
            | AskError::Refused { .. } => ApiError::internal(error),
        }
    }
}

/// Why [`KeyspaceRef::get`](super::KeyspaceRef::get) read no value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GetError {
    /// The state is unknown or has other types, the key cannot be stored, or the store (here
    /// or on the master's node) failed or holds a value that does not decode.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// The partition's master could not be reached in time.
    #[error(transparent)]
    Ask(#[from] AskError),
}

impl From<GetError> for crate::gateway::ApiError {
    /// An unreachable master as [`AskError`] maps; anything else is a 500.
    fn from(error: GetError) -> Self {
        match error {
            GetError::Ask(e) => e.into(),
            GetError::State(e) => crate::gateway::ApiError::internal(e),
        }
    }
}

/// An error in a keyspace's declaration or when starting it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyspaceError {
    /// Something wrong with the declaration: every problem found, one per line.
    #[error("keyspace `{name}` is declared wrongly:\n{}", problems.join("\n"))]
    Declaration {
        /// The keyspace.
        name: String,
        /// What is wrong.
        problems: Vec<String>,
    },
    /// The schema registry refused or failed to register a state's schemas.
    #[error("keyspace `{keyspace}`, state `{state}`: {source}")]
    Registry {
        /// The keyspace.
        keyspace: String,
        /// The state.
        state: String,
        /// The registry's error.
        #[source]
        source: affinity_avro::RegistryError,
    },
    /// A partition's store failed to open.
    #[error("keyspace `{keyspace}`, partition {partition}: {source}")]
    Store {
        /// The keyspace.
        keyspace: String,
        /// The partition.
        partition: u32,
        /// The error.
        #[source]
        source: crate::state::StateError,
    },
    /// The cluster's coordinator refused or failed the keyspace's declaration.
    #[error("keyspace `{keyspace}`: {source}")]
    Coordinator {
        /// The keyspace.
        keyspace: String,
        /// The coordinator's error.
        #[source]
        source: crate::coordinator::CoordinatorError,
    },
    /// A partition's changelog could not be set up or read back.
    #[error("keyspace `{keyspace}`, partition {partition}: {source}")]
    Changelog {
        /// The keyspace.
        keyspace: String,
        /// The partition (0 for the keyspace's topics).
        partition: u32,
        /// The error.
        #[source]
        source: Box<crate::changelog::ChangelogError>,
    },
}
