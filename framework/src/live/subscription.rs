//! One live subscription: a stream of the frames that carry a key's changes to the connection.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;

use affinity_protocol::frame::ErrorCode;
use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream::{AbortHandle, abortable};
use tokio::sync::mpsc;

use super::frames::{error_frame, item_bytes, observe_error};
use super::writer::encoded;
use crate::feed::{FeedItem, FeedReader};
use crate::keyspace::DynKeyspace;

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
        reader: FeedReader,
        /// Items read from the feed and not sent yet.
        pending: VecDeque<FeedItem>,
    },
    Done,
}

/// `sub_id`'s snapshot (or, resuming from `held`, what changed since), then every change, until
/// the returned handle aborts it (`Unsubscribe`), the writer drops it (the connection closes) or
/// the partition stops.
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
                reader,
                pending,
            } => next(follow, reader, pending).await,
            Step::Done => None,
        }
    });
    let (stream, handle) = abortable(stream);
    (Box::pin(stream), handle)
}

async fn start(follow: Follow) -> Option<(Bytes, Step)> {
    match follow.keyspace.observe(&follow.state, &follow.key).await {
        Ok(mut reader) => {
            let pending = reader.since(follow.held).into();
            next(follow, reader, pending).await
        }
        Err(error) => {
            let (code, message) = observe_error(&error);
            let frame = error_frame(Some(follow.sub_id), None, code, message);
            ended(&follow);
            Some((encoded(&frame), Step::Done))
        }
    }
}

async fn next(
    mut follow: Follow,
    mut reader: FeedReader,
    mut pending: VecDeque<FeedItem>,
) -> Option<(Bytes, Step)> {
    loop {
        if let Some(item) = pending.pop_front() {
            follow.held = Some(item.offset());
            let frame = item_bytes(follow.sub_id, &item);
            return Some((
                frame,
                Step::Following {
                    follow,
                    reader,
                    pending,
                },
            ));
        }
        if !reader.changed().await {
            // The partition stopped (the node is shutting down): the client resubscribes
            // elsewhere or later, resuming from what it holds.
            ended(&follow);
            let frame = error_frame(
                Some(follow.sub_id),
                None,
                ErrorCode::Unavailable,
                "the partition stopped",
            );
            return Some((encoded(&frame), Step::Done));
        }
        pending = reader.since(follow.held).into();
    }
}

/// Tells the connection the subscription ended by itself.
fn ended(follow: &Follow) {
    // Capacity is the subscription limit, so this never fails for want of room.
    let _ = follow.ended.try_send((follow.sub_id, follow.generation));
}
