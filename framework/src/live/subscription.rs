//! One live subscription: a stream of the frames that carry a key's changes to the connection.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream::{AbortHandle, abortable};
use tokio::sync::mpsc;

use super::frames::{error_frame, item_bytes, observe_error};
use super::writer::encoded;
use crate::feed::FeedItem;
use crate::keyspace::{DynKeyspace, KeyWatch, ObserveError};

/// A subscription's encoded frames, polled by the connection's writer (see [`follow`]).
pub(crate) type FrameStream = Pin<Box<dyn Stream<Item = Bytes> + Send>>;

/// A subscription whose stream ended by itself: its `sub_id` and generation.
pub(crate) type Ended = (i64, u64);

/// What a subscription follows and how it ends.
pub(crate) struct Follow {
    pub(crate) sub_id: i64,
    /// Counts the connection's subscriptions, so the end of an old one is never taken for the
    /// end of a newer one with the same `sub_id`.
    pub(crate) generation: u64,
    pub(crate) keyspace: Arc<dyn DynKeyspace>,
    pub(crate) state: String,
    pub(crate) key: Vec<u8>,
    /// The offset the client holds (`resume_from`).
    pub(crate) held: Option<u64>,
    /// Told when the stream ends by itself (an error, a stopped partition).
    pub(crate) ended: mpsc::Sender<Ended>,
}

enum Step {
    Start(Follow),
    Following {
        follow: Follow,
        watch: KeyWatch,
        /// Items read from the feed and not sent yet.
        pending: VecDeque<FeedItem>,
    },
    Done,
}

/// `sub_id`'s snapshot (or, resuming from `held`, what changed since), then every change, until
/// the returned handle aborts it (`Unsubscribe`), the writer drops it (the connection closes) or
/// the key cannot be followed any more (the node stops, or its partition stays without a
/// master). The key is followed on this node's replica or on another node's
/// ([`KeyWatch`]), and again, without a gap, where it is served after a failover.
///
/// The connection's writer polls the stream only when it can write, so while a client is slow
/// the key's changes keep collecting in the partition's feed, and the next poll asks the feed
/// for what the client misses — deltas while the feed still has them, else the latest value
/// alone. So a slow client costs a bounded amount of memory and still ends with the latest
/// value, and a change costs one wake-up of the connection's writer, not a task per
/// subscription handing frames to it. Aborting is a flag and a wake-up of the writer (no waiter
/// list to join on every change, as a cancellation token's would be).
pub(crate) fn follow(follow: Follow) -> (FrameStream, AbortHandle) {
    let stream = futures_util::stream::unfold(Step::Start(follow), |step| async move {
        match step {
            Step::Start(follow) => start(follow).await,
            Step::Following {
                follow,
                watch,
                pending,
            } => next(follow, watch, pending).await,
            Step::Done => None,
        }
    });
    let (stream, handle) = abortable(stream);
    (Box::pin(stream), handle)
}

async fn start(follow: Follow) -> Option<(Bytes, Step)> {
    let opened = KeyWatch::open(
        follow.keyspace.clone(),
        follow.state.clone(),
        follow.key.clone(),
        follow.held,
    )
    .await;
    match opened {
        Ok(watch) => next(follow, watch, VecDeque::new()).await,
        Err(error) => failed(&follow, &error),
    }
}

async fn next(
    mut follow: Follow,
    mut watch: KeyWatch,
    mut pending: VecDeque<FeedItem>,
) -> Option<(Bytes, Step)> {
    if pending.is_empty()
        && let Err(error) = watch.next(follow.held, &mut pending).await
    {
        return failed(&follow, &error);
    }
    let item = pending.pop_front()?;
    follow.held = Some(item.offset());
    let frame = item_bytes(follow.sub_id, &item);
    Some((
        frame,
        Step::Following {
            follow,
            watch,
            pending,
        },
    ))
}

/// The Error frame that ends a subscription whose key cannot be followed (any more).
fn failed(follow: &Follow, error: &ObserveError) -> Option<(Bytes, Step)> {
    let (code, message) = observe_error(error);
    let frame = error_frame(Some(follow.sub_id), None, code, message);
    ended(follow);
    Some((encoded(&frame), Step::Done))
}

/// Tells the connection the subscription ended by itself.
fn ended(follow: &Follow) {
    // Capacity is the subscription limit, so this never fails for want of room.
    let _ = follow.ended.try_send((follow.sub_id, follow.generation));
}
