//! The node configuration as data: [`NodeConfig`] and its sections, with their defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use super::origins::Origins;

/// A node's configuration (see the [module docs](super) for every key, its default and how it
/// is loaded).
///
/// Build one in code from [`Default`] and the public fields, or load it from a TOML file and the
/// environment with [`NodeConfig::load`]; check one built in code with
/// [`validate`](NodeConfig::validate).
///
/// ```
/// use std::time::Duration;
/// use affinity::config::{ClusterMode, NodeConfig};
///
/// let mut config = NodeConfig::default();
/// config.http.listen = "0.0.0.0:9000".parse()?;
/// config.http.request_timeout = Duration::from_secs(5);
/// config.set("keyspaces.graph.partitions", "16")?;
/// config.validate()?;
/// assert_eq!(config.cluster.mode, ClusterMode::Embedded);
/// assert_eq!(config.keyspaces["graph"].partitions.map(|p| p.get()), Some(16));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NodeConfig {
    /// `[node]`: this node's identity and data.
    pub node: NodeSection,
    /// `[http]`: the HTTP listener.
    pub http: HttpConfig,
    /// `[live]`: `/live` WebSocket connections.
    pub live: LiveConfig,
    /// `[store]`: where partition state is kept.
    pub store: StoreConfig,
    /// `[cluster]`: alone or in a cluster.
    pub cluster: ClusterConfig,
    /// `[kafka]`: the changelog cluster (used in [`ClusterMode::Kafka`]).
    pub kafka: KafkaConfig,
    /// `[zookeeper]`: the coordinator (used in [`ClusterMode::Kafka`]).
    pub zookeeper: ZookeeperConfig,
    /// `[keyspaces.<name>]`: overrides of the partition and replica counts that the code gives a
    /// keyspace, by keyspace name.
    pub keyspaces: BTreeMap<String, KeyspaceConfig>,
    /// Where each loaded value came from, for error messages.
    pub(crate) origins: Origins,
}

/// `[node]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeSection {
    /// `node.id`: this node's name, unique in its cluster (default `"local"`).
    pub id: String,
    /// `node.data_dir`: where the node keeps its stores and its embedded schema registry;
    /// `None` for the default, see [`NodeConfig::data_dir`].
    pub data_dir: Option<PathBuf>,
}

impl Default for NodeSection {
    fn default() -> Self {
        Self {
            id: "local".to_owned(),
            data_dir: None,
        }
    }
}

/// `[http]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpConfig {
    /// `http.listen`: the address the HTTP listener binds (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// `http.body_limit`: the largest request body accepted, in bytes (default 2 MiB).
    pub body_limit: usize,
    /// `http.request_timeout`: how long a request may take before it is answered with a timeout
    /// (default 30 s).
    pub request_timeout: Duration,
    /// `http.cors_origins`: the origins allowed cross-origin requests (`"*"` for any); empty
    /// (the default) sends no CORS headers.
    pub cors_origins: Vec<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            body_limit: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            cors_origins: Vec::new(),
        }
    }
}

/// `[live]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiveConfig {
    /// `live.queue_capacity`: the most frames queued for one `/live` connection; past it, a
    /// subscription's queued value is replaced by its newer one (coalesced) instead of queueing
    /// behind it (default 256).
    pub queue_capacity: usize,
    /// `live.heartbeat`: how often the server checks that a `/live` connection is alive; a
    /// connection from which nothing (not even a Ping) arrived for two intervals is closed
    /// (default 15 s, the clients' ping interval).
    pub heartbeat: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            queue_capacity: 256,
            heartbeat: Duration::from_secs(15),
        }
    }
}

/// `[store]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StoreConfig {
    /// `store.backend`: the store behind every state (default [`StoreBackend::Rocksdb`]).
    pub backend: StoreBackend,
}

/// `store.backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum StoreBackend {
    /// `"rocksdb"`: RocksDB under the data dir, one database per partition.
    #[default]
    Rocksdb,
    /// `"memory"`: sorted in-memory maps, lost when the node stops (tests, small data, or state
    /// rebuilt from a changelog).
    Memory,
}

/// `[cluster]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterConfig {
    /// `cluster.mode` (default [`ClusterMode::Embedded`]).
    pub mode: ClusterMode,
    /// `cluster.name` (default `"affinity"`): the nodes that share it (and a ZooKeeper) form
    /// one cluster; its znodes are under `/affinity/<name>`, its changelog topics are named
    /// `<name>.<keyspace>-<state>`.
    pub name: String,
    /// `cluster.peer_listen` (default `127.0.0.1:0`, any free port): where the node listens
    /// for the other nodes of its cluster (Kafka mode), which forward it requests for the
    /// partitions it masters. Reachable by the cluster's nodes only: what arrives there runs
    /// handlers directly.
    pub peer_listen: SocketAddr,
    /// `cluster.advertise_host` (default: the address each listener is bound to): the host
    /// other nodes and clients are told to use for this node's HTTP and peer listeners;
    /// required when a listener binds an unspecified address such as `0.0.0.0`.
    pub advertise_host: Option<String>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            mode: ClusterMode::default(),
            name: "affinity".to_owned(),
            peer_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            advertise_host: None,
        }
    }
}

/// `cluster.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ClusterMode {
    /// `"embedded"`: the node runs alone with an in-process coordinator and no changelog; the
    /// store's own log is the durability.
    #[default]
    Embedded,
    /// `"kafka"`: changelogs in Kafka and coordination through ZooKeeper; needs
    /// `kafka.bootstrap_servers` and `zookeeper.connect`.
    Kafka,
}

/// `[kafka]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct KafkaConfig {
    /// `kafka.bootstrap_servers`: `host:port` of some brokers (default none).
    pub bootstrap_servers: Vec<String>,
    /// `kafka.acks`: the acknowledgement a changelog write waits for before the write is
    /// acknowledged to the client (default [`Acks::All`]).
    pub acks: Acks,
}

/// `kafka.acks`, as Kafka producers spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Acks {
    /// `"all"` (or `-1`): every in-sync replica has the write.
    #[default]
    All,
    /// `"1"`: the partition leader has the write.
    Leader,
    /// `"0"`: the write was sent; nothing is awaited.
    None,
}

/// `[zookeeper]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ZookeeperConfig {
    /// `zookeeper.connect`: a ZooKeeper connect string, `host:port[,host:port…][/chroot]`
    /// (default none).
    pub connect: Option<String>,
    /// `zookeeper.session_timeout`: the ZooKeeper session timeout; a node whose session expires
    /// stops serving as a master (default 18 s, as Kafka's).
    pub session_timeout: Duration,
}

impl Default for ZookeeperConfig {
    fn default() -> Self {
        Self {
            connect: None,
            session_timeout: Duration::from_secs(18),
        }
    }
}

/// `[keyspaces.<name>]`: what the configuration changes about one keyspace; `None` keeps the
/// value the code gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct KeyspaceConfig {
    /// `keyspaces.<name>.partitions`.
    pub partitions: Option<NonZeroU32>,
    /// `keyspaces.<name>.replicas`.
    pub replicas: Option<NonZeroU32>,
}

impl StoreBackend {
    /// The configuration spelling: `"rocksdb"` or `"memory"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StoreBackend::Rocksdb => "rocksdb",
            StoreBackend::Memory => "memory",
        }
    }
}

impl ClusterMode {
    /// The configuration spelling: `"embedded"` or `"kafka"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterMode::Embedded => "embedded",
            ClusterMode::Kafka => "kafka",
        }
    }
}

impl Acks {
    /// The configuration (and Kafka producer) spelling: `"all"`, `"1"` or `"0"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::All => "all",
            Acks::Leader => "1",
            Acks::None => "0",
        }
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(StoreBackend, ClusterMode, Acks);

impl NodeConfig {
    /// The data directory: `node.data_dir` if set, otherwise `affinity/<node.id>` under the
    /// system's temporary directory ([`std::env::temp_dir`]), which survives a restart of the
    /// node but not necessarily of the machine. Set `node.data_dir` for data that must last.
    #[must_use]
    pub fn data_dir(&self) -> PathBuf {
        match &self.node.data_dir {
            Some(dir) => dir.clone(),
            None => std::env::temp_dir().join("affinity").join(&self.node.id),
        }
    }

    /// The overrides for keyspace `name`, if the configuration has any.
    #[must_use]
    pub fn keyspace(&self, name: &str) -> Option<&KeyspaceConfig> {
        self.keyspaces.get(name)
    }

    /// Where the value of `key` (a dotted path such as `http.listen`) came from, if it was
    /// loaded from a file or the environment or [`set`](Self::set); `None` for defaults and
    /// fields assigned in code.
    #[must_use]
    pub fn origin(&self, key: &str) -> Option<&super::Origin> {
        self.origins.get(key)
    }
}
