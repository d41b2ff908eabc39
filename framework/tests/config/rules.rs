//! Rules beyond the keys' types, and overrides for keyspaces the node does not declare.

use crate::support::{NO_ENV, TestResult, messages, parse};

#[test]
fn every_broken_rule_is_reported_at_the_value_that_breaks_it() {
    let text = r#"[node]
id = "my node"
[http]
body_limit = 0
request_timeout = "0s"
cors_origins = ["example.com", "https://ok.example"]
[live]
queue_capacity = 0
heartbeat = "0ms"
[cluster]
mode = "kafka"
name = "prod.eu"
[zookeeper]
session_timeout = "0s"
[keyspaces."bad.name"]
partitions = 1
"#;
    assert_eq!(
        messages(parse(text, NO_ENV)),
        [
            "node.toml:2:6: `node.id`: must be 1 to 255 of the characters A-Z a-z 0-9 . _ -, \
             found \"my node\"",
            "node.toml:4:14: `http.body_limit`: must be at least 1, found 0",
            "node.toml:5:19: `http.request_timeout`: must be greater than zero, found 0s",
            "node.toml:6:16: `http.cors_origins`: \"example.com\" is not an origin such as \
             \"https://example.com\" or \"http://localhost:3000\", or \"*\"",
            "node.toml:8:18: `live.queue_capacity`: must be at least 1, found 0",
            "node.toml:9:13: `live.heartbeat`: must be greater than zero, found 0s",
            "node.toml:14:19: `zookeeper.session_timeout`: must be greater than zero, found 0s",
            "node.toml:12:8: `cluster.name`: must be 1 to 100 of the characters A-Z a-z 0-9 _ - \
             (it begins the names of the cluster's Kafka topics), found \"prod.eu\"",
            "node.toml:15:12: `keyspaces.bad.name`: a keyspace name must be 1 to 100 of the \
             characters A-Z a-z 0-9 _ -, found \"bad.name\"",
            "node.toml:11:8: `kafka.bootstrap_servers`: required when `cluster.mode` is \"kafka\"",
            "node.toml:11:8: `zookeeper.connect`: required when `cluster.mode` is \"kafka\"",
        ]
    );
}

#[test]
fn malformed_addresses_and_a_shared_wildcard_are_refused() {
    let text = r#"[http]
cors_origins = ["*", "https://a.example"]
[kafka]
bootstrap_servers = "k1:9092,localhost"
[zookeeper]
connect = "zk1:2181/"
"#;
    assert_eq!(
        messages(parse(text, NO_ENV)),
        [
            "node.toml:2:16: `http.cors_origins`: \"*\" allows every origin and cannot be \
             listed with others",
            "node.toml:4:21: `kafka.bootstrap_servers`: \"localhost\" is not a host:port such \
             as \"localhost:9092\"",
            "node.toml:6:11: `zookeeper.connect`: \"zk1:2181/\" is not a connect string such \
             as \"localhost:2181\" or \"zk1:2181,zk2:2181/affinity\"",
        ]
    );
}

#[test]
fn a_cluster_node_on_every_interface_must_say_what_to_advertise() {
    let text = r#"[http]
listen = "0.0.0.0:9000"
[cluster]
mode = "kafka"
peer_listen = "[::]:9001"
[kafka]
bootstrap_servers = "k1:9092"
[zookeeper]
connect = "zk1:2181"
"#;
    assert_eq!(
        messages(parse(text, NO_ENV)),
        [
            "node.toml:2:10: `cluster.advertise_host`: 0.0.0.0:9000 binds every interface, so \
             it names none that other nodes could use: set the host to advertise",
            "node.toml:5:15: `cluster.advertise_host`: [::]:9001 binds every interface, so it \
             names none that other nodes could use: set the host to advertise",
        ]
    );
    let fixed = text.replace(
        "[cluster]\n",
        "[cluster]\nadvertise_host = \"node-1.example\"\n",
    );
    assert!(parse(&fixed, NO_ENV).is_ok(), "{fixed}");
}

#[test]
fn rules_are_not_checked_while_keys_fail_to_load() {
    // kafka mode without brokers would be a rule error, but the mistyped key comes first
    let text = "[cluster]\nmode = \"kafka\"\n[kafka]\nbootstrap_servers = 9092\n";
    assert_eq!(
        messages(parse(text, [("AFFINITY_ZOOKEEPER__CONNECT", "zk:2181")])),
        [
            "node.toml:4:21: `kafka.bootstrap_servers`: expected an array of strings or a \
             comma-separated string, found integer 9092"
        ]
    );
}

#[test]
fn overrides_for_undeclared_keyspaces_are_unknown_keys() -> TestResult {
    let config = parse(
        "[keyspaces.graph]\npartitions = 4\n\n[keyspaces.grpah]\nreplicas = 2\n",
        [("AFFINITY_KEYSPACES__users__PARTITIONS", "2")],
    )?;
    config.check_keyspaces(["graph", "grpah", "users"])?;
    let error = config.check_keyspaces(["graph"]).err();
    let messages: Vec<String> = error
        .iter()
        .flat_map(|e| e.issues())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "node.toml:4:12: unknown key `keyspaces.grpah` (the node's keyspaces are graph)",
            "environment variable AFFINITY_KEYSPACES__users__PARTITIONS: unknown key \
             `keyspaces.users` (the node's keyspaces are graph)",
        ]
    );
    Ok(())
}
