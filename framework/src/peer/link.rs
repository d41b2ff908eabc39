//! [`Link`]: this node's persistent, multiplexed connection to one other node, carrying
//! requests for the partitions that node masters and bringing back their replies.
//!
//! One task per link owns the connection. It connects when the first request comes (and again
//! after a failure), says [`Hello`], and then runs a writer and a reader side by side: the
//! writer batches queued requests into the socket, the reader hands each reply to whoever
//! waits for its id. The two never wait on each other, so a node busy writing replies to us
//! can never deadlock against us writing requests to it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::frame::{Hello, Outcome, Reply, Request, Welcome};
use super::{LinkError, wire};
use crate::coordinator::Member;
use crate::sync::lock;

/// How many requests may wait for the link's writer.
pub(crate) const LINK_QUEUE: usize = 1024;

/// How long connecting, and the hello, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// After a failed connection, requests fail at once for this long instead of each trying to
/// connect again.
const RECONNECT_PAUSE: Duration = Duration::from_millis(200);

/// Past this many requests waiting for replies, those whose callers gave up are forgotten.
const PRUNE_PENDING: usize = 4096;

/// A request on its way (its id already set, see [`Peers`](super::Peers)), and where its
/// replies go.
pub(crate) struct Outgoing {
    pub(crate) request: Request,
    pub(crate) waiter: Waiter,
}

/// Who waits for a request's replies.
pub(crate) enum Waiter {
    /// One reply.
    Reply(oneshot::Sender<Result<Outcome, LinkError>>),
    /// A watch: [`Outcome::Items`] replies, then a final one. The channel has room for an
    /// `Items` and a final reply, which is all the peer may send before it gets a `More`.
    Watch(mpsc::Sender<Result<Outcome, LinkError>>),
    /// Nobody: a `More` or a `Cancel`.
    Nobody,
}

impl Waiter {
    fn is_closed(&self) -> bool {
        match self {
            Waiter::Reply(reply) => reply.is_closed(),
            Waiter::Watch(watch) => watch.is_closed(),
            Waiter::Nobody => true,
        }
    }

    /// Hands over a final outcome.
    fn finish(self, outcome: Result<Outcome, LinkError>) {
        match self {
            Waiter::Reply(reply) => {
                let _ = reply.send(outcome);
            }
            Waiter::Watch(watch) => {
                let _ = watch.try_send(outcome);
            }
            Waiter::Nobody => {}
        }
    }
}

/// Replies awaited, by request id.
type Pending = Arc<Mutex<HashMap<i64, Waiter>>>;

/// What a link's task needs.
pub(crate) struct LinkEnv {
    /// The member this link reaches.
    pub(crate) member: Member,
    /// This node's hello.
    pub(crate) hello: Hello,
    pub(crate) stop: CancellationToken,
}

/// Runs the link until `stop` or until every sender is gone.
pub(crate) async fn run(env: LinkEnv, mut requests: mpsc::Receiver<Outgoing>) {
    let mut failed_at: Option<(Instant, String)> = None;
    loop {
        let first = tokio::select! {
            _ = env.stop.cancelled() => return,
            first = requests.recv() => match first {
                Some(first) => first,
                None => return,
            },
        };
        if let Some((at, why)) = &failed_at
            && at.elapsed() < RECONNECT_PAUSE
        {
            first.waiter.finish(Err(LinkError::NotSent(why.clone())));
            continue;
        }
        let stream = match connect(&env).await {
            Ok(stream) => stream,
            Err(why) => {
                tracing::debug!(peer = %env.member.id, addr = %env.member.peer, %why, "cannot reach peer");
                first.waiter.finish(Err(LinkError::NotSent(why.clone())));
                failed_at = Some((Instant::now(), why));
                continue;
            }
        };
        failed_at = None;
        tracing::debug!(peer = %env.member.id, addr = %env.member.peer, "peer link up");
        let pending: Pending = Arc::default();
        let (read, write) = stream.into_split();
        let why = tokio::select! {
            _ = env.stop.cancelled() => "the node is stopping".to_owned(),
            why = write_requests(write, first, &mut requests, &pending) => why,
            why = read_replies(read, &pending) => why,
        };
        tracing::debug!(peer = %env.member.id, %why, "peer link down");
        // What was written may have been handled: its outcome is unknown.
        let lost: Vec<_> = lock(&pending).drain().collect();
        for (_, waiter) in lost {
            waiter.finish(Err(LinkError::Lost(why.clone())));
        }
        if env.stop.is_cancelled() {
            return;
        }
    }
}

/// Connects to the member and exchanges hellos.
async fn connect(env: &LinkEnv) -> Result<TcpStream, String> {
    let handshake = async {
        let mut stream = TcpStream::connect(&env.member.peer)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", env.member.peer))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        wire::write(&mut stream, &env.hello)
            .await
            .map_err(|e| e.to_string())?;
        match wire::read::<Welcome, _>(&mut stream).await {
            Ok(Some(welcome)) if welcome.member == env.member.id.as_str() => Ok(stream),
            Ok(Some(welcome)) => Err(format!(
                "{} is node `{}`, not `{}`",
                env.member.peer, welcome.member, env.member.id
            )),
            Ok(None) => Err("the peer refused the link".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    };
    tokio::time::timeout(CONNECT_TIMEOUT, handshake)
        .await
        .unwrap_or_else(|_| Err(format!("no answer from {} in time", env.member.peer)))
}

/// Writes requests as they come, a batch per write; returns why it stopped.
async fn write_requests(
    mut write: OwnedWriteHalf,
    first: Outgoing,
    requests: &mut mpsc::Receiver<Outgoing>,
    pending: &Pending,
) -> String {
    let mut batch = Vec::new();
    let mut unsent = Vec::new();
    let mut next = Some(first);
    loop {
        let Some(mut outgoing) = next.take() else {
            match requests.recv().await {
                Some(outgoing) => next = Some(outgoing),
                None => return "the node dropped the link".to_owned(),
            }
            continue;
        };
        loop {
            wire::encode(&outgoing.request, &mut batch);
            if !matches!(outgoing.waiter, Waiter::Nobody) {
                unsent.push((outgoing.request.id, outgoing.waiter));
            }
            match requests.try_recv() {
                Ok(more) if batch.len() < wire::WRITE_BATCH => outgoing = more,
                Ok(more) => {
                    next = Some(more);
                    break;
                }
                Err(_) => break,
            }
        }
        {
            let mut pending = lock(pending);
            if pending.len() > PRUNE_PENDING {
                pending.retain(|_, waiter| !waiter.is_closed());
            }
            pending.extend(unsent.drain(..));
        }
        if let Err(e) = write.write_all(&batch).await {
            // A frame cut short is never decoded; the frames before it may have been.
            return format!("writing to the peer failed: {e}");
        }
        batch.clear();
    }
}

/// Reads replies and hands them out; returns why it stopped.
async fn read_replies(read: OwnedReadHalf, pending: &Pending) -> String {
    let mut read = BufReader::new(read);
    loop {
        match wire::read::<Reply, _>(&mut read).await {
            Ok(Some(reply)) => deliver(pending, reply),
            Ok(None) => return "the peer closed the link".to_owned(),
            Err(e) => return e.to_string(),
        }
    }
}

/// Hands `reply` to whoever waits for it.
fn deliver(pending: &Pending, reply: Reply) {
    let mut pending = lock(pending);
    if let Outcome::Items(_) = reply.outcome {
        // More replies follow; the watch stays.
        if let Some(Waiter::Watch(watch)) = pending.get(&reply.id)
            && watch.try_send(Ok(reply.outcome)).is_err()
        {
            // Gone (cancelled), or a peer that sent a batch it had no credit for: either way
            // the watch is over here; its watcher sees the channel close and follows again.
            pending.remove(&reply.id);
        }
    } else if let Some(waiter) = pending.remove(&reply.id) {
        waiter.finish(Ok(reply.outcome));
    }
}
