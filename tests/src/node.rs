//! Starting the test application's node on 127.0.0.1 with a random port.

use std::path::Path;
use std::time::Duration;

use affinity::config::{NodeConfig, StoreBackend};
use affinity::node::{Node, RunningNode};

use crate::handler::keyspace;
use crate::routes::routes;
use crate::wait::within;

/// How a test node is configured.
#[derive(Clone, Debug)]
pub struct NodeOptions {
    /// The TTL of the sessions state (default one hour).
    pub session_ttl: Duration,
    /// RocksDB (the default) or memory.
    pub backend: StoreBackend,
    /// `live.heartbeat` (default the node's, 15 s).
    pub heartbeat: Option<Duration>,
}

impl Default for NodeOptions {
    fn default() -> Self {
        NodeOptions {
            session_ttl: Duration::from_secs(3600),
            backend: StoreBackend::Rocksdb,
            heartbeat: None,
        }
    }
}

/// Starts the test application on 127.0.0.1 with a random port and its data in `dir`.
pub async fn start_node(dir: &Path, options: &NodeOptions) -> RunningNode {
    let mut config = NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.node.data_dir = Some(dir.to_owned());
    config.store.backend = options.backend;
    if let Some(heartbeat) = options.heartbeat {
        config.live.heartbeat = heartbeat;
    }
    let node = Node::new(config)
        .keyspace(keyspace(options.session_ttl))
        .router(routes())
        .start();
    within("the node to start", node).await.unwrap()
}

/// Shuts `node` down gracefully (bounded by [`WAIT`](crate::WAIT)) and checks it stopped
/// without an error.
pub async fn stop_node(node: RunningNode) {
    within("the node's shutdown", node.shutdown())
        .await
        .unwrap();
}

/// The node's base URL, `http://127.0.0.1:<port>`.
pub fn base_url(node: &RunningNode) -> String {
    format!("http://{}", node.local_addr())
}
