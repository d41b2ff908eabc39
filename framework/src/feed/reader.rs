//! [`FeedReader`]: one observer's view of one key.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::log::Applied;
use super::{FeedItem, FeedLog};

/// Follows one key of one state: what changed since the offset the observer holds, and a way to
/// wait for the next change.
///
/// Readers never hold up the partition: the actor records each change in a short, bounded log
/// and bumps a watch; a reader that falls behind further than the log reaches gets the latest
/// value alone (intermediate values coalesced, DESIGN.md §4.5). When the partition stops,
/// [`changed`](Self::changed) returns `false`.
#[derive(Debug)]
pub struct FeedReader {
    log: Arc<Mutex<FeedLog>>,
    notify: watch::Receiver<u64>,
    /// How far the replica has applied the state's log.
    applied: Arc<AtomicU64>,
    may_lag: bool,
}

impl FeedReader {
    pub(crate) fn new(
        log: Arc<Mutex<FeedLog>>,
        notify: watch::Receiver<u64>,
        applied: Arc<AtomicU64>,
        may_lag: bool,
    ) -> Self {
        FeedReader {
            log,
            notify,
            applied,
            may_lag,
        }
    }

    /// Appends to `out` what brings an observer holding the state at `held` (`None`: nothing)
    /// to the latest state, in order; nothing when it is current.
    pub fn since(&mut self, held: Option<u64>, out: &mut VecDeque<FeedItem>) {
        self.notify.borrow_and_update();
        let applied = Applied {
            offset: self.applied.load(Ordering::Acquire),
            may_lag: self.may_lag,
        };
        // A panic while the actor held the lock leaves the log as it was before the push
        // (pushes do not unwind half-way), so its content is still usable.
        crate::sync::lock(&self.log).since(held, applied, out);
    }

    /// Waits until the key changes after the last [`since`](Self::since); `false` once the
    /// partition has stopped and nothing more will come.
    pub async fn changed(&mut self) -> bool {
        self.notify.changed().await.is_ok()
    }
}
