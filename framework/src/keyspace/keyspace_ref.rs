//! [`KeyspaceRef`]: a running keyspace, as callers (HTTP handlers, other keyspaces) reach it.

use std::sync::Arc;
use std::time::Duration;

use affinity_avro::{Avro, to_vec};
use futures_util::future::try_join_all;
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::forward::Routed;
use super::remote::RemoteMessages;
use super::{AskError, DynKeyspace, KeyObserver, KeyWatch, Listener, PublishFn};
use crate::coordinator::Assignment;
use crate::partition::{
    CatchUp, Context, Handler, Handles, Message, PartitionHandle, Replica, Role,
};
use crate::partitioner::Partitioner;
use crate::peer::{Peers, RequestBody, Tell};
use crate::state::{StateChange, StateDef, StateError, type_pair};

/// What a [`KeyspaceRef`] shares with its clones.
pub(crate) struct Inner<H> {
    pub(crate) name: String,
    pub(crate) partitioner: Partitioner,
    pub(crate) partitions: Vec<PartitionHandle<H>>,
    pub(crate) states: Arc<[StateDef]>,
    pub(crate) listeners: Vec<Arc<[broadcast::Sender<StateChange>]>>,
    pub(crate) publish: Option<PublishFn<H>>,
    /// The message types that may travel to another node.
    pub(crate) remotes: RemoteMessages<H>,
    /// The links to the other nodes (Kafka mode).
    pub(crate) peers: Option<Arc<Peers>>,
    /// Which members hold each partition's replicas (Kafka mode).
    pub(crate) assignment: Option<watch::Receiver<Arc<Assignment>>>,
}

/// A handle to a running keyspace whose partitions run the handler `H`: read a key's value
/// from its partition's store (`get`), send messages to the partition that owns a key (`ask`,
/// `tell`), to every partition (`scatter`), run closures in a partition (`call`), and observe
/// keys and states. Cheap to clone.
///
/// In an axum handler it is an extractor, found by its handler type among the node's
/// keyspaces:
///
/// ```ignore
/// async fn get_vertex(graph: KeyspaceRef<Graph>, Path(id): Path<i64>) -> Result<Avro<Vertex>, ApiError> {
///     graph.get("vertices", &id).await?.map(Avro).ok_or(ApiError::NotFound)
/// }
///
/// async fn rename(graph: KeyspaceRef<Graph>, Path(id): Path<i64>, Avro(to): Avro<String>) -> Result<Avro<Vertex>, ApiError> {
///     graph.ask(&id, Rename { id, to }).await?.map(Avro).ok_or(ApiError::NotFound)
/// }
/// ```
///
/// Keys route to partitions like Kafka's default partitioner on the key's Avro binary encoding
/// (DESIGN.md §3).
pub struct KeyspaceRef<H> {
    pub(crate) inner: Arc<Inner<H>>,
    pub(crate) timeout: Duration,
    /// Which replicas this handle's requests may run on.
    pub(crate) replica: Replica,
}

impl<H> Clone for KeyspaceRef<H> {
    fn clone(&self) -> Self {
        KeyspaceRef {
            inner: self.inner.clone(),
            timeout: self.timeout,
            replica: self.replica,
        }
    }
}

impl<H> std::fmt::Debug for KeyspaceRef<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyspaceRef")
            .field("name", &self.inner.name)
            .field("partitions", &self.inner.partitions.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<H: Handler> KeyspaceRef<H> {
    /// The keyspace's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The number of partitions.
    pub fn partitions(&self) -> u32 {
        self.inner.partitioner.partitions().get()
    }

    /// How many changelog records this node has read into its stores since it started (Kafka
    /// mode; 0 in embedded mode): what they did not have since their checkpoints, read at start,
    /// by standbys tailing the log, and at promotions.
    pub fn replayed(&self) -> u64 {
        self.inner
            .partitions
            .iter()
            .map(|h| h.status().replayed())
            .sum()
    }

    /// The partition that owns `key`.
    pub fn partition_of<K: Avro>(&self, key: &K) -> u32 {
        self.inner.partitioner.partition(&to_vec(key))
    }

    /// This handle with another timeout for `ask`, `call` and `scatter`.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        KeyspaceRef {
            inner: self.inner.clone(),
            timeout,
            replica: self.replica,
        }
    }

    /// This handle for stale reads (DESIGN.md §4.6): its requests may also run on a standby
    /// replica on this node, whose state may be behind the log by [`KeyspaceRef::lag`]
    /// records. Writes made there fail with [`StateError::Standby`]. Without it, requests run
    /// only on the partition's master, waiting a few seconds for one while a standby is
    /// promoted, then failing with [`AskError::NoMaster`].
    #[must_use]
    pub fn stale(&self) -> Self {
        KeyspaceRef {
            inner: self.inner.clone(),
            timeout: self.timeout,
            replica: Replica::Any,
        }
    }

    /// The role of this node's replica of `partition` (`None` for no such partition).
    pub fn role(&self, partition: u32) -> Option<Role> {
        self.handle(partition).ok().map(|h| h.status().role())
    }

    /// The epoch of this node's mastership of `partition` (0 when it is not master, and in
    /// embedded mode).
    pub fn epoch(&self, partition: u32) -> u64 {
        self.handle(partition).map_or(0, |h| h.status().epoch())
    }

    /// How many records this node's replica of `partition` is behind its changelog, as last
    /// measured: 0 for a master, `None` when not known yet (or no such partition).
    pub fn lag(&self, partition: u32) -> Option<u64> {
        self.handle(partition).ok().and_then(|h| h.status().lag())
    }

    /// The last time this node's replica of `partition` caught up with its changelog to serve
    /// as master (after fencing the previous one): records read and how long that took.
    /// `None` if it has not been master (or no such partition, or embedded mode).
    pub fn last_catch_up(&self, partition: u32) -> Option<CatchUp> {
        self.handle(partition)
            .ok()
            .and_then(|h| h.status().catch_up())
    }

    /// Sends `message` to the partition that owns `key` and waits for the handler's reply.
    pub async fn ask<K, M>(&self, key: &K, message: M) -> Result<M::Reply, AskError>
    where
        K: Avro,
        M: Message,
        H: Handles<M>,
    {
        self.ask_partition(self.partition_of(key), message).await
    }

    /// Sends `message` to partition `partition` and waits for the reply.
    ///
    /// In a cluster, a message for a partition mastered on another node goes there over the
    /// peer link if its type is declared with [`Keyspace::remote`](super::Keyspace::remote),
    /// and follows the mastership across a failover (see [`Message::IDEMPOTENT`] for when a
    /// request whose link broke is sent again).
    pub async fn ask_partition<M>(&self, partition: u32, message: M) -> Result<M::Reply, AskError>
    where
        M: Message,
        H: Handles<M>,
    {
        let deadline = self.deadline();
        let remote = self.inner.remotes.of::<M>();
        let routed = self
            .route_request(partition, deadline, M::IDEMPOTENT, |master| {
                let message = self.inner.remotes.travelling(&message, partition, master)?;
                Ok(RequestBody::Ask(message))
            })
            .await?;
        match (routed, remote) {
            (Routed::Here, _) => {
                self.handle(partition)?
                    .call_here(deadline, move |h: &mut H, ctx| h.handle(message, ctx))
                    .await
            }
            (Routed::Done(reply), Some(remote)) => remote.decode_reply(&reply),
            (Routed::Done(_), None) => Err(AskError::Refused {
                reason: "an answer to a message that was not sent".to_owned(),
            }),
            (Routed::Refused(refused), _) => Err(AskError::Refused {
                reason: refused.reason,
            }),
        }
    }

    /// Queues `message` for the partition that owns `key` without waiting for it to be
    /// handled (it waits only for room in the mailbox, up to the timeout — on the master's
    /// node when it is another).
    pub async fn tell<K, M>(&self, key: &K, message: M) -> Result<(), AskError>
    where
        K: Avro,
        M: Message,
        H: Handles<M>,
    {
        let partition = self.partition_of(key);
        let deadline = self.deadline();
        let routed = self
            .route_request(partition, deadline, M::IDEMPOTENT, |master| {
                let message = self.inner.remotes.travelling(&message, partition, master)?;
                Ok(RequestBody::Tell(Tell { message }))
            })
            .await?;
        match routed {
            Routed::Here => {
                self.handle(partition)?
                    .send_here(
                        deadline,
                        Box::new(move |h: &mut H, ctx: &mut Context<'_>| {
                            h.handle(message, ctx);
                        }),
                    )
                    .await
            }
            Routed::Done(_) => Ok(()),
            Routed::Refused(refused) => Err(AskError::Refused {
                reason: refused.reason,
            }),
        }
    }

    /// Sends a clone of `message` to every partition and gathers the replies, in partition
    /// order. Fails if any partition fails.
    pub async fn scatter<M>(&self, message: M) -> Result<Vec<M::Reply>, AskError>
    where
        M: Message + Clone,
        H: Handles<M>,
    {
        let asks = (0..self.partitions()).map(|p| self.ask_partition(p, message.clone()));
        try_join_all(asks).await
    }

    /// Runs `f` in the partition that owns `key`, with the handler and the partition's
    /// [`Context`], and returns what it returns: for reads and writes of states that need no
    /// message type of their own.
    pub async fn call<K, R, F>(&self, key: &K, f: F) -> Result<R, AskError>
    where
        K: Avro,
        R: Send + 'static,
        F: FnOnce(&mut H, &mut Context<'_>) -> R + Send + 'static,
    {
        self.call_partition(self.partition_of(key), f).await
    }

    /// Runs `f` in partition `partition`.
    pub async fn call_partition<R, F>(&self, partition: u32, f: F) -> Result<R, AskError>
    where
        R: Send + 'static,
        F: FnOnce(&mut H, &mut Context<'_>) -> R + Send + 'static,
    {
        self.handle(partition)?
            .call("a closure", self.replica, partition, self.deadline(), f)
            .await
    }

    /// Follows the value of `key` in state `state`: the current value first, then every change
    /// (coalesced when the observer falls far behind).
    pub async fn observe<K, V>(&self, state: &str, key: &K) -> Result<KeyObserver<V>, ObserveError>
    where
        K: Avro + 'static,
        V: Avro + Clone + Send + Sync + 'static,
    {
        let index = self.state_index::<K, V>(state)?;
        let keyspace: Arc<dyn DynKeyspace> = Arc::new(self.clone());
        let watch = KeyWatch::open(keyspace, state.to_owned(), to_vec(key), None).await?;
        Ok(KeyObserver::new(watch, self.inner.states.clone(), index))
    }

    /// Every change to state `state` in every partition, from now on (a store-wide listener).
    pub fn listen<K, V>(&self, state: &str) -> Result<Listener<K, V>, StateError>
    where
        K: Avro + 'static,
        V: Avro + Send + Sync + 'static,
    {
        let index = self.state_index::<K, V>(state)?;
        let receivers = self
            .inner
            .listeners
            .iter()
            .map(|l| l[index].subscribe())
            .collect();
        Ok(Listener::new(receivers, self.inner.states.clone(), index))
    }

    /// The store encoding of `avro_key`, a key of state `index`.
    pub(crate) fn store_key(&self, index: usize, avro_key: &[u8]) -> Result<Vec<u8>, ObserveError> {
        self.inner.states[index]
            .spec
            .key_codec
            .from_avro_to_vec(avro_key)
            .map_err(|e| ObserveError::BadKey(e.to_string()))
    }

    /// The position of state `name`, checking its types.
    pub(crate) fn state_index<K: 'static, V: 'static>(
        &self,
        name: &str,
    ) -> Result<usize, StateError> {
        let index = self.state_named(name)?;
        let spec = &self.inner.states[index].spec;
        if spec.key_type != std::any::TypeId::of::<K>()
            || spec.value_type != std::any::TypeId::of::<V>()
        {
            return Err(StateError::WrongType {
                name: name.to_owned(),
                expected: spec.types.clone(),
                asked: type_pair::<K, V>(),
            });
        }
        Ok(index)
    }

    /// The position of state `name`.
    pub(crate) fn state_named(&self, name: &str) -> Result<usize, StateError> {
        self.inner
            .states
            .iter()
            .position(|d| d.spec.name == name)
            .ok_or_else(|| StateError::UnknownState(name.to_owned()))
    }

    pub(super) fn handle(&self, partition: u32) -> Result<&PartitionHandle<H>, AskError> {
        self.inner
            .partitions
            .get(partition as usize)
            .ok_or(AskError::NoSuchPartition {
                partition,
                partitions: self.partitions(),
            })
    }

    pub(super) fn deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }
}

/// Why a key could not be observed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ObserveError {
    /// The key's bytes are not a key of the state.
    #[error("the key does not decode as the state's key type: {0}")]
    BadKey(String),
    /// The state is unknown, has other types, or its store failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The partition did not answer.
    #[error(transparent)]
    Ask(#[from] AskError),
    /// The node that serves the key's partition follows as many keys for this node as it
    /// will.
    #[error("the partition's node is following too many keys for this node: {0}")]
    Overloaded(String),
}
