//! Leases: named locks with an expiry, kept in the `leases` state, that serialise what spans
//! partitions across the whole cluster. The graph holds the `shape` lease around every change
//! to the graph's shape (see [`graph`](crate::graph) and [`hold`]).
//!
//! A lease lives in the partition its name routes to, like any key, so every node asks the
//! same partition's master for it and one holder at a time gets it, whichever node it runs
//! on; it survives a failover with the changelog. Its holder renews it while it works, and it
//! expires when not renewed, so a holder whose node died blocks the graph for [`LEASE_TTL`] at
//! most: then the next taker gets it (and the half-made change of the dead holder stays
//! half-made, as a crash in the middle of any multi-partition operation leaves it; the graph
//! has no transactions).

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use affinity::keyspace::{AskError, KeyspaceRef};
use affinity::partition::{Context, Handles, Message};
use affinity::state::StateError;
use affinity_avro::Avro;

use crate::partition::GraphPartition;

/// The state that holds the leases.
pub const LEASES: &str = "leases";

/// How long a lease lasts unless renewed or dropped: how long a dead holder blocks others.
pub const LEASE_TTL: Duration = Duration::from_secs(6);

/// How often a holder renews its lease while it works: a third of [`LEASE_TTL`], so one late
/// renewal does not lose it.
const RENEW_EVERY: Duration = Duration::from_secs(2);

/// How long [`hold`] tries before it gives up on a lease someone else holds.
pub const LEASE_WAIT: Duration = Duration::from_secs(10);

/// Between two tries of a lease someone else holds.
const RETRY: Duration = Duration::from_millis(20);

/// A lease as the state holds it.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "com.example.graph")]
pub struct Lease {
    /// Who holds it: a name unique to one taking.
    pub holder: String,
    /// When it expires, in milliseconds since the Unix epoch (the master's clock).
    pub until_ms: i64,
}

/// Takes lease `name` for `holder` for `ttl_ms`, if nobody else holds it (or their lease
/// expired). Replies whether `holder` holds it now.
#[derive(Avro, Clone, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct TakeLease {
    /// The lease.
    pub name: String,
    /// Who takes it.
    pub holder: String,
    /// For how long, in milliseconds.
    pub ttl_ms: i64,
}

impl Message for TakeLease {
    type Reply = Result<bool, StateError>;
    // Taking a lease one already holds extends it.
    const IDEMPOTENT: bool = true;
}

impl Handles<TakeLease> for GraphPartition {
    fn handle(&mut self, m: TakeLease, ctx: &mut Context<'_>) -> <TakeLease as Message>::Reply {
        let mut leases = ctx.state::<String, Lease>(LEASES)?;
        let now = now_ms();
        let free = match leases.get(&m.name)? {
            None => true,
            Some(held) => held.holder == m.holder || held.until_ms <= now,
        };
        if free {
            let lease = Lease {
                holder: m.holder,
                until_ms: now.saturating_add(m.ttl_ms.max(0)),
            };
            leases.put(&m.name, &lease)?;
        }
        Ok(free)
    }
}

/// Drops lease `name` if `holder` holds it.
#[derive(Avro, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct DropLease {
    /// The lease.
    pub name: String,
    /// Who drops it.
    pub holder: String,
}

impl Message for DropLease {
    type Reply = Result<(), StateError>;
    const IDEMPOTENT: bool = true;
}

impl Handles<DropLease> for GraphPartition {
    fn handle(&mut self, m: DropLease, ctx: &mut Context<'_>) -> <DropLease as Message>::Reply {
        let mut leases = ctx.state::<String, Lease>(LEASES)?;
        if leases.get(&m.name)?.is_some_and(|l| l.holder == m.holder) {
            leases.delete(&m.name)?;
        }
        Ok(())
    }
}

/// A name for one taker of a lease that no other taker, on any node, has: the process, a
/// random number the standard library seeds from the operating system, and a count.
fn holder_name() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    format!("{}-{random:016x}-{count}", std::process::id())
}

/// Why a lease was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// Someone else held it for all of [`LEASE_WAIT`].
    #[error("lease `{0}` stayed taken for {secs} s", secs = LEASE_WAIT.as_secs())]
    Busy(String),
    /// The lease's partition did not answer.
    #[error(transparent)]
    Ask(#[from] AskError),
    /// The state failed.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Runs `work` holding lease `name`: takes it (waiting up to [`LEASE_WAIT`] while someone
/// else holds it), renews it every `RENEW_EVERY` (2 s) until `work` ends, then drops it.
pub async fn hold<T>(
    keyspace: &KeyspaceRef<GraphPartition>,
    name: &str,
    work: impl Future<Output = T>,
) -> Result<T, LeaseError> {
    // The same message takes the lease and renews it: taking a lease one holds extends it.
    let take = TakeLease {
        name: name.to_owned(),
        holder: holder_name(),
        ttl_ms: i64::try_from(LEASE_TTL.as_millis()).unwrap_or(i64::MAX),
    };
    let until = tokio::time::Instant::now() + LEASE_WAIT;
    while !keyspace.ask(&take.name, take.clone()).await?? {
        if tokio::time::Instant::now() + RETRY > until {
            return Err(LeaseError::Busy(name.to_owned()));
        }
        tokio::time::sleep(RETRY).await;
    }
    tokio::pin!(work);
    let done = loop {
        tokio::select! {
            done = &mut work => break done,
            () = tokio::time::sleep(RENEW_EVERY) => {
                match keyspace.ask(&take.name, take.clone()).await {
                    Ok(Ok(true)) => {}
                    Ok(Ok(false)) => {
                        tracing::warn!(name, "a lease expired while held and was taken by another");
                    }
                    Ok(Err(error)) => tracing::warn!(%error, name, "renewing a lease failed"),
                    Err(error) => tracing::warn!(%error, name, "renewing a lease failed"),
                }
            }
        }
    };
    // A failure to drop it is only logged: the lease expires anyway.
    let drop = DropLease {
        name: take.name.clone(),
        holder: take.holder,
    };
    match keyspace.ask(&take.name, drop).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(%error, name, "dropping a lease failed; it expires"),
        Err(error) => tracing::warn!(%error, name, "dropping a lease failed; it expires"),
    }
    Ok(done)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
