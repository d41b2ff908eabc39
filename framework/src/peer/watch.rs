//! [`RemoteWatch`]: a key followed on another node, for a live subscription held here (see
//! [`frame`](super::frame) for the exchange).

use bytes::Bytes;
use tokio::sync::mpsc;

use super::frame::{Cancel, Code, Item, More, Outcome, Request, RequestBody};
use super::link::{Outgoing, Waiter};
use super::{LinkError, frame};
use crate::feed::FeedItem;

/// How a [`RemoteWatch`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WatchEnded {
    /// The node stopped serving it for a reason that may pass: it is not a replica of the
    /// partition any more, it is stopping, the link broke. Follow the key again, wherever it
    /// is served now.
    Moved(String),
    /// The node refused it for good: the request is wrong (or the nodes disagree about the
    /// keyspace), or the node serves as many watches as it will.
    Refused(Code, String),
}

/// A key followed on another node. Dropping it cancels the watch there.
#[derive(Debug)]
pub(crate) struct RemoteWatch {
    id: i64,
    keyspace: String,
    partition: u32,
    link: mpsc::Sender<Outgoing>,
    replies: mpsc::Receiver<Result<Outcome, LinkError>>,
    /// A batch was taken and not yet paid for with a `More`.
    owes_more: bool,
}

impl RemoteWatch {
    pub(super) fn new(
        id: i64,
        keyspace: &str,
        partition: u32,
        link: mpsc::Sender<Outgoing>,
        replies: mpsc::Receiver<Result<Outcome, LinkError>>,
    ) -> RemoteWatch {
        RemoteWatch {
            id,
            keyspace: keyspace.to_owned(),
            partition,
            link,
            replies,
            owes_more: false,
        }
    }

    /// The next changes, waiting for them: what brings the watcher from the last batch (or
    /// the offset it started from) to the latest state the serving node knows.
    pub(crate) async fn next(&mut self) -> Result<Vec<FeedItem>, WatchEnded> {
        if self.owes_more {
            let more = self.frame(RequestBody::More(More {}));
            if self.link.send(more).await.is_err() {
                return Err(WatchEnded::Moved("the link stopped".to_owned()));
            }
            self.owes_more = false;
        }
        match self.replies.recv().await {
            Some(Ok(Outcome::Items(items))) => {
                self.owes_more = true;
                let items: Result<Vec<_>, _> = items.items.into_iter().map(feed_item).collect();
                items.map_err(|why| WatchEnded::Refused(Code::BadMessage, why))
            }
            Some(Ok(Outcome::Refused(refused))) => Err(match refused.code {
                Code::NotMaster | Code::Stopped | Code::Timeout => {
                    WatchEnded::Moved(refused.reason)
                }
                code => WatchEnded::Refused(code, refused.reason),
            }),
            Some(Ok(Outcome::Done(_))) => Err(WatchEnded::Moved("the watch ended".to_owned())),
            Some(Err(e)) => Err(WatchEnded::Moved(e.to_string())),
            // The link forgot the watch: it stopped, or the peer broke the credit rule.
            None => Err(WatchEnded::Moved("the link dropped the watch".to_owned())),
        }
    }

    fn frame(&self, body: RequestBody) -> Outgoing {
        Outgoing {
            request: Request {
                id: self.id,
                keyspace: self.keyspace.clone(),
                partition: self.partition,
                timeout_ms: 0,
                body,
            },
            waiter: Waiter::Nobody,
        }
    }
}

impl Drop for RemoteWatch {
    fn drop(&mut self) {
        // Best effort: with the link's queue full, the serving node ends the watch by itself
        // when no `More` comes (see `server`).
        let _ = self
            .link
            .try_send(self.frame(RequestBody::Cancel(Cancel {})));
    }
}

/// An offset as it travels (Avro has no unsigned long; offsets are Kafka's, far below
/// `i64::MAX`).
pub(crate) fn peer_offset(offset: u64) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}

/// A [`FeedItem`] as it travels.
pub(crate) fn wire_item(item: FeedItem) -> Item {
    let offset = peer_offset;
    match item {
        FeedItem::Snapshot {
            offset: at,
            schema_id,
            value,
        } => Item::Snapshot(frame::Snapshot {
            offset: offset(at),
            schema_id,
            value: value.to_vec(),
        }),
        FeedItem::Delta {
            offset: at,
            base_offset,
            schema_id,
            delta,
        } => Item::Delta(frame::Delta {
            offset: offset(at),
            base_offset: offset(base_offset),
            schema_id,
            delta: delta.to_vec(),
        }),
        FeedItem::Deleted { offset: at } => Item::Deleted(frame::Deleted { offset: offset(at) }),
    }
}

/// The [`FeedItem`] a travelling [`Item`] stands for.
fn feed_item(item: Item) -> Result<FeedItem, String> {
    let offset = |o: i64| u64::try_from(o).map_err(|_| format!("a negative offset ({o})"));
    Ok(match item {
        Item::Snapshot(s) => FeedItem::Snapshot {
            offset: offset(s.offset)?,
            schema_id: s.schema_id,
            value: Bytes::from(s.value),
        },
        Item::Delta(d) => FeedItem::Delta {
            offset: offset(d.offset)?,
            base_offset: offset(d.base_offset)?,
            schema_id: d.schema_id,
            delta: Bytes::from(d.delta),
        },
        Item::Deleted(d) => FeedItem::Deleted {
            offset: offset(d.offset)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_travel_unchanged() {
        let items = [
            FeedItem::Snapshot {
                offset: 7,
                schema_id: 3,
                value: Bytes::from_static(b"\x02ab"),
            },
            FeedItem::Delta {
                offset: 9,
                base_offset: 7,
                schema_id: 3,
                delta: Bytes::from_static(b"\x01\x02"),
            },
            FeedItem::Deleted { offset: 12 },
        ];
        for item in items {
            let wire = affinity_avro::to_vec(&wire_item(item.clone()));
            let back: Item = affinity_avro::from_slice(&wire).unwrap();
            assert_eq!(feed_item(back), Ok(item));
        }
    }

    #[test]
    fn a_negative_offset_is_refused() {
        let item = Item::Deleted(frame::Deleted { offset: -1 });
        assert!(feed_item(item).is_err());
    }
}
