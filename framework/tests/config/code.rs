//! Configurations built in code: fields, `set`, `validate`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use affinity::config::{Acks, NodeConfig, Origin, Problem, StoreBackend};

use crate::support::{TestResult, nz};

#[test]
fn a_configuration_is_built_in_code_and_validated() -> TestResult {
    let mut config = NodeConfig::default();
    config.node.id = "api-1".to_owned();
    config.node.data_dir = Some(PathBuf::from("/srv/affinity"));
    config.http.listen = "0.0.0.0:80".parse()?;
    config.store.backend = StoreBackend::Memory;
    config.set("http.request_timeout", "10s")?;
    config.set("http.cors_origins", "*")?;
    config.set("keyspaces.graph.partitions", "12")?;
    config.set("kafka.acks", "0")?;
    config.validate()?;
    assert_eq!(config.http.request_timeout, Duration::from_secs(10));
    assert_eq!(config.http.cors_origins, ["*"]);
    assert_eq!(config.keyspaces["graph"].partitions, nz(12));
    assert_eq!(config.kafka.acks, Acks::None);
    assert_eq!(config.origin("kafka.acks"), Some(&Origin::Set));
    assert_eq!(config.data_dir(), Path::new("/srv/affinity"));
    Ok(())
}

#[test]
fn set_refuses_unknown_keys_and_wrong_types_and_changes_nothing() {
    let mut config = NodeConfig::default();
    let before = config.clone();
    let cases = [
        (
            "http.listne",
            "0.0.0.0:80",
            "NodeConfig::set: unknown key `http.listne` (did you mean `http.listen`?)",
        ),
        (
            "http",
            "x",
            "NodeConfig::set: unknown key `http` (the keys of [http] are `http.listen`, \
             `http.body_limit`, `http.request_timeout`, `http.cors_origins`)",
        ),
        (
            "live.queue_capacity",
            "-5",
            "NodeConfig::set: `live.queue_capacity`: expected a non-negative integer, found \"-5\"",
        ),
        (
            "keyspaces.graph.partitions",
            "0",
            "NodeConfig::set: `keyspaces.graph.partitions`: expected an integer from 1 to \
             4294967295, found \"0\"",
        ),
        (
            "store.backend",
            "Memory",
            "NodeConfig::set: `store.backend`: expected one of \"rocksdb\", \"memory\", found \
             \"Memory\"",
        ),
    ];
    for (key, value, expected) in cases {
        let error = config.set(key, value).err();
        let issues: Vec<String> = error
            .iter()
            .flat_map(|e| e.issues())
            .map(ToString::to_string)
            .collect();
        assert_eq!(issues, [expected], "set({key:?}, {value:?})");
        assert!(matches!(
            error.as_ref().map(|e| e.issues()[0].problem()),
            Some(Problem::UnknownKey { .. } | Problem::Mismatch { .. })
        ));
    }
    assert_eq!(config, before);
    assert!(config.keyspaces.is_empty());
}

#[test]
fn validating_code_values_names_the_key_without_an_origin() {
    let mut config = NodeConfig::default();
    config.live.queue_capacity = 0;
    config.http.request_timeout = Duration::ZERO;
    config.node.data_dir = Some(PathBuf::new());
    let error = config.validate().err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(
            "invalid node configuration (3 problems):\n  `node.data_dir`: must not be empty\n  \
             `http.request_timeout`: must be greater than zero, found 0s\n  \
             `live.queue_capacity`: must be at least 1, found 0"
        )
    );
}
