//! [`Shared`]: the state a ZooKeeper coordinator's handle and its tasks share, and the helpers
//! for bounded ZooKeeper requests.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use zookeeper_client as zk;

use super::paths::Paths;
use crate::coordinator::mastership::Lease;
use crate::coordinator::{
    Assignment, CoordinatorError, CoordinatorStatus, MasterInfo, Member, Members,
};

/// The routing watches, by partition.
pub(crate) type MasterWatches = HashMap<(String, u32), watch::Sender<Option<MasterInfo>>>;

/// A keyspace this coordinator declared.
#[derive(Debug)]
pub(crate) struct Declared {
    pub(crate) partitions: u32,
    pub(crate) replicas: u32,
    pub(crate) assignment: watch::Receiver<Arc<Assignment>>,
}

/// A candidacy or mastership this coordinator holds for a partition.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    /// Tells this holding apart from a later one of the same partition.
    pub(crate) serial: u64,
    /// Cancelled to withdraw the candidacy or lose the mastership.
    pub(crate) cancel: CancellationToken,
    /// The candidate znode, once created.
    pub(crate) candidate: Option<String>,
    /// Whether the master znode was created (the candidacy won).
    pub(crate) master: bool,
}

/// What the coordinator's handle and tasks share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) local: Member,
    pub(crate) paths: Paths,
    pub(crate) op_timeout: Duration,
    /// The negotiated session timeout.
    pub(crate) session_timeout: Duration,
    pub(crate) session_id: i64,
    client: Mutex<Option<zk::Client>>,
    pub(crate) lease: Lease,
    /// Cancelled when contact is lost beyond the safe bound; every mastership's token is its
    /// child. Replaced by a fresh one when contact comes back.
    contact: Mutex<CancellationToken>,
    pub(crate) status: watch::Sender<CoordinatorStatus>,
    pub(crate) stop: CancellationToken,
    pub(crate) tracker: TaskTracker,
    pub(crate) members: watch::Sender<Arc<Members>>,
    pub(crate) keyspaces: Mutex<HashMap<String, Declared>>,
    pub(crate) held: Mutex<HashMap<(String, u32), Held>>,
    pub(crate) masters: Mutex<MasterWatches>,
    serial: std::sync::atomic::AtomicU64,
}

pub(crate) use crate::sync::lock;

/// The options of a persistent znode open to anyone (the cluster's znodes carry no secrets).
pub(crate) fn persistent() -> zk::CreateOptions<'static> {
    zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all())
}

/// The options of an ephemeral znode.
pub(crate) fn ephemeral() -> zk::CreateOptions<'static> {
    zk::CreateMode::Ephemeral.with_acls(zk::Acls::anyone_all())
}

/// Maps a failed request to the coordinator's error.
pub(crate) fn failed(operation: &'static str, path: &str, source: zk::Error) -> CoordinatorError {
    match source {
        zk::Error::SessionExpired | zk::Error::ClientClosed | zk::Error::AuthFailed => {
            CoordinatorError::SessionLost(source.to_string())
        }
        source => CoordinatorError::ZooKeeper {
            operation,
            path: path.to_owned(),
            source,
        },
    }
}

/// Whether the error means the session is over.
pub(crate) fn is_terminal(error: &zk::Error) -> bool {
    matches!(
        error,
        zk::Error::SessionExpired | zk::Error::ClientClosed | zk::Error::AuthFailed
    )
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        local: Member,
        paths: Paths,
        op_timeout: Duration,
        client: zk::Client,
        lease: Lease,
        members: Members,
    ) -> Shared {
        Shared {
            local,
            paths,
            op_timeout,
            session_timeout: client.session_timeout(),
            session_id: client.session_id().0,
            client: Mutex::new(Some(client)),
            lease,
            contact: Mutex::new(CancellationToken::new()),
            status: watch::Sender::new(CoordinatorStatus::Connected),
            stop: CancellationToken::new(),
            tracker: TaskTracker::new(),
            members: watch::Sender::new(Arc::new(members)),
            keyspaces: Mutex::new(HashMap::new()),
            held: Mutex::new(HashMap::new()),
            masters: Mutex::new(HashMap::new()),
            serial: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The ZooKeeper client, while the coordinator runs.
    pub(crate) fn client(&self) -> Result<zk::Client, CoordinatorError> {
        if self.stop.is_cancelled() {
            return Err(self.ended());
        }
        lock(&self.client).clone().ok_or(CoordinatorError::Stopped)
    }

    /// A watcher of the session's state, while the coordinator holds its client.
    pub(crate) fn session_states(&self) -> Option<zk::StateWatcher> {
        lock(&self.client).as_ref().map(zk::Client::state_watcher)
    }

    /// Drops the coordinator's own client handle (the session closes once the tasks' handles
    /// are gone too).
    pub(crate) fn release_client(&self) {
        lock(&self.client).take();
    }

    /// The error for an operation on a coordinator that ended.
    pub(crate) fn ended(&self) -> CoordinatorError {
        match *self.status.borrow() {
            CoordinatorStatus::Expired => {
                CoordinatorError::SessionLost("the session expired".into())
            }
            _ => CoordinatorError::Stopped,
        }
    }

    /// A fresh serial for a [`Held`].
    pub(crate) fn next_serial(&self) -> u64 {
        self.serial
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Awaits `request` for at most the operation timeout.
    pub(crate) async fn bounded<T>(
        &self,
        request: impl Future<Output = Result<T, zk::Error>>,
    ) -> Result<T, zk::Error> {
        tokio::time::timeout(self.op_timeout, request)
            .await
            .unwrap_or(Err(zk::Error::Timeout))
    }

    /// The current contact token when in contact (connected, lease running).
    pub(crate) fn contact(&self) -> Option<CancellationToken> {
        let contact = lock(&self.contact);
        let connected = *self.status.borrow() == CoordinatorStatus::Connected;
        (connected && self.lease.is_valid() && !contact.is_cancelled()).then(|| contact.clone())
    }

    /// Waits until in contact; fails when the coordinator ends (or `cancel` fires).
    pub(crate) async fn in_contact(
        &self,
        cancel: &CancellationToken,
    ) -> Result<CancellationToken, CoordinatorError> {
        let mut status = self.status.subscribe();
        loop {
            if let Some(contact) = self.contact() {
                return Ok(contact);
            }
            if status.borrow_and_update().is_terminal() || self.stop.is_cancelled() {
                return Err(self.ended());
            }
            tokio::select! {
                _ = cancel.cancelled() => return Err(CoordinatorError::Stopped),
                _ = self.stop.cancelled() => return Err(self.ended()),
                changed = status.changed() => if changed.is_err() {
                    return Err(CoordinatorError::Stopped);
                },
                // The lease may run out without a status change yet: look again soon.
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    }

    /// Contact lost beyond the safe bound: every mastership is lost now.
    pub(crate) fn suspend(&self, reason: &str) {
        lock(&self.contact).cancel();
        let suspended = self.status.send_if_modified(|s| {
            let change = *s == CoordinatorStatus::Connected;
            if change {
                *s = CoordinatorStatus::Suspended;
            }
            change
        });
        if suspended {
            tracing::warn!(
                member = %self.local.id,
                reason,
                "lost contact with ZooKeeper beyond the safe bound: every mastership is lost"
            );
        }
    }

    /// Contact is back (the session survived).
    pub(crate) fn resume(&self) {
        let mut contact = lock(&self.contact);
        let resumed = self.status.send_if_modified(|s| {
            let change = *s == CoordinatorStatus::Suspended;
            if change {
                *s = CoordinatorStatus::Connected;
            }
            change
        });
        if resumed {
            *contact = CancellationToken::new();
            tracing::info!(member = %self.local.id, "back in contact with ZooKeeper");
        }
    }

    /// The coordinator ends (`Expired` or `Stopped`): masterships lost, tasks stop.
    pub(crate) fn end(&self, status: CoordinatorStatus) {
        lock(&self.contact).cancel();
        self.status.send_if_modified(|s| {
            let change = !s.is_terminal();
            if change {
                *s = status;
            }
            change
        });
        if status == CoordinatorStatus::Expired {
            tracing::warn!(member = %self.local.id, "the ZooKeeper session is over: every mastership is lost");
        }
        self.members.send_replace(Arc::new(Members::new()));
        self.stop.cancel();
    }

    /// Sleeps `pause`; false when the coordinator stopped meanwhile.
    pub(crate) async fn pause(&self, pause: Duration) -> bool {
        tokio::select! {
            _ = self.stop.cancelled() => false,
            _ = tokio::time::sleep(pause) => true,
        }
    }
}
