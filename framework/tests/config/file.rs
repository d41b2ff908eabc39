//! Loading files: defaults, every key, unknown keys, wrong types, TOML errors.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use affinity::config::{
    Acks, ClusterMode, ConfigError, KeyspaceConfig, NodeConfig, Origin, StoreBackend,
};

use crate::support::{FULL, NO_ENV, TestResult, messages, nz, parse, write_config};

#[test]
fn an_empty_file_gives_the_documented_defaults() -> TestResult {
    let (_dir, path) = write_config("")?;
    let config = NodeConfig::load_with_env(&path, NO_ENV)?;
    assert_eq!(config, NodeConfig::default());

    assert_eq!(config.node.id, "local");
    assert_eq!(config.node.data_dir, None);
    assert_eq!(
        config.data_dir(),
        std::env::temp_dir().join("affinity").join("local")
    );
    assert_eq!(config.http.listen, "127.0.0.1:8080".parse::<SocketAddr>()?);
    assert_eq!(config.http.body_limit, 2 * 1024 * 1024);
    assert_eq!(config.http.request_timeout, Duration::from_secs(30));
    assert!(config.http.cors_origins.is_empty());
    assert_eq!(config.live.queue_capacity, 256);
    assert_eq!(config.live.heartbeat, Duration::from_secs(15));
    assert_eq!(config.store.backend, StoreBackend::Rocksdb);
    assert_eq!(config.cluster.mode, ClusterMode::Embedded);
    assert!(config.kafka.bootstrap_servers.is_empty());
    assert_eq!(config.kafka.acks, Acks::All);
    assert_eq!(config.zookeeper.connect, None);
    assert_eq!(config.zookeeper.session_timeout, Duration::from_secs(18));
    assert!(config.keyspaces.is_empty());
    assert_eq!(config.origin("http.listen"), None);
    Ok(())
}

#[test]
fn the_defaults_are_valid_and_need_no_file() -> TestResult {
    NodeConfig::default().validate()?;
    assert_eq!(NodeConfig::from_env_vars(NO_ENV)?, NodeConfig::default());
    Ok(())
}

#[test]
fn a_full_file_sets_every_key() -> TestResult {
    let (dir, path) = write_config(FULL)?;
    let config = NodeConfig::load_with_env(&path, NO_ENV)?;

    assert_eq!(config.node.id, "node-2");
    // relative to the file's directory
    assert_eq!(config.node.data_dir, Some(dir.path().join("data/node-2")));
    assert_eq!(config.data_dir(), dir.path().join("data/node-2"));
    assert_eq!(config.http.listen, "0.0.0.0:9000".parse::<SocketAddr>()?);
    assert_eq!(config.http.body_limit, 16 << 20);
    assert_eq!(config.http.request_timeout, Duration::from_secs(90));
    assert_eq!(
        config.http.cors_origins,
        ["https://app.example.com", "http://localhost:3000"]
    );
    assert_eq!(config.live.queue_capacity, 64);
    assert_eq!(config.live.heartbeat, Duration::from_secs(5));
    assert_eq!(config.store.backend, StoreBackend::Memory);
    assert_eq!(config.cluster.mode, ClusterMode::Kafka);
    assert_eq!(config.cluster.name, "prod");
    assert_eq!(
        config.cluster.peer_listen,
        "0.0.0.0:9001".parse::<SocketAddr>()?
    );
    assert_eq!(
        config.cluster.advertise_host.as_deref(),
        Some("node-2.example.com")
    );
    assert_eq!(config.kafka.bootstrap_servers, ["k1:9092", "k2:9092"]);
    assert_eq!(config.kafka.acks, Acks::Leader);
    assert_eq!(
        config.zookeeper.connect.as_deref(),
        Some("zk1:2181,zk2:2181/affinity")
    );
    assert_eq!(config.zookeeper.session_timeout, Duration::from_secs(6));
    let graph = config.keyspace("graph").copied().unwrap_or_default();
    assert_eq!((graph.partitions, graph.replicas), (nz(16), nz(3)));
    let sessions = config.keyspace("sessions").copied().unwrap_or_default();
    assert_eq!((sessions.partitions, sessions.replicas), (None, nz(2)));
    assert_eq!(config.keyspaces.len(), 2);

    // where each value came from
    assert_eq!(
        config.origin("http.listen"),
        Some(&Origin::File {
            path: path.clone(),
            line: 7,
            column: 10
        })
    );
    assert_eq!(
        config.origin("keyspaces.graph.partitions"),
        Some(&Origin::File {
            path,
            line: 34,
            column: 14
        })
    );
    Ok(())
}

#[test]
fn an_absolute_data_dir_is_kept_and_the_default_follows_the_node_id() -> TestResult {
    let config = parse("[node]\ndata_dir = \"/var/lib/affinity\"\n", NO_ENV)?;
    assert_eq!(config.data_dir(), Path::new("/var/lib/affinity"));
    let config = parse("[node]\nid = \"n7\"\n", NO_ENV)?;
    assert_eq!(
        config.data_dir(),
        std::env::temp_dir().join("affinity").join("n7")
    );
    Ok(())
}

#[test]
fn dotted_keys_and_inline_tables_are_the_same_keys() -> TestResult {
    let config = parse(
        "http.listen = \"127.0.0.1:1\"\nkeyspaces = { graph = { partitions = 2 } }\n",
        NO_ENV,
    )?;
    assert_eq!(config.http.listen.port(), 1);
    assert_eq!(config.keyspaces["graph"].partitions, nz(2));
    Ok(())
}

#[test]
fn an_empty_keyspace_table_is_an_override_of_nothing() -> TestResult {
    let config = parse("[keyspaces.graph]\n", NO_ENV)?;
    assert_eq!(config.keyspace("graph"), Some(&KeyspaceConfig::default()));
    Ok(())
}

#[test]
fn unknown_keys_at_every_level_are_each_reported_with_their_place() {
    let text = r#"listen = "0.0.0.0:80"

[htp]
listen = "0.0.0.0:80"

[http]
listne = "0.0.0.0:80"
port = 80

[http.tls]
cert = "x"

[keyspaces.graph]
partition = 8
"#;
    assert_eq!(
        messages(parse(text, NO_ENV)),
        [
            "node.toml:1:1: unknown key `listen` (the sections are node, http, live, store, \
             cluster, kafka, zookeeper, keyspaces)",
            "node.toml:3:2: unknown key `htp` (did you mean `http`?)",
            "node.toml:7:1: unknown key `http.listne` (did you mean `http.listen`?)",
            "node.toml:8:1: unknown key `http.port` (the keys of [http] are `http.listen`, \
             `http.body_limit`, `http.request_timeout`, `http.cors_origins`)",
            "node.toml:10:7: unknown key `http.tls` (the keys of [http] are `http.listen`, \
             `http.body_limit`, `http.request_timeout`, `http.cors_origins`)",
            "node.toml:14:1: unknown key `keyspaces.graph.partition` (did you mean \
             `keyspaces.graph.partitions`?)",
        ]
    );
}

#[test]
fn a_section_or_keyspace_that_is_not_a_table_is_reported() {
    assert_eq!(
        messages(parse("http = 5\nkeyspaces = { graph = 8 }\n", NO_ENV)),
        [
            "node.toml:1:8: `http`: expected a table, found integer 5",
            "node.toml:2:23: `keyspaces.graph`: expected a table, found integer 8",
        ]
    );
}

#[test]
fn every_key_of_the_wrong_type_is_reported_and_nothing_loads() {
    let text = r#"[node]
id = 5
data_dir = ""
[http]
listen = 9000
body_limit = "lots"
request_timeout = 30
cors_origins = ["https://a.example", 1]
[live]
queue_capacity = -1
heartbeat = "15"
[store]
backend = "rocks"
[cluster]
mode = true
[kafka]
bootstrap_servers = 9092
acks = 2
[zookeeper]
connect = 2181
session_timeout = 1.5
[keyspaces.graph]
partitions = 0
replicas = "two"
"#;
    assert_eq!(
        messages(parse(text, NO_ENV)),
        [
            "node.toml:2:6: `node.id`: expected a string, found integer 5",
            "node.toml:3:12: `node.data_dir`: expected a path (a non-empty string), found string \"\"",
            "node.toml:5:10: `http.listen`: expected an IP address and port such as \
             \"127.0.0.1:8080\", found integer 9000",
            "node.toml:6:14: `http.body_limit`: expected a size such as 1048576 or \"1MiB\" \
             (units B, KB, MB, GB, KiB, MiB, GiB), found string \"lots\"",
            "node.toml:7:19: `http.request_timeout`: expected a duration such as \"30s\", \
             \"250ms\" or \"2m\" (units ms, s, m, h), found integer 30",
            "node.toml:8:16: `http.cors_origins`: expected an array of strings or a \
             comma-separated string, found an array containing integer 1",
            "node.toml:10:18: `live.queue_capacity`: expected a non-negative integer, found \
             integer -1",
            "node.toml:11:13: `live.heartbeat`: expected a duration such as \"30s\", \"250ms\" \
             or \"2m\" (units ms, s, m, h), found string \"15\"",
            "node.toml:13:11: `store.backend`: expected one of \"rocksdb\", \"memory\", found \
             string \"rocks\"",
            "node.toml:15:8: `cluster.mode`: expected one of \"embedded\", \"kafka\", found \
             boolean true",
            "node.toml:17:21: `kafka.bootstrap_servers`: expected an array of strings or a \
             comma-separated string, found integer 9092",
            "node.toml:18:8: `kafka.acks`: expected one of \"all\", \"1\", \"0\", found integer 2",
            "node.toml:20:11: `zookeeper.connect`: expected a string, found integer 2181",
            "node.toml:21:19: `zookeeper.session_timeout`: expected a duration such as \"30s\", \
             \"250ms\" or \"2m\" (units ms, s, m, h), found float 1.5",
            "node.toml:23:14: `keyspaces.graph.partitions`: expected an integer from 1 to \
             4294967295, found integer 0",
            "node.toml:24:12: `keyspaces.graph.replicas`: expected an integer from 1 to \
             4294967295, found string \"two\"",
        ]
    );
}

#[test]
fn acks_take_kafkas_spellings_as_strings_or_integers() -> TestResult {
    for (value, acks) in [
        ("\"all\"", Acks::All),
        ("\"-1\"", Acks::All),
        ("-1", Acks::All),
        ("\"1\"", Acks::Leader),
        ("1", Acks::Leader),
        ("\"0\"", Acks::None),
        ("0", Acks::None),
    ] {
        let config = parse(&format!("[kafka]\nacks = {value}\n"), NO_ENV)?;
        assert_eq!(config.kafka.acks, acks, "acks = {value}");
    }
    assert_eq!(
        messages(parse("[kafka]\nacks = \"ALL\"\n", NO_ENV)),
        [
            "node.toml:2:8: `kafka.acks`: expected one of \"all\", \"1\", \"0\", found string \"ALL\""
        ]
    );
    Ok(())
}

#[test]
fn byte_sizes_and_lists_take_both_forms() -> TestResult {
    let config = parse(
        "[http]\nbody_limit = 1000\ncors_origins = \"https://a.example, https://b.example\"\n",
        NO_ENV,
    )?;
    assert_eq!(config.http.body_limit, 1000);
    assert_eq!(
        config.http.cors_origins,
        ["https://a.example", "https://b.example"]
    );
    let config = parse("[http]\nbody_limit = \"512 KiB\"\n", NO_ENV)?;
    assert_eq!(config.http.body_limit, 512 * 1024);
    Ok(())
}

#[test]
fn a_file_that_is_not_toml_is_a_syntax_error_at_its_place() {
    let cases = [
        (
            "[http]\nlisten = \"0.0.0.0:80\nbody_limit = 1\n",
            (2, 21),
            "node.toml:2:21: invalid TOML: invalid basic string, expected `\"`",
        ),
        (
            "[http]\nlisten = \"0.0.0.0:80\"\nlisten = \"0.0.0.0:81\"\n",
            (3, 1),
            "node.toml:3:1: invalid TOML: duplicate key",
        ),
        (
            "[http\n",
            (1, 6),
            "node.toml:1:6: invalid TOML: unclosed table, expected `]`",
        ),
    ];
    for (text, position, message) in cases {
        match parse(text, NO_ENV) {
            Err(error @ ConfigError::Syntax { .. }) => {
                assert_eq!(error.to_string(), message);
                let ConfigError::Syntax {
                    path, line, column, ..
                } = error
                else {
                    unreachable!()
                };
                assert_eq!(path, Path::new("node.toml"));
                assert_eq!((line, column), position);
            }
            other => panic!("expected a syntax error for {text:?}, got {other:?}"),
        }
    }
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("absent.toml");
    match NodeConfig::load_with_env(&path, NO_ENV) {
        Err(error @ ConfigError::Read { .. }) => {
            let message = error.to_string();
            let expected = format!("cannot read the configuration file {}: ", path.display());
            assert!(message.starts_with(&expected), "{message}");
        }
        other => panic!("expected a read error, got {other:?}"),
    }
    Ok(())
}
