//! [`PartitionHandle`]: how the rest of the node reaches a partition actor.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::actor::Job;
use super::status::{ReplicaStatus, Role};
use super::{Context, Handler};
use crate::coordinator::{MasterInfo, Member, MemberId};
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

/// Where a request for a partition runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// On this node's replica.
    Here,
    /// On the master, which is this other member: forward it over the peer link.
    Peer(Member),
}

/// Who masters a partition, as the coordinator says (Kafka mode), and who this node is.
#[derive(Debug, Clone)]
pub(crate) struct MasterWatch {
    pub(crate) master: watch::Receiver<Option<MasterInfo>>,
    pub(crate) local: MemberId,
}

/// A cloneable sender to one partition's mailbox, with the partition's replica status on
/// this node and, in a cluster, who masters it.
pub(crate) struct PartitionHandle<H> {
    tx: mpsc::Sender<Job<H>>,
    status: Arc<ReplicaStatus>,
    master: Option<MasterWatch>,
}

impl<H> Clone for PartitionHandle<H> {
    fn clone(&self) -> Self {
        PartitionHandle {
            tx: self.tx.clone(),
            status: self.status.clone(),
            master: self.master.clone(),
        }
    }
}

impl<H: Handler> PartitionHandle<H> {
    pub(crate) fn new(
        tx: mpsc::Sender<Job<H>>,
        status: Arc<ReplicaStatus>,
        master: Option<MasterWatch>,
    ) -> Self {
        PartitionHandle { tx, status, master }
    }

    /// The replica's status on this node.
    pub(crate) fn status(&self) -> &Arc<ReplicaStatus> {
        &self.status
    }

    /// Who masters the partition as the coordinator last said (`Some(None)`: no master now);
    /// `None` without a coordinator (embedded mode).
    pub(crate) fn master_info(&self) -> Option<Option<MasterInfo>> {
        self.master.as_ref().map(|m| m.master.borrow().clone())
    }

    /// Whether a request for `replica` runs on this node's replica as things stand: what
    /// [`route`](Self::route) answers at once when it answers [`Route::Here`].
    pub(crate) fn serves_here(&self, replica: Replica) -> bool {
        runs_here(self.status.role(), replica)
    }

    /// Where a request for `replica` runs: here when this node's replica may serve it, else on
    /// the master's node. While the partition has no master anywhere (or this node's replica
    /// is being promoted), waits for one until `wait_until`, then fails with
    /// [`AskError::NoMaster`].
    pub(crate) async fn route(
        &self,
        replica: Replica,
        partition: u32,
        wait_until: Instant,
    ) -> Result<Route, AskError> {
        let mut role = self.status.subscribe();
        let mut master = self.master.as_ref().map(|m| m.master.clone());
        loop {
            if runs_here(*role.borrow_and_update(), replica) {
                return Ok(Route::Here);
            }
            if let (Some(watch), Some(known)) = (&self.master, master.as_mut())
                && let Some(info) = known.borrow_and_update().as_ref()
                && info.member.id != watch.local
            {
                return Ok(Route::Peer(info.member.clone()));
            }
            // No master, or this node's own replica is being promoted: wait for either to
            // change.
            let changed = async {
                match master.as_mut() {
                    Some(known) => tokio::select! {
                        r = role.changed() => r.is_ok(),
                        r = known.changed() => r.is_ok(),
                    },
                    None => role.changed().await.is_ok(),
                }
            };
            match tokio::time::timeout_at(wait_until, changed).await {
                Ok(true) => {}
                Ok(false) => return Err(AskError::Stopped),
                Err(_) => return Err(AskError::NoMaster { partition }),
            }
        }
    }

    /// Runs `f` in the partition (on `replica`) and returns its result, waiting at most until
    /// `deadline` for room in the mailbox and for the answer. A closure cannot travel to
    /// another node: when the partition is served elsewhere, this fails with
    /// [`AskError::NotForwardable`] saying it was `what` (for people).
    pub(crate) async fn call<R, F>(
        &self,
        what: &'static str,
        replica: Replica,
        partition: u32,
        deadline: Instant,
        f: F,
    ) -> Result<R, AskError>
    where
        R: Send + 'static,
        F: FnOnce(&mut H, &mut Context<'_>) -> R + Send + 'static,
    {
        self.here(what, replica, partition, deadline).await?;
        self.call_here(deadline, f).await
    }

    /// Runs `f` in this node's replica, whatever its role (the caller routed the request).
    pub(crate) async fn call_here<R, F>(&self, deadline: Instant, f: F) -> Result<R, AskError>
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
        self.send_here(deadline, job).await?;
        match tokio::time::timeout_at(deadline, answer).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(AskError::Failed),
            Err(_) => Err(AskError::Timeout),
        }
    }

    /// Queues `job` on this node's replica, whatever its role.
    pub(crate) async fn send_here(&self, deadline: Instant, job: Job<H>) -> Result<(), AskError> {
        match tokio::time::timeout_at(deadline, self.tx.send(job)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(AskError::Stopped),
            Err(_) => Err(AskError::Timeout),
        }
    }

    /// Checks that `what`, a closure, which cannot be forwarded, may run here.
    async fn here(
        &self,
        what: &'static str,
        replica: Replica,
        partition: u32,
        deadline: Instant,
    ) -> Result<(), AskError> {
        let wait_until = deadline.min(Instant::now() + NO_MASTER_WAIT);
        match self.route(replica, partition, wait_until).await? {
            Route::Here => Ok(()),
            Route::Peer(member) => Err(AskError::NotForwardable {
                what,
                partition,
                master: member.id.to_string(),
            }),
        }
    }
}

/// Whether a replica in `role` runs a request for `replica`.
fn runs_here(role: Role, replica: Replica) -> bool {
    match role {
        Role::Master => true,
        Role::Standby | Role::Moving => replica == Replica::Any,
        _ => false,
    }
}
