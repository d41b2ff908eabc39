//! The partition actor: one task per partition, fed by a bounded mailbox of jobs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::core::PartitionCore;
use super::{Context, Handler};

/// A unit of work for a partition: a message with its reply channel, or a closure, already
/// bound to the handler's types.
pub(crate) type Job<H> = Box<dyn FnOnce(&mut H, &mut Context<'_>) + Send>;

/// How often a partition sweeps expired values and idle feeds.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Runs a partition until `stop` is cancelled or every handle is gone: takes jobs from the
/// mailbox one at a time, sweeps expired values every [`SWEEP_EVERY`], and on the way out
/// finishes the jobs already queued and closes the store. (The caller instruments the future
/// with the partition's span.)
pub(crate) async fn run<H: Handler>(
    keyspace: String,
    mut handler: H,
    mut core: PartitionCore,
    mut mailbox: mpsc::Receiver<Job<H>>,
    stop: CancellationToken,
) {
    let mut ctx = Context {
        core: &mut core,
        keyspace: &keyspace,
    };
    if catch_unwind(AssertUnwindSafe(|| handler.started(&mut ctx))).is_err() {
        tracing::error!("the handler panicked in `started`; the partition goes on");
    }
    sweep(&mut ctx);
    let mut ticker = tokio::time::interval(SWEEP_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            () = stop.cancelled() => break,
            job = mailbox.recv() => match job {
                Some(job) => run_job(job, &mut handler, &mut ctx),
                None => break,
            },
            _ = ticker.tick() => sweep(&mut ctx),
        }
    }
    // Jobs already accepted get their answers: close the mailbox, then drain it.
    mailbox.close();
    while let Ok(job) = mailbox.try_recv() {
        run_job(job, &mut handler, &mut ctx);
    }
    match core.close() {
        Ok(()) => tracing::debug!("partition stopped; store closed"),
        Err(error) => tracing::error!(%error, "closing the partition's store failed"),
    }
}

fn run_job<H>(job: Job<H>, handler: &mut H, ctx: &mut Context<'_>) {
    // A panicking job drops its reply sender, so its caller learns it failed; the partition
    // itself stays up (DESIGN.md §7: nothing poisons a partition).
    if catch_unwind(AssertUnwindSafe(|| job(handler, ctx))).is_err() {
        tracing::error!("a handler panicked; its caller gets an error and the partition goes on");
    }
}

fn sweep(ctx: &mut Context<'_>) {
    match ctx.core.sweep() {
        Ok(0) => {}
        Ok(deleted) => tracing::debug!(deleted, "expired values deleted"),
        Err(error) => tracing::error!(%error, "sweeping expired values failed"),
    }
}
