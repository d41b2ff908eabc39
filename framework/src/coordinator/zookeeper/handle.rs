//! [`ZookeeperCoordinator`]: the [`Coordinator`] of a cluster, on ZooKeeper.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::sync::watch;
use zookeeper_client as zk;

use super::guard::safe_bound;
use super::paths::Paths;
use super::shared::{Shared, failed, persistent};
use super::{ZookeeperConfig, controller, election, guard, held, keyspaces, membership, routing};
use crate::coordinator::mastership::Lease;
use crate::coordinator::member::check_name;
use crate::coordinator::{
    Assignment, Coordinator, CoordinatorError, CoordinatorStatus, KeyspaceSpec, MasterInfo,
    Mastership, Member, Members,
};

/// The [`Coordinator`] of a cluster, on ZooKeeper (the znode layout, the safety argument and
/// the choice of client are in the [module docs](crate::coordinator)).
///
/// Cheap to clone; every clone is the same member. Dropping the last clone stops it like
/// [`shutdown`](Coordinator::shutdown), without waiting.
#[derive(Debug, Clone)]
pub struct ZookeeperCoordinator {
    handle: Arc<Handle>,
}

#[derive(Debug)]
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.end(CoordinatorStatus::Stopped);
        self.shared.release_client();
    }
}

impl ZookeeperCoordinator {
    /// Connects to the ensemble and joins the cluster as `local`: its member znode is created
    /// (an id already live is [`CoordinatorError::MemberAlreadyLive`]), the members are read,
    /// and the session guard, the members watch and the controller campaign start.
    pub async fn connect(
        config: &ZookeeperConfig,
        local: Member,
    ) -> Result<ZookeeperCoordinator, CoordinatorError> {
        check_name("cluster name", &config.cluster)?;
        check_root(&config.root)?;
        let limit = config.operation_timeout;
        let client = config
            .connect_client()
            .await
            .map_err(|e| failed("connect", &config.connect, e))?;
        let paths = Paths::new(&config.root, &config.cluster);
        for dir in [paths.members(), paths.keyspaces()] {
            tokio::time::timeout(limit, client.mkdir(&dir, &persistent()))
                .await
                .unwrap_or(Err(zk::Error::Timeout))
                .map_err(|e| failed("mkdir", &dir, e))?;
        }
        let sent = Instant::now();
        let member_path = paths.member(local.id.as_str());
        membership::join(&client, &member_path, &local, limit).await?;
        let lease = Lease::until(sent + safe_bound(client.session_timeout()));
        let shared = Arc::new(Shared::new(
            local,
            paths,
            limit,
            client.clone(),
            lease,
            Members::new(),
        ));
        let (members, watcher) = membership::read(&shared, &client)
            .await
            .map_err(|e| failed("getChildren", &shared.paths.members(), e))?;
        shared.members.send_replace(Arc::new(members));
        tracing::info!(
            member = %shared.local.id,
            cluster = shared.paths.base(),
            session_timeout = ?shared.session_timeout,
            "joined the cluster"
        );
        let tracker = &shared.tracker;
        tracker.spawn(guard::run(Arc::clone(&shared), client.clone()));
        tracker.spawn(membership::watch(
            Arc::clone(&shared),
            client.clone(),
            watcher,
        ));
        tracker.spawn(controller::run(Arc::clone(&shared), client));
        Ok(ZookeeperCoordinator {
            handle: Arc::new(Handle { shared }),
        })
    }

    /// The session timeout ZooKeeper granted (a successor is elected at most this long, plus
    /// the server's tick, after this node goes silent).
    pub fn session_timeout(&self) -> Duration {
        self.handle.shared.session_timeout
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }
}

fn check_root(root: &str) -> Result<(), CoordinatorError> {
    let trimmed = root.trim_end_matches('/');
    let bad = |reason| CoordinatorError::InvalidName {
        what: "root path",
        name: root.to_owned(),
        reason,
    };
    let Some(rest) = trimmed.strip_prefix('/') else {
        return Err(bad("it must start with '/'"));
    };
    if rest.is_empty() {
        return Ok(());
    }
    for segment in rest.split('/') {
        check_name("root path segment", segment).map_err(|_| bad("a segment is not a name"))?;
    }
    Ok(())
}

impl Coordinator for ZookeeperCoordinator {
    fn local(&self) -> &Member {
        &self.shared().local
    }

    fn members(&self) -> watch::Receiver<Arc<Members>> {
        self.shared().members.subscribe()
    }

    fn status(&self) -> watch::Receiver<CoordinatorStatus> {
        self.shared().status.subscribe()
    }

    fn keyspace<'a>(
        &'a self,
        spec: &'a KeyspaceSpec,
    ) -> BoxFuture<'a, Result<watch::Receiver<Arc<Assignment>>, CoordinatorError>> {
        Box::pin(keyspaces::declare(self.shared(), spec))
    }

    fn campaign<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<Mastership, CoordinatorError>> {
        Box::pin(election::campaign(self.shared(), keyspace, partition))
    }

    fn resign<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<(), CoordinatorError>> {
        Box::pin(async move {
            let shared = self.shared();
            election::declared(shared, keyspace, partition)?;
            let client = shared.client()?;
            held::resign(shared, &client, &(keyspace.to_owned(), partition)).await;
            Ok(())
        })
    }

    fn master<'a>(
        &'a self,
        keyspace: &'a str,
        partition: u32,
    ) -> BoxFuture<'a, Result<watch::Receiver<Option<MasterInfo>>, CoordinatorError>> {
        Box::pin(std::future::ready(routing::master(
            self.shared(),
            keyspace,
            partition,
        )))
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let shared = self.shared();
            shared.end(CoordinatorStatus::Stopped);
            shared.tracker.close();
            if tokio::time::timeout(shared.op_timeout, shared.tracker.wait())
                .await
                .is_err()
            {
                tracing::warn!("coordinator tasks did not stop in time");
            }
            // The last handle on the session: dropping it closes the session, and ZooKeeper
            // deletes this node's ephemeral znodes at once. The close is sent by the client's
            // own task; wait for it, or a process that exits right after this would leave its
            // znodes (and its member id) behind until the session times out.
            let states = shared.session_states();
            shared.release_client();
            if let Some(mut states) = states {
                let closed = async {
                    while !states.peek_state().is_terminated() {
                        states.changed().await;
                    }
                };
                if tokio::time::timeout(shared.op_timeout, closed)
                    .await
                    .is_err()
                {
                    tracing::warn!("the ZooKeeper session did not close in time");
                }
            }
            tracing::info!(member = %shared.local.id, "left the cluster");
        })
    }
}
