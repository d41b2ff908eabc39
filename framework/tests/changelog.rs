//! Kafka changelogs against the real broker of `dev/services up`: writes are in the log when
//! they are acknowledged, a node rebuilds its state from the log, a restart replays only what
//! its store lacks, a new master fences the old one, and a topic that does not fit is refused.
//!
//! Needs `SERVICES_KAFKA_BOOTSTRAP` and `SERVICES_ZOOKEEPER_CONNECT`; skipped without them,
//! except under `CI=true`, where that fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod services;
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use affinity::changelog::topic_name;
use affinity::config::{ClusterMode, NodeConfig, StoreBackend};
use affinity::keyspace::{AskError, Keyspace, KeyspaceRef};
use affinity::node::{Node, RunningNode};
use affinity::partition::Role;
use affinity::state::StateError;
use affinity_avro::{decode_frame, from_slice};
use affinity_protocol::frame::ServerFrame;
use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};
use services::unique;
use support::{Add, Counters};

const PARTITIONS: u32 = 4;

/// The broker and ZooKeeper of `dev/services`, or `None` when the test is skipped.
fn services() -> Option<(String, String)> {
    let found = services::require(
        &["SERVICES_KAFKA_BOOTSTRAP", "SERVICES_ZOOKEEPER_CONNECT"],
        "the changelog tests",
    )?;
    Some((found[0].clone(), found[1].clone()))
}

fn keyspace(name: &str) -> Keyspace<Counters> {
    Keyspace::new(name)
        .partitions(PARTITIONS)
        .state::<String, i64>("counts")
        .state_with_ttl::<String, String>("sessions", Duration::from_secs(3600))
        .handler(Counters)
        .accept_published::<String, Add>()
}

/// Publishes `Add { key, by }` to `key` of keyspace `name` over a `/live` socket of `node`;
/// the server's answer.
async fn publish(node: &RunningNode, name: &str, key: &str, by: i64) -> ServerFrame {
    use affinity_protocol::frame::{ClientFrame, Publish, decode, encode};
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let url = format!("ws://{}/live", node.local_addr());
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let message = Add {
        key: key.to_owned(),
        by,
    };
    let frame = ClientFrame::Publish(Publish {
        request_id: 1,
        keyspace: name.to_owned(),
        key: affinity_avro::to_vec(&key.to_owned()),
        message: affinity_avro::to_vec(&message),
    });
    socket
        .send(WsMessage::Binary(encode(&frame).into()))
        .await
        .unwrap();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .expect("an answer to the publish")
            .unwrap()
            .unwrap();
        if let WsMessage::Binary(bytes) = next {
            return decode::<ServerFrame>(&bytes).unwrap();
        }
    }
}

/// Where a test's nodes run: the cluster's name (which its topics and transactional ids
/// carry) and the ZooKeeper they join it in.
#[derive(Debug, Clone)]
struct Cluster {
    name: String,
    zookeeper: String,
}

impl Cluster {
    /// A cluster of its own, so that a test's node is alone in it and masters every partition.
    fn own((_, zookeeper): &(String, String)) -> Cluster {
        Cluster {
            name: unique("changelog"),
            zookeeper: zookeeper.clone(),
        }
    }

    /// The same cluster as far as Kafka knows (the same topics and transactional ids), joined
    /// in a ZooKeeper root of its own: its node masters every partition too, as a deposed
    /// master that has not noticed would beside the real one (the fencing test's case).
    async fn twin(&self) -> Cluster {
        let root = format!("/{}", unique("twin"));
        let client = zookeeper_client::Client::connect(&self.zookeeper)
            .await
            .unwrap();
        let options = zookeeper_client::CreateMode::Persistent
            .with_acls(zookeeper_client::Acls::anyone_all());
        client.create(&root, b"", &options).await.unwrap();
        Cluster {
            name: self.name.clone(),
            zookeeper: format!("{}{root}", self.zookeeper),
        }
    }

    /// The changelog topic of the test keyspace `name`'s state.
    fn topic(&self, name: &str) -> String {
        topic_name(&self.name, name, "counts")
    }
}

/// A Kafka-mode node of `cluster` serving keyspace `name`, RocksDB under `dir` or in memory,
/// once it masters every partition (alone in its cluster, it is elected at once).
async fn start(
    services: &(String, String),
    cluster: &Cluster,
    name: &str,
    dir: Option<&Path>,
) -> RunningNode {
    let node = try_start(services, cluster, name, dir).await.unwrap();
    let ks = node.keyspace::<Counters>().unwrap();
    tokio::time::timeout(Duration::from_secs(60), async {
        while (0..PARTITIONS).any(|p| ks.role(p) != Some(Role::Master)) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the node masters every partition within 60 s");
    node
}

async fn try_start(
    (bootstrap, _): &(String, String),
    cluster: &Cluster,
    name: &str,
    dir: Option<&Path>,
) -> Result<RunningNode, affinity::node::NodeError> {
    let mut config = NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.cluster.mode = ClusterMode::Kafka;
    config.kafka.bootstrap_servers = vec![bootstrap.clone()];
    config.zookeeper.connect = Some(cluster.zookeeper.clone());
    // What these tests check is the changelog alone; tests/cluster.rs has nodes sharing a
    // cluster.
    config.cluster.name = cluster.name.clone();
    match dir {
        Some(dir) => {
            config.node.data_dir = Some(dir.to_owned());
            config.store.backend = StoreBackend::Rocksdb;
        }
        None => config.store.backend = StoreBackend::Memory,
    }
    Node::new(config).keyspace(keyspace(name)).start().await
}

async fn add(ks: &KeyspaceRef<Counters>, key: &str, by: i64) -> Result<i64, String> {
    match ks
        .ask(
            &key.to_owned(),
            Add {
                key: key.to_owned(),
                by,
            },
        )
        .await
    {
        Ok(reply) => reply,
        Err(e) => Err(format!("ask: {e}")),
    }
}

async fn count(ks: &KeyspaceRef<Counters>, key: &str) -> Option<i64> {
    let k = key.to_owned();
    ks.call(&k.clone(), move |_, ctx| {
        ctx.state::<String, i64>("counts").unwrap().get(&k).unwrap()
    })
    .await
    .unwrap()
}

/// The last value of every key in `topic`, as the broker has it (committed records only).
fn read_topic(bootstrap: &str, topic: &str) -> BTreeMap<String, Option<i64>> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "affinity-test-reader")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .set("isolation.level", "read_committed")
        .create()
        .unwrap();
    let mut out = BTreeMap::new();
    for partition in 0..PARTITIONS as i32 {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(topic, partition, Offset::Beginning)
            .unwrap();
        consumer.assign(&tpl).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "reading {topic} took too long"
            );
            match consumer.poll(Duration::from_millis(200)) {
                None => continue,
                Some(Err(KafkaError::PartitionEOF(_))) => break,
                Some(Err(e)) => panic!("reading {topic}: {e}"),
                Some(Ok(m)) => {
                    let (_, key) = decode_frame(m.key().unwrap()).unwrap();
                    let key: String = from_slice(key).unwrap();
                    let value = m.payload().map(|v| {
                        let (_, body) = decode_frame(v).unwrap();
                        from_slice::<i64>(body).unwrap()
                    });
                    out.insert(key, value);
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_are_in_the_log_and_a_node_rebuilds_from_it() {
    let Some(services) = services() else { return };
    let name = unique("rebuild");
    let cluster = Cluster::own(&services);
    let node = start(&services, &cluster, &name, None).await;
    let ks = node.keyspace::<Counters>().unwrap();
    assert_eq!(ks.replayed(), 0);

    // Many writes in flight at once, several to each key: each answer is the key's count
    // after its own write, so every key ends at the number of writes it got.
    let keys: Vec<String> = (0..40).map(|i| format!("key-{i}")).collect();
    let writes = keys.iter().flat_map(|k| (0..5).map(move |_| k.clone()));
    let answers = futures_util::future::join_all(writes.map(|k| {
        let ks = ks.clone();
        async move { add(&ks, &k, 1).await }
    }))
    .await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    for k in &keys {
        assert_eq!(count(&ks, k).await, Some(5), "{k}");
    }

    // Acknowledged means in the log: the broker has every key at its last value.
    let topic = cluster.topic(&name);
    let logged = read_topic(&services.0, &topic);
    assert_eq!(logged.len(), keys.len());
    assert!(logged.values().all(|v| *v == Some(5)), "{logged:?}");

    // A deletion is a tombstone.
    let first = keys[0].clone();
    let deleted = ks
        .call(&first.clone(), move |_, ctx| {
            ctx.state::<String, i64>("counts").unwrap().delete(&first)
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deleted, Some(5));
    assert_eq!(read_topic(&services.0, &topic).get(&keys[0]), Some(&None));
    node.shutdown().await.unwrap();

    // A node with empty (in-memory) stores reads the whole log back.
    let node = start(&services, &cluster, &name, None).await;
    let ks = node.keyspace::<Counters>().unwrap();
    assert!(ks.replayed() >= keys.len() as u64, "{}", ks.replayed());
    assert_eq!(count(&ks, &keys[0]).await, None);
    for k in &keys[1..] {
        assert_eq!(count(&ks, k).await, Some(5), "{k}");
    }
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_replays_only_what_the_store_lacks() {
    let Some(services) = services() else { return };
    let name = unique("restart");
    let cluster = Cluster::own(&services);
    let dir = tempfile::tempdir().unwrap();
    let node = start(&services, &cluster, &name, Some(dir.path())).await;
    let ks = node.keyspace::<Counters>().unwrap();
    for i in 0..30 {
        add(&ks, &format!("k{i}"), i + 1).await.unwrap();
    }
    node.shutdown().await.unwrap();

    // Same store: its checkpoints are at the end of the log, nothing to replay.
    let node = start(&services, &cluster, &name, Some(dir.path())).await;
    let ks = node.keyspace::<Counters>().unwrap();
    assert_eq!(ks.replayed(), 0);
    assert_eq!(count(&ks, "k7").await, Some(8));
    node.shutdown().await.unwrap();

    // Another node masters the keyspace meanwhile and writes 10 more records.
    let other = tempfile::tempdir().unwrap();
    let node = start(&services, &cluster, &name, Some(other.path())).await;
    let ks = node.keyspace::<Counters>().unwrap();
    assert!(ks.replayed() >= 30);
    for i in 0..10 {
        add(&ks, &format!("k{i}"), 100).await.unwrap();
    }
    node.shutdown().await.unwrap();

    // Back on the first store: exactly those 10 are replayed.
    let node = start(&services, &cluster, &name, Some(dir.path())).await;
    let ks = node.keyspace::<Counters>().unwrap();
    assert_eq!(ks.replayed(), 10);
    assert_eq!(count(&ks, "k3").await, Some(104));
    assert_eq!(count(&ks, "k29").await, Some(30));
    node.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_master_fences_the_old_one() {
    let Some(services) = services() else { return };
    let name = unique("fence");
    let cluster = Cluster::own(&services);
    let old = start(&services, &cluster, &name, None).await;
    let old_ks = old.keyspace::<Counters>().unwrap();
    assert_eq!(add(&old_ks, "a", 1).await, Ok(1));

    // A second master of the same partitions starts: it fences the first.
    let new = start(&services, &cluster.twin().await, &name, None).await;
    let new_ks = new.keyspace::<Counters>().unwrap();
    assert_eq!(count(&new_ks, "a").await, Some(1));

    // The deposed master can no longer get a write acknowledged, nor into the log. Its
    // handler takes a live publish (it does not know yet), but the publish is acknowledged
    // only once its write is in the log, which the fenced producer cannot do.
    let answer = publish(&old, &name, "a", 20).await;
    assert!(matches!(answer, ServerFrame::Error(_)), "{answer:?}");
    let refused = add(&old_ks, "a", 10).await;
    assert!(refused.is_err(), "{refused:?}");
    let again = old_ks
        .call(&"a".to_owned(), |_, ctx| {
            ctx.state::<String, i64>("counts")
                .unwrap()
                .put(&"a".to_owned(), &99)
        })
        .await;
    assert!(
        matches!(
            again,
            Ok(Err(StateError::Changelog(_))) | Err(AskError::NotWritten { .. })
        ),
        "{again:?}"
    );
    assert_eq!(add(&new_ks, "a", 2).await, Ok(3));
    let answer = publish(&new, &name, "b", 5).await;
    assert!(matches!(answer, ServerFrame::Published(_)), "{answer:?}");
    let logged = read_topic(&services.0, &cluster.topic(&name));
    assert_eq!(logged.get("a"), Some(&Some(3)));
    assert_eq!(logged.get("b"), Some(&Some(5)));
    old.shutdown().await.unwrap();
    new.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_with_another_partition_count_is_refused() {
    let Some(services) = services() else { return };
    let name = unique("mismatch");
    let cluster = Cluster::own(&services);
    let admin: AdminClient<_> = ClientConfig::new()
        .set("bootstrap.servers", &services.0)
        .create()
        .unwrap();
    let topic = cluster.topic(&name);
    admin
        .create_topics(
            &[NewTopic::new(&topic, 3, TopicReplication::Fixed(1))
                .set("cleanup.policy", "compact")],
            &AdminOptions::new(),
        )
        .await
        .unwrap()
        .into_iter()
        .for_each(|r| {
            r.unwrap();
        });
    let error = try_start(&services, &cluster, &name, None)
        .await
        .err()
        .unwrap();
    let message = error.to_string();
    assert!(
        message.contains(&topic) && message.contains("3 partitions"),
        "{message}"
    );
}

/// Two clusters on one Kafka running a keyspace of the same name keep apart: each has its own
/// changelogs and transactional ids, so neither sees the other's records nor fences the
/// other's masters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_on_one_kafka_keep_their_logs_apart() {
    let Some(services) = services() else { return };
    let name = unique("apart");
    let (one, two) = (Cluster::own(&services), Cluster::own(&services));
    let first = start(&services, &one, &name, None).await;
    let first_ks = first.keyspace::<Counters>().unwrap();
    assert_eq!(add(&first_ks, "a", 1).await, Ok(1));

    let second = start(&services, &two, &name, None).await;
    let second_ks = second.keyspace::<Counters>().unwrap();
    assert_eq!(
        second_ks.replayed(),
        0,
        "nothing of the other cluster's log"
    );
    assert_eq!(count(&second_ks, "a").await, None);
    assert_eq!(add(&second_ks, "a", 5).await, Ok(5));

    // The first cluster's master was not fenced by the second's.
    assert_eq!(add(&first_ks, "a", 1).await, Ok(2));
    assert_eq!(
        read_topic(&services.0, &one.topic(&name)).get("a"),
        Some(&Some(2))
    );
    assert_eq!(
        read_topic(&services.0, &two.topic(&name)).get("a"),
        Some(&Some(5))
    );
    first.shutdown().await.unwrap();
    second.shutdown().await.unwrap();
}
