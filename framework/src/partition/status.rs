//! [`ReplicaStatus`]: what this node's replica of a partition is doing right now, shared by the
//! replica's supervisor (which sets it), the partition's handle (which routes by it) and
//! `/cluster` (which shows it); with the reader of the replica's store while it is open, for
//! [`KeyspaceRef::get`](crate::keyspace::KeyspaceRef::get).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use tokio::sync::watch;

use crate::store::{StoreError, StoreReader};
use crate::sync::lock;

/// The role of this node's replica of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// It serves reads and writes (in embedded mode every partition is master).
    Master,
    /// It tails the changelog and serves stale reads and subscriptions only.
    Standby,
    /// It is changing roles (catching up before serving as master, or stepping down).
    Moving,
    /// This node holds no replica of the partition.
    Remote,
}

impl Role {
    /// The role's name, as `/cluster` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Master => "master",
            Role::Standby => "standby",
            Role::Moving => "moving",
            Role::Remote => "remote",
        }
    }
}

/// The last catch-up of a replica becoming master: what it read from the changelog after
/// fencing the previous master, before it served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// Records read into the store.
    pub records: u64,
    /// How long reading them to the end of the log took.
    pub took: Duration,
}

/// What this node's replica of a partition is doing: its role, the epoch of its mastership,
/// and (as a standby) how far it is behind the log.
#[derive(Debug)]
pub(crate) struct ReplicaStatus {
    role: watch::Sender<Role>,
    epoch: AtomicU64,
    /// Records behind the log; `u64::MAX` when not known.
    lag: AtomicU64,
    /// Records read from the log into the store (by the standby's tail and at promotions).
    replayed: AtomicU64,
    /// The last catch-up, if the replica has been master.
    catch_up: Mutex<Option<CatchUp>>,
    /// A reader of the replica's store while it is open.
    reader: ReaderSlot,
}

/// The reader of a replica's store, replaced when the store is (re)opened.
#[derive(Default)]
struct ReaderSlot(RwLock<Option<Arc<dyn StoreReader>>>);

impl std::fmt::Debug for ReaderSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_tuple("ReaderSlot").field(&set).finish()
    }
}

impl ReplicaStatus {
    /// A status with `role`, epoch 0 and no lag.
    pub(crate) fn new(role: Role) -> Self {
        ReplicaStatus {
            role: watch::Sender::new(role),
            epoch: AtomicU64::new(0),
            lag: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            catch_up: Mutex::new(None),
            reader: ReaderSlot::default(),
        }
    }

    /// Sets the reader of the replica's store (when it opens), or takes it away.
    pub(crate) fn set_reader(&self, reader: Option<Arc<dyn StoreReader>>) {
        *self
            .reader
            .0
            .write()
            .unwrap_or_else(PoisonError::into_inner) = reader;
    }

    /// The value of `key` in `table` as the replica's store has it now, read on the calling
    /// thread; `None` when the store has no reader or is closed (the caller asks the actor).
    /// Whether this replica may serve the read is the caller's to check.
    pub(crate) fn read_store(
        &self,
        table: &str,
        key: &[u8],
    ) -> Option<Result<Option<Vec<u8>>, StoreError>> {
        // Held for the read: the slot's writer (a store opening) waits for it, nobody else.
        let reader = self.reader.0.read().unwrap_or_else(PoisonError::into_inner);
        match reader.as_ref()?.get(table, key) {
            Err(StoreError::Closed) => None,
            read => Some(read),
        }
    }

    pub(crate) fn role(&self) -> Role {
        *self.role.borrow()
    }

    pub(crate) fn set_role(&self, role: Role) {
        self.role.send_replace(role);
    }

    /// A watch of the role.
    pub(crate) fn subscribe(&self) -> watch::Receiver<Role> {
        self.role.subscribe()
    }

    /// Waits until the replica has a role (is no longer [`Role::Moving`]).
    pub(crate) async fn settled(&self) {
        let mut role = self.role.subscribe();
        let _ = role.wait_for(|r| *r != Role::Moving).await;
    }

    /// Records read from the log into the replica's store since the node started.
    pub(crate) fn replayed(&self) -> u64 {
        self.replayed.load(Ordering::Acquire)
    }

    pub(crate) fn add_replayed(&self, records: u64) {
        self.replayed.fetch_add(records, Ordering::AcqRel);
    }

    /// The last catch-up before serving as master, if any.
    pub(crate) fn catch_up(&self) -> Option<CatchUp> {
        *lock(&self.catch_up)
    }

    /// Records a catch-up (and counts its records as replayed).
    pub(crate) fn caught_up(&self, catch_up: CatchUp) {
        self.add_replayed(catch_up.records);
        *lock(&self.catch_up) = Some(catch_up);
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub(crate) fn set_epoch(&self, epoch: u64) {
        self.epoch.store(epoch, Ordering::Release);
    }

    /// Records behind the log, if known (0 for a master).
    pub(crate) fn lag(&self) -> Option<u64> {
        match self.lag.load(Ordering::Acquire) {
            u64::MAX => None,
            lag => Some(lag),
        }
    }

    pub(crate) fn set_lag(&self, lag: Option<u64>) {
        self.lag.store(lag.unwrap_or(u64::MAX), Ordering::Release);
    }
}
