//! [`Feeds`]: the partition actor's table of observed keys.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::watch;

use super::{FeedItem, FeedLog, FeedReader};

/// How long a key's feed outlives its last observer, so that a client that reconnects within it
/// resumes with deltas rather than a snapshot.
pub(crate) const RETAIN_IDLE: Duration = Duration::from_secs(30);

struct Feed {
    log: Arc<Mutex<FeedLog>>,
    notify: watch::Sender<u64>,
    idle_since: Option<Instant>,
}

/// The feeds of one state of one partition, by store key. Owned by the partition actor: only
/// keys with observers (or that had one within [`RETAIN_IDLE`]) have a feed, and only their
/// writes pay for recording changes.
#[derive(Default)]
pub(crate) struct Feeds {
    by_key: HashMap<Vec<u8>, Feed>,
    /// The offset of the last record of the state's log applied, shared with the readers.
    applied: Arc<AtomicU64>,
}

impl Feeds {
    /// Records how far the replica has applied the state's log.
    pub(crate) fn set_applied(&self, offset: u64) {
        self.applied.store(offset, Ordering::Release);
    }

    /// Whether `key` has a feed (and so wants deltas computed).
    pub(crate) fn contains(&self, key: &[u8]) -> bool {
        self.by_key.contains_key(key)
    }

    /// A reader of `key`'s feed, creating the feed with `current` (the key's latest state) if
    /// it has none. `may_lag`: whether observers may hold offsets this replica has not reached
    /// (Kafka mode).
    pub(crate) fn reader(
        &mut self,
        key: &[u8],
        current: impl FnOnce() -> FeedItem,
        may_lag: bool,
    ) -> FeedReader {
        let feed = self.by_key.entry(key.to_vec()).or_insert_with(|| {
            let latest = current();
            Feed {
                notify: watch::Sender::new(latest.offset()),
                log: Arc::new(Mutex::new(FeedLog::new(latest))),
                idle_since: None,
            }
        });
        feed.idle_since = None;
        FeedReader::new(
            feed.log.clone(),
            feed.notify.subscribe(),
            self.applied.clone(),
            may_lag,
        )
    }

    /// Records a new value of `key`, if it has a feed.
    pub(crate) fn value(
        &mut self,
        key: &[u8],
        offset: u64,
        schema_id: u32,
        value: &[u8],
        delta: Option<Vec<u8>>,
    ) {
        if let Some(feed) = self.by_key.get(key) {
            let value = Bytes::copy_from_slice(value);
            with_log(&feed.log, |log| {
                log.push_value(offset, schema_id, value, delta.map(Bytes::from));
            });
            feed.notify.send_replace(offset);
        }
    }

    /// Records the deletion of `key`, if it has a feed.
    pub(crate) fn deleted(&mut self, key: &[u8], offset: u64) {
        if let Some(feed) = self.by_key.get(key) {
            with_log(&feed.log, |log| log.push_deleted(offset));
            feed.notify.send_replace(offset);
        }
    }

    /// Drops the feeds that have had no observer for [`RETAIN_IDLE`].
    pub(crate) fn sweep(&mut self, now: Instant) {
        self.by_key.retain(|_, feed| {
            if feed.notify.receiver_count() > 0 {
                feed.idle_since = None;
                return true;
            }
            let since = *feed.idle_since.get_or_insert(now);
            now.duration_since(since) < RETAIN_IDLE
        });
    }
}

fn with_log(log: &Mutex<FeedLog>, f: impl FnOnce(&mut FeedLog)) {
    match log.lock() {
        Ok(mut log) => f(&mut log),
        Err(poisoned) => f(&mut poisoned.into_inner()),
    }
}
