//! [`KeyWatch`]: one key followed for a live subscriber, wherever its partition is served, and
//! followed again when that changes.
//!
//! A replica of the key's partition on this node (master or standby) serves it directly from
//! its feed. Without one, the key is watched on the master's node over the peer link
//! ([`RemoteWatch`]). Either way the offsets are the changelog's, the same on every replica, so
//! when the source goes away — the master's node dies, this node's replica moves elsewhere,
//! the serving node stops — the watch starts again from the offset the subscriber holds on
//! whichever replica serves now, and the subscriber sees no gap: the deltas after what it
//! holds, or the latest value when they are no longer at hand (DESIGN.md §4.5).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::{AskError, DynKeyspace, KeyspaceRef, ObserveError};
use crate::feed::{FeedItem, FeedReader};
use crate::partition::{Context, Handler, NO_MASTER_WAIT, Replica, Route};
use crate::peer::{Code, RemoteWatch, Watch, WatchEnded, peer_offset};

/// How long a watch whose source went away keeps looking for a new one (a failover takes
/// the ZooKeeper session timeout and a promotion) before it ends with
/// [`AskError::NoMaster`].
const FOLLOW_AGAIN_FOR: Duration = Duration::from_secs(30);

/// The pause between two attempts at finding the key's partition again.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// Where a key's changes come from now.
pub(crate) enum Source {
    /// This node's replica. `fresh` until the first read, which does not wait for a change.
    Local { reader: FeedReader, fresh: bool },
    /// The replica on another node, over the peer link.
    Remote(RemoteWatch),
}

/// One key of one state, followed for a subscriber (see the module docs).
pub(crate) struct KeyWatch {
    keyspace: Arc<dyn DynKeyspace>,
    state: String,
    key: Vec<u8>,
    partition: u32,
    source: Source,
}

impl KeyWatch {
    /// Starts following `key` of `state` for a subscriber that holds the value at `held`.
    pub(crate) async fn open(
        keyspace: Arc<dyn DynKeyspace>,
        state: String,
        key: Vec<u8>,
        held: Option<u64>,
    ) -> Result<KeyWatch, ObserveError> {
        let source = keyspace.source(&state, &key, held).await?;
        let partition = keyspace.partition_of(&key);
        Ok(KeyWatch {
            keyspace,
            state,
            key,
            partition,
            source,
        })
    }

    /// Appends to `out` what brings a subscriber holding the value at `held` to the latest
    /// value, waiting until there is something; an error when the key cannot be followed any
    /// more. Callers keep `out` between calls: a local replica's changes then cost no
    /// allocation.
    pub(crate) async fn next(
        &mut self,
        held: Option<u64>,
        out: &mut VecDeque<FeedItem>,
    ) -> Result<(), ObserveError> {
        let mut lost_at: Option<Instant> = None;
        let before = out.len();
        loop {
            let why = match &mut self.source {
                Source::Local { reader, fresh } => {
                    if std::mem::take(fresh) {
                        reader.since(held, out);
                        if out.len() > before {
                            return Ok(());
                        }
                    }
                    if reader.changed().await {
                        reader.since(held, out);
                        if out.len() > before {
                            return Ok(());
                        }
                        continue;
                    }
                    "this node's replica closed".to_owned()
                }
                Source::Remote(remote) => match remote.next().await {
                    Ok(items) if items.is_empty() => continue,
                    Ok(items) => {
                        out.extend(items);
                        return Ok(());
                    }
                    Err(WatchEnded::Moved(why)) => why,
                    Err(WatchEnded::Refused(Code::Overloaded, why)) => {
                        return Err(ObserveError::Overloaded(why));
                    }
                    Err(WatchEnded::Refused(_, reason)) => {
                        return Err(AskError::Refused { reason }.into());
                    }
                },
            };
            // A source that ends again before giving anything: wait a little, and not forever.
            match lost_at {
                Some(at) if at.elapsed() >= FOLLOW_AGAIN_FOR => {
                    return Err(AskError::NoMaster {
                        partition: self.partition,
                    }
                    .into());
                }
                Some(_) => tokio::time::sleep(RETRY_PAUSE).await,
                None => {}
            }
            let since = *lost_at.get_or_insert_with(Instant::now);
            tracing::debug!(
                keyspace = %self.keyspace.name(), state = %self.state, %why,
                "a followed key's source went away; following it again"
            );
            self.source = self.again(held, since).await?;
        }
    }

    /// A new source, tried until one opens or [`FOLLOW_AGAIN_FOR`] has passed since
    /// `lost_at`.
    async fn again(&self, held: Option<u64>, lost_at: Instant) -> Result<Source, ObserveError> {
        loop {
            match self.keyspace.source(&self.state, &self.key, held).await {
                Ok(source) => return Ok(source),
                // The partition is changing hands, or its master is out of reach.
                Err(ObserveError::Ask(
                    AskError::NoMaster { .. } | AskError::Timeout | AskError::Lost { .. },
                )) if lost_at.elapsed() < FOLLOW_AGAIN_FOR => {}
                Err(error) => return Err(error),
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

impl<H: Handler> KeyspaceRef<H> {
    /// Where `avro_key` of state `index` is followed from now: this node's replica of its
    /// partition if it has one that serves (any role), else the master's node, asked for what
    /// changed after `held`. Waits a few seconds for a master while the partition has none.
    pub(crate) async fn source(
        &self,
        index: usize,
        avro_key: &[u8],
        held: Option<u64>,
    ) -> Result<Source, ObserveError> {
        let store_key = self.store_key(index, avro_key)?;
        let partition = self.inner.partitioner.partition(avro_key);
        let handle = self.handle(partition)?;
        let deadline = self.deadline();
        let wait_until = deadline.min(Instant::now() + NO_MASTER_WAIT);
        let member = match handle.route(Replica::Any, partition, wait_until).await? {
            Route::Here => {
                let reader = handle
                    .call_here(deadline, move |_: &mut H, ctx: &mut Context<'_>| {
                        ctx.core.feed(index, &store_key)
                    })
                    .await??;
                return Ok(Source::Local {
                    reader,
                    fresh: true,
                });
            }
            Route::Peer(member) => member,
        };
        let Some(peers) = &self.inner.peers else {
            return Err(AskError::NoMaster { partition }.into());
        };
        let watch = Watch {
            state: self.inner.states[index].spec.name.clone(),
            key: avro_key.to_vec(),
            held: held.map(peer_offset),
        };
        match peers
            .watch(&member, &self.inner.name, partition, watch)
            .await
        {
            Ok(remote) => Ok(Source::Remote(remote)),
            Err(_) => Err(AskError::Stopped.into()),
        }
    }
}
