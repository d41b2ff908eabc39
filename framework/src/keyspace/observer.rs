//! [`KeyObserver`] and [`Listener`]: typed observers of a key and of a whole state.

use std::marker::PhantomData;
use std::sync::Arc;

use affinity_avro::{Avro, apply_delta, from_slice};
use tokio::sync::broadcast;

use super::{KeyWatch, ObserveError};
use crate::feed::FeedItem;
use crate::state::{StateChange, StateDef, StateError};

/// A value of an observed key at an offset: `None` when the key has no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed<V> {
    /// The offset of the write that produced this state of the key.
    pub offset: u64,
    /// The value, or `None` when deleted, expired or never written.
    pub value: Option<V>,
}

/// Follows one key: [`next`](Self::next) gives the current value first, then each change.
/// Changes are applied as deltas while the observer keeps up; one that falls behind gets the
/// latest value (intermediate values coalesced, never reordered). In a cluster the key is
/// followed on this node's replica of its partition, or on the master's node when this node
/// has none, and again wherever it is served after a failover.
pub struct KeyObserver<V> {
    watch: KeyWatch,
    states: Arc<[StateDef]>,
    index: usize,
    held: Option<Observed<V>>,
    pending: std::collections::VecDeque<FeedItem>,
}

impl<V> std::fmt::Debug for KeyObserver<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyObserver")
            .field("state", &self.states[self.index].spec.name)
            .field("offset", &self.held.as_ref().map(|h| h.offset))
            .finish()
    }
}

impl<V: Avro + Clone + Send + Sync + 'static> KeyObserver<V> {
    pub(crate) fn new(watch: KeyWatch, states: Arc<[StateDef]>, index: usize) -> Self {
        KeyObserver {
            watch,
            states,
            index,
            held: None,
            pending: Default::default(),
        }
    }

    /// The next state of the key; `None` once it can no longer be followed (the node is
    /// stopping, or the partition has had no reachable replica for a while).
    pub async fn next(&mut self) -> Option<Result<Observed<V>, StateError>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(self.apply(item));
            }
            let held = self.held.as_ref().map(|h| h.offset);
            match self.watch.next(held, &mut self.pending).await {
                Ok(()) => {}
                Err(ObserveError::State(e)) => return Some(Err(e)),
                Err(error) => {
                    tracing::debug!(%error, "an observed key cannot be followed any more");
                    return None;
                }
            }
        }
    }

    fn apply(&mut self, item: FeedItem) -> Result<Observed<V>, StateError> {
        let def = &self.states[self.index];
        let next = match item {
            FeedItem::Snapshot {
                offset,
                schema_id,
                value,
            } => Observed {
                offset,
                value: Some(def.decode::<V>(schema_id, &value)?),
            },
            FeedItem::Deleted { offset } => Observed {
                offset,
                value: None,
            },
            FeedItem::Delta { offset, delta, .. } => {
                let base = self
                    .held
                    .as_ref()
                    .and_then(|h| h.value.as_ref())
                    .ok_or_else(|| {
                        StateError::Corrupt("a delta with no value to apply it to".to_owned())
                    })?;
                let value = apply_delta(base, &delta)
                    .map_err(|e| StateError::Corrupt(format!("a delta: {e}")))?;
                Observed {
                    offset,
                    value: Some(value),
                }
            }
        };
        self.held = Some(next.clone());
        Ok(next)
    }
}

/// A change seen by a [`Listener`].
#[derive(Debug, Clone, PartialEq)]
pub struct Changed<K, V> {
    /// The partition.
    pub partition: u32,
    /// The write's offset in its partition.
    pub offset: u64,
    /// The key.
    pub key: K,
    /// The new value, or `None` for a deletion.
    pub value: Option<V>,
}

/// Every change to one state across all partitions, from when it was made (a store-wide
/// listener). Each partition's changes arrive in order; a listener that falls more than a
/// thousand changes behind in a partition loses the oldest and is told how many
/// ([`ListenError::Lagged`]).
pub struct Listener<K, V> {
    receivers: Vec<broadcast::Receiver<StateChange>>,
    states: Arc<[StateDef]>,
    index: usize,
    _types: PhantomData<fn() -> (K, V)>,
}

impl<K, V> std::fmt::Debug for Listener<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("state", &self.states[self.index].spec.name)
            .finish()
    }
}

/// Why a [`Listener`] yielded no change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// The listener fell behind and missed `missed` changes of a partition.
    #[error("the listener fell behind and missed {missed} changes of partition {partition}")]
    Lagged {
        /// The partition.
        partition: u32,
        /// How many changes were lost.
        missed: u64,
    },
    /// A change did not decode.
    #[error(transparent)]
    State(#[from] StateError),
}

impl<K: Avro + 'static, V: Avro + Send + Sync + 'static> Listener<K, V> {
    pub(crate) fn new(
        receivers: Vec<broadcast::Receiver<StateChange>>,
        states: Arc<[StateDef]>,
        index: usize,
    ) -> Self {
        Listener {
            receivers,
            states,
            index,
            _types: PhantomData,
        }
    }

    /// The next change from any partition; `None` once every partition has stopped.
    pub async fn recv(&mut self) -> Option<Result<Changed<K, V>, ListenError>> {
        loop {
            if self.receivers.is_empty() {
                return None;
            }
            let recvs = self.receivers.iter_mut().map(|r| Box::pin(r.recv()));
            let (result, i, _) = futures_util::future::select_all(recvs).await;
            match result {
                Ok(change) => return Some(self.decode(change)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    return Some(Err(ListenError::Lagged {
                        partition: i as u32,
                        missed,
                    }));
                }
                Err(broadcast::error::RecvError::Closed) => {
                    self.receivers.remove(i);
                }
            }
        }
    }

    fn decode(&self, change: StateChange) -> Result<Changed<K, V>, ListenError> {
        let def = &self.states[self.index];
        let key =
            from_slice::<K>(&change.key).map_err(|e| StateError::Corrupt(format!("a key: {e}")))?;
        let value = match &change.value {
            Some(body) => Some(def.decode::<V>(change.schema_id, body)?),
            None => None,
        };
        Ok(Changed {
            partition: change.partition,
            offset: change.offset,
            key,
            value,
        })
    }
}
