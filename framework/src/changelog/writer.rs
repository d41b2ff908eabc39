//! [`LogWriter`]: how a partition master appends to its changelog, and [`KafkaWriter`], the
//! Kafka implementation.
//!
//! **Group commit.** A master keeps many writes in flight (DESIGN.md §4.2). With transactions
//! (the default, `kafka.acks = "all"`), records go into the open transaction as handlers write
//! them; [`LogWriter::flush`] (called by the actor after each run of jobs) commits it on a
//! blocking thread unless a commit is already running. Records written meanwhile wait in memory and
//! form the next transaction, committed as soon as the running one ends. So an idle partition
//! commits each write alone (lowest latency) and a busy one commits large groups (throughput),
//! with no timer to tune.
//!
//! **Fencing.** Each partition's producer has the transactional id
//! `affinity-<cluster>.<keyspace>-<partition>`. A new master initialises its transactions with
//! that id, which makes the broker abort the previous master's open transaction and reject
//! everything the previous producer sends from then on ([`ChangelogError::Fenced`]). A deposed master can
//! therefore neither get a write into the log nor acknowledge one: acknowledgements wait for
//! the commit, and its commits fail.
//!
//! Without transactions (`kafka.acks` of `"1"` or `"0"`) records are produced at once and
//! acknowledged by their delivery reports, with no fencing: only for a single node that
//! accepts losing writes on failover.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use tokio::task::JoinHandle;

use super::ChangelogError;

/// How long one commit (or abort) may take before it counts as failed.
const COMMIT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a commit waits for librdkafka to stop counting delivered records (see [`settle`]).
const SETTLE_TIMEOUT: Duration = Duration::from_millis(200);

/// One record for a partition's changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogRecord {
    /// The state, by position: its topic.
    pub(crate) state: usize,
    /// The Confluent-framed Avro key.
    pub(crate) key: Vec<u8>,
    /// The Confluent-framed Avro value, or `None` for a tombstone.
    pub(crate) value: Option<Vec<u8>>,
    /// The event time, in ms since the Unix epoch: the record's timestamp.
    pub(crate) timestamp: i64,
}

impl LogRecord {
    /// The record's size as the broker counts it, roughly: key plus value.
    pub(crate) fn size(&self) -> usize {
        self.key.len() + self.value.as_ref().map_or(0, Vec::len)
    }
}

/// A partition master's side of its changelog: records go in, in order, and come back as
/// offsets once durable, in the same order.
pub(crate) trait LogWriter: Send {
    /// Queues `record`. On error nothing was queued.
    fn append(&mut self, record: LogRecord) -> Result<(), ChangelogError>;

    /// Starts making the queued records durable, unless that is already under way.
    fn flush(&mut self);

    /// The offsets of the next records made durable, in the order they were appended; or why
    /// the next ones failed, in which case every record queued so far is dropped (none of them
    /// is in the log) and the writer takes new records again, unless it is fenced.
    fn poll_acked(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u64>, ChangelogError>>;
}

type CommitTask = JoinHandle<Result<Vec<u64>, ChangelogError>>;

/// A [`LogWriter`] producing to Kafka: one producer per partition, with or without
/// transactions (see the [module docs](self)).
pub(crate) struct KafkaWriter {
    producer: Arc<FutureProducer>,
    topics: Arc<[String]>,
    partition: i32,
    /// The transactional id, when the writer uses transactions.
    transactional_id: Option<String>,
    max_record: usize,
    /// Records appended while a commit runs: the next transaction.
    waiting: Vec<LogRecord>,
    /// Records produced and not yet committed.
    produced: Vec<DeliveryFuture>,
    /// Whether a transaction is open.
    open: bool,
    /// The running commit (or, after a failure, the abort that reports it).
    committing: Option<CommitTask>,
    /// Set once the producer is fenced: it takes no more records.
    fenced: bool,
}

impl KafkaWriter {
    /// A writer for `partition` of the keyspace whose states' topics are `topics`, producing
    /// with `producer`. With `transactional_id` the producer must have been created with it
    /// and had its transactions initialised (which fences the partition's previous master).
    pub(crate) fn new(
        producer: Arc<FutureProducer>,
        topics: Arc<[String]>,
        partition: u32,
        transactional_id: Option<String>,
        max_record: usize,
    ) -> Self {
        KafkaWriter {
            producer,
            topics,
            partition: i32::try_from(partition).unwrap_or(i32::MAX),
            transactional_id,
            max_record,
            waiting: Vec::new(),
            produced: Vec::new(),
            open: false,
            committing: None,
            fenced: false,
        }
    }

    fn produce(&mut self, record: &LogRecord) -> Result<(), ChangelogError> {
        if self.transactional_id.is_some() && !self.open {
            if let Err(error) = self.producer.begin_transaction() {
                return Err(self.classify("beginning a transaction", error));
            }
            self.open = true;
        }
        let topic = self
            .topics
            .get(record.state)
            .ok_or(ChangelogError::Stopped)?;
        let mut out = FutureRecord::<[u8], [u8]>::to(topic)
            .partition(self.partition)
            .key(record.key.as_slice())
            .timestamp(record.timestamp);
        if let Some(value) = &record.value {
            out = out.payload(value.as_slice());
        }
        match self.producer.send_result(out) {
            Ok(delivery) => {
                self.produced.push(delivery);
                Ok(())
            }
            Err((error, _)) => Err(self.classify("queueing a record", error)),
        }
    }

    /// Maps a client error, remembering a fencing.
    fn classify(&mut self, during: &str, error: KafkaError) -> ChangelogError {
        let error = classify(self.transactional_id.as_deref(), during, error);
        if matches!(error, ChangelogError::Fenced { .. }) {
            self.fenced = true;
        }
        error
    }

    /// Starts a blocking task that commits what was produced, or (with `failure`) aborts the
    /// open transaction and reports `failure`.
    fn spawn_commit(&mut self, failure: Option<ChangelogError>) {
        let deliveries = std::mem::take(&mut self.produced);
        let producer = self.producer.clone();
        let id = self.transactional_id.clone();
        let runtime = tokio::runtime::Handle::current();
        let open = std::mem::replace(&mut self.open, false);
        self.committing = Some(tokio::task::spawn_blocking(move || match failure {
            None => commit(&runtime, &producer, id.as_deref(), deliveries),
            Some(failure) => {
                if open {
                    abort(&producer);
                }
                Err(failure)
            }
        }));
    }
}

impl LogWriter for KafkaWriter {
    fn append(&mut self, record: LogRecord) -> Result<(), ChangelogError> {
        if self.fenced {
            return Err(ChangelogError::Fenced {
                transactional_id: self.transactional_id.clone().unwrap_or_default(),
            });
        }
        let size = record.size();
        if size > self.max_record {
            return Err(ChangelogError::TooLarge {
                size,
                max: self.max_record,
            });
        }
        if self.committing.is_some() {
            self.waiting.push(record);
            return Ok(());
        }
        self.produce(&record)
    }

    fn flush(&mut self) {
        if self.committing.is_none() && !self.produced.is_empty() {
            self.spawn_commit(None);
        }
    }

    fn poll_acked(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u64>, ChangelogError>> {
        let Some(task) = &mut self.committing else {
            return Poll::Pending;
        };
        let outcome = match Pin::new(task).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(outcome)) => outcome,
            Poll::Ready(Err(join)) => Err(ChangelogError::Aborted(format!(
                "the commit task ended abnormally: {join}"
            ))),
        };
        self.committing = None;
        if let Err(error) = outcome {
            if matches!(error, ChangelogError::Fenced { .. }) {
                self.fenced = true;
            }
            self.waiting.clear();
            self.produced.clear();
            self.open = false;
            return Poll::Ready(Err(error));
        }
        // The records that waited for this commit form the next transaction, committed at once:
        // the jobs that wrote them have ended.
        let waiting = std::mem::take(&mut self.waiting);
        let mut failure = None;
        for record in &waiting {
            if let Err(error) = self.produce(record) {
                failure = Some(error);
                break;
            }
        }
        match failure {
            // Everything queued after a failure goes, so the partition can drop it all: abort
            // what is in the new transaction and report the failure on the next poll.
            Some(error) => self.spawn_commit(Some(error)),
            None => self.flush(),
        }
        Poll::Ready(outcome)
    }
}

/// Makes `deliveries` durable: waits for their delivery reports, then commits the open
/// transaction (with `id`). Runs on a blocking thread.
fn commit(
    runtime: &tokio::runtime::Handle,
    producer: &FutureProducer,
    id: Option<&str>,
    deliveries: Vec<DeliveryFuture>,
) -> Result<Vec<u64>, ChangelogError> {
    let mut offsets = Vec::with_capacity(deliveries.len());
    for delivery in deliveries {
        let error = match runtime.block_on(delivery) {
            Ok(Ok(delivered)) => {
                offsets.push(u64::try_from(delivered.offset).unwrap_or(0));
                continue;
            }
            Ok(Err((error, _))) => classify(id, "delivering a record", error),
            Err(_) => ChangelogError::Stopped,
        };
        if id.is_some() && !matches!(error, ChangelogError::Fenced { .. }) {
            abort(producer);
        }
        return Err(error);
    }
    if id.is_some() {
        settle(producer);
        if let Err(error) = producer.commit_transaction(COMMIT_TIMEOUT) {
            let error = classify(id, "committing a transaction", error);
            if !matches!(error, ChangelogError::Fenced { .. }) {
                abort(producer);
            }
            return Err(error);
        }
    }
    Ok(offsets)
}

/// Waits (briefly, bounded) until librdkafka counts no record of this producer in flight.
///
/// Why: rdkafka's `commit_transaction` first flushes, and its flush, when any record is still
/// counted, polls the producer's event queue for up to 100 ms. That queue is served by the
/// producer's own polling thread, so the poll finds nothing and every commit took 100 ms more
/// (measured: 105 ms per one-record transaction, 33 ms with this wait). The delivery reports
/// have all arrived when this runs; the count drops right after the polling thread has handed
/// them over, so this wait is a few microseconds.
fn settle(producer: &FutureProducer) {
    let deadline = std::time::Instant::now() + SETTLE_TIMEOUT;
    while producer.flush(Duration::ZERO).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(50));
    }
}

/// Aborts the open transaction, so the producer can begin another.
fn abort(producer: &FutureProducer) {
    if let Err(error) = producer.abort_transaction(COMMIT_TIMEOUT) {
        tracing::warn!(%error, "aborting a failed transaction failed too");
    }
}

/// A client error as a [`ChangelogError`]: a fencing is [`ChangelogError::Fenced`].
fn classify(id: Option<&str>, during: &str, error: KafkaError) -> ChangelogError {
    let fenced = matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::Fenced
                | RDKafkaErrorCode::ProducerFenced
                | RDKafkaErrorCode::InvalidProducerEpoch
        )
    );
    match id {
        Some(id) if fenced => ChangelogError::Fenced {
            transactional_id: id.to_owned(),
        },
        _ => ChangelogError::kafka(during, error),
    }
}
