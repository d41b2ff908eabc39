//! [`ZookeeperConfig`]: where the cluster's ZooKeeper is and how the session behaves.

use std::time::Duration;

use zookeeper_client as zk;

/// How a [`ZookeeperCoordinator`](super::ZookeeperCoordinator) connects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ZookeeperConfig {
    /// The ensemble, `host:port[,host:port…]` (optionally followed by a chroot path).
    pub connect: String,
    /// The parent of every cluster's znodes; default `/affinity`.
    pub root: String,
    /// The cluster's name: its znodes are under `<root>/<cluster>`.
    pub cluster: String,
    /// The session timeout asked of ZooKeeper (it may negotiate it into its
    /// `min/maxSessionTimeout`); default 6 s. A node that loses contact gives up its
    /// masterships after 2/3 of it, and its successor can start after all of it.
    pub session_timeout: Duration,
    /// The bound on connecting and on each request; default 10 s.
    pub operation_timeout: Duration,
}

impl ZookeeperConfig {
    /// The defaults for `cluster` on the ensemble `connect`.
    pub fn new(connect: impl Into<String>, cluster: impl Into<String>) -> ZookeeperConfig {
        ZookeeperConfig {
            connect: connect.into(),
            root: "/affinity".into(),
            cluster: cluster.into(),
            session_timeout: Duration::from_secs(6),
            operation_timeout: Duration::from_secs(10),
        }
    }

    /// With another root znode.
    pub fn with_root(mut self, root: impl Into<String>) -> ZookeeperConfig {
        self.root = root.into();
        self
    }

    /// With another session timeout.
    pub fn with_session_timeout(mut self, timeout: Duration) -> ZookeeperConfig {
        self.session_timeout = timeout;
        self
    }

    /// With another bound on connecting and requests.
    pub fn with_operation_timeout(mut self, timeout: Duration) -> ZookeeperConfig {
        self.operation_timeout = timeout;
        self
    }
}

impl ZookeeperConfig {
    /// A new session with the ensemble, bounded by the operation timeout.
    pub(crate) async fn connect_client(&self) -> Result<zk::Client, zk::Error> {
        let limit = self.operation_timeout;
        let connector = zk::Client::connector()
            .with_session_timeout(self.session_timeout)
            .with_connection_timeout(limit.min(self.session_timeout));
        tokio::time::timeout(limit, connector.connect(&self.connect))
            .await
            .unwrap_or(Err(zk::Error::Timeout))
    }
}
