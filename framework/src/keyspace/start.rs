//! Starting a keyspace: registering its schemas, opening a store per partition and spawning
//! the partition actors.

use std::any::{Any, TypeId};
use std::path::Path;
use std::sync::Arc;

use affinity_avro::{Schema, SchemaRegistry};
use futures_util::future::BoxFuture;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::keyspace_ref::Inner;
use super::{DynKeyspace, Keyspace, KeyspaceError, KeyspaceRef};
use crate::changelog::Clients;
use crate::config::{KeyspaceConfig, StoreBackend};
use crate::coordinator::{Coordinator, KeyspaceSpec};
use crate::partition::core::PartitionCore;
use crate::partition::{
    Handler, MasterWatch, PartitionHandle, Parts, Replica, ReplicaStatus, Role,
};
use crate::partitioner::Partitioner;
use crate::peer::Peers;
use crate::state::{StateChange, StateDef, StateError, StateSchemas, StateSpec};
use crate::store::{MemoryStore, RocksOptions, RocksStore, Store};

/// How many changes a store-wide listener may fall behind per partition before it loses some.
const LISTENER_CAPACITY: usize = 1024;

/// What a node in Kafka mode adds: every state has a changelog, and the node holds the
/// replicas its assignment gives it, standbys until elected.
pub(crate) struct ClusterEnv {
    /// The Kafka clients.
    pub(crate) clients: Clients,
    /// The cluster's coordinator.
    pub(crate) coordinator: Arc<dyn Coordinator>,
    /// The links to the other nodes.
    pub(crate) peers: Arc<Peers>,
}

/// What starting a keyspace needs from the node.
pub(crate) struct StartEnv<'a> {
    pub(crate) data_dir: &'a Path,
    /// In Kafka mode, the cluster.
    pub(crate) cluster: Option<&'a ClusterEnv>,
    pub(crate) backend: StoreBackend,
    pub(crate) registry: &'a dyn SchemaRegistry,
    pub(crate) overrides: Option<&'a KeyspaceConfig>,
    pub(crate) stop: CancellationToken,
    pub(crate) tracker: TaskTracker,
}

/// A started keyspace: its typed handle (a `KeyspaceRef<H>` as `Any`) and its dynamic one.
pub(crate) struct Started {
    /// Every state's key and value schema with its registry id, for the gateway.
    pub(crate) schema_ids: Vec<(&'static Schema, u32)>,
    pub(crate) handler: TypeId,
    pub(crate) typed: Box<dyn Any + Send + Sync>,
    pub(crate) dynamic: Arc<dyn DynKeyspace>,
}

/// A keyspace declaration whose handler type is erased, so a node can hold several.
pub(crate) trait StartKeyspace: Send {
    fn name(&self) -> &str;
    fn start<'a>(
        self: Box<Self>,
        env: &'a StartEnv<'a>,
    ) -> BoxFuture<'a, Result<Started, KeyspaceError>>;
}

impl<H: Handler> StartKeyspace for Keyspace<H> {
    fn name(&self) -> &str {
        &self.name
    }

    fn start<'a>(
        self: Box<Self>,
        env: &'a StartEnv<'a>,
    ) -> BoxFuture<'a, Result<Started, KeyspaceError>> {
        Box::pin(async move {
            let keyspace = (*self).start_typed(env).await?;
            let schema_ids = keyspace
                .inner
                .states
                .iter()
                .flat_map(|d| {
                    [
                        (d.spec.key_schema, d.schemas.key_id),
                        (d.spec.value_schema, d.schemas.value_id),
                    ]
                })
                .collect();
            Ok(Started {
                schema_ids,
                handler: TypeId::of::<H>(),
                typed: Box::new(keyspace.clone()),
                dynamic: Arc::new(keyspace),
            })
        })
    }
}

impl<H: Handler> Keyspace<H> {
    async fn start_typed(self, env: &StartEnv<'_>) -> Result<KeyspaceRef<H>, KeyspaceError> {
        if !self.problems.is_empty() {
            return Err(KeyspaceError::Declaration {
                name: self.name,
                problems: self.problems,
            });
        }
        let partitions = env
            .overrides
            .and_then(|o| o.partitions)
            .unwrap_or(self.partitions);
        let mut states = Vec::with_capacity(self.states.len());
        for spec in self.states {
            let schemas = register(&self.name, &spec, env.registry).await?;
            states.push(StateDef { spec, schemas });
        }
        if let Some(schemas) = self.publish_schemas {
            register_published(&self.name, schemas, env.registry).await?;
        }
        let states: Arc<[StateDef]> = states.into();
        let mut tables = Vec::new();
        for def in states.iter() {
            tables.push(def.spec.table().to_owned());
            tables.extend(def.spec.expiry_table());
        }
        // In a cluster, this node opens only the partitions the assignment gives it.
        let cluster = match env.cluster {
            Some(ClusterEnv {
                clients,
                coordinator,
                ..
            }) => {
                tables.push(crate::partition::CHECKPOINTS.to_owned());
                let topics =
                    super::master::topics(clients, &self.name, partitions.get(), &states).await?;
                let replicas = env
                    .overrides
                    .and_then(|o| o.replicas)
                    .unwrap_or(self.replicas);
                let spec = KeyspaceSpec::new(&self.name, partitions.get(), replicas.get());
                let assignment = coordinator.keyspace(&spec).await.map_err(|source| {
                    KeyspaceError::Coordinator {
                        keyspace: self.name.clone(),
                        source,
                    }
                })?;
                let held = assignment.borrow().partitions_of(&coordinator.local().id);
                tracing::info!(keyspace = %self.name, partitions = ?held, "replicas held by this node");
                Some((clients, topics, coordinator.clone(), held, assignment))
            }
            None => None,
        };
        let mut cores = Vec::with_capacity(partitions.get() as usize);
        let mut listeners = Vec::new();
        for partition in 0..partitions.get() {
            let senders: Arc<[broadcast::Sender<StateChange>]> = states
                .iter()
                .map(|_| broadcast::Sender::new(LISTENER_CAPACITY))
                .collect();
            listeners.push(senders.clone());
            if cluster
                .as_ref()
                .is_some_and(|(_, _, _, held, _)| !held.contains(&partition))
            {
                cores.push((partition, None));
                continue;
            }
            let store = open_store(env, &self.name, partition, &tables).map_err(|source| {
                KeyspaceError::Store {
                    keyspace: self.name.clone(),
                    partition,
                    source,
                }
            })?;
            let core = PartitionCore::new(partition, store, states.clone(), senders).map_err(
                |source| KeyspaceError::Store {
                    keyspace: self.name.clone(),
                    partition,
                    source,
                },
            )?;
            cores.push((partition, Some(core)));
        }
        let mut handles = Vec::new();
        for (partition, core) in cores {
            let (tx, rx) = mpsc::channel(self.mailbox);
            let master = match &cluster {
                Some((_, _, coordinator, ..)) => Some(MasterWatch {
                    master: coordinator
                        .master(&self.name, partition)
                        .await
                        .map_err(|source| KeyspaceError::Coordinator {
                            keyspace: self.name.clone(),
                            source,
                        })?,
                    local: coordinator.local().id.clone(),
                }),
                None => None,
            };
            let Some(core) = core else {
                handles.push(PartitionHandle::new(
                    tx,
                    Arc::new(ReplicaStatus::new(Role::Remote)),
                    master,
                ));
                continue;
            };
            let parts = Parts {
                keyspace: self.name.clone(),
                handler: (self.handler)(partition),
                core,
                mailbox: rx,
            };
            let status = match &cluster {
                Some((clients, topics, coordinator, ..)) => {
                    let status = Arc::new(ReplicaStatus::new(Role::Moving));
                    let replica = super::replica::ReplicaEnv {
                        keyspace: self.name.clone(),
                        partition,
                        clients: (*clients).clone(),
                        topics: topics.clone(),
                        coordinator: coordinator.clone(),
                        status: status.clone(),
                        closing: env.stop.clone(),
                    };
                    env.tracker.spawn(super::replica::supervise(replica, parts));
                    status
                }
                None => {
                    tracing::info!(keyspace = %self.name, partition, "partition starting");
                    let span = tracing::info_span!("partition", keyspace = %self.name, partition);
                    env.tracker
                        .spawn(crate::partition::run(parts, env.stop.clone()).instrument(span));
                    Arc::new(ReplicaStatus::new(Role::Master))
                }
            };
            handles.push(PartitionHandle::new(tx, status, master));
        }
        // A cluster node's keyspace is up once each of its replicas has a role: master, or a
        // standby tailing the log.
        for handle in &handles {
            handle.status().settled().await;
        }
        Ok(KeyspaceRef {
            inner: Arc::new(Inner {
                name: self.name,
                partitioner: Partitioner::new(partitions),
                partitions: handles,
                states,
                listeners,
                publish: self.publish,
                remotes: self.remotes,
                peers: env.cluster.map(|c| c.peers.clone()),
                assignment: cluster.map(|(.., assignment)| assignment),
            }),
            timeout: self.ask_timeout,
            replica: Replica::Master,
        })
    }
}

/// Registers a state's key and value schemas and loads every earlier value schema of its
/// subject, so values written by earlier versions of the application still read.
async fn register(
    keyspace: &str,
    spec: &StateSpec,
    registry: &dyn SchemaRegistry,
) -> Result<StateSchemas, KeyspaceError> {
    let fail = |source| KeyspaceError::Registry {
        keyspace: keyspace.to_owned(),
        state: spec.name.clone(),
        source,
    };
    let (key_subject, value_subject) = spec.subjects(keyspace);
    let key_id = registry
        .register(&key_subject, spec.key_schema)
        .await
        .map_err(fail)?;
    let value_id = registry
        .register(&value_subject, spec.value_schema)
        .await
        .map_err(fail)?;
    let mut schemas = StateSchemas {
        key_id: key_id.0,
        value_id: value_id.0,
        resolvers: Default::default(),
    };
    for version in registry.versions(&value_subject).await.map_err(fail)? {
        let earlier = registry
            .version(&value_subject, version)
            .await
            .map_err(fail)?;
        if earlier.id == value_id {
            continue;
        }
        match spec.resolver(&earlier.schema) {
            Ok(resolver) => {
                schemas.resolvers.insert(earlier.id.0, resolver);
            }
            Err(error) => tracing::warn!(
                keyspace, state = %spec.name, schema_id = earlier.id.0, %error,
                "values written with this earlier schema cannot be read"
            ),
        }
    }
    Ok(schemas)
}

/// Registers the schemas of published keys and messages under `<keyspace>-published-key` and
/// `-value` (see [`Keyspace::accept_published`]), where clients find them.
async fn register_published(
    keyspace: &str,
    schemas: super::builder::PublishSchemas,
    registry: &dyn SchemaRegistry,
) -> Result<(), KeyspaceError> {
    let (key_subject, message_subject) = super::publish::subjects(keyspace);
    for (subject, schema) in [
        (key_subject, schemas.key),
        (message_subject, schemas.message),
    ] {
        registry
            .register(&subject, schema)
            .await
            .map_err(|source| KeyspaceError::Registry {
                keyspace: keyspace.to_owned(),
                state: "(published messages)".to_owned(),
                source,
            })?;
    }
    Ok(())
}

fn open_store(
    env: &StartEnv<'_>,
    keyspace: &str,
    partition: u32,
    tables: &[String],
) -> Result<Box<dyn Store>, StateError> {
    Ok(match env.backend {
        StoreBackend::Memory => Box::new(MemoryStore::new(tables)?),
        _ => {
            let path = env
                .data_dir
                .join("keyspaces")
                .join(keyspace)
                .join(partition.to_string());
            Box::new(RocksStore::open(path, tables, &RocksOptions::default())?)
        }
    })
}
