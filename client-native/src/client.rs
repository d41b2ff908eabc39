//! [`Client`]: the handle applications hold, and its live calls.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use affinity_avro::{Avro, to_vec};
use affinity_protocol::session::SubId;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::ClientError;
use crate::builder::ClientBuilder;
use crate::context::Context;
use crate::live::{Command, Slot, Subscription};

/// A client of one Affinity server (or cluster address): typed HTTP calls to its `Avro<T>`
/// endpoints, and live subscriptions and publishes over one WebSocket.
///
/// Cheap to clone; clones share the connection and caches. The driver task behind the live
/// WebSocket runs while any clone or any [`Subscription`] is alive, or until
/// [`Client::shutdown`].
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

/// What the clones of a client and its subscriptions share.
pub(crate) struct Shared {
    pub(crate) ctx: Arc<Context>,
    pub(crate) commands: mpsc::Sender<Command>,
    /// Unsubscribes of dropped subscriptions.
    pub(crate) dropped: mpsc::Sender<SubId>,
    pub(crate) cancel: CancellationToken,
    /// Each subscription's buffer of undelivered updates.
    pub(crate) buffer: usize,
    pub(crate) task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.shared.ctx.endpoints)
            .field("encoding", &self.shared.ctx.encoding)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Client { shared }
    }

    pub(crate) fn ctx(&self) -> &Context {
        &self.shared.ctx
    }

    /// Options for a client of the server at `base` (for example `http://127.0.0.1:8080`).
    pub fn builder(base: &str) -> ClientBuilder {
        ClientBuilder::new(base)
    }

    /// A client of the server at `base` with the default options, its live WebSocket open;
    /// fails if it cannot be opened. The same as `Client::builder(base).connect()`.
    pub async fn connect(base: &str) -> Result<Client, ClientError> {
        ClientBuilder::new(base).connect().await
    }

    /// Opens the live WebSocket if it is not open and waits for the attempt's outcome. After a
    /// failure the client keeps trying in the background, with backoff.
    pub async fn ensure_connected(&self) -> Result<(), ClientError> {
        let (reply, answer) = oneshot::channel();
        self.command(Command::Connect { reply }).await?;
        answer.await.unwrap_or(Err(ClientError::Closed))
    }

    /// Subscribes to `key` of `state` in `keyspace`: a stream of the key's values as `V`,
    /// first its current value, then every change. `K` is the state's key type; `V` need not be
    /// the exact type the server writes, only one its writer schema resolves into.
    pub async fn subscribe<K: Avro, V: Avro>(
        &self,
        keyspace: &str,
        state: &str,
        key: &K,
    ) -> Result<Subscription<V>, ClientError> {
        let slot = Arc::new(Slot::new(self.shared.buffer));
        let (reply, answer) = oneshot::channel();
        self.command(Command::Subscribe {
            keyspace: keyspace.to_owned(),
            state: state.to_owned(),
            key: to_vec(key),
            slot: slot.clone(),
            reply,
        })
        .await?;
        let sub = answer.await.unwrap_or(Err(ClientError::Closed))?;
        Ok(Subscription::new(sub, slot, self.shared.clone()))
    }

    /// Sends `message` to the handler of `key` in `keyspace` over the live WebSocket and waits
    /// until the handler accepts it ([`ClientError::Server`] if it rejects it). A publish made
    /// while disconnected is sent after the reconnect; one whose connection drops before the
    /// answer is [`ClientError::PublishInDoubt`].
    pub async fn publish<K: Avro, M: Avro>(
        &self,
        keyspace: &str,
        key: &K,
        message: &M,
    ) -> Result<(), ClientError> {
        let (reply, answer) = oneshot::channel();
        self.command(Command::Publish {
            keyspace: keyspace.to_owned(),
            key: to_vec(key),
            message: to_vec(message),
            reply,
        })
        .await?;
        answer.await.unwrap_or(Err(ClientError::Closed))
    }

    /// Stops the driver task: the WebSocket is closed, every subscription's stream ends and
    /// waiting publishes fail with [`ClientError::Closed`]; later live calls fail the same
    /// way. HTTP calls keep working. Returns once the task has stopped.
    pub async fn shutdown(&self) {
        self.shared.cancel.cancel();
        let task = self
            .shared
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    async fn command(&self, command: Command) -> Result<(), ClientError> {
        if self.shared.cancel.is_cancelled() {
            return Err(ClientError::Closed);
        }
        self.shared
            .commands
            .send(command)
            .await
            .map_err(|_| ClientError::Closed)
    }
}
