//! Reading a partition's changelogs back: from the store's checkpoints to the end of the log,
//! when a master starts (and, later, as a standby tails them).

use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};

use super::ChangelogError;
use super::client::Clients;

/// Records handed to the store per batch (one write batch each).
const BATCH: usize = 4096;

/// How long a poll for records waits.
const POLL: Duration = Duration::from_millis(100);

/// A record read back from a changelog topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fetched {
    /// The state, by position.
    pub(crate) state: usize,
    /// The record's offset.
    pub(crate) offset: u64,
    /// The Confluent-framed key.
    pub(crate) key: Vec<u8>,
    /// The Confluent-framed value, `None` for a tombstone.
    pub(crate) value: Option<Vec<u8>>,
    /// The record's timestamp: the value's event time.
    pub(crate) timestamp: i64,
}

/// Reads `partition` of each topic in `topics` (by state) from the offset after `from[state]`
/// (or from the beginning) to the end of the committed log, handing the records to `apply` in
/// offset order, in batches. Returns how many records were read. Fails with
/// [`ChangelogError::Stalled`] when a topic yields nothing and reaches no end for `stall`.
/// Blocking: call it on a blocking thread.
pub(crate) fn catch_up(
    clients: &Clients,
    topics: &[String],
    partition: u32,
    from: &[Option<u64>],
    stall: Duration,
    apply: &mut dyn FnMut(&[Fetched]) -> Result<(), ChangelogError>,
) -> Result<u64, ChangelogError> {
    let mut total = 0;
    for (state, topic) in topics.iter().enumerate() {
        let start = match from.get(state).copied().flatten() {
            Some(last) => Offset::Offset(i64::try_from(last.saturating_add(1)).unwrap_or(i64::MAX)),
            None => Offset::Beginning,
        };
        total += read_to_end(clients, topic, state, partition, start, stall, apply)?;
    }
    Ok(total)
}

fn read_to_end(
    clients: &Clients,
    topic: &str,
    state: usize,
    partition: u32,
    start: Offset,
    stall: Duration,
    apply: &mut dyn FnMut(&[Fetched]) -> Result<(), ChangelogError>,
) -> Result<u64, ChangelogError> {
    let kafka_partition = i32::try_from(partition).unwrap_or(i32::MAX);
    let consumer: BaseConsumer = clients.reader()?;
    let mut assignment = TopicPartitionList::new();
    assignment
        .add_partition_offset(topic, kafka_partition, start)
        .map_err(|e| ChangelogError::kafka(format!("assigning {topic}/{partition}"), e))?;
    consumer
        .assign(&assignment)
        .map_err(|e| ChangelogError::kafka(format!("assigning {topic}/{partition}"), e))?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut read = 0u64;
    let mut progress = Instant::now();
    loop {
        match consumer.poll(POLL) {
            None => {
                if progress.elapsed() >= stall {
                    return Err(ChangelogError::Stalled {
                        topic: topic.to_owned(),
                        partition: kafka_partition,
                        seconds: stall.as_secs(),
                    });
                }
            }
            Some(Err(KafkaError::PartitionEOF(_))) => break,
            Some(Err(error)) => {
                return Err(ChangelogError::kafka(
                    format!("reading {topic}/{partition}"),
                    error,
                ));
            }
            Some(Ok(message)) => {
                progress = Instant::now();
                let offset = message.offset();
                let corrupt = |reason: &str| ChangelogError::Corrupt {
                    topic: topic.to_owned(),
                    partition: kafka_partition,
                    offset,
                    reason: reason.to_owned(),
                };
                let key = message
                    .key()
                    .ok_or_else(|| corrupt("the record has no key"))?;
                batch.push(Fetched {
                    state,
                    offset: u64::try_from(offset).map_err(|_| corrupt("a negative offset"))?,
                    key: key.to_vec(),
                    value: message.payload().map(<[u8]>::to_vec),
                    timestamp: message.timestamp().to_millis().unwrap_or(0),
                });
                read += 1;
                if batch.len() >= BATCH {
                    apply(&batch)?;
                    batch.clear();
                }
            }
        }
    }
    if !batch.is_empty() {
        apply(&batch)?;
    }
    tracing::debug!(topic, partition, read, "changelog read to its end");
    Ok(read)
}
