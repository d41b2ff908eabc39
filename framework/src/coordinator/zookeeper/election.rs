//! Per-partition master election with an epoch.
//!
//! Candidates are ephemeral sequential znodes `candidates/c-<seq>`; the lowest sequence is next
//! in line, each other candidate watches only its predecessor (no herd). The first in line
//! claims the mastership in one transaction: its candidate znode still exists (so its session
//! lives and nobody is ahead), the `epoch` znode is bumped from the value read (a conditional
//! `setData`, so two claims can never share an epoch), and the ephemeral `master` znode is
//! created with the [`MasterInfo`] (so routing sees the new master at once, and a leftover
//! master znode blocks the claim until it is gone).

use std::sync::Arc;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use zookeeper_client as zk;

use super::held::{self, Key};
use super::shared::{Held, Shared, failed, lock, persistent};
use crate::coordinator::{Assignment, CoordinatorError, MasterInfo, Mastership};

/// Campaigns for `partition` of `keyspace`; see [`Coordinator::campaign`](crate::coordinator::Coordinator::campaign).
pub(crate) async fn campaign(
    shared: &Arc<Shared>,
    keyspace: &str,
    partition: u32,
) -> Result<Mastership, CoordinatorError> {
    let client = shared.client()?;
    let mut assignment = declared(shared, keyspace, partition)?;
    check_replica(shared, &assignment.borrow_and_update(), keyspace, partition)?;
    let key: Key = (keyspace.to_owned(), partition);
    let serial = shared.next_serial();
    let cancel = shared.stop.child_token();
    {
        let mut map = lock(&shared.held);
        if map.get(&key).is_some_and(|h| !h.cancel.is_cancelled()) {
            return Err(CoordinatorError::AlreadyCampaigning {
                keyspace: keyspace.to_owned(),
                partition,
            });
        }
        map.insert(
            key.clone(),
            Held {
                serial,
                cancel: cancel.clone(),
                candidate: None,
                master: false,
            },
        );
    }
    let mut withdraw = Withdraw {
        shared: Arc::clone(shared),
        client: client.clone(),
        key,
        serial,
        armed: true,
    };
    let won = elect(
        shared,
        &client,
        &withdraw.key,
        serial,
        &cancel,
        &mut assignment,
    )
    .await?;
    withdraw.armed = false;
    Ok(won)
}

/// The declared keyspace's assignment, checking the partition is in range.
pub(crate) fn declared(
    shared: &Shared,
    keyspace: &str,
    partition: u32,
) -> Result<watch::Receiver<Arc<Assignment>>, CoordinatorError> {
    let keyspaces = lock(&shared.keyspaces);
    let known = keyspaces
        .get(keyspace)
        .ok_or_else(|| CoordinatorError::UnknownKeyspace(keyspace.to_owned()))?;
    if partition >= known.partitions {
        return Err(CoordinatorError::PartitionOutOfRange {
            keyspace: keyspace.to_owned(),
            partition,
            partitions: known.partitions,
        });
    }
    Ok(known.assignment.clone())
}

fn check_replica(
    shared: &Shared,
    assignment: &Assignment,
    keyspace: &str,
    partition: u32,
) -> Result<(), CoordinatorError> {
    if assignment.holds(&shared.local.id, partition) {
        Ok(())
    } else {
        Err(CoordinatorError::NotAReplica {
            keyspace: keyspace.to_owned(),
            partition,
            member: shared.local.id.clone(),
        })
    }
}

/// Releases a candidacy whose campaign ended without a mastership (an error, or the future
/// was dropped).
struct Withdraw {
    shared: Arc<Shared>,
    client: zk::Client,
    key: Key,
    serial: u64,
    armed: bool,
}

impl Drop for Withdraw {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Some(h) = lock(&self.shared.held).get(&self.key)
            && h.serial == self.serial
        {
            h.cancel.cancel();
        }
        let (shared, client, key, serial) = (
            Arc::clone(&self.shared),
            self.client.clone(),
            self.key.clone(),
            self.serial,
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let tracker = shared.tracker.clone();
            runtime.spawn(tracker.track_future(async move {
                held::release(&shared, &client, &key, serial).await;
            }));
        }
    }
}

/// How a claim went.
enum Claim {
    Won(u64),
    /// Someone else changed the epoch meanwhile: look again.
    Again,
    /// A master znode is still there: wait for it to go.
    Blocked(zk::OneshotWatcher),
}

async fn elect(
    shared: &Arc<Shared>,
    client: &zk::Client,
    key: &Key,
    serial: u64,
    cancel: &CancellationToken,
    assignment: &mut watch::Receiver<Arc<Assignment>>,
) -> Result<Mastership, CoordinatorError> {
    let (keyspace, partition) = (key.0.as_str(), key.1);
    let paths = &shared.paths;
    let candidates = paths.candidates(keyspace, partition);
    let epoch = paths.epoch(keyspace, partition);
    shared
        .bounded(client.mkdir(&candidates, &persistent()))
        .await
        .map_err(|e| failed("mkdir", &candidates, e))?;
    match shared
        .bounded(client.create(&epoch, b"0", &persistent()))
        .await
    {
        Ok(_) | Err(zk::Error::NodeExists) => {}
        Err(e) => return Err(failed("create", &epoch, e)),
    }
    let prefix = format!("{candidates}/c-");
    let sequential = zk::CreateMode::EphemeralSequential.with_acls(zk::Acls::anyone_all());
    let id = shared.local.id.as_str().as_bytes();
    let (_, sequence) = shared
        .bounded(client.create(&prefix, id, &sequential))
        .await
        .map_err(|e| failed("create", &prefix, e))?;
    let name = format!("c-{sequence}");
    let candidate = format!("{candidates}/{name}");
    if let Some(h) = lock(&shared.held)
        .get_mut(key)
        .filter(|h| h.serial == serial)
    {
        h.candidate = Some(candidate.clone());
    }
    tracing::debug!(keyspace, partition, candidate, "campaigning");
    let withdrawn = || {
        if shared.stop.is_cancelled() {
            shared.ended()
        } else {
            CoordinatorError::Withdrawn {
                keyspace: keyspace.to_owned(),
                partition,
            }
        }
    };
    loop {
        if cancel.is_cancelled() {
            return Err(withdrawn());
        }
        check_replica(shared, &assignment.borrow_and_update(), keyspace, partition)?;
        let mut children: Vec<(i64, String)> = shared
            .bounded(client.list_children(&candidates))
            .await
            .map_err(|e| failed("getChildren", &candidates, e))?
            .into_iter()
            .filter_map(|c| Some((c.strip_prefix("c-")?.parse().ok()?, c)))
            .collect();
        children.sort();
        let Some(position) = children.iter().position(|(_, c)| *c == name) else {
            return Err(CoordinatorError::SessionLost(format!(
                "the candidate znode {candidate} is gone"
            )));
        };
        let watcher = if position == 0 {
            let contact = shared.in_contact(cancel).await?;
            match claim(shared, client, key, &candidate).await? {
                Claim::Won(epoch) => {
                    return won(shared, client, key, serial, candidate, epoch, contact);
                }
                Claim::Again => continue,
                Claim::Blocked(watcher) => watcher,
            }
        } else {
            let predecessor = format!("{candidates}/{}", children[position - 1].1);
            match shared
                .bounded(client.check_and_watch_stat(&predecessor))
                .await
            {
                Ok((Some(_), watcher)) => watcher,
                Ok((None, _)) => continue,
                Err(e) => return Err(failed("exists", &predecessor, e)),
            }
        };
        tokio::select! {
            _ = cancel.cancelled() => return Err(withdrawn()),
            _ = watcher.changed() => {}
            _ = assignment.changed() => {}
        }
    }
}

/// Tries to become master: see the module docs.
async fn claim(
    shared: &Shared,
    client: &zk::Client,
    key: &Key,
    candidate: &str,
) -> Result<Claim, CoordinatorError> {
    let (keyspace, partition) = (key.0.as_str(), key.1);
    let epoch_path = shared.paths.epoch(keyspace, partition);
    let master = shared.paths.master(keyspace, partition);
    let (data, stat) = shared
        .bounded(client.get_data(&epoch_path))
        .await
        .map_err(|e| failed("getData", &epoch_path, e))?;
    let previous: u64 = std::str::from_utf8(&data)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| CoordinatorError::Corrupt {
            path: epoch_path.clone(),
            reason: "not a decimal epoch".into(),
        })?;
    let epoch = previous + 1;
    let info = MasterInfo {
        member: shared.local.clone(),
        epoch,
    };
    let info = serde_json::to_vec(&info).map_err(|e| CoordinatorError::Corrupt {
        path: master.clone(),
        reason: format!("encoding: {e}"),
    })?;
    let ephemeral = zk::CreateMode::Ephemeral.with_acls(zk::Acls::anyone_all());
    let mut multi = client.new_multi_writer();
    let built = multi
        .add_check_version(candidate, 0)
        .and_then(|()| {
            multi.add_set_data(
                &epoch_path,
                epoch.to_string().as_bytes(),
                Some(stat.version),
            )
        })
        .and_then(|()| multi.add_create(&master, &info, &ephemeral));
    built.map_err(|e| failed("multi", &master, e))?;
    let committed = tokio::time::timeout(shared.op_timeout, multi.commit())
        .await
        .unwrap_or(Err(zk::MultiWriteError::RequestFailed {
            source: zk::Error::Timeout,
        }));
    match committed {
        Ok(_) => Ok(Claim::Won(epoch)),
        Err(zk::MultiWriteError::OperationFailed { index: 0, .. }) => Err(
            CoordinatorError::SessionLost(format!("the candidate znode {candidate} is gone")),
        ),
        Err(zk::MultiWriteError::OperationFailed {
            index: 1,
            source: zk::Error::BadVersion,
        }) => Ok(Claim::Again),
        Err(zk::MultiWriteError::OperationFailed {
            index: 2,
            source: zk::Error::NodeExists,
        }) => match shared.bounded(client.check_and_watch_stat(&master)).await {
            Ok((Some(stat), watcher)) => {
                tracing::debug!(
                    keyspace,
                    partition,
                    owner = stat.ephemeral_owner,
                    "a previous master znode is still there"
                );
                Ok(Claim::Blocked(watcher))
            }
            Ok((None, _)) => Ok(Claim::Again),
            Err(e) => Err(failed("exists", &master, e)),
        },
        Err(zk::MultiWriteError::OperationFailed { source, .. })
        | Err(zk::MultiWriteError::RequestFailed { source }) => {
            Err(failed("multi", &master, source))
        }
    }
}

/// Records the won mastership and starts following it.
fn won(
    shared: &Arc<Shared>,
    client: &zk::Client,
    key: &Key,
    serial: u64,
    candidate: String,
    epoch: u64,
    contact: CancellationToken,
) -> Result<Mastership, CoordinatorError> {
    let lost = contact.child_token();
    {
        let mut map = lock(&shared.held);
        let Some(h) = map.get_mut(key).filter(|h| h.serial == serial) else {
            return Err(CoordinatorError::Stopped);
        };
        h.master = true;
        if h.cancel.is_cancelled() {
            // Resigned while the claim was on its way: the campaign's end releases it.
            return Err(CoordinatorError::Withdrawn {
                keyspace: key.0.clone(),
                partition: key.1,
            });
        }
        h.cancel = lost.clone();
    }
    tracing::info!(keyspace = key.0, partition = key.1, epoch, "mastership won");
    shared.tracker.spawn(held::follow(
        Arc::clone(shared),
        client.clone(),
        key.clone(),
        serial,
        candidate,
        lost.clone(),
    ));
    Ok(Mastership::new(
        &key.0,
        key.1,
        epoch,
        lost,
        shared.lease.clone(),
    ))
}
