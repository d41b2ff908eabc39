//! [`ChangelogError`].

use rdkafka::error::KafkaError;

/// Why a changelog operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChangelogError {
    /// The Kafka client failed; `during` says what it was doing.
    #[error("kafka failed while {during}: {source}")]
    Kafka {
        /// What the client was doing.
        during: String,
        /// The client's error.
        #[source]
        source: KafkaError,
    },
    /// A changelog topic exists with another partition count than its keyspace's.
    #[error(
        "changelog topic `{topic}` has {found} partitions but its keyspace has {expected}; \
         a keyspace's partition count cannot change once its changelog exists"
    )]
    PartitionMismatch {
        /// The topic.
        topic: String,
        /// The keyspace's partition count.
        expected: u32,
        /// The topic's.
        found: u32,
    },
    /// A changelog topic exists but is not compacted, so a restore could not rebuild the state.
    #[error("changelog topic `{topic}` has cleanup.policy `{policy}`; it must include `compact`")]
    NotCompacted {
        /// The topic.
        topic: String,
        /// Its cleanup policy.
        policy: String,
    },
    /// Another master of the partition started with the same transactional id: this one is
    /// deposed and can no longer write.
    #[error("fenced: another master of `{transactional_id}` took over")]
    Fenced {
        /// The partition's transactional id.
        transactional_id: String,
    },
    /// A transaction failed and was aborted: none of its writes happened.
    #[error("the changelog transaction was aborted: {0}")]
    Aborted(String),
    /// A record is larger than the changelog accepts.
    #[error("a changelog record of {size} bytes is larger than the limit of {max} bytes")]
    TooLarge {
        /// The record's size (key and value).
        size: usize,
        /// The limit (`message.max.bytes`).
        max: usize,
    },
    /// A record in a changelog topic cannot be read.
    #[error("the record at {topic}/{partition}@{offset} is unreadable: {reason}")]
    Corrupt {
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
        /// The offset.
        offset: i64,
        /// Why.
        reason: String,
    },
    /// A restore made no progress for too long.
    #[error("restoring {topic}/{partition} made no progress for {seconds} s")]
    Stalled {
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
        /// How long.
        seconds: u64,
    },
    /// Records read back from the changelog could not be applied to the store.
    #[error("applying changelog records to the store failed: {0}")]
    Apply(String),
    /// The partition's changelog writer is gone (the node is stopping, or it failed earlier).
    #[error("the changelog writer is stopped")]
    Stopped,
}

impl ChangelogError {
    /// A [`ChangelogError::Kafka`] for `source` while doing `during`.
    pub(crate) fn kafka(during: impl Into<String>, source: KafkaError) -> Self {
        ChangelogError::Kafka {
            during: during.into(),
            source,
        }
    }
}
