//! Environment overrides: every type of key, unknown and mistyped variables.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use affinity::config::{Acks, NodeConfig, Origin, StoreBackend};

use crate::support::{FULL, TestResult, messages, nz, parse, write_config};

#[test]
fn the_environment_overrides_every_type_of_key() -> TestResult {
    let (dir, path) = write_config(FULL)?;
    let env = [
        ("AFFINITY_NODE__ID", "node-9"),
        ("AFFINITY_NODE__DATA_DIR", "rel/dir"),
        ("AFFINITY_HTTP__LISTEN", "[::1]:7000"),
        ("AFFINITY_HTTP__BODY_LIMIT", "1048576"),
        ("AFFINITY_HTTP__REQUEST_TIMEOUT", "250ms"),
        (
            "AFFINITY_HTTP__CORS_ORIGINS",
            "https://x.example, https://y.example",
        ),
        ("AFFINITY_LIVE__QUEUE_CAPACITY", "1024"),
        ("AFFINITY_LIVE__HEARTBEAT", "2m"),
        ("AFFINITY_STORE__BACKEND", "rocksdb"),
        ("AFFINITY_CLUSTER__MODE", "kafka"),
        ("AFFINITY_KAFKA__BOOTSTRAP_SERVERS", "k9:9092"),
        ("AFFINITY_KAFKA__ACKS", "all"),
        ("AFFINITY_ZOOKEEPER__CONNECT", "zk9:2181"),
        ("AFFINITY_ZOOKEEPER__SESSION_TIMEOUT", "30s"),
        ("AFFINITY_KEYSPACES__graph__PARTITIONS", "32"),
        ("AFFINITY_KEYSPACES__users__REPLICAS", "2"),
        // lower-case section and key names work too
        ("AFFINITY_keyspaces__sessions__partitions", "4"),
        // not overrides
        ("AFFINITY_BLESS", "1"),
        ("HOME", "/root"),
    ];
    let config = NodeConfig::load_with_env(&path, env)?;
    assert_eq!(config.node.id, "node-9");
    // relative to the working directory, not the file
    assert_eq!(config.node.data_dir.as_deref(), Some(Path::new("rel/dir")));
    assert_eq!(config.http.listen, "[::1]:7000".parse::<SocketAddr>()?);
    assert_eq!(config.http.body_limit, 1 << 20);
    assert_eq!(config.http.request_timeout, Duration::from_millis(250));
    assert_eq!(
        config.http.cors_origins,
        ["https://x.example", "https://y.example"]
    );
    assert_eq!(config.live.queue_capacity, 1024);
    assert_eq!(config.live.heartbeat, Duration::from_secs(120));
    assert_eq!(config.store.backend, StoreBackend::Rocksdb);
    assert_eq!(config.kafka.bootstrap_servers, ["k9:9092"]);
    assert_eq!(config.kafka.acks, Acks::All);
    assert_eq!(config.zookeeper.connect.as_deref(), Some("zk9:2181"));
    assert_eq!(config.zookeeper.session_timeout, Duration::from_secs(30));
    // the file's replicas stay; the environment's partitions win
    assert_eq!(config.keyspaces["graph"].partitions, nz(32));
    assert_eq!(config.keyspaces["graph"].replicas, nz(3));
    assert_eq!(config.keyspaces["users"].replicas, nz(2));
    assert_eq!(config.keyspaces["sessions"].partitions, nz(4));
    assert_eq!(
        config.origin("http.listen"),
        Some(&Origin::Env {
            var: "AFFINITY_HTTP__LISTEN".to_owned()
        })
    );
    drop(dir);
    Ok(())
}

#[test]
fn an_empty_list_override_clears_the_list() -> TestResult {
    let config = parse(
        "[http]\ncors_origins = [\"https://a.example\"]\n",
        [("AFFINITY_HTTP__CORS_ORIGINS", "")],
    )?;
    assert!(config.http.cors_origins.is_empty());
    Ok(())
}

#[test]
fn unknown_or_mistyped_overrides_are_errors_naming_the_variable() {
    let env = [
        ("AFFINITY_HTTP__LISTNE", "0.0.0.0:80"),
        ("AFFINITY_HTTP_LISTEN", "0.0.0.0:80"),
        ("AFFINITY_NOPE__X", "1"),
        ("AFFINITY_KEYSPACES__graph", "8"),
        ("AFFINITY_KEYSPACES__graph__SIZE", "8"),
        ("AFFINITY_LIVE__QUEUE_CAPACITY", "lots"),
        ("AFFINITY_HTTP__REQUEST_TIMEOUT", "30"),
        ("AFFINITY_BLESS", "1"),
        ("AFFINITY_WRITE_FUZZ_SEEDS", "1"),
    ];
    assert_eq!(
        messages(NodeConfig::from_env_vars(env)),
        [
            "environment variable AFFINITY_HTTP_LISTEN: unknown key `http.listen` (a section \
             and its key are separated by a double underscore: did you mean \
             AFFINITY_HTTP__LISTEN?)",
            "environment variable AFFINITY_HTTP__LISTNE: unknown key `http.listne` (did you \
             mean AFFINITY_HTTP__LISTEN?)",
            "environment variable AFFINITY_HTTP__REQUEST_TIMEOUT: `http.request_timeout`: \
             expected a duration such as \"30s\", \"250ms\" or \"2m\" (units ms, s, m, h), \
             found \"30\"",
            "environment variable AFFINITY_KEYSPACES__graph: unknown key `keyspaces.graph` \
             (the keys of [keyspaces] are AFFINITY_KEYSPACES__<name>__PARTITIONS, \
             AFFINITY_KEYSPACES__<name>__REPLICAS)",
            "environment variable AFFINITY_KEYSPACES__graph__SIZE: unknown key \
             `keyspaces.graph.size` (the keys of [keyspaces] are \
             AFFINITY_KEYSPACES__<name>__PARTITIONS, AFFINITY_KEYSPACES__<name>__REPLICAS)",
            "environment variable AFFINITY_LIVE__QUEUE_CAPACITY: `live.queue_capacity`: \
             expected a non-negative integer, found \"lots\"",
            "environment variable AFFINITY_NOPE__X: unknown key `nope.x` (the sections are \
             node, http, live, store, cluster, kafka, zookeeper, keyspaces)",
        ]
    );
}

#[cfg(unix)]
#[test]
fn an_override_that_is_not_utf8_is_an_error() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let env = [(
        OsStr::new("AFFINITY_NODE__ID"),
        OsStr::from_bytes(b"node-\xff"),
    )];
    assert_eq!(
        messages(NodeConfig::from_env_vars(env)),
        [
            "environment variable AFFINITY_NODE__ID: `node.id`: expected valid UTF-8, found \
             bytes that are not UTF-8"
        ]
    );
}

#[test]
fn file_and_environment_problems_are_reported_together() {
    let result = parse(
        "[http]\nlisten = 80\n",
        [("AFFINITY_LIVE__HEARTBEAT", "soon")],
    );
    let error = result.err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(
            "invalid node configuration (2 problems):\n  node.toml:2:10: `http.listen`: \
             expected an IP address and port such as \"127.0.0.1:8080\", found integer 80\n  \
             environment variable AFFINITY_LIVE__HEARTBEAT: `live.heartbeat`: expected a \
             duration such as \"30s\", \"250ms\" or \"2m\" (units ms, s, m, h), found \"soon\""
        )
    );
}

#[test]
fn kafka_mode_from_the_environment_alone_names_what_is_missing() {
    assert_eq!(
        messages(NodeConfig::from_env_vars([(
            "AFFINITY_CLUSTER__MODE",
            "kafka"
        )])),
        [
            "environment variable AFFINITY_CLUSTER__MODE: `kafka.bootstrap_servers`: required \
             when `cluster.mode` is \"kafka\"",
            "environment variable AFFINITY_CLUSTER__MODE: `zookeeper.connect`: required when \
             `cluster.mode` is \"kafka\"",
        ]
    );
    let complete = NodeConfig::from_env_vars([
        ("AFFINITY_CLUSTER__MODE", "kafka"),
        ("AFFINITY_KAFKA__BOOTSTRAP_SERVERS", "localhost:9092"),
        ("AFFINITY_ZOOKEEPER__CONNECT", "localhost:2181"),
    ]);
    assert!(complete.is_ok(), "{complete:?}");
}
