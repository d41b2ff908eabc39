//! [`Driver`]: the task that owns the live WebSocket and drives the sans-I/O
//! [`Session`](affinity_protocol::session::Session).
//!
//! One loop, one input at a time: a command from the client, a dropped subscription, a message
//! from the socket, the end of a connection attempt, a fetched schema, the session's timer, or
//! cancellation. After each input the driver hands the session's events to their
//! subscriptions and publishes ([`super::events`]) and sends what the session has to send.
//! The session decides everything about the protocol — resume offsets, heartbeats, reconnect
//! backoff, which schemas it needs; the driver only does the I/O it asks for.

use std::collections::{HashMap, HashSet};
use std::future::{Future, pending};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::Schema;
use affinity_protocol::session::{RequestId, Session, SubId};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_util::sync::CancellationToken;

use super::command::Command;
use super::slot::{End, Slot};
use super::socket::{Socket, open};
use crate::ClientError;
use crate::context::Context;

/// The longest wait before retrying a schema fetch that failed.
const MAX_FETCH_BACKOFF: Duration = Duration::from_secs(30);
/// How long a closing handshake may take at shutdown.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

type Connecting = Pin<Box<dyn Future<Output = Result<Box<Socket>, ClientError>> + Send>>;
/// A schema fetch's result: the id, the attempt number and what the registry answered.
type Fetched = (i32, u32, Result<Arc<Schema>, ClientError>);

/// What the driver needs to start.
#[derive(Debug)]
pub(crate) struct DriverParts {
    pub(crate) session: Session,
    pub(crate) ctx: Arc<Context>,
    pub(crate) live_url: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) commands: mpsc::Receiver<Command>,
    pub(crate) dropped: mpsc::Receiver<SubId>,
    pub(crate) cancel: CancellationToken,
}

/// The driver task's state.
pub(crate) struct Driver {
    pub(super) session: Session,
    /// `now` for the session is the time since this instant.
    epoch: Instant,
    pub(super) ctx: Arc<Context>,
    live_url: String,
    connect_timeout: Duration,
    commands: mpsc::Receiver<Command>,
    dropped: mpsc::Receiver<SubId>,
    cancel: CancellationToken,
    socket: Option<Box<Socket>>,
    connecting: Option<Connecting>,
    /// Whether the first connection was asked for (by a subscribe, publish or connect).
    started: bool,
    /// Callers of `connect` waiting for the next attempt's outcome.
    waiters: Vec<oneshot::Sender<Result<(), ClientError>>>,
    pub(super) slots: HashMap<SubId, Arc<Slot>>,
    pub(super) publishes: HashMap<RequestId, oneshot::Sender<Result<(), ClientError>>>,
    fetches: JoinSet<Fetched>,
    pub(super) fetching: HashSet<i32>,
}

/// One thing that happened.
enum Input {
    Stop,
    Command(Command),
    Dropped(SubId),
    Message(Option<Result<Message, WsError>>),
    Connected(Result<Box<Socket>, ClientError>),
    Fetched(Option<Fetched>),
    Timer,
}

impl Driver {
    pub(crate) fn new(parts: DriverParts) -> Self {
        Driver {
            session: parts.session,
            epoch: Instant::now(),
            ctx: parts.ctx,
            live_url: parts.live_url,
            connect_timeout: parts.connect_timeout,
            commands: parts.commands,
            dropped: parts.dropped,
            cancel: parts.cancel,
            socket: None,
            connecting: None,
            started: false,
            waiters: Vec::new(),
            slots: HashMap::new(),
            publishes: HashMap::new(),
            fetches: JoinSet::new(),
            fetching: HashSet::new(),
        }
    }

    /// Runs until the client is shut down or dropped.
    pub(crate) async fn run(mut self) {
        loop {
            match self.next_input().await {
                Input::Stop => break,
                input => self.handle(input),
            }
            self.settle().await;
        }
        if let Some(mut socket) = self.socket.take() {
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, Socket::close(&mut socket, None)).await;
        }
        tracing::debug!("live driver stopped");
    }

    /// The session's clock.
    pub(super) fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    async fn next_input(&mut self) -> Input {
        // A deadline past what an Instant can hold (a ping interval of Duration::MAX, say) is
        // never.
        let deadline = self
            .session
            .poll_timeout()
            .and_then(|d| self.epoch.checked_add(d));
        let Driver {
            cancel,
            commands,
            dropped,
            socket,
            connecting,
            fetches,
            ..
        } = self;
        tokio::select! {
            biased;
            () = cancel.cancelled() => Input::Stop,
            message = async {
                match socket {
                    Some(s) => s.next().await,
                    None => pending().await,
                }
            } => Input::Message(message),
            result = async {
                match connecting {
                    Some(c) => c.await,
                    None => pending().await,
                }
            } => Input::Connected(result),
            sub = dropped.recv() => sub.map_or(Input::Stop, Input::Dropped),
            command = commands.recv() => command.map_or(Input::Stop, Input::Command),
            fetched = fetches.join_next(), if !fetches.is_empty() => {
                Input::Fetched(fetched.and_then(Result::ok))
            }
            () = async {
                match deadline {
                    Some(d) => sleep_until(d).await,
                    None => pending().await,
                }
            } => Input::Timer,
        }
    }

    fn handle(&mut self, input: Input) {
        match input {
            Input::Stop => {}
            Input::Command(command) => self.command(command),
            Input::Dropped(sub) => {
                self.slots.remove(&sub);
                // Unknown when the server already ended it: nothing to do then.
                let _ = self.session.unsubscribe(sub);
            }
            Input::Message(Some(Ok(Message::Binary(bytes)))) => self.session.handle_frame(&bytes),
            Input::Message(Some(Ok(Message::Close(frame)))) => {
                self.lose_socket(&format!("closed by the server: {frame:?}"));
            }
            // Pings are answered by tungstenite; text is not part of the protocol.
            Input::Message(Some(Ok(_))) => {}
            Input::Message(Some(Err(e))) => self.lose_socket(&e.to_string()),
            Input::Message(None) => self.lose_socket("the connection ended"),
            Input::Connected(result) => self.connected(result),
            Input::Fetched(Some((id, attempt, result))) => self.fetched(id, attempt, result),
            // A fetch task that did not finish (it cannot panic): let a later NeedSchema retry.
            Input::Fetched(None) => self.fetching.clear(),
            Input::Timer => {
                let now = self.now();
                self.session.handle_timeout(now);
            }
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Connect { reply } => {
                if self.socket.is_some() {
                    let _ = reply.send(Ok(()));
                } else {
                    self.waiters.push(reply);
                    self.start();
                }
            }
            Command::Subscribe {
                keyspace,
                state,
                key,
                slot,
                reply,
            } => {
                self.start();
                match self.session.subscribe(keyspace, state, key) {
                    Ok(sub) => {
                        if reply.send(Ok(sub)).is_ok() {
                            self.slots.insert(sub, slot);
                        } else {
                            // The caller gave up waiting: nobody will read it.
                            let _ = self.session.unsubscribe(sub);
                        }
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Command::Publish {
                keyspace,
                key,
                message,
                reply,
            } => {
                self.start();
                match self.session.publish(keyspace, key, message) {
                    Ok(request) => {
                        self.publishes.insert(request, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
        }
    }

    /// Opens the first connection, once; later ones follow the session's `Reconnect`.
    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.start_connecting();
        }
    }

    pub(super) fn start_connecting(&mut self) {
        if self.socket.is_some() || self.connecting.is_some() {
            return;
        }
        let url = self.live_url.clone();
        let max = self.session.config().max_frame_size;
        let timeout = self.connect_timeout;
        tracing::debug!(url = %url, "opening the live WebSocket");
        self.connecting = Some(Box::pin(async move {
            open(&url, max, timeout).await.map(Box::new)
        }));
    }

    fn connected(&mut self, result: Result<Box<Socket>, ClientError>) {
        self.connecting = None;
        let now = self.now();
        match result {
            Ok(socket) => {
                tracing::debug!(url = %self.live_url, "live WebSocket open");
                self.socket = Some(socket);
                self.session.connected(now);
                for w in self.waiters.drain(..) {
                    let _ = w.send(Ok(()));
                }
            }
            Err(e) => {
                tracing::warn!(url = %self.live_url, error = %e, "cannot open the live WebSocket");
                self.session.disconnected(now);
                let message = e.to_string();
                let mut first = Some(e);
                for w in self.waiters.drain(..) {
                    let e = first
                        .take()
                        .unwrap_or_else(|| ClientError::WebSocket(message.clone().into()));
                    let _ = w.send(Err(e));
                }
            }
        }
    }

    /// Drops the socket (if any) and tells the session, which schedules a reconnect.
    pub(super) fn lose_socket(&mut self, reason: &str) {
        if self.socket.take().is_some() {
            tracing::info!(reason, "live connection lost");
            let now = self.now();
            self.session.disconnected(now);
        }
    }

    /// Fetches schema `id` in the background: at once on the first attempt, after a doubling
    /// delay on later ones.
    pub(super) fn spawn_fetch(&mut self, id: i32, attempt: u32) {
        let ctx = self.ctx.clone();
        let delay = match attempt {
            0 => Duration::ZERO,
            n => Duration::from_millis(250)
                .saturating_mul(1 << (n - 1).min(16))
                .min(MAX_FETCH_BACKOFF),
        };
        self.fetches.spawn(async move {
            tokio::time::sleep(delay).await;
            (id, attempt, ctx.schema(id).await)
        });
    }

    fn fetched(&mut self, id: i32, attempt: u32, result: Result<Arc<Schema>, ClientError>) {
        match result {
            Ok(schema) => {
                self.fetching.remove(&id);
                self.session.provide_schema(id, schema);
            }
            Err(e) => {
                // Frames written with it wait in the session; keep trying while the client lives.
                tracing::warn!(schema_id = id, attempt, error = %e, "cannot fetch a writer schema");
                self.spawn_fetch(id, attempt.saturating_add(1));
            }
        }
    }

    /// Delivers the session's events and sends its frames until neither has anything left.
    async fn settle(&mut self) {
        loop {
            self.drain_events();
            if self.flush().await {
                break;
            }
        }
    }

    /// Sends every frame the session has; `false` if the socket failed (it is dropped then).
    async fn flush(&mut self) -> bool {
        let timeout = self.session.config().pong_timeout;
        let Driver {
            session, socket, ..
        } = self;
        let Some(socket) = socket.as_mut() else {
            return true;
        };
        let send = async {
            let mut sent = false;
            while let Some(bytes) = session.poll_transmit() {
                socket.feed(Message::Binary(bytes.into())).await?;
                sent = true;
            }
            if sent {
                socket.flush().await?;
            }
            Ok::<(), WsError>(())
        };
        let failure = match tokio::time::timeout(timeout, send).await {
            Ok(Ok(())) => return true,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("sending took longer than {timeout:?}"),
        };
        self.lose_socket(&failure);
        false
    }
}

impl Drop for Driver {
    /// However the task ends, subscriptions end and waiting callers are answered.
    fn drop(&mut self) {
        for slot in self.slots.values() {
            slot.end(End::Closed);
        }
        for (_, reply) in self.publishes.drain() {
            let _ = reply.send(Err(ClientError::Closed));
        }
        for w in self.waiters.drain(..) {
            let _ = w.send(Err(ClientError::Closed));
        }
    }
}
