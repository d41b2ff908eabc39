//! The frames a server sends to a client.
//!
//! The doc comments here are also the `doc` attributes of the exported schema, so they are
//! written for readers in any language.

use affinity_avro::Avro;

use super::ErrorCode;

/// The whole value of a subscribed key: the first answer to a Subscribe, and later whenever
/// the server prefers it to a delta (after a gap, a schema change, or to catch up a slow
/// client, whose intermediate values are then coalesced).
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Snapshot {
    /// The subscription.
    pub sub_id: i64,
    /// The offset of this value: strictly greater than that of any earlier value of the key.
    pub offset: i64,
    /// The registry id of the schema the value is written with.
    pub schema_id: i32,
    /// The value: Avro binary, written with schema_id's schema.
    pub value: Vec<u8>,
}

/// A change to a subscribed key's value, as an Affinity delta: the fields that changed.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Delta {
    /// The subscription.
    pub sub_id: i64,
    /// The offset of the new value; greater than base_offset.
    pub offset: i64,
    /// The offset of the value the delta applies to. A client holding another offset has
    /// missed a change and must not apply it.
    pub base_offset: i64,
    /// The registry id of the schema of both the base and the new value.
    pub schema_id: i32,
    /// The delta from the base value to the new one, in schema_id's schema.
    pub delta: Vec<u8>,
}

/// The subscribed key has no value: it was deleted at offset, or (offset -1) never written.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Deleted {
    /// The subscription.
    pub sub_id: i64,
    /// The offset of the deletion, or -1 for a key that was never written.
    pub offset: i64,
}

/// A failure. With sub_id it ends that subscription (the server keeps nothing of it); with
/// request_id it answers that Publish; with neither it concerns the connection.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live", name = "Error")]
pub struct ErrorFrame {
    /// The subscription this ends, if any.
    pub sub_id: Option<i64>,
    /// The Publish this answers, if any.
    pub request_id: Option<i64>,
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people; never server internals.
    pub message: String,
}

/// A Publish was accepted by its handler.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Published {
    /// The request_id of the Publish.
    pub request_id: i64,
}

/// The answer to a Ping.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub struct Pong {
    /// The Ping's nonce.
    pub nonce: i64,
}

/// Every frame a server sends: one per WebSocket binary message. New kinds of frames are
/// appended as new branches; a client ignores a branch it does not know.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "affinity.live")]
pub enum ServerFrame {
    /// Branch 0.
    Snapshot(Snapshot),
    /// Branch 1.
    Delta(Delta),
    /// Branch 2.
    Deleted(Deleted),
    /// Branch 3.
    Error(ErrorFrame),
    /// Branch 4.
    Published(Published),
    /// Branch 5.
    Pong(Pong),
}
