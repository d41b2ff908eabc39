//! A client that stops reading cannot keep its connection open once the server is done with
//! it: after the heartbeat timeout, and at shutdown, the server closes its end even while a
//! frame is stuck in the socket.
//!
//! The client in these tests never reads, so it cannot see the close through the WebSocket;
//! the kernel's table of TCP connections shows it: the server's socket leaves ESTABLISHED once
//! the server has closed it (its FIN then waits behind the unsent data, FIN_WAIT1, or it is
//! reset).

#![allow(clippy::unwrap_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::Duration;

use affinity::node::RunningNode;
use affinity_e2e::{
    App, BLOBS, Blob, NodeOptions, Put, RawLive, TcpState, key, start_node, stop_node, tcp_state,
    within,
};
use tokio::task::JoinHandle;

const VALUE_LEN: usize = 64 << 10;

/// A raw client subscribed to a blob that never reads, while the blob keeps changing (64 KiB
/// every 5 ms) so that the server always has a frame for it: the kernel's socket buffers fill
/// and the server's writer is left waiting on the socket.
struct Stalled {
    live: RawLive,
    writes: JoinHandle<()>,
}

impl Drop for Stalled {
    fn drop(&mut self) {
        self.writes.abort();
    }
}

async fn stalled_client(node: &RunningNode) -> Stalled {
    let ks = node.keyspace::<App>().unwrap();
    let put = |seq: i64| Put {
        state: BLOBS,
        key: 1i64,
        value: Blob::numbered(seq, VALUE_LEN),
    };
    ks.ask(&1i64, put(0)).await.unwrap().unwrap();
    let mut live = RawLive::connect(node.local_addr()).await;
    live.subscribe(1, BLOBS, key(&1i64), None).await;
    live.recv_snapshot().await;
    assert_eq!(
        tcp_state(node.local_addr(), live.local_addr()),
        TcpState::Established
    );
    let writes = tokio::spawn(async move {
        for seq in 1.. {
            // Once the node stops, writes fail: nothing more to do.
            if !matches!(ks.ask(&1i64, put(seq)).await, Ok(Ok(_))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    // About 10 MiB of changes: more than the socket buffers hold.
    tokio::time::sleep(Duration::from_millis(800)).await;
    Stalled { live, writes }
}

/// Waits (up to `limit`) until the server at `server` has closed its end of `live`'s
/// connection; the state of the server's socket then.
async fn server_closes(server: SocketAddr, stalled: &Stalled, limit: Duration) -> TcpState {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let state = tcp_state(server, stalled.live.local_addr());
        if state != TcpState::Established || tokio::time::Instant::now() >= deadline {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_stalled_client_is_disconnected_after_the_heartbeat_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let options = NodeOptions {
        heartbeat: Some(Duration::from_secs(1)),
        ..NodeOptions::default()
    };
    let node = start_node(dir.path(), &options).await;
    let stalled = stalled_client(&node).await;
    let server = node.local_addr();
    // Nothing arrives from the client for two heartbeats (2 s): the server gives up on it.
    let state = server_closes(server, &stalled, Duration::from_secs(6)).await;
    assert_ne!(state, TcpState::Established, "the server closed its end");
    stop_node(node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_disconnects_a_stalled_client() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let stalled = stalled_client(&node).await;
    let server = node.local_addr();
    within("the shutdown", node.shutdown()).await.unwrap();
    let state = server_closes(server, &stalled, Duration::from_secs(6)).await;
    assert_ne!(state, TcpState::Established, "the server closed its end");
}
