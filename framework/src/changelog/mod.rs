//! Changelogs in Kafka (DESIGN.md §3, §4): the durable log of every state, from which any
//! replica rebuilds the state.
//!
//! - **Topics.** One compacted topic per state, `<cluster>.<keyspace>-<state>`
//!   (`compact,delete` with `retention.ms` = the TTL when the state has one), with the
//!   keyspace's partition count: created when missing, checked when present ([`topic_name`]).
//! - **Records.** Keys and values in the Confluent wire format (`0x00`, 4-byte schema id,
//!   Avro body) with the schemas registered in the cluster's registry under `<topic>-key`/
//!   `<topic>-value` and (the same ids) `<keyspace>-<state>-key`/`-value`; a deletion is a
//!   tombstone; the record timestamp is the
//!   value's event time. A record goes to the partition that owns its key, explicitly.
//! - **Writes.** A partition master appends its handlers' writes and applies each to its
//!   store only once the log has it, with the record's offset as the checkpoint in the same
//!   store write batch; replies wait for that. See the writer's docs for group commit and for
//!   fencing through per-partition transactional ids.
//! - **Reads back.** A starting master reads each of its topics from the store's checkpoint to
//!   the end of the committed log before it serves: a restart replays only what the store does
//!   not have; an empty store replays the whole (compacted) log.

mod client;
mod context;
mod error;
mod restore;
mod tail;
mod topics;
mod writer;

pub(crate) use client::{Clients, MAX_RECORD};
pub use error::ChangelogError;
pub(crate) use restore::{Fetched, Reader, catch_up};
pub(crate) use tail::Tail;
pub use topics::topic_name;
pub(crate) use topics::{TopicSpec, ensure_topics};
pub(crate) use writer::{KafkaWriter, LogRecord, LogWriter};
