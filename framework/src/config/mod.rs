//! A node's configuration: [`NodeConfig`], from a TOML file, environment overrides and code.
//!
//! A node runs with no file at all: [`NodeConfig::default()`] is a single node serving
//! `127.0.0.1:8080` with RocksDB under a temporary directory. A file and the environment only
//! change what they name. Sources apply in this order, later ones winning:
//!
//! 1. the defaults below;
//! 2. the TOML file ([`NodeConfig::load`], [`NodeConfig::from_toml_str`]);
//! 3. environment overrides ([`NodeConfig::load`] and [`NodeConfig::from_env`] read the process
//!    environment; [`load_with_env`](NodeConfig::load_with_env) and
//!    [`from_env_vars`](NodeConfig::from_env_vars) take the variables as an argument);
//! 4. code: assign the public fields or call [`NodeConfig::set`], then
//!    [`NodeConfig::validate`].
//!
//! Every key is checked. An unknown key, a value of the wrong type and a broken rule are each a
//! [`ConfigIssue`] naming the key as a dotted path and where the value came from (file, line and
//! column, or the environment variable); loading reports all of them at once in
//! [`ConfigError::Invalid`] and returns no configuration. For example:
//!
//! ```text
//! invalid node configuration (2 problems):
//!   node.toml:3:1: unknown key `http.listne` (did you mean `http.listen`?)
//!   environment variable AFFINITY_HTTP__REQUEST_TIMEOUT: `http.request_timeout`: expected a duration such as "30s", "250ms" or "2m" (units ms, s, m, h), found "30"
//! ```
//!
//! # Keys
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `node.id` | name | `"local"` | this node's name, unique in its cluster: 1–255 of `A-Z a-z 0-9 . _ -` |
//! | `node.data_dir` | path | `<temp>/affinity/<node.id>` | stores and the embedded schema registry; see [`NodeConfig::data_dir`] |
//! | `http.listen` | socket address | `"127.0.0.1:8080"` | where the HTTP listener binds |
//! | `http.body_limit` | byte size | `"2MiB"` | the largest request body accepted |
//! | `http.request_timeout` | duration | `"30s"` | how long a request may take |
//! | `http.cors_origins` | list of origins | `[]` (no CORS headers) | origins allowed cross-origin requests, such as `"https://example.com"`, or `["*"]` for any |
//! | `live.queue_capacity` | integer ≥ 1 | `256` | frames queued per `/live` connection before values are coalesced |
//! | `live.heartbeat` | duration | `"15s"` | `/live` liveness check; a connection silent for two intervals is closed |
//! | `store.backend` | `"rocksdb"` \| `"memory"` | `"rocksdb"` | the store behind every state |
//! | `cluster.mode` | `"embedded"` \| `"kafka"` | `"embedded"` | alone (no changelog) or with Kafka and ZooKeeper |
//! | `cluster.name` | string | `"affinity"` | nodes with the same name (and ZooKeeper) form one cluster; 1 to 100 of `A-Z a-z 0-9 _ -`; begins the names of its Kafka topics (`<cluster>.<keyspace>-<state>`) |
//! | `cluster.peer_listen` | socket address | `"127.0.0.1:0"` | where the node listens for the other nodes of its cluster (port 0: any free one); keep it reachable by them only |
//! | `cluster.advertise_host` | string | the bound address | the host other nodes and clients use for this node's listeners; required when one binds `0.0.0.0` or `::` |
//! | `kafka.bootstrap_servers` | list of `host:port` | `[]` | brokers; required in `"kafka"` mode |
//! | `kafka.acks` | `"all"` \| `"1"` \| `"0"` | `"all"` | what a changelog write waits for (`-1` means `"all"`; integers are accepted too) |
//! | `zookeeper.connect` | connect string | none | `host:port[,host:port…][/chroot]`; required in `"kafka"` mode |
//! | `zookeeper.session_timeout` | duration | `"18s"` | the ZooKeeper session timeout |
//! | `keyspaces.<name>.partitions` | integer ≥ 1 | the code's | overrides the keyspace's partition count |
//! | `keyspaces.<name>.replicas` | integer ≥ 1 | the code's | overrides the keyspace's replica count |
//!
//! Types:
//! - **duration**: a string of one or more `<integer><unit>` parts, units `ms`, `s`, `m`, `h`:
//!   `"250ms"`, `"30s"`, `"2m"`, `"1h30m"`. A bare number is refused (its unit would be a guess).
//!   Durations must be greater than zero.
//! - **byte size**: an integer number of bytes, or a string `<integer>[ ]<unit>` with units `B`,
//!   `KB`, `MB`, `GB` (powers of 1000) or `KiB`, `MiB`, `GiB` (powers of 1024). At least 1.
//! - **list**: an array of strings, or one string of comma-separated items (items are trimmed
//!   and empty ones dropped, so `""` is the empty list).
//! - **path**: a string; a relative path in a file is relative to the file's directory, one from
//!   the environment or code to the working directory.
//! - **keyspace names** (`<name>`): 1–100 of `A-Z a-z 0-9 _ -` (no `.`, so that a dotted key
//!   names one keyspace); matched exactly, case included. [`NodeConfig::check_keyspaces`]
//!   reports overrides for keyspaces the node does not declare.
//!
//! Rules between keys: `cluster.mode = "kafka"` requires `kafka.bootstrap_servers` and
//! `zookeeper.connect`; `"*"` in `http.cors_origins` must be alone.
//!
//! # Environment overrides
//!
//! A variable `AFFINITY_<SECTION>__<KEY>` overrides `<section>.<key>`: the prefix `AFFINITY_`
//! (upper case), then the section and the key separated by a **double** underscore (single
//! underscores belong to key names). Section and key are matched without regard to case and are
//! written upper case by convention; a keyspace override is
//! `AFFINITY_KEYSPACES__<name>__<KEY>`, with the keyspace's name exactly as in the code.
//!
//! ```text
//! AFFINITY_HTTP__LISTEN=0.0.0.0:80
//! AFFINITY_HTTP__BODY_LIMIT=16MiB
//! AFFINITY_HTTP__CORS_ORIGINS=https://a.example,https://b.example
//! AFFINITY_CLUSTER__MODE=kafka
//! AFFINITY_KEYSPACES__graph__PARTITIONS=16
//! ```
//!
//! Values are text, read per the key's type as above (integers in decimal, lists
//! comma-separated). A variable with a `__` after the prefix that names no key is an error, and
//! so is one that starts with a section and a single underscore (`AFFINITY_HTTP_LISTEN`, a
//! likely typo). Other `AFFINITY_` variables without `__` (such as `AFFINITY_BLESS`, used by the
//! project's tests) are not overrides and are ignored.
//!
//! # Example
//!
//! ```
//! use affinity::config::{ClusterMode, NodeConfig};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("node.toml");
//! std::fs::write(&path, r#"
//!     [node]
//!     id = "node-1"
//!     data_dir = "data"
//!
//!     [http]
//!     listen = "0.0.0.0:8080"
//!     cors_origins = ["https://app.example.com"]
//!
//!     [keyspaces.graph]
//!     partitions = 16
//! "#)?;
//! let env = [("AFFINITY_HTTP__BODY_LIMIT", "8MiB"), ("PATH", "/usr/bin")];
//! let config = NodeConfig::load_with_env(&path, env)?;
//! assert_eq!(config.node.id, "node-1");
//! assert_eq!(config.data_dir(), dir.path().join("data"));
//! assert_eq!(config.http.body_limit, 8 << 20);
//! assert_eq!(config.cluster.mode, ClusterMode::Embedded);
//! assert_eq!(config.keyspace("graph").and_then(|k| k.partitions).map(|p| p.get()), Some(16));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod env;
mod error;
mod file;
mod keys;
mod load;
mod model;
mod origins;
mod units;
mod validate;
mod value;

pub use error::{ConfigError, ConfigIssue, Origin, Problem};
pub use model::{
    Acks, ClusterConfig, ClusterMode, HttpConfig, KafkaConfig, KeyspaceConfig, LiveConfig,
    NodeConfig, NodeSection, StoreBackend, StoreConfig, ZookeeperConfig,
};
