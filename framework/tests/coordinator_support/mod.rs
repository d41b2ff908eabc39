//! What the coordinator and ZooKeeper registry tests share: the ZooKeeper address from
//! `dev/services` (skip or, under `CI=true`, fail without it), unique cluster names, bounded
//! waits, a TCP proxy that can go silent like a partitioned network, and cleanup.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::time::Duration;

use affinity::coordinator::{Member, MemberId, ZookeeperConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use zookeeper_client as zk;

/// The longest any single wait may take.
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// `SERVICES_ZOOKEEPER_CONNECT`, or `None` (a printed skip) when it is not set outside CI.
pub(crate) fn connect_string() -> Option<String> {
    crate::services::require(&["SERVICES_ZOOKEEPER_CONNECT"], "the ZooKeeper test")
        .map(|mut v| v.remove(0))
}

pub(crate) use crate::services::unique;

/// The test root every cluster of these tests lives under.
pub(crate) const ROOT: &str = "/affinity-test";

/// A coordinator configuration for `cluster` on `connect`, with a short session.
pub(crate) fn config(connect: &str, cluster: &str, session: Duration) -> ZookeeperConfig {
    ZookeeperConfig::new(connect, cluster)
        .with_root(ROOT)
        .with_session_timeout(session)
}

/// A member with loopback addresses.
pub(crate) fn member(id: &str, port: u16) -> Member {
    Member::new(
        MemberId::new(id).unwrap(),
        format!("127.0.0.1:{port}"),
        format!("127.0.0.1:{}", port + 1),
    )
}

/// Awaits `future` for at most [`WAIT`].
pub(crate) async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing within {WAIT:?}"))
}

/// Waits until `receiver` holds a value for which `done` is true.
pub(crate) async fn until<T>(
    what: &str,
    receiver: &mut watch::Receiver<T>,
    done: impl Fn(&T) -> bool,
) {
    bounded(what, receiver.wait_for(|v| done(v)))
        .await
        .unwrap_or_else(|_| panic!("{what}: the watch closed"));
}

/// A plain client for inspecting and cleaning up.
pub(crate) async fn client(connect: &str) -> zk::Client {
    bounded(
        "connecting to ZooKeeper",
        zk::Client::connector()
            .with_session_timeout(Duration::from_secs(10))
            .connect(connect),
    )
    .await
    .unwrap_or_else(|e| panic!("connecting to ZooKeeper at {connect}: {e} (dev/services status?)"))
}

/// Deletes `path` and everything under it.
pub(crate) async fn remove_tree(client: &zk::Client, path: &str) {
    let mut stack = vec![(path.to_owned(), false)];
    while let Some((node, expanded)) = stack.pop() {
        if expanded {
            match client.delete(&node, None).await {
                Ok(()) | Err(zk::Error::NoNode) => {}
                Err(e) => panic!("deleting {node}: {e}"),
            }
            continue;
        }
        stack.push((node.clone(), true));
        match client.list_children(&node).await {
            Ok(children) => {
                for child in children {
                    stack.push((format!("{node}/{child}"), false));
                }
            }
            Err(zk::Error::NoNode) => {}
            Err(e) => panic!("listing {node}: {e}"),
        }
    }
}

/// A TCP proxy to ZooKeeper on loopback that can be frozen: while frozen it forwards nothing
/// and connects nothing, but keeps connections open — a silent network partition.
pub(crate) struct Proxy {
    /// `127.0.0.1:<port>` to give to the client.
    pub(crate) address: String,
    frozen: watch::Sender<bool>,
    stop: CancellationToken,
}

impl Proxy {
    /// A proxy to `upstream` (`host:port`).
    pub(crate) async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let frozen = watch::Sender::new(false);
        let stop = CancellationToken::new();
        let upstream = upstream.to_owned();
        let (flag, token) = (frozen.subscribe(), stop.clone());
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = token.cancelled() => return,
                    accepted = listener.accept() => accepted,
                };
                let Ok((inbound, _)) = accepted else { return };
                let (mut flag, token, upstream) = (flag.clone(), token.clone(), upstream.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => return,
                        _ = flag.wait_for(|f| !*f) => {}
                    }
                    let Ok(outbound) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let (ri, wi) = inbound.into_split();
                    let (ro, wo) = outbound.into_split();
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = pipe(ri, wo, flag.clone()) => {}
                        _ = pipe(ro, wi, flag) => {}
                    }
                });
            }
        });
        Proxy {
            address,
            frozen,
            stop,
        }
    }

    /// Stops forwarding (or resumes).
    pub(crate) fn freeze(&self, frozen: bool) {
        self.frozen.send_replace(frozen);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut frozen: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if frozen.wait_for(|f| !*f).await.is_err() {
            return;
        }
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // Bytes read just before a freeze are held, not delivered, until it ends.
        if frozen.wait_for(|f| !*f).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}
