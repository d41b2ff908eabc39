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
use super::placement::{Placement, PlacementEnv, StoreEnv};
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
use crate::state::{StateChange, StateDef, StateSchemas, StateSpec};

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
            let topic = env.cluster.map(|c| c.clients.topic(&self.name, &spec.name));
            let schemas = register(&self.name, &spec, topic.as_deref(), env.registry).await?;
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
        let stores = StoreEnv {
            data_dir: env.data_dir.to_owned(),
            backend: env.backend,
        };
        let listeners: Vec<Arc<[broadcast::Sender<StateChange>]>> = (0..partitions.get())
            .map(|_| {
                states
                    .iter()
                    .map(|_| broadcast::Sender::new(LISTENER_CAPACITY))
                    .collect()
            })
            .collect();
        let mut handles = Vec::with_capacity(partitions.get() as usize);
        let mut assignment = None;
        match env.cluster {
            // In a cluster, this node holds the replicas the assignment gives it, as it changes.
            Some(cluster) => {
                tables.push(crate::partition::CHECKPOINTS.to_owned());
                let topics =
                    super::master::topics(&cluster.clients, &self.name, partitions.get(), &states)
                        .await?;
                let replicas = env
                    .overrides
                    .and_then(|o| o.replicas)
                    .unwrap_or(self.replicas);
                let spec = KeyspaceSpec::new(&self.name, partitions.get(), replicas.get());
                let coordinator_error = |source| KeyspaceError::Coordinator {
                    keyspace: self.name.clone(),
                    source,
                };
                let assigned = cluster
                    .coordinator
                    .keyspace(&spec)
                    .await
                    .map_err(coordinator_error)?;
                let (mut mailboxes, mut statuses) = (Vec::new(), Vec::new());
                for partition in 0..partitions.get() {
                    let (tx, rx) = mpsc::channel(self.mailbox);
                    let master = MasterWatch {
                        master: cluster
                            .coordinator
                            .master(&self.name, partition)
                            .await
                            .map_err(coordinator_error)?,
                        local: cluster.coordinator.local().id.clone(),
                    };
                    let status = Arc::new(ReplicaStatus::new(Role::Remote));
                    handles.push(PartitionHandle::new(tx, status.clone(), Some(master)));
                    mailboxes.push(rx);
                    statuses.push(status);
                }
                let placed = PlacementEnv {
                    keyspace: self.name.clone(),
                    stores,
                    tables,
                    states: states.clone(),
                    listeners: listeners.clone(),
                    handler: self.handler.clone(),
                    clients: cluster.clients.clone(),
                    topics,
                    coordinator: cluster.coordinator.clone(),
                    statuses,
                    closing: env.stop.clone(),
                    tracker: env.tracker.clone(),
                };
                let mut placement = Placement::new(placed, mailboxes);
                let initial = assigned.borrow().clone();
                placement.apply(&initial).await?;
                env.tracker.spawn(placement.run(assigned.clone()));
                assignment = Some(assigned);
            }
            None => {
                for (partition, senders) in (0..partitions.get()).zip(&listeners) {
                    let store_error = |source| KeyspaceError::Store {
                        keyspace: self.name.clone(),
                        partition,
                        source,
                    };
                    let store = stores
                        .open(&self.name, partition, &tables)
                        .map_err(store_error)?;
                    let status = Arc::new(ReplicaStatus::new(Role::Master));
                    status.set_reader(store.reader());
                    let core =
                        PartitionCore::new(partition, store, states.clone(), senders.clone())
                            .map_err(store_error)?;
                    let (tx, rx) = mpsc::channel(self.mailbox);
                    let parts = Parts {
                        keyspace: self.name.clone(),
                        handler: (self.handler)(partition),
                        core,
                        mailbox: rx,
                    };
                    tracing::info!(keyspace = %self.name, partition, "partition starting");
                    let span = tracing::info_span!("partition", keyspace = %self.name, partition);
                    env.tracker
                        .spawn(crate::partition::run(parts, env.stop.clone()).instrument(span));
                    handles.push(PartitionHandle::new(tx, status, None));
                }
            }
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
                assignment,
            }),
            timeout: self.ask_timeout,
            replica: Replica::Master,
        })
    }
}

/// Registers a state's key and value schemas and loads every earlier value schema of its
/// subject, so values written by earlier versions of the application still read.
///
/// In Kafka mode the schemas are registered under the changelog `topic`'s subjects too
/// (`<topic>-key`, `<topic>-value`, Confluent's TopicNameStrategy, with the same ids), so that
/// Confluent tools find them by the topic; the state's own subjects (`<keyspace>-<state>-…`)
/// are the ones clients use in both modes (see [`topic_name`](crate::changelog::topic_name)).
async fn register(
    keyspace: &str,
    spec: &StateSpec,
    topic: Option<&str>,
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
    if let Some(topic) = topic {
        for (suffix, schema) in [("key", spec.key_schema), ("value", spec.value_schema)] {
            registry
                .register(&format!("{topic}-{suffix}"), schema)
                .await
                .map_err(fail)?;
        }
    }
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
