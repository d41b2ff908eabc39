//! Two nodes of one cluster (ZooKeeper and Kafka of `dev/services up`), in this process: the
//! second is a hot standby of every partition — it tails the changelogs into its own store,
//! serves stale reads with its lag, and refuses to act as master — and when the master leaves
//! it is elected, catches up and serves every acknowledged write, then takes new ones.
//!
//! Needs `SERVICES_KAFKA_BOOTSTRAP` and `SERVICES_ZOOKEEPER_CONNECT`; skipped without them,
//! except under `CI=true`, where that fails.

#![allow(clippy::unwrap_used, clippy::panic)]

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

/// Node `id` of cluster `cluster`, serving keyspace `name` with two replicas per partition.
async fn start(
    (bootstrap, zookeeper): &(String, String),
    cluster: &str,
    id: &str,
    name: &str,
    dir: &Path,
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
        .partitions(PARTITIONS)
        .replicas(2)
        .state::<String, i64>("counts")
        .handler(Counters);
    Node::new(config).keyspace(keyspace).start().await.unwrap()
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
    }

    let keys: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        add(&ks_a, key, i as i64 + 1).await.unwrap();
    }

    // The standby refuses master requests (after a bounded wait) and serves stale reads once
    // its tail has applied the writes.
    let refused = tokio::time::timeout(Duration::from_secs(10), read(&ks_b, "k0"))
        .await
        .expect("a request to a standby ends within its bounded wait");
    assert_eq!(
        refused,
        Err(AskError::NoMaster {
            partition: ks_b.partition_of(&"k0".to_owned())
        })
    );
    let stale = ks_b.stale();
    eventually(
        "the standby has every write",
        Duration::from_secs(30),
        async || {
            for (i, key) in keys.iter().enumerate() {
                if read(&stale, key).await != Ok(Some(i as i64 + 1)) {
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

    // The master leaves; the standby is elected, catches up and serves everything.
    let epochs: Vec<u64> = (0..PARTITIONS).map(|p| ks_a.epoch(p)).collect();
    a.shutdown().await.unwrap();
    eventually(
        "b masters every partition",
        Duration::from_secs(30),
        async || (0..PARTITIONS).all(|p| ks_b.role(p) == Some(Role::Master)),
    )
    .await;
    for p in 0..PARTITIONS {
        assert!(
            ks_b.epoch(p) > epochs[p as usize],
            "the new master's epoch is greater"
        );
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            read(&ks_b, key).await,
            Ok(Some(i as i64 + 1)),
            "{key} after failover"
        );
    }
    assert_eq!(
        add(&ks_b, "k0", 10).await,
        Ok(11),
        "the new master takes writes"
    );
    b.shutdown().await.unwrap();
}
