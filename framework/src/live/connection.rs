//! One `/live` connection: reads client frames, runs a task per publish (publishes to one key
//! one after another), and hands its answers and subscriptions to the writer through one
//! bounded queue.

use std::collections::HashMap;
use std::sync::Arc;

use affinity_protocol::ProtocolError;
use affinity_protocol::frame::{
    ClientFrame, ErrorCode, Pong, Publish, Published, ServerFrame, Subscribe, decode_limited,
};
use axum::extract::ws::{Message, WebSocket, close_code};
use futures_util::StreamExt;
use futures_util::stream::AbortHandle;
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::LiveContext;
use super::frames::{error_frame, publish_error};
use super::halt::Halt;
use super::order::PublishOrder;
use super::subscription::{Ended, Follow, follow};
use super::writer::{self, CloseReason, Outgoing, encoded};

/// Serves one upgraded socket until the client closes it, goes silent, breaks the protocol
/// at the WebSocket level, or the node shuts down.
pub(crate) async fn serve(socket: WebSocket, ctx: Arc<LiveContext>) {
    let limits = &ctx.limits;
    let (sink, mut stream) = socket.split();
    let (out, queue) = mpsc::channel::<Outgoing>(limits.queue_capacity);
    let stop = ctx.stop.child_token();
    let tasks = TaskTracker::new();
    let metrics = ctx.metrics.clone();
    metrics.connections.inc();

    // The writer owns the sink: frames leave in the order they were queued.
    let reason = CloseReason::default();
    let halt = Arc::new(Halt::default());
    let writer = tokio::spawn(writer::run(
        sink,
        queue,
        halt.clone(),
        reason.clone(),
        metrics.frames.clone(),
    ));

    let mut conn = Connection {
        ctx: &ctx,
        out: out.clone(),
        stop: stop.clone(),
        tasks: tasks.clone(),
        subs: HashMap::new(),
        generation: 0,
        ended: mpsc::channel(limits.max_subscriptions.max(1)),
        publishes: Arc::new(Semaphore::new(limits.max_publishes.max(1))),
        order: PublishOrder::new(limits.max_publishes.max(1)),
    };
    loop {
        let message = tokio::select! {
            () = stop.cancelled() => break,
            Some((sub_id, generation)) = conn.ended.1.recv() => {
                conn.ended_by_itself(sub_id, generation);
                continue;
            }
            message = tokio::time::timeout(limits.idle_timeout, stream.next()) => message,
        };
        match message {
            Err(_) => {
                tracing::debug!("live connection idle past its heartbeat; closing");
                let _ = reason.set((
                    close_code::AWAY,
                    "nothing received within the heartbeat timeout",
                ));
                break;
            }
            Ok(None | Some(Ok(Message::Close(_)))) => break,
            Ok(Some(Err(error))) => {
                tracing::debug!(%error, "live connection failed");
                let _ = reason.set(close_reason(error));
                break;
            }
            Ok(Some(Ok(Message::Binary(bytes)))) => {
                if !conn.frame(&bytes).await {
                    break;
                }
            }
            Ok(Some(Ok(Message::Text(_)))) => {
                if !conn
                    .send(error_frame(
                        None,
                        None,
                        ErrorCode::BadFrame,
                        "only binary frames are accepted",
                    ))
                    .await
                {
                    break;
                }
            }
            // WebSocket pings are answered by the library; pongs need nothing.
            Ok(Some(Ok(_))) => {}
        }
    }
    stop.cancel();
    halt.halt();
    tasks.close();
    tasks.wait().await;
    metrics.subscriptions.add(-(conn.subs.len() as f64));
    metrics.connections.dec();
    drop(conn);
    drop(out);
    let _ = writer.await;
}

/// The Close frame for a connection whose peer broke the WebSocket protocol: 1009 for a message
/// over the size limit, so that a well-behaved client does not just reconnect and send it
/// again; 1002 otherwise.
fn close_reason(error: axum::Error) -> (u16, &'static str) {
    let inner = error.into_inner();
    match inner.downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Capacity(_)) => (close_code::SIZE, "message too big"),
        _ => (close_code::PROTOCOL, "websocket protocol error"),
    }
}

/// The state of one connection's reading side.
struct Connection<'a> {
    ctx: &'a LiveContext,
    out: mpsc::Sender<Outgoing>,
    stop: CancellationToken,
    tasks: TaskTracker,
    /// Live subscriptions, each with the handle that ends it and the generation it was
    /// started in.
    subs: HashMap<i64, (AbortHandle, u64)>,
    /// Counts subscriptions started, so that the end of an old subscription is never taken for
    /// the end of a newer one that reuses its `sub_id`.
    generation: u64,
    /// Subscriptions whose stream ended by itself (an error, a stopped partition).
    ended: (mpsc::Sender<Ended>, mpsc::Receiver<Ended>),
    publishes: Arc<Semaphore>,
    /// Publishes to one key wait for the previous one to that key.
    order: PublishOrder,
}

impl Connection<'_> {
    /// Handles one binary message; `false` when the connection should close.
    async fn frame(&mut self, bytes: &[u8]) -> bool {
        match decode_limited::<ClientFrame>(bytes, self.ctx.limits.max_frame_size) {
            Ok(ClientFrame::Subscribe(s)) => self.subscribe(s).await,
            Ok(ClientFrame::Unsubscribe(u)) => {
                if let Some((handle, _)) = self.subs.remove(&u.sub_id) {
                    handle.abort();
                    self.ctx.metrics.subscriptions.dec();
                }
                true
            }
            Ok(ClientFrame::Publish(p)) => self.publish(p).await,
            Ok(ClientFrame::Ping(ping)) => {
                self.send(ServerFrame::Pong(Pong { nonce: ping.nonce }))
                    .await
            }
            Err(error) => {
                self.ctx.metrics.bad_frames.inc();
                let message = match error {
                    ProtocolError::UnknownFrame { .. } => {
                        "a kind of frame this server does not know".to_owned()
                    }
                    other => other.to_string(),
                };
                self.send(error_frame(None, None, ErrorCode::BadFrame, message))
                    .await
            }
        }
    }

    async fn subscribe(&mut self, s: Subscribe) -> bool {
        let sub_id = s.sub_id;
        let refuse = |code, message: String| error_frame(Some(sub_id), None, code, message);
        if self.subs.contains_key(&sub_id) {
            return self
                .send(refuse(
                    ErrorCode::BadFrame,
                    format!("sub_id {sub_id} is already in use"),
                ))
                .await;
        }
        if self.subs.len() >= self.ctx.limits.max_subscriptions {
            return self
                .send(refuse(
                    ErrorCode::Overloaded,
                    format!(
                        "at most {} subscriptions per connection",
                        self.ctx.limits.max_subscriptions
                    ),
                ))
                .await;
        }
        let Some(keyspace) = self.ctx.keyspaces.named(&s.keyspace).cloned() else {
            return self
                .send(refuse(
                    ErrorCode::UnknownKeyspace,
                    format!("no keyspace named `{}`", s.keyspace),
                ))
                .await;
        };
        self.generation += 1;
        let generation = self.generation;
        let (stream, handle) = follow(Follow {
            sub_id,
            generation,
            keyspace,
            state: s.state,
            key: s.key,
            held: s.resume_from.and_then(|o| u64::try_from(o).ok()),
            ended: self.ended.0.clone(),
        });
        if !self.queue(Outgoing::Follow(stream)).await {
            return false;
        }
        self.subs.insert(sub_id, (handle, generation));
        self.ctx.metrics.subscriptions.inc();
        true
    }

    async fn publish(&mut self, p: Publish) -> bool {
        let request_id = p.request_id;
        let Some(keyspace) = self.ctx.keyspaces.named(&p.keyspace).cloned() else {
            return self
                .send(error_frame(
                    None,
                    Some(request_id),
                    ErrorCode::UnknownKeyspace,
                    format!("no keyspace named `{}`", p.keyspace),
                ))
                .await;
        };
        // Past the limit, reading waits for a publish to finish: backpressure to the client.
        let permit = tokio::select! {
            permit = self.publishes.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return false,
            },
            () = self.stop.cancelled() => return false,
        };
        let (turn, done) = self.order.next(&p.keyspace, &p.key);
        let out = self.out.clone();
        self.tasks.spawn(async move {
            turn.wait().await;
            let frame = match keyspace.publish(&p.key, &p.message).await {
                Ok(()) => ServerFrame::Published(Published { request_id }),
                Err(error) => {
                    let (code, message) = publish_error(&error);
                    error_frame(None, Some(request_id), code, message)
                }
            };
            let _ = out.send(Outgoing::Frame(encoded(&frame))).await;
            // Answered: the next publish to this key may go.
            drop(done);
            drop(permit);
        });
        true
    }

    /// Forgets a subscription whose task ended by itself, unless `sub_id` now names a newer one.
    fn ended_by_itself(&mut self, sub_id: i64, generation: u64) {
        if self
            .subs
            .get(&sub_id)
            .is_some_and(|(_, g)| *g == generation)
        {
            self.subs.remove(&sub_id);
            self.ctx.metrics.subscriptions.dec();
        }
    }

    /// Queues a frame; `false` if the connection is closing.
    async fn send(&self, frame: ServerFrame) -> bool {
        self.queue(Outgoing::Frame(encoded(&frame))).await
    }

    /// Hands something to the writer; `false` if the connection is closing.
    async fn queue(&self, outgoing: Outgoing) -> bool {
        tokio::select! {
            sent = self.out.send(outgoing) => sent.is_ok(),
            () = self.stop.cancelled() => false,
        }
    }
}
