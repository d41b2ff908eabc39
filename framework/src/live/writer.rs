//! The writing half of a `/live` connection: the connection's answers and its subscriptions'
//! frames, onto the socket.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use affinity_protocol::frame::{ServerFrame, encode};
use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use bytes::Bytes;
use futures_util::stream::{SelectAll, SplitSink};
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::halt::Halt;
use super::subscription::FrameStream;
use crate::metrics::Counter;

/// How long a closing connection waits to hand its Close frame to a peer that may have stopped
/// reading; after that the socket is dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The most frames written before one flush (one `write` to the socket) when several are ready.
const BATCH: usize = 64;

/// Why the server closes a connection: the code and reason of its Close frame. The reading
/// half sets it (first reason wins); without one the node is shutting down.
pub(crate) type CloseReason = Arc<OnceLock<(u16, &'static str)>>;

/// What the reading half hands the writer, in one bounded queue (32 bytes a slot: an idle
/// connection's queue is small).
pub(crate) enum Outgoing {
    /// An encoded frame to send (an answer, a pong, an error): see [`encoded`].
    Frame(Bytes),
    /// A new subscription's frames, to send as they come.
    Follow(FrameStream),
}

/// Sends the queued frames in order, and the subscriptions' frames as their keys change, until
/// the queue ends or the reader halts it, then closes the socket with the [`CloseReason`].
///
/// Subscriptions are polled only when the socket has taken what came before, so a slow client
/// holds back its subscriptions (whose keys' changes coalesce in the partitions' feeds) rather
/// than queueing frames. Frames that are ready together go out in one write. Every send races
/// `halt`, so a peer that stops reading cannot keep the connection (its task, socket and
/// subscriptions) alive past the heartbeat timeout or the node's shutdown.
pub(crate) async fn run(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: mpsc::Receiver<Outgoing>,
    halt: Arc<Halt>,
    reason: CloseReason,
    frames: Counter,
) {
    // Made at the first subscription: a connection without any costs less.
    let mut subscriptions: Option<SelectAll<FrameStream>> = None;
    'connection: loop {
        // A writer that always has a frame ready still stops when halted.
        if halt.is_halted() {
            break;
        }
        // Wait for the first frame…
        let first = tokio::select! {
            biased;
            outgoing = queue.recv() => match outgoing {
                Some(Outgoing::Frame(frame)) => frame,
                Some(Outgoing::Follow(stream)) => {
                    subscriptions.get_or_insert_with(SelectAll::new).push(stream);
                    continue;
                }
                None => break,
            },
            Some(frame) = next_change(&mut subscriptions) => frame,
            () = halt.halted() => break,
        };
        // …then take what else is ready, and write it all with one flush.
        let mut next = Some(first);
        let mut written = 0;
        while let Some(frame) = next.take() {
            frames.inc();
            let message = Message::Binary(frame);
            let fed = tokio::select! {
                biased;
                fed = sink.feed(message) => fed.is_ok(),
                () = halt.halted() => false,
            };
            if !fed {
                break 'connection;
            }
            written += 1;
            if written < BATCH {
                next = ready_frame(&mut queue, &mut subscriptions);
            }
        }
        let flushed = tokio::select! {
            biased;
            flushed = sink.flush() => flushed.is_ok(),
            () = halt.halted() => false,
        };
        if !flushed {
            break;
        }
    }
    drop(subscriptions);
    let (code, why) = reason
        .get()
        .copied()
        .unwrap_or((close_code::AWAY, "the server is shutting down"));
    let close = Message::Close(Some(CloseFrame {
        code,
        reason: why.into(),
    }));
    // Best effort, bounded: the peer may be gone or not reading.
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        let _ = sink.send(close).await;
        let _ = sink.close().await;
    })
    .await;
}

/// A frame's bytes on the wire.
pub(crate) fn encoded(frame: &ServerFrame) -> Bytes {
    Bytes::from(encode(frame))
}

/// The next frame of any subscription; never ready without subscriptions.
async fn next_change(subscriptions: &mut Option<SelectAll<FrameStream>>) -> Option<Bytes> {
    match subscriptions {
        Some(streams) if !streams.is_empty() => streams.next().await,
        _ => std::future::pending().await,
    }
}

/// A frame that is ready now, without waiting: the queue's first, else a subscription's.
/// Subscriptions handed over on the way are added.
fn ready_frame(
    queue: &mut mpsc::Receiver<Outgoing>,
    subscriptions: &mut Option<SelectAll<FrameStream>>,
) -> Option<Bytes> {
    loop {
        match queue.try_recv() {
            Ok(Outgoing::Frame(frame)) => return Some(frame),
            Ok(Outgoing::Follow(stream)) => {
                subscriptions
                    .get_or_insert_with(SelectAll::new)
                    .push(stream);
            }
            Err(_) => break,
        }
    }
    let streams = subscriptions.as_mut().filter(|s| !s.is_empty())?;
    streams.next().now_or_never().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_slot_is_small() {
        // tokio's channel allocates its slots 32 at a time, at the first send: every open
        // connection pays for one block of them.
        assert!(size_of::<Outgoing>() <= 32, "{}", size_of::<Outgoing>());
    }
}
