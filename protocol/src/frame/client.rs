//! The frames a client sends to the server.
//!
//! The doc comments here are also the `doc` attributes of the exported schema, so they are
//! written for readers in any language.

use affinity_avro::Avro;

/// Starts a subscription to one key of a keyspace's state, or resumes one after a reconnect.
/// The server answers with a Snapshot, Delta or Deleted frame for sub_id, then sends every
/// later change of the key, or with an Error naming sub_id that ends the subscription.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Subscribe {
    /// The client's id for this subscription, unique among the connection's live
    /// subscriptions; every frame the server sends for it carries it.
    pub sub_id: i64,
    /// The keyspace's name.
    pub keyspace: String,
    /// The name of the state within the keyspace.
    pub state: String,
    /// The key: the Avro binary encoding of the state's key type.
    pub key: Vec<u8>,
    /// The offset of the last value the client holds (of an earlier subscription to the same
    /// key); the server then sends only what changed after it, as deltas from it when it can,
    /// otherwise a snapshot. null: the client holds nothing and wants a snapshot.
    pub resume_from: Option<i64>,
}

/// Ends a subscription. Frames for it that were already in flight may still arrive; the client
/// ignores them.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Unsubscribe {
    /// The id the subscription was started with.
    pub sub_id: i64,
}

/// A message to the handler of a key's partition. The server answers with Published once the
/// handler has accepted it, or with an Error naming request_id.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Publish {
    /// The client's id for this request, unique among the connection's requests in flight.
    pub request_id: i64,
    /// The keyspace's name.
    pub keyspace: String,
    /// The key: the Avro binary encoding of the keyspace's key type; it routes the message.
    pub key: Vec<u8>,
    /// The message: the Avro binary encoding of a message type the handler accepts.
    pub message: Vec<u8>,
}

/// A heartbeat; the server answers with a Pong carrying the same nonce.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Ping {
    /// Any number; echoed in the Pong.
    pub nonce: i64,
}

/// Every frame a client sends: one per WebSocket binary message. New kinds of frames are
/// appended as new branches; a server answers a branch it does not know with an Error of code
/// BadFrame.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub enum ClientFrame {
    /// Branch 0.
    Subscribe(Subscribe),
    /// Branch 1.
    Unsubscribe(Unsubscribe),
    /// Branch 2.
    Publish(Publish),
    /// Branch 3.
    Ping(Ping),
}
