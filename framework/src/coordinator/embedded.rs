//! [`EmbeddedCoordinator`]: the coordinator of a node that runs alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::mastership::Lease;
use super::{
    Assignment, Coordinator, CoordinatorError, CoordinatorStatus, KeyspaceSpec, MasterInfo,
    Mastership, Member, Members, assign,
};
use crate::sync::lock;

/// The coordinator of a node that runs alone, in process: the node is the only member, holds
/// every replica and masters every partition it campaigns for. Each partition's epoch starts
/// at 1 and grows by one with every new mastership (after a resign). Epochs are not persisted:
/// alone, without a changelog, there is no earlier master to fence.
///
/// A static placement in a [`KeyspaceSpec`] is ignored: with one member there is one
/// placement.
#[derive(Debug)]
pub struct EmbeddedCoordinator {
    local: Member,
    members: watch::Sender<Arc<Members>>,
    status: watch::Sender<CoordinatorStatus>,
    stop: CancellationToken,
    keyspaces: Mutex<HashMap<String, KeyspaceState>>,
}

#[derive(Debug)]
struct KeyspaceState {
    replicas: u32,
    assignment: watch::Sender<Arc<Assignment>>,
    partitions: Vec<PartitionState>,
}

#[derive(Debug)]
struct PartitionState {
    epoch: u64,
    held: Option<CancellationToken>,
    master: watch::Sender<Option<MasterInfo>>,
}

impl EmbeddedCoordinator {
    /// A coordinator whose only member is `local`.
    pub fn new(local: Member) -> EmbeddedCoordinator {
        let members = Members::from([(local.id.clone(), local.clone())]);
        EmbeddedCoordinator {
            local,
            members: watch::Sender::new(Arc::new(members)),
            status: watch::Sender::new(CoordinatorStatus::Connected),
            stop: CancellationToken::new(),
            keyspaces: Mutex::new(HashMap::new()),
        }
    }

    fn keyspaces(&self) -> MutexGuard<'_, HashMap<String, KeyspaceState>> {
        // Every change below is made after its checks: a poisoned lock guards a consistent map.
        lock(&self.keyspaces)
    }

    fn declare(
        &self,
        spec: &KeyspaceSpec,
    ) -> Result<watch::Receiver<Arc<Assignment>>, CoordinatorError> {
        spec.validate()?;
        let mut keyspaces = self.keyspaces();
        if let Some(known) = keyspaces.get(&spec.name) {
            if known.partitions.len() != spec.partitions as usize || known.replicas != spec.replicas
            {
                return Err(CoordinatorError::KeyspaceMismatch {
                    keyspace: spec.name.clone(),
                    stored_partitions: known.partitions.len() as u32,
                    stored_replicas: known.replicas,
                    partitions: spec.partitions,
                    replicas: spec.replicas,
                });
            }
            return Ok(known.assignment.subscribe());
        }
        let assignment = assign(
            None,
            std::slice::from_ref(&self.local.id),
            spec.partitions,
            spec.replicas,
        );
        let state = KeyspaceState {
            replicas: spec.replicas,
            assignment: watch::Sender::new(Arc::new(assignment)),
            partitions: (0..spec.partitions)
                .map(|_| PartitionState {
                    epoch: 0,
                    held: None,
                    master: watch::Sender::new(None),
                })
                .collect(),
        };
        let receiver = state.assignment.subscribe();
        keyspaces.insert(spec.name.clone(), state);
        Ok(receiver)
    }

    /// Runs `f` on a declared keyspace's partition.
    fn with_partition<T>(
        &self,
        keyspace: &str,
        partition: u32,
        f: impl FnOnce(&mut PartitionState) -> Result<T, CoordinatorError>,
    ) -> Result<T, CoordinatorError> {
        if self.stop.is_cancelled() {
            return Err(CoordinatorError::Stopped);
        }
        let mut keyspaces = self.keyspaces();
        let state = keyspaces
            .get_mut(keyspace)
            .ok_or_else(|| CoordinatorError::UnknownKeyspace(keyspace.to_owned()))?;
        let partitions = state.partitions.len() as u32;
        let slot = state
            .partitions
            .get_mut(partition as usize)
            .ok_or_else(|| CoordinatorError::PartitionOutOfRange {
                keyspace: keyspace.to_owned(),
                partition,
                partitions,
            })?;
        f(slot)
    }

    fn elect(&self, keyspace: &str, partition: u32) -> Result<Mastership, CoordinatorError> {
        self.with_partition(keyspace, partition, |slot| {
            if slot.held.as_ref().is_some_and(|t| !t.is_cancelled()) {
                return Err(CoordinatorError::AlreadyCampaigning {
                    keyspace: keyspace.to_owned(),
                    partition,
                });
            }
            slot.epoch += 1;
            let lost = self.stop.child_token();
            slot.held = Some(lost.clone());
            slot.master.send_replace(Some(MasterInfo {
                member: self.local.clone(),
                epoch: slot.epoch,
            }));
            tracing::debug!(keyspace, partition, epoch = slot.epoch, "mastership taken");
            Ok(Mastership::new(
                keyspace,
                partition,
                slot.epoch,
                lost,
                Lease::unlimited(),
            ))
        })
    }
}

impl Coordinator for EmbeddedCoordinator {
    fn local(&self) -> &Member {
        &self.local
    }

    fn members(&self) -> watch::Receiver<Arc<Members>> {
        self.members.subscribe()
    }

    fn status(&self) -> watch::Receiver<CoordinatorStatus> {
        self.status.subscribe()
    }

    fn keyspace<'a>(
        &'a self,
        spec: &'a KeyspaceSpec,
    ) -> BoxFuture<'a, Result<watch::Receiver<Arc<Assignment>>, CoordinatorError>> {
        Box::pin(std::future::ready(self.declare(spec)))
    }

    fn campaign<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<Mastership, CoordinatorError>> {
        Box::pin(std::future::ready(self.elect(keyspace, partition)))
    }

    fn resign<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<(), CoordinatorError>> {
        let result = self.with_partition(keyspace, partition, |slot| {
            if let Some(lost) = slot.held.take() {
                lost.cancel();
                slot.master.send_replace(None);
            }
            Ok(())
        });
        Box::pin(std::future::ready(result))
    }

    fn master<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<watch::Receiver<Option<MasterInfo>>, CoordinatorError>> {
        let result = self.with_partition(keyspace, partition, |slot| Ok(slot.master.subscribe()));
        Box::pin(std::future::ready(result))
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        self.stop.cancel();
        for state in self.keyspaces().values_mut() {
            for slot in &mut state.partitions {
                slot.held = None;
                slot.master.send_replace(None);
            }
        }
        self.members.send_replace(Arc::new(Members::new()));
        self.status.send_replace(CoordinatorStatus::Stopped);
        Box::pin(std::future::ready(()))
    }
}

impl Drop for EmbeddedCoordinator {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coordinator::MemberId;

    fn coordinator() -> EmbeddedCoordinator {
        let id = MemberId::new("solo").unwrap();
        EmbeddedCoordinator::new(Member::new(id, "127.0.0.1:1", "127.0.0.1:2"))
    }

    #[tokio::test]
    async fn one_node_masters_every_partition_with_growing_epochs() {
        let c = coordinator();
        let spec = KeyspaceSpec::new("graph", 4, 2);
        let assignment = c.keyspace(&spec).await.unwrap();
        assert!((0..4).all(|p| assignment.borrow().replicas(p) == [c.local().id.clone()]));
        let mut master = c.master("graph", 3).await.unwrap();
        assert_eq!(*master.borrow_and_update(), None);

        let first = c.campaign("graph", 3).await.unwrap();
        assert_eq!(first.epoch(), 1);
        assert!(first.is_held());
        assert_eq!(
            master.borrow_and_update().as_ref().map(|m| m.epoch),
            Some(1)
        );
        assert!(matches!(
            c.campaign("graph", 3).await,
            Err(CoordinatorError::AlreadyCampaigning { .. })
        ));

        c.resign("graph", 3).await.unwrap();
        assert!(!first.is_held());
        first.lost().await;
        assert_eq!(*master.borrow_and_update(), None);
        let second = c.campaign("graph", 3).await.unwrap();
        assert_eq!(second.epoch(), 2);
        assert_eq!(c.campaign("graph", 0).await.unwrap().epoch(), 1);

        c.shutdown().await;
        assert!(!second.is_held());
        assert_eq!(*c.status().borrow(), CoordinatorStatus::Stopped);
        assert!(matches!(
            c.campaign("graph", 1).await,
            Err(CoordinatorError::Stopped)
        ));
    }

    #[tokio::test]
    async fn undeclared_keyspaces_bad_partitions_and_mismatches_are_errors() {
        let c = coordinator();
        assert!(matches!(
            c.campaign("nope", 0).await,
            Err(CoordinatorError::UnknownKeyspace(_))
        ));
        c.keyspace(&KeyspaceSpec::new("g", 2, 1)).await.unwrap();
        assert!(matches!(
            c.master("g", 2).await,
            Err(CoordinatorError::PartitionOutOfRange { partitions: 2, .. })
        ));
        let error = c.keyspace(&KeyspaceSpec::new("g", 3, 1)).await.unwrap_err();
        assert!(
            matches!(error, CoordinatorError::KeyspaceMismatch { .. }),
            "{error}"
        );
        c.keyspace(&KeyspaceSpec::new("g", 2, 1)).await.unwrap();
    }
}
