//! Black-box end-to-end tests of a single Affinity node (issue 3's acceptance): a real node on
//! 127.0.0.1 with RocksDB in a temporary directory, reached over HTTP, raw `/live` WebSockets
//! and the native client.
//!
//! This library is the shared setup of the suites in `tests/`: the test application (a
//! keyspace with a 20-field record state, a counter state, a TTL state and a blob state, its
//! handler, and axum routes using `Avro<T>` and `KeyspaceRef<App>`), starting its node, and
//! the tools the suites observe it with — a raw HTTP client, a raw WebSocket client, a
//! loopback proxy that can be cut, and the process's resident memory.

// Test support: a failure to bind, connect or read here is the calling test's failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod handler;
mod http;
mod live;
mod model;
mod node;
mod proxy;
mod routes;
mod rss;
mod tcp;
mod wait;

pub use handler::{App, Delete, Get, Increment, PANIC_BY, Put, ZERO_REFUSED, keyspace};
pub use http::{Http, Reply};
pub use live::{Ended, Held, RawLive, key};
pub use model::{BLOBS, Blob, COUNTERS, JOURNAL, KEYSPACE, PROFILES, Profile, SESSIONS};
pub use node::{NodeOptions, base_url, start_node, stop_node};
pub use proxy::Proxy;
pub use routes::routes;
pub use rss::rss_bytes;
pub use tcp::{TcpState, tcp_state};
pub use wait::{WAIT, finishes_within, within, within_for};
