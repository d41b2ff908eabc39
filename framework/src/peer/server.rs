//! The peer listener: other nodes of the cluster connect to it and send requests for the
//! partitions this node masters.
//!
//! Each connection has a reader (requests in), a writer (replies out) and up to
//! [`IN_FLIGHT`] requests being served in between; past that the reader stops reading, so a
//! busy node slows its callers down instead of queueing without bound. A request runs only
//! where this node is the partition's master now; otherwise it is refused with `NotMaster`,
//! and the caller finds the master again. Watches (keys followed for the other node's live
//! subscribers) are long-lived and counted apart ([`Watches`]); they end with the
//! connection.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::frame::{Code, Hello, Outcome, Refused, Reply, Request, Welcome};
use super::watching::Watches;
use super::{PROTOCOL, PeerMetrics, wire};
use crate::keyspace::Keyspaces;

/// How many requests of one connection may be served at once.
const IN_FLIGHT: usize = 1024;

/// How long a new connection may take to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a connection may take to send the replies in flight when the node stops.
const DRAIN: Duration = Duration::from_secs(10);

/// The longest a forwarded request is served, whatever its caller asks.
const MAX_REQUEST_TIME: Duration = Duration::from_secs(300);

/// What the peer listener serves.
pub(crate) struct PeerServer {
    pub(crate) cluster: String,
    pub(crate) local: String,
    pub(crate) keyspaces: Arc<Keyspaces>,
    pub(crate) metrics: PeerMetrics,
}

impl PeerServer {
    /// Accepts connections on `listener` until `stop`.
    pub(crate) async fn run(
        self: Arc<Self>,
        listener: TcpListener,
        stop: CancellationToken,
        tracker: TaskTracker,
    ) {
        loop {
            let stream = tokio::select! {
                _ = stop.cancelled() => return,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        tracing::warn!(error = %e, "accepting a peer connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let this = self.clone();
            let (stop, inner) = (stop.clone(), tracker.clone());
            tracker.spawn(async move {
                if let Err(why) = this.connection(stream, stop, inner).await {
                    tracing::debug!(%why, "peer connection closed");
                }
            });
        }
    }

    /// Serves one connection.
    async fn connection(
        self: Arc<Self>,
        stream: TcpStream,
        stop: CancellationToken,
        tracker: TaskTracker,
    ) -> Result<(), String> {
        let _ = stream.set_nodelay(true);
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let hello = tokio::time::timeout(HELLO_TIMEOUT, wire::read::<Hello, _>(&mut read))
            .await
            .map_err(|_| "no hello in time".to_owned())?
            .map_err(|e| e.to_string())?
            .ok_or("closed before its hello")?;
        if hello.protocol != PROTOCOL || hello.cluster != self.cluster {
            return Err(format!(
                "refused node `{}` of cluster `{}` (protocol {})",
                hello.member, hello.cluster, hello.protocol
            ));
        }
        let welcome = Welcome {
            member: self.local.clone(),
        };
        wire::write(&mut write, &welcome)
            .await
            .map_err(|e| e.to_string())?;
        tracing::debug!(peer = %hello.member, "peer connected");

        let (replies, queue) = mpsc::channel(IN_FLIGHT);
        let permits = Arc::new(Semaphore::new(IN_FLIGHT));
        let watches_stop = stop.child_token();
        // Every watch ends with the connection, however it ends.
        let _watches_end = watches_stop.clone().drop_guard();
        let watches = Watches::new(
            replies.clone(),
            watches_stop.clone(),
            tracker.clone(),
            self.metrics.watches.clone(),
        );
        let writer = write_replies(write, queue);
        tokio::pin!(writer);
        let reader = async {
            loop {
                let permit = permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|e| e.to_string())?;
                let request = match wire::read::<Request, _>(&mut read).await {
                    Ok(Some(request)) => request,
                    Ok(None) => return Ok::<(), String>(()),
                    Err(e) => return Err(e.to_string()),
                };
                let Err(request) = watches.take(request, &self.keyspaces).await else {
                    continue;
                };
                let (this, replies) = (self.clone(), replies.clone());
                tracker.spawn(async move {
                    let id = request.id;
                    let outcome = this.serve(request).await;
                    let _ = replies.send(Reply { id, outcome }).await;
                    drop(permit);
                });
            }
        };
        let ended = tokio::select! {
            _ = stop.cancelled() => Ok(()),
            end = reader => end,
            end = &mut writer => return end,
        };
        // No more requests; the replies of those in flight still go out (bounded), so a
        // node that stops gracefully does not leave its callers guessing. The watches end,
        // telling their watchers to follow their keys elsewhere.
        watches_stop.cancel();
        drop(watches);
        drop(replies);
        match tokio::time::timeout(DRAIN, &mut writer).await {
            Ok(written) => written.and(ended),
            Err(_) => Err("replies still in flight when the node stopped".to_owned()),
        }
    }

    /// Runs one request.
    async fn serve(&self, request: Request) -> Outcome {
        let Some(keyspace) = self.keyspaces.named(&request.keyspace) else {
            return Outcome::Refused(Refused {
                code: Code::UnknownKeyspace,
                reason: format!("no keyspace `{}`", request.keyspace),
            });
        };
        let wait = Duration::from_millis(u64::from(request.timeout_ms)).min(MAX_REQUEST_TIME);
        keyspace
            .serve_peer(request.partition, request.body, Instant::now() + wait)
            .await
    }
}

/// Writes replies as they come, a batch per write.
async fn write_replies(
    mut write: OwnedWriteHalf,
    mut queue: mpsc::Receiver<Reply>,
) -> Result<(), String> {
    let mut batch = Vec::new();
    while let Some(reply) = queue.recv().await {
        wire::encode(&reply, &mut batch);
        while batch.len() < wire::WRITE_BATCH {
            match queue.try_recv() {
                Ok(reply) => wire::encode(&reply, &mut batch),
                Err(_) => break,
            }
        }
        write.write_all(&batch).await.map_err(|e| e.to_string())?;
        batch.clear();
    }
    Ok(())
}
