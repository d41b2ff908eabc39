//! [`PartitionHandle`]: how the rest of the node reaches a partition actor.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::actor::Job;
use super::status::{ReplicaStatus, Role};
use super::{Context, Handler};
use crate::keyspace::AskError;

/// How long a request waits for a partition that has no master here to get one (a standby
/// being promoted), within its own deadline, before it is refused with
/// [`AskError::NoMaster`] (503 with Retry-After over HTTP).
pub(crate) const NO_MASTER_WAIT: Duration = Duration::from_secs(5);

/// Which replicas a request may run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replica {
    /// The master only: reads see every acknowledged write.
    Master,
    /// The master or a standby: reads may be behind the log (stale reads, subscriptions).
    Any,
}

/// A cloneable sender to one partition's mailbox, with the partition's replica status on
/// this node.
pub(crate) struct PartitionHandle<H> {
    tx: mpsc::Sender<Job<H>>,
    status: Arc<ReplicaStatus>,
}

impl<H> Clone for PartitionHandle<H> {
    fn clone(&self) -> Self {
        PartitionHandle {
            tx: self.tx.clone(),
            status: self.status.clone(),
        }
    }
}

impl<H: Handler> PartitionHandle<H> {
    pub(crate) fn new(tx: mpsc::Sender<Job<H>>, status: Arc<ReplicaStatus>) -> Self {
        PartitionHandle { tx, status }
    }

    /// The replica's status on this node.
    pub(crate) fn status(&self) -> &Arc<ReplicaStatus> {
        &self.status
    }

    /// Checks that a request for `replica` may run here, waiting (bounded) for a promotion.
    async fn admit(
        &self,
        replica: Replica,
        deadline: Instant,
        partition: u32,
    ) -> Result<(), AskError> {
        match self.status.role() {
            Role::Master => return Ok(()),
            Role::Remote => return Err(AskError::NoMaster { partition }),
            Role::Standby | Role::Moving if replica == Replica::Any => return Ok(()),
            Role::Standby | Role::Moving => {}
        }
        let wait = deadline.min(Instant::now() + NO_MASTER_WAIT);
        if self.status.wait_master(wait).await {
            Ok(())
        } else {
            Err(AskError::NoMaster { partition })
        }
    }

    /// Runs `f` in the partition (on `replica`) and returns its result, waiting at most until
    /// `deadline` for room in the mailbox and for the answer.
    pub(crate) async fn call<R, F>(
        &self,
        replica: Replica,
        partition: u32,
        deadline: Instant,
        f: F,
    ) -> Result<R, AskError>
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
        self.send(replica, partition, deadline, job).await?;
        match tokio::time::timeout_at(deadline, answer).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(AskError::Failed),
            Err(_) => Err(AskError::Timeout),
        }
    }

    /// Queues `job` (for `replica`) without waiting for it to run.
    pub(crate) async fn send(
        &self,
        replica: Replica,
        partition: u32,
        deadline: Instant,
        job: Job<H>,
    ) -> Result<(), AskError> {
        self.admit(replica, deadline, partition).await?;
        match tokio::time::timeout_at(deadline, self.tx.send(job)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(AskError::Stopped),
            Err(_) => Err(AskError::Timeout),
        }
    }
}
