//! [`DynKeyspace`]: a running keyspace without its handler type, as the live server and the
//! node's routes use it (by name, with keys and messages as Avro bytes).

use futures_util::future::BoxFuture;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::forward::Routed;
use super::watch::Source;
use super::{AskError, KeyspaceRef, ObserveError};
use crate::feed::FeedReader;
use crate::partition::Handler;
use crate::peer::{Code, Outcome, Publish, RequestBody, Watch};

/// Why a published message was not accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The keyspace accepts no published messages.
    #[error("keyspace `{0}` accepts no published messages")]
    NotAccepted(String),
    /// The key does not decode as the keyspace's published key type.
    #[error("the key does not decode as the keyspace's published key type: {0}")]
    BadKey(String),
    /// The message does not decode as the keyspace's publish type.
    #[error("the message does not decode: {0}")]
    BadMessage(String),
    /// The handler rejected the message.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The partition did not answer.
    #[error(transparent)]
    Ask(#[from] AskError),
}

/// A running keyspace reached by name, with Avro-encoded keys and messages.
pub(crate) trait DynKeyspace: Send + Sync + 'static {
    /// The keyspace's name.
    fn name(&self) -> &str;

    /// Where the changes of the key with Avro encoding `key` in state `state` come from,
    /// for a subscriber that holds the value at `held` (see [`KeyWatch`](super::KeyWatch)).
    fn source<'a>(
        &'a self,
        state: &'a str,
        key: &'a [u8],
        held: Option<u64>,
    ) -> BoxFuture<'a, Result<Source, ObserveError>>;

    /// The partition of the key with Avro encoding `key`.
    fn partition_of(&self, key: &[u8]) -> u32;

    /// A feed of a key that another node's subscriber watches, from this node's replica of
    /// `partition` if it has one; otherwise the refusal to send back.
    fn watch_here<'a>(
        &'a self,
        partition: u32,
        watch: &'a Watch,
    ) -> BoxFuture<'a, Result<FeedReader, Outcome>>;

    /// Hands an Avro-encoded message to the handler of `key`'s partition and waits until it
    /// accepted or rejected it.
    fn publish<'a>(
        &'a self,
        key: &'a [u8],
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<(), PublishError>>;

    /// The partitions as `/cluster` shows them, for node `local`.
    fn view(&self, local: &str) -> serde_json::Value;

    /// Runs a request another node forwarded, if this node masters its partition.
    fn serve_peer(
        &self,
        partition: u32,
        body: RequestBody,
        deadline: Instant,
    ) -> BoxFuture<'_, Outcome>;
}

impl<H: Handler> DynKeyspace for KeyspaceRef<H> {
    fn view(&self, local: &str) -> serde_json::Value {
        KeyspaceRef::view(self, local)
    }

    fn serve_peer(
        &self,
        partition: u32,
        body: RequestBody,
        deadline: Instant,
    ) -> BoxFuture<'_, Outcome> {
        Box::pin(self.serve_forwarded(partition, body, deadline))
    }

    fn name(&self) -> &str {
        &self.inner.name
    }

    fn source<'a>(
        &'a self,
        state: &'a str,
        key: &'a [u8],
        held: Option<u64>,
    ) -> BoxFuture<'a, Result<Source, ObserveError>> {
        Box::pin(async move {
            let index = self.state_named(state)?;
            KeyspaceRef::source(self, index, key, held).await
        })
    }

    fn watch_here<'a>(
        &'a self,
        partition: u32,
        watch: &'a Watch,
    ) -> BoxFuture<'a, Result<FeedReader, Outcome>> {
        Box::pin(self.serve_watch(partition, watch))
    }

    fn partition_of(&self, key: &[u8]) -> u32 {
        self.inner.partitioner.partition(key)
    }

    fn publish<'a>(
        &'a self,
        key: &'a [u8],
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<(), PublishError>> {
        Box::pin(async move {
            let decode = self
                .inner
                .publish
                .as_ref()
                .ok_or_else(|| PublishError::NotAccepted(self.inner.name.clone()))?;
            // Decoded here even when the master is elsewhere, so a bad key or message is
            // refused with its own error before anything travels.
            let (reply, outcome) = oneshot::channel();
            let job = decode(key, message, reply)?;
            let partition = self.inner.partitioner.partition(key);
            let deadline = tokio::time::Instant::now() + self.timeout;
            let routed = self
                .route_request(partition, deadline, false, |_| {
                    Ok(RequestBody::Publish(Publish {
                        key: key.to_vec(),
                        message: message.to_vec(),
                    }))
                })
                .await?;
            match routed {
                Routed::Here => {}
                Routed::Done(_) => return Ok(()),
                Routed::Refused(refused) if refused.code == Code::Rejected => {
                    return Err(PublishError::Rejected(refused.reason));
                }
                Routed::Refused(refused) => return Err(PublishError::BadMessage(refused.reason)),
            }
            self.handle(partition)?.send_here(deadline, job).await?;
            match tokio::time::timeout_at(deadline, outcome).await {
                Ok(Ok(Ok(()))) => Ok(()),
                Ok(Ok(Err(message))) => Err(PublishError::Rejected(message)),
                Ok(Err(_)) => Err(AskError::Failed.into()),
                Err(_) => Err(AskError::Timeout.into()),
            }
        })
    }
}
