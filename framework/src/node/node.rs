//! [`Node`]: one Affinity process — its keyspaces, its HTTP surface and its lifecycle.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use affinity_avro::{Compatibility, MemoryRegistry, SchemaId, SchemaRegistry};
use axum::{Extension, Router};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::cluster_route::cluster_routes;
use super::running::Started;
use super::{NodeError, RunningNode};
use crate::changelog::Clients;
use crate::config::{ClusterMode, NodeConfig, StoreBackend};
use crate::coordinator::{Coordinator, Member, MemberId, ZookeeperConfig, ZookeeperCoordinator};
use crate::gateway::{Gateway, GatewayLayers, Readiness, ops_routes};
use crate::keyspace::start::{ClusterEnv, StartEnv, StartKeyspace};
use crate::keyspace::{Keyspace, Keyspaces};
use crate::live::{LiveContext, LiveLimits, LiveMetrics};
use crate::metrics::{HttpMetrics, Metrics};
use crate::partition::Handler;
use crate::peer::{PeerMetrics, PeerServer, Peers};
use crate::registry::{FileRegistry, REGISTRY_DIR, ZookeeperRegistry, schema_routes};

/// A node: keyspaces, an HTTP router, a configuration (DESIGN.md §3).
///
/// ```no_run
/// use affinity::keyspace::Keyspace;
/// use affinity::node::Node;
/// use axum::Router;
///
/// # async fn run() -> Result<(), affinity::node::NodeError> {
/// let kv = Keyspace::new("kv").partitions(4).state::<String, String>("entries");
/// Node::from_config("node.toml")?
///     .keyspace(kv)
///     .router(Router::new())
///     .run()
///     .await
/// # }
/// ```
///
/// [`run`](Self::run) serves until SIGINT or SIGTERM, then shuts down gracefully: it stops
/// accepting connections, lets in-flight requests finish, closes live connections, lets every
/// partition finish the messages it accepted and closes the stores. [`start`](Self::start)
/// does the same in the background and returns a [`RunningNode`] (tests, embedding).
pub struct Node {
    config: NodeConfig,
    keyspaces: Vec<Box<dyn StartKeyspace>>,
    router: Router,
    registry: Option<Arc<dyn SchemaRegistry>>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.keyspaces.iter().map(|k| k.name()).collect();
        f.debug_struct("Node")
            .field("config", &self.config)
            .field("keyspaces", &names)
            .finish_non_exhaustive()
    }
}

impl Node {
    /// A node with `config`.
    pub fn new(config: NodeConfig) -> Self {
        Node {
            config,
            keyspaces: Vec::new(),
            router: Router::new(),
            registry: None,
        }
    }

    /// A node configured by the TOML file at `path` and the `AFFINITY_*` environment variables
    /// (see [`config`](crate::config)).
    pub fn from_config(path: impl AsRef<Path>) -> Result<Self, NodeError> {
        Ok(Node::new(NodeConfig::load(path)?))
    }

    /// The configuration.
    pub fn config(&self) -> &NodeConfig {
        &self.config
    }

    /// Adds a keyspace.
    #[must_use]
    pub fn keyspace<H: Handler>(mut self, keyspace: Keyspace<H>) -> Self {
        self.keyspaces.push(Box::new(keyspace));
        self
    }

    /// Merges the application's routes into the node's (which add `/live`, `/schemas`,
    /// `/health`, `/ready`, `/metrics` and `/cluster`).
    #[must_use]
    pub fn router(mut self, router: Router) -> Self {
        self.router = self.router.merge(router);
        self
    }

    /// Uses `registry` for schemas instead of the node's own: a file in the data dir (memory
    /// for a memory-backed node) on its own, the cluster's registry on ZooKeeper in Kafka mode
    /// (`/affinity/<cluster.name>/schemas`, so every node gives a schema the same id).
    #[must_use]
    pub fn registry(mut self, registry: Arc<dyn SchemaRegistry>) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    ///
    /// In Kafka mode it also stops — gracefully, and then with
    /// [`CoordinatorError::SessionLost`](crate::coordinator::CoordinatorError::SessionLost) —
    /// when its ZooKeeper session expires (the process was paused, or cut off from ZooKeeper,
    /// for longer than the session timeout). Its masterships have passed to other replicas
    /// by then and its membership is gone, so it must rejoin as a new member: a supervisor
    /// (systemd, Kubernetes) restarts it, and it resumes from its stores' checkpoints. This is
    /// how HBase's region servers treat an expired session, and simpler to get right than a
    /// node that rebuilds every watch and replica in place.
    pub async fn run(self) -> Result<(), NodeError> {
        let running = self.start().await?;
        tokio::select! {
            signal = super::signal::shutdown_signal() => {
                signal?;
                tracing::info!("shutdown signal received");
                running.shutdown().await
            }
            () = running.session_expired() => {
                tracing::error!("the cluster session expired: this node has lost its masterships and its membership; stopping (restart it to rejoin)");
                if let Err(error) = running.shutdown().await {
                    tracing::warn!(%error, "shutting down after the session expired");
                }
                Err(NodeError::Cluster(crate::coordinator::CoordinatorError::SessionLost(
                    "the ZooKeeper session expired; restart the node to rejoin".into(),
                )))
            }
        }
    }

    /// Starts the keyspaces and the HTTP listener and returns the running node.
    pub async fn start(self) -> Result<RunningNode, NodeError> {
        let config = self.config;
        config.validate()?;
        config.check_keyspaces(self.keyspaces.iter().map(|k| k.name()))?;
        let data_dir = config.data_dir();
        let registry = match self.registry {
            Some(registry) => registry,
            None if config.cluster.mode == ClusterMode::Kafka => cluster_registry(&config).await?,
            None => default_registry(&config)?,
        };
        // Bound before joining a cluster, so the node advertises the addresses it really has.
        let http = bind(config.http.listen).await?;
        let stop = CancellationToken::new();
        let tracker = TaskTracker::new();
        let (cluster, peer_listener) = match config.cluster.mode {
            ClusterMode::Kafka => {
                let peer_listener = bind(config.cluster.peer_listen).await?;
                let member = Member::new(
                    MemberId::new(config.node.id.clone())?,
                    advertised(&config, local_addr(&http, config.http.listen)?),
                    advertised(
                        &config,
                        local_addr(&peer_listener, config.cluster.peer_listen)?,
                    ),
                );
                let coordinator = join_cluster(&config, member.clone()).await?;
                let peers = Peers::new(
                    member.id,
                    config.cluster.name.clone(),
                    stop.child_token(),
                    tracker.clone(),
                );
                let cluster = ClusterEnv {
                    clients: Clients::new(&config.kafka, &config.cluster.name, &config.node.id),
                    coordinator,
                    peers,
                };
                (Some(cluster), Some(peer_listener))
            }
            _ => (None, None),
        };
        let coordinator = cluster.as_ref().map(|c| c.coordinator.clone());
        let mut keyspaces = Keyspaces::default();
        let mut schema_ids = Vec::new();
        for keyspace in self.keyspaces {
            let name = keyspace.name().to_owned();
            let env = StartEnv {
                data_dir: &data_dir,
                cluster: cluster.as_ref(),
                backend: config.store.backend,
                registry: registry.as_ref(),
                overrides: config.keyspace(&name),
                stop: stop.child_token(),
                tracker: tracker.clone(),
            };
            let started = keyspace.start(&env).await;
            let started = match started {
                Ok(started) => started,
                Err(e) => {
                    stop.cancel();
                    tracker.close();
                    tracker.wait().await;
                    if let Some(coordinator) = &coordinator {
                        coordinator.shutdown().await;
                    }
                    return Err(e.into());
                }
            };
            schema_ids.extend(started.schema_ids.iter().copied());
            keyspaces
                .add(started)
                .map_err(NodeError::DuplicateKeyspace)?;
        }
        let keyspaces = Arc::new(keyspaces);
        let metrics = Metrics::new();
        if let (Some(listener), Some(cluster)) = (peer_listener, &cluster) {
            let server = Arc::new(PeerServer {
                cluster: config.cluster.name.clone(),
                local: cluster.coordinator.local().id.to_string(),
                keyspaces: keyspaces.clone(),
                metrics: PeerMetrics::register(&metrics)?,
            });
            tracker.spawn(server.run(listener, stop.child_token(), tracker.clone()));
        }
        let gateway = Gateway::with_registry(registry.clone());
        for (schema, id) in schema_ids {
            gateway.set_schema_id(schema, SchemaId(id));
        }
        let readiness = Readiness::new();
        let http_stop = CancellationToken::new();
        let live = Arc::new(LiveContext {
            keyspaces: keyspaces.clone(),
            limits: LiveLimits::new(&config.live),
            metrics: LiveMetrics::register(&metrics)?,
            stop: http_stop.child_token(),
        });
        let app = self
            .router
            .merge(crate::live::routes(live))
            .nest("/schemas", schema_routes(registry.clone()))
            .merge(ops_routes(readiness.clone(), metrics.clone()))
            .merge(cluster_routes(
                keyspaces.clone(),
                config.node.id.clone(),
                match config.cluster.mode {
                    ClusterMode::Kafka => "kafka",
                    _ => "embedded",
                },
            ))
            .layer(Extension(keyspaces.clone()));
        // Last, so the layers wrap every route (and see the matched route pattern).
        let app = GatewayLayers::new(&config.http)
            .gateway(gateway)
            .metrics(HttpMetrics::register(&metrics)?)
            .apply(app);
        let started = Started {
            keyspaces,
            registry,
            readiness,
            http_stop,
            partitions_stop: stop,
            tracker,
            coordinator,
        };
        RunningNode::serve(http, app, started)
    }
}

/// Joins the cluster through ZooKeeper (Kafka mode) as `member`.
async fn join_cluster(
    config: &NodeConfig,
    member: Member,
) -> Result<Arc<dyn Coordinator>, NodeError> {
    let coordinator = ZookeeperCoordinator::connect(&zookeeper(config), member).await?;
    Ok(Arc::new(coordinator))
}

/// The node's ZooKeeper settings (Kafka mode).
fn zookeeper(config: &NodeConfig) -> ZookeeperConfig {
    let connect = config.zookeeper.connect.clone().unwrap_or_default();
    ZookeeperConfig::new(connect, config.cluster.name.clone())
        .with_session_timeout(config.zookeeper.session_timeout)
}

/// Binds a listener.
async fn bind(addr: SocketAddr) -> Result<TcpListener, NodeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| NodeError::Bind { addr, source })
}

/// The address `listener` (bound to `asked`) is bound to.
fn local_addr(listener: &TcpListener, asked: SocketAddr) -> Result<SocketAddr, NodeError> {
    listener.local_addr().map_err(|source| NodeError::Bind {
        addr: asked,
        source,
    })
}

/// How other nodes and clients reach `bound`: `cluster.advertise_host` with its port, or the
/// bound address itself (the configuration's validation refuses an unspecified one).
fn advertised(config: &NodeConfig, bound: SocketAddr) -> String {
    match &config.cluster.advertise_host {
        Some(host) if host.contains(':') && !host.starts_with('[') => {
            format!("[{host}]:{}", bound.port())
        }
        Some(host) => format!("{host}:{}", bound.port()),
        None => bound.to_string(),
    }
}

/// The registry of a cluster: a [`ZookeeperRegistry`] under `/affinity/<cluster>/schemas`, so
/// every node gives a schema the same id (ids are written into the changelogs with every key
/// and value, and read by the other nodes and by outside consumers).
async fn cluster_registry(config: &NodeConfig) -> Result<Arc<dyn SchemaRegistry>, NodeError> {
    let zookeeper = zookeeper(config);
    let client = zookeeper.connect_client().await.map_err(|e| {
        NodeError::ClusterRegistry(affinity_avro::RegistryError::Backend(format!(
            "cannot connect to ZooKeeper at {}: {e}",
            zookeeper.connect
        )))
    })?;
    let path = format!("{}/{}/schemas", zookeeper.root, zookeeper.cluster);
    let registry = ZookeeperRegistry::open(
        client,
        &path,
        Compatibility::default(),
        zookeeper.operation_timeout,
    )
    .await
    .map_err(NodeError::ClusterRegistry)?;
    Ok(Arc::new(registry))
}

/// The embedded registry: in memory for a memory-backed node (whose data does not outlive it
/// either), otherwise a [`FileRegistry`] in the data dir, so the schema ids stored with values
/// mean the same after a restart.
fn default_registry(config: &NodeConfig) -> Result<Arc<dyn SchemaRegistry>, NodeError> {
    match config.store.backend {
        StoreBackend::Memory => Ok(Arc::new(MemoryRegistry::new())),
        _ => Ok(Arc::new(FileRegistry::open(
            config.data_dir().join(REGISTRY_DIR),
        )?)),
    }
}
