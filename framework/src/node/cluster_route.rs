//! `GET /cluster`: who masters what, as this node sees it (DESIGN.md §3, §4.6).
//!
//! ```text
//! {"node": "node-1", "mode": "kafka", "keyspaces": {"graph": [
//!   {"partition": 0, "master": "node-2", "epoch": 4, "replicas": ["node-2", "node-1"],
//!    "here": {"role": "standby", "epoch": 0, "lag": 0, "replayed": 1520}},
//!   ...]}}
//! ```
//!
//! Per partition: the master the coordinator names (`null` while there is none) and its epoch,
//! the members assigned its replicas (preferred master first), and this node's replica —
//! `null` when it holds none, else its role (`master`, `standby`, `moving`), the epoch of its
//! mastership, its lag behind the changelog in records (`null` until measured) and the records
//! it has read from the changelog since the node started. In embedded mode the node masters
//! everything at epoch 0.

use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::header::CONTENT_TYPE;
use serde_json::{Map, json};

use crate::keyspace::Keyspaces;

/// The `/cluster` route of node `node`, running in `mode` (`"embedded"` or `"kafka"`).
pub(crate) fn cluster_routes<S>(
    keyspaces: Arc<Keyspaces>,
    node: String,
    mode: &'static str,
) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route(
        "/cluster",
        get(move || {
            let (keyspaces, node) = (keyspaces.clone(), node.clone());
            async move { view(&keyspaces, &node, mode) }
        }),
    )
}

fn view(keyspaces: &Keyspaces, node: &str, mode: &str) -> Response {
    let mut all = Map::new();
    for name in keyspaces.names() {
        if let Some(keyspace) = keyspaces.named(name) {
            all.insert(name.to_owned(), keyspace.view(node));
        }
    }
    let body = json!({ "node": node, "mode": mode, "keyspaces": all });
    ([(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}
