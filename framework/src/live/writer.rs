//! The writing half of a `/live` connection.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use affinity_protocol::frame::{ServerFrame, encode};
use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::metrics::Counter;

/// How long a closing connection waits to hand its Close frame to a peer that may have stopped
/// reading; after that the socket is dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Why the server closes a connection: the code and reason of its Close frame. The reading
/// half sets it (first reason wins); without one the node is shutting down.
pub(crate) type CloseReason = Arc<OnceLock<(u16, &'static str)>>;

/// Sends queued frames in order until the queue ends or `stop` is cancelled, then closes the
/// socket with the [`CloseReason`]. Every send races `stop`, so a peer that stops reading
/// cannot keep the connection (its task, socket and queue) alive past the heartbeat timeout or
/// the node's shutdown.
pub(crate) async fn run(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: mpsc::Receiver<ServerFrame>,
    stop: CancellationToken,
    reason: CloseReason,
    frames: Counter,
) {
    loop {
        let frame = tokio::select! {
            frame = queue.recv() => frame,
            () = stop.cancelled() => None,
        };
        let Some(frame) = frame else { break };
        frames.inc();
        let sent = tokio::select! {
            sent = sink.send(Message::Binary(encode(&frame).into())) => sent.is_ok(),
            () = stop.cancelled() => false,
        };
        if !sent {
            break;
        }
    }
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
