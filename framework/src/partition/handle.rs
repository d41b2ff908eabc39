//! [`PartitionHandle`]: how the rest of the node reaches a partition actor.

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::actor::Job;
use super::{Context, Handler};
use crate::keyspace::AskError;

/// A cloneable sender to one partition's mailbox.
pub(crate) struct PartitionHandle<H> {
    tx: mpsc::Sender<Job<H>>,
}

impl<H> Clone for PartitionHandle<H> {
    fn clone(&self) -> Self {
        PartitionHandle {
            tx: self.tx.clone(),
        }
    }
}

impl<H: Handler> PartitionHandle<H> {
    pub(crate) fn new(tx: mpsc::Sender<Job<H>>) -> Self {
        PartitionHandle { tx }
    }

    /// Runs `f` in the partition and returns its result, waiting at most until `deadline` for
    /// room in the mailbox and for the answer.
    pub(crate) async fn call<R, F>(&self, deadline: Instant, f: F) -> Result<R, AskError>
    where
        R: Send + 'static,
        F: FnOnce(&mut H, &mut Context<'_>) -> R + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job<H> = Box::new(move |handler, ctx| {
            let value = f(handler, ctx);
            // The answer goes once the writes it depends on are durable (at once without a
            // changelog). The caller may have timed out and gone: then nobody wants it.
            ctx.core.reply(Box::new(move |durable| {
                let _ = reply.send(durable.map(|()| value));
            }));
        });
        self.send(deadline, job).await?;
        match tokio::time::timeout_at(deadline, answer).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(AskError::Failed),
            Err(_) => Err(AskError::Timeout),
        }
    }

    /// Queues `job` without waiting for it to run.
    pub(crate) async fn send(&self, deadline: Instant, job: Job<H>) -> Result<(), AskError> {
        match tokio::time::timeout_at(deadline, self.tx.send(job)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(AskError::Stopped),
            Err(_) => Err(AskError::Timeout),
        }
    }
}
