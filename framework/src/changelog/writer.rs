//! [`LogWriter`]: how a partition master appends to its changelog, and [`KafkaWriter`], the
//! Kafka implementation.
//!
//! **Group commit.** A master keeps many writes in flight (DESIGN.md §4.2). With transactions
//! (the default, `kafka.acks = "all"`), records go into the open transaction as handlers write
//! them. [`LogWriter::flush`] (called by the actor after each run of jobs) marks the
//! transaction due: it keeps taking records until the ones it had at the flush are delivered
//! (the actor reads the delivery reports), then closes, waits for the rest of its deliveries
//! and commits on a blocking thread. Records written while it is closed wait in memory and
//! open the next transaction as soon as the commit ends. So an idle partition commits each
//! write alone (lowest latency), and a busy one commits large groups (throughput) in which
//! the writes that arrive during the first delivery round trip — most of a transaction's
//! time on a local broker: ≈ 3–8 ms at the median against ≈ 1–1.5 ms for the commit — do
//! not wait for the commit to be produced. There is no timer to tune.
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

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use tokio::task::JoinHandle;

use affinity_avro::{FRAME_HEADER_LEN, encode_frame};

use super::ChangelogError;

/// How long one commit (or abort) may take before it counts as failed.
const COMMIT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a commit waits for librdkafka to stop counting delivered records (see [`settle`]).
const SETTLE_TIMEOUT: Duration = Duration::from_millis(200);

/// One record for a partition's changelog, borrowed from the write that makes it. The writer
/// frames key and value (Confluent framing) as it produces them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogRecord<'a> {
    /// The state, by position: its topic.
    pub(crate) state: usize,
    /// The key's schema id and Avro encoding.
    pub(crate) key: (u32, &'a [u8]),
    /// The value's schema id and Avro encoding, or `None` for a tombstone.
    pub(crate) value: Option<(u32, &'a [u8])>,
    /// The event time, in ms since the Unix epoch: the record's timestamp.
    pub(crate) timestamp: i64,
}

impl LogRecord<'_> {
    /// The record's size as the broker counts it, roughly: framed key plus framed value.
    pub(crate) fn size(&self) -> usize {
        FRAME_HEADER_LEN
            + self.key.1.len()
            + self.value.map_or(0, |(_, v)| FRAME_HEADER_LEN + v.len())
    }
}

/// A record framed: what the producer sends, kept while it waits for the next transaction.
#[derive(Debug, Default)]
struct Framed {
    state: usize,
    key: Vec<u8>,
    value: Option<Vec<u8>>,
    timestamp: i64,
}

impl Framed {
    /// Frames `record` into this one's buffers.
    fn set(&mut self, record: &LogRecord<'_>) {
        self.state = record.state;
        self.timestamp = record.timestamp;
        self.key.clear();
        encode_frame(record.key.0, record.key.1, &mut self.key);
        self.value = record.value.map(|(id, body)| {
            let mut value = self.value.take().unwrap_or_default();
            value.clear();
            encode_frame(id, body, &mut value);
            value
        });
    }
}

/// A partition master's side of its changelog: records go in, in order, and come back as
/// offsets once durable, in the same order.
pub(crate) trait LogWriter: Send {
    /// Queues `record`. On error nothing was queued.
    fn append(&mut self, record: LogRecord<'_>) -> Result<(), ChangelogError>;

    /// Asks for the records queued so far to be made durable; the writer chooses how to group
    /// them with the records that follow.
    fn flush(&mut self);

    /// The offsets of the next records made durable, in the order they were appended; or why
    /// the next ones failed, in which case every record queued so far is dropped (none of them
    /// is in the log) and the writer takes new records again, unless it is fenced.
    fn poll_acked(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u64>, ChangelogError>>;
}

/// The blocking task that commits the open transaction (or, after a failure, aborts it and
/// reports the failure).
type CommitTask = JoinHandle<Result<(), ChangelogError>>;

/// A [`LogWriter`] producing to Kafka: one producer per partition, with or without
/// transactions (see the [module docs](self)).
pub(crate) struct KafkaWriter {
    producer: Arc<FutureProducer>,
    topics: Arc<[String]>,
    partition: i32,
    /// The transactional id, when the writer uses transactions.
    transactional_id: Option<String>,
    max_record: usize,
    /// Records appended while the transaction is closed: the start of the next one.
    waiting: Vec<Framed>,
    /// Where a record is framed on its way to the producer (which copies it).
    scratch: Framed,
    /// Delivery reports not yet seen, in the order the records were produced.
    produced: VecDeque<DeliveryFuture>,
    /// The offsets of the records delivered and not yet handed out (with transactions: not
    /// yet committed), in order.
    delivered: Vec<u64>,
    /// Whether a transaction is open.
    open: bool,
    /// Set by a flush: the open transaction closes once this many of its records are
    /// delivered (the ones produced before the flush).
    due: Option<usize>,
    /// Whether the open transaction takes no more records: it commits once every record in
    /// it is delivered.
    closed: bool,
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
            scratch: Framed::default(),
            produced: VecDeque::new(),
            delivered: Vec::new(),
            open: false,
            due: None,
            closed: false,
            committing: None,
            fenced: false,
        }
    }

    fn produce(&mut self, record: &Framed) -> Result<(), ChangelogError> {
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
                self.produced.push_back(delivery);
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

    /// Closes the transaction and starts a blocking task that commits it, or (with
    /// `failure`) aborts it and reports `failure`.
    fn spawn_end(&mut self, failure: Option<ChangelogError>) {
        let producer = self.producer.clone();
        let id = self.transactional_id.clone();
        let open = std::mem::replace(&mut self.open, false);
        self.closed = true;
        self.committing = Some(tokio::task::spawn_blocking(move || match failure {
            None => commit(&producer, id.as_deref()),
            Some(failure) => {
                if open && !matches!(failure, ChangelogError::Fenced { .. }) {
                    abort(&producer);
                }
                Err(failure)
            }
        }));
    }

    /// Reads the delivery reports that have arrived, in order. On a failed delivery, starts
    /// the abort that reports it.
    fn poll_deliveries(&mut self, cx: &mut Context<'_>) {
        while let Some(front) = self.produced.front_mut() {
            let Poll::Ready(report) = Pin::new(front).poll(cx) else {
                return;
            };
            self.produced.pop_front();
            let error = match report {
                Ok(Ok(delivery)) => {
                    self.delivered
                        .push(u64::try_from(delivery.offset).unwrap_or(0));
                    continue;
                }
                Ok(Err((error, _))) => self.classify("delivering a record", error),
                // The producer is gone.
                Err(_) => ChangelogError::Stopped,
            };
            self.spawn_end(Some(error));
            return;
        }
    }

    /// Takes the outcome of the commit that ended: the offsets it made durable, after which
    /// the records that waited start the next transaction; or its failure, which drops every
    /// record queued.
    fn ended(&mut self, outcome: Result<(), ChangelogError>) -> Result<Vec<u64>, ChangelogError> {
        self.closed = false;
        self.due = None;
        if let Err(error) = outcome {
            if matches!(error, ChangelogError::Fenced { .. }) {
                self.fenced = true;
            }
            self.waiting.clear();
            self.produced.clear();
            self.delivered.clear();
            self.open = false;
            return Err(error);
        }
        let offsets = std::mem::take(&mut self.delivered);
        // The records that waited form the next transaction, produced at once: the jobs that
        // wrote them have ended.
        let mut waiting = std::mem::take(&mut self.waiting);
        let failure = waiting.iter().find_map(|record| self.produce(record).err());
        // The vector is kept for the next transaction's waiting records.
        waiting.clear();
        self.waiting = waiting;
        match failure {
            // Everything queued after a failure goes, so the partition can drop it all: abort
            // what is in the new transaction and report the failure next.
            Some(error) => self.spawn_end(Some(error)),
            None => self.flush(),
        }
        Ok(offsets)
    }
}

impl LogWriter for KafkaWriter {
    fn append(&mut self, record: LogRecord<'_>) -> Result<(), ChangelogError> {
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
        if self.closed {
            let mut framed = Framed::default();
            framed.set(&record);
            self.waiting.push(framed);
            return Ok(());
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.set(&record);
        let produced = self.produce(&scratch);
        self.scratch = scratch;
        produced
    }

    fn flush(&mut self) {
        // The transaction keeps taking records until the ones it has now are delivered: records
        // that come meanwhile join it instead of waiting for its commit.
        if !self.closed && self.due.is_none() {
            let records = self.delivered.len() + self.produced.len();
            if records > 0 {
                self.due = Some(records);
            }
        }
    }

    fn poll_acked(&mut self, cx: &mut Context<'_>) -> Poll<Result<Vec<u64>, ChangelogError>> {
        loop {
            if let Some(task) = &mut self.committing {
                let outcome = match Pin::new(task).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(outcome)) => outcome,
                    Poll::Ready(Err(join)) => Err(ChangelogError::Aborted(format!(
                        "the commit task ended abnormally: {join}"
                    ))),
                };
                self.committing = None;
                return Poll::Ready(self.ended(outcome));
            }
            self.poll_deliveries(cx);
            if self.committing.is_some() {
                // A delivery failed: report it once the abort has run.
                continue;
            }
            if self.transactional_id.is_none() {
                // Without transactions, a delivered record is as durable as it gets.
                if self.delivered.is_empty() {
                    return Poll::Pending;
                }
                return Poll::Ready(Ok(std::mem::take(&mut self.delivered)));
            }
            if self.due.is_some_and(|due| self.delivered.len() >= due) {
                self.closed = true;
            }
            if !self.closed || !self.produced.is_empty() {
                return Poll::Pending;
            }
            self.spawn_end(None);
        }
    }
}

/// Commits the open transaction (with `id`), whose records are all delivered. Runs on a
/// blocking thread.
fn commit(producer: &FutureProducer, id: Option<&str>) -> Result<(), ChangelogError> {
    settle(producer);
    if let Err(error) = producer.commit_transaction(COMMIT_TIMEOUT) {
        let error = classify(id, "committing a transaction", error);
        if !matches!(error, ChangelogError::Fenced { .. }) {
            abort(producer);
        }
        return Err(error);
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::task::Waker;
    use std::time::{Instant, SystemTime, UNIX_EPOCH};

    use super::*;
    use crate::changelog::{Clients, MAX_RECORD, TopicSpec, ensure_topics};
    use crate::config::{Acks, KafkaConfig};

    /// The broker of `dev/services`, or `None` after a notice (a failure under `CI=true`).
    fn bootstrap() -> Option<String> {
        let found = std::env::var("SERVICES_KAFKA_BOOTSTRAP").ok();
        if found.is_none() {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "the writer's tests need Kafka under CI=true: run `eval \"$(dev/services up)\"`"
                );
            }
            eprintln!("skipping the writer's tests: SERVICES_KAFKA_BOOTSTRAP is not set");
        }
        found
    }

    const BODY: [u8; 10] = [7; 10];

    fn record(key: &[u8]) -> LogRecord<'_> {
        LogRecord {
            state: 0,
            key: (1, key),
            value: Some((2, &BODY)),
            timestamp: 1_700_000_000_000,
        }
    }

    /// The next offsets `writer` hands out.
    async fn acked(writer: &mut KafkaWriter) -> Vec<u64> {
        let next = std::future::poll_fn(|cx| writer.poll_acked(cx));
        tokio::time::timeout(Duration::from_secs(30), next)
            .await
            .expect("the log acknowledged nothing within 30 s")
            .expect("the log refused the records")
    }

    /// A writer for a new one-partition topic with `acks`: transactional when that is
    /// `Acks::All`, as a node's writer is.
    async fn writer(bootstrap: String, acks: Acks) -> KafkaWriter {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let cluster = format!("writer-{}-{nanos}", std::process::id());
        let config = KafkaConfig {
            bootstrap_servers: vec![bootstrap],
            acks,
        };
        let clients = Clients::new(&config, &cluster, "writer-test");
        let topic = clients.topic("ks", "s");
        let spec = TopicSpec {
            name: topic.clone(),
            partitions: 1,
            ttl: None,
        };
        ensure_topics(&clients.admin().unwrap(), &[spec])
            .await
            .unwrap();
        let id = clients
            .transactional()
            .then(|| clients.transactional_id("ks", 0));
        let producer = clients.producer(id.as_deref()).await.unwrap();
        KafkaWriter::new(producer, Arc::from(vec![topic]), 0, id, MAX_RECORD)
    }

    /// Offsets show the transactions: a record right after another in the same transaction has
    /// the next offset; between two transactions the commit marker takes one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_join_the_transaction_until_its_first_records_are_delivered() {
        let Some(bootstrap) = bootstrap() else { return };
        let mut writer = writer(bootstrap, Acks::All).await;

        // Record 2 comes after record 1's flush, before its delivery is seen: same transaction.
        writer.append(record(&[1])).unwrap();
        writer.flush();
        writer.append(record(&[2])).unwrap();
        writer.flush();
        let first = acked(&mut writer).await;
        assert_eq!(first.len(), 2, "both records in one commit: {first:?}");
        assert_eq!(first[1], first[0] + 1, "{first:?}");

        // Record 4 comes once record 3's transaction has closed: it waits for the next one.
        writer.append(record(&[3])).unwrap();
        writer.flush();
        let mut early = None;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !writer.closed {
            assert!(Instant::now() < deadline, "the transaction never closed");
            let mut cx = Context::from_waker(Waker::noop());
            if let Poll::Ready(offsets) = writer.poll_acked(&mut cx) {
                early = Some(offsets.unwrap());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        writer.append(record(&[4])).unwrap();
        writer.flush();
        let second = match early {
            Some(offsets) => offsets,
            None => acked(&mut writer).await,
        };
        assert_eq!(second, vec![first[1] + 2], "record 3 alone, after a marker");
        let third = acked(&mut writer).await;
        assert_eq!(third, vec![second[0] + 2], "record 4 alone, after a marker");
    }

    /// Without transactions, records are handed out as they are delivered, in order, with
    /// nothing between them.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_transactions_delivered_records_are_handed_out_in_order() {
        let Some(bootstrap) = bootstrap() else { return };
        let mut writer = writer(bootstrap, Acks::Leader).await;
        for i in 1..=5 {
            writer.append(record(&[i])).unwrap();
        }
        writer.flush();
        let mut offsets = Vec::new();
        while offsets.len() < 5 {
            offsets.extend(acked(&mut writer).await);
        }
        assert_eq!(offsets.len(), 5, "{offsets:?}");
        assert!(offsets.windows(2).all(|w| w[1] == w[0] + 1), "{offsets:?}");
    }
}
