//! [`Watches`]: the keys one peer connection's node follows here for its live subscribers (see
//! [`frame`](super::frame) for the exchange and [`RemoteWatch`](super::RemoteWatch) for the
//! other end).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::frame::{Code, Items, Outcome, Refused, Reply, Request, RequestBody, Watch};
use super::watch::wire_item;
use crate::feed::FeedItem;
use crate::keyspace::{DynKeyspace, Keyspaces};
use crate::metrics::Gauge;
use crate::sync::lock;

/// How many keys one connection's node may follow here at once.
pub(super) const MAX_WATCHES: usize = 1 << 16;

/// How long a watch waits for the `More` that pays for its next batch before it ends. Its
/// watcher starts it again when it wants more, so this only bounds what a watcher that went
/// silent (or whose `Cancel` was lost) costs.
const MORE_TIMEOUT: Duration = Duration::from_secs(60);

/// A watch being served: how to give it credit and how to end it.
struct Entry {
    more: mpsc::Sender<()>,
    cancel: CancellationToken,
}

/// The watches of one peer connection. Every watch ends when the connection does.
pub(super) struct Watches {
    entries: Arc<Mutex<HashMap<i64, Entry>>>,
    replies: mpsc::Sender<Reply>,
    /// Cancelled when the connection ends.
    stop: CancellationToken,
    tracker: TaskTracker,
    /// Counts the watches being served, on every connection.
    served: Gauge,
}

impl Watches {
    /// The watches of a connection whose replies go to `replies`; they end with `stop`, and
    /// `served` counts them.
    pub(super) fn new(
        replies: mpsc::Sender<Reply>,
        stop: CancellationToken,
        tracker: TaskTracker,
        served: Gauge,
    ) -> Watches {
        Watches {
            entries: Arc::default(),
            replies,
            stop,
            tracker,
            served,
        }
    }

    /// Handles a `Watch`, `More` or `Cancel`; gives back any other request.
    pub(super) async fn take(
        &self,
        request: Request,
        keyspaces: &Keyspaces,
    ) -> Result<(), Request> {
        let id = request.id;
        match request.body {
            RequestBody::Watch(watch) => {
                if let Err(outcome) =
                    self.start(id, &request.keyspace, request.partition, watch, keyspaces)
                {
                    // Waits for room like any reply, slowing the connection's reader.
                    let _ = self.replies.send(Reply { id, outcome }).await;
                }
                Ok(())
            }
            RequestBody::More(_) => {
                if let Some(entry) = lock(&self.entries).get(&id) {
                    // At most one batch is unpaid, so the one slot is enough.
                    let _ = entry.more.try_send(());
                }
                Ok(())
            }
            RequestBody::Cancel(_) => {
                if let Some(entry) = lock(&self.entries).remove(&id) {
                    entry.cancel.cancel();
                }
                Ok(())
            }
            _ => Err(request),
        }
    }

    /// Starts serving a watch, or says why not.
    fn start(
        &self,
        id: i64,
        keyspace: &str,
        partition: u32,
        watch: Watch,
        keyspaces: &Keyspaces,
    ) -> Result<(), Outcome> {
        let Some(keyspace) = keyspaces.named(keyspace).cloned() else {
            return Err(refuse(
                Code::UnknownKeyspace,
                format!("no keyspace `{keyspace}`"),
            ));
        };
        let held = match watch.held.map(u64::try_from).transpose() {
            Ok(held) => held,
            Err(_) => return Err(refuse(Code::BadMessage, "a negative offset".to_owned())),
        };
        let (more, credit) = mpsc::channel(1);
        let cancel = self.stop.child_token();
        {
            let mut entries = lock(&self.entries);
            if entries.len() >= MAX_WATCHES {
                return Err(refuse(
                    Code::Overloaded,
                    format!("this node follows {MAX_WATCHES} keys for yours already"),
                ));
            }
            if entries.contains_key(&id) {
                return Err(refuse(
                    Code::BadMessage,
                    format!("watch {id} exists already"),
                ));
            }
            entries.insert(
                id,
                Entry {
                    more,
                    cancel: cancel.clone(),
                },
            );
        }
        let served = Served {
            id,
            partition,
            watch,
            held,
            credit,
            replies: self.replies.clone(),
        };
        let (entries, gauge) = (self.entries.clone(), self.served.clone());
        gauge.inc();
        self.tracker.spawn(async move {
            let replies = served.replies.clone();
            let outcome = tokio::select! {
                () = cancel.cancelled() => refuse(Code::Stopped, "the watch ended here".to_owned()),
                outcome = served.run(keyspace) => outcome,
            };
            lock(&entries).remove(&id);
            gauge.dec();
            // Best effort, never waiting: after a `Cancel` nobody wants it, and a node that
            // stops tells the watchers that still listen to follow their keys elsewhere.
            let _ = replies.try_send(Reply { id, outcome });
        });
        Ok(())
    }
}

/// One watch being served.
struct Served {
    id: i64,
    partition: u32,
    watch: Watch,
    held: Option<u64>,
    credit: mpsc::Receiver<()>,
    replies: mpsc::Sender<Reply>,
}

impl Served {
    /// Sends the key's changes, a batch per credit, until the replica here closes or the
    /// watcher stops paying; the final outcome.
    async fn run(mut self, keyspace: Arc<dyn DynKeyspace>) -> Outcome {
        let mut reader = match keyspace.watch_here(self.partition, &self.watch).await {
            Ok(reader) => reader,
            Err(refused) => return refused,
        };
        let mut items = VecDeque::new();
        loop {
            reader.since(self.held, &mut items);
            if items.is_empty() {
                if !reader.changed().await {
                    return refuse(Code::Stopped, "this node's replica closed".to_owned());
                }
                continue;
            }
            self.held = items.back().map(FeedItem::offset);
            let batch = items.drain(..).map(wire_item).collect();
            let reply = Reply {
                id: self.id,
                outcome: Outcome::Items(Items { items: batch }),
            };
            if self.replies.send(reply).await.is_err() {
                return refuse(Code::Stopped, "the connection closed".to_owned());
            }
            match tokio::time::timeout(MORE_TIMEOUT, self.credit.recv()).await {
                Ok(Some(())) => {}
                Ok(None) => return refuse(Code::Stopped, "the watch ended here".to_owned()),
                Err(_) => {
                    return refuse(
                        Code::Timeout,
                        format!("no More within {} s", MORE_TIMEOUT.as_secs()),
                    );
                }
            }
        }
    }
}

fn refuse(code: Code, reason: String) -> Outcome {
    Outcome::Refused(Refused { code, reason })
}
