//! Reading a partition's changelogs back: from the store's checkpoints to the end of the log,
//! when a master starts (and, later, as a standby tails them).

use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};

use super::context::ReaderContext;
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

/// Reads its partition of each of `reader`'s topics (by state) from the offset after
/// `from[state]` (or from the beginning) to the end of the committed log, handing the records
/// to `apply` in offset order per state, in batches. Returns how many records were read. Fails
/// with [`ChangelogError::Stalled`] when a topic yields nothing and reaches no end for
/// `stall`. Blocking: call it on a blocking thread.
pub(crate) fn catch_up(
    reader: &Reader,
    from: &[Option<u64>],
    stall: Duration,
    apply: &mut dyn FnMut(&[Fetched]) -> Result<(), ChangelogError>,
) -> Result<u64, ChangelogError> {
    reader.start(from)?;
    let topics = &reader.topics;
    let partition = reader.partition;
    let mut batch = Vec::with_capacity(BATCH);
    let mut read = 0u64;
    for (state, topic) in topics.iter().enumerate() {
        let mut progress = Instant::now();
        loop {
            match reader.next(state, POLL)? {
                Next::Idle => {
                    if progress.elapsed() >= stall {
                        return Err(ChangelogError::Stalled {
                            topic: topic.clone(),
                            partition: reader.partition,
                            seconds: stall.as_secs(),
                        });
                    }
                }
                Next::End => break,
                Next::Record(record) => {
                    progress = Instant::now();
                    batch.push(record);
                    read += 1;
                    if batch.len() >= BATCH {
                        apply(&batch)?;
                        batch.clear();
                    }
                }
            }
        }
    }
    if !batch.is_empty() {
        apply(&batch)?;
    }
    tracing::debug!(partition, read, "changelog read to its end");
    Ok(read)
}

/// What [`Reader::next`] found.
pub(crate) enum Next {
    /// Nothing within the poll's wait.
    Idle,
    /// The end of the committed log (until more is written).
    End,
    /// A record.
    Record(Fetched),
}

/// Consumers of one partition of every state's changelog topic, positioned by the store's
/// checkpoints. They join no group and commit nothing: the store's checkpoint is the position.
///
/// One consumer per topic, all assigned at once: librdkafka fetches in the background from
/// the moment of the assignment, so while one state's records are applied the others' are
/// already arriving, and each consumer's end-of-partition event is unambiguous (librdkafka's
/// names the partition, not the topic).
pub(crate) struct Reader {
    consumers: Vec<BaseConsumer<ReaderContext>>,
    topics: Vec<String>,
    partition: i32,
}

impl Reader {
    /// A reader of `partition` of each topic in `topics` (by state), from the offset after
    /// `from[state]` (or from the beginning).
    pub(crate) fn assign(
        clients: &Clients,
        topics: &[String],
        partition: u32,
        from: &[Option<u64>],
    ) -> Result<Reader, ChangelogError> {
        let reader = Reader::new(clients, topics, partition)?;
        reader.start(from)?;
        Ok(reader)
    }

    /// A reader of `partition` of each topic in `topics` (by state) that reads nothing until
    /// [`start`](Self::start)ed. Its consumers connect to the brokers meanwhile, so one made
    /// ahead of time (while a new master fences the old one) starts reading at once.
    pub(crate) fn new(
        clients: &Clients,
        topics: &[String],
        partition: u32,
    ) -> Result<Reader, ChangelogError> {
        let consumers = topics
            .iter()
            .map(|_| clients.reader())
            .collect::<Result<_, _>>()?;
        Ok(Reader {
            consumers,
            topics: topics.to_vec(),
            partition: i32::try_from(partition).unwrap_or(i32::MAX),
        })
    }

    /// Asks the brokers where each topic's partition is (waiting at most `wait` for each), so
    /// that [`start`](Self::start) fetches at once rather than first looking that up. A failure
    /// only leaves that to `start`.
    pub(crate) fn locate(&self, wait: Duration) {
        for (topic, consumer) in self.topics.iter().zip(&self.consumers) {
            if let Err(error) = consumer.fetch_metadata(Some(topic), wait) {
                tracing::debug!(%topic, %error, "locating a changelog's partitions failed");
            }
        }
    }

    /// Starts reading each topic from the offset after `from[state]` (or from the beginning).
    pub(crate) fn start(&self, from: &[Option<u64>]) -> Result<(), ChangelogError> {
        let partition = self.partition;
        for (state, (topic, consumer)) in self.topics.iter().zip(&self.consumers).enumerate() {
            let start = match from.get(state).copied().flatten() {
                Some(last) => {
                    Offset::Offset(i64::try_from(last.saturating_add(1)).unwrap_or(i64::MAX))
                }
                None => Offset::Beginning,
            };
            let fail = |e| ChangelogError::kafka(format!("assigning {topic}/{partition}"), e);
            let mut assignment = TopicPartitionList::new();
            assignment
                .add_partition_offset(topic, partition, start)
                .map_err(fail)?;
            consumer.assign(&assignment).map_err(fail)?;
        }
        Ok(())
    }

    /// The next record of `state`'s topic, or its end, waiting at most `wait`.
    pub(crate) fn next(&self, state: usize, wait: Duration) -> Result<Next, ChangelogError> {
        let (Some(consumer), Some(topic)) = (self.consumers.get(state), self.topics.get(state))
        else {
            return Ok(Next::End);
        };
        match consumer.poll(wait) {
            None => Ok(Next::Idle),
            Some(Err(KafkaError::PartitionEOF(_))) => Ok(Next::End),
            Some(Err(error)) => Err(ChangelogError::kafka(
                format!("reading {topic}/{}", self.partition),
                error,
            )),
            Some(Ok(message)) => {
                let offset = message.offset();
                let corrupt = |reason: &str| ChangelogError::Corrupt {
                    topic: topic.clone(),
                    partition: self.partition,
                    offset,
                    reason: reason.to_owned(),
                };
                let key = message
                    .key()
                    .ok_or_else(|| corrupt("the record has no key"))?;
                Ok(Next::Record(Fetched {
                    state,
                    offset: u64::try_from(offset).map_err(|_| corrupt("a negative offset"))?,
                    key: key.to_vec(),
                    value: message.payload().map(<[u8]>::to_vec),
                    timestamp: message.timestamp().to_millis().unwrap_or(0),
                }))
            }
        }
    }

    /// How many records of `state`'s topic this reader has yet to read: the high watermark
    /// (asked of the broker, waiting at most `wait`) less the position. Counts the last
    /// transaction marker too, so a reader at the end may see 1: callers that saw the end
    /// since the last record know better.
    pub(crate) fn lag(&self, state: usize, wait: Duration) -> Option<u64> {
        let consumer = self.consumers.get(state)?;
        let topic = self.topics.get(state)?;
        let (_, high) = consumer
            .fetch_watermarks(topic, self.partition, wait)
            .ok()?;
        let position = consumer.position().ok()?;
        let next = match position.find_partition(topic, self.partition)?.offset() {
            Offset::Offset(o) => o,
            _ => return None,
        };
        u64::try_from(high.saturating_sub(next)).ok()
    }
}
