//! [`Placement`]: which partitions of a keyspace this node holds a replica of, following the
//! coordinator's assignment while the node runs (Kafka mode).
//!
//! When the assignment gives this node a partition, its replica is opened — the store in the
//! data dir (resuming from its checkpoints if the node held it before), then a standby that
//! tails the changelog and campaigns (see [`replica`](super::replica)), so a new replica warms
//! up before it can be master. When the assignment moves a partition away, its replica is
//! released: a master steps down (resigning, so the next replica is elected at once), the
//! store is closed, and the partition's mailbox is kept for when it comes back. Requests for
//! partitions held elsewhere are routed to their masters in the meantime, so a partition's
//! handle stays valid through all of it.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::KeyspaceError;
use super::builder::HandlerFn;
use super::replica::{ReplicaEnv, supervise};
use crate::changelog::Clients;
use crate::config::StoreBackend;
use crate::coordinator::{Assignment, Coordinator};
use crate::partition::core::PartitionCore;
use crate::partition::{Handler, Job, Parts, ReplicaStatus, Role};
use crate::state::{StateChange, StateDef, StateError};
use crate::store::{MemoryStore, RocksOptions, RocksStore, Store};

/// Where a node keeps its stores.
#[derive(Debug, Clone)]
pub(crate) struct StoreEnv {
    pub(crate) data_dir: PathBuf,
    pub(crate) backend: StoreBackend,
}

impl StoreEnv {
    /// Opens (creating if needed) the store of `partition` of `keyspace` with `tables`.
    pub(crate) fn open(
        &self,
        keyspace: &str,
        partition: u32,
        tables: &[String],
    ) -> Result<Box<dyn Store>, StateError> {
        Ok(match self.backend {
            StoreBackend::Memory => Box::new(MemoryStore::new(tables)?),
            _ => {
                let path = self
                    .data_dir
                    .join("keyspaces")
                    .join(keyspace)
                    .join(partition.to_string());
                Box::new(RocksStore::open(path, tables, &RocksOptions::default())?)
            }
        })
    }
}

/// A partition's replica on this node.
enum Slot<H> {
    /// Not held: the mailbox waits for the replica to open.
    Dormant(mpsc::Receiver<Job<H>>),
    /// Held: its supervisor runs until released, then hands the mailbox back.
    Running {
        released: CancellationToken,
        task: JoinHandle<Option<mpsc::Receiver<Job<H>>>>,
    },
    /// The node is stopping.
    Gone,
}

/// What [`Placement::new`] needs besides the mailboxes.
pub(crate) struct PlacementEnv<H> {
    pub(crate) keyspace: String,
    pub(crate) stores: StoreEnv,
    pub(crate) tables: Vec<String>,
    pub(crate) states: Arc<[StateDef]>,
    pub(crate) listeners: Vec<Arc<[broadcast::Sender<StateChange>]>>,
    pub(crate) handler: HandlerFn<H>,
    pub(crate) clients: Clients,
    pub(crate) topics: Arc<[String]>,
    pub(crate) coordinator: Arc<dyn Coordinator>,
    pub(crate) statuses: Vec<Arc<ReplicaStatus>>,
    pub(crate) closing: CancellationToken,
    pub(crate) tracker: TaskTracker,
}

/// The replicas of one keyspace on this node.
pub(crate) struct Placement<H> {
    env: PlacementEnv<H>,
    slots: Vec<Slot<H>>,
}

impl<H: Handler> Placement<H> {
    /// The placement of a keyspace whose partitions' mailboxes are `mailboxes`, none open yet.
    pub(crate) fn new(env: PlacementEnv<H>, mailboxes: Vec<mpsc::Receiver<Job<H>>>) -> Self {
        Placement {
            env,
            slots: mailboxes.into_iter().map(Slot::Dormant).collect(),
        }
    }

    /// Opens the replicas `assignment` gives this node and releases those it no longer does.
    /// A replica that cannot open is an error (the others are still placed).
    pub(crate) async fn apply(&mut self, assignment: &Assignment) -> Result<(), KeyspaceError> {
        let local = self.env.coordinator.local().id.clone();
        let held = assignment.partitions_of(&local);
        tracing::info!(keyspace = %self.env.keyspace, partitions = ?held, "replicas held by this node");
        let mut failed = None;
        for partition in 0..self.slots.len() as u32 {
            let wanted = held.contains(&partition);
            let slot = std::mem::replace(&mut self.slots[partition as usize], Slot::Gone);
            self.slots[partition as usize] = match (slot, wanted) {
                (Slot::Dormant(mailbox), true) => match self.open(partition, mailbox) {
                    Ok(running) => running,
                    Err((mailbox, error)) => {
                        tracing::error!(keyspace = %self.env.keyspace, partition, %error, "cannot open the replica");
                        failed.get_or_insert(error);
                        Slot::Dormant(mailbox)
                    }
                },
                (Slot::Running { released, task }, false) => {
                    released.cancel();
                    match task.await {
                        Ok(Some(mailbox)) => {
                            let status = &self.env.statuses[partition as usize];
                            status.set_role(Role::Remote);
                            status.set_reader(None);
                            Slot::Dormant(mailbox)
                        }
                        _ => Slot::Gone,
                    }
                }
                (slot, _) => slot,
            };
        }
        failed.map_or(Ok(()), Err)
    }

    /// Follows the assignment until the node stops.
    pub(crate) async fn run(mut self, mut assignment: watch::Receiver<Arc<Assignment>>) {
        loop {
            tokio::select! {
                () = self.env.closing.cancelled() => return,
                changed = assignment.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
            let current = assignment.borrow_and_update().clone();
            // Failures are logged in `apply`; the replica opens at the next change or restart.
            let _ = self.apply(&current).await;
        }
    }

    /// Opens the replica of `partition` and starts its supervisor.
    fn open(
        &self,
        partition: u32,
        mailbox: mpsc::Receiver<Job<H>>,
    ) -> Result<Slot<H>, (mpsc::Receiver<Job<H>>, KeyspaceError)> {
        let store_error = |source| KeyspaceError::Store {
            keyspace: self.env.keyspace.clone(),
            partition,
            source,
        };
        let core = self
            .env
            .stores
            .open(&self.env.keyspace, partition, &self.env.tables)
            .and_then(|store| {
                // Serves reads only while the role allows (`KeyspaceRef::get` checks).
                self.env.statuses[partition as usize].set_reader(store.reader());
                PartitionCore::new(
                    partition,
                    store,
                    self.env.states.clone(),
                    self.env.listeners[partition as usize].clone(),
                )
            });
        let core = match core {
            Ok(core) => core,
            Err(source) => return Err((mailbox, store_error(source))),
        };
        let status = self.env.statuses[partition as usize].clone();
        status.set_role(Role::Moving);
        let released = self.env.closing.child_token();
        let env = ReplicaEnv {
            keyspace: self.env.keyspace.clone(),
            partition,
            clients: self.env.clients.clone(),
            topics: self.env.topics.clone(),
            coordinator: self.env.coordinator.clone(),
            status,
            closing: self.env.closing.clone(),
            released: released.clone(),
        };
        let parts = Parts {
            keyspace: self.env.keyspace.clone(),
            handler: (self.env.handler)(partition),
            core,
            mailbox,
        };
        let task = self.env.tracker.spawn(supervise(env, parts));
        Ok(Slot::Running { released, task })
    }
}
