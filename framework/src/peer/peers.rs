//! [`Peers`]: this node's links to the other nodes of its cluster, made as they are first
//! needed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::frame::{Hello, Outcome, Request, RequestBody, Watch};
use super::link::{self, LINK_QUEUE, LinkEnv, Outgoing, Waiter};
use super::watch::RemoteWatch;
use super::{LinkError, PROTOCOL};
use crate::coordinator::{Member, MemberId};
use crate::sync::lock;

/// The link to one member, as last known: a member that comes back at another address gets a
/// new link.
struct LinkHandle {
    peer: String,
    requests: mpsc::Sender<Outgoing>,
}

/// This node's links to the other members of its cluster. Cheap to share.
pub(crate) struct Peers {
    local: MemberId,
    cluster: String,
    links: Mutex<HashMap<MemberId, LinkHandle>>,
    /// Request ids, unique on every link (a watch's `More` and `Cancel` reuse its id).
    next_id: AtomicI64,
    stop: CancellationToken,
    tracker: TaskTracker,
}

impl std::fmt::Debug for Peers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peers")
            .field("local", &self.local)
            .field("cluster", &self.cluster)
            .finish_non_exhaustive()
    }
}

impl Peers {
    /// The links of member `local` of `cluster`; their tasks stop with `stop`.
    pub(crate) fn new(
        local: MemberId,
        cluster: String,
        stop: CancellationToken,
        tracker: TaskTracker,
    ) -> Arc<Peers> {
        Arc::new(Peers {
            local,
            cluster,
            links: Mutex::default(),
            next_id: AtomicI64::new(1),
            stop,
            tracker,
        })
    }

    /// Sends a request for `partition` of `keyspace` to `member` and waits for its outcome
    /// until `deadline`.
    pub(crate) async fn request(
        &self,
        member: &Member,
        keyspace: &str,
        partition: u32,
        body: RequestBody,
        deadline: Instant,
    ) -> Result<Outcome, LinkError> {
        let left = deadline.saturating_duration_since(Instant::now());
        let request = Request {
            id: self.next_id(),
            keyspace: keyspace.to_owned(),
            partition,
            timeout_ms: u32::try_from(left.as_millis()).unwrap_or(u32::MAX),
            body,
        };
        let (outcome, answer) = oneshot::channel();
        let requests = self.link(member);
        let outgoing = Outgoing {
            request,
            waiter: Waiter::Reply(outcome),
        };
        match tokio::time::timeout_at(deadline, requests.send(outgoing)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return Err(LinkError::NotSent("the node is stopping".to_owned())),
            Err(_) => return Err(LinkError::Timeout),
        }
        match tokio::time::timeout_at(deadline, answer).await {
            Ok(Ok(outcome)) => outcome,
            // Dropped unanswered: it never left the queue (the link stopped).
            Ok(Err(_)) => Err(LinkError::NotSent("the link stopped".to_owned())),
            Err(_) => Err(LinkError::Timeout),
        }
    }

    /// Starts watching `watch.key` of `partition` of `keyspace` on `member`; its changes come
    /// through the returned [`RemoteWatch`].
    pub(crate) async fn watch(
        &self,
        member: &Member,
        keyspace: &str,
        partition: u32,
        watch: Watch,
    ) -> Result<RemoteWatch, LinkError> {
        let request = Request {
            id: self.next_id(),
            keyspace: keyspace.to_owned(),
            partition,
            // A watch has no deadline: it lasts until cancelled or refused.
            timeout_ms: 0,
            body: RequestBody::Watch(watch),
        };
        let id = request.id;
        let (tx, replies) = mpsc::channel(2);
        let link = self.link(member);
        link.send(Outgoing {
            request,
            waiter: Waiter::Watch(tx),
        })
        .await
        .map_err(|_| LinkError::NotSent("the node is stopping".to_owned()))?;
        Ok(RemoteWatch::new(id, keyspace, partition, link, replies))
    }

    fn next_id(&self) -> i64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The queue of the link to `member`, made (or remade, for a new address) if needed.
    fn link(&self, member: &Member) -> mpsc::Sender<Outgoing> {
        let mut links = lock(&self.links);
        if let Some(link) = links.get(&member.id)
            && link.peer == member.peer
            && !link.requests.is_closed()
        {
            return link.requests.clone();
        }
        let (requests, queue) = mpsc::channel(LINK_QUEUE);
        let env = LinkEnv {
            member: member.clone(),
            hello: Hello {
                protocol: PROTOCOL,
                cluster: self.cluster.clone(),
                member: self.local.to_string(),
            },
            stop: self.stop.clone(),
        };
        // The replaced link (if any) stops once its queue is dropped and drained.
        links.insert(
            member.id.clone(),
            LinkHandle {
                peer: member.peer.clone(),
                requests: requests.clone(),
            },
        );
        self.tracker.spawn(link::run(env, queue));
        requests
    }
}
