//! The partition actor: one task per partition, fed by a bounded mailbox of jobs.

use std::future::poll_fn;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::core::PartitionCore;
use super::{Context, Handler};
use crate::changelog::{ChangelogError, Fetched};

/// A unit of work for a partition: a message with its reply channel, or a closure, already
/// bound to the handler's types.
pub(crate) type Job<H> = Box<dyn FnOnce(&mut H, &mut Context<'_>) + Send>;

/// How often a partition sweeps expired values and idle feeds.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// The most jobs a partition runs from its mailbox in a row before it looks at its other
/// events (stop, acknowledgements, the tail, the sweep) again. Waiting on all of them costs
/// more than a small job, so a busy partition takes jobs in runs; the bound keeps the others
/// prompt.
const JOB_RUN: usize = 64;

/// How long a stopping partition waits for the changelog to acknowledge its writes in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// What woke the actor.
enum Event<H> {
    Stop,
    Acked(Result<Vec<u64>, ChangelogError>),
    Fetched(Option<Vec<Fetched>>),
    Job(Option<Job<H>>),
    Tick,
}

/// What a partition actor owns, handed from one run to the next when the replica changes
/// roles.
pub(crate) struct Parts<H> {
    pub(crate) keyspace: String,
    pub(crate) handler: H,
    pub(crate) core: PartitionCore,
    pub(crate) mailbox: mpsc::Receiver<Job<H>>,
}

/// What a standby's actor takes from its changelog tail: the batches of records, and the
/// replica's status, which counts the records once they are applied (a batch still queued
/// when the role changes is read again by the next role, and counted then).
pub(crate) struct TailFeed {
    pub(crate) batches: mpsc::Receiver<Vec<Fetched>>,
    pub(crate) status: std::sync::Arc<super::ReplicaStatus>,
}

/// Runs a partition as master (or embedded) until `stop` is cancelled or every handle is
/// gone, then closes its store (see [`serve`]).
pub(crate) async fn run<H: Handler>(parts: Parts<H>, stop: CancellationToken) {
    if let Some(mut parts) = serve(parts, None, stop, None).await {
        close(&mut parts.core);
    }
}

/// Runs a partition until `stop` is cancelled or every handle is gone: takes jobs from the
/// mailbox one at a time, applies the changelog's acknowledgements as they come — or, as a
/// standby (`tail` given), the records its changelog's tail hands it — sweeps expired values
/// every [`SWEEP_EVERY`], and on the way out finishes the jobs already queued and waits
/// (bounded) for the writes in flight.
///
/// Returns the parts for the replica's next role, unless the node is stopping (`closing`
/// cancelled, or not given) or the store no longer matches the log: then the store is closed
/// and it returns `None`. The handler's `started` runs when it starts as master or embedded.
/// (The caller instruments the future with the partition's span.)
pub(crate) async fn serve<H: Handler>(
    parts: Parts<H>,
    mut tail: Option<TailFeed>,
    stop: CancellationToken,
    closing: Option<CancellationToken>,
) -> Option<Parts<H>> {
    let Parts {
        keyspace,
        mut handler,
        mut core,
        mut mailbox,
    } = parts;
    if tail.is_none() {
        let mut ctx = Context {
            core: &mut core,
            keyspace: &keyspace,
        };
        if catch_unwind(AssertUnwindSafe(|| handler.started(&mut ctx))).is_err() {
            tracing::error!("the handler panicked in `started`; the partition goes on");
        }
    }
    sweep(&mut core);
    let mut broken = false;
    let mut ticker = tokio::time::interval(SWEEP_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let accepts = core.accepts_jobs();
        let event = tokio::select! {
            biased;
            () = stop.cancelled() => Event::Stop,
            acked = poll_fn(|cx| core.poll_acked(cx)) => Event::Acked(acked),
            batch = next_batch(&mut tail) => Event::Fetched(batch),
            job = mailbox.recv(), if accepts => Event::Job(job),
            _ = ticker.tick() => Event::Tick,
        };
        match event {
            Event::Stop | Event::Job(None) => break,
            Event::Acked(acked) => {
                if !on_acked(&mut core, acked) {
                    // The store no longer matches the log: stop rather than serve it.
                    broken = true;
                    break;
                }
            }
            Event::Fetched(Some(batch)) => {
                if let Err(error) = core.apply_fetched(&batch) {
                    tracing::error!(%error, "applying the changelog's records failed; the replica stops");
                    broken = true;
                    break;
                }
                if let Some(tail) = &tail {
                    tail.status.add_replayed(batch.len() as u64);
                }
            }
            // The tail ended; its owner restarts it or changes the replica's role.
            Event::Fetched(None) => tail = None,
            Event::Job(Some(job)) => {
                run_job(job, &mut handler, &mut core, &keyspace);
                for _ in 1..JOB_RUN {
                    if !core.accepts_jobs() {
                        break;
                    }
                    let Ok(job) = mailbox.try_recv() else { break };
                    run_job(job, &mut handler, &mut core, &keyspace);
                }
                // The run's writes go to the log together.
                core.flush();
            }
            Event::Tick => sweep(&mut core),
        }
    }
    if broken || mailbox.is_closed() || closing.as_ref().is_none_or(CancellationToken::is_cancelled)
    {
        // Jobs already accepted get their answers: close the mailbox, then drain it.
        mailbox.close();
        while let Ok(job) = mailbox.try_recv() {
            run_job(job, &mut handler, &mut core, &keyspace);
        }
        drain(&mut core).await;
        close(&mut core);
        return None;
    }
    // A change of role: the jobs waiting in the mailbox go to the replica's next run.
    drain(&mut core).await;
    Some(Parts {
        keyspace,
        handler,
        core,
        mailbox,
    })
}

/// The next batch from a standby's tail; never ready without one.
async fn next_batch(tail: &mut Option<TailFeed>) -> Option<Vec<Fetched>> {
    match tail {
        Some(tail) => tail.batches.recv().await,
        None => std::future::pending().await,
    }
}

fn close(core: &mut PartitionCore) {
    match core.close() {
        Ok(()) => tracing::debug!("partition stopped; store closed"),
        Err(error) => tracing::error!(%error, "closing the partition's store failed"),
    }
}

fn run_job<H>(job: Job<H>, handler: &mut H, core: &mut PartitionCore, keyspace: &str) {
    core.begin_job();
    let mut ctx = Context { core, keyspace };
    // A panicking job drops its reply sender, so its caller learns it failed; the partition
    // itself stays up (DESIGN.md §7: nothing poisons a partition).
    if catch_unwind(AssertUnwindSafe(|| job(handler, &mut ctx))).is_err() {
        tracing::error!("a handler panicked; its caller gets an error and the partition goes on");
    }
}

/// Applies an acknowledgement (or a failure) of the changelog. Returns false when the
/// partition cannot go on.
fn on_acked(core: &mut PartitionCore, acked: Result<Vec<u64>, ChangelogError>) -> bool {
    match acked {
        Ok(offsets) => match core.acked(offsets) {
            Ok(()) => true,
            Err(error) => {
                tracing::error!(%error, "applying acknowledged writes to the store failed; the partition stops");
                false
            }
        },
        Err(error) => {
            core.failed(&error);
            true
        }
    }
}

/// Waits, up to [`DRAIN_TIMEOUT`], for the changelog to acknowledge the writes in flight, so
/// their callers get answers.
async fn drain(core: &mut PartitionCore) {
    let deadline = tokio::time::Instant::now() + DRAIN_TIMEOUT;
    while core.in_flight() {
        core.flush();
        match tokio::time::timeout_at(deadline, poll_fn(|cx| core.poll_acked(cx))).await {
            Ok(acked) => {
                if !on_acked(core, acked) {
                    return;
                }
            }
            Err(_) => {
                core.failed(&ChangelogError::Stopped);
                tracing::warn!("the changelog did not acknowledge the last writes in time");
                return;
            }
        }
    }
}

fn sweep(core: &mut PartitionCore) {
    core.begin_job();
    match core.sweep() {
        Ok(0) => {}
        Ok(deleted) => tracing::debug!(deleted, "expired values deleted"),
        Err(error) => tracing::error!(%error, "sweeping expired values failed"),
    }
    core.flush();
}
