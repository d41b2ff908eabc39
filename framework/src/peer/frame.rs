//! The frames of a peer link (DESIGN.md §3, "Peer links"): Avro records, each sent as one
//! length-prefixed frame (see [`wire`](super::wire)).
//!
//! The node that dials sends a [`Hello`], then [`Request`]s; the node that was dialled answers
//! the hello with a [`Welcome`] (or closes the link), then each request with a [`Reply`]
//! carrying the request's id, in whatever order the requests finish.
//!
//! A [`Watch`] request (a live subscription held on the dialling node) is answered by any
//! number of [`Items`] replies and ends with a final one ([`Done`] never, [`Refused`] when the
//! dialled node stops serving it). After each `Items` the dialled node waits for a [`More`]
//! with the watch's id before it sends the next, so a dialler holds at most one batch per
//! watch however slow its subscriber: meanwhile changes collect, coalesced, in the dialled
//! node's feed. A [`Cancel`] with the watch's id ends it.

use affinity_avro::Avro;

/// The first frame of a link: who dials, and for which cluster.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Hello {
    /// [`PROTOCOL`](super::PROTOCOL): both ends must speak the same.
    pub(crate) protocol: i32,
    /// The cluster's name: nodes of different clusters refuse each other.
    pub(crate) cluster: String,
    /// The dialling node's member id.
    pub(crate) member: String,
}

/// The answer to a [`Hello`]: requests may follow.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Welcome {
    /// The dialled node's member id, so a dialler that reached a node by a stale address
    /// notices.
    pub(crate) member: String,
}

/// A message for a partition, to run on its master.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Request {
    /// The dialler's id for the request, unique among its requests in flight on the link.
    pub(crate) id: i64,
    /// The keyspace.
    pub(crate) keyspace: String,
    /// The partition.
    pub(crate) partition: u32,
    /// How long the dialler waits for the reply, in milliseconds: the master gives up on
    /// the request after that.
    pub(crate) timeout_ms: u32,
    /// What to do.
    pub(crate) body: RequestBody,
}

/// What a [`Request`] asks for.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) enum RequestBody {
    /// A message whose reply is wanted (`KeyspaceRef::ask`).
    Ask(Message),
    /// A message whose reply is not wanted (`KeyspaceRef::tell`): the reply comes once it is
    /// queued.
    Tell(Tell),
    /// A message published by a live client (`Publish` frame of the live protocol).
    Publish(Publish),
    /// Follow a key: its changes come as [`Items`] replies.
    Watch(Watch),
    /// The dialler took the last [`Items`] of the watch with this request's id: send the next.
    More(More),
    /// End the watch with this request's id. It gets no reply.
    Cancel(Cancel),
    /// Read a key's stored value (`KeyspaceRef::get`): the reply is the stored record
    /// (header and body, see [`record`](crate::state::record)) as an Avro `["null", "bytes"]`.
    Get(Get),
}

/// A key to follow, from the state the subscriber holds.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Watch {
    /// The state's name.
    pub(crate) state: String,
    /// The key's Avro encoding.
    pub(crate) key: Vec<u8>,
    /// The offset of the value the subscriber holds, if any: the first [`Items`] bring it from
    /// there to the latest value.
    pub(crate) held: Option<i64>,
}

/// Credit for one more batch of a [`Watch`].
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct More {}

/// The end of a [`Watch`].
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Cancel {}

/// A typed message: its type's [`remote fingerprint`](crate::keyspace::Keyspace::remote) and
/// its Avro encoding.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Message {
    /// Which message type (the fingerprint of its schema and its reply's).
    pub(crate) kind: i64,
    /// The message's Avro encoding.
    pub(crate) body: Vec<u8>,
}

/// A typed message whose reply is not wanted.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Tell {
    /// The message.
    pub(crate) message: Message,
}

/// A published message, as the live client sent it.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Publish {
    /// The key's Avro encoding.
    pub(crate) key: Vec<u8>,
    /// The message's Avro encoding.
    pub(crate) message: Vec<u8>,
}

/// A key whose value to read.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Get {
    /// The state's name.
    pub(crate) state: String,
    /// The key's Avro encoding.
    pub(crate) key: Vec<u8>,
}

/// The answer to a [`Request`].
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Reply {
    /// The request's id.
    pub(crate) id: i64,
    /// What came of it.
    pub(crate) outcome: Outcome,
}

/// What came of a [`Request`].
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) enum Outcome {
    /// The handler ran (or, for a tell, the message was queued).
    Done(Done),
    /// The request was not carried out, or failed.
    Refused(Refused),
    /// A watch's next changes; more replies follow.
    Items(Items),
}

/// What brings a watcher from the last state it was sent to the latest, in order.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Items {
    /// The steps, never empty.
    pub(crate) items: Vec<Item>,
}

/// One step of a key's history, as a [`FeedItem`](crate::feed::FeedItem).
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) enum Item {
    /// The whole value.
    Snapshot(Snapshot),
    /// The change from the value at `base_offset`.
    Delta(Delta),
    /// No value.
    Deleted(Deleted),
}

/// The whole value at `offset`.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Snapshot {
    pub(crate) offset: i64,
    pub(crate) schema_id: u32,
    pub(crate) value: Vec<u8>,
}

/// The delta from the value at `base_offset` to the value at `offset`.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Delta {
    pub(crate) offset: i64,
    pub(crate) base_offset: i64,
    pub(crate) schema_id: u32,
    pub(crate) delta: Vec<u8>,
}

/// No value as of `offset`.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Deleted {
    pub(crate) offset: i64,
}

/// A request carried out.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Done {
    /// The reply's encoding ([`Wire`](affinity_avro::Wire)); empty for tells and publishes.
    pub(crate) reply: Vec<u8>,
}

/// A request not carried out, or failed.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) struct Refused {
    /// Why.
    pub(crate) code: Code,
    /// Details for people.
    pub(crate) reason: String,
}

/// Why a request was refused.
#[derive(Avro, Clone, Copy, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.peer")]
pub(crate) enum Code {
    /// The node is not the partition's master (any more, or not yet): the request did not
    /// run; send it to the master.
    NotMaster,
    /// The node runs no keyspace of that name.
    UnknownKeyspace,
    /// The keyspace does not know the message type (the nodes run different builds, or it is
    /// not declared remote).
    UnknownMessage,
    /// The message or key did not decode.
    BadMessage,
    /// The handler rejected a published message, or a read failed on the master (its store
    /// failed, or holds a value that does not decode): the reason says why.
    Rejected,
    /// The partition did not answer in time; the message may still be handled.
    Timeout,
    /// The handler failed (panicked) on the message.
    Failed,
    /// The changelog did not take the message's writes.
    NotWritten,
    /// The partition is stopping.
    Stopped,
    /// No such partition.
    NoSuchPartition,
    /// The node serves as many watches for the dialler as it will.
    Overloaded,
}
