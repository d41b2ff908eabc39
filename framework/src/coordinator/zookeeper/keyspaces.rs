//! Keyspaces in ZooKeeper: the stored declaration with its assignment
//! (`keyspaces/<name>`), declaring one, and watching its assignment.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use zookeeper_client as zk;

use super::shared::{Declared, Shared, failed, is_terminal, lock, persistent};
use crate::coordinator::{Assignment, CoordinatorError, KeyspaceSpec, MemberId, assign};

/// The data of `keyspaces/<name>`: the shape, the placement kind and the current assignment.
/// Written by the first node that declares the keyspace, then by the controller (automatic
/// placement) or by a node declaring another static placement; every write is a conditional
/// `setData` on the version read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyspaceRecord {
    pub(crate) partitions: u32,
    pub(crate) replicas: u32,
    /// Automatic placement (the controller rebalances it) or static (it never does).
    pub(crate) automatic: bool,
    pub(crate) assignment: Assignment,
}

impl KeyspaceRecord {
    pub(crate) fn parse(path: &str, data: &[u8]) -> Result<KeyspaceRecord, CoordinatorError> {
        let record: KeyspaceRecord =
            serde_json::from_slice(data).map_err(|e| CoordinatorError::Corrupt {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        if record.assignment.partitions() != record.partitions {
            return Err(CoordinatorError::Corrupt {
                path: path.to_owned(),
                reason: "the assignment does not cover the partitions".into(),
            });
        }
        Ok(record)
    }

    pub(crate) fn encode(&self, path: &str) -> Result<Vec<u8>, CoordinatorError> {
        serde_json::to_vec(self).map_err(|e| CoordinatorError::Corrupt {
            path: path.to_owned(),
            reason: format!("encoding: {e}"),
        })
    }
}

/// Declares `spec` in the cluster (creating or checking its znode) and starts watching its
/// assignment.
pub(crate) async fn declare(
    shared: &Arc<Shared>,
    spec: &KeyspaceSpec,
) -> Result<watch::Receiver<Arc<Assignment>>, CoordinatorError> {
    let fixed = spec.validate()?;
    if let Some(known) = lock(&shared.keyspaces).get(&spec.name) {
        check_shape(spec, known.partitions, known.replicas)?;
        if fixed.is_none() {
            return Ok(known.assignment.clone());
        }
    }
    let client = shared.client()?;
    let path = shared.paths.keyspace(&spec.name);
    let (record, version) = loop {
        match shared.bounded(client.get_data(&path)).await {
            Ok((data, stat)) => {
                let record = KeyspaceRecord::parse(&path, &data)?;
                check_shape(spec, record.partitions, record.replicas)?;
                let wanted_static = fixed
                    .as_ref()
                    .filter(|f| record.automatic || **f != record.assignment);
                let switch_to_auto = fixed.is_none() && !record.automatic;
                if wanted_static.is_none() && !switch_to_auto {
                    break (record, stat.version);
                }
                let changed = KeyspaceRecord {
                    automatic: fixed.is_none(),
                    assignment: fixed.clone().unwrap_or_else(|| record.assignment.clone()),
                    ..record
                };
                let data = changed.encode(&path)?;
                match shared
                    .bounded(client.set_data(&path, &data, Some(stat.version)))
                    .await
                {
                    Ok(stat) => break (changed, stat.version),
                    Err(zk::Error::BadVersion) => continue,
                    Err(e) => return Err(failed("setData", &path, e)),
                }
            }
            Err(zk::Error::NoNode) => {
                let members: Vec<MemberId> = shared.members.borrow().keys().cloned().collect();
                let record = KeyspaceRecord {
                    partitions: spec.partitions,
                    replicas: spec.replicas,
                    automatic: fixed.is_none(),
                    assignment: fixed
                        .clone()
                        .unwrap_or_else(|| assign(None, &members, spec.partitions, spec.replicas)),
                };
                let data = record.encode(&path)?;
                match shared
                    .bounded(client.create(&path, &data, &persistent()))
                    .await
                {
                    Ok(_) => break (record, 0),
                    Err(zk::Error::NodeExists) => continue,
                    Err(e) => return Err(failed("create", &path, e)),
                }
            }
            Err(e) => return Err(failed("getData", &path, e)),
        }
    };
    tracing::debug!(keyspace = spec.name, version, "keyspace declared");
    let mut keyspaces = lock(&shared.keyspaces);
    if let Some(known) = keyspaces.get(&spec.name) {
        return Ok(known.assignment.clone());
    }
    let (sender, receiver) = watch::channel(Arc::new(record.assignment));
    keyspaces.insert(
        spec.name.clone(),
        Declared {
            partitions: spec.partitions,
            replicas: spec.replicas,
            assignment: receiver.clone(),
        },
    );
    shared
        .tracker
        .spawn(watch_assignment(Arc::clone(shared), client, path, sender));
    Ok(receiver)
}

fn check_shape(
    spec: &KeyspaceSpec,
    partitions: u32,
    replicas: u32,
) -> Result<(), CoordinatorError> {
    if spec.partitions != partitions || spec.replicas != replicas {
        return Err(CoordinatorError::KeyspaceMismatch {
            keyspace: spec.name.clone(),
            stored_partitions: partitions,
            stored_replicas: replicas,
            partitions: spec.partitions,
            replicas: spec.replicas,
        });
    }
    Ok(())
}

/// Follows `keyspaces/<name>` into `sender` until the coordinator stops.
async fn watch_assignment(
    shared: Arc<Shared>,
    client: zk::Client,
    path: String,
    sender: watch::Sender<Arc<Assignment>>,
) {
    loop {
        match shared.bounded(client.get_and_watch_data(&path)).await {
            Ok((data, _, watcher)) => {
                match KeyspaceRecord::parse(&path, &data) {
                    Ok(record) => {
                        sender.send_if_modified(|current| {
                            let change = **current != record.assignment;
                            if change {
                                *current = Arc::new(record.assignment);
                            }
                            change
                        });
                    }
                    Err(e) => tracing::error!(error = %e, "ignoring an unreadable assignment"),
                }
                tokio::select! {
                    _ = shared.stop.cancelled() => return,
                    _ = watcher.changed() => {}
                }
            }
            Err(e) if is_terminal(&e) => return,
            Err(e) => {
                tracing::debug!(path, error = %e, "reading the assignment failed; retrying");
                if !shared.pause(Duration::from_millis(250)).await {
                    return;
                }
            }
        }
    }
}
