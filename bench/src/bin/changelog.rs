//! The changelog benchmark (issue 4): framework writes with `acks = all` against a raw rdkafka
//! producer to the same broker with the same record size, in the same run, then the restore
//! of a fresh replica from that log into RocksDB. Prints one JSON object; `dev/bench-changelog`
//! writes it into framework/BENCHMARKS.md.
//!
//! Usage: `affinity-bench-changelog [--records N] [--value-bytes B] [--window W] [--rounds R]`,
//! with `SERVICES_KAFKA_BOOTSTRAP` and `SERVICES_ZOOKEEPER_CONNECT` from `dev/services env`.
//!
//! The raw producer and the framework take turns: `R` rounds of `N` records each, raw then
//! framework, against one topic and one node. The broker's speed drifts within a run (log
//! segments, page cache, the JIT, the other core's load), so figures from alternating rounds
//! compare like with like where one long phase each would not.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../histogram.rs"]
#[allow(dead_code)]
mod histogram;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use affinity::config::{ClusterMode, NodeConfig, StoreBackend};
use affinity::keyspace::{Keyspace, KeyspaceRef};
use affinity::node::{Node, RunningNode};
use affinity::partition::{Context, Handler, Handles, Message, Role};
use affinity_avro::{encode_frame, to_vec};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use histogram::Histogram;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::producer::{FutureProducer, FutureRecord};

const PARTITIONS: u32 = 4;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The benchmark's handler: puts a blob under a key.
#[derive(Clone, Default)]
struct Blobs;

impl Handler for Blobs {}

struct Put {
    key: i64,
    value: Vec<u8>,
}

impl Message for Put {
    type Reply = Result<(), String>;
}

impl Handles<Put> for Blobs {
    fn handle(&mut self, m: Put, ctx: &mut Context<'_>) -> Result<(), String> {
        let mut blobs = ctx
            .state::<i64, Vec<u8>>("blobs")
            .map_err(|e| e.to_string())?;
        blobs.put(&m.key, &m.value).map_err(|e| e.to_string())
    }
}

struct Args {
    records: usize,
    value_bytes: usize,
    window: usize,
    rounds: usize,
}

fn args() -> Result<Args, Error> {
    let mut out = Args {
        records: 200_000,
        value_bytes: 100,
        window: 4096,
        rounds: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value: usize = it.next().ok_or("a flag without a value")?.parse()?;
        match flag.as_str() {
            "--records" => out.records = value,
            "--value-bytes" => out.value_bytes = value,
            "--window" => out.window = value,
            "--rounds" => out.rounds = value.max(1),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(out)
}

/// A run's figures.
struct Figures {
    records: usize,
    seconds: f64,
    p50_us: u64,
    p99_us: u64,
}

impl Figures {
    fn json(&self) -> String {
        format!(
            "{{\"records\":{},\"seconds\":{:.3},\"per_second\":{:.0},\"p50_us\":{},\"p99_us\":{}}}",
            self.records,
            self.seconds,
            self.records as f64 / self.seconds,
            self.p50_us,
            self.p99_us
        )
    }
}

/// Runs operations `from..from + n` with at most `window` in flight, timing each.
async fn drive<F, Fut>(from: usize, n: usize, window: usize, op: F) -> Result<Figures, Error>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let latencies = Histogram::new();
    let mut in_flight = FuturesUnordered::new();
    let start = Instant::now();
    let (mut next, end) = (from, from + n);
    while next < end || !in_flight.is_empty() {
        while next < end && in_flight.len() < window {
            let fut = op(next);
            let sent = Instant::now();
            in_flight.push(async move {
                fut.await?;
                Ok::<_, Error>(sent.elapsed())
            });
            next += 1;
        }
        if let Some(done) = in_flight.next().await {
            latencies.record(u64::try_from(done?.as_micros()).unwrap_or(u64::MAX));
        }
    }
    Ok(Figures {
        records: n,
        seconds: start.elapsed().as_secs_f64(),
        p50_us: latencies.quantile(0.5),
        p99_us: latencies.quantile(0.99),
    })
}

fn unique(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("bench-{name}-{nanos}")
}

async fn node(
    bootstrap: &str,
    zookeeper: &str,
    keyspace: &str,
    dir: &std::path::Path,
) -> Result<RunningNode, Error> {
    let mut config = NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse()?;
    config.cluster.mode = ClusterMode::Kafka;
    config.kafka.bootstrap_servers = vec![bootstrap.to_owned()];
    config.zookeeper.connect = Some(zookeeper.to_owned());
    config.node.data_dir = Some(dir.to_owned());
    config.store.backend = StoreBackend::Rocksdb;
    let ks = Keyspace::new(keyspace)
        .partitions(PARTITIONS)
        .mailbox(65_536)
        .state::<i64, Vec<u8>>("blobs")
        .handler(Blobs);
    Ok(Node::new(config).keyspace(ks).start().await?)
}

/// The raw producer: idempotent, `acks = all`, records of the framework's size (a framed
/// Avro long key, a framed Avro bytes value) to the same partitions.
struct Raw {
    producer: Arc<FutureProducer>,
    topic: Arc<String>,
    value: Arc<Vec<u8>>,
}

/// Creates the raw producer's topic and producer.
async fn raw(bootstrap: &str, args: &Args) -> Result<Raw, Error> {
    let topic = unique("raw");
    let admin: AdminClient<_> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()?;
    for result in admin
        .create_topics(
            &[
                NewTopic::new(&topic, PARTITIONS as i32, TopicReplication::Fixed(-1))
                    .set("cleanup.policy", "compact"),
            ],
            &AdminOptions::new(),
        )
        .await?
    {
        result.map_err(|(t, code)| format!("creating {t}: {code}"))?;
    }
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("acks", "all")
        .set("enable.idempotence", "true")
        .set("linger.ms", "1")
        .create()?;
    let producer = Arc::new(producer);
    let value = vec![7u8; args.value_bytes];
    let mut framed_value = Vec::new();
    encode_frame(2, &to_vec(&value), &mut framed_value);
    Ok(Raw {
        producer,
        topic: Arc::new(topic),
        value: Arc::new(framed_value),
    })
}

/// One round of the raw producer: records `from..from + n`.
async fn raw_round(raw: &Raw, from: usize, args: &Args) -> Result<Figures, Error> {
    drive(from, args.records, args.window, |i| {
        let (producer, topic, value) = (raw.producer.clone(), raw.topic.clone(), raw.value.clone());
        async move {
            let mut key = Vec::new();
            encode_frame(1, &to_vec(&(i as i64)), &mut key);
            let partition = (i % PARTITIONS as usize) as i32;
            let record = FutureRecord::to(topic.as_str())
                .partition(partition)
                .key(&key)
                .payload(value.as_slice());
            producer
                .send(record, Duration::from_secs(30))
                .await
                .map_err(|(e, _)| Error::from(e))?;
            Ok(())
        }
    })
    .await
}

/// One round of framework writes: keys `from..from + n`.
async fn framework_round(
    ks: &KeyspaceRef<Blobs>,
    from: usize,
    args: &Args,
) -> Result<Figures, Error> {
    let value = vec![7u8; args.value_bytes];
    drive(from, args.records, args.window, |i| {
        let (ks, value) = (ks.clone(), value.clone());
        async move {
            ks.ask(
                &(i as i64),
                Put {
                    key: i as i64,
                    value,
                },
            )
            .await?
            .map_err(Error::from)
        }
    })
    .await
}

/// Waits until the node (alone in its cluster) masters every partition: a node's start
/// returns once its replicas are standbys, and the one replica is then elected.
async fn masters(ks: &KeyspaceRef<Blobs>) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while (0..PARTITIONS).any(|p| ks.role(p) != Some(Role::Master)) {
        if Instant::now() > deadline {
            return Err("the node did not master every partition within 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = args()?;
    let bootstrap = std::env::var("SERVICES_KAFKA_BOOTSTRAP")
        .map_err(|_| "SERVICES_KAFKA_BOOTSTRAP is not set: eval \"$(dev/services env)\"")?;
    let zookeeper = std::env::var("SERVICES_ZOOKEEPER_CONNECT")
        .map_err(|_| "SERVICES_ZOOKEEPER_CONNECT is not set: eval \"$(dev/services env)\"")?;

    let raw = raw(&bootstrap, &args).await?;
    let keyspace = unique("framework");
    let dir = tempfile::tempdir()?;
    let running = node(&bootstrap, &zookeeper, &keyspace, dir.path()).await?;
    let ks = running
        .keyspace::<Blobs>()
        .ok_or("the keyspace is missing")?;
    masters(&ks).await?;
    let mut rounds = Vec::with_capacity(args.rounds);
    for round in 0..args.rounds {
        let from = round * args.records;
        eprintln!("round {round}: raw producer, {} records", args.records);
        let raw = raw_round(&raw, from, &args).await?;
        eprintln!("round {round}: framework, {} records", args.records);
        let framework = framework_round(&ks, from, &args).await?;
        rounds.push(format!(
            "{{\"raw\":{},\"framework\":{}}}",
            raw.json(),
            framework.json()
        ));
    }
    running.shutdown().await?;

    // A fresh replica: an empty RocksDB reading the whole log back.
    eprintln!("restore into an empty store");
    let fresh = tempfile::tempdir()?;
    let started = Instant::now();
    let running = node(&bootstrap, &zookeeper, &keyspace, fresh.path()).await?;
    let restored = running
        .keyspace::<Blobs>()
        .ok_or("the keyspace is missing")?;
    masters(&restored).await?;
    let seconds = started.elapsed().as_secs_f64();
    let replayed = restored.replayed();
    // The partitions read their logs at the same time, after fencing: the reading took as long
    // as the longest of them.
    let reading = (0..PARTITIONS)
        .filter_map(|p| restored.last_catch_up(p))
        .map(|c| c.took.as_secs_f64())
        .fold(0.0, f64::max);
    running.shutdown().await?;

    println!(
        "{{\"value_bytes\":{},\"window\":{},\"partitions\":{PARTITIONS},\"rounds\":[{}],\"restore\":{{\"records\":{replayed},\"seconds\":{seconds:.3},\"reading_seconds\":{reading:.3},\"per_second\":{:.0}}}}}",
        args.value_bytes,
        args.window,
        rounds.join(","),
        replayed as f64 / reading.max(f64::EPSILON)
    );
    Ok(())
}
