//! [`DynKeyspace`]: a running keyspace without its handler type, as the live server and the
//! node's routes use it (by name, with keys and messages as Avro bytes).

use futures_util::future::BoxFuture;
use tokio::sync::oneshot;

use super::{AskError, KeyspaceRef, ObserveError};
use crate::feed::FeedReader;
use crate::partition::Handler;

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

    /// A feed of the key with Avro encoding `key` in state `state`.
    fn observe<'a>(
        &'a self,
        state: &'a str,
        key: &'a [u8],
    ) -> BoxFuture<'a, Result<FeedReader, ObserveError>>;

    /// Hands an Avro-encoded message to the handler of `key`'s partition and waits until it
    /// accepted or rejected it.
    fn publish<'a>(
        &'a self,
        key: &'a [u8],
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<(), PublishError>>;
}

impl<H: Handler> DynKeyspace for KeyspaceRef<H> {
    fn name(&self) -> &str {
        &self.inner.name
    }

    fn observe<'a>(
        &'a self,
        state: &'a str,
        key: &'a [u8],
    ) -> BoxFuture<'a, Result<FeedReader, ObserveError>> {
        Box::pin(async move {
            let index = self.state_named(state)?;
            self.feed(index, key).await
        })
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
            let (reply, outcome) = oneshot::channel();
            let job = decode(key, message, reply)?;
            let partition = self.inner.partitioner.partition(key);
            let handle = self
                .inner
                .partitions
                .get(partition as usize)
                .ok_or(AskError::Stopped)?;
            let deadline = tokio::time::Instant::now() + self.timeout;
            handle.send(self.replica, partition, deadline, job).await?;
            match tokio::time::timeout_at(deadline, outcome).await {
                Ok(Ok(Ok(()))) => Ok(()),
                Ok(Ok(Err(message))) => Err(PublishError::Rejected(message)),
                Ok(Err(_)) => Err(AskError::Failed.into()),
                Err(_) => Err(AskError::Timeout.into()),
            }
        })
    }
}
