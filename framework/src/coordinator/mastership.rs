//! [`Mastership`]: this node masters a partition, under an epoch, until it loses it.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::Member;
use crate::sync::lock;

/// Who masters a partition, for routing: the member (with its addresses) and its epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterInfo {
    /// The master.
    pub member: Member,
    /// Its epoch: greater than every earlier master's of the partition.
    pub epoch: u64,
}

/// The time until which a session is known to be alive (see [`Mastership::is_held`]); shared
/// between a coordinator's session guard and its masterships.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lease(Option<Arc<Mutex<Instant>>>);

impl Lease {
    /// A lease that never runs out (the embedded coordinator has no session).
    pub(crate) fn unlimited() -> Lease {
        Lease(None)
    }

    /// A lease valid until `until`, to be extended with [`Lease::extend`].
    pub(crate) fn until(until: Instant) -> Lease {
        Lease(Some(Arc::new(Mutex::new(until))))
    }

    /// Moves the end to `until` (never backwards).
    pub(crate) fn extend(&self, until: Instant) {
        if let Some(end) = &self.0 {
            let mut end = lock(end);
            if until > *end {
                *end = until;
            }
        }
    }

    /// When the lease runs out (`None`: never).
    pub(crate) fn end(&self) -> Option<Instant> {
        self.0.as_ref().map(|end| *lock(end))
    }

    /// Whether the lease still runs now.
    pub(crate) fn is_valid(&self) -> bool {
        self.end().is_none_or(|end| Instant::now() < end)
    }
}

/// This node masters a partition with an epoch, until the mastership is lost.
///
/// Returned by [`Coordinator::campaign`](super::Coordinator::campaign). The epoch is strictly
/// greater than the epoch of every earlier master of the partition; the changelog fences with
/// it (or with a transactional id per partition), so that writes of a deposed master are
/// refused.
///
/// The mastership is lost — [`lost`](Mastership::lost) resolves and
/// [`is_held`](Mastership::is_held) turns false — when this node resigns, when the coordinator
/// loses contact for longer than its safe bound or its session ends, when the coordinator
/// stops, or when its election node disappears. A lost mastership never comes back: campaign
/// again (with a new epoch). Dropping a `Mastership` does **not** resign; call
/// [`Coordinator::resign`](super::Coordinator::resign).
#[derive(Debug, Clone)]
pub struct Mastership {
    keyspace: String,
    partition: u32,
    epoch: u64,
    lost: CancellationToken,
    lease: Lease,
}

impl Mastership {
    pub(crate) fn new(
        keyspace: &str,
        partition: u32,
        epoch: u64,
        lost: CancellationToken,
        lease: Lease,
    ) -> Mastership {
        Mastership {
            keyspace: keyspace.to_owned(),
            partition,
            epoch,
            lost,
            lease,
        }
    }

    /// The keyspace.
    pub fn keyspace(&self) -> &str {
        &self.keyspace
    }

    /// The partition.
    pub fn partition(&self) -> u32 {
        self.partition
    }

    /// This master's epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Whether the mastership still holds: not lost, and the session's lease runs — checked
    /// against the clock now, so it turns false at the safe bound even before the
    /// coordinator's timer has run (useful right before acknowledging a write; the fencing in
    /// the changelog is what makes it safe, see the [module docs](super)).
    pub fn is_held(&self) -> bool {
        !self.lost.is_cancelled() && self.lease.is_valid()
    }

    /// Resolves when the mastership is lost.
    pub async fn lost(&self) {
        self.lost.cancelled().await;
    }

    /// A token cancelled when the mastership is lost (a child: cancelling it does not resign).
    pub fn lost_token(&self) -> CancellationToken {
        self.lost.child_token()
    }
}
