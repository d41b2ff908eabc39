//! Error types: [`ProtocolError`] for frames received, [`SessionError`] for a session's inputs.

use affinity_avro::DecodeError;

use crate::session::SubId;

/// A frame received is not one this side can accept. The frame changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The frame is larger than the limit.
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    FrameTooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The frame is a union branch this version of the protocol does not know: the peer is
    /// newer. Receivers skip such frames (see the [`frame`](crate::frame) module docs).
    #[error("frame kind {index} is unknown to this version of the protocol")]
    UnknownFrame {
        /// The branch index read.
        index: i64,
    },
    /// The frame is not valid Avro of the frame schema.
    #[error("malformed frame: {0}")]
    Malformed(DecodeError),
    /// A snapshot's value does not decode with the schema its frame names.
    #[error("the value at offset {offset} does not decode with schema {schema_id}: {error}")]
    BadValue {
        /// The value's offset.
        offset: i64,
        /// The schema id the frame names.
        schema_id: i32,
        /// Why.
        error: DecodeError,
    },
    /// A delta does not apply to the value it names as its base.
    #[error("the delta to offset {offset} does not apply to the value at {base_offset}: {error}")]
    BadDelta {
        /// The new value's offset.
        offset: i64,
        /// The base value's offset.
        base_offset: i64,
        /// Why.
        error: DecodeError,
    },
    /// A delta's offset is not greater than its base offset.
    #[error("a delta's offset {offset} is not greater than its base offset {base_offset}")]
    OffsetNotIncreasing {
        /// The new value's offset.
        offset: i64,
        /// The base value's offset.
        base_offset: i64,
    },
}

/// An input to a [`Session`](crate::session::Session) that it refuses; the session is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The session already has [`Config::max_subscriptions`](crate::session::Config::max_subscriptions)
    /// subscriptions.
    #[error("too many subscriptions (the limit is {max})")]
    TooManySubscriptions {
        /// The limit.
        max: usize,
    },
    /// [`Config::max_publishes`](crate::session::Config::max_publishes) publishes are queued or
    /// awaiting their acknowledgement; retry after one is answered.
    #[error("too many publishes in flight (the limit is {max})")]
    TooManyPublishes {
        /// The limit.
        max: usize,
    },
    /// The frame this input would send is larger than the limit.
    #[error("the frame would be {len} bytes, over the limit of {max} bytes")]
    FrameTooLarge {
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// No live subscription has this id.
    #[error("no subscription {0}")]
    UnknownSubscription(SubId),
}
