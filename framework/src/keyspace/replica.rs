//! A partition's replica on a node of a cluster (DESIGN.md §3, §4.4): a standby that tails
//! the changelog into its own store and campaigns for the mastership; once elected, it fences
//! the previous master, catches up to the end of the log and serves as master until it loses
//! the mastership; then it is a standby again.
//!
//! The replica's actor is restarted at each change of role; its mailbox, handler, store and
//! in-memory state pass from one run to the next ([`Parts`]), so callers' handles stay valid
//! and jobs waiting in the mailbox run on the next role. While the replica changes roles its
//! status is [`Role::Moving`], and requests for the master wait (bounded) for it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::master::Fencing;
use crate::changelog::{ChangelogError, Clients, Tail};
use crate::coordinator::{Coordinator, CoordinatorError};
use crate::partition::{Handler, Job, Parts, ReplicaStatus, Role, TailFeed, serve};

/// Batches a standby's tail may have handed over and its actor not yet applied.
const TAIL_BATCHES: usize = 4;

/// How long a replica waits before it tries again after a failed promotion or tail.
const RETRY: Duration = Duration::from_secs(1);

/// What a replica needs from its node.
pub(crate) struct ReplicaEnv {
    pub(crate) keyspace: String,
    pub(crate) partition: u32,
    pub(crate) clients: Clients,
    pub(crate) topics: Arc<[String]>,
    pub(crate) coordinator: Arc<dyn Coordinator>,
    pub(crate) status: Arc<ReplicaStatus>,
    /// Cancelled when the node stops.
    pub(crate) closing: CancellationToken,
    /// Cancelled when the assignment moves this replica to another node.
    pub(crate) released: CancellationToken,
}

/// How a standby run ended.
enum StandbyEnd<H> {
    /// Elected: promote (the fencing of the previous master is under way).
    Elected(crate::coordinator::Mastership, Parts<H>, Fencing),
    /// The tail failed or the campaign was refused for now: be a standby again.
    Again(Parts<H>),
    /// The replica is no longer this node's: the assignment moved it.
    Released(Parts<H>),
    /// The node stops, or the store broke.
    Done,
}

/// Runs the replica until the node stops (`None`), or until the assignment moves it away:
/// then its store is closed and the partition's mailbox handed back, for the replica to be
/// opened again should the partition come back.
pub(crate) async fn supervise<H: Handler>(
    env: ReplicaEnv,
    mut parts: Parts<H>,
) -> Option<mpsc::Receiver<Job<H>>> {
    let released = loop {
        parts = match standby(&env, parts).await {
            StandbyEnd::Elected(mastership, parts, fencing) => {
                match master(&env, mastership, parts, fencing).await {
                    Some(parts) => parts,
                    None => break None,
                }
            }
            StandbyEnd::Again(parts) => {
                pause(&env.closing).await;
                parts
            }
            StandbyEnd::Released(parts) => break Some(parts),
            StandbyEnd::Done => break None,
        };
        if env.closing.is_cancelled() {
            close(parts);
            break None;
        }
        if env.released.is_cancelled() {
            break Some(parts);
        }
    };
    env.status.set_role(Role::Moving);
    tracing::debug!(keyspace = %env.keyspace, partition = env.partition, "replica stopped");
    let mut parts = released?;
    tracing::info!(keyspace = %env.keyspace, partition = env.partition, "the assignment moved this replica away; closing it");
    if let Err(error) = parts.core.close() {
        tracing::error!(%error, "closing the replica's store failed");
    }
    Some(parts.mailbox)
}

/// Serves as a standby — tailing the log, reporting the lag — until elected.
async fn standby<H: Handler>(env: &ReplicaEnv, mut parts: Parts<H>) -> StandbyEnd<H> {
    let role = env.closing.child_token();
    let (tx, rx) = mpsc::channel(TAIL_BATCHES);
    let (lag_tx, mut lag) = watch::channel(None);
    parts.core.detach(&ChangelogError::Stopped);
    let mut tail = Tail {
        clients: env.clients.clone(),
        topics: env.topics.clone(),
        partition: env.partition,
        from: parts.core.checkpoints().to_vec(),
        out: tx,
        lag: lag_tx,
        stop: role.clone(),
    }
    .spawn();
    let span = tracing::info_span!("standby", keyspace = %env.keyspace, partition = env.partition);
    let mut actor = tokio::spawn(
        serve(
            parts,
            Some(TailFeed {
                batches: rx,
                status: env.status.clone(),
            }),
            role.clone(),
            Some(env.closing.clone()),
        )
        .instrument(span),
    );
    env.status.set_epoch(0);
    env.status.set_lag(None);
    env.status.set_role(Role::Standby);
    tracing::info!(keyspace = %env.keyspace, partition = env.partition, "standby: tailing the changelog");
    let campaign = env.coordinator.campaign(&env.keyspace, env.partition);
    tokio::pin!(campaign);
    let won = loop {
        tokio::select! {
            won = &mut campaign => break Some(won),
            Ok(()) = lag.changed() => env.status.set_lag(*lag.borrow()),
            ended = &mut tail => {
                match ended {
                    Ok(Err(error)) => tracing::warn!(keyspace = %env.keyspace, partition = env.partition, %error, "the standby's tail failed; restarting it"),
                    _ => tracing::warn!(keyspace = %env.keyspace, partition = env.partition, "the standby's tail ended; restarting it"),
                }
                break None;
            }
            _ = env.closing.cancelled() => break None,
            _ = env.released.cancelled() => break None,
        }
    };
    env.status.set_role(Role::Moving);
    // Elected: fencing the previous master takes a round of the transaction coordinator
    // (up to half a second here); it needs nothing from the standby, so it runs while the
    // tail stops and the actor hands its parts back.
    let fencing = matches!(won, Some(Ok(_)))
        .then(|| super::master::fence(&env.clients, &env.keyspace, env.partition, &env.topics));
    role.cancel();
    if fencing.is_none() {
        let _ = tail.await;
    }
    // Elected, the tail is not waited for: closing its Kafka consumers takes librdkafka a
    // tenth of a second or more, and it cannot hand the actor anything once the actor is
    // stopped (what it read and the store did not get, the catch-up reads again from the
    // store's checkpoints). It ends on its blocking thread by itself.
    let Ok(Some(parts)) = (&mut actor).await else {
        return StandbyEnd::Done;
    };
    match (won, fencing) {
        (Some(Ok(mastership)), Some(fencing)) => StandbyEnd::Elected(mastership, parts, fencing),
        // The assignment moved this replica away (the node's placement reopens it if the
        // partition comes back).
        (Some(Err(CoordinatorError::NotAReplica { .. })), _) => StandbyEnd::Released(parts),
        (Some(Err(error)), _) => {
            tracing::warn!(keyspace = %env.keyspace, partition = env.partition, %error, "campaigning for the mastership failed; trying again");
            StandbyEnd::Again(parts)
        }
        _ if env.closing.is_cancelled() => {
            close(parts);
            StandbyEnd::Done
        }
        _ if env.released.is_cancelled() => StandbyEnd::Released(parts),
        _ => StandbyEnd::Again(parts),
    }
}

/// Promotes the replica and serves as master until the mastership is lost. Returns the parts
/// for the next standby run, or `None` when the replica ends.
async fn master<H: Handler>(
    env: &ReplicaEnv,
    mastership: crate::coordinator::Mastership,
    parts: Parts<H>,
    fencing: Fencing,
) -> Option<Parts<H>> {
    let Parts {
        keyspace,
        handler,
        core,
        mailbox,
    } = parts;
    let epoch = mastership.epoch();
    tracing::info!(keyspace = %env.keyspace, partition = env.partition, epoch, "elected master; fencing and catching up");
    let (core, promoted) =
        super::master::promote(&env.keyspace, env.topics.clone(), core, fencing).await;
    let mut core = core?;
    let parts = Parts {
        keyspace,
        handler,
        core: {
            if let Err(error) = &promoted {
                tracing::error!(keyspace = %env.keyspace, partition = env.partition, %error, "promotion failed; resigning and staying a standby");
                core.detach(&ChangelogError::Stopped);
            }
            core
        },
        mailbox,
    };
    if let Ok(caught_up) = &promoted {
        env.status.caught_up(*caught_up);
    }
    if promoted.is_err() || !mastership.is_held() {
        if let Err(error) = env.coordinator.resign(&env.keyspace, env.partition).await {
            tracing::warn!(%error, "resigning failed");
        }
        pause(&env.closing).await;
        return Some(parts);
    }
    let role = env.closing.child_token();
    let span = tracing::info_span!("partition", keyspace = %env.keyspace, partition = env.partition, epoch);
    let mut actor =
        tokio::spawn(serve(parts, None, role.clone(), Some(env.closing.clone())).instrument(span));
    env.status.set_epoch(epoch);
    env.status.set_lag(Some(0));
    env.status.set_role(Role::Master);
    tracing::info!(keyspace = %env.keyspace, partition = env.partition, epoch, "serving as master");
    let ended_by_itself = tokio::select! {
        () = mastership.lost() => {
            tracing::warn!(keyspace = %env.keyspace, partition = env.partition, epoch, "the mastership was lost; stepping down");
            false
        }
        _ = env.closing.cancelled() => false,
        () = env.released.cancelled() => {
            tracing::info!(keyspace = %env.keyspace, partition = env.partition, epoch, "the assignment moved this replica away; stepping down");
            false
        }
        _ = &mut actor => true,
    };
    env.status.set_role(Role::Moving);
    if ended_by_itself {
        return None;
    }
    role.cancel();
    let mut parts = actor.await.ok().flatten()?;
    parts.core.detach(&ChangelogError::Aborted(
        "this node lost the partition's mastership".to_owned(),
    ));
    if let Err(error) = env.coordinator.resign(&env.keyspace, env.partition).await {
        tracing::debug!(%error, "resigning after losing the mastership failed");
    }
    Some(parts)
}

/// Closes a replica's store.
fn close<H>(mut parts: Parts<H>) {
    if let Err(error) = parts.core.close() {
        tracing::error!(%error, "closing the replica's store failed");
    }
}

/// Waits [`RETRY`], or less if the node stops.
async fn pause(closing: &CancellationToken) {
    tokio::select! {
        () = tokio::time::sleep(RETRY) => {}
        () = closing.cancelled() => {}
    }
}
