//! [`RunningNode`]: a started node, and its graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use affinity_avro::SchemaRegistry;
use axum::Router;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::coordinator::{Coordinator, CoordinatorStatus};
use tokio_util::task::TaskTracker;

use super::NodeError;
use super::lingering::LingeringListener;
use crate::gateway::Readiness;
use crate::keyspace::{KeyspaceRef, Keyspaces};
use crate::partition::Handler;

/// A node that is serving. Dropping it does not stop it; call [`shutdown`](Self::shutdown).
pub struct RunningNode {
    addr: SocketAddr,
    keyspaces: Arc<Keyspaces>,
    registry: Arc<dyn SchemaRegistry>,
    readiness: Readiness,
    /// Stops accepting HTTP connections and starts the graceful drain.
    http_stop: CancellationToken,
    /// Stops the partitions (after HTTP has drained).
    partitions_stop: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
    tracker: TaskTracker,
    /// The cluster's coordinator (Kafka mode): left after the partitions stopped.
    coordinator: Option<Arc<dyn Coordinator>>,
}

impl std::fmt::Debug for RunningNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningNode")
            .field("addr", &self.addr)
            .field("keyspaces", &self.keyspaces)
            .finish_non_exhaustive()
    }
}

/// What a started node hands to [`RunningNode::serve`].
pub(crate) struct Started {
    pub(crate) keyspaces: Arc<Keyspaces>,
    pub(crate) registry: Arc<dyn SchemaRegistry>,
    pub(crate) readiness: Readiness,
    pub(crate) http_stop: CancellationToken,
    pub(crate) partitions_stop: CancellationToken,
    pub(crate) tracker: TaskTracker,
    pub(crate) coordinator: Option<Arc<dyn Coordinator>>,
}

impl RunningNode {
    /// Serves `app` on `listener`.
    pub(crate) fn serve(
        listener: tokio::net::TcpListener,
        app: Router,
        started: Started,
    ) -> Result<RunningNode, NodeError> {
        let Started {
            keyspaces,
            registry,
            readiness,
            http_stop,
            partitions_stop,
            tracker,
            coordinator,
        } = started;
        let addr = listener.local_addr().map_err(NodeError::Serve)?;
        let drain = http_stop.clone();
        let server = tokio::spawn(async move {
            axum::serve(LingeringListener(listener), app)
                .with_graceful_shutdown(drain.cancelled_owned())
                .await
        });
        tracing::info!(%addr, keyspaces = ?keyspaces.names(), "node serving");
        readiness.set_ready();
        Ok(RunningNode {
            readiness,
            addr,
            keyspaces,
            registry,
            http_stop,
            partitions_stop,
            server,
            tracker,
            coordinator,
        })
    }

    /// Resolves when the node's cluster session has expired (Kafka mode; never otherwise):
    /// the node has lost its masterships and its membership for good, and serves nothing
    /// it masters until it is restarted. [`Node::run`](super::Node::run) stops the node then.
    pub async fn session_expired(&self) {
        let Some(coordinator) = &self.coordinator else {
            return std::future::pending().await;
        };
        let mut status = coordinator.status();
        if status
            .wait_for(|s| *s == CoordinatorStatus::Expired)
            .await
            .is_err()
        {
            std::future::pending::<()>().await;
        }
    }

    /// The address the HTTP listener is bound to (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The running keyspace whose partitions run `H`.
    pub fn keyspace<H: Handler>(&self) -> Option<KeyspaceRef<H>> {
        self.keyspaces.typed::<H>()
    }

    /// The node's schema registry.
    pub fn registry(&self) -> &Arc<dyn SchemaRegistry> {
        &self.registry
    }

    /// A token that, cancelled, starts the same shutdown as [`shutdown`](Self::shutdown)
    /// without waiting for it.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.http_stop.clone()
    }

    /// Shuts down gracefully: stops accepting connections, waits for in-flight requests and
    /// closes live connections, then stops the partitions (each finishes the messages it
    /// accepted) and closes their stores.
    pub async fn shutdown(self) -> Result<(), NodeError> {
        self.readiness.set_not_ready("shutting down");
        self.http_stop.cancel();
        let served = match self.server.await {
            Ok(result) => result.map_err(NodeError::Serve),
            Err(join) => Err(NodeError::Serve(std::io::Error::other(join.to_string()))),
        };
        self.partitions_stop.cancel();
        self.tracker.close();
        self.tracker.wait().await;
        if let Some(coordinator) = &self.coordinator {
            // Masterships end and the session closes now, so successors need not wait for
            // the session to time out.
            coordinator.shutdown().await;
        }
        tracing::info!("node stopped");
        served
    }
}
