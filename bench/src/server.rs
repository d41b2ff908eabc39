//! `affinity-bench serve`: the server process — two Affinity nodes (RocksDB and in-memory
//! stores) and a bare axum server, on 127.0.0.1 with random ports.
//!
//! It prints one JSON line with its pid and addresses ([`Addresses`]), then serves until its
//! standard input closes (the load generator holds the other end) or it gets SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::path::Path;

use affinity::config::{NodeConfig, StoreBackend};
use affinity::gateway::{AVRO_BINARY, ApiError, Avro};
use affinity::keyspace::KeyspaceRef;
use affinity::node::{Node, RunningNode};
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;
use tokio_util::sync::CancellationToken;

use crate::error::BenchError;
use crate::model::{self, FIRST_KEY, GetQuote, HOT_KEY, KEYS, Market, QUOTES, Quote, Tick};

/// What the server process prints when it is ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Addresses {
    /// The server's process id (for its RSS).
    pub(crate) pid: u32,
    /// The Affinity node with RocksDB states (the default store).
    pub(crate) node: SocketAddr,
    /// The Affinity node with in-memory states.
    pub(crate) memory_node: SocketAddr,
    /// The bare axum server.
    pub(crate) bare: SocketAddr,
}

/// Runs the server process until stdin closes or a signal arrives.
pub(crate) async fn serve() -> Result<(), BenchError> {
    let rocks_dir = tempfile::tempdir().map_err(BenchError::io("a data directory"))?;
    let memory_dir = tempfile::tempdir().map_err(BenchError::io("a data directory"))?;
    let node = start_node(rocks_dir.path(), StoreBackend::Rocksdb).await?;
    let memory_node = start_node(memory_dir.path(), StoreBackend::Memory).await?;

    let stop = CancellationToken::new();
    let body = Bytes::from(affinity_avro::to_vec(&Quote::sample(FIRST_KEY)));
    let bare = Router::new()
        .route("/quote/{id}", get(bare_quote))
        .with_state(body);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(BenchError::io("binding the bare server"))?;
    let bare_addr = listener
        .local_addr()
        .map_err(BenchError::io("binding the bare server"))?;
    let bare_stop = stop.clone();
    let bare_server = tokio::spawn(async move {
        axum::serve(listener, bare)
            .with_graceful_shutdown(bare_stop.cancelled_owned())
            .await
    });

    let addresses = Addresses {
        pid: std::process::id(),
        node: node.local_addr(),
        memory_node: memory_node.local_addr(),
        bare: bare_addr,
    };
    let line =
        serde_json::to_string(&addresses).map_err(|e| BenchError::Protocol(e.to_string()))?;
    println!("{line}");

    wait_for_end().await;
    stop.cancel();
    let bare_result = bare_server.await;
    node.shutdown().await?;
    memory_node.shutdown().await?;
    match bare_result {
        Ok(result) => result.map_err(BenchError::io("serving the bare server")),
        Err(join) => Err(BenchError::Protocol(join.to_string())),
    }
}

/// Returns when stdin reaches its end (the load generator exited or closed it) or on
/// SIGINT/SIGTERM.
async fn wait_for_end() {
    let stdin = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while let Ok(n) = stdin.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = stdin => {}
        () = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

/// A node on 127.0.0.1 with the quotes keyspace and its routes, the read keys and the hot key
/// seeded.
async fn start_node(dir: &Path, backend: StoreBackend) -> Result<RunningNode, BenchError> {
    let mut config = NodeConfig::default();
    config.http.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.node.data_dir = Some(dir.to_owned());
    config.store.backend = backend;
    let body = Bytes::from(affinity_avro::to_vec(&Quote::sample(FIRST_KEY)));
    let routes = Router::new()
        .route("/quote/{id}", get(get_quote))
        .route("/ask/{id}", get(ask_quote))
        .route("/constant/{id}", get(bare_quote).with_state(body.clone()))
        .route("/hop/{id}", get(hop).with_state(body))
        .route("/tick/{id}", post(tick));
    let node = Node::new(config)
        .keyspace(model::keyspace())
        .router(routes)
        .start()
        .await?;
    let ks = node
        .keyspace::<Market>()
        .ok_or_else(|| BenchError::Protocol("the node has no market keyspace".into()))?;
    for id in (FIRST_KEY..FIRST_KEY + KEYS).chain([HOT_KEY]) {
        ks.call(&id, move |_, ctx| {
            ctx.state::<i64, Quote>(QUOTES)
                .and_then(|mut quotes| quotes.put(&id, &Quote::sample(id)))
                .map_err(|e| e.to_string())
        })
        .await?
        .map_err(BenchError::Protocol)?;
    }
    Ok(node)
}

/// `GET /quote/{id}` on a node: a point read from the store of the partition that owns the
/// key (`KeyspaceRef::get`, no message to the partition).
async fn get_quote(
    ks: KeyspaceRef<Market>,
    UrlPath(id): UrlPath<i64>,
) -> Result<Avro<Quote>, ApiError> {
    ks.get::<i64, Quote>(QUOTES, &id)
        .await?
        .map(Avro)
        .ok_or(ApiError::NotFound)
}

/// `GET /ask/{id}` on a node: the same read by the partition's handler, through its mailbox.
async fn ask_quote(
    ks: KeyspaceRef<Market>,
    UrlPath(id): UrlPath<i64>,
) -> Result<Avro<Quote>, ApiError> {
    ks.ask(&id, GetQuote { id })
        .await?
        .map_err(ApiError::internal)?
        .map(Avro)
        .ok_or(ApiError::NotFound)
}

/// `GET /hop/{id}` on a node: a round trip to the partition that owns the key (which does
/// nothing), then the constant answer — the actor hop without the store or the codec.
async fn hop(
    ks: KeyspaceRef<Market>,
    State(body): State<Bytes>,
    UrlPath(id): UrlPath<i64>,
) -> Result<impl IntoResponse, ApiError> {
    ks.call(&id, |_, _| ()).await?;
    Ok(([(CONTENT_TYPE, AVRO_BINARY)], body))
}

/// `POST /tick/{id}` on a node: changes the quote; answers its new sequence number.
async fn tick(ks: KeyspaceRef<Market>, UrlPath(id): UrlPath<i64>) -> Result<String, ApiError> {
    let seq = ks
        .ask(&id, Tick { id })
        .await?
        .map_err(ApiError::internal)?;
    Ok(seq.to_string())
}

/// `GET /quote/{id}` on the bare server, and `GET /constant/{id}` on the nodes: the same bytes
/// as a node's answer to `GET /quote/{id}`, as a constant.
async fn bare_quote(State(body): State<Bytes>, UrlPath(_id): UrlPath<i64>) -> impl IntoResponse {
    ([(CONTENT_TYPE, AVRO_BINARY)], body)
}
