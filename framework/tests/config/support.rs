//! Helpers shared by the configuration tests.

use std::num::NonZeroU32;
use std::path::PathBuf;

use affinity::config::{ConfigError, NodeConfig};

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

pub(crate) const NO_ENV: [(&str, &str); 0] = [];

/// Writes `text` to `node.toml` in a fresh temporary directory.
pub(crate) fn write_config(text: &str) -> Result<(tempfile::TempDir, PathBuf), std::io::Error> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("node.toml");
    std::fs::write(&path, text)?;
    Ok((dir, path))
}

/// The messages of the issues in `result`'s error (a message saying so if it loaded, which
/// then differs from any expected list).
pub(crate) fn messages(result: Result<NodeConfig, ConfigError>) -> Vec<String> {
    match result {
        Ok(config) => vec![format!("unexpectedly loaded: {config:?}")],
        Err(error) => {
            assert!(
                !error.issues().is_empty(),
                "expected key issues, got: {error}"
            );
            error.issues().iter().map(ToString::to_string).collect()
        }
    }
}

/// Loads `text` as the file `node.toml` (named so in messages) with `env`.
pub(crate) fn parse<const N: usize>(
    text: &str,
    env: [(&str, &str); N],
) -> Result<NodeConfig, ConfigError> {
    NodeConfig::from_toml_str(text, "node.toml", env)
}

pub(crate) fn nz(n: u32) -> Option<NonZeroU32> {
    NonZeroU32::new(n)
}

/// A file that sets every key to something other than its default.
pub(crate) const FULL: &str = r#"
[node]
id = "node-2"
data_dir = "data/node-2"

[http]
listen = "0.0.0.0:9000"
body_limit = "16MiB"
request_timeout = "1m30s"
cors_origins = ["https://app.example.com", "http://localhost:3000"]

[live]
queue_capacity = 64
heartbeat = "5s"

[store]
backend = "memory"

[cluster]
mode = "kafka"
name = "prod"
peer_listen = "0.0.0.0:9001"
advertise_host = "node-2.example.com"

[kafka]
bootstrap_servers = ["k1:9092", "k2:9092"]
acks = "1"

[zookeeper]
connect = "zk1:2181,zk2:2181/affinity"
session_timeout = "6s"

[keyspaces.graph]
partitions = 16
replicas = 3

[keyspaces.sessions]
replicas = 2
"#;
