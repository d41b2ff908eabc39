//! Two nodes of one cluster (ZooKeeper and Kafka of `dev/services up`), in this process: the
//! second is a hot standby of every partition — it tails the changelogs into its own store,
//! serves stale reads with its lag, and refuses to act as master — and when the master leaves
//! it is elected, catches up and serves every acknowledged write, then takes new ones.
//!
//! Needs `SERVICES_KAFKA_BOOTSTRAP` and `SERVICES_ZOOKEEPER_CONNECT`; skipped without them,
//! except under `CI=true`, where that fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod services;
mod support;

use std::path::Path;
use std::time::Duration;

use affinity::config::{ClusterMode, NodeConfig, StoreBackend};
use affinity::keyspace::{AskError, Keyspace, KeyspaceRef};
use affinity::node::{Node, RunningNode};
use affinity::partition::Role;
use services::unique;
use support::{Add, Counters};

const PARTITIONS: u32 = 2;

fn services() -> Option<(String, String)> {
    let found = services::require(
        &["SERVICES_KAFKA_BOOTSTRAP", "SERVICES_ZOOKEEPER_CONNECT"],
        "the cluster tests",
    )?;
    Some((found[0].clone(), found[1].clone()))
}

/// Node `id` of cluster `cluster`, serving keyspace `name` with `replicas` replicas of each of
/// `partitions` partitions.
async fn start_with(
    (bootstrap, zookeeper): &(String, String),
    cluster: &str,
    id: &str,
    name: &str,
    dir: &Path,
    (partitions, replicas): (u32, u32),
) -> RunningNode {
    let mut config = NodeConfig::default();
    config.node.id = id.to_owned();
    config.node.data_dir = Some(dir.to_owned());
    config.store.backend = StoreBackend::Rocksdb;
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.cluster.mode = ClusterMode::Kafka;
    config.cluster.name = cluster.to_owned();
    config.kafka.bootstrap_servers = vec![bootstrap.clone()];
    config.zookeeper.connect = Some(zookeeper.clone());
    config.zookeeper.session_timeout = Duration::from_secs(6);
    let keyspace = Keyspace::new(name)
        .partitions(partitions)
        .replicas(replicas)
        .state::<String, i64>("counts")
        .handler(Counters)
        .remote::<Add>();
    Node::new(config).keyspace(keyspace).start().await.unwrap()
}

/// Node `id` with two replicas of each of [`PARTITIONS`] partitions.
async fn start(
    services: &(String, String),
    cluster: &str,
    id: &str,
    name: &str,
    dir: &Path,
) -> RunningNode {
    start_with(services, cluster, id, name, dir, (PARTITIONS, 2)).await
}

async fn add(ks: &KeyspaceRef<Counters>, key: &str, by: i64) -> Result<i64, AskError> {
    ks.ask(
        &key.to_owned(),
        Add {
            key: key.to_owned(),
            by,
        },
    )
    .await
    .map(|r| r.unwrap())
}

async fn read(ks: &KeyspaceRef<Counters>, key: &str) -> Result<Option<i64>, AskError> {
    let k = key.to_owned();
    ks.call(&k.clone(), move |_, ctx| {
        ctx.state::<String, i64>("counts").unwrap().get(&k).unwrap()
    })
    .await
}

/// `key`'s count read from a store (`KeyspaceRef::get`).
async fn fetch(ks: &KeyspaceRef<Counters>, key: &str) -> Option<i64> {
    ks.get::<String, i64>("counts", &key.to_owned())
        .await
        .unwrap()
}

/// The JSON body of `GET path` on `node`.
async fn get_json(node: &RunningNode, path: &str) -> serde_json::Value {
    serde_json::from_str(&get(node, path).await).unwrap()
}

/// The body of `GET path` on `node`, which must answer 200.
async fn get(node: &RunningNode, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(node.local_addr())
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .unwrap()
    .unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.0 200"), "{head}");
    body.to_owned()
}

/// How many keys `node` follows for other nodes' subscribers, as its `/metrics` says.
async fn watches_served(node: &RunningNode) -> f64 {
    let metrics = get(node, "/metrics").await;
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("affinity_peer_watches "))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

/// Waits (bounded) until `done` holds.
async fn eventually(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_tails_the_log_and_takes_over_when_the_master_leaves() {
    let Some(services) = services() else { return };
    let (cluster, name) = (unique("cluster"), unique("cl"));
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let a = start(&services, &cluster, "a", &name, dir_a.path()).await;
    let ks_a = a.keyspace::<Counters>().unwrap();
    eventually(
        "node a masters every partition",
        Duration::from_secs(60),
        async || (0..PARTITIONS).all(|p| ks_a.role(p) == Some(Role::Master)),
    )
    .await;
    let b = start(&services, &cluster, "b", &name, dir_b.path()).await;
    let ks_b = b.keyspace::<Counters>().unwrap();
    for p in 0..PARTITIONS {
        assert_eq!(ks_b.role(p), Some(Role::Standby), "b is a standby of {p}");
        assert!(ks_a.epoch(p) > 0, "a's mastership of {p} has an epoch");
        assert!(ks_a.last_catch_up(p).is_some(), "a caught up to master {p}");
        assert_eq!(ks_b.last_catch_up(p), None, "b has not mastered {p}");
    }

    // The nodes share the cluster's registry: a schema has one id on both, under the state's
    // subject and under its changelog topic's (Confluent's TopicNameStrategy).
    let subject = format!("{name}-counts-value");
    let id = a.registry().latest(&subject).await.unwrap().id;
    assert_eq!(b.registry().latest(&subject).await.unwrap().id, id);
    let topic = affinity::changelog::topic_name(&cluster, &name, "counts");
    let by_topic = b
        .registry()
        .latest(&format!("{topic}-value"))
        .await
        .unwrap();
    assert_eq!(by_topic.id, id);

    // `/cluster` on b: a masters each partition, both hold a replica, b's is a standby.
    let view = get_json(&b, "/cluster").await;
    assert_eq!(view["node"], "b");
    assert_eq!(view["mode"], "kafka");
    let partitions = view["keyspaces"][name.as_str()].as_array().unwrap();
    assert_eq!(partitions.len(), PARTITIONS as usize);
    for (p, partition) in partitions.iter().enumerate() {
        assert_eq!(partition["partition"], p);
        assert_eq!(partition["master"], "a", "{partition}");
        assert_eq!(partition["epoch"], ks_a.epoch(p as u32), "{partition}");
        let mut replicas: Vec<&str> = partition["replicas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        replicas.sort_unstable();
        assert_eq!(replicas, ["a", "b"], "{partition}");
        assert_eq!(partition["here"]["role"], "standby", "{partition}");
    }

    let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        add(&ks_a, key, i as i64 + 1).await.unwrap();
    }

    // The standby forwards asks to the master's node; a closure cannot travel there. It
    // serves stale reads once its tail has applied the writes.
    assert_eq!(add(&ks_b, "k0", 100).await, Ok(101), "b forwards to a");
    assert_eq!(read(&ks_a, "k0").await, Ok(Some(101)));
    // A store read through b goes to a (b's standby may be behind) and sees the write b's
    // ask acknowledged; on a it reads a's store.
    assert_eq!(fetch(&ks_b, "k0").await, Some(101), "b's get goes to a");
    assert_eq!(fetch(&ks_a, "k0").await, Some(101));
    assert_eq!(fetch(&ks_b, "never-written").await, None);
    assert_eq!(add(&ks_b, "k0", -100).await, Ok(1));
    let refused = tokio::time::timeout(Duration::from_secs(10), read(&ks_b, "k0"))
        .await
        .expect("a closure for a partition mastered elsewhere ends within its bounded wait");
    assert!(
        matches!(&refused, Err(AskError::NotForwardable { master, .. }) if master == "a"),
        "{refused:?}"
    );
    let stale = ks_b.stale();
    eventually(
        "the standby has every write",
        Duration::from_secs(30),
        async || {
            for (i, key) in keys.iter().enumerate() {
                let want = Some(i as i64 + 1);
                // Both through the standby's actor and from its store.
                if read(&stale, key).await != Ok(want) || fetch(&stale, key).await != want {
                    return false;
                }
            }
            true
        },
    )
    .await;
    eventually(
        "the standby reports no lag",
        Duration::from_secs(10),
        async || (0..PARTITIONS).all(|p| ks_b.lag(p) == Some(0)),
    )
    .await;
    // A write on the standby is refused and changes nothing.
    let write = stale
        .call(&"k0".to_owned(), |_, ctx| {
            ctx.state::<String, i64>("counts")
                .unwrap()
                .put(&"k0".to_owned(), &1000)
        })
        .await
        .unwrap();
    assert!(write.is_err(), "a standby takes no writes");

    // The master leaves while b forwards writes to it; the standby is elected, catches up
    // and serves everything, and the writes that went through b follow the mastership.
    let epochs: Vec<u64> = (0..PARTITIONS).map(|p| ks_a.epoch(p)).collect();
    let writer = tokio::spawn(write_through_failover(ks_b.clone(), "w"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.shutdown().await.unwrap();
    eventually(
        "b masters every partition",
        Duration::from_secs(30),
        async || (0..PARTITIONS).all(|p| ks_b.role(p) == Some(Role::Master)),
    )
    .await;
    let written = writer.await.unwrap();
    for p in 0..PARTITIONS {
        assert!(
            ks_b.epoch(p) > epochs[p as usize],
            "the new master's epoch is greater"
        );
        // b tailed the log as a standby: it caught up with little or nothing left to read.
        let caught_up = ks_b.last_catch_up(p).expect("b caught up to master");
        assert!(caught_up.records <= 100, "{caught_up:?}");
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            read(&ks_b, key).await,
            Ok(Some(i as i64 + 1)),
            "{key} after failover"
        );
        assert_eq!(fetch(&ks_b, key).await, Some(i as i64 + 1), "{key}");
    }
    for (key, (acknowledged, unknown)) in &written {
        let value = read(&ks_b, key).await.unwrap().unwrap_or(0);
        assert!(
            *acknowledged <= value && value <= acknowledged + unknown,
            "{key}: {value}, acknowledged {acknowledged}, outcome unknown {unknown}"
        );
    }
    assert_eq!(
        add(&ks_b, "k0", 10).await,
        Ok(11),
        "the new master takes writes"
    );
    b.shutdown().await.unwrap();
}

/// Adds 1 to eight counters in turn through `ks` until it has made 100 writes after `ks`'s
/// node became master of every partition; each ask must end (acknowledged or with a clear
/// error) within its timeout. Returns, per key, the sum acknowledged and the sum whose
/// outcome is unknown.
async fn write_through_failover(
    ks: KeyspaceRef<Counters>,
    prefix: &str,
) -> std::collections::BTreeMap<String, (i64, i64)> {
    let mut written = std::collections::BTreeMap::new();
    let mut after = 0;
    let mut errors = Vec::new();
    for i in 0..5_000 {
        let key = format!("{prefix}{}", i % 8);
        let outcome = tokio::time::timeout(Duration::from_secs(15), add(&ks, &key, 1))
            .await
            .expect("an ask ends within its timeout");
        let entry: &mut (i64, i64) = written.entry(key).or_default();
        match outcome {
            Ok(_) => entry.0 += 1,
            Err(AskError::NoMaster { .. }) => {}
            Err(e @ (AskError::Lost { .. } | AskError::Timeout)) => {
                entry.1 += 1;
                errors.push(e);
            }
            Err(e) => panic!("unexpected error during failover: {e}"),
        }
        if (0..PARTITIONS).all(|p| ks.role(p) == Some(Role::Master)) {
            after += 1;
            if after == 100 {
                eprintln!("writes with unknown outcome: {errors:?}");
                return written;
            }
        }
    }
    panic!("the node did not become master of every partition within 5000 writes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_follow_the_assignment_as_nodes_join_and_leave() {
    let Some(services) = services() else { return };
    let (cluster, name) = (unique("placement"), unique("pl"));
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let one_replica = (PARTITIONS, 1);

    // Alone, a holds and masters both partitions.
    let a = start_with(&services, &cluster, "a", &name, dir_a.path(), one_replica).await;
    let ks_a = a.keyspace::<Counters>().unwrap();
    eventually(
        "a masters every partition",
        Duration::from_secs(60),
        async || (0..PARTITIONS).all(|p| ks_a.role(p) == Some(Role::Master)),
    )
    .await;
    let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        add(&ks_a, key, i as i64 + 1).await.unwrap();
    }

    // b joins: one partition moves to it while both run. a lets it go; b opens it, restores
    // it from the changelog and masters it.
    let b = start_with(&services, &cluster, "b", &name, dir_b.path(), one_replica).await;
    let ks_b = b.keyspace::<Counters>().unwrap();
    let split = async || {
        (0..PARTITIONS).all(|p| {
            let roles = (ks_a.role(p), ks_b.role(p));
            roles == (Some(Role::Master), Some(Role::Remote))
                || roles == (Some(Role::Remote), Some(Role::Master))
        }) && (0..PARTITIONS).any(|p| ks_b.role(p) == Some(Role::Master))
    };
    eventually(
        "a and b master one partition each",
        Duration::from_secs(60),
        split,
    )
    .await;
    // Every count is there, whichever node is asked.
    for (i, key) in keys.iter().enumerate() {
        let via = if i % 2 == 0 { &ks_a } else { &ks_b };
        assert_eq!(
            add(via, key, 1).await,
            Ok(i as i64 + 2),
            "{key} after b joined"
        );
    }

    // a holds no replica of b's partition, yet follows a key of it: over the peer link, from
    // b's replica.
    let (i, watched) = keys
        .iter()
        .enumerate()
        .find(|(_, key)| ks_a.role(ks_a.partition_of(*key)) == Some(Role::Remote))
        .unwrap();
    let start = i as i64 + 2;
    let mut observer = ks_a
        .observe::<String, i64>("counts", watched)
        .await
        .expect("a key mastered on another node can be observed");
    let next = async |observer: &mut affinity::keyspace::KeyObserver<i64>| {
        tokio::time::timeout(Duration::from_secs(30), observer.next())
            .await
            .expect("a change arrives")
            .expect("the observer goes on")
            .unwrap()
    };
    let first = next(&mut observer).await;
    assert_eq!(first.value, Some(start), "the current value first");
    let mut last = first.offset;
    for n in 1..=3 {
        add(&ks_b, watched, 1).await.unwrap();
        let seen = next(&mut observer).await;
        assert_eq!(seen.value, Some(start + n), "every change, in order");
        assert!(seen.offset > last);
        last = seen.offset;
    }
    assert_eq!(watches_served(&b).await, 1.0, "b follows the key for a");

    // An observer that does not keep up gets the changes it missed, in order, up to the last
    // (deltas, or the latest value once they are out of reach).
    for _ in 0..20 {
        add(&ks_b, watched, 1).await.unwrap();
    }
    let mut value = start + 3;
    while value < start + 23 {
        let seen = next(&mut observer).await;
        let now = seen.value.unwrap();
        assert!(now > value && seen.offset > last, "{now} after {value}");
        (value, last) = (now, seen.offset);
    }
    assert_eq!(value, start + 23);

    // Another observer of the key, dropped: its watch on b ends.
    let other = ks_a
        .observe::<String, i64>("counts", watched)
        .await
        .unwrap();
    eventually(
        "b follows the key twice",
        Duration::from_secs(10),
        async || watches_served(&b).await == 2.0,
    )
    .await;
    drop(other);
    eventually(
        "the dropped observer's watch ends",
        Duration::from_secs(10),
        async || watches_served(&b).await == 1.0,
    )
    .await;

    // b leaves: its partition comes back to a, which reopens its store where it left it and
    // catches up with what b wrote. The observer follows the key to a's new replica.
    b.shutdown().await.unwrap();
    eventually(
        "a masters every partition again",
        Duration::from_secs(60),
        async || (0..PARTITIONS).all(|p| ks_a.role(p) == Some(Role::Master)),
    )
    .await;
    add(&ks_a, watched, 10).await.unwrap();
    let seen = next(&mut observer).await;
    assert_eq!(
        seen.value,
        Some(start + 33),
        "the first change after the move, with nothing in between"
    );
    assert!(seen.offset > last);
    // The test below adds 1 to every key.
    add(&ks_a, watched, -33).await.unwrap();
    drop(observer);
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            add(&ks_a, key, 1).await,
            Ok(i as i64 + 3),
            "{key} after b left"
        );
    }
    a.shutdown().await.unwrap();
}
