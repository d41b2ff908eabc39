//! The frames of the live protocol: Avro types in the namespace `affinity.live`, one frame per
//! binary WebSocket message on `/live`.
//!
//! | client → server | server → client |
//! |---|---|
//! | [`Subscribe`] `{sub_id, keyspace, state, key, resume_from}` | [`Snapshot`] `{sub_id, offset, schema_id, value}` |
//! | [`Unsubscribe`] `{sub_id}` | [`Delta`] `{sub_id, offset, base_offset, schema_id, delta}` |
//! | [`Publish`] `{request_id, keyspace, key, message}` | [`Deleted`] `{sub_id, offset}` |
//! | [`Ping`] `{nonce}` | [`ErrorFrame`] (`Error`) `{sub_id?, request_id?, code, message}` |
//! | | [`Published`] `{request_id}` |
//! | | [`Pong`] `{nonce}` |
//!
//! A message is the Avro binary encoding of a [`ClientFrame`] or [`ServerFrame`] — a union, so
//! its first byte is the branch (a zig-zag varint) — with nothing around it: the WebSocket
//! message gives the length. Keys, values, messages and deltas inside are Avro bytes of the
//! application's own types; the protocol does not interpret them, except that the client
//! session decodes values with the writer schema named by `schema_id` (a registry id, served
//! by `/schemas/ids/{id}`) and applies deltas to them ([`affinity_avro::delta`]).
//!
//! # Offsets
//!
//! Each value a subscriber sees carries an `offset`: the offset in the state's Kafka changelog
//! of the record that produced it, or, in embedded mode without a changelog, a per-partition
//! local sequence. Either way offsets of one key are **strictly increasing**, and every replica
//! of the partition assigns the same offset to the same value, so a client can resume on
//! another node. A [`Delta`]'s `base_offset` is the offset of the value it applies to, and its
//! `offset` that of the value it produces. A client that holds offset *o* applies a delta only
//! if `base_offset == o`; any other base means it missed a change (a gap), and it resubscribes
//! with `resume_from = o` rather than apply it. Frames with an offset at or below *o* are stale
//! (for example a snapshot the server sent before it saw a resume) and are dropped. Offsets
//! need not be consecutive: intermediate values may be coalesced (DESIGN §4 item 5), but never
//! reordered, and the last value is never lost. A key never written is reported as [`Deleted`]
//! with offset `-1`.
//!
//! # Evolution
//!
//! Frames are decoded with the receiver's own schema: there is no writer schema to resolve
//! against, so a frame's **record** schemas are frozen once released. The protocol grows only by
//! appending:
//!
//! - a new kind of frame, or a changed one (`SubscribeV2`), is a **new branch appended** to its
//!   union. A receiver that does not know a branch gets [`ProtocolError::UnknownFrame`] from
//!   [`decode`] and skips the message (a client silently; a server answers `Error{BadFrame}`
//!   and the client falls back to the older frame). A sender uses a new branch only once it
//!   knows the peer understands it;
//! - a new [`ErrorCode`] is a **symbol appended** to the enum; an older peer reads it as
//!   [`ErrorCode::Other`], the enum's `default`.
//!
//! An incompatible change gets a new WebSocket subprotocol name ([`SUBPROTOCOL`],
//! `affinity.live.v1` now), offered by the client in its handshake, so old and new servers can
//! serve both. The schemas are exported as JSON for other languages in `protocol/schema/`
//! (`ClientFrame.avsc`, `ServerFrame.avsc`); a test pins their exact text and canonical forms,
//! so an accidental change fails CI, and a deliberate one must regenerate them
//! (`AFFINITY_BLESS=1 cargo test -p affinity-protocol --test schema`).

mod client;
mod codec;
mod error_code;
mod server;

pub use client::{ClientFrame, Ping, Publish, Subscribe, Unsubscribe};
pub use codec::{Frame, MAX_FRAME_SIZE, SUBPROTOCOL, decode, decode_limited, encode};
pub use error_code::ErrorCode;
pub use server::{Deleted, Delta, ErrorFrame, Pong, Published, ServerFrame, Snapshot};

#[cfg(doc)]
use crate::ProtocolError;

/// The Avro namespace of every frame type.
pub const NAMESPACE: &str = "affinity.live";
